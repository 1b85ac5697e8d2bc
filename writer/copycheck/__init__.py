"""Copy flags: does a suggestion or a draft repeat a training corpus word for word?

No Qt here: the app runs :class:`Checker` on a worker thread, the CLI calls it directly.
"""

from importlib import import_module
from typing import Any

# Names re-exported lazily (PEP 562): the window imports ``results`` while it opens, and that
# must not load numpy, which only the checker needs.
_EXPORTS = {
    "Checker": "checker", "Flag": "checker", "Source": "checker", "CopyIndex": "index",
    "IndexBuilder": "build", "index_files": "build",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(f"writer.copycheck.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'writer.copycheck' has no attribute {name!r}")
