"""The "Copy check" side panel: a summary line, every flag with jump-to, progress and errors."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QStackedWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer.copycheck.results import describe, summary

if TYPE_CHECKING:
    from writer.copycheck import Flag

EMPTY_TEXT = "No copied passages found"
EMPTY_HINT = ("Runs of 8 or more words found word for word in a model's training books are "
              "underlined here: echoes (8+) lightly, copies (20+) strongly.")
IDLE_TEXT = "Open a draft to check it for copied passages."


class FlagList(QTreeWidget):
    """Enter on a row jumps to it (QTreeWidget's own ``itemActivated`` needs a double-click on some styles)."""

    jumpRequested = Signal(int, bool)  # row, move focus to the editor

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem() is not None:
            self.jumpRequested.emit(self.indexOfTopLevelItem(self.currentItem()), True)
            event.accept()
            return
        super().keyPressEvent(event)


class CopyCheckPanel(QWidget):
    """Shows what :class:`writer.ui.copycheck.CopyCheck` found; emits :attr:`jumpRequested`."""

    jumpRequested = Signal(int, bool)
    recheckRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("copyCheckPanel")
        self.flags: list[Flag] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)

        head = QHBoxLayout()
        self.summary = QLabel("", self)
        self.summary.setObjectName("copyCheckSummary")
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        head.addWidget(self.summary, 1)
        self.recheck = QToolButton(self)
        self.recheck.setText("Recheck")
        self.recheck.setToolTip("Look for copy indexes again and recheck the whole draft")
        self.recheck.clicked.connect(self.recheckRequested)
        head.addWidget(self.recheck)
        layout.addLayout(head)

        self.scope = QLabel("", self)
        self.scope.setObjectName("copyCheckScope")
        self.scope.setWordWrap(True)
        layout.addWidget(self.scope)

        self.message = QLabel("", self)
        self.message.setObjectName("copyCheckMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        layout.addWidget(self.message)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("copyCheckProgress")
        self.progress.setFormat("Checking… %p%")
        self.progress.setTextVisible(True)
        self.progress.hide()
        layout.addWidget(self.progress)

        self.stack = QStackedWidget(self)
        self.list = FlagList(self.stack)
        self.list.setObjectName("copyFlagsList")
        self.list.setColumnCount(3)
        self.list.setHeaderLabels(["Level", "Words", "Work"])
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setAllColumnsShowFocus(True)
        self.list.setAlternatingRowColors(False)
        header = self.list.header()
        header.setStretchLastSection(True)
        header.resizeSection(0, 64)
        header.resizeSection(1, 56)
        self.list.setStyleSheet("QTreeWidget#copyFlagsList::item { padding: 4px 2px; }")
        self.list.itemClicked.connect(lambda item, _col: self.jumpRequested.emit(self._row(item), False))
        self.list.itemActivated.connect(lambda item, _col: self.jumpRequested.emit(self._row(item), True))
        self.list.jumpRequested.connect(self.jumpRequested)

        self.empty = QWidget(self.stack)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        self.empty_title = QLabel(EMPTY_TEXT, self.empty)
        self.empty_title.setObjectName("copyCheckEmpty")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_title.setWordWrap(True)
        self.empty_hint = QLabel(EMPTY_HINT, self.empty)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        empty_layout.addWidget(self.empty_title)
        empty_layout.addWidget(self.empty_hint)
        empty_layout.addStretch(2)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty)
        layout.addWidget(self.stack, 1)
        self.hint = QLabel("Click a row to select the passage in the draft; Enter also moves there.", self)
        self.hint.setObjectName("copyCheckHint")
        self.hint.setWordWrap(True)
        self.hint.setEnabled(False)  # drawn in the muted colour
        layout.addWidget(self.hint)
        self.show_idle()

    # -- states ------------------------------------------------------------------------------

    def show_idle(self, text: str = IDLE_TEXT) -> None:
        self.set_flags([], [])
        self.summary.setText("")
        self.empty_title.setText(text)
        self.empty_hint.hide()

    def show_checking(self) -> None:
        """A new draft is being checked and nothing is known yet."""
        self.list.clear()
        self.flags = []
        self.summary.setText("Checking…")
        self.empty_title.setText("")
        self.empty_hint.hide()
        self.stack.setCurrentWidget(self.empty)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(min(done, total))
        self.progress.show()

    def hide_progress(self) -> None:
        self.progress.hide()

    def show_error(self, text: str) -> None:
        """A missing or damaged index: say so and what to do; the flags list empties."""
        self.hide_progress()
        self.set_flags([], [])
        self.summary.setText("Copy check unavailable")
        self.empty_title.setText("")
        self.empty_hint.hide()
        self.set_message(_sentence(text))

    def set_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def set_scope(self, names: Sequence[str], scope: str) -> None:
        """"Checked against the books of Vanilla, PKD and JA" (the models' own names)."""
        what = (", ".join(names[:-1]) + " and " + names[-1]) if len(names) > 1 else (names[0] if names else "")
        if not what:
            self.scope.setText("Checked against nothing")
        elif scope == "model":
            self.scope.setText(f"Checked against the {what} model's books")
        else:
            self.scope.setText(f"Checked against the books of {what}")

    def set_flags(self, flags: Sequence[Flag], colours: Sequence[QColor],
                  copies: int | None = None, echoes: int | None = None) -> None:
        """Fill the list (``colours[i]`` draws row i's level), or show the empty state.

        ``copies``/``echoes``: the draft's totals, when more were found than are listed.
        """
        self.flags = list(flags)
        self.list.setUpdatesEnabled(False)
        try:
            self.list.clear()
            items = []
            for flag, colour in zip(flags, colours, strict=True):
                item = QTreeWidgetItem([flag.level.capitalize(), str(flag.words), flag.source.title])
                item.setForeground(0, QBrush(colour))
                bold = item.font(0)
                bold.setBold(flag.level == "copy")
                item.setFont(0, bold)
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                tip = f"{describe(flag)}<br><br>“{_snippet(flag.text)}”"
                for column in range(3):
                    item.setToolTip(column, tip)
                items.append(item)
            self.list.addTopLevelItems(items)
        finally:
            self.list.setUpdatesEnabled(True)
        self.summary.setText(summary(flags, copies, echoes) if flags else "")
        self.empty_title.setText(EMPTY_TEXT)
        self.empty_hint.show()
        self.stack.setCurrentWidget(self.list if flags else self.empty)
        self.hint.setVisible(bool(flags))

    def _row(self, item: QTreeWidgetItem) -> int:
        return self.list.indexOfTopLevelItem(item)


def _snippet(text: str, limit: int = 160) -> str:
    one_line = " ".join(text.split())
    if len(one_line) > limit:
        one_line = one_line[:100] + " … " + one_line[-50:]
    return one_line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _sentence(text: str) -> str:
    text = text.strip()
    return (text[:1].upper() + text[1:]) if text else text
