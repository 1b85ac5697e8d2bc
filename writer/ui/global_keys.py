"""New and Search from every window, dialog, menu and state of the app.

One application-wide event filter, the only thing that handles these keys: Qt's own
shortcuts stop at a modal dialog and at a popup menu, and a focused line edit may claim
Ctrl+K for itself. The filter sees every key first. It tells Qt's shortcut machinery to
stand aside (by accepting the ShortcutOverride), then on the key press closes what would
hide the result (an open menu, a modal question or file dialog: Esc would do the same)
and triggers the window's action. Non-modal windows (Preferences, the outbox, stats,
About, the shortcut sheet) stay open behind the main window, their state kept.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QWidget

#: Nested modal dialogs closed at most for one key press (a guard, never reached in practice).
MAX_MODALS = 8


class GlobalKeys(QObject):
    """Routes the shortcuts of ``actions`` to them from anywhere in the application."""

    def __init__(self, window: QWidget, actions: list[QAction]) -> None:
        super().__init__(window)
        self.window = window
        self.actions = actions
        app = QApplication.instance()
        assert app is not None
        app.installEventFilter(self)

    def action_for(self, event: QKeyEvent) -> QAction | None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier  # Ctrl+N on the keypad too
        pressed = QKeySequence(QKeyCombination(modifiers, Qt.Key(event.key())))
        for action in self.actions:
            if action.isEnabled() and any(pressed == key for key in action.shortcuts()):
                return action
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) or not isinstance(event, QKeyEvent):
            return False
        if not self.window.isVisible():
            return False  # a closed window (tests make several) leaves the keys to the open one
        action = self.action_for(event)
        if action is None:
            return False
        event.accept()
        if kind == QEvent.Type.KeyPress and not event.isAutoRepeat():
            self._trigger(action)
        return True  # ShortcutOverride accepted: no QShortcut fires; the key press comes here next

    def _trigger(self, action: QAction) -> None:
        for _ in range(MAX_MODALS):
            popup = QApplication.activePopupWidget()
            modal = QApplication.activeModalWidget()
            if popup is not None:
                popup.close()
            elif modal is not None and self._blocks_window(modal):
                if isinstance(modal, QDialog):
                    modal.reject()  # Cancel: a question's safe answer, a file dialog's nothing chosen
                else:
                    modal.close()
            else:
                break
        action.trigger()

    def _blocks_window(self, modal: QWidget) -> bool:
        """Whether ``modal`` keeps the user from the main window (a dialog that is modal only to
        some other window is left open)."""
        if modal is self.window:
            return False
        if modal.windowModality() == Qt.WindowModality.ApplicationModal:
            return True
        parent = modal.parentWidget()
        while parent is not None:
            if parent.window() is self.window:
                return True
            parent = parent.window().parentWidget()
        return False
