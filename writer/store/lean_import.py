"""Import sqlite-utils without numpy, which it loads only to accept numpy values in inserts.

Writer never inserts numpy values, and numpy's import is ~0.25 s of a ~0.6 s cold start
(``python -X importtime``; ``benchmarks/startup.py``). So, when numpy is not loaded yet,
sqlite-utils is imported with numpy hidden; numpy stays importable for everything else.
"""

from __future__ import annotations

import sys


def import_sqlite_utils() -> None:
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` raise ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]
