"""Inline suggestions: the first suggestion as ghost text at the cursor, through the real window."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_ui_suggestions import ALT, CTRL, PROMPT, finished, open_panel

from tests.ui.panels import panels_of
from writer.ui.suggestions import SuggestionsPanel


def _inserted(panel: SuggestionsPanel, text: str) -> str:
    return panel.insertion(text, len(PROMPT))


def test_ghost_text_shows_cycles_and_tab_accepts_with_provenance(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window, suggest__ghost=True)
    _, texts = finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL))
    editor = window.editor
    assert editor.ghost() == _inserted(panel, texts[0]) and editor.toPlainText() == PROMPT  # painted, not typed
    qtbot.keyClick(editor, Qt.Key.Key_BracketRight, ALT)
    assert editor.ghost() == _inserted(panel, texts[1])
    qtbot.keyClick(editor, Qt.Key.Key_BracketLeft, ALT)
    qtbot.keyClick(editor, Qt.Key.Key_BracketLeft, ALT)  # wraps round to the last
    assert editor.ghost() == _inserted(panel, texts[-1])
    panel.set_badge(len(texts) - 1, "echo", "found in a book")
    assert editor.ghost_set()[2] == "echo"  # the copy badge goes with the ghost
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == PROMPT + _inserted(panel, texts[-1]) and not editor.ghost()
    span = panels_of(window).provenance.tracker().spans[0]
    assert span.model == panel.current_model() and span.start == len(PROMPT)


def test_typing_what_the_ghost_shows_keeps_it_and_esc_dismisses(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window, suggest__ghost=True)
    finished(qtbot, panel, panel.suggest)
    editor = window.editor
    ghost = editor.ghost()
    qtbot.keyClicks(editor, ghost[:3])
    assert editor.ghost() == ghost[3:] and panel.shown == 0  # still the same batch
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == PROMPT + ghost
    spans = panels_of(window).provenance.tracker().spans
    assert spans[0].start == len(PROMPT) + 3  # only the model's part is machine-written
    window.editor.undo()
    qtbot.keyClicks(editor, "Q")  # typing something else: the suggestions go
    assert not editor.ghost()
    finished(qtbot, panel, panel.suggest)
    assert editor.ghost()
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    assert not editor.ghost() and not panel.showing()


def test_in_focus_mode_suggestions_arrive_as_ghost_text(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)  # the setting is off: only focus mode turns it on
    _, texts = finished(qtbot, panel, panel.suggest)
    assert not window.editor.ghost()
    window.toggle_focus_mode()  # the panel goes; its first suggestion comes to the cursor
    assert window.editor.ghost() == _inserted(panel, texts[0])
    window.toggle_focus_mode()
    assert not window.editor.ghost()
    window.toggle_focus_mode()
    _, texts = finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL))
    assert window.focus_mode and window.editor.ghost() == _inserted(panel, texts[0])  # not thrown out of focus mode
    qtbot.keyClick(window.editor, Qt.Key.Key_Escape)  # Esc takes the ghost, not focus mode
    assert window.focus_mode and not window.editor.ghost()
    finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_Tab))  # Tab asks at the end of a word
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText().startswith(PROMPT) and len(window.editor.toPlainText()) > len(PROMPT)
    assert window.focus_mode and panels_of(window).provenance.tracker().spans
