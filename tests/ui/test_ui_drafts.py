"""Creating, editing, switching and listing drafts through the real widgets."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from writer.store import Store
from writer.ui.drafts_list import DraftRole, meta_line


def list_titles(window) -> list[str]:
    model = window.model
    return [model.data(model.index(row)) for row in range(model.rowCount())]


def test_first_run_shows_what_to_do(window) -> None:
    assert window.model.rowCount() == 0
    assert window.stack.currentWidget() is window.empty
    assert "Ctrl+N" in window.list.empty_text
    assert "Ctrl+N" in window.empty_hint.text()


def test_new_draft_typed_text_becomes_title_and_word_count(qtbot: QtBot, window, store: Store) -> None:
    qtbot.keyClick(window.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.current_draft_id is not None
    assert window.editor.hasFocus()
    qtbot.keyClicks(window.editor, "# Harbour notes")
    qtbot.keyClick(window.editor, Qt.Key.Key_Return)
    qtbot.keyClicks(window.editor, "The boats came in early today.")
    window.autosave.flush()

    draft = store.get_draft(window.current_draft_id)
    assert draft.body == "# Harbour notes\nThe boats came in early today."
    assert draft.title == "Harbour notes"
    assert list_titles(window) == ["Harbour notes"]
    qtbot.waitUntil(lambda: window.status_line.words.text() == "8 words")
    assert window.status_line.reading.text() == "1 min read"
    assert "Harbour notes" in window.windowTitle()


def test_a_long_drafts_word_count_comes_with_its_save(qtbot: QtBot, window) -> None:
    from writer.ui.status_line import BIG_TEXT

    window.new_draft()
    line = "The boats came in early today.\n"
    window.editor.insertPlainText(line * (BIG_TEXT // len(line) + 10))
    window.autosave.flush()
    qtbot.waitUntil(lambda: window.status_line.words.text() == f"{6 * (BIG_TEXT // len(line) + 10):,} words")


def test_switching_drafts_keeps_each_text_and_cursor(qtbot: QtBot, store: Store, make_window
                                                     ) -> None:
    first = store.create_draft("First draft body")
    second = store.create_draft("Second draft body")
    window = make_window()
    assert window.current_draft_id == second.id  # the most recently edited opens
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, " grows")

    window.open_draft(first.id)
    assert window.editor.toPlainText() == "First draft body"
    assert store.get_draft(second.id).body == "Second draft body grows"  # saved on switch

    window.open_draft(second.id)
    assert window.editor.toPlainText() == "Second draft body grows"
    assert window.editor.textCursor().position() == len("Second draft body grows")


def test_clicking_a_list_row_opens_that_draft(qtbot: QtBot, store: Store, make_window) -> None:
    store.create_draft("Alpha")
    store.create_draft("Beta")
    window = make_window()
    row = window.model.row_of(next(d.id for d in store.list_drafts() if d.title == "Alpha"))
    rect = window.list.visualRect(window.model.index(row))
    qtbot.mouseClick(window.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.editor.toPlainText() == "Alpha"


def test_list_rows_show_age_words_and_status(store: Store, window) -> None:
    draft = store.create_draft("one two three")
    later = draft.updated + timedelta(days=3)
    assert meta_line(draft, later) == "edited 3 days ago · 3 words · draft"


def test_sorting_by_title_words_and_created(qtbot: QtBot, store: Store, make_window) -> None:
    store.create_draft("Banana split is long enough to win")
    store.create_draft("apple")
    store.create_draft("Cherry pie")
    window = make_window()
    assert list_titles(window) == ["Cherry pie", "apple", "Banana split is long enough to win"]

    window.sort_box.setCurrentIndex(window.sort_box.findData("title"))
    assert list_titles(window) == ["apple", "Banana split is long enough to win", "Cherry pie"]
    window.sort_box.setCurrentIndex(window.sort_box.findData("words"))
    assert list_titles(window)[0] == "Banana split is long enough to win"
    window.sort_box.setCurrentIndex(window.sort_box.findData("created"))
    assert list_titles(window) == ["Cherry pie", "apple", "Banana split is long enough to win"]
    assert window.settings.get("drafts.sort") == "created"


def test_edited_draft_moves_to_the_top_and_stays_selected(qtbot: QtBot, store: Store,
                                                          make_window) -> None:
    old = store.create_draft("Old one")
    store.create_draft("New one")
    window = make_window()
    window.open_draft(old.id)
    qtbot.keyClicks(window.editor, "Still ")
    window.autosave.flush()
    assert list_titles(window)[0] == "Still Old one"
    assert window.list.currentIndex().data(DraftRole).id == old.id


def test_per_draft_undo(qtbot: QtBot, store: Store, make_window) -> None:
    a = store.create_draft("")
    b = store.create_draft("")
    window = make_window()
    window.open_draft(a.id)
    qtbot.keyClicks(window.editor, "alpha")
    window.open_draft(b.id)
    qtbot.keyClicks(window.editor, "beta")
    window.open_draft(a.id)
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == ""  # undid alpha, not beta
    window.open_draft(b.id)
    assert window.editor.toPlainText() == "beta"
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.editor.toPlainText() == ""
    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(window.editor, Qt.Key.Key_Z, redo)
    assert window.editor.toPlainText() == "beta"
    window.autosave.flush()
    assert store.get_draft(a.id).body == ""
    assert store.get_draft(b.id).body == "beta"


def test_delete_draft_asks_then_removes(qtbot: QtBot, store: Store, make_window,
                                        monkeypatch) -> None:
    from PySide6.QtWidgets import QMessageBox

    keep = store.create_draft("Keep me")
    gone = store.create_draft("Delete me")
    window = make_window()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    window.delete_action.trigger()
    assert [d.id for d in store.list_drafts()] == [gone.id, keep.id]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    window.delete_action.trigger()
    assert [d.id for d in store.list_drafts()] == [keep.id]
    assert list_titles(window) == ["Keep me"]
    assert window.editor.toPlainText() == "Keep me"


def test_side_panel_docks_on_the_right(window) -> None:
    from PySide6.QtWidgets import QLabel

    dock = window.add_side_panel(QLabel("suggestions here"), "Suggestions")
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert dock.isVisible()
    assert dock.toggleViewAction() in window.view_menu.actions()


def _confirm(monkeypatch, asked: list[str]) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    def question(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))


def test_deleting_the_last_draft_then_writing_a_new_one(qtbot: QtBot, window, store: Store, monkeypatch) -> None:
    _confirm(monkeypatch, asked := [])
    window.new_draft()
    qtbot.keyClicks(window.editor, "only draft")
    window.delete_current()
    assert "“only draft”" in asked[0]
    qtbot.wait(50)  # the deleted draft's document is freed
    assert window.stack.currentWidget() is window.empty and store.list_drafts() == []
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.editor, "fresh start")
    window.autosave.flush()
    assert [d.body for d in store.list_drafts()] == ["fresh start"]


def test_delete_during_a_search_names_and_deletes_the_open_draft(qtbot: QtBot, store: Store, make_window,
                                                                 monkeypatch) -> None:
    _confirm(monkeypatch, asked := [])
    store.create_draft("Shopping list\n\nmilk, eggs")
    novel = store.create_draft("My novel\n\nChapter one")
    window = make_window()
    window.open_draft(novel.id)
    window.start_search()
    qtbot.keyClicks(window.search_field, "milk")
    qtbot.waitUntil(lambda: window.model.searching and window.model.rowCount() == 1)
    window.delete_current()
    assert "“My novel”" in asked[0] and "Shopping list" not in asked[0]
    assert [d.title for d in store.list_drafts()] == ["Shopping list"]


def test_a_save_ending_after_delete_does_not_bring_the_draft_back(qtbot: QtBot, window, store: Store,
                                                                    monkeypatch) -> None:
    import threading

    import writer.ui.autosave as autosave

    _confirm(monkeypatch, [])
    monkeypatch.setattr(autosave, "LARGE_CHARS", 10)  # saved on the worker, like a long draft
    keep = window.new_draft()
    qtbot.keyClicks(window.editor, "kept draft")
    window.autosave.flush()
    doomed = window.new_draft()
    qtbot.keyClicks(window.editor, "words on their way to disk")
    gate, save = threading.Event(), store.save_draft
    monkeypatch.setattr(store, "save_draft", lambda *a, **k: gate.wait(5) and save(*a, **k))
    window.autosave._timed_flush()  # the pause in typing: a background save starts and waits
    gate.set()
    window.worker.wait(5000)  # written; its "saved" report is still queued
    window.delete_current()
    qtbot.wait(100)
    shown = [window.model.draft_at(row).id for row in range(window.model.rowCount())]
    assert shown == [keep] and [d.id for d in store.list_drafts()] == [keep] and doomed != keep


CTRL = Qt.KeyboardModifier.ControlModifier


def test_pressing_new_again_and_again_leaves_no_empty_drafts(qtbot: QtBot, window, store: Store) -> None:
    kept = store.create_draft("# Letters\n\nDear Ann,")
    window.reload_list()
    for _ in range(3):
        qtbot.keyClick(window.editor, Qt.Key.Key_N, CTRL)
    assert len(store.list_drafts()) == 2  # one empty draft, the one open
    window.open_draft(kept.id)
    qtbot.waitUntil(lambda: [d.id for d in store.list_drafts()] == [kept.id])
    assert list_titles(window) == ["Letters"]


def test_a_new_draft_with_text_is_kept(qtbot: QtBot, window, store: Store) -> None:
    qtbot.keyClick(window.editor, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(window.editor, "Shopping list")
    qtbot.keyClick(window.editor, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(window.editor, "Second")
    window.autosave.flush()
    qtbot.wait(50)
    assert sorted(d.body for d in store.list_drafts()) == ["Second", "Shopping list"]


def test_an_emptied_new_draft_is_discarded_and_undo_brings_the_text_back(
        qtbot: QtBot, window, store: Store) -> None:
    kept = store.create_draft("Kept")
    window.reload_list()
    qtbot.keyClick(window.editor, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(window.editor, "half a thought")
    window.autosave.flush()
    qtbot.keyClick(window.editor, Qt.Key.Key_A, CTRL)
    qtbot.keyClick(window.editor, Qt.Key.Key_Delete)
    window.open_draft(kept.id)
    qtbot.waitUntil(lambda: [d.id for d in store.list_drafts()] == [kept.id])
    assert list_titles(window) == ["Kept"]
    assert window.blank_drafts.undo_button.isVisible()

    qtbot.mouseClick(window.blank_drafts.undo_button, Qt.MouseButton.LeftButton)
    assert window.editor.toPlainText() == "half a thought"
    window.autosave.flush()
    assert sorted(d.body for d in store.list_drafts()) == ["Kept", "half a thought"]
    assert not window.blank_drafts.undo_button.isVisible()


def test_quitting_in_an_empty_new_draft_stores_nothing(qtbot: QtBot, window, store: Store) -> None:
    qtbot.keyClick(window.editor, Qt.Key.Key_N, CTRL)
    assert len(store.list_drafts()) == 1
    window.close()
    assert store.list_drafts() == []


def test_an_empty_draft_left_open_by_a_crash_is_discarded_when_left(
        qtbot: QtBot, make_window, store: Store) -> None:
    from writer.ui.session import SAVE_EVERY_MS

    kept = store.create_draft("Kept")
    crashed = make_window()
    crashed.new_draft()
    empty = crashed.current_draft_id
    qtbot.wait(SAVE_EVERY_MS + 200)  # the window never closes: as after a crash

    relaunched = make_window()
    assert relaunched.current_draft_id == empty  # back where the writer was
    relaunched.open_draft(kept.id)
    qtbot.waitUntil(lambda: [d.id for d in store.list_drafts()] == [kept.id])
