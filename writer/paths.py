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
_override: Path | None = None


def set_data_dir(path: str | os.PathLike[str] | None) -> None:
    """Use ``path`` for all user data from now on (the ``--data-dir`` option)."""
    global _override
    _override = Path(path).expanduser().resolve() if path else None


def data_dir() -> Path:
    """The user data folder: ``--data-dir``, else ``$WRITER_HOME``, else the platform's."""
    if _override is not None:
        path = _override
    elif os.environ.get("WRITER_HOME"):
        path = Path(os.environ["WRITER_HOME"]).expanduser()
    else:
        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriterError(f"Cannot use {path} for Writer's data: {exc.strerror or exc}. Choose another "
                          "folder with --data-dir or WRITER_HOME.") from None
    return path


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, inside it when installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources", here.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Writer's resources folder is missing; reinstall Writer.")


def user_models_dir() -> Path:
    """Model packs the user added (``writer models add``)."""
    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path
