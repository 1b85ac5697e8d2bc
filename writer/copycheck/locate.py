"""Where copy indexes live: inside model packs, and the user's own corpora."""

from __future__ import annotations

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


def model_index_dir(name: str) -> Path:
    """The ``copyindex/`` folder of model pack ``name``; a WriterError when there is no such pack.

    A pack whose model is damaged still has a usable index, so availability is not checked.
    """
    from writer.generation import packs  # imported late: the CLI's other commands never need it

    return packs.find(check_name(name)).path / INDEX_DIR


def model_names() -> list[str]:
    """Names of the model packs that ship a copy index."""
    from writer.generation import packs

    return sorted(p.name for p in packs.discover() if (p.path / INDEX_DIR / "index.json").is_file())


def corpus_index_dir(name: str) -> Path:
    """Where ``writer corpus index --name NAME`` puts a copy-check-only corpus."""
    return paths.data_dir() / "corpora" / check_name(name) / INDEX_DIR


def corpus_names() -> list[str]:
    base = paths.data_dir() / "corpora"
    return sorted(p.parent.name for p in base.glob(f"*/{INDEX_DIR}")) if base.is_dir() else []
