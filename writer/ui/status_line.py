"""The status bar's permanent part: whether the open draft is saved, its words and reading time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from writer.store import reading_minutes, word_count

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

#: Above this many characters the word count runs off the GUI thread (the store counts each save).
BIG_TEXT = 200_000
#: Counting waits for this pause in typing.
COUNT_DELAY_MS = 250


class StatusLine(QObject):
    """Saved / Editing… / Not saved, and the open draft's word count and reading time."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        bar = window.statusBar()
        self.state = QLabel("", bar)
        self.words = QLabel("", bar)
        self.reading = QLabel("", bar)
        for label in (self.state, self.words, self.reading):
            bar.addPermanentWidget(label)
        self._timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._timer.timeout.connect(self.update_counts)

    def edited(self, dirty: bool) -> None:
        """The open draft changed: say so, and count again once typing pauses."""
        self.state.setText("Editing…" if dirty else "Saved")
        self._timer.start()

    def saved(self, words: int) -> None:
        """The open draft was saved with ``words`` words (the store's count)."""
        self.state.setText("Saved")
        if self.window.editor.document().characterCount() > BIG_TEXT:
            self.show_counts(words)  # a long draft is counted by the store only

    def update_counts(self) -> None:
        """Live counts while typing; a long draft's count comes with each save instead.

        The store counts the words of every save anyway, and copying megabytes out of the editor
        at every pause in typing (then counting them) would stall the editor.
        """
        window = self.window
        draft_id = window.current_draft_id
        if draft_id is None:
            return
        doc = window.editor.document()
        if doc.characterCount() <= BIG_TEXT:
            self.show_counts(word_count(doc.toPlainText()))
        elif (row := window.model.row_of(draft_id)) is not None:
            self.show_counts(window.model.draft_at(row).word_count)

    def show_counts(self, words: int) -> None:
        self.words.setText(f"{words:,} word{'s' if words != 1 else ''}")
        minutes = reading_minutes(words)
        self.reading.setText(f"{minutes} min read" if minutes else "")

    def clear_counts(self) -> None:
        self.words.setText("")
        self.reading.setText("")
