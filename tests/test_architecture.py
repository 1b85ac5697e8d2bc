"""The layering contracts in pyproject.toml ([tool.importlinter]) hold for the tree as it is.

A service that imports Qt cannot run in the CLI or a child process without a display, and a command
that imports the UI drags the whole window in; this test fails the suite on either. import-linter runs
in a process of its own: it configures logging, which would silence the app's loggers for later tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_layering_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    if lint is None:
        pytest.skip("import-linter is in the [test] extra")
    result = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 3 kept, 0 broken" in result.stdout
