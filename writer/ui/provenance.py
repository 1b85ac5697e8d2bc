"""Provenance in the editor: which characters a model wrote, tinted on demand, saved with the draft.

One :class:`SpanTracker` per open document follows its edits (through
``QTextDocument.contentsChange``) with the arithmetic of :mod:`writer.provenance`. The
:class:`ProvenanceView` loads spans when a draft opens, hands them to autosave (so body and
spans are written in one transaction), tints the "provenance" editor layer and shows the
machine-written share in the status bar.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit, QToolButton

from writer.errors import WriterError
from writer.provenance import (
    add_span,
    apply_edit,
    clamp,
    from_utf16,
    machine_chars,
    machine_share,
    to_utf16,
)
from writer.store import ProvenanceSpan

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

#: Text states remembered so undo/redo gives machine text back its author.
HISTORY = 64
TINT = QColor(124, 92, 255, 46)  # translucent violet: readable on light and dark themes


class SpanTracker(QObject):
    """Machine-written spans of one document, in Qt positions (UTF-16 units), kept through edits.

    It keeps a UTF-16 shadow of the text, to measure what each change removed, and remembers
    the spans of recent text states: undoing the deletion of a suggestion, or redoing an
    accept, brings its provenance back. Text typed or pasted over machine text is the
    writer's, even where it repeats the machine's letters. While there is no machine-written
    text to follow (now or in the remembered states) it keeps neither, so a keystroke in a
    pasted novel costs nothing here.
    """

    changed = Signal()

    def __init__(self, doc: QTextDocument, spans: list[ProvenanceSpan]) -> None:
        super().__init__(doc)
        self.doc = doc
        self._shadow: bytes | None = None
        self._spans: list[ProvenanceSpan] = []
        self._states: OrderedDict[tuple[int, int], list[ProvenanceSpan]] = OrderedDict()
        if spans:
            self._follow()
            self._spans = clamp(spans, self.length)
            self._remember()
        doc.contentsChange.connect(self._on_change)

    @property
    def spans(self) -> list[ProvenanceSpan]:
        return list(self._spans)

    @property
    def length(self) -> int:
        """The text's length in UTF-16 units (Qt positions)."""
        return len(self._shadow) // 2 if self._shadow is not None else self.doc.characterCount() - 1

    def share(self) -> float:
        return machine_share(self._spans, self.length)

    def add(self, start: int, end: int, model: str, seed: int | None) -> None:
        """Characters ``start``–``end`` (already in the document) were written by ``model``."""
        span = ProvenanceSpan(start, end, model, seed, datetime.now(UTC).replace(microsecond=0))
        if self._shadow is None:
            self._follow()
        self._spans = add_span(self._spans, span)
        self._remember()
        self.changed.emit()

    def spans_for(self, text: str) -> list[ProvenanceSpan]:
        """The spans as Python indices into ``text`` (the document's plain text), for the store."""
        return clamp(from_utf16(self._spans, text), len(text))

    def _follow(self) -> None:
        self._shadow = self.doc.toPlainText().encode("utf-16-le")

    def _key(self) -> tuple[int, int]:
        assert self._shadow is not None
        return len(self._shadow), hash(self._shadow)

    def _remember(self) -> None:
        key = self._key()
        self._states[key] = list(self._spans)
        self._states.move_to_end(key)
        while len(self._states) > HISTORY:
            self._states.popitem(last=False)

    def _on_change(self, position: int, removed: int, added: int) -> None:
        if self._shadow is None:
            return
        cursor = QTextCursor(self.doc)
        end = min(position + added, self.doc.characterCount() - 1)
        cursor.setPosition(min(position, end))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        new = cursor.selectedText().replace("\u2029", "\n").encode("utf-16-le")
        old = self._shadow[2 * position: 2 * (position + removed)]
        self._shadow = self._shadow[: 2 * position] + new + self._shadow[2 * (position + removed):]
        if old == new:
            return  # nothing but formats changed
        # Qt's own counts may include the document's final separator: the slices' lengths are exact.
        pos, rem, add = position, len(old) // 2, len(new) // 2
        before = self._spans
        remembered = self._states.get(self._key())
        self._spans = remembered if remembered is not None else apply_edit(self._spans, pos, rem, add)
        self._spans = clamp(self._spans, self.length)
        self._remember()
        if not self._spans and not any(self._states.values()):
            self._shadow = None  # nothing machine-written left, nor in undo's reach
            self._states.clear()
        if self._spans or before:
            # Always, even when the spans did not move: the tint's QTextCursors grow with text
            # typed at their ends, so they are redrawn from the spans after every edit.
            self.changed.emit()


class ProvenanceView(QObject):
    """Wires trackers to the window: loading, autosave, the tint layer and the status button."""

    shareChanged = Signal(float)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.trackers: dict[int, SpanTracker] = {}
        self.show_tint = bool(window.settings.get("provenance.tint"))

        self.toggle_action = window.make_action(
            "Show &Machine-Written Text", ["Ctrl+Shift+M"], self.set_tint, checkable=True,
            tip="Tint text that a model wrote")
        self.toggle_action.setChecked(self.show_tint)
        window.view_menu.addSeparator()
        window.view_menu.addAction(self.toggle_action)

        self.button = QToolButton(window.statusBar())
        self.button.setObjectName("provenanceButton")
        self.button.setAutoRaise(True)
        self.button.setCheckable(True)
        self.button.setChecked(self.show_tint)
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.button.setToolTip("Share of this draft written by a model; click to tint it "
                               f"({self.toggle_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
        self.button.clicked.connect(self.set_tint)
        self.button.hide()
        window.statusBar().insertPermanentWidget(0, self.button)

        window.settingsChanged.connect(self._on_setting_changed)
        window.autosave.provenance_for = self.spans_for_save
        window.draftOpened.connect(self._on_opened)
        if window.current_draft_id is not None:
            self._on_opened(window.current_draft_id)

    # -- per draft -------------------------------------------------------------------------
    def tracker(self, draft_id: int | None = None) -> SpanTracker | None:
        """The tracker of ``draft_id`` (default: the open draft), loading its spans on first use."""
        draft_id = self.window.current_draft_id if draft_id is None else draft_id
        if draft_id is None:
            return None
        tracker = self.trackers.get(draft_id)
        doc = self.window.document(draft_id)
        if doc is None:
            return None
        if tracker is None or tracker.doc is not doc:
            try:
                stored = self.window.store.get_provenance(draft_id)
            except WriterError:
                stored = []
            tracker = SpanTracker(doc, to_utf16(stored, doc.toPlainText()) if stored else [])
            tracker.changed.connect(lambda draft_id=draft_id: self._on_changed(draft_id))
            doc.destroyed.connect(lambda *_, draft_id=draft_id: self.trackers.pop(draft_id, None))
            self.trackers[draft_id] = tracker
        return tracker

    def spans_for_save(self, draft_id: int, text: str) -> list[ProvenanceSpan] | None:
        """Autosave's hook: the spans of ``text``; None (leave the stored ones) for untracked drafts."""
        tracker = self.trackers.get(draft_id)
        return None if tracker is None else tracker.spans_for(text)

    def record(self, start: int, end: int, model: str, seed: int | None) -> None:
        """An accepted suggestion now occupies ``start``–``end`` of the open document."""
        tracker = self.tracker()
        if tracker is not None and end > start:
            tracker.add(start, end, model, seed)

    def share(self) -> float:
        tracker = self.tracker()
        return tracker.share() if tracker is not None else 0.0

    # -- display ---------------------------------------------------------------------------
    def set_tint(self, on: bool) -> None:
        self.show_tint = bool(on)
        self.toggle_action.setChecked(self.show_tint)
        self.button.setChecked(self.show_tint)
        settings = self.window.settings
        settings.set("provenance.tint", self.show_tint)
        self.refresh()

    def _on_setting_changed(self, key: str) -> None:
        if key == "provenance.tint":
            self.set_tint(bool(self.window.settings.get(key)))

    def _on_opened(self, draft_id: int) -> None:
        self.tracker(draft_id)
        self.refresh()

    def _on_changed(self, draft_id: int) -> None:
        if draft_id == self.window.current_draft_id:
            self.refresh()

    def refresh(self) -> None:
        """Redraw the tint layer and the status button for the open draft."""
        editor = self.window.editor
        tracker = self.tracker()
        spans = tracker.spans if tracker is not None else []
        selections = []
        if self.show_tint:
            doc = editor.document()
            for span in spans:
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(doc)
                cursor.setPosition(span.start)
                cursor.setPosition(span.end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selection.format.setBackground(TINT)
                selection.format.setToolTip(f"Written by {span.model}"
                                            + (f", seed {span.seed}" if span.seed is not None else ""))
                selections.append(selection)
        editor.set_layer("provenance", selections)
        share = tracker.share() if tracker is not None else 0.0
        if spans:
            self.button.setText(f"{_percent(share)} machine-written")
            self.button.show()
        else:
            self.button.hide()
        self.shareChanged.emit(share)

    def machine_chars(self) -> int:
        tracker = self.tracker()
        return machine_chars(tracker.spans) if tracker is not None else 0


def _percent(share: float) -> str:
    """Never "0%" for some machine text, never "100%" unless it all is."""
    pct = round(share * 100)
    if share > 0 and pct == 0:
        return "<1%"
    if share < 1 and pct == 100:
        return ">99%"
    return f"{pct}%"
