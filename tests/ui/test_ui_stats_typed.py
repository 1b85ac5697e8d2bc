"""Writing stats count the words the writer typed: not pasted text, not machine-written text."""

from __future__ import annotations

from datetime import UTC, datetime

from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.ui.panels import panels_of
from writer.publishing import stats
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.store import Store
from writer.ui.features import install_publishing
from writer.ui.main_window import MainWindow

PASTED = "one two three four five six seven eight nine ten eleven twelve"
MACHINE = " and the machine wrote these seven words"


def _today(store: Store) -> int:
    return stats.writing_stats(store, datetime.now(UTC), days=1).days[-1].words


def test_only_typed_words_count(make_window, store: Store, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    window: MainWindow = make_window(suggest__auto=False)
    publishing = install_publishing(window, publisher=Publisher(store, window.settings,
                                                                credentials=Credentials(FailKeyring())))
    window.new_draft()
    editor = window.editor
    editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(editor, "I typed these five words")
    window.autosave.flush()
    assert _today(store) == 5

    QApplication.clipboard().setText(f" {PASTED}")
    editor.paste()
    window.autosave.flush()
    assert _today(store) == 5  # twelve pasted words are not the writer's

    qtbot.keyClicks(editor, " then three more")
    window.autosave.flush()
    assert _today(store) == 8

    cursor = editor.textCursor()
    position = cursor.position()
    cursor.beginEditBlock()
    cursor.insertText(MACHINE)  # what accepting a suggestion does: one undo step, then the span
    cursor.endEditBlock()
    editor.setTextCursor(cursor)
    panels_of(window).provenance.record(position, cursor.position(), "test-model", 1)
    window.autosave.flush()
    assert _today(store) == 8  # machine-written

    qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the suggestion undone
    window.autosave.flush()
    qtbot.keyClicks(editor, " finally two")
    window.autosave.flush()
    assert _today(store) == 10

    dialog = publishing.stats.show()
    qtbot.waitExposed(dialog)
    assert dialog.words_set.at(len(dialog.data.days) - 1) == 10
    assert "10,000 hours" in dialog.summary.text() and "typed" in dialog.summary.text()
