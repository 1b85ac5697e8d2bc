"""New draft and Search are one keystroke away in every state; search filters live; Esc returns."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from writer.store import Store

CTRL = Qt.KeyboardModifier.ControlModifier


def titles(window) -> list[str]:
    return [window.model.data(window.model.index(r)) for r in range(window.model.rowCount())]


def press_new(qtbot: QtBot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_N, CTRL)


def test_ctrl_n_from_the_editor(qtbot: QtBot, store: Store, make_window) -> None:
    store.create_draft("Existing")
    window = make_window()
    window.editor.setFocus()
    press_new(qtbot, window.editor)
    assert len(store.list_drafts()) == 2
    assert window.editor.toPlainText() == ""
    assert window.editor.hasFocus()


def test_ctrl_n_and_ctrl_k_while_a_search_is_active(qtbot: QtBot, store: Store, make_window) -> None:
    store.create_draft("Lighthouse keeper")
    window = make_window()
    qtbot.keyClick(window.editor, Qt.Key.Key_K, CTRL)
    assert window.search_field.hasFocus()
    qtbot.keyClicks(window.search_field, "light")
    qtbot.waitUntil(lambda: window.model.searching)
    qtbot.keyClick(window.search_field, Qt.Key.Key_K, CTRL)  # search again: still in the field
    assert window.search_field.hasFocus() and window.search_field.selectedText() == "light"
    press_new(qtbot, window.search_field)
    assert len(store.list_drafts()) == 2
    assert not window.searching and window.search_field.text() == ""
    assert window.editor.hasFocus() and window.editor.toPlainText() == ""


def test_ctrl_f_also_searches(qtbot: QtBot, window) -> None:
    window.new_draft()
    qtbot.keyClick(window.editor, Qt.Key.Key_F, CTRL)
    assert window.search_field.hasFocus()


def test_shortcuts_work_while_a_modal_dialog_is_open_in_another_window(qtbot: QtBot, store: Store,
                                                                      make_window) -> None:
    window = make_window()
    other = QWidget()  # e.g. a settings or publishing window
    qtbot.addWidget(other)
    other.show()
    dialog = QDialog(other)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    field = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(field)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    field.setFocus()
    qtbot.waitUntil(dialog.isActiveWindow)

    press_new(qtbot, field)
    assert len(store.list_drafts()) == 1
    qtbot.keyClick(field, Qt.Key.Key_K, CTRL)
    qtbot.waitUntil(window.search_field.hasFocus)
    assert dialog.isVisible()  # the dialog is left as it was
    dialog.reject()


def test_shortcuts_work_in_focus_mode_and_the_toolbar_stays(qtbot: QtBot, store: Store, make_window) -> None:
    store.create_draft("Quiet")
    window = make_window()
    qtbot.keyClick(window.editor, Qt.Key.Key_F11)
    assert window.focus_mode
    assert not window.drafts_pane.isVisible() and not window.statusBar().isVisible()
    assert window.toolbar.isVisible()
    assert window.editor.typewriter
    press_new(qtbot, window.editor)
    assert len(store.list_drafts()) == 2
    assert window.focus_mode  # a new draft keeps you in focus mode
    qtbot.keyClick(window.editor, Qt.Key.Key_K, CTRL)
    assert not window.focus_mode and window.search_field.hasFocus()


def test_escape_leaves_focus_mode(qtbot: QtBot, window) -> None:
    window.new_draft()
    window.toggle_focus_mode()
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)
    assert not window.focus_mode
    assert window.drafts_pane.isVisible() and window.statusBar().isVisible()
    assert not window.editor.typewriter


def test_toolbar_cannot_be_hidden(window) -> None:
    assert window.createPopupMenu() is None
    assert not window.toolbar.toggleViewAction().isEnabled()
    assert not window.toolbar.isMovable()


def test_menus_and_tooltips_show_shortcuts(window) -> None:
    assert "Ctrl+N" in window.new_action.toolTip()
    assert "Ctrl+K" in window.search_action.toolTip()
    file_actions = window.menus["file"].actions()
    assert window.new_action in file_actions and window.import_action in file_actions
    assert all(not a.shortcut().isEmpty() for a in file_actions if not a.isSeparator())


def test_search_filters_live_with_snippets(qtbot: QtBot, store: Store, make_window) -> None:
    store.create_draft("Harbour\nThe fishing boats left at dawn.")
    store.create_draft("Garden\nTomatoes and beans.")
    store.create_draft("Recipes\nFish soup with saffron.")
    window = make_window()
    qtbot.keyClick(window.editor, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(window.search_field, "fish")
    qtbot.waitUntil(lambda: window.model.searching and window.model.rowCount() == 2)
    assert set(titles(window)) == {"Harbour", "Recipes"}
    snippets = [window.model.index(r).data(Qt.ItemDataRole.UserRole + 2) for r in range(2)]
    assert all("fish" in s.lower() for s in snippets)
    qtbot.keyClicks(window.search_field, "ing")
    qtbot.waitUntil(lambda: titles(window) == ["Harbour"])
    qtbot.keyClicks(window.search_field, "zzz")
    qtbot.waitUntil(lambda: window.model.rowCount() == 0)
    assert "No drafts match" in window.list.empty_text


def test_escape_returns_to_the_previous_draft_and_cursor(qtbot: QtBot, store: Store, make_window) -> None:
    store.create_draft("Other text about fish")
    here = store.create_draft("Where I was writing")
    window = make_window()
    window.open_draft(here.id, cursor=5)
    qtbot.keyClick(window.editor, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(window.search_field, "fish")
    qtbot.waitUntil(lambda: window.model.searching and window.model.rowCount() == 1)
    qtbot.keyClick(window.search_field, Qt.Key.Key_Down)  # browse the results
    assert window.editor.toPlainText() == "Other text about fish"
    qtbot.keyClick(window.list, Qt.Key.Key_Escape)
    assert window.current_draft_id == here.id
    assert window.editor.textCursor().position() == 5
    assert window.editor.hasFocus()
    assert not window.model.searching and window.model.rowCount() == 2
    assert window.search_field.text() == ""


def test_enter_opens_the_best_match(qtbot: QtBot, store: Store, make_window) -> None:
    wanted = store.create_draft("Saffron notes")
    store.create_draft("Something else")
    window = make_window()
    qtbot.keyClick(window.editor, Qt.Key.Key_K, CTRL)
    qtbot.keyClicks(window.search_field, "saffron")
    qtbot.keyClick(window.search_field, Qt.Key.Key_Return)
    assert window.current_draft_id == wanted.id
    assert window.editor.hasFocus()
    assert not window.searching and window.model.rowCount() == 2


def test_search_takes_any_text_without_errors(qtbot: QtBot, store: Store, make_window) -> None:
    store.create_draft('He said "hello" (AND left) -- NOT* really')
    window = make_window()
    window.start_search()
    qtbot.keyClicks(window.search_field, '"hello" (AND')
    qtbot.waitUntil(lambda: window.model.searching)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)


def test_a_search_snippet_reads_as_text_with_the_match_in_view() -> None:
    from writer.ui.drafts_list import MARKS, keep_tail, snippet_parts

    hit = f"{MARKS[0]}tide{MARKS[1]}"
    parts = snippet_parts(f"…the harbourmaster's **ledger** - a list of names ```python print('{hit} tables')")
    assert parts == [("…the harbourmaster's ledger - a list of names python print('", False), ("tide", True),
                     (" tables')", False)]  # no Markdown marks; snake_case words would keep theirs
    lead = keep_tail(parts[0][0], lambda text: len(text) <= 20)  # the match would be past the row's end
    assert lead == "…python print('"  # the words nearest the match, then the match itself
