"""First run: the welcome draft.

The welcome draft is ordinary Markdown in the store, so the user edits or deletes it like any
draft; the ``welcome.created`` setting makes sure a deleted welcome draft stays deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from writer.errors import WriterError
from writer.settings import Settings
from writer.store import Draft, Store

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

SETTING = "welcome.created"

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


def install_welcome(window: MainWindow) -> Draft | None:
    """Open the welcome draft on a first start (see :func:`ensure_welcome_draft`); returns it, or None."""
    try:
        draft = ensure_welcome_draft(window.store, window.settings)
    except (WriterError, OSError) as exc:
        window.statusBar().showMessage(f"Could not write the welcome draft: {exc}", 8000)
        return None
    if draft is not None:
        window.model.update_draft(draft)
        window.open_draft(draft.id)
    return draft
