"""The suggestion cards: one per continuation, stacked (or side by side when comparing models).

A card is clicked to accept it; :meth:`SuggestionList.set_badge` lets other features (the
copy check) mark a card without knowing how it is drawn. A finished card's words show what the
pack weighed there when hovered (the token view, :mod:`writer.ui.suggestions_tokens`);
``alternativeChosen(row, token, alternative)`` asks for the rest to be rewritten from there.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QBoxLayout, QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from writer.generation.batches import Item
from writer.ui.suggestions_tokens import AlternativesPopup, TokenText

STATE_TEXT = {"waiting": "Waiting…", "loading": "Loading the model…", "generating": "Writing…"}


class SuggestionCard(QFrame):
    """One suggestion: its number and shortcut, where it came from, a badge and the growing text."""

    clicked = Signal(int)
    tokenHovered = Signal(int, int, QPoint)  # card, token (-1: none), where (global)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName("suggestionCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setSpacing(4)
        header = QHBoxLayout()
        header.setSpacing(6)
        self.number = QLabel(self)
        self.number.setObjectName("suggestionNumber")
        self.source = QLabel(self)
        self.source.setObjectName("suggestionSource")
        self.badge = QLabel(self)
        self.badge.setObjectName("suggestionBadge")
        self.badge.hide()
        for label in (self.source, self.badge):
            label.setMinimumWidth(1)  # a narrow compare column clips them (the badge has a tooltip)
        header.addWidget(self.number)
        header.addWidget(self.source, 1)
        header.addWidget(self.badge)
        layout.addLayout(header)
        self.body = TokenText(self)
        self.body.hovered.connect(lambda token, at: self.tokenHovered.emit(self.index, token, at))
        layout.addWidget(self.body)
        self.text = ""

    def show_item(self, item: Item, source: str) -> None:
        self.number.setText(f"{self.index + 1}" if self.index >= 8 else f"Alt+{self.index + 1}")
        self.source.setText(source)
        self.text = item.text
        shown = item.text.strip()
        if item.state == "error":
            body, state = item.error, "error"
        elif shown:
            body, state = shown, "done" if item.state == "done" else "streaming"
        else:
            body = "(nothing: the model ended here)" if item.state == "done" else STATE_TEXT.get(item.state, "…")
            state = "pending"
        if body != self.body.text():
            self.body.setText(body)
        done = state == "done"
        self.body.set_tokens(item.tokens if done else (), len(item.text) - len(item.text.lstrip()) if done else 0)
        if state != self.property("state"):  # re-styling is the costly part: only when it changes
            self.setProperty("state", state)
            self.setToolTip(self._tip(item, state))
            for widget in (self, self.body):  # descendant rules follow the card's state only when re-polished
                widget.style().unpolish(widget)
                widget.style().polish(widget)
        elif state == "done":
            self.setToolTip(self._tip(item, state))

    @staticmethod
    def _tip(item: Item, state: str) -> str:
        if state == "error":
            return ""
        if item.score is None:
            return "Click to insert at the cursor"
        return (f"Click to insert at the cursor\nScore {item.score:.2f}: the model's mean log-probability per "
                "token (nearer 0 is likelier); the best of several candidates are shown")

    def set_badge(self, text: str, tooltip: str = "") -> None:
        self.badge.setText(text)
        self.badge.setToolTip(tooltip)
        self.badge.setVisible(bool(text))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.index)
            event.accept()
            return
        super().mouseReleaseEvent(event)


class SuggestionList(QWidget):
    """The cards of the shown batch; ``activated(index)`` when one is clicked."""

    activated = Signal(int)
    alternativeChosen = Signal(int, int, int)  # card, token, alternative

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards: list[SuggestionCard] = []  # the shown batch's, in order
        self._spare: list[SuggestionCard] = []  # hidden, for the next batch (last one first)
        self.shading = False
        self.popup = AlternativesPopup(self)
        self.popup.chosen.connect(self._on_chosen)
        self._side_by_side = False
        self._layout = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._layout.addStretch(1)

    def set_columns(self, side_by_side: bool) -> None:
        """Compare mode shows one column per model, side by side, of equal width."""
        self._side_by_side = side_by_side
        self._layout.setDirection(QBoxLayout.Direction.LeftToRight if side_by_side
                                  else QBoxLayout.Direction.TopToBottom)
        for card in self.cards + self._spare:
            self._place(card)
        self._layout.setStretch(self._layout.count() - 1, 0 if side_by_side else 1)  # the trailing stretch

    def _place(self, card: SuggestionCard) -> None:
        side_by_side = self._side_by_side
        # side by side, every column the same width whatever its text or badge asks for
        card.setSizePolicy(QSizePolicy.Policy.Ignored if side_by_side else QSizePolicy.Policy.Expanding,
                           QSizePolicy.Policy.Preferred if side_by_side else QSizePolicy.Policy.Maximum)
        self._layout.setAlignment(card, Qt.AlignmentFlag.AlignTop if side_by_side else Qt.AlignmentFlag(0))
        self._layout.setStretchFactor(card, 1 if side_by_side else 0)

    def resize_to(self, count: int) -> None:
        """Show ``count`` cards. Cards are kept (hidden) rather than deleted: making three cards
        took ~9 ms of the GUI thread on every request, while the model wrote its first words."""
        self.popup.hide()  # it spoke of the batch shown before
        while len(self.cards) < count:
            card = self._spare.pop() if self._spare else self._new_card()
            self.cards.append(card)
            card.show()
        while len(self.cards) > count:
            card = self.cards.pop()
            card.hide()
            self._spare.append(card)

    def prepare(self, count: int) -> None:
        """Make ``count`` cards ahead of the first request (hidden until a batch needs them)."""
        shown = len(self.cards)
        self.resize_to(max(shown, count))
        self.resize_to(shown)

    def _new_card(self) -> SuggestionCard:
        card = SuggestionCard(len(self.cards), self)
        card.clicked.connect(self.activated)
        card.tokenHovered.connect(self._on_token_hovered)
        card.body.tokensChanged.connect(self.popup.hide)
        card.body.set_shading(self.shading)
        self._layout.insertWidget(len(self.cards), card)
        self._place(card)
        return card

    def set_badge(self, row: int, text: str, tooltip: str = "") -> None:
        if 0 <= row < len(self.cards):
            self.cards[row].set_badge(text, tooltip)

    def set_shading(self, on: bool) -> None:
        """Tint every token of the finished cards by how unlikely the pack thought it."""
        self.shading = on
        for card in self.cards + self._spare:
            card.body.set_shading(on)

    def _on_chosen(self, row: int, token: int, choice: int) -> None:
        """Pass on a click in the popup only while the card still holds the word it showed: the
        popup takes no focus, so a new batch can replace the cards under it."""
        body = self.cards[row].body if 0 <= row < len(self.cards) else None
        if body is not None and 0 <= token < len(body.tokens) and body.tokens[token] is self.popup.token:
            self.alternativeChosen.emit(row, token, choice)
        else:
            self.popup.hide()

    def _on_token_hovered(self, row: int, token: int, at: QPoint) -> None:
        body = self.cards[row].body if 0 <= row < len(self.cards) else None
        if body is not None and 0 <= token < len(body.tokens):
            self.popup.show_token(row, token, body.tokens[token], at, body.word_text(token), body.word_prob(token))
        else:
            self.popup.hide_soon()
