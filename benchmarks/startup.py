"""Cold start to an editable window, and to a fully loaded one: Writer vs a bare QApplication + QMainWindow.

Each run is a fresh subprocess (offscreen Qt) timed from launch until it prints that its
window is shown and editable, and until it is fully loaded (side panels, history, models page
and publishing in: ``writer-complete``). Prints medians and both ratios to the bare window
(which is fully loaded once shown); the targets are for the editable window: Writer <= 1.0 s
and <= 2.5x the bare window.

Launches are timed as a user's are after the first: with Python's bytecode cache written
(``PYTHONDONTWRITEBYTECODE`` is dropped for the runs; an installed app has its ``.pyc``
files). With it set, every launch compiles Writer's ~55 modules again, ~0.1 s the bare
window, which has no Python modules of its own, never pays.

    python benchmarks/startup.py [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BARE = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit
app = QApplication([])
w = QMainWindow(); w.setCentralWidget(QPlainTextEdit()); w.resize(1180, 760); w.show()
QTimer.singleShot(0, lambda: (print("writer-ready", flush=True), print("bare", flush=True), app.quit()))
app.exec()
"""


def time_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds to an editable window, and to the fully loaded one (side panels in; bare: the same)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    assert proc.stdout is not None
    ready = None
    for line in proc.stdout:
        if line.startswith("writer-ready"):
            ready = time.perf_counter() - start
        if line.startswith("writer-complete") or (ready is not None and "bare" in line):
            break
    if ready is None:
        raise SystemExit(f"{cmd} never became ready (exit {proc.wait()})")
    complete = time.perf_counter() - start
    proc.wait(30)
    return ready, complete


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "WRITER_EXIT_WHEN_READY": "1"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as data:
        # A realistic data folder: some drafts already there.
        subprocess.run([sys.executable, "-c", (
            "from writer.store import Store\n"
            f"s = Store.open(__import__('pathlib').Path({data!r}) / 'writer.db')\n"
            "[s.create_draft(f'# Draft {i}\\n\\n' + 'Some words here. ' * 300) for i in range(60)]\n"
            "s.close()")], cwd=REPO, check=True)
        writer_cmd = [sys.executable, "-m", "writer", "--data-dir", data]
        bare_cmd = [sys.executable, "-c", BARE]
        time_once(writer_cmd, env)  # warm the OS file cache for both, like any second launch
        time_once(bare_cmd, env)
        writer, loaded, bare = [], [], []
        for _ in range(args.runs):  # interleaved, so load on the machine hits both alike
            ready, done = time_once(writer_cmd, env)
            writer.append(ready)
            loaded.append(done)
            bare.append(time_once(bare_cmd, env)[0])
    w, b, c = statistics.median(writer), statistics.median(bare), statistics.median(loaded)
    print(f"bare QMainWindow : median {b:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in bare)})")
    print(f"Writer           : median {w:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in writer)})  editable")
    print(f"Writer, loaded   : median {c:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in loaded)})  "
          "fully loaded: side panels and publishing in (they load after the window is editable)")
    print(f"ratio Writer/bare: {w / b:.2f}x editable, {c / b:.2f}x fully loaded   targets (editable): <= 1.0 s and "
          f"<= 2.5x -> {'OK' if w <= 1.0 and w / b <= 2.5 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
