"""Back where you left off: the draft, cursor, selection, scroll, panels, focus and compare
mode come back after quitting, after a crash, and after kill -9 of the real app."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.panels import panels_of
from writer.store import Store
from writer.ui.main_window import MainWindow
from writer.ui.session import SAVE_EVERY_MS

REPO = Path(__file__).resolve().parent.parent.parent
LONG = "\n".join(f"Line {n} of a long draft about the harbour." for n in range(400))


def select(window: MainWindow, anchor: int, position: int) -> None:
    cursor = window.editor.textCursor()
    cursor.setPosition(anchor)
    cursor.setPosition(position, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)


def place(window: MainWindow) -> tuple[int | None, int, int]:
    cursor = window.editor.textCursor()
    return window.current_draft_id, cursor.anchor(), cursor.position()


def test_quit_and_relaunch_brings_back_draft_selection_and_scroll(
        qtbot: QtBot, make_window: WindowFactory, store: Store) -> None:
    long = store.create_draft(LONG)
    store.create_draft("Newer, shorter draft")  # what a relaunch opened before: the most recent
    window = make_window()
    window.open_draft(long.id)
    select(window, 5000, 5012)
    window.editor.verticalScrollBar().setValue(150)
    window.close()

    again = make_window()
    assert place(again) == (long.id, 5000, 5012)
    assert again.editor.textCursor().selectedText() == LONG[5000:5012]
    qtbot.waitUntil(lambda: again.editor.verticalScrollBar().value() == 150)


def test_a_crash_loses_at_most_a_moment_of_the_place(qtbot: QtBot, make_window: WindowFactory,
                                                     store: Store) -> None:
    first = store.create_draft("First draft, with some words in it")
    store.create_draft("Second draft")
    window = make_window()
    window.open_draft(first.id)
    qtbot.keyClick(window.editor, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.editor, " and more")
    for _ in range(4):
        qtbot.keyClick(window.editor, Qt.Key.Key_Left)
    qtbot.wait(1200)  # no quit, no close: the window just stops here (the text is saved within 1 s)

    after_crash = make_window()
    expected = len("First draft, with some words in it and more") - 4
    assert place(after_crash) == (first.id, expected, expected)


def test_compare_mode_and_panel_width_come_back(qtbot: QtBot, make_window: WindowFactory, store: Store) -> None:
    store.create_draft("A draft")
    window = make_window()
    window.resize(790, 560)  # within the offscreen screen (800 x 600), or a relaunch shrinks it to fit
    panel = panels_of(window).suggestions
    panel.compare_button.setChecked(True)
    window.resizeDocks([panel.dock], [330], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: abs(panel.dock.width() - 330) <= 2)
    window.close()

    again = make_window()
    assert panels_of(again).suggestions.compare_button.isChecked()
    qtbot.waitUntil(lambda: abs(panels_of(again).suggestions.dock.width() - 330) <= 2)


def test_focus_mode_comes_back_after_quit_and_after_a_crash(qtbot: QtBot, make_window: WindowFactory,
                                                           store: Store) -> None:
    store.create_draft("A draft")
    window = make_window()
    window.toggle_focus_mode()
    window.close()
    again = make_window()
    qtbot.waitUntil(lambda: again.focus_mode and again.isFullScreen())
    qtbot.wait(SAVE_EVERY_MS + 200)  # no quit this time
    after_crash = make_window()
    qtbot.waitUntil(lambda: after_crash.focus_mode)
    after_crash.toggle_focus_mode()
    after_crash.close()
    assert not make_window().focus_mode


def test_the_panel_tab_in_front_comes_back(qtbot: QtBot, make_window: WindowFactory, store: Store) -> None:
    store.create_draft("A draft")
    window = make_window()
    docks = window.side_docks()
    behind = [d for d in docks if d.visibleRegion().isEmpty()]
    assert len(docks) >= 2 and behind, "one panel tab in front, the others behind"
    behind[0].raise_()
    qtbot.waitUntil(lambda: not behind[0].visibleRegion().isEmpty())
    front = behind[0].objectName()
    qtbot.wait(SAVE_EVERY_MS + 200)  # saved without quitting

    again = make_window()
    qtbot.waitUntil(lambda: any(d.objectName() == front and not d.visibleRegion().isEmpty()
                                for d in again.side_docks()))


def _run(data: Path, *args: str) -> subprocess.Popen[str]:
    """The real app, driven by ``tests/drive_app.py`` (``--type TEXT`` or ``--report-session``)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"}
    env.pop("WRITER_EXIT_WHEN_READY", None)
    return subprocess.Popen([sys.executable, str(REPO / "tests" / "drive_app.py"), "--data-dir", str(data), *args],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def test_kill_9_of_the_real_app_then_relaunch_opens_the_same_draft_at_the_same_place(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data / "writer.db") as store:
        store.create_draft("An older draft")
    text = "Harbour notes\nThe boats came in early today←←←←←←"
    typing = _run(data, "--type", text, "--cps", "80")
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(typing.stdout or []), daemon=True)
    reader.start()
    started = time.monotonic()
    while not any(line.startswith("autotype-done") for line in lines) and time.monotonic() - started < 60:
        time.sleep(0.05)
    assert any(line.startswith("autotype-done") for line in lines), "the app did not finish typing"
    time.sleep(1.2)  # a second after the last key: the text (autosave) and the place (session) are on disk
    typing.send_signal(signal.SIGKILL)
    typing.wait(10)
    assert typing.returncode == -signal.SIGKILL
    draft_id = int(next(line for line in lines if line.startswith("autotype-done")).split()[1])

    relaunch = _run(data, "--report-session")
    out, _ = relaunch.communicate(timeout=120)
    report = next(line for line in out.splitlines() if line.startswith("writer-session"))
    fields = dict(part.split("=") for part in report.split()[1:])
    typed = text.replace("←", "")
    assert int(fields["draft"]) == draft_id  # not the older draft, nor the most recent by date
    assert int(fields["position"]) == int(fields["anchor"]) == len(typed) - text.count("←")
    with Store.open(data / "writer.db") as store:
        assert store.get_draft(draft_id).body == typed


def test_the_app_says_when_it_made_an_older_writers_open_folder_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data / "writer.db") as store:
        store.create_draft("Written by an older Writer")
    data.chmod(0o755)  # what Writer used to leave
    out, _ = _run(data, "--report-session").communicate(timeout=120)
    status = next(line for line in out.splitlines() if line.startswith("writer-status"))
    assert "private to you" in status
    assert data.stat().st_mode & 0o777 == 0o700
