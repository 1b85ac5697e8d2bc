"""Fixtures for the model factory's tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from tinycorpus import make_tiny_corpus, write_tiny_recipes


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    return make_tiny_corpus(tmp_path)


@pytest.fixture
def tiny_recipes(tmp_path: Path) -> dict[str, Path]:
    return write_tiny_recipes(tmp_path)
