"""Import sqlite-utils without numpy, and without loading dateutil's parser until used.

Kept because it was measured: ``benchmarks/startup.py``, run with this shim and with a plain import
in its place, each against its bare QMainWindow baseline, showed the shim is what brings the
editable window within its target (the figures are in ``docs/benchmarks.md``).

A plain ``import sqlite_utils`` loads numpy (for its column-type table; Writer never inserts numpy
values) and dateutil's parser (for its date recipes; Writer never uses them) on the GUI thread
before the window shows. Here, when numpy is not loaded yet, sqlite-utils is imported with numpy
hidden (numpy stays importable for everything else, and loads later with the copy checker), and a
stand-in takes dateutil's parser's place until something uses it.
(click, for sqlite-utils' command line, is used at import time: it cannot wait.)
The standard library's ``LazyLoader`` does not help: the import system reads ``__spec__`` of a
module already in ``sys.modules``, which makes a lazy module load at once.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

_DEFERRED = ("dateutil.parser",)


class _OnFirstUse(types.ModuleType):
    """Stands in for a module until one of its attributes is used, then imports it and becomes it."""

    def __getattr__(self, attr: str) -> Any:  # only called for attributes not set yet
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def import_sqlite_utils() -> None:
    if "sqlite_utils" in sys.modules:
        return
    for name in _DEFERRED:
        _defer(name)
    if "numpy" in sys.modules:
        import sqlite_utils
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` raise ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


def _defer(name: str) -> None:
    if name in sys.modules:
        return
    stand_in = _OnFirstUse(name)
    sys.modules[name] = stand_in
    parent, _, child = name.rpartition(".")
    if parent:  # so that `from dateutil import parser` finds it without importing it
        setattr(importlib.import_module(parent), child, stand_in)
