"""The editor with huge pastes: a line of megabytes is broken into sentences, or pasted unchanged on request."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from writer.softbreaks import LONG_LINE
from writer.store import Store

CTRL = Qt.KeyboardModifier.ControlModifier
SENTENCE = "The harbour was quiet that morning, and the boats came in one by one."


def test_a_pasted_giant_line_becomes_one_sentence_per_line_and_undo_gives_the_choice(
        qtbot: QtBot, make_window, store: Store) -> None:
    window = make_window()
    draft_id = window.new_draft()
    line = " ".join([SENTENCE] * (3 * LONG_LINE // len(SENTENCE)))
    QApplication.clipboard().setText(line)

    qtbot.keyClick(window.editor, Qt.Key.Key_V, CTRL)
    doc = window.editor.document()
    assert doc.blockCount() == line.count(SENTENCE)
    assert max(len(text) for text in window.editor.toPlainText().split("\n")) == len(SENTENCE)
    assert "one sentence per line" in window.statusBar().currentMessage()
    assert "Ctrl+Shift+V" in window.statusBar().currentMessage()
    window.autosave.flush()
    assert store.get_draft(draft_id).body.split("\n") == [SENTENCE] * line.count(SENTENCE)

    qtbot.keyClick(window.editor, Qt.Key.Key_Z, CTRL)  # the paste is one undo step
    assert window.editor.toPlainText() == ""
    qtbot.keyClick(window.editor, Qt.Key.Key_V, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert window.editor.toPlainText() == line and doc.blockCount() == 1


def test_a_long_line_that_cannot_be_broken_is_pasted_as_it_is_with_a_warning(qtbot: QtBot, make_window) -> None:
    window = make_window()
    window.new_draft()
    blob = "QUJD" * (LONG_LINE // 2)  # base64: no spaces to break at
    QApplication.clipboard().setText(blob)
    qtbot.keyClick(window.editor, Qt.Key.Key_V, CTRL)
    assert window.editor.toPlainText() == blob
    assert "may be slow" in window.statusBar().currentMessage()


def test_ordinary_pastes_are_untouched(qtbot: QtBot, make_window) -> None:
    window = make_window()
    window.new_draft()
    text = "# Title\r\n\r\nA short paragraph. Another sentence.\r\n"
    QApplication.clipboard().setText(text)
    qtbot.keyClick(window.editor, Qt.Key.Key_V, CTRL)
    assert window.editor.toPlainText() == text.replace("\r\n", "\n")
    assert "line" not in window.statusBar().currentMessage()
