"""The publish warning: it names each copied work and passage, offers Review and Publish Anyway
(no command-line words), and never lists a quotation."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.copycheck.bookpacks import OWN, PACK, Book
from tests.ui.panels import panels_of
from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.store import Store
from writer.ui.features import install_publishing
from writer.ui.main_window import MainWindow
from writer.ui.publish_controller import PublishController, copy_check_before_publishing


@pytest.fixture
def window(make_window, books: list[Book]) -> MainWindow:  # type: ignore[no-untyped-def]
    return make_window(copycheck__scope="model", suggest__default_model=PACK, suggest__auto=False)


def _setup(window: MainWindow, store: Store, writer_home: Path, body: str) -> tuple[int, PublishController]:
    ob.add_target(store, "site", "static", {"path": str(writer_home / "site")}, default=True)
    draft = store.create_draft(body)
    window.reload_list()
    window.open_draft(draft.id)
    publisher = Publisher(store, window.settings, credentials=Credentials(FailKeyring()),
                          copy_check=copy_check_before_publishing(window))
    controller = install_publishing(window, panels_of(window).copycheck, publisher=publisher).controller
    window.worker.wait(5000)
    return draft.id, controller


def _answer(controller: PublishController, button: str, seen: dict[str, str]) -> None:
    """When the warning is up: note what it says, then click ``button``."""
    def act() -> None:
        box = controller.copy_warning
        if box is None or not box.isVisible():
            QTimer.singleShot(20, act)
            return
        seen["text"] = box.text() + "\n" + box.informativeText()
        seen["buttons"] = "|".join(b.text() for b in box.buttons())
        {"review": box.review, "publish": box.publish_anyway}[button].click()
    QTimer.singleShot(0, act)


def test_the_warning_names_work_and_passage_and_review_shows_it(window: MainWindow, store: Store, qtbot: QtBot,
                                                                writer_home: Path, books: list[Book]) -> None:
    copied = books[0].passage(30, at=0.3)
    quoted = books[1].passage(30, at=0.6)
    body = f"My post\n\n{OWN}\n\n{copied}\n\n> {quoted}\n\n{OWN}"
    draft_id, controller = _setup(window, store, writer_home, body)
    seen: dict[str, str] = {}
    _answer(controller, "review", seen)
    assert controller.publish_current() is None
    assert "The Variable Man" in seen["text"] and "Philip K. Dick" in seen["text"]
    assert " ".join(copied.split()[:8]) in seen["text"]
    assert "Second Variety" not in seen["text"]  # the quotation is a quote, not a copy
    assert "--" not in seen["text"] and "force" not in seen["text"].lower()
    assert "Review" in seen["buttons"] and "Publish Anyway" in seen["buttons"]
    assert store.get_draft(draft_id).status == "draft" and not ob.list_jobs(store)
    assert window.editor.textCursor().selectedText() == copied  # the passage, selected in the editor
    assert panels_of(window).copycheck.dock.isVisible()  # type: ignore[attr-defined]

    _answer(controller, "publish", seen)
    assert controller.publish_current() is not None
    qtbot.waitUntil(lambda: store.get_draft(draft_id).status == "published", timeout=10_000)


def test_a_draft_with_only_a_quotation_publishes_without_a_warning(window: MainWindow, store: Store,
                                                                   qtbot: QtBot, writer_home: Path,
                                                                   books: list[Book],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    body = f"Quoting\n\n{OWN}\n\n> {books[1].passage(30)}\n\n{OWN}"
    draft_id, controller = _setup(window, store, writer_home, body)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: pytest.fail(f"a dialog came up: {self.text()}"))
    assert controller.publish_current() is not None
    qtbot.waitUntil(lambda: store.get_draft(draft_id).status == "published", timeout=10_000)
