"""The window's size, place, panels and drafts-list width, kept in ``window.ini`` in the data folder
(Qt's own format: restoring state another Qt wrote is Qt's job, not ours)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt

from writer import paths

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

#: Width of the side panels (suggestions, copy check) on first run; the editor keeps the rest.
SIDE_PANEL_WIDTH = 360
#: The window's size on first run.
FIRST_SIZE = (1180, 760)


def layout_settings() -> QSettings:
    return QSettings(str(paths.data_dir() / "window.ini"), QSettings.Format.IniFormat)


def restore_layout(window: MainWindow) -> None:
    """Size, place and panels as the writer left them (a first-run layout when there is none)."""
    stored = layout_settings()
    geometry = stored.value("geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    else:
        window.resize(*FIRST_SIZE)
    restore_docks(window)
    splitter = stored.value("splitter")
    if isinstance(splitter, QByteArray):
        window.splitter.restoreState(splitter)


def restore_docks(window: MainWindow) -> None:
    """The side panels' places and widths; on a first run, narrower than the text (Qt would give
    them half the window)."""
    state = layout_settings().value("state")
    if isinstance(state, QByteArray):
        window.restoreState(state)
    elif docks := window.side_docks():
        window.resizeDocks([docks[0]], [SIDE_PANEL_WIDTH], Qt.Orientation.Horizontal)


def save_layout(window: MainWindow) -> None:
    stored = layout_settings()
    stored.setValue("geometry", window.saveGeometry())
    stored.setValue("state", window.saveState())
    stored.setValue("splitter", window.splitter.saveState())
    stored.sync()
