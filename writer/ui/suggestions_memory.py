"""The memory note: a field under the suggestion controls, one note per draft.

The note (characters, setting, tone…) is stored with its draft (``Store.set_memory``) and placed
before the text in every prompt; it is never published. Edits are saved after a short pause, like
the draft's autosave, and when the window closes or another draft opens.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QPlainTextEdit, QWidget

from writer.errors import WriterError
from writer.store import Store

MEMORY_SAVE_MS = 600
MEMORY_HINT = "Memory note: characters, setting, tone… Suggestions read it first; it is never published."


class MemoryNote(QPlainTextEdit):
    """The note field of the open draft; disabled while no draft is open."""

    failed = Signal(str)  # a one-line message: the note could not be read or saved

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.setObjectName("memoryNote")
        self.setPlaceholderText(MEMORY_HINT)
        self.setToolTip(MEMORY_HINT)
        self.setTabChangesFocus(True)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.setEnabled(False)
        self._draft: int | None = None  # the draft the field holds
        self._dirty = False  # edited since last saved
        self._save_timer = QTimer(self, singleShot=True, interval=MEMORY_SAVE_MS)
        self._save_timer.timeout.connect(self.save)
        self.textChanged.connect(self._on_edited)

    def prompt_text(self) -> str:
        """What the prompts put before the draft's text ("" with no draft open)."""
        return self.toPlainText() if self._draft is not None else ""

    def load(self, draft_id: int | None) -> None:
        """Show ``draft_id``'s note (saving the note of the draft shown before)."""
        self.save()
        note = ""
        if draft_id is not None:
            try:
                note = self.store.get_memory(draft_id)
            except WriterError as exc:
                self.failed.emit(f"The memory note could not be read: {exc}")
                draft_id = None
        self._draft = draft_id
        blocked = self.blockSignals(True)
        self.setPlainText(note)
        self.blockSignals(blocked)
        self.setEnabled(draft_id is not None)
        self.setReadOnly(bool(self.store.read_only))

    def _on_edited(self) -> None:
        if self._draft is not None:
            self._dirty = True
            self._save_timer.start()

    def save(self) -> None:
        """Write a pending edit of the note to the store (a short write, like the draft's autosave)."""
        if not self._dirty or self._draft is None:
            return
        self._save_timer.stop()
        self._dirty = False
        try:
            self.store.set_memory(self._draft, self.toPlainText())
        except WriterError as exc:
            self.failed.emit(f"The memory note was not saved: {exc}")
