"""Run the real app (``writer``'s own start-up) with a test driving it; a script, not a test module.

    python tests/drive_app.py --data-dir DIR --type TEXT [--cps 60]   # type TEXT into a new draft
    python tests/drive_app.py --data-dir DIR --report-session         # print where it opened, then quit

Typing prints ``autotype <draft id> <chars typed>`` after each key (see ``autotype.py``), so a test
knows what was typed by when before it kills the process; ``--report-session`` prints
``writer-session draft=<id> position=<n> anchor=<n> focus=<0|1>`` and ``writer-status <message>`` once the
window is complete.
Keeping these hooks here keeps them out of the product.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parents[1]))  # the checkout this script belongs to, not another

from autotype import AutoTyper  # beside this script, which Python puts first on sys.path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from writer import paths
from writer.ui.app import run_app
from writer.ui.features import Features
from writer.ui.main_window import MainWindow


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--type", dest="text", help="text to type into a new draft (← → ↑ ↓ press arrows)")
    parser.add_argument("--cps", type=float, default=40.0, help="characters a second")
    parser.add_argument("--report-session", action="store_true", help="print where the app opened, then quit")
    args = parser.parse_args()
    paths.set_data_dir(args.data_dir)

    def on_ready(app: QApplication, window: MainWindow, _features: Features) -> None:
        if args.report_session:
            cursor = window.editor.textCursor()
            print(f"writer-session draft={window.current_draft_id} position={cursor.position()} "
                  f"anchor={cursor.anchor()} focus={int(window.focus_mode)}", flush=True)
            print(f"writer-status {window.statusBar().currentMessage()}", flush=True)
            app.quit()
        elif args.text is not None:
            typer = AutoTyper(window, args.text, chars_per_second=args.cps)
            QTimer.singleShot(0, typer.start)

    return run_app([sys.argv[0]], on_ready=on_ready)


if __name__ == "__main__":
    raise SystemExit(main())
