"""Fixtures: a synthetic corpus the tests build, and words it never uses."""

from __future__ import annotations

import random

import pytest
from synthcorpus import Corpus, build_corpus, vocabulary


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("synthetic"))


@pytest.fixture(scope="session")
def filler_vocab() -> list[str]:
    """Words the corpus never uses ("q" never starts a syllable), so filler never matches."""
    return vocabulary(random.Random(99), 500, prefix="q")
