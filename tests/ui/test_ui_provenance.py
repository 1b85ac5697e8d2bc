"""Provenance in the app: accepted text stays attributed through edits, is tinted, saved and reloaded."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout
from pytestqt.qtbot import QtBot

from tests.ui.panels import panels_of
from writer.store import Store
from writer.ui.main_window import MainWindow
from writer.ui.provenance import HISTORY, TINT, SpanTracker

ALT = Qt.KeyboardModifier.AltModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
PROMPT = "She opened the letter and read"
TIMEOUT = 30_000


def accept_one(qtbot: QtBot, make_window: Any, text: str = PROMPT) -> tuple[MainWindow, str]:
    """A draft holding ``text`` followed by an accepted suggestion; returns the suggestion."""
    window = make_window(suggest__auto=False, suggest__max_new_tokens=10)
    panel = panels_of(window).suggestions
    qtbot.waitUntil(lambda: panel.picker.count() > 0, timeout=TIMEOUT)
    window.new_draft()
    window.editor.insertPlainText(text)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    suggestion = ""
    for _ in range(6):  # sampled text: some draws stop after a word; the edits below need a few
        with qtbot.waitSignal(panel.suggestionsFinished, timeout=TIMEOUT) as blocker:
            panel.suggest()
        suggestion = blocker.args[1][0]
        if len(suggestion) >= 8:
            break
    assert len(suggestion) >= 8, "six batches of short suggestions"
    qtbot.keyClick(window.editor, Qt.Key.Key_1, ALT)
    assert window.editor.toPlainText() == text + suggestion
    return window, suggestion


def machine_text(window: MainWindow) -> list[str]:
    """The text of each span, read through Qt positions."""
    out = []
    for span in panels_of(window).provenance.tracker().spans:
        cursor = QTextCursor(window.editor.document())
        cursor.setPosition(span.start)
        cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
        out.append(cursor.selectedText().replace("\u2029", "\n"))
    return out


def put_cursor(window: MainWindow, position: int, anchor: int | None = None) -> None:
    cursor = window.editor.textCursor()
    cursor.setPosition(position if anchor is None else anchor)
    if anchor is not None:
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)


def test_spans_follow_edits_before_and_inside(qtbot: QtBot, make_window: Any) -> None:
    window, suggestion = accept_one(qtbot, make_window)
    [span] = panels_of(window).provenance.tracker().spans
    assert span.seed is not None and span.model == panels_of(window).suggestions.current_model()
    assert machine_text(window) == [suggestion]

    put_cursor(window, 0)
    qtbot.keyClicks(window.editor, "Later, ")  # typed before: the span moves with its text
    assert machine_text(window) == [suggestion]

    start = panels_of(window).provenance.tracker().spans[0].start
    put_cursor(window, start + 4, anchor=start + 1)
    qtbot.keyClick(window.editor, Qt.Key.Key_Delete)  # deleted inside: the span shrinks
    shrunk = suggestion[:1] + suggestion[4:]
    assert machine_text(window) == [shrunk]

    put_cursor(window, start + 2)
    qtbot.keyClicks(window.editor, "ZZ")  # typed inside: split, and the typed letters are the writer's
    assert machine_text(window) == [shrunk[:2], shrunk[2:]]
    assert "ZZ" not in "".join(machine_text(window))
    share = len(shrunk) / len(window.editor.toPlainText())
    assert panels_of(window).provenance.button.isVisible()
    assert panels_of(window).provenance.button.text() == f"{round(share * 100)}% machine-written"


def test_undo_and_redo_of_an_accept_keep_provenance_right(qtbot: QtBot, make_window: Any) -> None:
    window, suggestion = accept_one(qtbot, make_window)
    window.editor.undo()
    assert panels_of(window).provenance.tracker().spans == []
    assert not panels_of(window).provenance.button.isVisible()
    window.editor.redo()
    assert machine_text(window) == [suggestion]


def test_saved_with_the_draft_and_loaded_when_it_opens(qtbot: QtBot, make_window: Any, store: Store) -> None:
    text = "Emoji first 😀 then:"  # Qt counts 😀 as two positions, the store as one character
    window, suggestion = accept_one(qtbot, make_window, text)
    draft_id = window.current_draft_id
    window.autosave.flush()
    body = store.get_draft(draft_id).body
    [stored] = store.get_provenance(draft_id)
    assert body[stored.start:stored.end] == suggestion
    assert stored.model == panels_of(window).provenance.tracker().spans[0].model

    again = make_window()
    again.open_draft(draft_id)
    assert machine_text(again) == [suggestion]
    assert panels_of(again).provenance.button.text().endswith("machine-written")


def test_toggle_tints_machine_text(qtbot: QtBot, make_window: Any) -> None:
    window, suggestion = accept_one(qtbot, make_window)

    def tinted() -> list[str]:
        return [sel.cursor.selectedText().replace("\u2029", "\n") for sel in window.editor.extraSelections()
                if sel.format.background().color() == TINT]

    assert panels_of(window).provenance.show_tint  # on by default
    assert tinted() == [suggestion]
    qtbot.keyClick(window.editor, Qt.Key.Key_M, CTRL_SHIFT)
    assert tinted() == [] and not panels_of(window).provenance.toggle_action.isChecked()
    qtbot.mouseClick(panels_of(window).provenance.button, Qt.MouseButton.LeftButton)
    assert tinted() == [suggestion] and panels_of(window).provenance.toggle_action.isChecked()
    assert panels_of(window).provenance.toggle_action in window.view_menu.actions()


def test_a_tracker_follows_text_written_before_and_after_machine_text(qapp: Any) -> None:
    """A draft without machine text is not followed keystroke by keystroke (a pasted novel would
    pay for it); an accept picks the text up as it is then, and spans stay right after that."""

    def spans() -> list[tuple[int, int]]:
        return [(span.start, span.end) for span in tracker.spans]

    doc = QTextDocument()
    doc.setDocumentLayout(QPlainTextDocumentLayout(doc))  # Qt reports changes only with a layout
    doc.setPlainText("Hello world")
    tracker = SpanTracker(doc, [])
    cursor = QTextCursor(doc)
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertText(" and more")
    tracker.add(11, 20, "pkd", 1)
    cursor.setPosition(0)
    cursor.insertText("Oh. ")
    assert spans() == [(15, 24)]

    cursor.setPosition(15)
    cursor.setPosition(24, QTextCursor.MoveMode.KeepAnchor)
    cursor.removeSelectedText()
    for _ in range(HISTORY + 1):  # beyond undo's memory of the machine text
        cursor.insertText("x")
    assert spans() == []
    tracker.add(0, 3, "ja", 2)
    cursor.setPosition(0)
    cursor.insertText("ab")
    assert spans() == [(2, 5)]
    assert tracker.length == len(doc.toPlainText())


def test_text_typed_or_pasted_over_machine_text_is_the_writers(qapp: Any) -> None:
    doc = QTextDocument()
    doc.setDocumentLayout(QPlainTextDocumentLayout(doc))
    doc.setPlainText("I wrote this. The boats were gone.")
    tracker = SpanTracker(doc, [])
    tracker.add(14, 34, "vanilla", 1)
    cursor = QTextCursor(doc)
    cursor.setPosition(18)
    cursor.setPosition(23, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("b")  # typing over the selected word "boats": the first key replaces it
    cursor.insertText("irds")
    assert doc.toPlainText() == "I wrote this. The birds were gone."
    assert [doc.toPlainText()[s.start:s.end] for s in tracker.spans] == ["The ", " were gone."]
    cursor.setPosition(14)
    cursor.setPosition(34, QTextCursor.MoveMode.KeepAnchor)
    cursor.insertText("The ships were gone.")  # the writer's own sentence, sharing most letters
    assert tracker.spans == []


def test_spans_match_a_character_by_character_reference_through_random_edits(qapp: Any) -> None:
    """Inserts, deletes and replacements (Markdown-ish text, colours changing as it is typed)."""
    import random

    from writer.ui.highlighter import MarkdownHighlighter
    from writer.ui.theme import LIGHT

    for seed in range(40):
        rng = random.Random(seed)
        doc = QTextDocument()
        doc.setDocumentLayout(QPlainTextDocumentLayout(doc))
        highlighter = MarkdownHighlighter(doc, LIGHT)
        doc.setPlainText("# Hello.\n\nSecond *line*.\n```\ncode\n```\nend 😀")
        tracker = SpanTracker(doc, [])
        QTextCursor(doc).insertText("MACHINE TEXT")
        tracker.add(0, 12, "m", 1)
        machine = [True] * 12 + [False] * (doc.characterCount() - 13)
        for _ in range(60):
            length = doc.characterCount() - 1
            cursor = QTextCursor(doc)
            start = rng.randint(0, length)
            end = min(length, start + rng.randint(0, 5))
            text = "".join(rng.choice("ab #*`\n>_") for _ in range(rng.randint(0, 3)))
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(text)
            machine[start:end] = [False] * len(text)
            marked = [False] * (doc.characterCount() - 1)
            for span in tracker.spans:
                marked[span.start:span.end] = [True] * (span.end - span.start)
            assert marked == machine, (seed, start, end, text)
        assert highlighter.document() is doc


def painted(window: MainWindow) -> list[tuple[int, int]]:
    """The tinted ranges the editor draws, in Qt positions."""
    return [(sel.cursor.selectionStart(), sel.cursor.selectionEnd()) for sel in window.editor.extraSelections()
            if sel.format.background().color() == TINT]


def stored_spans(window: MainWindow, store: Store) -> list[tuple[int, int]]:
    from writer.provenance import to_utf16

    draft_id = window.current_draft_id
    window.autosave.flush()
    body = store.get_draft(draft_id).body
    return [(s.start, s.end) for s in to_utf16(store.get_provenance(draft_id), body)]


def test_text_typed_right_after_an_accept_is_not_tinted(qtbot: QtBot, make_window: Any, store: Store) -> None:
    window, suggestion = accept_one(qtbot, make_window)
    start = len(PROMPT)
    qtbot.keyClicks(window.editor, " And then she wept.")
    assert painted(window) == stored_spans(window, store) == [(start, start + len(suggestion))]


def test_painted_tint_follows_stored_provenance_through_random_edits(
        qtbot: QtBot, make_window: Any, store: Store) -> None:
    """Accepts, typing, deleting, undo and redo in the real editor, in random order: after each
    step the tint on screen covers exactly the spans that autosave stores."""
    import random

    window, _ = accept_one(qtbot, make_window)
    editor = window.editor
    rng = random.Random(7)
    for step in range(80):
        action = rng.choice(["type", "type", "accept", "delete", "undo", "undo", "redo", "move"])
        length = editor.document().characterCount() - 1
        if action == "move":
            put_cursor(window, rng.randint(0, length))
        elif action == "type":
            qtbot.keyClicks(editor, rng.choice(["x", " word", ". Then", "ab"]))
        elif action == "delete":
            qtbot.keyClick(editor, rng.choice([Qt.Key.Key_Backspace, Qt.Key.Key_Delete]))
        elif action == "undo":
            qtbot.keyClick(editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        elif action == "redo":
            qtbot.keyClick(editor, Qt.Key.Key_Z, CTRL_SHIFT)
        else:  # what the panel's accept does: one undo step, then the span is recorded
            cursor = editor.textCursor()
            cursor.clearSelection()
            position = cursor.position()
            cursor.beginEditBlock()
            cursor.insertText(rng.choice([" the machine said", " and so on", "!"]))
            cursor.endEditBlock()
            editor.setTextCursor(cursor)
            panels_of(window).provenance.record(position, cursor.position(), "test-model", step)
        assert painted(window) == stored_spans(window, store), (step, action)
