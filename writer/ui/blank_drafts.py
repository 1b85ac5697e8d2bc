"""Empty drafts leave no trace: a draft made by New and left empty is deleted when the writer moves
on (or quits), and Undo in the status bar brings it back with its undo history for a few seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QPushButton

from writer.errors import WriterError
from writer.ui.highlighter import MarkdownHighlighter

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

#: How long Undo stays in the status bar after an empty draft was discarded.
UNDO_SHOWN_MS = 8000


class BlankDrafts(QObject):
    """Which drafts count as new and empty, discarding them when left, and the Undo that brings
    the last one back."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._ids: set[int] = set()  # drafts made by New this session (discarded if left empty)
        self._discarded: tuple[QTextDocument, MarkdownHighlighter] | None = None
        bar = window.statusBar()
        self.undo_button = QPushButton("Undo", bar)
        self.undo_button.setObjectName("undoDiscardButton")
        self.undo_button.setToolTip("Bring back the empty draft just discarded, with its undo history")
        self.undo_button.setFlat(True)
        self.undo_button.clicked.connect(self.undo_discard)
        self.undo_button.hide()
        bar.addPermanentWidget(self.undo_button)  # beside the message that it undoes
        self._timer = QTimer(self, singleShot=True, interval=UNDO_SHOWN_MS)
        self._timer.timeout.connect(self.undo_button.hide)

    def add(self, draft_id: int) -> None:
        """``draft_id`` was just made by New: discard it if it is left empty."""
        self._ids.add(draft_id)

    def __contains__(self, draft_id: int) -> bool:
        return draft_id in self._ids

    def is_blank(self, draft_id: int, *, with_history: bool = True) -> bool:
        """A draft made by New this session that holds nothing now: no text, title or tags.
        ``with_history=False`` also asks for no revisions: on quit, when there is no Undo to
        offer, a draft that once held text is kept."""
        store = self.window.store
        doc = self.window.document(draft_id)
        if draft_id not in self._ids or doc is None or not doc.isEmpty() or store.read_only:
            return False
        try:
            draft = store.get_draft(draft_id)
            history = not with_history and store.revisions(draft_id)
        except WriterError:
            return False
        return not (draft.body or draft.title_is_set or draft.tags or draft.url or history
                    or draft.status != "draft")

    def adopt_if_blank(self, draft_id: int | None) -> None:
        """An empty draft left open by a crash counts as new: leaving it discards it (if it
        never held saved text: with no undo history to offer, its revisions are kept)."""
        doc = self.window.document(draft_id) if draft_id is not None else None
        if draft_id is None or doc is None or not doc.isEmpty():
            return
        try:
            if not self.window.store.revisions(draft_id):
                self._ids.add(draft_id)
        except WriterError:
            return

    def discard_if_empty(self, draft_id: int, *, with_history: bool = True) -> None:
        """Leaving an empty new draft deletes it; its document (and undo history) is kept so
        that Undo in the status bar brings it back with whatever was typed and erased."""
        window = self.window
        if draft_id == window.current_draft_id or not self.is_blank(draft_id, with_history=with_history):
            return
        window.autosave.flush()
        try:
            window.store.delete_draft(draft_id)
        except WriterError:
            return  # kept: an empty draft is harmless
        self._ids.discard(draft_id)
        doc, highlighter = window.detach_document(draft_id)
        self._discarded = (doc, highlighter)
        window.model.remove_draft(draft_id)
        window.draftDeleted.emit(draft_id)
        self.undo_button.setVisible(doc.isUndoAvailable())
        window.statusBar().showMessage("Empty draft discarded", UNDO_SHOWN_MS)
        self._timer.start()

    def undo_discard(self) -> int | None:
        """Bring back the last empty draft discarded, as a draft again, and undo its last edit
        (the text erased before leaving it comes back)."""
        window = self.window
        if self._discarded is None or window.refuse_if_read_only():
            return None
        doc, highlighter = self._discarded
        self._discarded = None
        self.undo_button.hide()
        try:
            draft = window.store.create_draft("")
        except WriterError as exc:
            window.show_error("Could not bring the draft back", str(exc))
            return None
        window.attach_document(draft.id, doc, highlighter)
        self._ids.add(draft.id)
        window.model.update_draft(draft)
        window.open_draft(draft.id)
        if doc.isUndoAvailable():
            window.editor.undo()
        return draft.id
