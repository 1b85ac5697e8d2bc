"""Fixtures for publishing tests: a store with a controlled clock, settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from publishing_fakes import Clock

from writer.settings import Settings
from writer.store import Store


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def open_store(writer_home: Path, clock: Clock) -> Iterator[Callable[[], Store]]:
    """Open (or reopen, as after a restart) the test store with the controlled clock."""
    opened: list[Store] = []

    def open_() -> Store:
        store = Store.open()
        store.clock = clock
        opened.append(store)
        return store

    yield open_
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Callable[[], Store]) -> Store:
    return open_store()


@pytest.fixture
def settings(writer_home: Path) -> Settings:
    return Settings.load()
