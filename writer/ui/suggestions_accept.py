"""Accepting a suggestion: its text goes in at the cursor as one undo step, marked machine-written.

The inserted span is recorded with the model and seed that wrote it (provenance); undoing the
accept brings the batch back with the same cards, and redoing it clears them again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QTextDocument

from writer.generation.batches import History
from writer.ui.suggestions_requests import SEPARATORS

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel


@dataclass
class Accepted:
    """What an accept replaced, so undoing it brings the batch back with the same cards."""

    doc: QTextDocument
    undo_steps: int  # the document's undo steps just after the accept
    position: int  # where the text went
    history: History
    undone: bool = False


class Accepting:
    """Puts a suggestion into the draft, and follows the undo and redo of that accept."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        self.panel = panel
        self.inserting = False  # the panel's own edit: not typing that dismisses the suggestions
        self.last: Accepted | None = None

    def insertion(self, text: str, position: int) -> str:
        """``text`` as it goes in at ``position``: no second space after a space, none at a line start."""
        before = self.panel.editor.document().characterAt(position - 1) if position > 0 else "\u2029"
        if before in SEPARATORS:
            return text.lstrip(" \t") if before not in ("\u2029", "\n") else text.lstrip()
        return text

    def accept(self, index: int, *, ghost: bool = False) -> bool:
        """Insert suggestion ``index`` of the shown batch at the cursor as one undo step (``ghost``:
        what the ghost text shows of it, less what the writer already typed)."""
        panel = self.panel
        ghost = ghost and panel.ghost.showing()
        batch = panel.history.current()
        if batch is None or not 0 <= index < len(batch.items) or not (panel.in_view() or ghost):
            return False  # never insert text the writer cannot see
        item = batch.items[index]
        editor = panel.editor
        cursor = editor.textCursor()
        cursor.clearSelection()
        doc = editor.document()
        position = cursor.position()
        text = panel.ghost.remaining() if ghost else self.insertion(item.text, position)
        if not text.strip() or editor.isReadOnly():
            return False
        panel.requests.cancel()
        self.inserting = True
        try:
            cursor.beginEditBlock()
            cursor.insertText(text)
            cursor.endEditBlock()
        finally:
            self.inserting = False
        end = cursor.position()
        editor.setTextCursor(cursor)
        panel.provenance.record(position, end, item.model, batch.seed)
        accepted = Accepted(doc, doc.availableUndoSteps(), position, panel.history.copy())
        panel.dismiss()
        self.last = accepted
        editor.setFocus()
        panel.suggestionAccepted.emit(text, item.model, batch.seed)
        return True

    def follow_undo(self) -> bool:
        """Undo of an accept brings its batch back, same cards; redo re-accepts (clears them).
        True when the text change was one of those."""
        accepted, panel = self.last, self.panel
        doc = panel.editor.document()
        if accepted is None or accepted.doc is not doc:
            return False
        steps = doc.availableUndoSteps()
        if not accepted.undone and steps == accepted.undo_steps - 1:
            panel.requests.cancel()
            panel.history = accepted.history.copy()
            panel.anchor = (doc, accepted.position)
            panel.show_batch(accepted.history.shown)
            accepted.undone = True
            return True
        if accepted.undone and steps == accepted.undo_steps:
            panel.clear()
            accepted.undone = False
            return True
        return False
