"""Copy flags: does a suggestion or a draft repeat a training corpus word for word?

No Qt here: the app runs :class:`Checker` on a worker thread, the CLI calls it directly.
"""

from writer.copycheck.build import IndexBuilder, index_files
from writer.copycheck.checker import Checker, Flag, Source
from writer.copycheck.index import CopyIndex

__all__ = ["Checker", "CopyIndex", "Flag", "IndexBuilder", "Source", "index_files"]
