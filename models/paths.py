"""Where the factory reads and writes by default: one module, so the steps share it without importing each other."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: every recipe's intermediate products, and its finished pack (``runs/<name>/pack``)
RUNS_DIR = REPO / "runs"
#: the packs the app ships; the card step installs here only when asked (``--install``)
SHIPPED_PACKS = REPO / "resources" / "models"
