"""Fixtures that build the real main window over a real store in the test's WRITER_HOME."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from tests.copycheck.bookpacks import Book, install_index, make_books
from tests.ui.panels import keep
from writer.settings import Settings
from writer.store import Store
from writer.ui.app import make_app
from writer.ui.features import build_window
from writer.ui.main_window import MainWindow

WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def store() -> Iterator[Store]:
    s = Store.open()
    yield s
    s.close()


@pytest.fixture
def make_window(qtbot: QtBot, store: Store) -> Iterator[WindowFactory]:
    """Build (and later close) main windows over ``store`` with fresh settings, with their side panels
    (:func:`tests.ui.panels.panels_of`)."""
    make_app([])
    windows: list[MainWindow] = []

    def build(**settings: object) -> MainWindow:
        prefs = Settings.load()
        for key, value in settings.items():
            prefs.set(key.replace("__", "."), value)
        window, panels = build_window(store, prefs)
        keep(window, panels)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        windows.append(window)
        return window

    yield build
    for window in windows:
        window.autosave.flush()
        window.worker.wait(5000)


@pytest.fixture
def window(make_window: WindowFactory) -> MainWindow:
    return make_window()


@pytest.fixture
def books() -> list[Book]:
    """Two made-up books installed as a model pack's copy index (copy-check and publish-warning tests)."""
    books = make_books()
    install_index(books)
    return books
