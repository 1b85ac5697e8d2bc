"""Preferences: generated from SETTINGS, round-trips through the widgets to disk, never holds bad values."""

from __future__ import annotations

from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
)
from pytestqt.qtbot import QtBot

from tests.ui.panels import panels_of
from writer import paths
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.settings import SETTINGS, Setting, Settings
from writer.ui import theme
from writer.ui.features import install_publishing
from writer.ui.main_window import MainWindow
from writer.ui.publish_targets import TargetDialog
from writer.ui.settings_dialog import Preferences, SettingsDialog, editable


def _press(dialog: SettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    dialog.buttons.button(which).click()


def _widget(dialog: SettingsDialog, key: str):  # type: ignore[no-untyped-def]
    return dialog.findChild(object, f"setting:{key}")


def test_every_editable_setting_has_a_widget_by_type(window: MainWindow) -> None:
    dialog = Preferences(window, panels_of(window).suggestions).show()
    kinds = {bool: QCheckBox, int: QSpinBox, float: QDoubleSpinBox}
    for setting in SETTINGS:
        widget = _widget(dialog, setting.key)
        if not editable(setting):
            assert widget is None, setting.key
            continue
        expected = kinds.get(setting.type) or (QComboBox if setting.choices else (QComboBox, QLineEdit))
        assert isinstance(widget, expected), setting.key
        assert widget.toolTip() == setting.help
    pages = [dialog.pages.item(i).text() for i in range(dialog.pages.count())]
    assert {"Editor", "Suggestions", "Copy check", "Publishing"} <= set(pages)
    assert len(pages) == len(set(pages))
    dialog.close()


def test_choices_read_as_words_not_internal_values(window: MainWindow, qtbot: QtBot) -> None:
    qtbot.waitUntil(lambda: bool(panels_of(window).suggestions.picker.packs), timeout=30_000)
    dialog = Preferences(window, panels_of(window).suggestions).show()

    def items(key: str) -> list[str]:
        combo = _widget(dialog, key)
        return [combo.itemText(i) for i in range(combo.count())]

    assert items("theme") == ["Follow the system", "Light", "Dark"]
    assert items("copycheck.scope") == ["Every model's books", "The selected model's books"]
    assert set(items("suggest.default_model")) == {"Vanilla", "PKD", "JA"}
    assert _widget(dialog, "suggest.default_model").currentData() == "vanilla"  # still saved by name
    dialog.close()


def test_ok_saves_the_widgets_to_disk_and_applies_live(window: MainWindow, qtbot: QtBot) -> None:
    earlier = window.new_draft()
    qtbot.keyClicks(window.editor, "Written before")
    window.new_draft()
    dialog = Preferences(window, panels_of(window).suggestions).show()
    _widget(dialog, "theme").setCurrentIndex(_widget(dialog, "theme").findData("dark"))
    qtbot.keyClicks(_widget(dialog, "publishing.site_title"), " and notes")
    font = _widget(dialog, "editor.font_size")
    font.setValue(17)
    _widget(dialog, "suggest.auto").setChecked(False)
    _widget(dialog, "publishing.timeout_s").setValue(42.5)
    _press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert not dialog.isVisible()

    saved = Settings.load()
    assert saved.get("theme") == "dark"
    assert saved.get("publishing.site_title") == "Writing and notes"
    assert saved.get("editor.font_size") == 17
    assert saved.get("suggest.auto") is False
    assert saved.get("publishing.timeout_s") == 42.5
    assert window.palette_ == theme.palette_for("dark"), "the theme changes without a restart"
    assert window.editor.font().pointSize() == 17
    window.open_draft(earlier)  # a draft opened before the change has the new size too
    assert window.editor.document().defaultFont().pointSize() == 17


def test_cancel_discards_and_apply_keeps_the_dialog_open(window: MainWindow) -> None:
    before = Settings.load().as_dict()
    dialog = Preferences(window, panels_of(window).suggestions).show()
    _widget(dialog, "editor.font_size").setValue(30)
    _widget(dialog, "copycheck.scope").setCurrentIndex(_widget(dialog, "copycheck.scope").findData("model"))
    _press(dialog, QDialogButtonBox.StandardButton.Cancel)
    assert Settings.load().as_dict() == before
    assert window.settings.get("editor.font_size") == before["editor.font_size"]

    dialog = Preferences(window, panels_of(window).suggestions).show()
    assert _widget(dialog, "editor.font_size").value() == before["editor.font_size"], "reopened fresh"
    _widget(dialog, "nudges.stalled_days").setValue(3)
    _press(dialog, QDialogButtonBox.StandardButton.Apply)
    assert dialog.isVisible()
    assert Settings.load().get("nudges.stalled_days") == 3
    _press(dialog, QDialogButtonBox.StandardButton.Cancel)
    assert Settings.load().get("nudges.stalled_days") == 3, "Cancel after Apply keeps what was applied"


def test_restore_defaults_resets_every_widget_but_saves_only_on_ok(window: MainWindow) -> None:
    window.settings.set("editor.font_size", 22)
    window.settings.set("theme", "light")
    window.settings.save()
    dialog = Preferences(window, panels_of(window).suggestions).show()
    _press(dialog, QDialogButtonBox.StandardButton.RestoreDefaults)
    assert _widget(dialog, "editor.font_size").value() == 13
    assert Settings.load().get("editor.font_size") == 22
    _press(dialog, QDialogButtonBox.StandardButton.Ok)
    saved = Settings.load()
    for setting in SETTINGS:
        if editable(setting):
            assert saved.get(setting.key) == setting.default, setting.key


def test_widgets_cannot_hold_an_invalid_value(window: MainWindow, qtbot: QtBot) -> None:
    dialog = Preferences(window, panels_of(window).suggestions).show()
    for key, field in dialog.fields.items():
        setting = field.setting
        widget = field.widget
        if isinstance(widget, QSpinBox | QDoubleSpinBox):
            for extreme in (-10**9, 10**9):
                widget.setValue(extreme)
                setting.validate(field.value())
            widget.clear()
            qtbot.keyClicks(widget, "abc")
            setting.validate(field.value())
        elif isinstance(widget, QComboBox):
            assert not widget.isEditable(), key
            for i in range(widget.count()):
                widget.setCurrentIndex(i)
                setting.validate(field.value())
        else:
            setting.validate(field.value())
    _press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert Settings.load().warnings == []


def test_a_newly_declared_setting_gets_a_widget(qtbot: QtBot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    declared = [Setting("spelling.language", str, "en", "Dictionary", choices=("en", "de", "fr")),
                Setting("spelling.enabled", bool, True, "Underline misspelt words."),
                Setting("spelling.min_length", int, 3, "Shortest word checked.", minimum=1, maximum=9)]
    settings = Settings(tmp_path / "settings.json", declared=declared)
    dialog = SettingsDialog(None, settings)
    qtbot.addWidget(dialog)
    assert [dialog.pages.item(i).text() for i in range(dialog.pages.count())] == ["Spelling"]
    _widget(dialog, "spelling.language").setCurrentIndex(2)
    _widget(dialog, "spelling.min_length").setValue(50)
    changed: list[list[str]] = []
    dialog.applied.connect(changed.append)
    _press(dialog, QDialogButtonBox.StandardButton.Ok)
    assert changed == [["spelling.language", "spelling.min_length"]]
    reread = Settings(tmp_path / "settings.json", declared=declared)
    reread.reload()
    assert (reread.get("spelling.language"), reread.get("spelling.min_length")) == ("fr", 9)


def test_model_choice_lists_the_installed_packs(window: MainWindow) -> None:
    dialog = Preferences(window, panels_of(window).suggestions).show()
    combo = _widget(dialog, "suggest.default_model")
    assert isinstance(combo, QComboBox)
    names = {combo.itemData(i) for i in range(combo.count())}
    assert window.settings.get("suggest.default_model") in names
    assert len(names) >= 2


def test_model_choice_before_the_panel_lists_packs_names_every_pack_a_damaged_one_too(window: MainWindow) -> None:
    broken = paths.data_dir() / "models" / "broken"
    broken.mkdir(parents=True)
    (broken / "model.onnx").write_bytes(b"not a model")
    combo = _widget(Preferences(window, None).show(), "suggest.default_model")
    assert isinstance(combo, QComboBox)
    labels = {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
    assert labels["broken"] == "broken" and labels["vanilla"] == "Vanilla"  # the card's name, as the panel shows it


def test_publish_targets_button_opens_the_target_setup(window: MainWindow, qtbot: QtBot) -> None:
    publishing = install_publishing(window, publisher=Publisher(window.store, window.settings,
                                                                credentials=Credentials(FailKeyring())))
    dialog = Preferences(window, panels_of(window).suggestions, publishing.controller.publisher).show()
    seen: list[QDialog] = []

    def close_it() -> None:
        modal = QApplication.activeModalWidget()
        if isinstance(modal, TargetDialog):
            seen.append(modal)
            modal.reject()
        else:
            QTimer.singleShot(20, close_it)

    QTimer.singleShot(20, close_it)
    qtbot.mouseClick(dialog.publish_targets_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1
    assert seen[0]._worker is window.worker  # checking a slow site from Preferences never freezes the window
    dialog.close()


def test_features_follow_a_setting_changed_anywhere(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    """No dialog reaches into the features: they follow the settings' change signal, also for a change
    made on a worker thread (delivered on the GUI thread)."""
    import threading

    window = make_window()
    window.settings.set("theme", "dark")
    assert window.palette_.dark
    window.settings.set("copycheck.delay_ms", 1500)
    assert panels_of(window).copycheck.timer.interval() == 1500
    window.settings.set("provenance.tint", False)
    assert not panels_of(window).provenance.show_tint
    thread = threading.Thread(target=lambda: window.settings.set("drafts.sort", "title"))
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: window.sort_box.currentData() == "title")
