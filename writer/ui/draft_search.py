"""Searching the drafts from the toolbar field (Ctrl+K): results replace the list while typing,
Enter or a click keeps the draft found, Esc goes back to the draft and cursor from before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent

from writer.errors import WriterError
from writer.store import Draft, SearchHit
from writer.ui.drafts_list import MARKS, DraftRole

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

#: Typing pauses this long before the search runs (each key would otherwise query the store).
SEARCH_DELAY_MS = 90


class DraftSearch(QObject):
    """The search field's behaviour; the window keeps the field and the list it fills."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._return_to: tuple[int | None, int] | None = None  # draft and cursor before the search
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run)
        field = window.search_field
        field.textEdited.connect(self._on_edited)
        field.returnPressed.connect(self.commit)
        field.installEventFilter(self)
        window.list.installEventFilter(self)
        window.list.clicked.connect(lambda _: self.commit())
        window.list.activated.connect(lambda _: self.commit(focus_editor=True))

    @property
    def active(self) -> bool:
        return self._return_to is not None

    def start(self) -> None:
        """Focus the search field, remembering where to come back to on Esc."""
        window = self.window
        window.raise_()
        window.activateWindow()
        if window.focus_mode:
            window.toggle_focus_mode()
        if self._return_to is None:
            position = window.editor.textCursor().position() if window.current_draft_id is not None else 0
            self._return_to = (window.current_draft_id, position)
        window.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        window.search_field.selectAll()

    def _on_edited(self, _text: str) -> None:
        if self._return_to is None:
            self._return_to = (self.window.current_draft_id, self.window.editor.textCursor().position())
        self._timer.start()

    def run(self) -> None:
        """Show the drafts that match what is typed now (all drafts when the field is empty)."""
        window = self.window
        query = window.search_field.text().strip()
        if not query:
            window.reload_list()
            return
        try:
            hits: list[SearchHit] = window.store.search(query, marks=MARKS)
        except WriterError as exc:
            hits = []
            window.statusBar().showMessage(str(exc), 4000)
        window.model.set_hits(hits)
        window.list.empty_text = f"No drafts match “{query}”.\n\nEsc goes back to what you were writing."
        window.select_in_list(window.current_draft_id)

    def cancel(self) -> None:
        """Esc: leave the search and go back to the draft and cursor position from before."""
        back = self._return_to
        self.end()
        if back is None:
            return
        window = self.window
        draft_id, position = back
        if draft_id is not None and window.document(draft_id) is not None:
            window.open_draft(draft_id, cursor=position)
        elif window.model.rowCount():
            window.open_draft(window.model.draft_at(0).id)
        else:
            window.show_empty()

    def commit(self, focus_editor: bool = True) -> None:
        """Enter or a click on a result: keep that draft open and leave the search."""
        window = self.window
        if self._return_to is None:
            if focus_editor and window.list.hasFocus():
                window.focus_editor()
            return
        self._timer.stop()
        if window.search_field.text().strip() and window.model.searching is False:
            self.run()
        index = window.list.currentIndex()
        draft = index.data(DraftRole) if index.isValid() else None
        if draft is None and window.model.rowCount():
            draft = window.model.draft_at(0)
        self.end()
        if isinstance(draft, Draft):
            window.open_draft(draft.id, focus=focus_editor)

    def end(self) -> None:
        """Leave the search as it is: the field empty, the list whole again."""
        self._return_to = None
        self._timer.stop()
        self.window.search_field.clear()
        if self.window.model.searching:
            self.window.reload_list()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc in the field or the results leaves the search; Down in the field goes to the results."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        window, key = self.window, event.key()
        if key == Qt.Key.Key_Escape and self.active:
            self.cancel()
            return True
        if watched is window.search_field and key == Qt.Key.Key_Escape:
            window.focus_editor()
            return True
        if watched is window.search_field and key == Qt.Key.Key_Down and window.model.rowCount():
            window.list.setFocus()
            if not window.list.currentIndex().isValid():
                window.list.setCurrentIndex(window.model.index(0))
            return True
        return False
