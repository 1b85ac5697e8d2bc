"""Starting the app: the QApplication, opening the store (with a way out when it is
damaged or locked) and the main window.

``WRITER_EXIT_WHEN_READY`` (set by ``benchmarks/startup.py``, the frozen-app test and whoever
checks a fresh install starts): print ``writer-ready <seconds>`` once the window is shown and
editable, then ``writer-complete <seconds>`` once the side panels and publishing are in, and quit.
Tests and the screenshot script drive the app through :func:`run_app`'s ``on_ready`` instead
(``tests/drive_app.py``, ``packaging/screenshots.py``).
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from writer import __version__, paths
from writer.errors import WriterError
from writer.settings import Settings

if TYPE_CHECKING:
    from writer.store import Store, StoreCorrupt
    from writer.ui.features import Features
    from writer.ui.main_window import MainWindow

#: Called once the window is complete: how tests type into the real app and the screenshot script photographs it.
OnReady = Callable[[QApplication, "MainWindow", "Features"], None]

_T0 = time.perf_counter()

#: The freedesktop id: resources/linux/<id>.desktop.
DESKTOP_ID = "io.github.writer.Writer"


#: How soon a worker thread running Python hands the GIL to the GUI thread (Python's default: 5 ms).
GIL_SWITCH_S = 0.001
#: Young objects before a garbage collection (Python's default: 700). A copy check of a pasted
#: book makes ~100,000 objects; each full collection then held the GIL, and the editor, ~90 ms.
GC_THRESHOLDS = (50_000, 20, 50)


def make_app(argv: Sequence[str]) -> QApplication:
    """The QApplication (reused when one exists, as in tests), tuned for a GUI thread beside busy workers.

    Measured with a 4.3 MB book pasted (benchmarks/paste.py --corpus): the longest stall while
    typing fell from ~106 ms to ~35 ms with the two settings below; the copy check itself ran
    as fast (3.4 s either way).
    """
    sys.setswitchinterval(GIL_SWITCH_S)
    gc.set_threshold(*GC_THRESHOLDS)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv))
    app.setApplicationName("Writer")
    app.setApplicationDisplayName("Writer")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Writer")
    app.setStyle("Fusion")
    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "writer.svg")))
    app.setDesktopFileName(DESKTOP_ID)  # Wayland matches the window to the launcher entry
    return app


def open_store(parent: QWidget | None = None) -> tuple[Store | None, str | None]:
    """Open the drafts database, asking the user what to do if it is damaged or locked.

    Returns ``(store, read_only_note)``; ``(None, None)`` when the user chose to quit.
    The damaged file is never overwritten: restoring a backup moves it aside first.
    """
    from writer.store import Store, StoreBusy, StoreCorrupt, restore_backup

    db_path = paths.data_dir() / "writer.db"
    while True:
        try:
            return Store.open(db_path), None
        except StoreCorrupt as exc:
            choice = _ask_corrupt(parent, exc, db_path)
        except StoreBusy as exc:
            choice = _ask(parent, "Drafts are in use",
                          f"{exc}\n\nYou can open your drafts read-only for now, or try again.",
                          retry=True)
        except WriterError as exc:
            choice = _ask(parent, "Cannot open drafts", str(exc), retry=True)
        if choice == "quit":
            return None, None
        if choice == "read-only":
            try:
                store = Store.open(db_path, read_only=True)
            except WriterError as exc:
                QMessageBox.critical(parent, "Cannot open drafts", f"Opening read-only failed too:\n\n{exc}")
                continue
            return store, (f"Opened read-only: {db_path} could not be opened for writing. Changes you "
                           "make now are not saved; copy text out if you need it.")
        if choice == "restore":
            try:
                kept = restore_backup(target=db_path)
            except WriterError as exc:
                QMessageBox.critical(parent, "Restore failed", str(exc))
                continue
            QMessageBox.information(parent, "Backup restored",
                                    f"Restored the last backup. The damaged file was kept as\n{kept}")


def _ask_corrupt(parent: QWidget | None, exc: StoreCorrupt, db_path: Path) -> str:
    from writer.store.backups import backups_dir, newest_backup

    backup = exc.backup or newest_backup(backups_dir(db_path))
    box = QMessageBox(QMessageBox.Icon.Critical, "Drafts database is damaged",
                      f"Writer could not open {db_path}: it is damaged.", parent=parent)
    box.setInformativeText(
        "Nothing has been changed or deleted. You can open it read-only to rescue what is readable"
        + (f", or restore the last backup ({backup.name}); the damaged file is kept beside it."
           if backup else ". There is no backup to restore yet."))
    box.setDetailedText(str(exc))
    return _choose(box, [("Open Read-Only", QMessageBox.ButtonRole.AcceptRole, "read-only"),
                         *([("Restore Last Backup", QMessageBox.ButtonRole.ActionRole, "restore")] if backup else []),
                         ("Quit", QMessageBox.ButtonRole.RejectRole, "quit")])


def _ask(parent: QWidget | None, title: str, message: str, *, retry: bool) -> str:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, parent=parent)
    return _choose(box, [("Open Read-Only", QMessageBox.ButtonRole.AcceptRole, "read-only"),
                         *([("Try Again", QMessageBox.ButtonRole.ActionRole, "retry")] if retry else []),
                         ("Quit", QMessageBox.ButtonRole.RejectRole, "quit")])


def _choose(box: QMessageBox, options: list[tuple[str, QMessageBox.ButtonRole, str]]) -> str:
    """Show ``box`` with one button per option (the first is the default); the chosen option's name."""
    buttons = [(box.addButton(label, role), name) for label, role, name in options]
    box.setDefaultButton(buttons[0][0])
    box.exec()
    clicked = box.clickedButton()
    return next((name for button, name in buttons if button is clicked), "quit")


def run_app(argv: Sequence[str], on_ready: OnReady | None = None) -> int:
    """The ``writer`` command with no subcommand: run the desktop app until it is closed.

    ``on_ready(app, window, features)`` runs once the window is complete (panels, publishing).
    """
    app = make_app(argv)
    from writer.ui.main_window import MainWindow

    try:
        settings = Settings.load()
        store, note = open_store()
    except WriterError as exc:  # no usable data folder: say so in a window, not a traceback
        QMessageBox.critical(None, "Cannot start Writer", str(exc))
        return 1
    if store is None:
        return 1
    window = MainWindow(store, settings, read_only_note=note)  # the features come once it is on screen
    notes = [*paths.take_notes(), *(["Some settings were reset: " + "; ".join(settings.warnings)]
                                     if settings.warnings else [])]
    if notes:  # e.g. an older Writer's open data folder made private, once
        window.statusBar().showMessage(" · ".join(notes), 30_000)
    window.show()
    if os.environ.get("WRITER_EXIT_WHEN_READY"):
        # the window is editable now; ``_complete`` prints writer-complete and quits after the panels
        QTimer.singleShot(0, lambda: print(f"writer-ready {time.perf_counter() - _T0:.3f}", flush=True))
    features: list[Features] = []  # kept for the life of the app
    QTimer.singleShot(0, lambda: features.append(_complete(app, window, on_ready)))
    try:
        return app.exec()
    finally:
        window.autosave.flush()
        window.worker.wait(5000)
        store.close()


def _complete(app: QApplication, window: MainWindow, on_ready: OnReady | None = None) -> Features:
    """Everything beyond the editor, added once the window is on screen and editable: the side
    panels, publishing, and the welcome draft on a first run (about 0.3 s that need not delay typing)."""
    from writer.ui.features import install_features, install_panels

    features = install_features(window, install_panels(window))
    if on_ready is not None:
        on_ready(app, window, features)
    if os.environ.get("WRITER_EXIT_WHEN_READY"):
        print(f"writer-complete {time.perf_counter() - _T0:.3f}", flush=True)
        app.quit()
    return features
