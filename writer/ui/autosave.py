"""Autosave: no Save button, and never more than a second of typing at risk.

A debounce timer saves ``delay_ms`` after typing stops; a second timer that is
*not* restarted by keystrokes caps the wait at :data:`MAX_WAIT_MS`, so someone
typing without pause is still saved every second. Saves also happen when the
user switches drafts, the window loses focus and on close (:meth:`flush`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextDocument

from writer.errors import WriterError
from writer.store import Draft, ProvenanceSpan, Store

#: Given (draft id, text being saved), the machine-written spans of that text, or None to leave them.
ProvenanceHook = Callable[[int, str], Sequence[ProvenanceSpan] | None]

MAX_WAIT_MS = 1000
RETRY_MS = 3000


class Autosave(QObject):
    """Tracks open documents and writes changed ones to the store."""

    saved = Signal(object)  # Draft
    failed = Signal(int, str)  # draft id, message

    def __init__(self, parent: QObject, store: Store, *, delay_ms: int = 600) -> None:
        super().__init__(parent)
        self.store = store
        self._docs: dict[int, QTextDocument] = {}
        self._saved_text: dict[int, str] = {}
        self._dirty: set[int] = set()
        self._debounce = QTimer(self, singleShot=True)
        self._max_wait = QTimer(self, singleShot=True, interval=MAX_WAIT_MS)
        self._debounce.timeout.connect(self.flush)
        self._max_wait.timeout.connect(self.flush)
        self.delay_ms = delay_ms
        self.provenance_for: ProvenanceHook | None = None  # set by the suggestions panel

    @property
    def delay_ms(self) -> int:
        return self._debounce.interval()

    @delay_ms.setter
    def delay_ms(self, value: int) -> None:
        self._debounce.setInterval(min(int(value), MAX_WAIT_MS))

    def track(self, draft_id: int, doc: QTextDocument, saved_body: str) -> None:
        """Watch ``doc``, whose text is ``saved_body`` in the store right now."""
        self._docs[draft_id] = doc
        self._saved_text[draft_id] = saved_body

    def forget(self, draft_id: int) -> None:
        """Stop tracking a deleted draft (its pending edits are dropped with it)."""
        self._docs.pop(draft_id, None)
        self._saved_text.pop(draft_id, None)
        self._dirty.discard(draft_id)

    def changed(self, draft_id: int) -> None:
        """The document changed: schedule a save."""
        doc = self._docs.get(draft_id)
        if doc is None or self.store.read_only or not doc.isModified():
            return  # re-highlighting emits contentsChanged too, but never sets "modified"
        self._dirty.add(draft_id)
        self._debounce.start()
        if not self._max_wait.isActive():
            self._max_wait.start()

    def is_dirty(self, draft_id: int) -> bool:
        return draft_id in self._dirty

    @property
    def pending(self) -> bool:
        return bool(self._dirty)

    def flush(self) -> None:
        """Save every changed document now."""
        self._debounce.stop()
        self._max_wait.stop()
        for draft_id in list(self._dirty):
            self.save(draft_id)

    def save(self, draft_id: int) -> Draft | None:
        """Save one document if its text differs from the stored body."""
        doc = self._docs.get(draft_id)
        if doc is None or self.store.read_only:
            self._dirty.discard(draft_id)
            return None
        text = doc.toPlainText()
        if text == self._saved_text.get(draft_id):
            self._dirty.discard(draft_id)
            doc.setModified(False)
            return None
        try:
            spans = self.provenance_for(draft_id, text) if self.provenance_for is not None else None
            draft = self.store.save_draft(draft_id, body=text, provenance=spans)
        except WriterError as exc:
            self._dirty.add(draft_id)
            if not self._max_wait.isActive():
                self._max_wait.start(RETRY_MS)
            self.failed.emit(draft_id, str(exc))
            return None
        self._saved_text[draft_id] = text
        self._dirty.discard(draft_id)
        doc.setModified(False)
        self.saved.emit(draft)
        return draft
