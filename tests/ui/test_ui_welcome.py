"""First run: the welcome draft appears once, is real Markdown, and names real shortcuts; F1 and Help."""

from __future__ import annotations

import re

from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.panels import panels_of
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store
from writer.ui.features import Features, install_features
from writer.ui.main_window import MainWindow
from writer.ui.shortcuts import ShortcutsDialog, gather
from writer.ui.welcome import SETTING, WELCOME, install_welcome

KEYS_IN_TEXT = re.compile(r"\*\*((?:Ctrl|Alt|Shift|F\d)[^*]*)\*\*")


def _full(make_window: WindowFactory) -> tuple[MainWindow, Features]:
    """A window with what ``run_app`` adds: the panels, publishing, Preferences, then the welcome draft."""
    window = make_window()
    features = install_features(window, panels_of(window), publisher=Publisher(
        window.store, window.settings, credentials=Credentials(FailKeyring())))
    return window, features


def _full_window(make_window: WindowFactory) -> MainWindow:
    return _full(make_window)[0]


def test_first_start_opens_the_welcome_draft_once(make_window: WindowFactory, store: Store) -> None:
    window = _full_window(make_window)
    drafts = store.list_drafts()
    assert [d.body for d in drafts] == [WELCOME]
    assert window.current_draft_id == drafts[0].id
    assert window.editor.toPlainText() == WELCOME
    assert window.model.rowCount() == 1
    assert Settings.load().get(SETTING) is True

    second = make_window()
    install_welcome(second)
    assert len(store.list_drafts()) == 1, "a second start adds no second welcome draft"


def test_a_deleted_welcome_draft_stays_deleted(make_window: WindowFactory, store: Store) -> None:
    window = _full_window(make_window)
    window.autosave.flush()
    store.delete_draft(window.current_draft_id)
    assert store.list_drafts() == []

    later = make_window()
    install_welcome(later)
    assert store.list_drafts() == []
    assert later.stack.currentWidget() is later.empty


def test_an_existing_library_gets_no_welcome_draft(make_window: WindowFactory, store: Store) -> None:
    mine = store.create_draft("# My novel\n\nChapter one.")
    window = _full_window(make_window)
    assert [d.id for d in store.list_drafts()] == [mine.id]
    assert window.current_draft_id == mine.id
    store.delete_draft(mine.id)
    install_welcome(make_window())
    assert store.list_drafts() == [], "emptying the library later does not bring a welcome draft"


def test_welcome_draft_is_editable_markdown(make_window: WindowFactory, store: Store, qtbot: QtBot) -> None:
    window = _full_window(make_window)
    draft_id = window.current_draft_id
    assert store.get_draft(draft_id).title == "Welcome to Writer"
    assert WELCOME.count("\n## ") == 4, "suggest, flag copies, publish, and finding your way"
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, "My own note.")
    window.autosave.flush()
    assert store.get_draft(draft_id).body.endswith("My own note.")


def test_every_shortcut_the_welcome_names_is_real(make_window: WindowFactory) -> None:
    window = _full_window(make_window)
    named = set(KEYS_IN_TEXT.findall(WELCOME))
    assert {"Ctrl+Space", "Alt+1", "Ctrl+Shift+P", "F1", "Ctrl+,"} <= named
    bound = {QKeySequence(k).toString() for s in gather(window) for k in s.keys.split(", ")}
    assert named <= bound, f"the welcome draft names keys nothing is bound to: {named - bound}"


def test_f1_lists_every_action_with_a_shortcut(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = _full_window(make_window)
    qtbot.keyClick(window.editor, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(ShortcutsDialog) is not None)
    dialog = window.findChild(ShortcutsDialog)
    assert isinstance(dialog, ShortcutsDialog)
    assert dialog.isVisible()
    rows = {(s.name, s.keys) for s in dialog.shortcuts}
    assert ("New Draft", "Ctrl+N") in rows
    assert ("Publish", "Ctrl+Shift+P") in rows
    assert ("Preferences", "Ctrl+,") in rows
    assert ("Suggest", "Ctrl+Space") in rows
    assert dialog.table.rowCount() == len(dialog.shortcuts)
    with_keys = {id(a) for a in window.findChildren(QAction) if a.shortcuts() and a.text()}
    assert len(dialog.shortcuts) == len(with_keys)
    groups = [s.group for s in dialog.shortcuts]
    assert groups.index("File") < groups.index("Edit") < groups.index("View"), "menu order"
    dialog.filter.setText("publish")
    assert [s.name for s in dialog.visible_rows()] == ["Publish"]
    dialog.close()


def test_f1_sheet_picks_up_actions_added_later(make_window: WindowFactory, qtbot: QtBot) -> None:
    window = _full_window(make_window)
    late = QAction("Count Syllables", window)
    late.setShortcut(QKeySequence("Ctrl+Alt+Y"))
    window.addAction(late)
    names = {(s.name, s.keys, s.group) for s in window.show_shortcuts().shortcuts}
    assert ("Count Syllables", "Ctrl+Alt+Y", "Other") in names


def test_help_menu_and_preferences_in_the_menus(make_window: WindowFactory) -> None:
    window, features = _full(make_window)
    help_texts = [a.text() for a in window.menus["help"].actions()]
    assert help_texts == ["&Keyboard Shortcuts", "&About Writer"]
    assert window.menus["edit"].actions()[-1] is features.preferences.action
    assert features.preferences.action.shortcut().toString() == "Ctrl+,"
    assert window.menuBar().actions()[-1].menu() is window.menus["help"], "Help is the last menu"
    assert not window.windowIcon().isNull()
