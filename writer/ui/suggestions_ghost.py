"""Inline suggestions: a batch's suggestion as grey ghost text at the cursor.

On with the ``suggest.ghost`` setting, and always in focus mode (where the panel is hidden).
Tab accepts the ghost (through the panel, so provenance and copy badges are the same),
Alt+] / Alt+[ show the next or previous suggestion of the batch, Esc dismisses, and typing
that matches the ghost keeps it, shortened by what was typed. The text is painted by
:meth:`Editor.set_ghost`; it is never in the document until accepted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextCursor

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel


class GhostText(QObject):
    """The ghost's state: which suggestion of the shown batch, and what the writer typed of it."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.editor = panel.editor
        self.index = 0
        self.typed = ""  # what the writer typed that matched the ghost
        self.editor.ghostDismissed.connect(panel.dismiss)
        panel.window_.focusModeChanged.connect(lambda *_: self.refresh())

    def enabled(self) -> bool:
        return bool(self.panel.settings.get("suggest.ghost")) or self.panel.window_.focus_mode

    def showing(self) -> bool:
        return bool(self.editor.ghost())

    def reset(self) -> None:
        self.index, self.typed = 0, ""
        self.editor.set_ghost("")

    def remaining(self) -> str:
        """What accepting the ghost inserts: the suggestion as the panel would insert it, less what was typed."""
        panel = self.panel
        if panel.shown < 0 or not self.enabled():
            return ""
        items = panel.batches[panel.shown].items
        if not items:
            return ""
        self.index %= len(items)
        text = panel.insertion(items[self.index].text, self._anchor())
        return text[len(self.typed):] if text.startswith(self.typed) else ""

    def _anchor(self) -> int:
        return self.editor.textCursor().position() - len(self.typed)

    def refresh(self) -> None:
        """Paint the chosen suggestion as it stands (streaming, finished, badged)."""
        text = self.remaining()
        badge = ""
        if text and self.panel.shown >= 0:
            batch = self.panel.batches[self.panel.shown]
            badge = self.panel.badge_of(batch.request_id, self.index)
        self.editor.set_ghost(text if text.strip() else "", badge)

    def cycle(self, step: int) -> bool:
        """Alt+] / Alt+[: the next or previous suggestion of the batch."""
        if not self.showing():
            return False
        self.index += step
        self.refresh()
        return True

    def follow_typing(self) -> bool:
        """The writer typed what the ghost shows: keep it, shortened; False when the typing differs."""
        ghost, start, badge = self.editor.ghost_set()
        if not self.enabled() or not ghost or self.panel.shown < 0:
            return False
        position = self.editor.textCursor().position()
        if not start < position < start + len(ghost):
            return False
        span = QTextCursor(self.editor.document())  # just what was typed: a 5 MB draft is not copied per key
        span.setPosition(start)
        span.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        typed = span.selectedText().replace("\u2029", "\n")
        if not ghost.startswith(typed):
            return False
        self.typed += typed
        self.editor.set_ghost(ghost[len(typed):], badge)
        return True
