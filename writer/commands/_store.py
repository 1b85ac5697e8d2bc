"""The one way a command opens the drafts database: for its own run, closed however it ends."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from writer.store import Store

Command = Callable[[argparse.Namespace], int]


def with_store(action: Callable[[Store, argparse.Namespace], int]) -> Command:
    def run(args: argparse.Namespace) -> int:
        store = Store.open()
        try:
            return action(store, args)
        finally:
            store.close()

    return run
