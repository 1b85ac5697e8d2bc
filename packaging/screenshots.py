"""Screenshots of the real app with a demo data folder, saved to docs/screenshots/.

Runs under Xvfb (re-executes itself with ``xvfb-run`` when there is no display) so
fonts and rendering match a desktop. ``main.png`` comes from ``writer --screenshot``;
the other scenes drive the same MainWindow in-process.

    python packaging/screenshots.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "screenshots"

DEMO = [
    (9, "# Notes from the harbour\n\nThe boats came in before dawn, *low in the water*, and the gulls "
        "knew it before we did.\n\n> Every tide writes the same letter twice.\n\n## What to keep\n\n"
        "- the smell of tar and rope\n- the harbourmaster's **ledger**, open on the bench\n"
        "- a list of names nobody reads aloud\n\nI want the piece to end on the lantern, not the catch. "
        "See [the tide tables](https://example.org/tides) for the dates.\n"),
    (30, "# Why I stopped outlining\n\nFor years I wrote outlines that were better than the drafts. "
         "The outline was the *fun* part: all promise, no sentences.\n\nNow I write the ending first.\n"),
    (2 * 24 * 60, "# Garden log, spring\n\nBeans in on the 12th. Tomatoes waiting for the frost to "
                  "pass. The `compost` bin needs turning.\n"),
    (6 * 24 * 60, "# Letter to a young editor\n\nCut the first paragraph. Then cut the last one. What "
                  "remains is usually the essay.\n\n1. Read it aloud\n2. Circle every adverb\n"),
    (20 * 24 * 60, "Recipe: fish soup with saffron\n\nOnions, fennel, a pinch of saffron, whatever the "
                   "boats brought in.\n"),
]


def make_demo(data: Path) -> None:
    from writer.store import Store

    now = datetime.now(UTC)
    with Store.open(data / "writer.db") as store:
        for minutes, body in reversed(DEMO):
            when = now - timedelta(minutes=minutes)
            store.clock = lambda when=when: when
            store.create_draft(body, created=when - timedelta(days=3))


def scenes(data: Path) -> None:
    """The in-process scenes (needs a display)."""
    from writer import paths
    from writer.settings import Settings
    from writer.ui.app import make_app, open_store
    from writer.ui.main_window import MainWindow

    paths.set_data_dir(data)
    app = make_app([])
    store, _ = open_store()
    assert store is not None

    def shot(window: MainWindow, name: str) -> None:
        for _ in range(20):
            app.processEvents()
        window.grab().save(str(OUT / name), "PNG")
        print(f"wrote {OUT / name}")

    window = MainWindow(store, Settings.load())
    window.resize(1180, 760)
    window.show()
    window.start_search()
    window.search_field.setText("harbour")
    window._run_search()
    shot(window, "search.png")
    window.cancel_search()
    window.toggle_focus_mode()
    shot(window, "focus.png")
    window.toggle_focus_mode()
    window.close()

    dark = Settings.load()
    dark.set("theme", "dark")
    window = MainWindow(store, dark)
    window.resize(1180, 760)
    window.show()
    shot(window, "dark.png")
    window.close()
    suggestion_scenes(app, store, shot)
    store.close()


def suggestion_scenes(app: object, store: object, shot: object) -> None:
    """The Suggestions panel with real suggestions from the shipped packs, then compare mode."""
    import time

    from PySide6.QtGui import QTextCursor

    from writer.settings import Settings
    from writer.ui.main_window import MainWindow

    def wait(done: object) -> None:
        end = time.monotonic() + 120
        while not done() and time.monotonic() < end:  # type: ignore[operator]
            app.processEvents()  # type: ignore[attr-defined]
            time.sleep(0.01)

    store.create_draft("# The lantern\n\nThe boats came in before dawn, low in the water, and the gulls knew it "  # type: ignore[attr-defined]
                       "before we did. Martha stood by the harbourmaster's ledger with her pen, waiting for "
                       "the first of them to tie up.\n\nWhen the last boat was in, she closed the book and")
    settings = Settings.load()
    settings.set("suggest.auto", False)
    window = MainWindow(store, settings)  # type: ignore[arg-type]
    window.resize(1400, 860)
    window.show()
    panel = window.suggestions  # type: ignore[attr-defined]
    wait(lambda: panel.picker.count() > 0)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    finished: list[object] = []
    panel.suggestionsFinished.connect(lambda *args: finished.append(args))
    panel.suggest()
    wait(lambda: len(finished) == 1)
    panel.reroll()
    wait(lambda: len(finished) == 2)
    shot(window, "suggestions.png")  # type: ignore[operator]
    panel.compare_button.setChecked(True)
    wait(lambda: len(finished) == 3)
    shot(window, "compare.png")  # type: ignore[operator]
    window.close()


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--scenes":
        scenes(Path(sys.argv[2]))
        return 0
    if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        if not shutil.which("xvfb-run"):
            raise SystemExit("xvfb-run not found: apt-get install xvfb xauth (see packaging/screenshots.py)")
        return subprocess.call(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable,
                                *sys.argv], cwd=REPO)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        make_demo(data)
        (data / "window.ini").write_text("")  # default layout
        subprocess.run([sys.executable, "-m", "writer", "--data-dir", str(data), "--screenshot",
                        str(OUT / "main.png")], cwd=REPO, check=True)
        print(f"wrote {OUT / 'main.png'}")
        first_run = Path(tmp) / "empty"
        subprocess.run([sys.executable, "-m", "writer", "--data-dir", str(first_run), "--screenshot",
                        str(OUT / "first-run.png")], cwd=REPO, check=True)
        print(f"wrote {OUT / 'first-run.png'}")
        subprocess.run([sys.executable, __file__, "--scenes", str(data)], cwd=REPO, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
