"""The Suggestions panel's state: undo of an accept, model switches, Compare's widths, reroll, shortcuts."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot
from test_ui_suggestions import ALT, CTRL, PROMPT, TIMEOUT, finished, open_panel, shown_texts

from tests.ui.panels import panels_of
from writer.ui.shortcuts import gather

SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_undo_of_an_accept_brings_its_batch_back_and_redo_accepts_again(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    _, texts = finished(qtbot, panel, panel.suggest)
    label = panel.batch_label.text()
    panel.set_badge(1, "echo", "found in a book")
    qtbot.keyClick(window.editor, Qt.Key.Key_2, ALT)
    assert window.editor.toPlainText() == PROMPT + texts[1] and not panel.list.isVisible()
    window.undo_action.trigger()
    assert window.editor.toPlainText() == PROMPT
    qtbot.waitUntil(lambda: shown_texts(panel) == texts, timeout=2000)  # the same cards, not a new batch
    assert panel.batch_label.text() == label and panel.list.cards[1].badge.text() == "echo"
    window.redo_action.trigger()
    assert window.editor.toPlainText() == PROMPT + texts[1] and not panel.list.isVisible()
    assert panels_of(window).provenance.tracker().spans  # still the model's text
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: shown_texts(panel) == texts, timeout=2000)
    qtbot.keyClick(window.editor, Qt.Key.Key_1, ALT)  # accept another card from the restored batch
    assert window.editor.toPlainText() == PROMPT + texts[0]
    qtbot.keyClicks(window.editor, " and")  # new typing: an undo now is an undo of the typing
    window.undo_action.trigger()
    assert not panel.list.isVisible()


def test_switching_model_reruns_the_cards_with_the_new_model(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    finished(qtbot, panel, panel.suggest)
    first = panel.current_model()
    action = next(a for a in panel.model_actions if a.isVisible() and a.text() != panel.picker.currentText())
    with qtbot.waitSignal(panel.suggestionsFinished, timeout=TIMEOUT):
        action.trigger()
    assert panel.current_model() != first
    assert {item.model for item in panel.batches[-1].items} == {panel.current_model()}
    assert all(panel.picker.currentText() in card.source.text() for card in panel.list.cards if card.isVisible())
    # moved away from where the cards were asked for: a switch clears them instead
    window.editor.moveCursor(QTextCursor.MoveOperation.Start)
    panel.pick_model(0 if panel.picker.currentIndex() else 1)
    assert not panel.list.isVisible() and panel.running is None


def test_compare_gives_back_the_width_it_took(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    window.resize(1400, 800)
    qtbot.wait(50)
    before = panel.dock.width()
    qtbot.keyClick(window.editor, Qt.Key.Key_C, CTRL | SHIFT)
    assert panel.compare_button.isChecked() and panel.compare_action.isChecked()
    qtbot.waitUntil(lambda: panel.dock.width() > before, timeout=2000)
    qtbot.keyClick(window.editor, Qt.Key.Key_C, CTRL | SHIFT)
    assert not panel.compare_button.isChecked()
    qtbot.waitUntil(lambda: abs(panel.dock.width() - before) <= 2, timeout=2000)


def test_reroll_after_surprise_me_surprises_again(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_S, CTRL | SHIFT))
    assert panel.batches[-1].request.kind == "surprise"
    finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_R, CTRL))
    assert [b.request.kind for b in panel.batches] == ["surprise", "surprise"]
    assert panel.batches[-1].request.prompt == "" and "unprompted" in panel.list.cards[0].source.text()


def test_model_compare_and_surprise_shortcuts_are_in_the_sheet_and_the_menus(qtbot: QtBot,
                                                                           make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    sheet = {(s.name, s.keys) for s in gather(window)}
    assert ("Surprise Me", "Ctrl+Shift+S") in sheet and ("Compare Models", "Ctrl+Shift+C") in sheet
    names = [p.display_name for p in panel.picker.available()]
    for i, name in enumerate(names[:9]):
        assert (name, f"Ctrl+Alt+{i + 1}") in sheet
    menu = window.menus["edit"]
    assert panel.compare_action in menu.actions() and panel.surprise_action in menu.actions()
    assert [a.text() for a in panel.models_menu.actions() if a.isVisible()] == names[:9]
    qtbot.keyClick(window.editor, Qt.Key.Key_2, CTRL | Qt.KeyboardModifier.AltModifier)
    assert panel.current_model() == panel.picker.available()[1].name
    assert [a.isChecked() for a in panel.models_menu.actions() if a.isVisible()][1]
