"""Asking the model for suggestions: the prompt at the cursor, the request, the one running job.

Generation runs on the window's :class:`~writer.ui.workers.Worker` (channel ``suggestions``);
every token arrives as a queued progress event tagged with its request id, and anything from a
request that is no longer the running one is dropped, so typing on never shows stale text.
Typing also sets the running request's cancel event, so the model stops at the next token.
"""

from __future__ import annotations

import secrets
import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from writer.generation.batches import Batch
from writer.generation.polish import Polish
from writer.generation.requests import Column, Event, Generating, Loading, Request, Step, run_request
from writer.settings import Settings

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel

CHANNEL = "suggestions"
PROMPT_CHARS = 6000  # the models see at most 512 tokens; this is comfortably more text than that
MAX_ROWS = 8
TOKEN_ALTERNATIVES = 5  # what the token view lists when a word is hovered
SEPARATORS = {"\u2029", "\u2028", "\n", " ", "\t"}


def prompt_at_cursor(editor: QPlainTextEdit) -> tuple[str, int]:
    """The text before the cursor (as much as a model can read) and the cursor's position."""
    cursor = editor.textCursor()
    position = cursor.position()
    cursor.setPosition(max(0, position - PROMPT_CHARS))
    cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    return cursor.selectedText().replace("\u2029", "\n").replace("\u2028", "\n"), position


def at_continuation_point(editor: QPlainTextEdit) -> bool:
    """The cursor ends a word or a non-empty line: a natural place to continue from."""
    cursor = editor.textCursor()
    if cursor.hasSelection():
        return False
    doc = editor.document()
    position = cursor.position()
    before = doc.characterAt(position - 1) if position > 0 else ""
    after = doc.characterAt(position)
    if cursor.atBlockEnd():
        return bool(cursor.block().text().strip())
    return bool(before) and before not in SEPARATORS and after in SEPARATORS


def polish_for(settings: Settings) -> Polish:
    """The decoder's care for the panel's requests: all of it, names per the setting."""
    return Polish(avoid_names=bool(settings.get("suggest.avoid_names")))


class SuggestionRequests(QObject):
    """Builds requests from the panel's controls, runs one at a time, and applies its events."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.running: tuple[int, threading.Event] | None = None
        self.cancels: list[threading.Event] = []  # set when the panel goes: jobs stop with it
        worker = panel.worker
        worker.progressed.connect(self._on_progress)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)

    def prompt(self) -> tuple[str, int] | None:
        """The prompt at the cursor, or None when no draft is open to continue."""
        window = self.panel.window_
        if window.current_draft_id is None or window.editor.isReadOnly():
            return None
        return prompt_at_cursor(window.editor)

    def shown_kind(self) -> str:
        """What made the batch on screen (a reroll or another model repeats it)."""
        batch = self.panel.history.current()
        if batch is not None and batch.request.kind == "surprise":
            return "surprise"
        return "compare" if self.panel.compare_button.isChecked() else "suggest"

    def _columns(self, kind: str) -> tuple[tuple[Column, ...], int]:
        """Who answers ``kind`` and how many each: every usable model once in compare mode."""
        panel = self.panel
        if kind == "compare":
            return tuple(Column(p, panel.drawer.settings_for(p)) for p in panel.picker.available()), 1
        pack = panel.picker.current_pack()
        columns = (Column(pack, panel.drawer.settings_for(pack)),) if pack is not None else ()
        return columns, int(panel.settings.get("suggest.n"))

    def request(self, kind: str, *, keep_history: bool = False) -> int | None:
        """Start a batch of ``kind`` (suggest, compare, surprise) for the text before the cursor."""
        panel = self.panel
        panel.reveal()
        prompt = self.prompt()
        if prompt is None:
            panel.set_state("Open a draft to get suggestions.")
            return None
        text, position = prompt
        columns, n = self._columns(kind)
        if not columns:
            panel.set_state("No model can be used: choose another, or add one with `writer models add`.",
                            error=True)
            return None
        seed = panel.drawer.chosen_seed()
        request = Request(kind, "" if kind == "surprise" else text, columns, min(n, MAX_ROWS),
                          seed if seed is not None else secrets.randbelow(2**31),
                          parallel=kind == "compare" and bool(panel.settings.get("suggest.compare_parallel")),
                          memory="" if kind == "surprise" else panel.memory.prompt_text(),
                          polish=polish_for(panel.settings), alternatives=TOKEN_ALTERNATIVES)
        request_id = self.submit(request)
        panel.anchor = (panel.editor.document(), position)
        panel.history.add(Batch.start(request_id, request), keep=keep_history)
        panel.list.set_columns(kind == "compare")
        panel.show_batch(len(panel.history.batches) - 1)
        panel.set_state("Writing suggestions…", busy=True)
        panel.suggestionsStarted.emit(request_id)
        return request_id

    def submit(self, request: Request) -> int:
        """Run ``request`` on the worker as the one running request (any other stops)."""
        self.cancel()
        self.panel.prefill.stop()
        cancel = threading.Event()
        self.cancels.append(cancel)
        request_id = self.panel.worker.submit(run_request, request, cancel, self.panel.engine_for, channel=CHANNEL)
        self.running = (request_id, cancel)
        return request_id

    def cancel(self) -> None:
        """Stop the model at its next token; whatever it still sends is dropped."""
        if self.running is not None:
            self.running[1].set()
            self.panel.worker.cancel(CHANNEL)
            if self.running[1] in self.cancels:
                self.cancels.remove(self.running[1])
            self._put_back(self.running[0])
            self.running = None
            self.panel.busy.hide()

    def _put_back(self, request_id: int) -> None:
        """A card being rewritten that will not be finished shows its old text again."""
        batch = self.panel.history.owner(request_id)
        row = batch.abandon(request_id) if batch is not None else None
        if batch is not None and row is not None and self.panel.history.current() is batch:
            self.panel.paint(batch, range(row, row + 1))

    # -- worker events ---------------------------------------------------------------------
    def _current(self, channel: str, request_id: int) -> Batch | None:
        if channel != CHANNEL or self.running is None or self.running[0] != request_id:
            return None
        return self.panel.history.owner(request_id)

    def _on_progress(self, channel: str, request_id: int, event: object) -> None:
        batch = self._current(channel, request_id)
        if batch is None or not isinstance(event, Event):
            return
        update = batch.apply(request_id, event)
        panel = self.panel
        if isinstance(event, Loading):
            panel.set_state(f"Loading {batch.request.columns[event.col].pack.display_name} (first use)…", busy=True)
        elif isinstance(event, Generating):
            panel.set_state("Writing suggestions…", busy=True)
        if panel.history.current() is batch:
            panel.paint_update(batch, update)
        if isinstance(event, Step):
            panel.streamed.emit(request_id, event.col, event.step)  # after the first text is on screen

    def _on_finished(self, channel: str, request_id: int, completed: object) -> None:
        batch = self._current(channel, request_id)
        if batch is None:
            return
        self.running = None
        panel = self.panel
        panel.busy.hide()
        errors = [item.error for item in batch.items if item.state == "error"]
        if errors and len(errors) == len(batch.items):
            panel.set_state(errors[0], error=True)
        elif errors:
            panel.set_state(f"{len(set(errors))} model(s) failed; the others worked.", error=True)
        else:
            panel.set_state("")
        if completed:  # a rewritten card (a branch) is checked again with its batch
            panel.suggestionsFinished.emit(batch.request_id, [item.text for item in batch.items])

    def _on_failed(self, channel: str, request_id: int, exc: object) -> None:
        batch = self._current(channel, request_id)
        if batch is None:
            return
        if request_id in batch.branches:
            self._put_back(request_id)
            self.running = None
            self.panel.set_state(f"The rewrite failed: {exc}", error=True)
            return
        self.running = None
        batch.error = str(exc)
        self.panel.set_state(f"Suggestions failed: {exc}", error=True)
