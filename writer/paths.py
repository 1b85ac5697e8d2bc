"""Where Writer keeps its data and finds what ships with it.

One place decides this so that tests (``WRITER_HOME``) and the ``--data-dir`` option
redirect everything at once.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from writer.errors import WriterError

APP_NAME = "Writer"
PRIVATE_DIR = 0o700  # drafts are the user's alone: no other local user may list or read them
PRIVATE_FILE = 0o600
DB_NAME = "writer.db"
_override: Path | None = None
_notes: list[str] = []


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` for all user data from now on (the ``--data-dir`` option)."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def data_dir_path() -> Path:
    """Where the user data folder is, without creating or changing it (``writer doctor`` looks first)."""
    if _override is not None:
        return _override
    if os.environ.get("WRITER_HOME"):
        return Path(os.environ["WRITER_HOME"]).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """The user data folder: ``--data-dir``, else ``$WRITER_HOME``, else the platform's (created private)."""
    path = data_dir_path()
    try:
        path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    except OSError as exc:
        raise WriterError(f"Cannot use {path} for Writer's data: {exc.strerror or exc}. Choose another "
                          "folder with --data-dir or WRITER_HOME.") from None
    if (path / DB_NAME).exists() and make_private(path, PRIVATE_DIR):  # made by an older Writer
        note(f"Made {path} private to you (mode 700): other users on this computer could read it.")
    return path


def make_private(path: Path, mode: int = PRIVATE_FILE) -> bool:
    """Take group and other permissions off ``path`` if it has any; whether it changed anything.

    POSIX only (elsewhere the user's profile folder already keeps data private). A path that
    cannot be changed (not ours, a read-only disk) is left as it is.
    """
    if os.name != "posix":
        return False
    try:
        current = path.stat().st_mode & 0o777
        if not current & 0o077:
            return False
        path.chmod(current & mode)
    except OSError:
        return False
    return True


def note(message: str) -> None:
    """Something the user should hear once (the CLI prints it on stderr)."""
    if message not in _notes:
        _notes.append(message)


def take_notes() -> list[str]:
    """The notes gathered since the last call, which are then forgotten."""
    taken = list(_notes)
    _notes.clear()
    return taken


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, inside it when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Writer's resources folder is missing; reinstall Writer.")


def training_dir() -> Path:
    """Style packs being trained from the writer's texts, one folder each (``writer models train``)."""
    return data_dir() / "training"


def user_models_dir() -> Path:
    """Model packs the user added (``writer models add``)."""
    path = data_dir() / "models"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriterError(f"Cannot create {path} ({exc.strerror or exc}); check the data folder's "
                          "permissions or choose another with --data-dir.") from None
    return path
