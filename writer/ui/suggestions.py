"""The Suggestions side panel: continuations from the style models, streamed as they are written.

Generation runs on the window's :class:`~writer.ui.workers.Worker` (channel ``suggestions``);
every token arrives as a queued progress event tagged with its request id, and anything from a
request that is no longer the newest is dropped, so typing on never shows stale text. Typing
also sets the running request's cancel event, so the model stops at the next token.

For other features (the copy check):

* ``suggestionsFinished(request_id, texts)`` — a batch is complete; ``texts`` in card order
  (again with the batch's id when one card was rewritten from a word: the token view).
* :meth:`SuggestionsPanel.set_badge` ``(row, text, tooltip, request_id=None)`` — mark a card;
  the badge stays with its batch when the writer pages through earlier batches.
* ``suggestionAccepted(text, model, seed)`` — text went into the draft.

The job's typed events are applied by the Qt-free :class:`~writer.generation.batches.Batch`;
the panel paints what they changed. The token view (:mod:`writer.ui.suggestions_tokens`) shows
what the pack weighed at each word of a finished card; :meth:`SuggestionsPanel.regenerate_from`
rewrites a card from a chosen alternative.

Each draft has a memory note (the field under the controls), stored with the draft
(``Store.set_memory``) and placed before the text in every prompt; it is never published.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.generation.batches import Batch
from writer.generation.packs import Pack
from writer.generation.polish import Polish
from writer.generation.requests import (
    Column,
    EngineFor,
    Event,
    Generating,
    Loading,
    Request,
    Step,
    default_engine_for,
    run_request,
)
from writer.ui.provenance import ProvenanceView
from writer.ui.suggestions_cards import SuggestionList
from writer.ui.suggestions_controls import AdvancedDrawer, ModelPicker
from writer.ui.suggestions_ghost import GhostText
from writer.ui.theme import Palette

CHANNEL = "suggestions"
MIN_TEXT_WIDTH = 460  # what compare mode leaves the editor, in pixels
PREFILL_CHANNEL = "suggestions-prefill"
PREFILL_MS = 200  # a pause between words: long enough not to run on every keystroke
PROMPT_CHARS = 6000  # the models see at most 512 tokens; this is comfortably more text than that
MAX_ROWS = 8
MODEL_KEYS = 9  # Ctrl+Alt+1…9 pick the first nine usable models
TOKEN_ALTERNATIVES = 5  # what the token view lists when a word is hovered
PAINT_MS = 33  # after the first text of a batch, which is painted at once
MEMORY_SAVE_MS = 600
MEMORY_HINT = "Memory note: characters, setting, tone… Suggestions read it first; it is never published."
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
_SEPARATORS = {"\u2029", "\u2028", "\n", " ", "\t"}


@dataclass
class Accepted:
    """What an accept replaced, so undoing it brings the batch back with the same cards."""

    doc: QTextDocument
    undo_steps: int  # the document's undo steps just after the accept
    position: int  # where the text went
    batches: list[Batch]
    shown: int
    badges: dict[tuple[int, int], tuple[str, str]]
    undone: bool = False


def _discover() -> list[Pack]:
    from writer.generation.packs import discover

    return discover()


class SuggestionsPanel(QWidget):
    """The dock's contents and the logic behind them (one per main window)."""

    suggestionsStarted = Signal(int)  # request id
    streamed = Signal(int, int, int)  # request id, column, step
    suggestionsFinished = Signal(int, list)  # request id, texts
    suggestionAccepted = Signal(str, str, int)  # text, model, seed
    packsLoaded = Signal()

    def __init__(self, window: QMainWindow, provenance: ProvenanceView,
                 engine_for: EngineFor = default_engine_for) -> None:
        super().__init__(window)
        self.setObjectName("suggestionsPanel")
        self.window_ = window
        self.editor = window.editor  # type: ignore[attr-defined]
        self.settings = window.settings  # type: ignore[attr-defined]
        self.worker = window.worker  # type: ignore[attr-defined]
        self.provenance = provenance
        self.engine_for = engine_for
        self.batches: list[Batch] = []
        self.shown = -1  # index into batches
        self.running: tuple[int, threading.Event] | None = None
        self._badges: dict[tuple[int, int], tuple[str, str]] = {}
        self._anchor: tuple[QTextDocument, int] | None = None
        self._accepting = False
        self._accepted: Accepted | None = None
        self._dock_width: int | None = None  # the dock's width before compare mode widened it
        self._cancels: list[threading.Event] = []
        self.dock: QDockWidget | None = None

        self._build()
        self.ghost = GhostText(self)
        self._build_actions()
        self._dirty: set[int] = set()
        self._repaint = QTimer(self, singleShot=True, interval=PAINT_MS)
        self._repaint.timeout.connect(self._flush_paint)
        self._pause = QTimer(self, singleShot=True)
        self._pause.timeout.connect(self._on_pause)
        self._prefill_timer = QTimer(self, singleShot=True, interval=PREFILL_MS)
        self._prefill_timer.timeout.connect(self._prefill)
        self._prefill_cancel: threading.Event | None = None
        self._memory_draft: int | None = None  # the draft the note field holds
        self._memory_dirty = False  # edited since last saved
        self._memory_save = QTimer(self, singleShot=True, interval=MEMORY_SAVE_MS)
        self._memory_save.timeout.connect(self.save_memory)
        self.memory.textChanged.connect(self._on_memory_edited)

        self.worker.progressed.connect(self._on_progress)
        self.worker.finished.connect(self._on_finished)
        self.worker.failed.connect(self._on_failed)
        window.draftEdited.connect(self._on_text_changed)  # type: ignore[attr-defined]
        self.editor.cursorPositionChanged.connect(self._on_cursor_moved)
        self.editor.installEventFilter(self)
        self.editor.escapePressed.connect(self.dismiss)
        window.installEventFilter(self)
        window.draftOpened.connect(self._on_draft_opened)  # type: ignore[attr-defined]
        cancels = self._cancels
        self.destroyed.connect(lambda *_: [event.set() for event in cancels])
        self.show_idle()
        self.reload_packs()

    # -- construction ----------------------------------------------------------------------
    def _style(self, palette: Palette) -> None:
        self.setStyleSheet(PANEL_QSS.replace("@error", palette.error.name()))

    def _build(self) -> None:
        self._style(self.window_.palette_)  # type: ignore[attr-defined]
        self.window_.themeChanged.connect(self._style)  # type: ignore[attr-defined]
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(8)
        top = QHBoxLayout()
        top.setSpacing(6)
        self.picker = ModelPicker(self)
        self.picker.currentIndexChanged.connect(self._on_model_changed)
        self.compare_button = QToolButton(self)
        self.compare_button.setObjectName("compareButton")
        self.compare_button.setText("Compare")
        self.compare_button.setCheckable(True)
        self.compare_button.setToolTip("Ask every model at once, one column each")
        self.compare_button.toggled.connect(self._on_compare_toggled)
        self.surprise_button = QToolButton(self)
        self.surprise_button.setObjectName("surpriseButton")
        self.surprise_button.setText("Surprise me")
        self.surprise_button.setToolTip("Text from the model with no prompt at all")
        self.surprise_button.clicked.connect(self.surprise)
        self.shading_button = QToolButton(self)
        self.shading_button.setObjectName("shadingButton")
        self.shading_button.setText("Shade")
        self.shading_button.setCheckable(True)
        self.shading_button.setChecked(bool(self.settings.get("suggest.token_shading")))
        self.shading_button.setToolTip("Shade each word by how unlikely the model thought it (Ctrl+Shift+T); "
                                       "hover a word for its alternatives")
        self.shading_button.toggled.connect(self._on_shading_toggled)
        top.addWidget(self.compare_button)
        top.addWidget(self.surprise_button)
        top.addWidget(self.shading_button)
        top.addStretch(1)
        self.comparing = QLabel("Every model, side by side", self)  # in the picker's place while comparing
        self.comparing.setObjectName("comparingLabel")
        self.comparing.hide()
        layout.addWidget(self.picker)
        layout.addWidget(self.comparing)
        layout.addLayout(top)
        self.drawer = AdvancedDrawer(self.settings, self)
        layout.addWidget(self.drawer)
        self.memory = QPlainTextEdit(self)
        self.memory.setObjectName("memoryNote")
        self.memory.setPlaceholderText(MEMORY_HINT)
        self.memory.setToolTip(MEMORY_HINT)
        self.memory.setTabChangesFocus(True)
        self.memory.setFixedHeight(self.memory.fontMetrics().lineSpacing() * 3 + 14)
        self.memory.setEnabled(False)
        layout.addWidget(self.memory)

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
        layout.addLayout(state)

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
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(holder)
        layout.addWidget(self.scroll, 1)

        nav = QHBoxLayout()
        nav.setSpacing(4)
        self.prev_button = QToolButton(self)
        self.prev_button.setText("←")
        self.prev_button.setToolTip("Earlier batch (Alt+Left)")
        self.prev_button.clicked.connect(lambda: self.step_batch(-1))
        self.next_button = QToolButton(self)
        self.next_button.setText("→")
        self.next_button.setToolTip("Later batch (Alt+Right)")
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
        layout.addWidget(self.batch_label)
        layout.addLayout(nav)

    def _add_action(self, text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window_)
        action.setShortcuts([QKeySequence(k) for k in keys])
        if keys:
            action.setToolTip(f"{text.replace('&', '')} ({QKeySequence(keys[0]).toString()})")
        action.triggered.connect(lambda *_: slot())
        self.window_.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.suggest_action = self._add_action("&Suggest", ["Ctrl+Space"], self.suggest)
        self.reroll_action = self._add_action("&Reroll Suggestions", ["Ctrl+R"], self.reroll)
        self.prev_action = self._add_action("Earlier Suggestions", ["Alt+Left"], lambda: self.step_batch(-1))
        self.next_action = self._add_action("Later Suggestions", ["Alt+Right"], lambda: self.step_batch(1))
        self.surprise_action = self._add_action("Surprise &Me", ["Ctrl+Shift+S"], self.surprise)
        self.compare_action = self._add_action("&Compare Models", ["Ctrl+Shift+C"], self.compare_button.toggle)
        self.compare_action.setCheckable(True)
        self.compare_button.toggled.connect(self.compare_action.setChecked)
        self.shading_action = self._add_action("S&hade Suggestions by Probability", ["Ctrl+Shift+T"],
                                               self.shading_button.toggle)
        self.shading_action.setCheckable(True)
        self.shading_action.setChecked(self.shading_button.isChecked())
        self.shading_button.toggled.connect(self.shading_action.setChecked)
        self.accept_actions = [self._add_action(f"Insert Suggestion {i + 1}", [f"Alt+{i + 1}"],
                                                lambda i=i: self.accept(i)) for i in range(MAX_ROWS)]
        # Ctrl+1 and Ctrl+2 already go to the drafts list and the editor
        self.ghost_next_action = self._add_action("Next Inline Suggestion", ["Alt+]"], lambda: self.ghost.cycle(1))
        self.ghost_prev_action = self._add_action("Previous Inline Suggestion", ["Alt+["],
                                                  lambda: self.ghost.cycle(-1))
        self.model_actions = [self._add_action(f"Model {i + 1}", [f"Ctrl+Alt+{i + 1}"], lambda i=i: self.pick_model(i))
                              for i in range(MODEL_KEYS)]
        menu = self.window_.menus["edit"]  # type: ignore[attr-defined]
        menu.addSeparator()
        for action in (self.suggest_action, self.reroll_action, self.surprise_action, self.compare_action,
                       self.shading_action):
            menu.addAction(action)
        self.models_menu = menu.addMenu("Suggestion M&odel")
        for action in self.model_actions:
            self.models_menu.addAction(action)
        self._label_model_actions()

    # -- packs and settings ----------------------------------------------------------------
    def reload_packs(self) -> None:
        """List the packs off the GUI thread (checking them reads every tokenizer)."""
        self.picker.setEnabled(False)
        self.set_state("Looking for models…", busy=True)
        self.worker.submit(_discover, channel="suggestions-packs", on_result=self._packs_found,
                           on_error=lambda exc: self.set_state(f"Could not list the models: {exc}", error=True))

    def _packs_found(self, packs: list[Pack]) -> None:
        self.picker.setEnabled(True)
        self.picker.set_packs(packs, str(self.settings.get("suggest.default_model")))
        self._label_model_actions()
        if not self.picker.available():
            reasons = "; ".join(f"{p.name}: {p.reason}" for p in packs) or "none are installed"
            self.set_state(f"No model can be used ({reasons}).", error=True)
        else:
            self.set_state("")
        self.packsLoaded.emit()

    def follow_setting(self, key: str) -> None:
        """A default model chosen elsewhere (Preferences, the Models window) is picked here too."""
        if key == "suggest.default_model" and self.current_model() != self.settings.get(key):
            self.reload_packs()
        elif key == "suggest.token_shading":
            self.shading_button.setChecked(bool(self.settings.get(key)))

    def _label_model_actions(self) -> None:
        usable = self.picker.available()
        current = self.picker.current_pack()
        for i, action in enumerate(self.model_actions):
            pack = usable[i] if i < len(usable) else None
            action.setText(pack.display_name.replace("&", "&&") if pack else f"Model {i + 1}")
            action.setVisible(pack is not None)
            action.setEnabled(pack is not None)
            action.setCheckable(True)
            action.setChecked(pack is not None and current is not None and pack.name == current.name)

    def pick_model(self, i: int) -> bool:
        """Ctrl+Alt+1…9: the ``i``-th usable model writes the suggestions from now on."""
        usable = self.picker.available()
        if not 0 <= i < len(usable):
            return False
        self.picker.setCurrentIndex(self.picker.packs.index(usable[i]))
        return True

    def current_model(self) -> str | None:
        """The chosen pack's name (the copy check checks suggestions against its books)."""
        pack = self.picker.current_pack()
        return pack.name if pack is not None else None

    def _on_model_changed(self, _index: int) -> None:
        pack = self.picker.current_pack()
        self.drawer.show_pack(pack)
        if pack is not None and pack.name != self.settings.get("suggest.default_model"):
            self.settings.set("suggest.default_model", pack.name)
        self._label_model_actions()
        if self.compare_button.isChecked() or not (self.batches or self.running):
            return
        # cards labelled with the old model would be a lie: the new one writes the same kind of batch
        if self._anchor is not None and self.editor.textCursor().position() == self._anchor[1]:
            self._request(self._shown_kind())
        else:
            self.dismiss()

    def _shown_kind(self) -> str:
        """What made the batch on screen (a reroll or another model repeats it)."""
        if self.shown >= 0 and self.batches[self.shown].request.kind == "surprise":
            return "surprise"
        return "compare" if self.compare_button.isChecked() else "suggest"

    def _on_compare_toggled(self, on: bool) -> None:
        self.list.set_columns(on)
        self.picker.setVisible(not on)  # every model answers in compare mode, not the one picked
        self.comparing.setVisible(on)
        dock = self.dock
        if on and dock is not None:  # a column per model, but the text keeps a readable width
            room = self.window_.width() - self.editor.mapTo(self.window_, QPoint(0, 0)).x() - MIN_TEXT_WIDTH
            width = max(dock.width(), min(240 * max(1, len(self.picker.available())), room))
            if width != dock.width():
                self._dock_width = dock.width()
                self.window_.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        elif dock is not None and self._dock_width is not None:  # give the editor its room back
            self.window_.resizeDocks([dock], [self._dock_width], Qt.Orientation.Horizontal)
            self._dock_width = None
        if self.batches or self.running:
            self.suggest()

    def _on_shading_toggled(self, on: bool) -> None:
        self.list.set_shading(on)
        if bool(self.settings.get("suggest.token_shading")) != on:
            self.settings.set("suggest.token_shading", on)
            try:
                self.settings.save()  # a view choice survives a crash too, as the drafts' sort order does
            except OSError as exc:
                self.set_state(f"Could not save settings: {exc}", error=True)

    # -- triggering ------------------------------------------------------------------------
    def _prompt(self) -> tuple[str, int] | None:
        if self.window_.current_draft_id is None or self.editor.isReadOnly():  # type: ignore[attr-defined]
            return None
        cursor = self.editor.textCursor()
        position = cursor.position()
        cursor.setPosition(max(0, position - PROMPT_CHARS))
        cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n"), position

    def at_continuation_point(self) -> bool:
        """The cursor ends a word or a non-empty line: a natural place to continue from."""
        cursor = self.editor.textCursor()
        if cursor.hasSelection():
            return False
        doc = self.editor.document()
        position = cursor.position()
        before = doc.characterAt(position - 1) if position > 0 else ""
        after = doc.characterAt(position)
        if cursor.atBlockEnd():
            return bool(cursor.block().text().strip())
        return bool(before) and before not in _SEPARATORS and after in _SEPARATORS

    def suggest(self) -> int | None:
        """Ctrl+Space: a fresh batch for the text before the cursor (every model in compare mode)."""
        return self._request("compare" if self.compare_button.isChecked() else "suggest")

    def reroll(self) -> int | None:
        """Ctrl+R: another batch of the same kind (after *Surprise me*, another surprise) with a new
        seed; earlier batches stay reachable."""
        return self._request(self._shown_kind(), keep_history=True)

    def surprise(self) -> int | None:
        """Text from nothing: the model's unconditional samples."""
        return self._request("surprise")

    def _request(self, kind: str, *, keep_history: bool = False) -> int | None:
        self._reveal()
        prompt = self._prompt()
        if prompt is None:
            self.set_state("Open a draft to get suggestions.")
            return None
        text, position = prompt
        pack = self.picker.current_pack()
        if kind == "compare":
            columns = tuple(Column(p, self.drawer.settings_for(p)) for p in self.picker.available())
            n = 1
        else:
            columns = (Column(pack, self.drawer.settings_for(pack)),) if pack is not None else ()
            n = int(self.settings.get("suggest.n"))
        if not columns:
            self.set_state("No model can be used: choose another, or add one with `writer models add`.",
                           error=True)
            return None
        seed = self.drawer.chosen_seed()
        request = Request(kind, "" if kind == "surprise" else text, columns, min(n, MAX_ROWS),
                          seed if seed is not None else secrets.randbelow(2**31),
                          parallel=kind == "compare" and bool(self.settings.get("suggest.compare_parallel")),
                          memory="" if kind == "surprise" else self.memory_text(), polish=self.polish(),
                          alternatives=TOKEN_ALTERNATIVES)
        request_id = self._submit(request)
        self._anchor = (self.editor.document(), position)
        batch = Batch.start(request_id, request)
        if not keep_history:
            self.batches.clear()
            self._badges.clear()
        self.batches.append(batch)
        self.list.set_columns(kind == "compare")
        self.show_batch(len(self.batches) - 1)
        self.set_state("Writing suggestions…", busy=True)
        self.suggestionsStarted.emit(request_id)
        return request_id

    def _submit(self, request: Request) -> int:
        """Run ``request`` on the worker as the one running request (any other stops)."""
        self.cancel_running()
        self._stop_prefill()
        cancel = threading.Event()
        self._cancels.append(cancel)
        request_id = self.worker.submit(run_request, request, cancel, self.engine_for, channel=CHANNEL)
        self.running = (request_id, cancel)
        return request_id

    def regenerate_from(self, row: int, token: int, choice: int) -> int | None:
        """Rewrite card ``row`` from its token ``token``, with alternative ``choice`` there: one new
        continuation of the draft, the card's text up to that token and the alternative, streamed
        into the card. Returns the request id, or None when there is nothing to rewrite."""
        if self.shown < 0 or self._anchor is None:
            return None
        batch = self.batches[self.shown]
        if not 0 <= row < len(batch.items) or batch.items[row].state != "done":
            return None
        if self.running is not None:
            self.set_state("Wait for the suggestions being written, then choose a word.")
            return None
        item = batch.items[row]
        if not 0 <= token < len(item.tokens) or not 0 <= choice < len(item.tokens[token].alternatives):
            return None
        old = item.tokens[token]
        alternative = old.alternatives[choice]
        base = batch.request
        prompt = base.prompt + item.text[:old.start] + alternative.text
        request = replace(base, kind="branch", prompt=prompt, columns=(base.columns[batch.column_of(row)],), n=1,
                          parallel=False)
        request_id = self._submit(request)
        batch.branch(request_id, row, token, alternative)
        self._badges.pop((batch.request_id, row), None)  # the copy check looks at the new text when it is done
        self.list.set_badge(row, "")
        self._paint(batch, range(row, row + 1))
        self.ghost.refresh()
        self.set_state("Writing suggestions…", busy=True)
        return request_id

    def cancel_running(self) -> None:
        """Stop the model at its next token; whatever it still sends is dropped."""
        if self.running is not None:
            self.running[1].set()
            self.worker.cancel(CHANNEL)
            if self.running[1] in self._cancels:
                self._cancels.remove(self.running[1])
            self.running = None
            self.busy.hide()

    def dismiss(self) -> None:
        """Forget the suggestions (they no longer fit the text), and any accept's batch."""
        self._accepted = None
        self._clear()

    def _clear(self) -> None:
        self.ghost.reset()
        self.cancel_running()
        self.batches = []
        self._badges = {}
        self.shown = -1
        self._anchor = None
        self.show_idle()

    # -- worker events ---------------------------------------------------------------------
    def _current(self, channel: str, request_id: int) -> Batch | None:
        if channel != CHANNEL or self.running is None or self.running[0] != request_id:
            return None
        return next((b for b in self.batches if b.owns(request_id)), None)

    def _on_progress(self, channel: str, request_id: int, event: object) -> None:
        batch = self._current(channel, request_id)
        if batch is None or not isinstance(event, Event):
            return
        update = batch.apply(request_id, event)
        if isinstance(event, Loading):
            self.set_state(f"Loading {batch.request.columns[event.col].pack.display_name} (first use)…", busy=True)
        elif isinstance(event, Generating):
            self.set_state("Writing suggestions…", busy=True)
        if self.shown >= 0 and self.batches[self.shown] is batch:
            if update.urgent:
                self._paint(batch, update.rows)
            else:
                self._dirty.update(update.rows)
                if not self._repaint.isActive():
                    self._repaint.start()
            self.ghost.refresh()
        if isinstance(event, Step):
            self.streamed.emit(request_id, event.col, event.step)  # after the first text is on screen

    def _flush_paint(self) -> None:
        """Tokens arrive faster than anyone reads: repaint at most every :data:`PAINT_MS`."""
        rows, self._dirty = sorted(self._dirty), set()
        if self.shown >= 0 and rows:
            batch = self.batches[self.shown]
            for i in rows:
                if i < len(batch.items) and i < len(self.list.cards):
                    self._paint(batch, range(i, i + 1))

    def _on_finished(self, channel: str, request_id: int, completed: object) -> None:
        batch = self._current(channel, request_id)
        if batch is None:
            return
        self.running = None
        self.busy.hide()
        errors = [item.error for item in batch.items if item.state == "error"]
        if errors and len(errors) == len(batch.items):
            self.set_state(errors[0], error=True)
        elif errors:
            self.set_state(f"{len({e for e in errors})} model(s) failed; the others worked.", error=True)
        else:
            self.set_state("")
        if completed:  # a rewritten card (a branch) is checked again with its batch
            self.suggestionsFinished.emit(batch.request_id, [item.text for item in batch.items])

    def _on_failed(self, channel: str, request_id: int, exc: object) -> None:
        batch = self._current(channel, request_id)
        if batch is None:
            return
        self.running = None
        batch.error = str(exc)
        self.set_state(f"Suggestions failed: {exc}", error=True)

    # -- showing ---------------------------------------------------------------------------
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
        if not 0 <= index < len(self.batches):
            return
        self.shown = index
        self._dirty.clear()
        batch = self.batches[index]
        self.idle.hide()
        self.list.show()
        self.list.resize_to(len(batch.items))
        self.list.set_columns(batch.request.kind == "compare")
        for card in self.list.cards:
            badge = self._badges.get((batch.request_id, card.index), ("", ""))
            card.set_badge(*badge)
        self._paint(batch, range(len(batch.items)))
        self._update_nav()
        self.ghost.refresh()

    def step_batch(self, delta: int) -> None:
        self.show_batch(self.shown + delta)

    def _paint(self, batch: Batch, rows: range) -> None:
        compare = batch.request.kind == "compare"
        for i in rows:
            item = batch.items[i]
            source = item.display if compare else ("unprompted · " if batch.request.kind == "surprise" else "") + \
                item.display
            self.list.cards[i].show_item(item, source)

    def _update_nav(self) -> None:
        count = len(self.batches)
        self.prev_button.setEnabled(self.shown > 0)
        self.next_button.setEnabled(0 <= self.shown < count - 1)
        self.prev_action.setEnabled(self.shown > 0)
        self.next_action.setEnabled(0 <= self.shown < count - 1)
        if self.shown >= 0:
            batch = self.batches[self.shown]
            self.batch_label.setText(f"Batch {self.shown + 1} of {count} · seed {batch.seed}")
        else:
            self.batch_label.setText("")
        shown = len(self.batches[self.shown].items) if self.shown >= 0 else 0
        for i, action in enumerate(self.accept_actions):
            action.setEnabled(i < shown)
        self.reroll_button.setEnabled(self.window_.current_draft_id is not None)  # type: ignore[attr-defined]

    def set_badge(self, row: int, text: str, tooltip: str = "", request_id: int | None = None) -> None:
        """Mark card ``row`` of batch ``request_id`` (default: the one shown), e.g. "copied 92%"."""
        if request_id is None:
            if self.shown < 0:
                return
            request_id = self.batches[self.shown].request_id
        self._badges[(request_id, row)] = (text, tooltip)
        if self.shown >= 0 and self.batches[self.shown].request_id == request_id:
            self.list.set_badge(row, text, tooltip)
            self.ghost.refresh()

    def badge_of(self, request_id: int, row: int) -> str:
        """The badge card ``row`` of batch ``request_id`` carries ("" when none)."""
        return self._badges.get((request_id, row), ("", ""))[0]

    def texts(self) -> list[str]:
        """The shown batch's suggestions as they stand."""
        return [item.text for item in self.batches[self.shown].items] if self.shown >= 0 else []

    # -- accepting -------------------------------------------------------------------------
    def insertion(self, text: str, position: int) -> str:
        """``text`` as it goes in at ``position``: no second space after a space, none at a line start."""
        before = self.editor.document().characterAt(position - 1) if position > 0 else "\u2029"
        if before in _SEPARATORS:
            return text.lstrip(" \t") if before not in ("\u2029", "\n") else text.lstrip()
        return text

    def accept(self, index: int, *, ghost: bool = False) -> bool:
        """Insert suggestion ``index`` of the shown batch at the cursor as one undo step (``ghost``:
        what the ghost text shows of it, less what the writer already typed)."""
        ghost = ghost and self.ghost.showing()
        if self.shown < 0 or not 0 <= index < len(self.batches[self.shown].items) or \
                not (self._panel_visible() or ghost):
            return False  # never insert text the writer cannot see
        batch = self.batches[self.shown]
        item = batch.items[index]
        cursor = self.editor.textCursor()
        cursor.clearSelection()
        doc = self.editor.document()
        position = cursor.position()
        text = self.ghost.remaining() if ghost else self.insertion(item.text, position)
        if not text.strip() or self.editor.isReadOnly():
            return False
        self.cancel_running()
        self._accepting = True
        try:
            cursor.beginEditBlock()
            cursor.insertText(text)
            cursor.endEditBlock()
        finally:
            self._accepting = False
        end = cursor.position()
        self.editor.setTextCursor(cursor)
        self.provenance.record(position, end, item.model, batch.seed)
        accepted = Accepted(doc, doc.availableUndoSteps(), position, list(self.batches), self.shown, dict(self._badges))
        self.dismiss()
        self._accepted = accepted
        self.editor.setFocus()
        self.suggestionAccepted.emit(text, item.model, batch.seed)
        return True

    def showing(self) -> bool:
        """A suggestion is on screen to accept."""
        return self.shown >= 0 and any(item.text.strip() for item in self.batches[self.shown].items[:1])

    # -- watching the editor ---------------------------------------------------------------
    def _on_text_changed(self, draft_id: int) -> None:
        if self._accepting or draft_id != self.window_.current_draft_id:  # type: ignore[attr-defined]
            return
        if self._undo_or_redo_of_accept():
            return
        if self.ghost.follow_typing():  # typed what the ghost shows: it stays, shorter
            self._anchor = (self.editor.document(), self.editor.textCursor().position())
            return
        self.dismiss()
        if self._panel_visible() or self.ghost.enabled():
            self._prefill_timer.start()
        if self.settings.get("suggest.auto") and (self._panel_visible() or self.ghost.enabled()):
            self._pause.start(int(self.settings.get("suggest.auto_delay_ms")))

    def _undo_or_redo_of_accept(self) -> bool:
        """Undo of an accept brings its batch back, same cards; redo re-accepts (clears them)."""
        accepted = self._accepted
        doc = self.editor.document()
        if accepted is None or accepted.doc is not doc:
            return False
        steps = doc.availableUndoSteps()
        if not accepted.undone and steps == accepted.undo_steps - 1:
            self.cancel_running()
            self.batches, self._badges = list(accepted.batches), dict(accepted.badges)
            self._anchor = (doc, accepted.position)
            self.show_batch(accepted.shown)
            accepted.undone = True
            return True
        if accepted.undone and steps == accepted.undo_steps:
            self._clear()
            accepted.undone = False
            return True
        return False

    def _prefill(self) -> None:
        """Run the prompt through the model in the background while the writer types.

        The engine keeps the prompt's cache, so when suggestions are asked for only the last
        few tokens remain: the first token appears within ~30 ms instead of ~100-200 ms.
        """
        prompt = self._prompt()
        pack = self.picker.current_pack()
        if self.running is not None or prompt is None or pack is None or self.compare_button.isChecked():
            return
        self._stop_prefill()
        cancel = self._prefill_cancel = threading.Event()
        self._cancels.append(cancel)
        polish = self.polish()
        rows = int(self.settings.get("suggest.n")) * polish.best_of  # the row caches the request will use
        self.worker.submit(_prefill_job, self.engine_for(pack), prompt[0],
                           self.drawer.settings_for(pack).max_new_tokens, cancel, self.memory_text(), polish, rows,
                           channel=PREFILL_CHANNEL)

    def _stop_prefill(self) -> None:
        """Newer text or a real request supersedes a background prefill (it stops between chunks)."""
        if self._prefill_cancel is not None:
            self._prefill_cancel.set()
            if self._prefill_cancel in self._cancels:
                self._cancels.remove(self._prefill_cancel)
            self._prefill_cancel = None

    def _on_cursor_moved(self) -> None:
        if self._accepting or self._anchor is None:
            return
        doc, position = self._anchor
        if doc is not self.editor.document() or self.editor.textCursor().position() != position:
            self.dismiss()

    def _on_pause(self) -> None:
        if self.running is None and not self.batches and self.at_continuation_point() and \
                (self._panel_visible() or self.ghost.enabled()):
            self.suggest()

    def _panel_visible(self) -> bool:
        """Whether the writer can see the panel: not closed, not in focus mode, not behind another tab."""
        return not self.visibleRegion().isEmpty() or not self.window_.isVisible()

    def _reveal(self) -> None:
        """An explicit request (Ctrl+Space, Ctrl+R) shows the panel: suggestions never arrive unseen
        (with inline suggestions on, they arrive at the cursor)."""
        if self._panel_visible() or self.ghost.enabled():
            return
        if getattr(self.window_, "focus_mode", False):
            self.window_.toggle_focus_mode()  # type: ignore[attr-defined]  # as Ctrl+K does
        if self.dock is not None:
            self.dock.show()
            self.dock.raise_()

    def _on_draft_opened(self, draft_id: int) -> None:
        self._pause.stop()
        self.dismiss()
        self.load_memory(draft_id)

    # -- the memory note -------------------------------------------------------------------
    def polish(self) -> Polish:
        """The decoder's care for the panel's requests: all of it, names per the setting."""
        return Polish(avoid_names=bool(self.settings.get("suggest.avoid_names")))

    def memory_text(self) -> str:
        return self.memory.toPlainText() if self._memory_draft is not None else ""

    def load_memory(self, draft_id: int | None) -> None:
        """Show ``draft_id``'s note (saving the note of the draft shown before)."""
        self.save_memory()
        store = self.window_.store  # type: ignore[attr-defined]
        note = ""
        if draft_id is not None:
            try:
                note = store.get_memory(draft_id)
            except WriterError as exc:
                self.set_state(f"The memory note could not be read: {exc}", error=True)
                draft_id = None
        self._memory_draft = draft_id
        self.memory.blockSignals(True)
        self.memory.setPlainText(note)
        self.memory.blockSignals(False)
        self.memory.setEnabled(draft_id is not None)
        self.memory.setReadOnly(bool(store.read_only))

    def _on_memory_edited(self) -> None:
        if self._memory_draft is not None:
            self._memory_dirty = True
            self._memory_save.start()

    def save_memory(self) -> None:
        """Write a pending edit of the note to the store (a short write, like the draft's autosave)."""
        if not self._memory_dirty or self._memory_draft is None:
            return
        self._memory_save.stop()
        self._memory_dirty = False
        try:
            self.window_.store.set_memory(self._memory_draft, self.memory.toPlainText())  # type: ignore[attr-defined]
        except WriterError as exc:
            self.set_state(f"The memory note was not saved: {exc}", error=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.editor and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                return self._on_tab()
        elif watched is self.window_ and event.type() == QEvent.Type.Close:
            self.cancel_running()
            self.save_memory()
        return False

    def _on_tab(self) -> bool:
        """Tab accepts the first suggestion, or asks for some at the end of a word; else it is a tab.

        With ghost text at the cursor, Tab accepts it; with the panel hidden (closed, or focus mode)
        and inline suggestions off, Tab is just a tab."""
        if self.ghost.showing():
            return self.accept(self.ghost.index, ghost=True)
        if not (self._panel_visible() or self.ghost.enabled()):
            return False
        if self.showing():
            return self.accept(0)
        if self.running is not None:
            return True  # suggestions are on their way
        if self.at_continuation_point():
            return self.suggest() is not None
        return False


def _prefill_job(engine: object, text: str, max_new_tokens: int, cancel: threading.Event, memory: str = "",
                 polish: Polish | None = None, rows: int = 0) -> None:
    """Worker side of :meth:`SuggestionsPanel._prefill`: load the model if needed, warm its cache."""
    prefill = getattr(engine, "prefill_prompt", None)  # test doubles may lack it
    if prefill is None or cancel.is_set():
        return
    try:
        if not engine.loaded:  # type: ignore[attr-defined]
            engine.load()  # type: ignore[attr-defined]
        if not cancel.is_set():
            prefill(text, max_new_tokens=max_new_tokens, cancel=cancel, memory=memory, polish=polish, rows=rows)
    except WriterError:
        return  # a broken pack is reported by the request itself, not by its warm-up


def install_suggestions(window: QMainWindow, engine_for: EngineFor = default_engine_for) -> SuggestionsPanel:
    """Add the Suggestions dock and provenance tracking to ``window`` (one line in MainWindow)."""
    provenance = ProvenanceView(window)
    panel = SuggestionsPanel(window, provenance, engine_for)
    holder = QScrollArea(window)  # a narrow dock scrolls rather than squeezing the controls
    holder.setObjectName("suggestionsScroll")
    holder.setWidgetResizable(True)
    holder.setFrameShape(QScrollArea.Shape.NoFrame)
    holder.setWidget(panel)
    panel.dock = window.add_side_panel(holder, "Suggestions")  # type: ignore[attr-defined]
    window.settingsChanged.connect(panel.follow_setting)  # type: ignore[attr-defined]
    return panel

