"""User settings: one declarative list, stored as JSON in the data folder.

Every setting is declared once in :data:`SETTINGS`; loading, validation, the
settings file and (later) the settings dialog are all generated from that list,
so a feature adds a setting by appending one :class:`Setting` and nothing else.
This module has no Qt imports so services and the CLI can read settings too.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from writer import paths
from writer.errors import WriterError

log = logging.getLogger(__name__)

SETTINGS_FILE = "settings.json"


@dataclass(frozen=True)
class Setting:
    """One user-visible option: its type, default and the limits a dialog enforces."""

    key: str
    type: type
    default: Any
    help: str
    choices: tuple[Any, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    labels: tuple[str, ...] | None = None  # how the dialog names each of ``choices``
    label: str = ""  # the dialog's name for it, where the key's words read badly ("Auto")

    def validate(self, value: Any) -> Any:
        """Return ``value`` coerced to this setting's type, or raise ``ValueError`` saying why not."""
        value = self._typed(value)
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(str(c) for c in self.choices)
            raise ValueError(f"{self.key} must be one of {allowed}, not {value!r}")
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"{self.key} must be at least {self.minimum}, not {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"{self.key} must be at most {self.maximum}, not {value!r}")
        return value

    def _typed(self, value: Any) -> Any:
        """``value`` as this setting's type: a whole float counts as an int, an int as a float, a bool as neither."""
        if self.type is int and isinstance(value, float) and value.is_integer():
            return int(value)
        if self.type in (int, float) and isinstance(value, bool):
            raise ValueError(f"{self.key} must be {_TYPE_NAMES[self.type]}, not {value!r}")
        if self.type is float and isinstance(value, int):
            return float(value)
        if not isinstance(value, self.type):
            raise ValueError(f"{self.key} must be {_TYPE_NAMES.get(self.type, 'a ' + self.type.__name__)}, "
                             f"not {value!r}")
        return value


#: How an error message names each type a setting may have.
_TYPE_NAMES: dict[type, str] = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}


SETTINGS: list[Setting] = [
    Setting("theme", str, "system", "Colour scheme: follow the system, or always light or dark.",
            choices=("system", "light", "dark"), labels=("Follow the system", "Light", "Dark")),
    Setting("editor.font_family", str, "", "Editor font; empty uses a readable default."),
    Setting("editor.font_size", int, 13, "Editor font size in points.", minimum=8, maximum=40),
    Setting("editor.max_width", int, 760, "Widest the text column grows, in pixels (0: no limit).",
            minimum=0, maximum=4000, label="Widest text column (px)"),
    Setting("editor.typewriter_in_focus", bool, True,
            "Keep the cursor line centred while in focus mode (typewriter scrolling).",
            label="Typewriter scrolling in focus mode"),
    Setting("autosave.delay_ms", int, 600, "Save this long after typing stops (never later than 1 s).",
            minimum=100, maximum=1000, label="Save after (ms)"),
    Setting("backups.daily", bool, True, "Copy the whole drafts database once a day, into 'backups' beside it.",
            label="Back up every day"),
    Setting("backups.keep", int, 7, "How many daily backups to keep (the oldest go first).", minimum=1, maximum=365,
            label="Backups to keep"),
    Setting("drafts.sort", str, "updated", "Order of the drafts list.",
            choices=("updated", "created", "title", "words"),
            labels=("Last edited", "Created", "Title", "Word count"), label="Sort drafts by"),
    # publishing (writer.publishing)
    Setting("publishing.site_dir", str, "", "Folder of the static site; empty: a 'site' folder in the data folder."),
    Setting("publishing.site_title", str, "Writing", "Title of the static site."),
    Setting("publishing.site_base_url", str, "", "Public address of the static site, if served (for the feed)."),
    Setting("publishing.ghostwritten_tag", bool, True,
            "Tag posts that contain machine-written text 'ghostwritten'.",
            label="Tag machine-written posts 'ghostwritten'"),
    Setting("publishing.disclosure", bool, False, "Add a disclosure line to posts with machine-written text.",
            label="Add a disclosure line"),
    Setting("publishing.disclosure_text", str, "Parts of this post were drafted with a writing model.",
            "The disclosure line."),
    Setting("publishing.allow_file_keyring", bool, False,
            "Store passwords in a keyring file that is not encrypted (plaintext or base64, such as keyrings.alt's) "
            "when that is the only keyring; off: they are kept in memory for the session.",
            label="Allow an unencrypted keyring file"),
    Setting("publishing.timeout_s", float, 20.0, "Give up on a blog server after this many seconds.",
            minimum=1, maximum=300),
    Setting("nudges.stalled_days", int, 7, "A draft is stalled after this many days without publishing.",
            minimum=1, maximum=365, label="Stalled after (days)"),
    Setting("nudges.weekly_goal", int, 0, "Posts to publish each week (0: no goal).", minimum=0, maximum=50,
            label="Posts a week (goal)"),
    # generation (writer.generation)
    Setting("suggest.default_model", str, "vanilla", "Model pack used for suggestions."),
    Setting("suggest.n", int, 3, "How many continuations to offer at once.", minimum=1, maximum=8,
            label="Suggestions at once"),
    Setting("suggest.max_new_tokens", int, 40, "Longest suggestion, in tokens (about ¾ of a word each).",
            minimum=1, maximum=200, label="Suggestion length (tokens)"),
    Setting("suggest.avoid_names", bool, True,
            "Keep the names of a model's training books (its characters and places) out of suggestions, "
            "unless the draft or its memory note uses them.", label="Avoid the books' names"),
    Setting("generation.threads", int, 2, "CPU threads the model may use.", minimum=1, maximum=64, label="CPU threads"),
    Setting("training.threads", int, 1, "CPU threads training a style pack may use (the rest keep the editor "
            "responsive).", minimum=1, maximum=64, label="Training threads"),
    # copy flags (writer.ui.copycheck)
    Setting("copycheck.scope", str, "all",
            "Check drafts against every model's training books, or only the selected model's.",
            choices=("all", "model"), labels=("Every model's books", "The selected model's books"),
            label="Check against"),
    Setting("copycheck.delay_ms", int, 500, "Check for copied passages this long after typing stops.",
            minimum=100, maximum=5000, label="Check after (ms)"),
    # suggestions panel and provenance (writer.ui.suggestions, writer.ui.provenance)
    Setting("suggest.auto", bool, True, "Suggest by itself after a pause in typing.", label="Suggest when I pause"),
    Setting("suggest.auto_delay_ms", int, 1200, "Pause in typing before suggestions appear by themselves.",
            minimum=100, maximum=10000, label="Pause before suggesting (ms)"),
    Setting("suggest.overrides", dict, {}, "Sampler settings changed per model (temperature, top_p, "
            "max_new_tokens), over each model's preset."),
    Setting("provenance.tint", bool, True, "Tint text that a model wrote (Ctrl+Shift+M).",
            label="Tint machine-written text"),
    Setting("suggest.ghost", bool, False,
            "Show the first suggestion as grey text at the cursor: Tab accepts, Alt+] and Alt+[ show the "
            "others, Esc dismisses (always on in focus mode).", label="Inline suggestions"),
    Setting("suggest.compare_parallel", bool, False,
            "Compare mode runs the models at the same time (faster, but the editor may stutter on 2 cores).",
            label="Run compared models at once"),
    Setting("suggest.token_shading", bool, False, "Shade each word of a suggestion by how unlikely the model "
            "thought it (Ctrl+Shift+T); hover a word for the model's alternatives.", label="Shade by probability"),
    # first run (writer.ui.welcome)
    Setting("welcome.created", bool, False,
            "Writer has made its welcome draft (once, on a first start with no drafts)."),
]


def _index(settings: Iterable[Setting]) -> dict[str, Setting]:
    return {s.key: s for s in settings}


class Settings:
    """The current values of :data:`SETTINGS`, backed by ``settings.json``.

    Unknown keys in the file are kept untouched (a newer Writer may have written
    them); invalid values fall back to the default and are reported in
    :attr:`warnings` rather than stopping the app from starting.
    """

    def __init__(self, path: Path | None = None, declared: Iterable[Setting] | None = None) -> None:
        self.path = path if path is not None else paths.data_dir() / SETTINGS_FILE
        self._declared = declared
        self._values: dict[str, Any] = {}
        self._extra: dict[str, Any] = {}
        self._subscribers: list[Callable[[str], None]] = []
        self.warnings: list[str] = []

    @property
    def declared(self) -> dict[str, Setting]:
        """The settings known to this Writer (read each time, so late additions count)."""
        return _index(SETTINGS if self._declared is None else self._declared)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read the settings file; a missing file means all defaults."""
        settings = cls(path)
        settings.reload()
        return settings

    def reload(self) -> None:
        self._values.clear()
        self._extra.clear()
        self.warnings = []
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._warn(f"{self.path} could not be read ({exc}); using default settings")
            return
        if not isinstance(raw, dict):
            self._warn(f"{self.path} does not hold a JSON object; using default settings")
            return
        declared = self.declared
        for key, value in raw.items():
            setting = declared.get(key)
            if setting is None:
                self._extra[key] = value
                continue
            try:
                self._values[key] = setting.validate(value)
            except ValueError as exc:
                self._warn(f"{exc}; using the default {setting.default!r}")

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        log.warning("%s", message)

    def _setting(self, key: str) -> Setting:
        try:
            return self.declared[key]
        except KeyError:
            raise WriterError(f"There is no setting called {key!r}.") from None

    def get(self, key: str) -> Any:
        """The value of ``key``, or its default when unset."""
        setting = self._setting(key)
        return self._values.get(key, setting.default)

    def set(self, key: str, value: Any) -> None:
        """Change ``key`` in memory; raises :class:`WriterError` for a bad value. Call :meth:`save`."""
        setting = self._setting(key)
        before = self.get(key)
        try:
            self._values[key] = setting.validate(value)
        except ValueError as exc:
            raise WriterError(f"Invalid setting: {exc}.") from None
        self._changed(key, before)

    def reset(self, key: str) -> None:
        """Go back to the default for ``key``."""
        self._setting(key)
        before = self.get(key)
        self._values.pop(key, None)
        self._changed(key, before)

    def subscribe(self, callback: Callable[[str], None]) -> Callable[[], None]:
        """Call ``callback(key)`` after each change of a value (not a re-set to the same one), in the
        thread that made it; returns the function that unsubscribes. Features follow their settings
        this way instead of someone reaching into them."""
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _changed(self, key: str, before: Any) -> None:
        if self.get(key) == before:
            return
        for callback in list(self._subscribers):
            callback(key)

    def as_dict(self) -> dict[str, Any]:
        """Every declared setting with its current value."""
        return {key: self.get(key) for key in self.declared}

    def save(self) -> None:
        """Write the file atomically, so a crash mid-save never leaves half a file."""
        data = {**self._extra, **self._values}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True, ensure_ascii=False)
                fh.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
