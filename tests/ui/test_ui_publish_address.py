"""Publishing polish in the app: changing a post's address, and "Open" with no browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMessageBox
from pytestqt.qtbot import QtBot

from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.store import Store
from writer.ui.features import install_publishing
from writer.ui.main_window import MainWindow
from writer.ui.publish_controller import PublishController


def _published(window: MainWindow, store: Store, qtbot: QtBot, writer_home: Path,
               text: str) -> tuple[int, PublishController]:
    ob.add_target(store, "site", "static", {"path": str(writer_home / "site")}, default=True)
    draft = store.create_draft(text)
    window.reload_list()
    window.open_draft(draft.id)
    controller = install_publishing(window, publisher=Publisher(store, window.settings,
                                                                credentials=Credentials(FailKeyring()))).controller
    window.worker.wait(5000)
    assert not controller.address_action.isEnabled()  # nothing to move before it is published
    controller.publish_current()
    qtbot.waitUntil(lambda: store.get_draft(draft.id).status == "published", timeout=10_000)
    qtbot.waitUntil(controller.address_action.isEnabled, timeout=5000)
    return draft.id, controller


def test_change_address_moves_the_post_and_says_so(window: MainWindow, store: Store, qtbot: QtBot,
                                                   writer_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    draft_id, controller = _published(window, store, qtbot, writer_home, "First Title\n\nBody.")
    assert store.get_draft(draft_id).url.endswith("/posts/first-title.html")
    window.editor.selectAll()
    window.editor.insertPlainText("Second Title\n\nBody.")
    asked: list[str] = []

    def answer(parent, title, label, mode, proposed):  # type: ignore[no-untyped-def]
        asked.append(proposed)
        return proposed, True
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(answer))
    controller.address_action.trigger()
    assert asked == ["second-title"]  # proposed from the title now
    site = writer_home / "site" / "posts"
    qtbot.waitUntil(lambda: store.get_draft(draft_id).url.endswith("/posts/second-title.html"), timeout=10_000)
    qtbot.waitUntil(controller.published_label.isVisible, timeout=5000)
    assert "url=second-title.html" in (site / "first-title.html").read_text()
    assert "Moved" in controller.published_label.text()
    assert window.model.draft_at(0).url == store.get_draft(draft_id).url  # the list knows the new address

    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda parent, title, text: warnings.append(text)))
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a: ("first-title", True)))
    ob.enqueue(store, draft_id, "site", "publish", {"title": "Second Title", "markdown": "Body."})
    controller.change_address()  # a send still waiting: it must go out first
    qtbot.waitUntil(lambda: bool(warnings), timeout=10_000)
    assert "waiting in the outbox" in warnings[0]
    assert store.get_draft(draft_id).url.endswith("/posts/second-title.html")


def test_open_without_a_browser_shows_and_copies_the_address(window: MainWindow, store: Store, qtbot: QtBot,
                                                             writer_home: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    draft_id, controller = _published(window, store, qtbot, writer_home, "Harbour\n\nBoats.")
    url = store.get_draft(draft_id).url
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda u: False))  # no browser here
    QGuiApplication.clipboard().clear()
    controller.published_label.linkActivated.emit(url)
    path = str((writer_home / "site" / "posts" / "harbour.html").resolve())
    assert QGuiApplication.clipboard().text() == path
    box = window.findChild(QMessageBox, "openFallback")
    assert box is not None and box.isVisible() and path in box.informativeText()
    assert "clipboard" in box.text()


def test_the_outbox_link_falls_back_too(window: MainWindow, store: Store, qtbot: QtBot, writer_home: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _, controller = _published(window, store, qtbot, writer_home, "Tides\n\nLow.")
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda u: False))
    dialog = controller.show_outbox()
    dialog.table.cellClicked.emit(0, dialog.column("Details"))
    assert QGuiApplication.clipboard().text() == str((writer_home / "site" / "posts" / "tides.html").resolve())
    assert dialog.findChild(QMessageBox, "openFallback") is not None
