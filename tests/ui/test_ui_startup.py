"""Starting up: damaged or busy databases get a dialog with safe ways out, never an overwrite;
theme and window layout are restored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDockWidget, QMessageBox
from pytestqt.qtbot import QtBot

from writer import paths
from writer.settings import Settings
from writer.store import Store, StoreBusy
from writer.ui import theme
from writer.ui.app import make_app, open_store
from writer.ui.main_window import MainWindow


class Answers:
    """Clicks the named button in each message box that comes up, in order."""

    def __init__(self, *buttons: str) -> None:
        self.queue = list(buttons)
        self.seen: list[str] = []
        self.timer = QTimer(interval=30)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not self.queue:
            return
        wanted = self.queue.pop(0)
        self.seen.append(f"{box.windowTitle()}: {box.text()} {box.informativeText()}")
        for button in box.buttons():
            if button.text().replace("&", "") == wanted:
                button.click()
                return
        raise AssertionError(f"no button {wanted!r} in {[b.text() for b in box.buttons()]}")


@pytest.fixture
def app(qapp) -> Iterator[QApplication]:
    yield make_app([])


def damaged_db_with_backup() -> tuple[Path, bytes]:
    db = paths.data_dir() / "writer.db"
    with Store.open(db) as store:
        store.create_draft("Saved before the damage")
        store.backup()
    garbage = b"this is not a database at all" * 100
    for side in ("-wal", "-shm"):
        db.with_name(db.name + side).unlink(missing_ok=True)
    db.write_bytes(garbage)
    return db, garbage


def test_damaged_db_offers_restore_and_keeps_the_damaged_file(app: QApplication) -> None:
    db, garbage = damaged_db_with_backup()
    answers = Answers("Restore Last Backup", "OK")
    store, note = open_store()
    answers.timer.stop()
    assert store is not None and note is None
    assert "damaged" in answers.seen[0] and "read-only" in answers.seen[0]
    assert [d.title for d in store.list_drafts()] == ["Saved before the damage"]
    kept = [p for p in db.parent.iterdir() if p.name.startswith("writer.db.damaged")]
    assert [p.read_bytes() for p in kept] == [garbage]
    store.close()


def test_damaged_db_quit_changes_nothing(app: QApplication) -> None:
    db, garbage = damaged_db_with_backup()
    answers = Answers("Quit")
    store, _ = open_store()
    answers.timer.stop()
    assert store is None
    assert db.read_bytes() == garbage


def test_busy_db_can_be_opened_read_only(app: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open() as s:
        s.create_draft("Someone else is writing")
    real_open = Store.open

    def busy_for_writers(path=None, *, read_only=False, **kw):
        if not read_only:
            raise StoreBusy("The drafts database is busy (another Writer window is writing to it).")
        return real_open(path, read_only=True, **kw)

    monkeypatch.setattr(Store, "open", busy_for_writers)
    answers = Answers("Open Read-Only")
    store, note = open_store()
    answers.timer.stop()
    assert "busy" in answers.seen[0]
    assert store is not None and store.read_only and note
    window = MainWindow(store, Settings.load(), read_only_note=note)
    assert window.editor.isReadOnly() and window.editor.toPlainText() == "Someone else is writing"
    assert window.new_draft() is None and "read-only" in window.statusBar().currentMessage()
    assert "read-only" in window.windowTitle()
    window.close()
    store.close()


def test_dark_theme_setting_and_following_the_system(qtbot: QtBot, make_window) -> None:
    window = make_window(theme="dark")
    assert window.palette_ is theme.DARK
    assert QApplication.instance().palette().base().color() == theme.DARK.base
    window.settings.set("theme", "system")
    window.apply_theme()
    assert window.palette_ is (theme.DARK if theme.system_is_dark() else theme.LIGHT)


def test_window_geometry_and_splitter_come_back(qtbot: QtBot, store: Store) -> None:
    make_app([])
    first = MainWindow(store, Settings.load())
    qtbot.addWidget(first)
    first.show()
    qtbot.waitExposed(first)
    for dock in first.findChildren(QDockWidget):  # the offscreen screen is small: make room
        dock.hide()
    first.resize(700, 500)
    first.splitter.setSizes([350, 350])
    qtbot.wait(20)
    size, sizes = first.size(), first.splitter.sizes()
    assert sizes[0] > 300
    first.close()

    second = MainWindow(store, Settings.load())
    qtbot.addWidget(second)
    second.show()
    qtbot.waitExposed(second)
    assert second.size() == size
    assert second.splitter.sizes() == sizes
    assert not any(dock.isVisible() for dock in second.findChildren(QDockWidget)), "hidden docks stay hidden"
