"""Autosave: no Save button, and never more than a second of typing at risk.

A debounce timer saves ``delay_ms`` after typing stops; a second timer that is
*not* restarted by keystrokes caps the wait at :data:`MAX_WAIT_MS`, so someone
typing without pause is still saved every second. Saves also happen when the
user switches drafts, the window loses focus and on close (:meth:`flush`).

A timer-driven save of a large draft (over :data:`LARGE_CHARS`, e.g. a pasted novel) runs on
the window's worker, because writing it and its search index takes about half a second that
the editor must not stall for; one such save per draft is in flight at a time, so writes keep
their order. :meth:`flush` itself always saves synchronously (close, switching drafts).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QTextDocument

from writer.errors import WriterError
from writer.store import Draft, ProvenanceSpan, Store

#: Given (draft id, text being saved), the machine-written spans of that text, or None to leave them.
ProvenanceHook = Callable[[int, str], Sequence[ProvenanceSpan] | None]

MAX_WAIT_MS = 1000
RETRY_MS = 3000
LARGE_CHARS = 1_000_000


class Autosave(QObject):
    """Tracks open documents and writes changed ones to the store."""

    saved = Signal(object)  # Draft
    failed = Signal(int, str)  # draft id, message

    def __init__(self, parent: QObject, store: Store, *, delay_ms: int = 600, worker: Any = None) -> None:
        super().__init__(parent)
        self.store = store
        self.worker = worker  # a writer.ui.workers.Worker: large drafts are saved there
        self._in_flight: dict[int, threading.Event] = {}
        self._docs: dict[int, QTextDocument] = {}
        self._saved_text: dict[int, str] = {}
        self._dirty: set[int] = set()
        self._debounce = QTimer(self, singleShot=True)
        self._max_wait = QTimer(self, singleShot=True, interval=MAX_WAIT_MS)
        self._debounce.timeout.connect(self._timed_flush)
        self._max_wait.timeout.connect(self._timed_flush)
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
        self._in_flight.pop(draft_id, None)  # a background save ending now must not bring it back

    def changed(self, draft_id: int) -> None:
        """The text of a document changed (the window calls this for edits, not re-colouring): schedule a save."""
        doc = self._docs.get(draft_id)
        if doc is None or self.store.read_only:
            return
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
        """Save every changed document now, here (waits for a background save of it first)."""
        self._debounce.stop()
        self._max_wait.stop()
        for draft_id in list(self._dirty):
            self.save(draft_id)

    def _timed_flush(self) -> None:
        self._debounce.stop()
        self._max_wait.stop()
        for draft_id in list(self._dirty):
            doc = self._docs.get(draft_id)
            if draft_id in self._in_flight:
                continue  # saved again when the running save ends
            if self.worker is not None and doc is not None and doc.characterCount() > LARGE_CHARS:
                self._save_in_background(draft_id, doc)
            else:
                self.save(draft_id)

    def _save_in_background(self, draft_id: int, doc: QTextDocument) -> None:
        text = doc.toPlainText()
        if text == self._saved_text.get(draft_id) or self.store.read_only:
            self._dirty.discard(draft_id)
            doc.setModified(False)
            return
        spans = self.provenance_for(draft_id, text) if self.provenance_for is not None else None
        done = self._in_flight[draft_id] = threading.Event()
        self._dirty.discard(draft_id)
        doc.setModified(False)

        def write() -> Draft:
            try:
                return self.store.save_draft(draft_id, body=text, provenance=spans)
            finally:
                done.set()

        def saved(draft: Draft) -> None:
            if self._in_flight.get(draft_id) is not done:
                return  # a synchronous save has written newer text since
            del self._in_flight[draft_id]
            self._saved_text[draft_id] = text
            self.saved.emit(draft)
            if draft_id in self._dirty:
                self._debounce.start()

        def failed(exc: BaseException) -> None:
            if self._in_flight.get(draft_id) is not done:
                return
            del self._in_flight[draft_id]
            self._dirty.add(draft_id)
            if not self._max_wait.isActive():
                self._max_wait.start(RETRY_MS)
            self.failed.emit(draft_id, str(exc))

        self.worker.submit(write, channel=f"autosave-{draft_id}", on_result=saved, on_error=failed)

    def save(self, draft_id: int) -> Draft | None:
        """Save one document if its text differs from the stored body."""
        doc = self._docs.get(draft_id)
        if doc is None or self.store.read_only:
            self._dirty.discard(draft_id)
            return None
        running = self._in_flight.pop(draft_id, None)
        if running is not None:
            running.wait(30)  # the older text must land first
            self._dirty.add(draft_id)  # and this save writes what the editor holds now
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
