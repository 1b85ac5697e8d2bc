"""Where the writer was: the open draft, cursor, selection, scroll, focus and compare mode, and
the panels' tabs and widths, back after a quit, a crash or a relaunch.

Kept in the window's layout file (``window.ini`` in the data folder, beside the geometry)
and written continuously, at most every :data:`SAVE_EVERY_MS` while anything changes, so a
kill -9 loses at most that much of it; the text itself is the autosave's (one second). A
write is a few hundred bytes, and none happens while nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QAbstractButton, QDockWidget

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

SAVE_EVERY_MS = 300
GROUP = "session"


class Session(QObject):
    """Saves the window's place as it changes and puts it back on the next start."""

    def __init__(self, window: MainWindow, stored: QSettings) -> None:
        super().__init__(window)
        self.window = window
        self.stored = stored
        self._last: dict[str, Any] = {}
        self._pending_compare: bool | None = self._bool("compare")  # applied once the panel is in
        self._compare: QAbstractButton | None = None  # the Suggestions panel's Compare button, once in
        self._wanted_scroll: int | None = None  # the scroll position to restore once on screen
        self._stopped = False
        self._timer = QTimer(self, singleShot=True, interval=SAVE_EVERY_MS)
        self._timer.timeout.connect(self.save)
        editor = window.editor
        editor.cursorPositionChanged.connect(self.changed)
        editor.selectionChanged.connect(self.changed)
        editor.verticalScrollBar().valueChanged.connect(self.changed)
        window.draftOpened.connect(self.changed)
        window.focusModeChanged.connect(self.changed)

    def value(self, key: str, default: Any = None) -> Any:
        return self.stored.value(f"{GROUP}/{key}", default)

    def _int(self, key: str) -> int:
        try:
            return int(self.value(key, 0))
        except (TypeError, ValueError):
            return 0

    def _bool(self, key: str) -> bool:
        return str(self.value(key, "false")).lower() in ("true", "1")

    # -- watching --------------------------------------------------------------------------
    def watch_dock(self, dock: QDockWidget) -> None:
        """A side panel: its tab coming to the front or its width changing is saved too."""
        dock.visibilityChanged.connect(self.changed)
        dock.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.changed()
        return False

    def changed(self) -> None:
        """Something the session holds moved: save soon (not restarted by further changes, so
        typing without pause is still saved every :data:`SAVE_EVERY_MS`)."""
        if not self._stopped and not self._timer.isActive():
            self._timer.start()

    def stop(self) -> None:
        """Closing: save now, and nothing after (leaving focus mode to close is no change)."""
        self.save()
        self._stopped = True
        self._timer.stop()

    # -- saving ----------------------------------------------------------------------------
    def save(self) -> None:
        if self._stopped:
            return
        window = self.window
        cursor = window.editor.textCursor()
        compare = self._compare
        values: dict[str, Any] = {
            "draft": window.current_draft_id or 0,
            "position": cursor.position() if window.current_draft_id is not None else 0,
            "anchor": cursor.anchor() if window.current_draft_id is not None else 0,
            "scroll": window.editor.verticalScrollBar().value(),
            "focus": window.focus_mode,
            "compare": self._pending_compare if self._pending_compare is not None
            else bool(compare is not None and compare.isChecked()),
        }
        layout: dict[str, QByteArray] = {}
        if not window.focus_mode and not window.isFullScreen():  # focus mode hides what is saved here
            layout = {"state": window.saveState(), "splitter": window.splitter.saveState(),
                      "geometry": window.saveGeometry()}
        changed = {k: v for k, v in values.items() if self._last.get(k) != v}
        changed.update({k: v for k, v in layout.items() if self._last.get(k) != v})
        if not changed:
            return
        for key, value in changed.items():
            self.stored.setValue(key if key in layout else f"{GROUP}/{key}", value)
        self.stored.sync()
        self._last.update(changed)

    # -- restoring -------------------------------------------------------------------------
    def restore_draft(self) -> bool:
        """Open the draft that was open, with its cursor and selection; False if there is none."""
        window = self.window
        draft_id = self._int("draft")
        if not draft_id or window.model.row_of(draft_id) is None:
            return False
        window.open_draft(draft_id, cursor=self._int("anchor"))
        if window.current_draft_id != draft_id:
            return False
        end = window.editor.document().characterCount() - 1
        cursor = window.editor.textCursor()
        cursor.setPosition(min(self._int("anchor"), end))
        cursor.setPosition(min(self._int("position"), end), QTextCursor.MoveMode.KeepAnchor)
        window.editor.setTextCursor(cursor)
        self._wanted_scroll = self._int("scroll")
        return True

    def restore_view(self) -> None:
        """Once the window is on screen: focus mode and the scroll position."""
        window = self.window
        if self._bool("focus") and not window.focus_mode:
            window.toggle_focus_mode()
        scroll = self._wanted_scroll
        if scroll is not None:
            QTimer.singleShot(0, self, lambda: window.editor.verticalScrollBar().setValue(scroll))

    def restore_compare(self, button: QAbstractButton) -> None:
        """Once the suggestions panel is in, before the panels get their saved widths back
        (compare mode widens its panel): compare mode as it was, and watched from now on."""
        self._compare = button
        button.toggled.connect(self.changed)
        if self._pending_compare and not button.isChecked():
            button.setChecked(True)
        self._pending_compare = None
