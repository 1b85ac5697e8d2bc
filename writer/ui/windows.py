"""Non-modal windows of the app (History, Models, Preferences…): made once, brought forward each time."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtWidgets import QWidget

W = TypeVar("W", bound=QWidget)


def bring_forward(widget: QWidget) -> None:
    """Show ``widget`` in front of the main window, with the keyboard."""
    widget.show()
    widget.raise_()
    widget.activateWindow()


def lazy_window(make: Callable[[], W], prepare: Callable[[W], object]) -> Callable[[], W]:
    """A "show" for a window made on first use: each call prepares it (reloads what it shows) and
    brings it forward, so reopening keeps its place and size."""
    made: list[W] = []

    def show() -> W:
        if not made:
            made.append(make())
        window = made[0]
        prepare(window)
        bring_forward(window)
        return window

    return show
