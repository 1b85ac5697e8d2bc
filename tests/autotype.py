"""Type text into a new draft of the real app through real key events at a steady rate.

Used through ``tests/drive_app.py`` by the crash and session tests: the app creates a draft, then
sends one QKeyEvent per character to the focused editor exactly as a keyboard
would (the arrows ← → ↑ ↓ press the arrow keys), and prints
``autotype <draft id> <chars typed>`` after each character, so the test knows
what had been typed by when before it kills the process.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from writer.ui.main_window import MainWindow

#: In the text to type, these stand for arrow keys (the session test moves the cursor with them).
ARROWS = {"←": Qt.Key.Key_Left, "→": Qt.Key.Key_Right, "↑": Qt.Key.Key_Up, "↓": Qt.Key.Key_Down}


def key_for(char: str) -> Qt.Key:
    if char in ARROWS:
        return ARROWS[char]
    if char == "\n":
        return Qt.Key.Key_Return
    if char == " ":
        return Qt.Key.Key_Space
    code = ord(char.upper())
    return Qt.Key(code) if "A" <= char.upper() <= "Z" or "0" <= char <= "9" else Qt.Key.Key_unknown


class AutoTyper(QObject):
    """Types ``text`` into a new draft of ``window`` at ``chars_per_second``."""

    def __init__(self, window: MainWindow, text: str, *, chars_per_second: float = 40.0) -> None:
        super().__init__(window)
        self.window = window
        self.text = text
        self.typed = 0
        self.draft_id: int | None = None
        self._timer = QTimer(self, interval=max(1, round(1000 / chars_per_second)))
        self._timer.timeout.connect(self._type_one)

    def start(self) -> None:
        self.draft_id = self.window.new_draft()
        if self.draft_id is None:
            print("autotype failed: could not create a draft", flush=True)
            return
        print(f"autotype {self.draft_id} 0", flush=True)
        self._timer.start()

    def _type_one(self) -> None:
        if self.typed >= len(self.text):
            self._timer.stop()
            print(f"autotype-done {self.draft_id} {self.typed}", flush=True)
            return
        char = self.text[self.typed]
        target = self.window.editor
        modifiers = Qt.KeyboardModifier.ShiftModifier if char.isupper() else Qt.KeyboardModifier.NoModifier
        text = "\r" if char == "\n" else "" if char in ARROWS else char
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key_for(char), modifiers, text))
        self.typed += 1
        sys.stdout.write(f"autotype {self.draft_id} {self.typed}\n")
        sys.stdout.flush()
