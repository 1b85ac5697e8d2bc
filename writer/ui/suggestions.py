"""The Suggestions side panel: continuations from the style models, streamed as they are written.

The panel builds the controls and the cards, wires the parts below to them, and paints the batch
on screen; each part lives in a module of its own:

* :mod:`~writer.ui.suggestions_requests` — the prompt, the request, the one running job, its events
  (applied by the Qt-free :class:`~writer.generation.batches.Batch`; the panel paints what changed);
* :mod:`~writer.ui.suggestions_typing` — when suggestions are asked for and dismissed as the writer types;
* :mod:`~writer.ui.suggestions_prefill` — warming the model's cache while the writer types;
* :mod:`~writer.ui.suggestions_accept` — inserting one, marked machine-written, and undoing that;
* :mod:`~writer.ui.suggestions_rewrite` — rewriting a card from a word's alternative (the token view);
* :mod:`~writer.ui.suggestions_compare`, :mod:`~writer.ui.suggestions_models`, :mod:`~writer.ui.suggestions_keys`,
  :mod:`~writer.ui.suggestions_settings`, :mod:`~writer.ui.suggestions_memory` (the per-draft note).

For other features (the copy check):

* ``suggestionsFinished(request_id, texts)`` — a batch is complete; ``texts`` in card order
  (again with the batch's id when one card was rewritten from a word: the token view).
* :meth:`SuggestionsPanel.set_badge` ``(row, text, tooltip, request_id=None)`` — mark a card;
  the badge stays with its batch when the writer pages through earlier batches.
* ``suggestionAccepted(text, model, seed)`` — text went into the draft.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from writer.generation.batches import Batch, History, Update
from writer.generation.requests import EngineFor, default_engine_for
from writer.ui.provenance import ProvenanceView
from writer.ui.suggestions_accept import Accepting
from writer.ui.suggestions_cards import SuggestionList
from writer.ui.suggestions_compare import CompareMode
from writer.ui.suggestions_controls import AdvancedDrawer, ModelPicker
from writer.ui.suggestions_ghost import GhostText
from writer.ui.suggestions_keys import SuggestionKeys
from writer.ui.suggestions_memory import MemoryNote
from writer.ui.suggestions_models import ModelChoice
from writer.ui.suggestions_prefill import PREFILL_CHANNEL as PREFILL_CHANNEL  # the benchmarks wait on it
from writer.ui.suggestions_prefill import Prefill
from writer.ui.suggestions_requests import SuggestionRequests
from writer.ui.suggestions_rewrite import rewrite_from
from writer.ui.suggestions_settings import SettingsReactions
from writer.ui.suggestions_typing import TypingTriggers
from writer.ui.theme import Palette

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

PAINT_MS = 33  # after the first text of a batch, which is painted at once
IDLE_HINT = ("Pause, or press Ctrl+Space or Tab at the end of a word, and suggestions appear here.\n\n"
             "Tab or Alt+1 inserts the first, Alt+2… the others; Ctrl+R writes a fresh batch.")
# palette() roles follow the app's light/dark palette without knowing the theme
PANEL_QSS = """
#suggestionCard { background: palette(base); border: 1px solid palette(mid); border-radius: 8px; }
#suggestionCard:hover { border: 1px solid palette(link); }
#suggestionCard[state="pending"] #suggestionText { color: palette(placeholder-text); font-style: italic; }
#suggestionCard[state="error"] { border: 1px solid @error; }
#suggestionCard[state="error"] #suggestionText { color: @error; }
#alternativesPopup { background: palette(tool-tip-base); border: 1px solid palette(mid); }
#alternativesTitle { font-weight: 600; }
#alternativesHint { color: palette(placeholder-text); }
#alternativeButton { text-align: left; padding: 1px 4px; }
#suggestionNumber { color: palette(link); font-weight: 600; }
#suggestionSource, #batchLabel, #suggestionsHint { color: palette(placeholder-text); }
#suggestionBadge { background: palette(highlight); border-radius: 6px; padding: 1px 6px; }
#suggestionsState[error="true"] { color: @error; }
"""  # Qt's palette() has no role for errors: @error is the theme's (see _style)


def _stop_all(cancels: list[threading.Event]) -> None:
    for event in cancels:
        event.set()


class SuggestionsPanel(QWidget):
    """The dock's contents (one per main window): wiring and painting; the logic is in its parts."""

    suggestionsStarted = Signal(int)  # request id
    streamed = Signal(int, int, int)  # request id, column, step
    suggestionsFinished = Signal(int, list)  # request id, texts
    suggestionAccepted = Signal(str, str, int)  # text, model, seed
    packsLoaded = Signal()

    def __init__(self, window: MainWindow, provenance: ProvenanceView,
                 engine_for: EngineFor = default_engine_for) -> None:
        super().__init__(window)
        self.setObjectName("suggestionsPanel")
        self.window_ = window
        self.editor = window.editor
        self.settings = window.settings
        self.worker = window.worker
        self.provenance = provenance
        self.engine_for = engine_for  # tests and benchmarks wrap it: read at each request
        self.history = History()
        self.anchor: tuple[QTextDocument, int] | None = None  # the document and position the batch continues
        self.dock: QDockWidget | None = None

        self._build()
        self.models = ModelChoice(self)
        self.compare = CompareMode(self)
        self.settings_reactions = SettingsReactions(self)
        self.ghost = GhostText(self)
        self.keys = SuggestionKeys(self)
        # where tests and screenshots reach for them
        self.compare_action, self.surprise_action = self.keys.compare, self.keys.surprise
        self.model_actions, self.models_menu = self.keys.models, self.keys.models_menu
        self.models.label_actions()
        self.accepting = Accepting(self)
        self._dirty: set[int] = set()
        self._repaint = QTimer(self, singleShot=True, interval=PAINT_MS)
        self._repaint.timeout.connect(self._flush_paint)
        self.prefill = Prefill(self)
        self.requests = SuggestionRequests(self)
        self.triggers = TypingTriggers(self)
        cancels = self.requests.cancels
        self.destroyed.connect(lambda *_: _stop_all(cancels))
        self.show_idle()
        self.reload_packs()

    # -- construction ----------------------------------------------------------------------
    def _style(self, palette: Palette) -> None:
        self.setStyleSheet(PANEL_QSS.replace("@error", palette.error.name()))

    def _tool_button(self, name: str, text: str, tip: str, *, checkable: bool = False) -> QToolButton:
        button = QToolButton(self)
        button.setObjectName(name)
        button.setText(text)
        button.setToolTip(tip)
        button.setCheckable(checkable)
        return button

    def _build(self) -> None:
        self._style(self.window_.palette_)
        self.window_.themeChanged.connect(self._style)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(8)
        self.picker = ModelPicker(self)
        self.comparing = QLabel("Every model, side by side", self)  # in the picker's place while comparing
        self.comparing.setObjectName("comparingLabel")
        self.comparing.hide()
        layout.addWidget(self.picker)
        layout.addWidget(self.comparing)
        layout.addLayout(self._build_buttons())
        self.drawer = AdvancedDrawer(self.settings, self)
        layout.addWidget(self.drawer)
        self.memory = MemoryNote(self.window_.store, self)
        self.memory.failed.connect(lambda message: self.set_state(message, error=True))
        layout.addWidget(self.memory)
        layout.addLayout(self._build_state())
        layout.addWidget(self._build_cards(), 1)
        nav = self._build_nav()
        layout.addWidget(self.batch_label)
        layout.addLayout(nav)

    def _build_buttons(self) -> QHBoxLayout:
        top = QHBoxLayout()
        top.setSpacing(6)
        self.compare_button = self._tool_button("compareButton", "Compare", "Ask every model at once, one column each",
                                                checkable=True)
        self.compare_button.toggled.connect(lambda on: self.compare.toggled(on))
        self.surprise_button = self._tool_button("surpriseButton", "Surprise me",
                                                 "Text from the model with no prompt at all")
        self.surprise_button.clicked.connect(self.surprise)
        self.shading_button = self._tool_button(
            "shadingButton", "Shade", "Shade each word by how unlikely the model thought it (Ctrl+Shift+T); "
            "hover a word for its alternatives", checkable=True)
        self.shading_button.setChecked(bool(self.settings.get("suggest.token_shading")))
        for button in (self.compare_button, self.surprise_button, self.shading_button):
            top.addWidget(button)
        top.addStretch(1)
        return top

    def _build_state(self) -> QHBoxLayout:
        state = QHBoxLayout()
        self.state_label = QLabel("", self)
        self.state_label.setObjectName("suggestionsState")
        self.state_label.setWordWrap(True)
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedSize(64, 6)
        self.busy.hide()
        state.addWidget(self.state_label, 1)
        state.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignVCenter)
        return state

    def _build_cards(self) -> QScrollArea:
        self.list = SuggestionList(self)
        self.list.activated.connect(self.accept)
        self.list.alternativeChosen.connect(self.regenerate_from)
        self.list.set_shading(self.shading_button.isChecked())
        # the cards exist before the first request, so asking only fills them in (first words sooner)
        QTimer.singleShot(0, self, lambda: self.list.prepare(int(self.settings.get("suggest.n"))))
        self.idle = QLabel(IDLE_HINT, self)
        self.idle.setObjectName("suggestionsHint")
        self.idle.setWordWrap(True)
        self.idle.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        holder = QWidget(self)
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.idle)
        inner.addWidget(self.list)
        inner.addStretch(1)
        self.cards_area = QScrollArea(self)
        self.cards_area.setWidgetResizable(True)
        self.cards_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.cards_area.setWidget(holder)
        return self.cards_area

    def _build_nav(self) -> QHBoxLayout:
        nav = QHBoxLayout()
        nav.setSpacing(4)
        self.prev_button = self._tool_button("", "←", "Earlier batch (Alt+Left)")
        self.prev_button.clicked.connect(lambda: self.step_batch(-1))
        self.next_button = self._tool_button("", "→", "Later batch (Alt+Right)")
        self.next_button.clicked.connect(lambda: self.step_batch(1))
        self.batch_label = QLabel("", self)
        self.batch_label.setObjectName("batchLabel")
        self.batch_label.setWordWrap(True)
        self.reroll_button = QPushButton("Reroll", self)
        self.reroll_button.setToolTip("A fresh batch with a new seed (Ctrl+R)")
        self.reroll_button.clicked.connect(self.reroll)
        nav.addWidget(self.prev_button)
        nav.addWidget(self.next_button)
        nav.addStretch(1)
        nav.addWidget(self.reroll_button)
        return nav

    # -- what other features, tests and benchmarks call --------------------------------------
    @property
    def batches(self) -> list[Batch]:
        """The batches of the history, oldest first."""
        return self.history.batches

    @property
    def shown(self) -> int:
        """The index of the batch on screen in :attr:`batches` (-1: none)."""
        return self.history.shown

    @property
    def running(self) -> tuple[int, threading.Event] | None:
        """The running request's id and cancel event."""
        return self.requests.running

    def suggest(self) -> int | None:
        """Ctrl+Space: a fresh batch for the text before the cursor (every model in compare mode)."""
        return self.requests.request("compare" if self.compare_button.isChecked() else "suggest")

    def reroll(self) -> int | None:
        """Ctrl+R: another batch of the same kind (after *Surprise me*, another surprise) with a new
        seed; earlier batches stay reachable."""
        return self.requests.request(self.requests.shown_kind(), keep_history=True)

    def surprise(self) -> int | None:
        """Text from nothing: the model's unconditional samples."""
        return self.requests.request("surprise")

    def regenerate_from(self, row: int, token: int, choice: int) -> int | None:
        """Rewrite card ``row`` from its token ``token`` with alternative ``choice`` there."""
        return rewrite_from(self, row, token, choice)

    def accept(self, index: int, *, ghost: bool = False) -> bool:
        """Insert suggestion ``index`` of the shown batch at the cursor as one undo step."""
        return self.accepting.accept(index, ghost=ghost)

    def insertion(self, text: str, position: int) -> str:
        """``text`` as it goes in at ``position``: no second space after a space, none at a line start."""
        return self.accepting.insertion(text, position)

    def cancel_running(self) -> None:
        """Stop the model at its next token; whatever it still sends is dropped."""
        self.requests.cancel()

    def reload_packs(self) -> None:
        """List the packs again (a pack was added or removed)."""
        self.models.reload()

    def pick_model(self, i: int) -> bool:
        """Ctrl+Alt+1…9: the ``i``-th usable model writes the suggestions from now on."""
        return self.models.pick(i)

    def current_model(self) -> str | None:
        """The chosen pack's name (the copy check checks suggestions against its books)."""
        return self.models.current()

    def _prefill(self) -> None:
        """Warm the model's cache now, as a pause in typing does (the responsiveness benchmark)."""
        self.prefill.run()

    def dismiss(self) -> None:
        """Forget the suggestions (they no longer fit the text), and any accept's batch."""
        self.accepting.last = None
        self.clear()

    def clear(self) -> None:
        """Forget the suggestions; an accept's undo can still bring its batch back."""
        self.ghost.reset()
        self.requests.cancel()
        self.history = History()
        self.anchor = None
        self.show_idle()

    def in_view(self) -> bool:
        """Whether the writer can see the panel: not closed, not in focus mode, not behind another tab."""
        return not self.visibleRegion().isEmpty() or not self.window_.isVisible()

    def reveal(self) -> None:
        """An explicit request (Ctrl+Space, Ctrl+R) shows the panel: suggestions never arrive unseen
        (with inline suggestions on, they arrive at the cursor)."""
        if self.in_view() or self.ghost.enabled():
            return
        if self.window_.focus_mode:
            self.window_.toggle_focus_mode()  # as Ctrl+K does
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()

    # -- painting --------------------------------------------------------------------------
    def set_state(self, text: str, *, busy: bool = False, error: bool = False) -> None:
        self.state_label.setText(text)
        self.state_label.setVisible(bool(text))
        self.state_label.setProperty("error", error)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        self.busy.setVisible(busy)

    def show_idle(self) -> None:
        self.list.resize_to(0)
        self.list.hide()
        self.idle.show()
        self.set_state("")
        self._update_nav()

    def show_batch(self, index: int) -> None:
        """Show batch ``index`` of the history (← / → and Alt+Left / Alt+Right)."""
        if not 0 <= index < len(self.history.batches):
            return
        self.history.shown = index
        self._dirty.clear()
        batch = self.history.batches[index]
        self.idle.hide()
        self.list.show()
        self.list.resize_to(len(batch.items))
        self.list.set_columns(batch.request.kind == "compare")
        for card in self.list.cards:
            card.set_badge(*self.history.badge(batch.request_id, card.index))
        self.paint(batch, range(len(batch.items)))
        self._update_nav()
        self.ghost.refresh()

    def step_batch(self, delta: int) -> None:
        self.show_batch(self.history.shown + delta)

    def paint(self, batch: Batch, rows: range) -> None:
        """Show ``rows`` of ``batch`` on their cards as they stand."""
        kind = batch.request.kind
        prefix = "unprompted · " if kind == "surprise" else ""  # a compare card names just its model
        for i in rows:
            item = batch.items[i]
            self.list.cards[i].show_item(item, prefix + item.display)

    def paint_update(self, batch: Batch, update: Update) -> None:
        """Paint what an event changed in the batch on screen: now when urgent, else at the next tick."""
        if update.urgent:
            self.paint(batch, update.rows)
        else:
            self._dirty.update(update.rows)
            if not self._repaint.isActive():
                self._repaint.start()
        self.ghost.refresh()

    def _flush_paint(self) -> None:
        """Tokens arrive faster than anyone reads: repaint at most every :data:`PAINT_MS`."""
        rows, self._dirty = sorted(self._dirty), set()
        batch = self.history.current()
        if batch is not None and rows:
            for i in rows:
                if i < len(batch.items) and i < len(self.list.cards):
                    self.paint(batch, range(i, i + 1))

    def _update_nav(self) -> None:
        count, shown, batch = len(self.history.batches), self.history.shown, self.history.current()
        self.prev_button.setEnabled(shown > 0)
        self.next_button.setEnabled(0 <= shown < count - 1)
        self.keys.enable(shown, count, len(batch.items) if batch is not None else 0)
        self.batch_label.setText(f"Batch {shown + 1} of {count} · seed {batch.seed}" if batch is not None else "")
        self.reroll_button.setEnabled(self.window_.current_draft_id is not None)

    def set_badge(self, row: int, text: str, tooltip: str = "", request_id: int | None = None) -> None:
        """Mark card ``row`` of batch ``request_id`` (default: the one shown), e.g. "copied 92%"."""
        shown = self.history.current()
        if request_id is None:
            if shown is None:
                return
            request_id = shown.request_id
        self.history.badges[(request_id, row)] = (text, tooltip)
        if shown is not None and shown.request_id == request_id:
            self.list.set_badge(row, text, tooltip)
            self.ghost.refresh()

    def badge_of(self, request_id: int, row: int) -> str:
        """The badge card ``row`` of batch ``request_id`` carries ("" when none)."""
        return self.history.badge(request_id, row)[0]

    def texts(self) -> list[str]:
        """The shown batch's suggestions as they stand."""
        batch = self.history.current()
        return [item.text for item in batch.items] if batch is not None else []

    def showing(self) -> bool:
        """A suggestion is on screen to accept."""
        batch = self.history.current()
        return batch is not None and any(item.text.strip() for item in batch.items[:1])


def install_suggestions(window: MainWindow, engine_for: EngineFor = default_engine_for) -> SuggestionsPanel:
    """Add the Suggestions dock and provenance tracking to ``window`` (one line in MainWindow)."""
    provenance = ProvenanceView(window)
    panel = SuggestionsPanel(window, provenance, engine_for)
    holder = QScrollArea(window)  # a narrow dock scrolls rather than squeezing the controls
    holder.setObjectName("suggestionsScroll")
    holder.setWidgetResizable(True)
    holder.setFrameShape(QScrollArea.Shape.NoFrame)
    holder.setWidget(panel)
    panel.dock = window.add_side_panel(holder, "Suggestions")
    window.settingsChanged.connect(panel.settings_reactions.follow)
    return panel
