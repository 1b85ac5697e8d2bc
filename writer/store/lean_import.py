"""Import sqlite-utils without numpy, and without loading click and dateutil until used.

Writer never inserts numpy values, and numpy's import is ~0.25 s of a ~0.6 s cold start
(``python -X importtime``; ``benchmarks/startup.py``). So, when numpy is not loaded yet,
sqlite-utils is imported with numpy hidden; numpy stays importable for everything else.
sqlite-utils also imports dateutil's parser (for its date-parsing recipes) at the top, ~25 ms
that the window waited for: until something uses it (Writer never does) a stand-in module
takes its place. (click, for its command line, is used at import time, so it cannot wait.)
The standard library's ``LazyLoader`` does not help: the import system reads ``__spec__`` of
a module already in ``sys.modules``, which makes a lazy module load at once.
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
