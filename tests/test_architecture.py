"""The contracts in pyproject.toml hold for the tree as it is: the layering ([tool.importlinter]),
the services' types ([tool.mypy]) and ruff's rules, complexity <= 12 among them ([tool.ruff]).

A service that imports Qt cannot run in the CLI or a child process without a display, and a command
that imports the UI drags the whole window in; this test fails the suite on either. import-linter runs
in a process of its own: it configures logging, which would silence the app's loggers for later tests.
mypy runs in its own process too (with its cache in .mypy_cache, so a rerun takes about a second).
"""

from __future__ import annotations

import importlib.util
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


def test_services_and_the_command_line_type_check() -> None:
    """A wrong type in the store, publishing, copy checking, generation, settings or the CLI (a
    ``str | None`` used as a ``str``, a misspelt attribute) fails the suite, not a user's session."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is in the [test] extra")
    result = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml")],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout


def test_ruff_finds_nothing_and_no_function_is_too_complex() -> None:
    """A function past complexity 12 (or any other ruff finding) fails the suite: it gets split into
    named steps before it lands, not after."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is in the [test] extra")
    result = subprocess.run([ruff, "check", "--no-cache", "--output-format", "concise", "."], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
