"""The background prefill: the prompt runs through the model while the writer types.

The engine keeps the prompt's cache, so when suggestions are asked for only the last few tokens
remain: the first token appears within ~30 ms instead of ~100-200 ms. A pause between words
starts it; newer text or a real request stops it between chunks.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from writer.errors import WriterError
from writer.generation.polish import Polish
from writer.generation.requests import EngineLike
from writer.ui.suggestions_requests import polish_for

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel

PREFILL_CHANNEL = "suggestions-prefill"
PREFILL_MS = 200  # a pause between words: long enough not to run on every keystroke


class Prefill(QObject):
    """Warms the chosen model's cache for the text before the cursor, at most one job at a time."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        super().__init__(panel)
        self.panel = panel
        self.timer = QTimer(self, singleShot=True, interval=PREFILL_MS)
        self.timer.timeout.connect(self.run)
        self._cancel: threading.Event | None = None

    def run(self) -> None:
        """Start warming now (the timer's pause has passed), unless a request runs or compare mode is on."""
        panel = self.panel
        prompt = panel.requests.prompt()
        pack = panel.picker.current_pack()
        if panel.requests.running is not None or prompt is None or pack is None or panel.compare_button.isChecked():
            return
        self.stop()
        cancel = self._cancel = threading.Event()
        panel.requests.cancels.append(cancel)
        polish = polish_for(panel.settings)
        rows = int(panel.settings.get("suggest.n")) * polish.best_of  # the row caches the request will use
        panel.worker.submit(prefill_job, panel.engine_for(pack), prompt[0],
                            panel.drawer.settings_for(pack).max_new_tokens, cancel, panel.memory.prompt_text(),
                            polish, rows, channel=PREFILL_CHANNEL)

    def stop(self) -> None:
        """Newer text or a real request supersedes a background prefill (it stops between chunks)."""
        if self._cancel is not None:
            self._cancel.set()
            cancels = self.panel.requests.cancels
            if self._cancel in cancels:
                cancels.remove(self._cancel)
            self._cancel = None


def prefill_job(engine: EngineLike, text: str, max_new_tokens: int, cancel: threading.Event, memory: str = "",
                polish: Polish | None = None, rows: int = 0) -> None:
    """Worker side of :meth:`Prefill.run`: load the model if needed, warm its cache."""
    prefill = getattr(engine, "prefill_prompt", None)  # test doubles may lack it
    if prefill is None or cancel.is_set():
        return
    try:
        if not engine.loaded:
            engine.load()
        if not cancel.is_set():
            prefill(text, max_new_tokens=max_new_tokens, cancel=cancel, memory=memory, polish=polish, rows=rows)
    except WriterError:
        return  # a broken pack is reported by the request itself, not by its warm-up
