"""Settings: one declared list, JSON on disk, bad values fall back with a warning."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from writer import paths
from writer.errors import WriterError
from writer.settings import SETTINGS, Setting, Settings


def test_defaults_without_a_file() -> None:
    settings = Settings.load()
    assert settings.get("theme") == "system"
    assert settings.get("autosave.delay_ms") <= 1000
    assert settings.as_dict().keys() == {s.key for s in SETTINGS}
    assert settings.warnings == []


def test_set_save_and_load_again() -> None:
    settings = Settings.load()
    settings.set("editor.font_size", 16)
    settings.set("theme", "dark")
    settings.save()
    again = Settings.load()
    assert again.get("editor.font_size") == 16 and again.get("theme") == "dark"
    assert json.loads((paths.data_dir() / "settings.json").read_text())["theme"] == "dark"


@pytest.mark.parametrize(("key", "value"), [
    ("autosave.delay_ms", 5000),      # above the maximum
    ("autosave.delay_ms", "fast"),    # wrong type
    ("theme", "purple"),              # not a choice
    ("editor.typewriter_in_focus", 1),  # ints are not booleans
    ("editor.font_size", True),       # booleans are not ints
])
def test_invalid_values_are_refused(key: str, value: object) -> None:
    settings = Settings.load()
    with pytest.raises(WriterError, match=key):
        settings.set(key, value)
    assert settings.get(key) == next(s.default for s in SETTINGS if s.key == key)


def test_bad_file_values_fall_back_and_unknown_keys_survive(caplog: pytest.LogCaptureFixture) -> None:
    path = paths.data_dir() / "settings.json"
    path.write_text(json.dumps({"theme": "purple", "editor.font_size": 18, "publish.blog": {"url": "x"}}))
    settings = Settings.load()
    assert settings.get("theme") == "system"
    assert settings.get("editor.font_size") == 18
    assert any("theme" in w for w in settings.warnings)
    assert "theme" in caplog.text
    settings.set("editor.font_size", 12)
    settings.save()
    saved = json.loads(path.read_text())
    assert saved["publish.blog"] == {"url": "x"}  # a newer Writer's setting is kept
    assert saved["editor.font_size"] == 12


def test_unreadable_file_means_defaults_with_a_warning() -> None:
    (paths.data_dir() / "settings.json").write_text("{not json")
    settings = Settings.load()
    assert settings.get("editor.font_size") == 13
    assert settings.warnings and "settings.json" in settings.warnings[0]


def test_unknown_key_is_a_clear_error() -> None:
    with pytest.raises(WriterError, match="no setting called 'nope'"):
        Settings.load().get("nope")


def test_features_can_declare_more_settings(tmp_path: Path) -> None:
    extra = Setting("suggest.max_words", int, 12, "Longest suggestion.", minimum=1, maximum=50)
    declared = [*SETTINGS, extra]
    settings = Settings(tmp_path / "s.json", declared)
    settings.set("suggest.max_words", 20)
    settings.save()
    loaded = Settings(tmp_path / "s.json", declared)
    loaded.reload()
    assert loaded.get("suggest.max_words") == 20


def test_every_setting_default_is_valid() -> None:
    for setting in SETTINGS:
        assert setting.validate(setting.default) == setting.default
        assert setting.help


def test_subscribers_hear_changes_only() -> None:
    from writer.settings import Settings

    settings = Settings.load()
    heard: list[str] = []
    unsubscribe = settings.subscribe(heard.append)
    settings.set("editor.font_size", 15)
    settings.set("editor.font_size", 15)  # the same value again: nothing changed
    settings.reset("editor.font_size")
    settings.reset("editor.font_size")
    unsubscribe()
    settings.set("editor.font_size", 18)
    assert heard == ["editor.font_size", "editor.font_size"]
