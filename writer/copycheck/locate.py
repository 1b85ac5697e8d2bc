"""Where copy indexes live: inside model packs, and the user's own corpora."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from writer import paths
from writer.errors import WriterError

INDEX_DIR = "copyindex"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise WriterError(f"'{name}' is not a valid name: use letters, digits, '-', '_' or '.'")
    return name


def _model_dirs() -> list[Path]:
    """Model pack folders: the user's first (they can shadow a shipped pack), then shipped."""
    dirs = [paths.user_models_dir()]
    with contextlib.suppress(FileNotFoundError):
        dirs.append(paths.resources_dir() / "models")
    return dirs


def model_index_dir(name: str) -> Path:
    """The ``copyindex/`` folder of model pack ``name``; a WriterError when it has none."""
    check_name(name)
    for base in _model_dirs():
        if (base / name).is_dir():
            return base / name / INDEX_DIR
    known = ", ".join(model_names()) or "none installed"
    raise WriterError(f"no model pack '{name}' (packs with a copy index: {known})")


def model_names() -> list[str]:
    """Names of the model packs that ship a copy index."""
    names: set[str] = set()
    for base in _model_dirs():
        if base.is_dir():
            names.update(p.parent.name for p in base.glob(f"*/{INDEX_DIR}"))
    return sorted(names)


def corpus_index_dir(name: str) -> Path:
    """Where ``writer corpus index --name NAME`` puts a copy-check-only corpus."""
    return paths.data_dir() / "corpora" / check_name(name) / INDEX_DIR


def corpus_names() -> list[str]:
    base = paths.data_dir() / "corpora"
    return sorted(p.parent.name for p in base.glob(f"*/{INDEX_DIR}")) if base.is_dir() else []
