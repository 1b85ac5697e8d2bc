"""How commands talk on stderr: every message on one line, prefixed ``writer:``."""

from __future__ import annotations

import sys


def one_line(message: str) -> str:
    """``message`` on one line: control characters (a newline in a quoted argument) shown escaped."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def warn(message: object) -> None:
    """Say something went wrong without stopping the command (one file of several, one damaged pack)."""
    print(f"writer: {one_line(str(message))}", file=sys.stderr)
