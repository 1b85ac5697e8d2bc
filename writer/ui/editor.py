"""The text editor: a plain-text Markdown editor with a centred column and typewriter scrolling."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QKeyEvent, QResizeEvent, QTextBlock, QTextOption
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from writer.softbreaks import break_long_lines


class Editor(QPlainTextEdit):
    """Shows one draft's QTextDocument at a time (each draft keeps its own undo history).

    ``escapePressed`` lets the window leave focus mode or a search with Esc.
    ``longLinesBroken`` (lines broken, lines left long) tells of a paste that
    :mod:`writer.softbreaks` made editable.
    """

    escapePressed = Signal()
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
        self.cursorPositionChanged.connect(self._keep_centred)

    def set_layer(self, name: str, selections: list[QTextEdit.ExtraSelection]) -> None:
        """Show ``selections`` as the named layer of marks (e.g. "provenance", "copyflags").

        Features mark text through layers so that one feature's marks never erase another's;
        later layers draw on top of earlier ones.
        """
        self._layers[name] = list(selections)
        self.setExtraSelections([sel for layer in self._layers.values() for sel in layer])

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
