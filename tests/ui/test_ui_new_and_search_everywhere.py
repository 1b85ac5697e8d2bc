"""New (Ctrl+N) and Search (Ctrl+K, Ctrl+F) from every view, dialog, menu and state of the app.

Each state is opened the way a user opens it, then the keys are pressed on whatever has the
keyboard focus there; the test asserts that a draft was really made (and opened) and that
the search field really took the keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.panels import panels_of
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.store import Store
from writer.ui.features import Features, install_features
from writer.ui.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
TIMEOUT = 30_000


@pytest.fixture
def full_app(make_window: WindowFactory) -> tuple[MainWindow, Features]:
    """The window with everything ``run_app`` adds: panels, publishing, stats, Help and Preferences."""
    window = make_window(suggest__auto=False, suggest__max_new_tokens=40)
    return window, install_features(window, panels_of(window), publisher=Publisher(
        window.store, window.settings, credentials=Credentials(FailKeyring())))


@pytest.fixture
def full(full_app: tuple[MainWindow, Features]) -> MainWindow:
    return full_app[0]


@pytest.fixture
def features(full_app: tuple[MainWindow, Features]) -> Features:
    return full_app[1]


def target() -> QWidget:
    """Where a key goes now: the focused widget, else the active popup, modal or window."""
    widget = (QApplication.focusWidget() or QApplication.activePopupWidget() or QApplication.activeModalWidget()
              or QApplication.activeWindow())
    assert widget is not None
    return widget


def press(qtbot: QtBot, key: Qt.Key) -> None:
    qtbot.keyClick(target(), key, CTRL)


def assert_new_works(qtbot: QtBot, window: MainWindow, store: Store, state: str) -> None:
    """Ctrl+N from the state now on screen makes and opens a draft that takes typing."""
    before = {d.id for d in store.list_drafts()}
    press(qtbot, Qt.Key.Key_N)
    made = {d.id for d in store.list_drafts()} - before
    assert len(made) == 1, f"Ctrl+N made no draft from {state}"
    assert window.current_draft_id in made and window.stack.currentWidget() is window.page, state
    qtbot.waitUntil(window.editor.hasFocus)
    qtbot.keyClicks(window.editor, f"Written after Ctrl+N from {state}")
    window.autosave.flush()
    assert store.get_draft(window.current_draft_id).body.endswith(state), state


def assert_search_works(qtbot: QtBot, window: MainWindow, state: str, key: Qt.Key = Qt.Key.Key_K) -> None:
    """Ctrl+K (or Ctrl+F) from the state now on screen puts typing into the search field."""
    press(qtbot, key)
    assert window.searching, f"{key.name} started no search from {state}"
    qtbot.waitUntil(window.search_field.hasFocus)  # the main window comes to the front first
    qtbot.keyClicks(window.search_field, "written after")
    qtbot.waitUntil(lambda: window.model.searching and window.model.rowCount() > 0)
    window.cancel_search()


def run_modal(qtbot: QtBot, opens: Callable[[], object], key: Qt.Key) -> None:
    """Open a modal dialog the way the app does (it blocks), press ``key`` inside it; a dialog
    still open after 5 s is closed, so a key that does nothing fails the test instead of hanging it."""
    def inside() -> None:
        modal = QApplication.activeModalWidget()
        assert modal is not None, "no modal dialog opened"
        qtbot.keyClick(modal.focusWidget() or modal, key, CTRL)

    def rescue() -> None:
        modal = QApplication.activeModalWidget()
        if modal is not None:
            modal.close()

    guard = QObject()  # the timers die with it: none fires into a later test
    QTimer.singleShot(300, guard, inside)
    QTimer.singleShot(5000, guard, rescue)
    try:
        opens()
    finally:
        guard.deleteLater()
        del guard


def _focus_mode(window: MainWindow) -> None:
    if not window.focus_mode:
        window.toggle_focus_mode()


def _search_results(window: MainWindow) -> None:
    window.start_search()
    window.search_field.setText("Written")
    window.search.run()


NON_MODAL: dict[str, Callable[[MainWindow, Features], QWidget | None]] = {
    "Preferences": lambda w, f: f.preferences.show(),
    "About": lambda w, f: w.show_about(),
    "the shortcut sheet (F1)": lambda w, f: w.show_shortcuts(),
    "the outbox": lambda w, f: f.publishing.controller.show_outbox(),
    "the stats view": lambda w, f: f.publishing.stats.show(),
    "History": lambda w, f: f.show_history(),
    "Models": lambda w, f: f.show_models(),
    "training a style pack": lambda w, f: f.show_models().show_training(),
    "focus mode": lambda w, f: _focus_mode(w),
    "the drafts list": lambda w, f: w.list.setFocus(),
    "the search results": lambda w, f: _search_results(w),
}


def open_state(qtbot: QtBot, window: MainWindow, features: Features, state: str) -> None:
    shown = NON_MODAL[state](window, features)
    if isinstance(shown, QWidget):
        assert shown is not window and shown.isWindow() and shown.isVisible(), state
        shown.raise_()
        shown.activateWindow()
        qtbot.waitUntil(shown.isActiveWindow)
    qtbot.wait(20)


@pytest.mark.parametrize("state", list(NON_MODAL))
def test_new_and_search_from_every_view_and_window(qtbot: QtBot, full: MainWindow, features: Features, store: Store,
                                                   state: str) -> None:
    open_state(qtbot, full, features, state)
    assert_new_works(qtbot, full, store, state)
    for key in (Qt.Key.Key_K, Qt.Key.Key_F):
        open_state(qtbot, full, features, state)
        assert_search_works(qtbot, full, state, key)


def test_preferences_is_not_modal_and_keeps_its_edits(qtbot: QtBot, full: MainWindow, features: Features,
                                                      store: Store) -> None:
    features.preferences.action.trigger()
    dialog = features.preferences.dialog
    assert dialog is not None
    assert not dialog.isModal() and dialog.windowModality() == Qt.WindowModality.NonModal
    field = dialog.fields["publishing.site_title"].widget
    field.setFocus()
    qtbot.keyClicks(field, " (draft)")
    press(qtbot, Qt.Key.Key_N)
    qtbot.keyClicks(full.editor, "typed while Preferences is open")
    assert dialog.isVisible() and field.text().endswith(" (draft)")  # nothing typed there is lost
    full.autosave.flush()
    assert "typed while Preferences is open" in [d.body for d in store.list_drafts()]


@pytest.mark.parametrize("menu", ["file", "edit", "view", "help"])
def test_new_and_search_from_an_open_menu(qtbot: QtBot, full: MainWindow, store: Store, menu: str) -> None:
    for check in (assert_new_works, assert_search_works):
        full.menus[menu].popup(full.mapToGlobal(QPoint(20, 20)))
        qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
        check(qtbot, full, store, f"the {menu} menu") if check is assert_new_works else \
            assert_search_works(qtbot, full, f"the {menu} menu")
        assert QApplication.activePopupWidget() is None


def _publish_setup(features: Features) -> None:
    features.publishing.controller.publish_current()  # no target yet: the setup dialog opens first


def _targets_from_preferences(features: Features) -> None:
    features.preferences.show().publish_targets_button.click()


MODAL: dict[str, Callable[[MainWindow, Features], None]] = {
    "the import dialog": lambda w, f: w.import_dialog(),
    "the export dialog": lambda w, f: w.export_dialog(),
    "the delete question": lambda w, f: w.delete_current(),
    "the publish target setup": lambda w, f: _publish_setup(f),
    "publish targets from Preferences": lambda w, f: _targets_from_preferences(f),
}


@pytest.mark.parametrize("state", list(MODAL))
def test_new_and_search_from_every_modal_dialog(qtbot: QtBot, full: MainWindow, features: Features, store: Store,
                                                state: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    full.new_draft()
    qtbot.keyClicks(full.editor, "A draft to export, delete or publish")
    full.autosave.flush()
    before = {d.id for d in store.list_drafts()}
    run_modal(qtbot, lambda: MODAL[state](full, features), Qt.Key.Key_N)
    assert QApplication.activeModalWidget() is None
    made = {d.id for d in store.list_drafts()} - before
    assert len(made) == 1 and full.current_draft_id in made, f"Ctrl+N made no draft from {state}"
    assert before <= {d.id for d in store.list_drafts()}, "the dialog's own action went ahead"
    qtbot.keyClicks(full.editor, "More")
    run_modal(qtbot, lambda: MODAL[state](full, features), Qt.Key.Key_K)
    assert QApplication.activeModalWidget() is None
    assert full.searching, f"Ctrl+K started no search from {state}"
    qtbot.waitUntil(full.search_field.hasFocus)


def test_new_and_search_while_a_suggestion_runs(qtbot: QtBot, full: MainWindow, store: Store) -> None:
    panel = panels_of(full).suggestions
    qtbot.waitUntil(lambda: panel.picker.count() > 0, timeout=TIMEOUT)
    full.new_draft()
    qtbot.keyClicks(full.editor, "The night was long and the road")
    panel.suggest()
    assert panel.running is not None
    assert_new_works(qtbot, full, store, "a running suggestion")
    panel.suggest()
    assert panel.running is not None
    assert_search_works(qtbot, full, "a running suggestion")
