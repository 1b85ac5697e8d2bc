"""Markdown in and out: File ▸ Import/Export and files dropped on the window. The files are read
and written on the window's worker, never on the GUI thread; each failure names its file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog

from writer.errors import WriterError
from writer.store import Draft, Store

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

IMPORTABLE = (".md", ".markdown", ".txt")
_SLUG = re.compile(r"[^\w-]+")


class ImportExport(QObject):
    """Imports files as new drafts and exports the open one, for one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def import_dialog(self) -> None:
        if self.window.refuse_if_read_only():
            return
        files, _ = QFileDialog.getOpenFileNames(self.window, "Import Markdown", str(Path.home()),
                                                "Markdown or text (*.md *.markdown *.txt);;All files (*)")
        if files:
            self.import_files([Path(f) for f in files])

    def import_files(self, files: Iterable[Path]) -> None:
        """Import each file as a new draft off the GUI thread; errors name the file."""
        files = list(files)
        if not files or self.window.refuse_if_read_only():
            return
        self.window.statusBar().showMessage(f"Importing {len(files)} file{'s' if len(files) != 1 else ''}…")
        self.window.worker.submit(_import_all, self.window.store, files, channel=f"import-{id(files)}",
                                  on_result=self._imported)

    def _imported(self, outcome: tuple[list[Draft], list[str]]) -> None:
        window = self.window
        drafts, errors = outcome
        for draft in drafts:
            window.model.update_draft(draft)
        if drafts:
            window.open_draft(drafts[-1].id)
            window.statusBar().showMessage(f"Imported {len(drafts)} draft{'s' if len(drafts) != 1 else ''}", 4000)
        else:
            window.statusBar().clearMessage()
        if errors:
            window.show_error("Some files were not imported", "\n\n".join(errors))

    def export_dialog(self) -> None:
        window = self.window
        draft_id = window.current_draft_id
        if draft_id is None:
            window.statusBar().showMessage("Open a draft to export it.", 4000)
            return
        window.autosave.save(draft_id)
        draft = window.store.get_draft(draft_id)
        name = slug(draft.title) or "draft"
        target, _ = QFileDialog.getSaveFileName(window, "Export Markdown", str(Path.home() / f"{name}.md"),
                                                "Markdown (*.md)")
        if target:
            self.export_to(draft_id, Path(target))

    def export_to(self, draft_id: int, target: Path) -> None:
        """Write ``draft_id`` to ``target`` with front matter (off the GUI thread)."""
        window = self.window
        window.autosave.save(draft_id)
        draft = window.store.get_draft(draft_id)
        window.worker.submit(_export, draft, target, channel=f"export-{target}",
                             on_result=lambda path: window.statusBar().showMessage(f"Exported to {path}", 5000),
                             on_error=lambda exc: window.show_error("Could not export", f"{target}: {exc}"))

    def take_drop(self, event: QDropEvent, *, drop: bool) -> bool:
        """Accept a drag of importable files (and import them on ``drop``); False for anything else."""
        files = importable(event.mimeData().urls())
        if not files:
            return False
        event.acceptProposedAction()
        if drop:
            self.import_files(files)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Files dropped on the editor or the list import instead of pasting their paths."""
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop) and isinstance(event, QDropEvent):
            return self.take_drop(event, drop=kind == QEvent.Type.Drop)
        return False


def slug(title: str) -> str:
    """``My Draft: Part 2`` → ``my-draft-part-2`` (a file or dock name)."""
    return _SLUG.sub("-", title.lower()).strip("-")


def importable(urls: Iterable[QUrl]) -> list[Path]:
    """The local Markdown and text files among ``urls``."""
    paths = (Path(url.toLocalFile()) for url in urls if url.isLocalFile())
    return [path for path in paths if path.suffix.lower() in IMPORTABLE]


def _import_all(store: Store, files: list[Path]) -> tuple[list[Draft], list[str]]:
    """Runs in a worker: import each file, collecting a message per failure."""
    from writer.store.markdown_io import import_file

    drafts, errors = [], []
    for path in files:
        try:
            drafts.append(import_file(store, path))
        except WriterError as exc:
            errors.append(str(exc) if path.name in str(exc) else f"{path.name}: {exc}")
        except OSError as exc:
            errors.append(f"{path.name}: {exc.strerror or exc}")
    return drafts, errors


def _export(draft: Draft, target: Path) -> Path:
    """Runs in a worker: write the draft with its front matter."""
    from writer.store.markdown_io import export_markdown
    from writer.textfiles import write_text_atomic

    return write_text_atomic(target, export_markdown(draft))
