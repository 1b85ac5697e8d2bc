"""Screenshots of the real app with a demo data folder, saved to docs/screenshots/.

Runs under Xvfb (re-executes itself with ``xvfb-run`` when there is no display) so
fonts and rendering match a desktop. ``main.png`` comes from the app started as ``writer`` starts it;
the other scenes drive the same MainWindow in-process.

    python packaging/screenshots.py                    # every scene
    python packaging/screenshots.py publish stats      # only these (names without .png)
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
sys.path.insert(0, str(REPO))  # this checkout's Writer, not whichever one the venv has installed
OUT = REPO / "docs" / "screenshots"
ONLY: set[str] = set()  # scene names from the command line; empty means all


def want(*names: str) -> bool:
    """Whether any of these scenes (``publish``, ``stats``…) was asked for."""
    return not ONLY or any(name in ONLY for name in names)

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
    from writer.ui.features import build_window
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

    if want("search", "focus"):
        window = build_window(store, Settings.load())[0]
        window.resize(1180, 760)
        window.show()
        window.start_search()
        window.search_field.setText("harbour")
        window.search.run()
        shot(window, "search.png")
        window.cancel_search()
        window.toggle_focus_mode()
        shot(window, "focus.png")
        window.toggle_focus_mode()
        window.close()

    if want("dark"):
        dark = Settings.load()
        dark.set("theme", "dark")
        window = build_window(store, dark)[0]
        window.resize(1180, 760)
        window.show()
        shot(window, "dark.png")
        window.close()
    if want("settings", "about", "shortcuts", "publish", "publish-target", "publish-warning", "stats"):
        help_scenes(app, store, data)
    if want("suggestions", "compare", "ghost"):
        suggestion_scenes(app, store, shot)
    if want("tokens"):
        tokens_scene(app, store)
    if want("history"):
        history_scene(app, store)
    if want("tags"):
        tags_scene(app, store, shot)
    if want("models", "training"):
        models_scene(app, store)
    store.close()


def models_scene(app: object, store: object) -> None:
    """View ▸ Models with PKD selected and the harbour draft compared across the packs."""
    import time

    from writer.settings import Settings
    from writer.ui.features import build_window
    from writer.ui.models_page import install_models_page

    window = build_window(store, Settings.load())[0]  # type: ignore[arg-type]
    window.resize(1180, 760)
    window.show()
    draft = next(d for d in store.list_drafts() if "harbour" in d.title.lower())  # type: ignore[attr-defined]
    window.open_draft(draft.id)
    page = install_models_page(window)()

    def settle(done: object) -> None:
        end = time.monotonic() + 60
        while not done() and time.monotonic() < end:  # type: ignore[operator]
            app.processEvents()  # type: ignore[attr-defined]
            time.sleep(0.02)

    settle(lambda: page.list.count() >= 3)
    page.list.setCurrentRow([p.name for p in page.packs].index("pkd"))
    page.compare()
    settle(lambda: "writes most like" in page.status.text())
    overlay(window, page, "models.png")
    if want("training"):
        dialog = page.show_training()
        dialog.name.setText("my-dick")
        dialog.add_sources(["~/writing/stories-1953", "~/writing/the-gun.txt"])
        # the figures of a real run: five Dick stories (78k words), 10 min 48 s on two shared cores
        dialog.set_running(True)
        dialog.show_event({"event": "train", "step": 96, "tokens": 196_608, "tokens_per_s": 419,
                           "train_loss": 2.93, "eval_loss": 3.10, "valid_loss": 3.53, "seconds": 470.0,
                           "seconds_left": 250.0})
        settle(lambda: True)
        overlay(window, dialog, "training.png")
        dialog.close()
    page.close()
    window.close()


def tags_scene(app: object, store: object, shot: object) -> None:
    """The tag field above the text, with the harbour piece's tags and the completion list open."""
    from writer.settings import Settings
    from writer.ui.features import build_window

    drafts = store.list_drafts()  # type: ignore[attr-defined]
    for draft, tags in zip(drafts, (["harbour", "winter"], ["writing", "craft"], ["garden"]), strict=False):
        store.save_draft(draft.id, tags=tags)  # type: ignore[attr-defined]
    harbour = next(d for d in drafts if "harbour" in d.title.lower())
    window = build_window(store, Settings.load())[0]  # type: ignore[arg-type]
    window.resize(1180, 760)
    window.show()
    window.open_draft(harbour.id)
    field = window.tag_bar.field
    field.setFocus()
    field.setText("harbour, winter, wr")
    window.tag_bar.completer.complete()
    shot(window, "tags.png")  # type: ignore[operator]
    window.close()


def history_scene(app: object, store: object) -> None:
    """File ▸ History on the harbour piece, with three earlier versions and the diff of the oldest."""
    import time

    from writer.settings import Settings
    from writer.ui.features import build_window
    from writer.ui.history import install_history

    draft = next(d for d in store.list_drafts() if "harbour" in d.title.lower())  # type: ignore[attr-defined]
    now = store.clock()  # type: ignore[attr-defined]
    body = draft.body
    earlier = [body.replace("and the gulls knew it before we did", "and nobody saw them").replace(
                   "I want the piece to end on the lantern, not the catch. ", ""),
               body.replace("I want the piece to end on the lantern, not the catch. ", "End on the catch? "),
               body.replace("*low in the water*", "low in the water")]
    store.snapshot_interval = timedelta(days=365)  # only the versions made here  # type: ignore[attr-defined]
    for hours, text in zip((50, 26, 3), earlier, strict=True):
        store.clock = lambda hours=hours: now - timedelta(hours=hours)  # type: ignore[attr-defined]
        store.save_draft(draft.id, body=text)  # type: ignore[attr-defined]
        store.snapshot(draft.id, "manual" if hours == 26 else "autosave")  # type: ignore[attr-defined]
    store.clock = lambda: now  # type: ignore[attr-defined]
    store.save_draft(draft.id, body=body)  # type: ignore[attr-defined]
    window = build_window(store, Settings.load())[0]  # type: ignore[arg-type]
    window.resize(1180, 760)
    window.show()
    window.open_draft(draft.id)
    dialog = install_history(window)()
    dialog.list.setCurrentRow(dialog.list.count() - 1)
    end = time.monotonic() + 20
    while "Since this version" not in dialog.summary.text() and time.monotonic() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)
    overlay(window, dialog, "history.png")
    dialog.close()
    window.close()


def overlay(window: object, dialog: object, name: str) -> None:
    """Save ``window`` with ``dialog`` drawn over it, centred and shadowed, as a desktop would show it."""
    from PySide6.QtCore import QPoint, QRect
    from PySide6.QtGui import QColor, QPainter

    base = window.grab()  # type: ignore[attr-defined]
    top = dialog.grab()  # type: ignore[attr-defined]
    at = QPoint((base.width() - top.width()) // 2, max(24, (base.height() - top.height()) // 3))
    painter = QPainter(base)
    painter.fillRect(base.rect(), QColor(0, 0, 0, 60))
    for grow, alpha in ((10, 18), (6, 26), (3, 40)):
        painter.fillRect(QRect(at, top.size()).adjusted(-grow, -grow + 3, grow, grow + 3), QColor(0, 0, 0, alpha))
    painter.drawPixmap(at, top)
    painter.setPen(QColor(0, 0, 0, 90))
    painter.drawRect(QRect(at, top.size()).adjusted(0, 0, -1, -1))
    painter.end()
    base.save(str(OUT / name), "PNG")
    print(f"wrote {OUT / name}")


def help_scenes(app: object, store: object, data: Path) -> None:
    """Preferences, About (with the packs' cards), the F1 sheet, publishing and the stats view."""
    import time

    from keyring.backends.fail import Keyring as FailKeyring

    from writer.publishing.credentials import Credentials
    from writer.publishing.publisher import Publisher
    from writer.settings import Settings
    from writer.ui.features import build_window, install_publishing
    from writer.ui.settings_dialog import Preferences

    def settle(done: object = lambda: True, limit: float = 60) -> None:
        end = time.monotonic() + limit
        while True:
            for _ in range(10):
                app.processEvents()  # type: ignore[attr-defined]
            if done() or time.monotonic() > end:  # type: ignore[operator]
                return
            time.sleep(0.02)

    window = build_window(store, Settings.load())[0]  # type: ignore[arg-type]
    window.resize(1180, 760)
    window.show()
    publisher = Publisher(store, window.settings, credentials=Credentials(FailKeyring()))  # type: ignore[arg-type]
    publishing = install_publishing(window, publisher=publisher)
    controller = publishing.controller
    preferences = Preferences(window, publisher=publisher)
    settle()
    _help_dialog_scenes(window, preferences, settle)
    on_screen = _publish_scenes(window, store, publisher, controller, data, settle)
    _two_weeks_of_writing(store, on_screen)
    if want("stats"):
        stats_dialog = publishing.stats.show()
        settle()
        overlay(window, stats_dialog, "stats.png")
        stats_dialog.close()
    window.close()


def _help_dialog_scenes(window: object, preferences: object, settle: object) -> None:
    """Preferences on its Editor page, About once the packs' cards are in, and the F1 sheet."""
    if want("settings"):
        dialog = preferences.show()  # type: ignore[attr-defined]
        dialog.pages.setCurrentRow(next(i for i in range(dialog.pages.count())
                                        if dialog.pages.item(i).text() == "Editor"))
        settle()  # type: ignore[operator]
        overlay(window, dialog, "settings.png")
        dialog.close()

    if want("about"):
        about = window.show_about()  # type: ignore[attr-defined]
        settle(lambda: bool(about.cards))  # type: ignore[operator]
        about.resize(640, 700)
        settle()  # type: ignore[operator]
        overlay(window, about, "about.png")
        about.close()

    if want("shortcuts"):
        sheet = window.show_shortcuts()  # type: ignore[attr-defined]
        settle()  # type: ignore[operator]
        overlay(window, sheet, "shortcuts.png")
        sheet.close()


def _publish_scenes(window: object, store: object, publisher: object, controller: object, data: Path,
                    settle: object) -> int:
    """A static site in the demo folder with two posts out (the one on screen last), then the outbox,
    the target dialog and the copy warning. Returns the id of the draft on screen."""
    from writer.publishing import outbox

    outbox.add_target(store, "site", "static", {"path": str(data / "site")}, default=True)  # type: ignore[arg-type]
    first, second = window.model.draft_at(0).id, window.model.draft_at(1).id  # type: ignore[attr-defined]
    for draft_id in (second, first):
        window.open_draft(draft_id)  # type: ignore[attr-defined]
        controller.publish_current()  # type: ignore[attr-defined]
        settle(lambda draft_id=draft_id: store.get_draft(draft_id).status == "published")  # type: ignore
    settle(lambda: controller.publish_action.text() == "Update post")  # type: ignore
    if want("publish"):
        box = controller.show_outbox()  # type: ignore[attr-defined]
        box.resize(820, 300)
        settle()  # type: ignore[operator]
        overlay(window, box, "publish.png")
        box.close()
    if want("publish-target"):
        from writer.ui.publish_targets import TargetDialog

        target = TargetDialog(window, publisher)  # type: ignore[arg-type]
        target.location.setText(str(Path.home() / "Writing" / "site"))
        target.site_title.setText("Notes from the harbour")
        target.show()
        settle()  # type: ignore[operator]
        overlay(window, target, "publish-target.png")
        target.close()
    if want("publish-warning"):
        from writer.copycheck.checker import Flag, Source
        from writer.ui.copy_warning import CopyWarning

        # a made-up work: the scene shows the dialog, not any real book's text
        passage = ("The boats came in before dawn, low in the water, and the gulls knew it before we did, "
                   "crying over the harbour wall")
        work = Source("demo", "The Harbour Book", "A. Example", None, 1234, 12.5)
        warning = CopyWarning(window, [Flag(0, len(passage), 24, passage, "copy", (work,))])  # type: ignore[arg-type]
        warning.show()
        settle()  # type: ignore[operator]
        overlay(window, warning, "publish-warning.png")
        warning.close()
    return first


def _two_weeks_of_writing(store: object, draft_id: int) -> None:
    """Writing sessions over the last two weeks (two days off, three posts) for the stats view."""
    from writer.publishing import activity, stats

    now = store.clock()  # type: ignore[attr-defined]
    words = 0
    for day in range(13, -1, -1):
        if day in (3, 9):
            continue  # days off
        start = now - timedelta(days=day, hours=2)
        for minute in range(0, 25 + (day * 7) % 40, 3):
            words += 12 + (day * minute) % 9
            stats.record_save(store, draft_id, words, at=start + timedelta(minutes=minute))  # type: ignore[arg-type]
        if day in (1, 6, 11):
            activity.record(store, draft_id, "publish", words, at=start + timedelta(hours=1))  # type: ignore[arg-type]


def _wait(app: object, done: object, limit: float = 120) -> None:
    """Run the event loop until ``done()`` or ``limit`` seconds."""
    import time

    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:  # type: ignore[operator]
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.01)


def _panel_at_the_end_of(app: object, store: object, draft_id: int, width: int, height: int,
                         token_shading: bool = False) -> tuple[object, object, list[object]]:
    """A window on ``draft_id`` (not the draft an earlier scene's session left open) with the cursor
    at its end and the packs listed; returns it, its Suggestions panel and the finished batches."""
    from PySide6.QtGui import QTextCursor

    from writer.settings import Settings
    from writer.ui.features import build_window

    settings = Settings.load()
    settings.set("suggest.auto", False)
    settings.set("suggest.token_shading", token_shading)
    window, panels = build_window(store, settings)  # type: ignore[arg-type]
    window.resize(width, height)
    window.show()
    panel = panels.suggestions
    _wait(app, lambda: panel.picker.count() > 0)
    panel.compare_button.setChecked(False)  # one model, whatever an earlier scene's session left on
    window.open_draft(draft_id)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    finished: list[object] = []
    panel.suggestionsFinished.connect(lambda *args: finished.append(args))
    return window, panel, finished


def suggestion_scenes(app: object, store: object, shot: object) -> None:
    """The Suggestions panel with real suggestions from the shipped packs, then compare mode."""
    draft = store.create_draft("# The lantern\n\nThe boats came in before dawn, low in the water, and the gulls "  # type: ignore[attr-defined]
                               "knew it before we did. Martha stood by the harbourmaster's ledger with her pen, "
                               "waiting for the first of them to tie up.\n\nWhen the last boat was in, she closed "
                               "the book and")
    store.set_memory(draft.id, "Martha keeps the harbourmaster's ledger. A fishing town in winter; "  # type: ignore[attr-defined]
                     "quiet, plain, close to her.")
    window, panel, finished = _panel_at_the_end_of(app, store, draft.id, 1400, 860)

    def wait(done: object) -> None:
        _wait(app, done)

    panel.suggest()
    wait(lambda: len(finished) == 1)
    panel.reroll()
    wait(lambda: len(finished) == 2)
    shot(window, "suggestions.png")  # type: ignore[operator]
    panel.compare_button.setChecked(True)
    wait(lambda: len(finished) == 3)
    shot(window, "compare.png")  # type: ignore[operator]
    if want("ghost"):  # focus mode: the first suggestion as grey text at the cursor
        panel.compare_button.setChecked(False)
        wait(lambda: len(finished) == 4)
        window.toggle_focus_mode()
        panel.suggest()
        wait(lambda: len(finished) == 5)
        shot(window, "ghost.png")  # type: ignore[operator]
        window.toggle_focus_mode()  # and in the normal view, where Preferences turns it on
        window.settings.set("suggest.ghost", True)
        panel.suggest()
        wait(lambda: len(finished) == 6)
        shot(window, "ghost-normal.png")  # type: ignore[operator]
    window.close()


def tokens_scene(app: object, store: object) -> None:
    """The token view: real suggestions shaded by probability, one word hovered with its alternatives."""
    from PySide6.QtGui import QPainter
    from PySide6.QtTest import QTest

    def wait(done: object, limit: float = 120) -> None:
        _wait(app, done, limit)

    draft = store.create_draft("# The lantern\n\nThe boats came in before dawn, low in the water, and the "  # type: ignore[attr-defined]
                               "gulls knew it before we did. When the last boat was in, Martha closed the ledger and")
    # the whole screen: the popup is kept on it
    window, panel, finished = _panel_at_the_end_of(app, store, draft.id, 1280, 800, token_shading=True)
    panel.suggest()
    wait(lambda: bool(finished))
    wait(lambda: False, 0.3)  # laid out
    body = max((card.body for card in panel.list.cards), key=lambda b: len(b.tokens))
    unsure = [i for i, t in enumerate(body.tokens) if i > 0 and t.text.strip() and len(t.alternatives) > 2]
    index = min(unsure or [0], key=lambda i: body.tokens[i].prob)  # the word the model was least sure of
    QTest.mouseMove(body, body.token_rect(index).center())
    wait(lambda: panel.list.popup.isVisible(), 5)
    picture = window.grab()
    popup = panel.list.popup
    if popup.isVisible():  # a tool-tip window of its own: drawn onto the window's picture where it is
        painter = QPainter(picture)
        painter.drawPixmap(window.mapFromGlobal(popup.pos()), popup.grab())
        painter.end()
    picture.save(str(OUT / "tokens.png"), "PNG")
    print(f"wrote {OUT / 'tokens.png'}")
    window.close()


def app_shot(data: Path, target: Path) -> int:
    """Start the app as ``writer`` does, on ``data``; save the complete window as ``target``, then quit."""
    from PySide6.QtCore import QTimer

    from writer import paths
    from writer.ui.app import run_app

    paths.set_data_dir(data)

    def grab(app: object, window: object, _features: object) -> None:
        def save() -> None:
            app.processEvents()  # type: ignore[attr-defined]
            ok = window.grab().save(str(target), "PNG")  # type: ignore[attr-defined]
            app.exit(0 if ok else 1)  # type: ignore[attr-defined]

        QTimer.singleShot(600, save)

    return run_app([sys.argv[0]], on_ready=grab)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--app-shot":
        return app_shot(Path(sys.argv[2]), Path(sys.argv[3]))
    if len(sys.argv) > 1 and sys.argv[1] == "--scenes":
        ONLY.update(sys.argv[3:])
        scenes(Path(sys.argv[2]))
        return 0
    ONLY.update(name.removesuffix(".png") for name in sys.argv[1:])
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
        if want("main"):
            subprocess.run([sys.executable, __file__, "--app-shot", str(data), str(OUT / "main.png")],
                           cwd=REPO, check=True)
            print(f"wrote {OUT / 'main.png'}")
        if want("first-run"):
            first_run = Path(tmp) / "empty"
            subprocess.run([sys.executable, __file__, "--app-shot", str(first_run), str(OUT / "first-run.png")],
                           cwd=REPO, check=True)
            print(f"wrote {OUT / 'first-run.png'}")
        subprocess.run([sys.executable, __file__, "--scenes", str(data), *sorted(ONLY)], cwd=REPO, check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
