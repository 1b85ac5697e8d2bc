"""Build Writer's one-folder app with PyInstaller, then smoke-test it.

    python packaging/build.py [--dist DIR] [--work DIR] [--no-check]

Writes ``dist/writer/`` (run ``dist/writer/writer``); ``packaging/install-linux.sh`` then
puts it in the desktop's launcher. Needs the ``packaging`` extra (``pip install -e
.[packaging]``). The check runs the frozen ``writer --version`` and starts the app
offscreen to its main window and out again, in a throwaway data folder.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "packaging" / "writer.spec"


def build(dist: Path, work: Path) -> Path:
    """Run PyInstaller on the spec; returns the app folder."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("PyInstaller is missing: pip install -e '.[packaging]'") from None
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work), str(SPEC)], cwd=REPO, check=True)
    return dist / "writer"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def check(app: Path, timeout: float = 120) -> float:
    """Run the frozen app's ``--version`` and an offscreen start; returns the start-up seconds."""
    exe = app / "writer"
    version = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=timeout)
    if version.returncode != 0 or not version.stdout.startswith("writer "):
        raise SystemExit(f"frozen --version failed ({version.returncode}): {version.stdout}{version.stderr}")
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "WRITER_EXIT_WHEN_READY": "1", "WRITER_HOME": home}
        run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=timeout, env=env)
    ready = [line for line in run.stdout.splitlines() if line.startswith("writer-ready ")]
    if run.returncode != 0 or not ready:
        raise SystemExit(f"frozen app did not start cleanly ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    return float(ready[-1].split()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="where the app folder goes (default: dist/)")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "pyinstaller", help="PyInstaller's work folder")
    parser.add_argument("--no-check", action="store_true", help="skip running the frozen app")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    app = build(args.dist.resolve(), args.work.resolve())
    took = time.perf_counter() - start
    print(f"built {app} in {took:.0f} s: {folder_size(app) / 2**20:.0f} MB")
    if not args.no_check:
        print(f"frozen app: --version ok, main window ready in {check(app):.2f} s (offscreen)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
