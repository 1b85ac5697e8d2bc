"""The tag field above the text: the open draft's tags, with completion from every tag in use.

Tags travel with the draft: front matter on export and every publishing target. The field saves
when it loses focus or on Enter (a typed-in tag is kept even if the window closes right after),
completes the word being typed from the tags other drafts use, and takes the most used spelling
of a tag typed in another case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QHBoxLayout, QLabel, QLineEdit, QWidget

from writer.errors import WriterError
from writer.store import DraftNotFound
from writer.store.store import normalize_tags

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow


def parse(text: str) -> list[str]:
    """``"travel, food ,  sea"`` → ``["travel", "food", "sea"]`` (case-insensitive duplicates dropped)."""
    return list(normalize_tags(part for part in text.split(",")))


class _LastTagCompleter(QCompleter):
    """Completes the tag after the last comma, keeping the ones before it."""

    def pathFromIndex(self, index: Any) -> str:
        field = self.widget()
        before = field.text().rsplit(",", 1)[0] + ", " if isinstance(field, QLineEdit) and "," in field.text() else ""
        return before + str(index.data())

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]


class TagBar(QWidget):
    """"Tags: travel, food" for the open draft; emits :attr:`tagsSaved` with the draft id."""

    tagsSaved = Signal(int)

    def __init__(self, parent: QWidget, window: MainWindow) -> None:
        super().__init__(parent)
        self.main_window = window
        self.setObjectName("tagBar")
        self.draft_id: int | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(36, 6, 36, 0)
        label = QLabel("Tags", self)
        label.setObjectName("hint")
        self.field = QLineEdit(self)
        self.field.setObjectName("tagField")
        self.field.setPlaceholderText("Add tags, separated by commas (they go with the post)")
        self.field.setFrame(False)
        self.field.setClearButtonEnabled(True)
        label.setBuddy(self.field)
        self.model = QStringListModel(self)
        self.completer = _LastTagCompleter(self.model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.field.setCompleter(self.completer)
        self.field.editingFinished.connect(self.save)
        layout.addWidget(label)
        layout.addWidget(self.field, 1)

    def load(self, draft_id: int | None) -> None:
        """Show ``draft_id``'s tags (saving what was typed for the draft being left)."""
        if self.draft_id is not None and draft_id != self.draft_id:
            self.save()
        self.draft_id = draft_id
        try:
            tags = self.main_window.store.get_draft(draft_id).tags if draft_id is not None else ()
            self.model.setStringList([tag for tag, _ in self.main_window.store.tags()])
        except WriterError:
            tags = ()
        self.field.setText(", ".join(tags))
        self.field.setEnabled(draft_id is not None and not self.main_window.store.read_only)

    def save(self) -> None:
        """Store the typed tags if they changed (the most used spelling wins for known tags)."""
        if self.draft_id is None or self.main_window.store.read_only:
            return
        known = {tag.casefold(): tag for tag in self.model.stringList()}
        tags = [known.get(tag.casefold(), tag) for tag in parse(self.field.text())]
        try:
            draft = self.main_window.store.get_draft(self.draft_id)
            if list(draft.tags) == tags:
                return
            self.main_window.store.save_draft(self.draft_id, tags=tags)
        except DraftNotFound:
            return  # deleted meanwhile: nothing to tag
        except WriterError as exc:
            self.main_window.statusBar().showMessage(f"Tags not saved: {exc}", 10000)
            return
        self.field.setText(", ".join(tags))
        self.model.setStringList([tag for tag, _ in self.main_window.store.tags()])
        self.tagsSaved.emit(self.draft_id)
