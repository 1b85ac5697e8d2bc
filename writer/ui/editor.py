"""The text editor: a plain-text Markdown editor with a centred column and typewriter scrolling."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextBlock,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from writer.softbreaks import break_long_lines


class Editor(QPlainTextEdit):
    """Shows one draft's QTextDocument at a time (each draft keeps its own undo history).

    ``escapePressed`` lets the window leave focus mode or a search with Esc (unless Esc dismisses
    ghost text, :meth:`set_ghost`).
    ``longLinesBroken`` (lines broken, lines left long) tells of a paste that
    :mod:`writer.softbreaks` made editable.
    """

    escapePressed = Signal()
    ghostDismissed = Signal()  # Esc while ghost text shows: it goes, and nothing else happens
    longLinesBroken = Signal(int, int)
    pasted = Signal(str)  # text pasted or dropped in: writing stats do not count it as typed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editor")
        self.setFrameShape(QPlainTextEdit.Shape.NoFrame)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)  # long URLs too
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTabChangesFocus(False)
        self.setPlaceholderText("Start writing…")
        self.max_width = 760
        self._typewriter = False
        self._unchanged = False
        self._layers: dict[str, list[QTextEdit.ExtraSelection]] = {}
        self._ghost = ""  # an inline suggestion, painted grey at the cursor (never in the document)
        self._ghost_badge = ""
        self._ghost_at = -1
        self.cursorPositionChanged.connect(self._keep_centred)

    def set_layer(self, name: str, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Show ``selections`` as the named layer of marks (e.g. "provenance", "copyflags").

        Features mark text through layers so that one feature's marks never erase another's;
        later layers draw on top of earlier ones.
        """
        self._layers[name] = list(selections)
        self.setExtraSelections([sel for layer in self._layers.values() for sel in layer])

    def set_ghost(self, text: str, badge: str = "") -> None:
        """Show ``text`` as grey ghost text at the cursor (a badge such as "echo" after it); "" hides it.

        It is painted, not inserted: the draft, its undo history and autosave never see it, and
        it shows only while the cursor stays where it was set, at the end of its line."""
        at = self.textCursor().position() if text else -1
        if (text, badge, at) == (self._ghost, self._ghost_badge, self._ghost_at):
            return  # called for every streamed token: repaint only when the ghost changed
        self._ghost, self._ghost_badge, self._ghost_at = text, badge, at
        self.viewport().update()

    def ghost_set(self) -> tuple[str, int, str]:
        """The ghost text as set (shown or not), the position it was set at, and its badge."""
        return self._ghost, self._ghost_at, self._ghost_badge

    def ghost(self) -> str:
        """The ghost text on screen now ("" when none shows)."""
        cursor = self.textCursor()
        if not self._ghost or cursor.position() != self._ghost_at or cursor.hasSelection() \
                or not cursor.atBlockEnd():
            return ""
        return self._ghost

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        text = self.ghost()
        if not text:
            return
        rect = self.cursorRect()
        left = self.contentOffset().x() + self.document().documentMargin()
        right = self.viewport().width() - self.document().documentMargin()
        badge = f"  [{self._ghost_badge}]" if self._ghost_badge else ""
        layout = QTextLayout(" ".join(text.splitlines()) + badge, self.font())
        layout.setTextOption(QTextOption(Qt.AlignmentFlag.AlignLeft))
        layout.textOption().setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.beginLayout()
        x, y = float(rect.left()), float(rect.top())
        while (line := layout.createLine()).isValid() and y < self.viewport().height():
            line.setLineWidth(max(40.0, right - x))
            line.setPosition(QPointF(x, y))
            y += line.height()
            x = left
        layout.endLayout()
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        layout.draw(painter, QPointF(0, 0))
        painter.end()

    def clear_layers(self) -> None:
        """Drop every layer's marks (a different draft is shown)."""
        self._layers.clear()
        self.setExtraSelections([])

    def visible_blocks(self) -> list[QTextBlock]:
        """The lines on screen now, top to bottom."""
        blocks = []
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        bottom = self.viewport().height()
        while block.isValid() and self.blockBoundingGeometry(block).translated(offset).top() <= bottom:
            if block.isVisible():
                blocks.append(block)
            block = block.next()
        return blocks

    def set_font(self, family: str, size: int) -> None:
        """Use ``family`` (or a readable default) at ``size`` points."""
        font = QFont(family) if family else QFontDatabase.systemFont(QFontDatabase.SystemFont.GeneralFont)
        font.setPointSize(size)
        font.setStyleHint(QFont.StyleHint.SansSerif)
        self.setFont(font)
        self.document().setDefaultFont(font)

    def set_max_width(self, pixels: int) -> None:
        self.max_width = pixels
        self._update_margins()

    @property
    def typewriter(self) -> bool:
        return self._typewriter

    def set_typewriter(self, on: bool) -> None:
        """Typewriter scrolling: the cursor line stays in the middle of the view."""
        self._typewriter = on
        self.setCenterOnScroll(on)
        if on:
            self.centerCursor()

    def _keep_centred(self) -> None:
        if self._typewriter:
            self.centerCursor()

    def paste_unchanged(self) -> None:
        """Paste without breaking long lines (Edit ▸ Paste Unchanged)."""
        self._unchanged = True
        try:
            self.paste()
        finally:
            self._unchanged = False

    def insertFromMimeData(self, source: QMimeData) -> None:
        """Pastes and drops: a line of megabytes is broken first, or every keystroke would take seconds."""
        if not self.isReadOnly() and source.hasText():
            self.pasted.emit(source.text())
        if self._unchanged or self.isReadOnly() or not source.hasText():
            super().insertFromMimeData(source)
            return
        result = break_long_lines(source.text().replace("\r\n", "\n"))
        if result.broken:
            self.textCursor().insertText(result.text)
            self.ensureCursorVisible()
        else:
            super().insertFromMimeData(source)
        if result.broken or result.kept:
            self.longLinesBroken.emit(result.broken, result.kept)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            if self.ghost():
                self.set_ghost("")
                self.ghostDismissed.emit()
            else:
                self.escapePressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_margins()

    def _update_margins(self) -> None:
        """Centre a readable column: long lines are hard to read on a wide screen."""
        width = self.width() - self.verticalScrollBar().sizeHint().width()
        side = 32
        if self.max_width and width > self.max_width + 2 * side:
            side = (width - self.max_width) // 2
        self.setViewportMargins(side, 24, side, 24)
