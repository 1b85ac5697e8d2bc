"""Every test runs with its own temporary WRITER_HOME and offscreen Qt."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED_CORPORA = Path(os.environ.get("WRITER_CORPORA") or REPO.parent / "shared" / "corpora")
#: Why corpus tests skip: a plain clone has no training books (README, "Contributing").
NO_CORPORA = "no training corpora: ../shared/corpora beside the checkout, or WRITER_CORPORA"


@pytest.fixture(autouse=True)
def writer_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh user data folder, so no test sees another's drafts or settings."""
    home = tmp_path_factory.mktemp("writer-home")
    monkeypatch.setenv("WRITER_HOME", str(home))
    from writer import paths

    paths.set_data_dir(None)
    return home


@pytest.fixture
def shared_corpora() -> Path:
    """The training books beside the checkout; tests that need them skip without them."""
    if not (SHARED_CORPORA / "MANIFEST.tsv").is_file():
        pytest.skip(NO_CORPORA)
    return SHARED_CORPORA
