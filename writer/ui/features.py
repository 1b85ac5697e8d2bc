"""The composition root of the main window's features.

Each feature is built here once, as a typed object, and handed to whatever needs it: the copy
check gets the Suggestions panel whose model it checks against, publishing gets the copy check
that its warning's Review brings up, Preferences gets the packs and the publishing targets. The
window itself knows none of them; :func:`writer.ui.app.run_app` keeps the :class:`Features`.

Two steps, because the app opens editable first: :func:`install_panels` (the side panels, whose
docks take back their saved places) and then :func:`install_features` (everything else).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QTimer

from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store
from writer.ui.copycheck import CopyCheck, install_copycheck
from writer.ui.history import HistoryDialog, install_backups, install_history
from writer.ui.main_window import MainWindow
from writer.ui.models_page import ModelsDialog, install_models_page
from writer.ui.nudges import Nudges
from writer.ui.provenance import ProvenanceView
from writer.ui.publish_controller import PublishController, copy_check_before_publishing
from writer.ui.settings_dialog import Preferences
from writer.ui.stats import WritingStats
from writer.ui.suggestions import SuggestionsPanel, install_suggestions
from writer.ui.welcome import install_welcome


@dataclass(frozen=True)
class Panels:
    """The side panels, and the provenance tracking that comes with suggestions."""

    copycheck: CopyCheck
    suggestions: SuggestionsPanel
    provenance: ProvenanceView


@dataclass(frozen=True)
class Publishing:
    """Publishing and what follows from it: reminders for stalled drafts, the writing stats."""

    controller: PublishController
    nudges: Nudges
    stats: WritingStats


@dataclass(frozen=True)
class Features:
    """Everything ``run_app`` adds to the window once it is on screen."""

    panels: Panels
    publishing: Publishing
    preferences: Preferences
    show_history: Callable[[], HistoryDialog]
    show_models: Callable[[], ModelsDialog]
    backups: QTimer


def install_panels(window: MainWindow) -> Panels:
    """Add the Copy check and Suggestions docks (Suggestions in front), put compare mode and the
    docks back as the writer left them, and tell the panels which draft is open."""
    copycheck = install_copycheck(window)
    suggestions = install_suggestions(window)
    copycheck.hook_suggestions(suggestions)
    if suggestions.dock is not None:
        suggestions.dock.raise_()  # its tab in front, unless the saved layout says otherwise
    window.session.restore_compare(suggestions.compare_button)
    window.restore_panel_layout()
    return Panels(copycheck, suggestions, suggestions.provenance)


def install_publishing(window: MainWindow, copycheck: CopyCheck | None = None, *,
                       publisher: Publisher | None = None,
                       clock: Callable[[], datetime] | None = None) -> Publishing:
    """Add publishing, nudges and stats to ``window``. ``publisher`` and ``clock`` are for tests."""
    publisher = publisher or Publisher(window.store, window.settings,
                                       copy_check=copy_check_before_publishing(window))
    clock = clock or window.store.clock
    controller = PublishController(window, publisher, copycheck)
    return Publishing(controller, Nudges(window, controller, clock), WritingStats(window, clock))


def install_features(window: MainWindow, panels: Panels, *, publisher: Publisher | None = None,
                     clock: Callable[[], datetime] | None = None) -> Features:
    """Everything beyond the editor and the side panels, then the welcome draft on a first run."""
    show_history = install_history(window, panels.provenance)
    show_models = install_models_page(window, panels.suggestions)
    backups = install_backups(window)
    publishing = install_publishing(window, panels.copycheck, publisher=publisher, clock=clock)
    preferences = Preferences(window, panels.suggestions, publishing.controller.publisher)
    install_welcome(window)
    return Features(panels, publishing, preferences, show_history, show_models, backups)


def build_window(store: Store, settings: Settings, *, read_only_note: str | None = None) -> tuple[MainWindow, Panels]:
    """A main window with its side panels in, in one step (tests, benchmarks, screenshots)."""
    window = MainWindow(store, settings, read_only_note=read_only_note)
    return window, install_panels(window)
