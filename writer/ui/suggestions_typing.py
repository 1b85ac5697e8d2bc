"""When suggestions are asked for, kept and dismissed as the writer works.

A pause in typing asks for them (``suggest.auto``) and warms the model's cache sooner; Tab at the
end of a word asks too, or accepts the first one. Typing that differs from them, moving the
cursor away or opening another draft dismisses them; undoing an accept brings them back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent

from writer.ui.suggestions_requests import at_continuation_point

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel


class TypingTriggers(QObject):
    """Watches the editor and the window on the panel's behalf."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.pause = QTimer(self, singleShot=True)
        self.pause.timeout.connect(self._on_pause)
        window, editor = panel.window_, panel.editor
        window.draftEdited.connect(self._on_text_changed)
        editor.cursorPositionChanged.connect(self._on_cursor_moved)
        editor.installEventFilter(self)
        editor.escapePressed.connect(panel.dismiss)
        window.installEventFilter(self)
        window.draftOpened.connect(self._on_draft_opened)

    def _wanted(self) -> bool:
        """Suggestions have somewhere to appear: the panel is in view, or inline suggestions are on."""
        return self.panel.in_view() or self.panel.ghost.enabled()

    def _on_text_changed(self, draft_id: int) -> None:
        panel = self.panel
        if panel.accepting.inserting or draft_id != panel.window_.current_draft_id:
            return
        if panel.accepting.follow_undo():
            return
        if panel.ghost.follow_typing():  # typed what the ghost shows: it stays, shorter
            panel.anchor = (panel.editor.document(), panel.editor.textCursor().position())
            return
        panel.dismiss()
        if self._wanted():
            panel.prefill.timer.start()
            if panel.settings.get("suggest.auto"):
                self.pause.start(int(panel.settings.get("suggest.auto_delay_ms")))

    def _on_cursor_moved(self) -> None:
        panel = self.panel
        if panel.accepting.inserting or panel.anchor is None:
            return
        doc, position = panel.anchor
        if doc is not panel.editor.document() or panel.editor.textCursor().position() != position:
            panel.dismiss()

    def _on_pause(self) -> None:
        panel = self.panel
        if panel.requests.running is None and not panel.history.batches and \
                at_continuation_point(panel.editor) and self._wanted():
            panel.suggest()

    def _on_draft_opened(self, draft_id: int) -> None:
        self.pause.stop()
        self.panel.dismiss()
        self.panel.memory.load(draft_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        panel = self.panel
        if watched is panel.editor and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                return self._on_tab()
        elif watched is panel.window_ and event.type() == QEvent.Type.Close:
            panel.requests.cancel()
            panel.memory.save()
        return False

    def _on_tab(self) -> bool:
        """Tab accepts the first suggestion, or asks for some at the end of a word; else it is a tab.

        With ghost text at the cursor, Tab accepts it; with the panel hidden (closed, or focus mode)
        and inline suggestions off, Tab is just a tab."""
        panel = self.panel
        if panel.ghost.showing():
            return panel.accept(panel.ghost.index, ghost=True)
        if not self._wanted():
            return False
        if panel.showing():
            return panel.accept(0)
        if panel.requests.running is not None:
            return True  # suggestions are on their way
        if at_continuation_point(panel.editor):
            return panel.suggest() is not None
        return False
