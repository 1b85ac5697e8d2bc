"""Store errors: each is a WriterError, so the CLI and the app show its message as is."""

from __future__ import annotations

from pathlib import Path

from writer.errors import WriterError


class DraftNotFound(WriterError, KeyError):
    """No draft (or revision) with that id; a KeyError too, so ``except KeyError`` works."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not found"


class StoreCorrupt(WriterError):
    """The database file is damaged; it is left untouched so nothing more is lost."""

    def __init__(self, path: Path, detail: str, backup: Path | None) -> None:
        self.path = path
        self.backup = backup
        if backup is not None:
            hint = (f"The newest backup is {backup}; run `writer drafts restore-backup` to restore it "
                    "(the damaged file is kept beside it).")
        else:
            hint = "There is no backup yet; keep the file and do not delete it."
        super().__init__(f"The drafts database {path} is damaged ({detail}) and Writer cannot use it. {hint}")


class StoreBusy(WriterError):
    """Another process held the database longer than the busy timeout."""


class StoreReadOnly(WriterError):
    """A write was attempted on a store that cannot be written."""
