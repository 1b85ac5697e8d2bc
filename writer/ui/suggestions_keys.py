"""The Suggestions panel's keys and its entries in the Edit menu.

Each key is an action on the window, so it works wherever the focus is (the editor, the drafts
list); the Edit menu lists the main ones and a Suggestion Model submenu (Ctrl+Alt+1…9).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence

from writer.ui.suggestions_requests import MAX_ROWS

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel

MODEL_KEYS = 9  # Ctrl+Alt+1…9 pick the first nine usable models


class SuggestionKeys:
    """The actions behind the panel's shortcuts, added to its window."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        self.window = window = panel.window_
        self.suggest = self._add("&Suggest", ["Ctrl+Space"], panel.suggest)
        self.reroll = self._add("&Reroll Suggestions", ["Ctrl+R"], panel.reroll)
        self.earlier = self._add("Earlier Suggestions", ["Alt+Left"], lambda: panel.step_batch(-1))
        self.later = self._add("Later Suggestions", ["Alt+Right"], lambda: panel.step_batch(1))
        self.surprise = self._add("Surprise &Me", ["Ctrl+Shift+S"], panel.surprise)
        self.compare = self._add("&Compare Models", ["Ctrl+Shift+C"], panel.compare_button.toggle)
        self.compare.setCheckable(True)
        panel.compare_button.toggled.connect(self.compare.setChecked)
        self.shading = self._add("S&hade Suggestions by Probability", ["Ctrl+Shift+T"], panel.shading_button.toggle)
        self.shading.setCheckable(True)
        self.shading.setChecked(panel.shading_button.isChecked())
        panel.shading_button.toggled.connect(self.shading.setChecked)
        self.accept = [self._add(f"Insert Suggestion {i + 1}", [f"Alt+{i + 1}"], partial(panel.accept, i))
                       for i in range(MAX_ROWS)]
        # Ctrl+1 and Ctrl+2 already go to the drafts list and the editor
        self.ghost_next = self._add("Next Inline Suggestion", ["Alt+]"], lambda: panel.ghost.cycle(1))
        self.ghost_prev = self._add("Previous Inline Suggestion", ["Alt+["], lambda: panel.ghost.cycle(-1))
        self.models = [self._add(f"Model {i + 1}", [f"Ctrl+Alt+{i + 1}"], partial(panel.pick_model, i))
                       for i in range(MODEL_KEYS)]
        menu = window.menus["edit"]
        menu.addSeparator()
        for action in (self.suggest, self.reroll, self.surprise, self.compare, self.shading):
            menu.addAction(action)
        self.models_menu = menu.addMenu("Suggestion M&odel")
        for action in self.models:
            self.models_menu.addAction(action)

    def _add(self, text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
        action = QAction(text, self.window)
        action.setShortcuts([QKeySequence(k) for k in keys])
        if keys:
            action.setToolTip(f"{text.replace('&', '')} ({QKeySequence(keys[0]).toString()})")
        action.triggered.connect(lambda *_: slot())
        self.window.addAction(action)
        return action

    def enable(self, shown: int, count: int, rows: int) -> None:
        """Enable the keys that do something with batch ``shown`` of ``count`` (``rows`` cards) on screen."""
        self.earlier.setEnabled(shown > 0)
        self.later.setEnabled(0 <= shown < count - 1)
        for i, action in enumerate(self.accept):
            action.setEnabled(i < rows)
