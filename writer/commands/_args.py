"""Argument types shared by the commands: numbers checked against what Writer can use, so a value
out of range is one usage error naming the option, not a failure deep inside SQLite or numpy."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from writer.store.store import SQLITE_INT_MAX  # the largest integer SQLite stores


def int_between(low: int, high: int) -> Callable[[str], int]:
    """An argparse ``type``: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    parse.__name__ = "number"  # argparse names the type in its messages
    return parse


#: A draft id: positive, and small enough for SQLite.
draft_id = int_between(1, SQLITE_INT_MAX)
#: A revision id: the same range.
revision_id = draft_id
#: A seed that reproduces a suggestion; it is stored with the text it made.
seed = int_between(0, SQLITE_INT_MAX)
