"""Focus mode (F11): only the text and the slim toolbar, full screen, typewriter scrolling; leaving
it puts the panels, the window's size and its place back as they were."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import QDockWidget

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow


@dataclass
class _Before:
    """The window as it was when focus mode began."""

    maximized: bool
    fullscreen: bool
    geometry: QByteArray
    state: QByteArray  # the panels' widths: full screen and back would change them
    docks: list[QDockWidget] = field(default_factory=list)


class FocusMode:
    """Enters and leaves focus mode for one window, keeping what leaving it puts back."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._before: _Before | None = None

    @property
    def on(self) -> bool:
        return self._before is not None

    def toggle(self) -> None:
        window = self.window
        entering = self._before is None
        if entering:
            window.session.save()  # the panels' layout as it is now: focus mode hides them
        window.focus_action.setChecked(entering)
        if entering:
            self._enter()
        else:
            self._leave()
        window.focusModeChanged.emit(entering)

    def _enter(self) -> None:
        window = self.window
        docks = window.side_docks()
        self._before = _Before(window.isMaximized(), window.isFullScreen(), window.saveGeometry(), window.saveState(),
                               [d for d in docks if d.isVisible()])
        for widget in (window.drafts_pane, window.statusBar(), window.menuBar(), window.tag_bar, *docks):
            widget.hide()
        window.editor.set_typewriter(window.settings.get("editor.typewriter_in_focus"))
        window.showFullScreen()
        window.focus_editor()

    def _leave(self) -> None:
        window, before = self.window, self._before
        assert before is not None
        self._before = None
        for widget in (window.drafts_pane, window.tag_bar, window.statusBar(), window.menuBar(), *before.docks):
            widget.show()
        window.editor.set_typewriter(False)
        if not before.fullscreen:
            if before.maximized:
                window.showMaximized()
            else:
                window.showNormal()
                window.restoreGeometry(before.geometry)
        window.restoreState(before.state)
