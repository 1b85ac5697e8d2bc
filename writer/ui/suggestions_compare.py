"""Compare mode: every usable model answers at once, one column each, in a wider dock.

The dock widens for the columns but leaves the editor a readable width, and leaving compare mode
gives the editor its room back. The picker makes way for a label: no one model is chosen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel

MIN_TEXT_WIDTH = 460  # what compare mode leaves the editor, in pixels
COLUMN_WIDTH = 240  # what the dock asks for each model's column


class CompareMode:
    """Follows the Compare button (Ctrl+Shift+C): the columns, the dock's width, a fresh batch."""

    def __init__(self, panel: SuggestionsPanel) -> None:
        self.panel = panel
        self._dock_width: int | None = None  # the dock's width before compare mode widened it

    def toggled(self, on: bool) -> None:
        panel = self.panel
        panel.list.set_columns(on)
        panel.picker.setVisible(not on)  # every model answers in compare mode, not the one picked
        panel.comparing.setVisible(on)
        self._fit_dock(on)
        if panel.history.batches or panel.requests.running:
            panel.suggest()

    def _fit_dock(self, on: bool) -> None:
        window, dock = self.panel.window_, self.panel.dock
        if dock is None:
            return
        if on:  # a column per model, but the text keeps a readable width
            room = window.width() - window.editor.mapTo(window, QPoint(0, 0)).x() - MIN_TEXT_WIDTH
            width = max(dock.width(), min(COLUMN_WIDTH * max(1, len(self.panel.picker.available())), room))
            if width != dock.width():
                self._dock_width = dock.width()
                window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        elif self._dock_width is not None:  # give the editor its room back
            window.resizeDocks([dock], [self._dock_width], Qt.Orientation.Horizontal)
            self._dock_width = None
