"""Does the editor stay responsive through a 5 MB paste? GUI-thread stalls, measured.

A 5 ms QTimer runs on the GUI thread; each time it fires late, the lateness is a stall the
writer feels. Two texts of about 5 MB are pasted through the clipboard (Ctrl+V): a book's
worth of short paragraphs, and the same words as one single line (a minified export, a log).
After the paste a key is typed every 100 ms. Each scenario runs in a bare QMainWindow with a
QPlainTextEdit (the baseline: what Qt alone costs, same run, same machine) and in Writer's real
main window (highlighter, autosave, word count, provenance, copy check and suggestions on).

Targets: typing after the paste never stalls over 50 ms; the paste itself holds the window at
most twice as long as it holds a bare QPlainTextEdit. Last, a long draft is opened from the
drafts list (switching to it) against a bare editor's setPlainText of the same text.

A book pasted from a model's own training corpus (``--corpus ../shared/corpora/ja``) also
exercises the copy check, which then flags most of it.

    python benchmarks/paste.py [--mb 5] [--keys 30] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.responsiveness import StallMeter, p99

WORDS = ("the a harbour was quiet that morning fog lay on water like wet wool and boats came in one by "
         "low slow their lanterns still lit nobody spoke quay gulls did talking Martha stood ledger with "
         "her pen waited for first them to tie up *again* `code` [link](https://example.org) # > -").split()


def prose(megabytes: float, *, single_line: bool) -> str:
    """About ``megabytes`` MB of Markdown-ish prose, as paragraphs or as one line."""
    rng = random.Random(7)
    target = int(megabytes * 1_000_000)
    parts: list[str] = []
    size = 0
    while size < target:
        para = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))) + "."
        parts.append(para)
        size += len(para) + 1
    return (" " if single_line else "\n").join(parts)


def books(folder: Path, megabytes: float) -> str:
    """The first ``megabytes`` MB of the ``*.txt`` books in ``folder``, one after another."""
    text = "\n\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.txt")))
    return text.replace("\r\n", "\n")[: int(megabytes * 1_000_000)]


def settle(app: object, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)


def scenario(app: object, editor: object, text: str, keys: int) -> tuple[list[float], list[float]]:
    """Paste ``text`` with Ctrl+V, then type ``keys`` keys: stalls after the paste, and while typing."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    app.clipboard().setText(text)  # type: ignore[attr-defined]
    editor.setFocus()  # type: ignore[attr-defined]
    settle(app, 0.3)
    meter = StallMeter()
    meter.start()
    QTest.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    settle(app, 3.0)
    paste = meter.stop()
    meter.start()
    for _ in range(keys):
        QTest.keyClick(editor, Qt.Key.Key_A)
        settle(app, 0.1)
    settle(app, 1.5)  # the autosave of the last keys
    return paste, meter.stop()


def bare(app: object, text: str, keys: int) -> tuple[list[float], list[float]]:
    from PySide6.QtWidgets import QMainWindow, QPlainTextEdit

    window = QMainWindow()
    editor = QPlainTextEdit()
    window.setCentralWidget(editor)
    window.resize(1280, 800)
    window.show()
    try:
        return scenario(app, editor, text, keys)
    finally:
        window.close()
        window.deleteLater()
        settle(app, 0.2)


def writer(app: object, text: str, keys: int) -> tuple[list[float], list[float]]:
    from writer.settings import Settings
    from writer.store import Store
    from writer.ui.main_window import MainWindow

    store = Store.open()
    settings = Settings.load()
    window = MainWindow(store, settings)
    window.resize(1280, 800)
    window.show()
    settle(app, 0.5)
    window.new_draft()
    settle(app, 0.5)
    try:
        return scenario(app, window.editor, text, keys)
    finally:
        window.close()
        window.worker.wait(30_000)
        store.close()
        settle(app, 0.2)


TYPING_TARGET_MS = 50.0
PASTE_TARGET_RATIO = 2.0


def line(name: str, stalls: list[float], base: list[float] | None, target: str = "") -> str:
    worst, q = max(stalls, default=0.0), p99(stalls)
    out = f"  {name:<24} max stall {worst:7.1f} ms   p99 {q:6.1f} ms"
    if base is not None:
        out += f"   (max ×{worst / max(max(base, default=0.0), 1.0):.2f} of bare Qt)"
    return out + target


def verdict(ok: bool) -> str:
    return "   OK" if ok else "   OVER TARGET"


def open_long_draft(app: object, text: str) -> tuple[float, float]:
    """Seconds to show ``text`` in a bare editor, and to switch to it as a draft in Writer."""
    from PySide6.QtWidgets import QPlainTextEdit

    from writer.settings import Settings
    from writer.store import Store
    from writer.ui.main_window import MainWindow

    def shown_in(action: Callable[[], object]) -> float:
        t0 = time.perf_counter()
        action()
        app.processEvents()  # type: ignore[attr-defined]
        return time.perf_counter() - t0

    bare_editor = QPlainTextEdit()
    bare_editor.resize(1280, 800)
    bare_editor.show()
    settle(app, 0.2)
    bare_s = shown_in(lambda: bare_editor.setPlainText(text))
    bare_editor.close()

    store = Store.open()
    long_id = store.create_draft(text).id
    short_id = store.create_draft("A short draft.").id
    window = MainWindow(store, Settings.load())
    window.resize(1280, 800)
    window.show()
    window.open_draft(short_id)
    settle(app, 1.0)
    writer_s = shown_in(lambda: window.open_draft(long_id))
    window.close()
    window.worker.wait(30_000)
    store.close()
    return bare_s, writer_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=5.0, help="size of the pasted text in MB")
    parser.add_argument("--keys", type=int, default=30, help="keys typed after the paste, one per 100 ms")
    parser.add_argument("--corpus", type=Path, help="paste these books (a folder of .txt) instead of made-up prose")
    args = parser.parse_args()

    from writer import paths
    from writer.ui.app import make_app

    with tempfile.TemporaryDirectory() as tmp:
        paths.set_data_dir(tmp)
        app = make_app([])
        runs: list[tuple[str, Callable[..., tuple[list[float], list[float]]]]] = [("bare Qt", bare), ("Writer", writer)]
        for single in (False, True):
            text = prose(args.mb, single_line=single)
            if args.corpus is not None:
                text = books(args.corpus, args.mb)
                text = " ".join(text.split()) if single else text
            shape = "one line" if single else f"{text.count(chr(10)) + 1:,} lines"
            print(f"Paste of {len(text.encode()) / 1e6:.2f} MB ({shape}), then {args.keys} keys 100 ms apart "
                  f"({os.cpu_count()} CPUs)", flush=True)
            results = {name: fn(app, text, args.keys) for name, fn in runs}
            base_paste, base_typing = results["bare Qt"]
            print(line("bare Qt: paste", base_paste, None), flush=True)
            print(line("bare Qt: typing after", base_typing, None), flush=True)
            paste, typing = results["Writer"]
            paste_ok = max(paste) <= PASTE_TARGET_RATIO * max(base_paste)
            print(line("Writer: paste", paste, base_paste, verdict(paste_ok)), flush=True)
            print(line("Writer: typing after", typing, base_typing, verdict(max(typing) <= TYPING_TARGET_MS)),
                  flush=True)
        text = prose(args.mb, single_line=False) if args.corpus is None else books(args.corpus, args.mb)
        bare_s, writer_s = open_long_draft(app, text)
        print(f"Opening a {len(text.encode()) / 1e6:.2f} MB draft: bare setPlainText {bare_s * 1000:.0f} ms, "
              f"Writer {writer_s * 1000:.0f} ms (×{writer_s / bare_s:.2f})", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
