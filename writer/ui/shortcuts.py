"""The F1 shortcut sheet, gathered from the window's actions each time it opens.

Reading the live QActions (rather than a hand-kept list) means a feature that adds a
shortcut shows up here without touching this file, and a changed key never goes stale.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

OTHER = "Other"


@dataclass(frozen=True)
class Shortcut:
    group: str
    name: str
    keys: str


def _label(action: QAction) -> str:
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").strip()


def _menu_of(window: QMainWindow) -> dict[int, str]:
    """Each action's top menu title, so the sheet reads in the same order as the menus."""
    found: dict[int, str] = {}

    def walk(menu: QMenu, title: str) -> None:
        for action in menu.actions():
            found.setdefault(id(action), title)
            if action.menu() is not None:
                walk(action.menu(), title)

    for top in window.menuBar().actions():
        if top.menu() is not None:
            walk(top.menu(), _label(top))
    return found


def gather(window: QMainWindow) -> list[Shortcut]:
    """Every action of ``window`` that has a shortcut, grouped by menu (File, Edit, … then Other)."""
    menus = _menu_of(window)
    order = list(dict.fromkeys([*menus.values(), OTHER]))
    seen: set[int] = set()
    rows: list[Shortcut] = []
    for action in [*window.actions(), *window.findChildren(QAction)]:
        if id(action) in seen or not action.shortcuts() or not action.text():
            continue
        seen.add(id(action))
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        rows.append(Shortcut(menus.get(id(action), OTHER), _label(action), keys))
    rows.sort(key=lambda s: order.index(s.group))
    return rows


class ShortcutsDialog(QDialog):
    """A searchable table: what, which keys, and where in the menus."""

    def __init__(self, parent: QWidget | None, shortcuts: list[Shortcut]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.setObjectName("shortcutsDialog")
        self.shortcuts = shortcuts
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter: type an action or a key")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(len(shortcuts), 3, self)
        self.table.setObjectName("shortcutsTable")
        self.table.setHorizontalHeaderLabels(["Action", "Keys", "Menu"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, shortcut in enumerate(shortcuts):
            for col, text in enumerate((shortcut.name, shortcut.keys, shortcut.group)):
                item = QTableWidgetItem(text)
                if col == 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, col, item)
        note = QLabel("In the editor, Tab also inserts the first suggestion; Esc leaves search and focus mode.",
                      self)
        note.setWordWrap(True)
        note.setObjectName("hint")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(560, 620)
        self.filter.setFocus(Qt.FocusReason.PopupFocusReason)

    def visible_rows(self) -> list[Shortcut]:
        return [s for row, s in enumerate(self.shortcuts) if not self.table.isRowHidden(row)]

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row, shortcut in enumerate(self.shortcuts):
            hay = f"{shortcut.name} {shortcut.keys} {shortcut.group}".lower()
            self.table.setRowHidden(row, bool(needle) and needle not in hay)


def show_shortcuts(window: QMainWindow) -> ShortcutsDialog:
    """F1: a fresh sheet each time (features may have added actions since)."""
    dialog = ShortcutsDialog(window, gather(window))
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
