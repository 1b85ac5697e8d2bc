"""The token view: a suggestion's text that knows its tokens.

Hovering a word of a finished suggestion shows how sure the pack was of it and what else it
weighed there (:class:`AlternativesPopup`); clicking one of those regenerates the rest of the
suggestion from that point. With shading on, every token is tinted by how unlikely it was, so a
writer sees at a glance where the model guessed. The text is laid out once per width with
:class:`QTextLayout` (the same layout paints, sizes and hit-tests it).

The unit a writer points at is a word, not a token: "trampled" may be the tokens " tr" and
"ampled". A word's probability is its tokens' product (the pack's odds of the whole word there),
and its alternatives are those at its first token, where the pack chose it.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextCharFormat,
    QTextLayout,
    QTextLine,
    QTextOption,
)
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from writer.generation.token_info import TokenInfo

SURE, UNSURE = 0.5, 0.005  # a word this likely is not shaded at all; this unlikely, fully
SHADE_ALPHA = 110  # the tint of a token the pack thought all but impossible (a sure one gets none): the
# theme's link colour at this strength keeps the text ≥ 4.5:1 in the light and the dark theme
HIDE_MS = 350  # time to move the mouse from a word onto its popup


def percent(prob: float) -> str:
    """A probability as a writer reads it: "42%", "0.6%", "<0.1%"."""
    if prob >= 0.0095:
        return f"{prob:.0%}"
    return f"{prob:.1%}" if prob >= 0.001 else "<0.1%"


def shade(base: QColor, prob: float) -> QColor:
    """``base`` tinted by how surprising the word was, on a log scale between :data:`SURE` and
    :data:`UNSURE` (most words of a sampled text are below 50%: a linear scale shades them all alike)."""
    surprise = math.log(SURE / max(prob, 1e-9)) / math.log(SURE / UNSURE)
    color = QColor(base)
    color.setAlpha(round(SHADE_ALPHA * min(1.0, max(0.0, surprise))))
    return color


def words(tokens: tuple[TokenInfo, ...]) -> list[range]:
    """The tokens grouped into words: a word starts at a space, at punctuation, or after either."""
    groups: list[range] = []
    for i, token in enumerate(tokens):
        first = token.text[:1]
        if groups and first.isalnum() and tokens[i - 1].text[-1:].isalnum():
            groups[-1] = range(groups[-1].start, i + 1)
        else:
            groups.append(range(i, i + 1))
    return groups


class TokenText(QWidget):
    """A wrapped, read-only text (like a word-wrapped QLabel) whose tokens can be shaded and hovered.

    ``hovered(token, global_pos)`` with the token's index (-1 when the mouse is on no token).
    """

    hovered = Signal(int, QPoint)
    tokensChanged = Signal()  # the words under a popup may be gone

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._offset = 0  # characters of the suggestion stripped before the shown text
        self.tokens: tuple[TokenInfo, ...] = ()
        self._words: list[range] = []
        self.shading = False
        self._layout: QTextLayout | None = None
        self._laid_width = -1
        self._heights: dict[int, int] = {}  # width → height of the text as it is (layouts ask often)
        self._hover = -1
        self.setObjectName("suggestionText")
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMouseTracking(True)

    # -- content ---------------------------------------------------------------------------
    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # QLabel's name: callers treat it like one
        if text == self._text:
            return
        self._text = text
        self._relayout()

    def set_tokens(self, tokens: tuple[TokenInfo, ...], offset: int) -> None:
        """The shown text's tokens; ``offset`` is where the shown text starts in the suggestion."""
        if tokens == self.tokens and offset == self._offset:
            return
        self.tokens, self._offset = tokens, offset
        self.tokensChanged.emit()
        self._words = words(tokens)
        self._hover = -1
        self._laid_width = -1
        self.update()

    def set_shading(self, on: bool) -> None:
        if on != self.shading:
            self.shading = on
            self._laid_width = -1
            self.update()

    def span(self, index: int) -> tuple[int, int]:
        """Token ``index``'s characters in the shown text (clipped to it)."""
        token = self.tokens[index]
        start = max(0, token.start - self._offset)
        end = min(len(self._text), token.start + len(token.text) - self._offset)
        return start, max(start, end)

    def token_at(self, pos: QPointF) -> int:
        """The index of the token under ``pos`` (widget coordinates), or -1."""
        layout = self._laid_out(self.width())
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.y() <= pos.y() < line.y() + line.height() and pos.x() <= line.naturalTextWidth():
                return self._token_of(line.xToCursor(pos.x(), QTextLine.CursorPosition.CursorOnCharacter))
        return -1

    def word(self, index: int) -> range:
        """The tokens of the word token ``index`` belongs to."""
        return next((w for w in self._words if index in w), range(index, index + 1))

    def word_text(self, index: int) -> str:
        return "".join(self.tokens[i].text for i in self.word(index)).strip()

    def word_prob(self, index: int) -> float:
        """The pack's probability of the whole word (its tokens' product)."""
        return math.prod(self.tokens[i].prob for i in self.word(index))

    def _token_of(self, char: int) -> int:
        for i in range(len(self.tokens)):
            start, end = self.span(i)
            if start <= char < end:
                return i
        return -1

    def token_rect(self, index: int) -> QRect:
        """Where the word of token ``index`` is drawn (its first line's part), for placing its popup."""
        word = self.word(index)
        start, end = self.span(word.start)[0], self.span(word[-1])[1]
        while start < end - 1 and self._text[start].isspace():  # the word, not the space before it
            start += 1
        layout = self._laid_out(self.width())
        line = layout.lineForTextPosition(start)
        if not line.isValid():
            return QRect()
        left, right = _x(line, start), _x(line, min(end, line.textStart() + line.textLength()))
        return QRect(int(left), int(line.y()), max(1, int(right - left)), int(line.height()))

    # -- layout ----------------------------------------------------------------------------
    def _relayout(self) -> None:
        """New text: repaint, and ask the panel for a relayout only when the height changes (the
        first words of a suggestion usually fit the line "Writing…" held: no layout pass)."""
        self._laid_width = -1
        self._heights.clear()
        if not self.isVisible() or self.heightForWidth(self.width()) != self.height():
            self.updateGeometry()
        self.update()

    def _laid_out(self, width: int) -> QTextLayout:
        if self._layout is not None and width == self._laid_width:
            return self._layout
        layout = QTextLayout(self._text, self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        layout.setFormats(self._formats())
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(1, width))
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()
        self._layout, self._laid_width = layout, width
        return layout

    def _formats(self) -> list[QTextLayout.FormatRange]:
        if not self.shading:
            return []
        base = self.palette().color(QPalette.ColorRole.Link)
        ranges = []
        for word in self._words:
            first = self.tokens[word.start]
            _, end = self.span(word[-1])
            start = max(0, first.start + len(first.text) - len(first.text.lstrip()) - self._offset)  # not the space
            if end > start:
                fmt = QTextCharFormat()
                fmt.setBackground(shade(base, self.word_prob(word.start)))
                rng = QTextLayout.FormatRange()
                rng.start, rng.length, rng.format = start, end - start, fmt
                ranges.append(rng)
        return ranges

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:  # shading changes colours only, so the layout need not be redone for it
            height = self._heights[width] = max(self.fontMetrics().height(),
                                                int(self._laid_out(width).boundingRect().height() + 0.999))
        return height

    def sizeHint(self) -> QSize:
        """At the width it has once shown: a card may not grow past its hint, so a hint made for a
        wider line than the card's would clip the text's last line."""
        width = self.width() if self.isVisible() and self.width() > 1 else \
            min(max(80, self.fontMetrics().horizontalAdvance(self._text[:60])), 320)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(1, self.fontMetrics().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """A new width the layout sized for from heights it cached for an older text (text changes
        skip the layout pass when the height at the width of the moment is unchanged): ask again,
        or the card clips the text's last lines."""
        super().resizeEvent(event)
        if self.heightForWidth(event.size().width()) != event.size().height():
            self.updateGeometry()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        self._laid_width = -1
        self._heights.clear()  # a new font or palette (the card's state, the theme) lays it out again

    # -- painting and hovering ---------------------------------------------------------------
    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        self._laid_out(self.width()).draw(painter, QPointF(0, 0))
        if 0 <= self._hover < len(self.tokens):  # the hovered word underlined, so the popup's subject is plain
            rect = self.token_rect(self._hover)
            painter.drawLine(rect.bottomLeft(), rect.bottomRight())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.token_at(event.position()) if self.tokens else -1
        index = self.word(index).start if index >= 0 else -1  # a word is what the writer points at
        if index != self._hover:
            self._hover = index
            self.update()
            point = self.token_rect(index).bottomLeft() if index >= 0 else event.position().toPoint()
            self.hovered.emit(index, self.mapToGlobal(point))
        super().mouseMoveEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and self._hover >= 0:
            return True  # the word's popup says more than the card's tool tip
        return super().event(event)

    def leaveEvent(self, event: QEvent) -> None:
        if self._hover != -1:
            self._hover = -1
            self.update()
            self.hovered.emit(-1, QPoint())
        super().leaveEvent(event)


def _x(line: QTextLine, position: int) -> float:
    """Where ``position`` is on ``line`` (PySide6 returns the x with the position it used)."""
    found: tuple[float, int] = line.cursorToX(position)  # type: ignore[assignment]
    return found[0]


class AlternativesPopup(QFrame):
    """What the pack weighed at one token: its probability, then its top alternatives as buttons.

    ``chosen(row, token, alternative)`` when one is clicked. A tool-tip-like window that takes no
    focus, so typing on is never interrupted; it hides when the mouse leaves the word and itself.
    """

    chosen = Signal(int, int, int)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.ToolTip | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("alternativesPopup")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setMouseTracking(True)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.setSpacing(2)
        self.title = QLabel(self)
        self.title.setObjectName("alternativesTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self._layout.addWidget(self.title)
        self.hint = QLabel("Click one to rewrite the rest from there", self)
        self.hint.setObjectName("alternativesHint")
        self.buttons: list[QToolButton] = []
        self.target: tuple[int, int] = (-1, -1)  # (row, token)
        self.token: TokenInfo | None = None
        self._hide = QTimer(self, singleShot=True, interval=HIDE_MS)
        self._hide.timeout.connect(self._hide_unless_hovered)

    def show_token(self, row: int, index: int, token: TokenInfo, at: QPoint, word: str = "",
                   prob: float | None = None) -> None:
        """Show what the pack weighed at token ``index`` of card ``row``, below ``at`` (global);
        ``word`` and ``prob``: the whole word it starts and its probability (default: the token's)."""
        self._hide.stop()
        self.target, self.token = (row, index), token
        self.title.setText(f"“{word or token.text.strip() or token.text}”  "
                           f"{percent(token.prob if prob is None else prob)}")
        for button in self.buttons:
            self._layout.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        self._layout.removeWidget(self.hint)
        for i, alternative in enumerate(token.alternatives):
            button = QToolButton(self)
            button.setObjectName("alternativeButton")
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setText(f"{alternative.text.strip() or repr(alternative.text)}   {percent(alternative.prob)}")
            button.setCheckable(True)
            button.setChecked(alternative.text == token.text)  # the pack's choice, among its alternatives
            button.setEnabled(alternative.text != token.text)
            button.clicked.connect(lambda *_, i=i: self._choose(i))
            self._layout.addWidget(button)
            self.buttons.append(button)
        if token.alternatives:
            self._layout.addWidget(self.hint)
        self.hint.setVisible(bool(token.alternatives))
        self.adjustSize()
        place = at + QPoint(0, 2)
        bounds = self.screen().availableGeometry() if self.screen() is not None else None
        parent = self.parentWidget()
        owner = parent.window() if parent is not None else None
        if bounds is not None and owner is not None:  # inside the app's window too, where it fits
            inside = bounds.intersected(owner.frameGeometry())
            if inside.width() >= self.width():
                bounds = inside
        if bounds is not None:  # all of it visible, even for a word at the right edge
            place.setX(max(bounds.left(), min(place.x(), bounds.right() - self.width())))
            if place.y() + self.height() > bounds.bottom():
                place.setY(at.y() - self.height() - 24)  # above the word
        self.move(place)
        self.show()

    def alternatives(self) -> list[str]:
        """The alternatives as listed (text and probability), most likely first."""
        return [button.text() for button in self.buttons]

    def _choose(self, i: int) -> None:
        row, index = self.target
        self.hide()
        self.chosen.emit(row, index, i)

    def hide_soon(self) -> None:
        if self.isVisible():
            self._hide.start()

    def _hide_unless_hovered(self) -> None:
        if not self.underMouse():
            self.hide()

    def leaveEvent(self, event: QEvent) -> None:
        self.hide_soon()
        super().leaveEvent(event)
