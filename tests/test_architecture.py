"""The layering contracts in pyproject.toml ([tool.importlinter]) hold for the tree as it is.

A service that imports Qt cannot run in the CLI or a child process without a display, and a command
that imports the UI drags the whole window in; this test fails the suite on either.
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_layering_contracts_are_kept(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    cli = pytest.importorskip("importlinter.cli", reason="import-linter is in the [test] extra")
    monkeypatch.chdir(ROOT)
    status = cli.lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    out = capsys.readouterr().out
    assert status == 0, out
    assert "Contracts: 3 kept, 0 broken" in out
