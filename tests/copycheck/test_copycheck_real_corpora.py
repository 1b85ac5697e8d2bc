"""The real training books: exact indexes for PKD, planted passages, no false flags."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from models import corpus as corpus_mod
from models.index import build_index
from models.recipe import DEFAULTS
from tests.conftest import NO_CORPORA, SHARED_CORPORA
from writer.copycheck import Checker, CopyIndex
from writer.copycheck.normalise import tokenise


def recipe(name: str, sets: list[str], **index: object) -> dict:
    return {**DEFAULTS, "name": name, "corpus": {**DEFAULTS["corpus"], "sets": sets},
            "index": {**DEFAULTS["index"], **index}}


@pytest.fixture(scope="module")
def pkd(tmp_path_factory: pytest.TempPathFactory) -> tuple[CopyIndex, dict]:
    if not (SHARED_CORPORA / "MANIFEST.tsv").is_file():
        pytest.skip(NO_CORPORA)
    run = tmp_path_factory.mktemp("run-pkd")
    summary = build_index(recipe("pkd", ["pkd"]), run, corpus_dir=SHARED_CORPORA)
    return CopyIndex.load(run / "pack" / "copyindex"), summary


def test_factory_step_summary(pkd: tuple[CopyIndex, dict]) -> None:
    index, summary = pkd
    assert summary["works"] == 12 and summary["mode"] == "exact"
    assert 90_000 < summary["words"] < 110_000
    assert summary["bytes"] <= 8 * summary["words"]
    assert {w.title for w in index.works} >= {"The Variable Man", "Second Variety"}
    assert all(w.author == "Philip K. Dick" and w.gutenberg_id for w in index.works)


def test_disabled_index_step_is_skipped(tmp_path: Path) -> None:
    assert "skipped" in build_index(recipe("x", ["pkd"], enabled=False), tmp_path)
    assert not (tmp_path / "pack").exists()


@pytest.mark.parametrize("seed", range(6))
def test_planted_pkd_passages(pkd: tuple[CopyIndex, dict], shared_corpora: Path, seed: int) -> None:
    index, _ = pkd
    rng = random.Random(seed)
    works = corpus_mod.select_works(corpus_mod.load_manifest(shared_corpora), sets=["pkd"])
    work = rng.choice(works)
    text = "\n\n".join(corpus_mod.clean(corpus_mod.read_work(shared_corpora, work)))
    tok = tokenise(text)
    n = rng.randint(20, 60)
    first = rng.randrange(len(tok) - n)
    passage = text[tok.starts[first]:tok.ends[first + n - 1]]
    pasted = passage.upper() if seed % 2 else passage.replace("\n", " ").replace('"', "“")
    draft = f"Zyx qwv plk. Mnbv ghjt {pasted} xwzq vbnk. Zyx qwv."
    flags = Checker([index]).check(draft)
    # the true copy is a maximal span at least n long (it may continue into our filler: it cannot)
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.start, flag.end, flag.words, flag.level) == (draft.index(pasted), draft.index(pasted) + len(pasted),
                                                               n, "copy")
    srcs = {(s.title, s.gutenberg_id, s.word) for s in flag.sources}
    assert (work.title, work.gutenberg_id, first) in srcs


def variable_man_sentence(corpora: Path, min_words: int = 12) -> str:
    """A sentence of *The Variable Man*, read at test time (corpus text never enters the repo)."""
    works = corpus_mod.load_manifest(corpora)
    work = next(w for w in works if w.title == "The Variable Man")
    text = " ".join(corpus_mod.clean(corpus_mod.read_work(corpora, work)))
    sentences = [s for s in text.split(". ") if len(s.split()) >= min_words and "Reinhart" in s]
    return random.Random(1).choice(sentences) + "."


def test_variable_man_sentence_has_its_title(pkd: tuple[CopyIndex, dict], shared_corpora: Path) -> None:
    index, _ = pkd
    sentence = variable_man_sentence(shared_corpora)
    flags = Checker([index]).check("My draft begins here. " + sentence + " And it ends here.")
    assert len(flags) == 1 and flags[0].source.title == "The Variable Man"
    assert flags[0].source.author == "Philip K. Dick" and flags[0].source.gutenberg_id == 32154


def test_shuffled_real_text_and_other_authors_do_not_flag(pkd: tuple[CopyIndex, dict], shared_corpora: Path) -> None:
    index, _ = pkd
    works = corpus_mod.select_works(corpus_mod.load_manifest(shared_corpora), sets=["pkd", "ja"])
    rng = random.Random(0)
    pkd_text = "\n\n".join(corpus_mod.clean(corpus_mod.read_work(shared_corpora, works[0])))
    shuffled = pkd_text.split()
    rng.shuffle(shuffled)
    austen = next(w for w in works if w.set == "ja" and w.title == "Persuasion")
    austen_text = "\n\n".join(corpus_mod.clean(corpus_mod.read_work(shared_corpora, austen)))
    checker = Checker([index])
    assert checker.check(" ".join(shuffled)) == []
    # Persuasion (83,000 words) against PKD: 8-word echoes of 1950s SF in Austen are chance phrases
    assert len(checker.check(austen_text)) <= 2
