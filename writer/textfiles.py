"""Reading the user's text files: one place that turns every way a read can fail into a clear message."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from writer.errors import WriterError


def read_text(path: str | Path) -> str:
    """The UTF-8 text of ``path`` (``-`` reads standard input), or a WriterError that names the file."""
    if str(path) == "-":
        return _decode(sys.stdin.buffer.read(), "Standard input")
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise WriterError(f"{path} does not exist.") from None
    except IsADirectoryError:
        raise WriterError(f"{path} is a folder, not a text file.") from None
    except OSError as exc:
        raise WriterError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    return _decode(data, str(path))


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WriterError(f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                          "re-save it as UTF-8.") from None


def write_text_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` so that nobody ever sees half a file (temp file, then rename)."""
    partial = path.with_name(f".{path.name}.writing")
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise WriterError(f"Cannot write {path}: {exc.strerror or exc}.") from None
    return path
