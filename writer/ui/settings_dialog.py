"""Preferences (Ctrl+,): a dialog generated from :data:`writer.settings.SETTINGS`.

Nothing here names a particular setting's widget: each declared setting gets one by its
type (bool → checkbox, int/float → spin box within its limits, choices → combo box,
text → line edit), grouped by key prefix, so a feature that appends a setting appears
here with no further work. Widgets cannot hold an invalid value, and nothing reaches
the settings file until Apply or OK.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.settings import Setting, Settings
from writer.ui.windows import bring_forward

if TYPE_CHECKING:
    from writer.publishing.publisher import Publisher
    from writer.ui.main_window import MainWindow
    from writer.ui.suggestions import SuggestionsPanel

#: Group titles by key prefix; an unknown prefix is title-cased.
GROUPS = {
    "general": "General", "editor": "Editor", "autosave": "Saving", "backups": "Saving", "drafts": "Drafts list",
    "suggest": "Suggestions", "generation": "Model", "training": "Model", "provenance": "Suggestions",
    "copycheck": "Copy check", "publishing": "Publishing", "nudges": "Publishing",
}
#: Book-keeping that is not an option (the welcome draft's "done" mark).
HIDDEN = {"welcome.created"}
INT_LIMIT = 2**31 - 1
#: Words a label keeps upper-case or spelled out, from a key's last part.
_WORDS = {"ms": "(ms)", "s": "(s)", "n": "suggestions", "url": "URL", "dir": "folder"}


def group_of(setting: Setting) -> str:
    prefix = setting.key.split(".", 1)[0] if "." in setting.key else "general"
    return GROUPS.get(prefix, prefix.replace("_", " ").title())


def label_of(setting: Setting) -> str:
    """The setting's own label, else its key's words: ``editor.font_size`` → ``Font size``."""
    if setting.label:
        return setting.label
    words = [_WORDS.get(w, w) for w in setting.key.rsplit(".", 1)[-1].split("_")]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def editable(setting: Setting) -> bool:
    """Settings with a widget here (a dict, like per-model sampler overrides, has its own UI)."""
    return setting.key not in HIDDEN and setting.type in (bool, int, float, str)


class Field:
    """One setting's widget, read and written as the setting's own type."""

    def __init__(self, setting: Setting, parent: QWidget, choices: Mapping[Any, str] | None = None) -> None:
        """``choices`` (value → label) replaces the setting's own, for lists known at run time."""
        self.setting = setting
        if choices is None and setting.choices is not None:
            choices = dict(zip(setting.choices, setting.labels or [str(c) for c in setting.choices], strict=True))
        self.widget: QWidget
        if setting.type is bool:
            self.widget = QCheckBox(label_of(setting), parent)
        elif setting.type is int:
            box = QSpinBox(parent)
            box.setRange(int(setting.minimum if setting.minimum is not None else -INT_LIMIT),
                         int(setting.maximum if setting.maximum is not None else INT_LIMIT))
            box.setAccelerated(True)
            self.widget = box
        elif setting.type is float:
            dbox = QDoubleSpinBox(parent)
            dbox.setDecimals(1)
            dbox.setRange(setting.minimum if setting.minimum is not None else -1e9,
                          setting.maximum if setting.maximum is not None else 1e9)
            self.widget = dbox
        elif choices:
            combo = QComboBox(parent)
            for choice, label in choices.items():
                combo.addItem(label, choice)
            self.widget = combo
        else:
            self.widget = QLineEdit(parent)
        self.widget.setObjectName(f"setting:{setting.key}")
        self.widget.setToolTip(setting.help)

    def value(self) -> Any:
        w = self.widget
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QSpinBox):
            return w.value()
        if isinstance(w, QDoubleSpinBox):
            return float(w.value())
        if isinstance(w, QComboBox):
            return w.currentData()
        assert isinstance(w, QLineEdit)
        return w.text().strip()

    def set_value(self, value: Any) -> None:
        w = self.widget
        if isinstance(w, QCheckBox):
            w.setChecked(bool(value))
        elif isinstance(w, QSpinBox | QDoubleSpinBox):
            w.setValue(value)
        elif isinstance(w, QComboBox):
            index = w.findData(value)
            if index < 0:  # a value no longer offered (an uninstalled pack): keep it selectable
                w.addItem(f"{value} (missing)", value)
                index = w.count() - 1
            w.setCurrentIndex(index)
        else:
            assert isinstance(w, QLineEdit)
            w.setText(str(value))


class SettingsDialog(QDialog):
    """Every editable setting, one page per group; Apply/OK save, Cancel discards."""

    #: Emitted after Apply or OK with the keys whose values changed.
    applied = Signal(list)

    def __init__(self, parent: QWidget | None, settings: Settings, *,
                 choices: dict[str, Mapping[Any, str]] | None = None,
                 publish_targets: Callable[[], object] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("settingsDialog")
        self.settings = settings
        self.fields: dict[str, Field] = {}
        self.pages = QListWidget(self)
        self.pages.setObjectName("settingsPages")
        self.pages.setFixedWidth(150)
        self.pages.setSpacing(3)  # page names packed line on line read as one block of text
        self.stack = QStackedWidget(self)
        forms: dict[str, QFormLayout] = {}
        for setting in settings.declared.values():
            if not editable(setting):
                continue
            group = group_of(setting)
            if group not in forms:
                forms[group] = self._add_page(group)
            field = Field(setting, self, (choices or {}).get(setting.key))
            self.fields[setting.key] = field
            self._add_row(forms[group], field)
        if publish_targets is not None and "Publishing" in forms:
            button = QPushButton("Publish targets…", self)
            button.setObjectName("publishTargetsButton")
            button.setToolTip("Where Publish sends drafts: a static site, WordPress or Micropub")
            button.clicked.connect(lambda: publish_targets())
            holder = QWidget(self)
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 10)
            row.addWidget(button)
            row.addStretch(1)
            forms["Publishing"].insertRow(0, "Where to publish", holder)
            self.publish_targets_button = button
        self.pages.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.pages.setCurrentRow(0)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Apply
            | QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.RestoreDefaults, self)
        self.buttons.clicked.connect(self._clicked)
        body = QHBoxLayout()
        body.addWidget(self.pages)
        body.addWidget(self.stack, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.buttons)
        self.load()
        self.resize(720, 520)

    def _add_page(self, title: str) -> QFormLayout:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setVerticalSpacing(2)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.stack.addWidget(scroll)
        self.pages.addItem(title)
        return form

    def _add_row(self, form: QFormLayout, field: Field) -> None:
        setting = field.setting
        help_label = QLabel(setting.help, field.widget.parentWidget())
        help_label.setWordWrap(True)
        help_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)  # right under its field
        help_label.setObjectName("hint")
        font = help_label.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        help_label.setFont(font)
        help_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        widget: QWidget = field.widget
        if setting.type is str and setting.key.endswith("_dir") and isinstance(widget, QLineEdit):
            widget = self._with_browse(widget)
        if isinstance(widget, QSpinBox | QDoubleSpinBox | QComboBox):
            widget.setMinimumWidth(140)
            holder = QWidget(self)
            row = QHBoxLayout(holder)
            row.setContentsMargins(0, 0, 0, 0)
            row.addWidget(widget)
            row.addStretch(1)
            widget = holder
        row_widget = QWidget(self)  # the field with its help under it: the same spacing on every row
        column = QVBoxLayout(row_widget)
        column.setContentsMargins(0, 0, 0, 10)
        column.setSpacing(3)
        column.addWidget(widget)
        column.addWidget(help_label)
        row_widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # spare height: page end
        form.addRow("" if setting.type is bool else label_of(setting), row_widget)

    def _with_browse(self, line: QLineEdit) -> QWidget:
        holder = QWidget(self)
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(line, 1)
        browse = QPushButton("Choose…", holder)

        def choose() -> None:
            folder = QFileDialog.getExistingDirectory(self, "Choose a folder", line.text())
            if folder:
                line.setText(folder)

        browse.clicked.connect(choose)
        row.addWidget(browse)
        return holder

    # -- values ------------------------------------------------------------------------------

    def load(self) -> None:
        """Show the current settings in the widgets."""
        for key, field in self.fields.items():
            field.set_value(self.settings.get(key))

    def restore_defaults(self) -> None:
        """Put every widget back to its default; saved only on Apply or OK."""
        for field in self.fields.values():
            field.set_value(field.setting.default)

    def apply(self) -> bool:
        """Save what the widgets hold; False (and nothing saved) if a value is refused."""
        changed = [key for key, field in self.fields.items() if field.value() != self.settings.get(key)]
        if not changed:
            return True
        before = {key: self.settings.get(key) for key in changed}
        try:
            for key in changed:
                self.settings.set(key, self.fields[key].value())
            self.settings.save()
        except (WriterError, OSError) as exc:
            for key, value in before.items():
                self.settings.set(key, value)
            QMessageBox.warning(self, "Settings not saved", f"Nothing was changed: {exc}")
            return False
        self.applied.emit(changed)
        return True

    def _clicked(self, button: QAbstractButton) -> None:
        role = self.buttons.standardButton(button)
        if role == QDialogButtonBox.StandardButton.Ok:
            if self.apply():
                self.accept()
        elif role == QDialogButtonBox.StandardButton.Apply:
            self.apply()
        elif role == QDialogButtonBox.StandardButton.RestoreDefaults:
            self.restore_defaults()
        else:
            self.reject()


def pack_names(suggestions: SuggestionsPanel | None) -> dict[str, str]:
    """Name → display name of the packs the Suggestions panel has listed, else of every pack
    folder, a damaged one included (it may be mended), read from the cards alone: checking
    every pack (:func:`~writer.generation.packs.discover`) is worker-thread work."""
    listed = {p.name: p.display_name for p in suggestions.picker.packs if p.available} if suggestions else {}
    if listed:
        return listed
    from writer.generation.packs import display_names

    return dict(sorted(display_names().items()))


class Preferences:
    """Edit ▸ Preferences (Ctrl+,): one non-modal dialog at a time over the window's live
    :class:`Settings`, with the packs the Suggestions panel lists and the publishing targets."""

    def __init__(self, window: MainWindow, suggestions: SuggestionsPanel | None = None,
                 publisher: Publisher | None = None) -> None:
        self.window, self.suggestions, self.publisher = window, suggestions, publisher
        self.dialog: SettingsDialog | None = None
        self.action = QAction("&Preferences…", window)
        self.action.setShortcut(QKeySequence("Ctrl+,"))
        self.action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.action.setMenuRole(QAction.MenuRole.PreferencesRole)
        keys = self.action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.action.setToolTip(f"Preferences ({keys})")
        self.action.triggered.connect(lambda *_: self.show())
        window.addAction(self.action)  # the shortcut works in focus mode too, with the menu bar hidden
        window.menus["edit"].addSeparator()
        window.menus["edit"].addAction(self.action)

    def show(self) -> SettingsDialog:
        if self.dialog is not None and self.dialog.isVisible():
            bring_forward(self.dialog)
            return self.dialog
        models = pack_names(self.suggestions) or None
        dialog = SettingsDialog(self.window, self.window.settings,
                                choices={"suggest.default_model": models} if models else None,
                                publish_targets=self._targets if self.publisher is not None else None)
        # Not modal: New and Search, the drafts and the editor stay in reach with Preferences open.
        dialog.applied.connect(lambda _keys: self.window.statusBar().showMessage("Preferences saved", 3000))
        self.dialog = dialog
        dialog.show()
        return dialog

    def _targets(self) -> None:
        from writer.ui.publish_targets import TargetDialog

        assert self.publisher is not None
        TargetDialog(self.dialog, self.publisher, self.window.worker).exec()
