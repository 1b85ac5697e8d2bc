"""First run and the Help menu: the welcome draft, the shortcut sheet, About and Preferences.

:func:`install_welcome` is the one hook ``run_app`` calls. The welcome draft is ordinary
Markdown in the store, so the user edits or deletes it like any draft; the
``welcome.created`` setting makes sure a deleted welcome draft stays deleted.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QGuiApplication, QIcon, QKeySequence

from writer import paths
from writer.errors import WriterError
from writer.settings import Settings
from writer.store import Draft, Store

SETTING = "welcome.created"
#: The freedesktop id: resources/linux/<id>.desktop.
DESKTOP_ID = "io.github.writer.Writer"

WELCOME = """\
# Welcome to Writer

This is an ordinary draft: edit it, keep it as a cheat sheet, or delete it \
(**Ctrl+Shift+Backspace**); it will not come back. Writer does three things.

## 1. Suggest

Pause while typing, or press **Ctrl+Space** (or **Tab** at the end of a word), and the \
Suggestions panel offers a few continuations written by a small style model, on this computer. \
**Tab** or **Alt+1** inserts the first, **Alt+2** and **Alt+3** the others, and **Ctrl+R** \
writes a fresh batch. Text a model wrote stays tinted; **Ctrl+Shift+M** shows or hides the tint.

## 2. Flag copies

Small models memorise. When a passage matches a model's training books word for word, Writer \
gives it a wavy underline: hover it to see the source. The **Copy check** panel (View menu) \
lists every flag in the draft.

## 3. Publish

**Ctrl+Shift+P** publishes the open draft to a folder of web pages, WordPress or a Micropub \
site, after a last copy check. Posts that cannot be sent wait in the outbox (File menu) and are \
retried.

## Finding your way

- **Ctrl+N** starts a draft, **Ctrl+K** searches them all, **F11** is focus mode.
- **F1** lists every shortcut, **Ctrl+,** opens Preferences.
- Everything is saved as you type.
"""


def ensure_welcome_draft(store: Store, settings: Settings) -> Draft | None:
    """Create the welcome draft on a first start with no drafts; returns it, or None.

    Any first start marks the welcome as done, so an existing library never gets one
    and a deleted welcome draft is not recreated.
    """
    if settings.get(SETTING) or store.read_only:
        return None
    draft = None if store.list_drafts() else store.create_draft(WELCOME)
    settings.set(SETTING, True)
    settings.save()
    return draft


def install_welcome(window: Any) -> None:
    """Add the welcome draft, the Help menu (F1 sheet, About) and Preferences to a MainWindow."""
    icon = QIcon(str(paths.resources_dir() / "icons" / "writer.svg"))
    QGuiApplication.setWindowIcon(icon)
    QGuiApplication.setDesktopFileName(DESKTOP_ID)  # Wayland matches the window to the launcher entry
    window.setWindowIcon(icon)
    window.preferences_action = _action(window, "&Preferences…", "Ctrl+,",
                                        _later("settings_dialog", "show_settings", window))
    window.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
    window.menus["edit"].addSeparator()
    window.menus["edit"].addAction(window.preferences_action)
    help_menu = window.menuBar().addMenu("&Help")
    window.menus["help"] = help_menu
    window.shortcuts_action = _action(window, "&Keyboard Shortcuts", "F1",
                                      _later("shortcuts", "show_shortcuts", window))
    window.about_action = _action(window, "&About Writer", None, _later("about", "show_about", window))
    window.about_action.setMenuRole(QAction.MenuRole.AboutRole)
    help_menu.addActions([window.shortcuts_action, window.about_action])
    try:
        draft = ensure_welcome_draft(window.store, window.settings)
    except (WriterError, OSError) as exc:
        window.statusBar().showMessage(f"Could not write the welcome draft: {exc}", 8000)
        return
    if draft is not None:
        window.model.update_draft(draft)
        window.open_draft(draft.id)


def _later(module: str, function: str, window: Any) -> Callable[[], object]:
    """Import the dialog's module on first use: none of them is needed to start writing."""
    return lambda: getattr(importlib.import_module(f"writer.ui.{module}"), function)(window)


def _action(window: Any, text: str, key: str | None, slot: Callable[[], object]) -> QAction:
    action = QAction(text, window)
    if key:
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        label = text.replace("&", "").rstrip("…")
        action.setToolTip(f"{label} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
    action.triggered.connect(lambda *_: slot())
    window.addAction(action)  # the shortcut works in focus mode too, with the menu bar hidden
    return action
