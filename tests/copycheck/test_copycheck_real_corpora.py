"""The real training books: exact indexes for PKD, planted passages, no false flags."""

from __future__ import annotations

import hashlib
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


def test_reindexing_a_pack_uses_the_works_its_card_lists(shared_corpora: Path, tmp_path: Path) -> None:
    """``python -m models.index PACK``: the PKD recipe now holds two stories out, but the shipped
    pack was trained on them, so its index must keep them; only the card's copy-index lines change."""
    import json
    import shutil

    from models.index import main as reindex_main
    from writer import paths

    pack = tmp_path / "pkd"
    shutil.copytree(paths.resources_dir() / "models" / "pkd", pack)
    card_before = json.loads((pack / "card.json").read_text(encoding="utf-8"))
    md_before = (pack / "CARD.md").read_text(encoding="utf-8").split("\n")
    (pack / "copyindex" / "entries.npy").write_bytes(b"garbled")
    assert reindex_main([str(pack), "--corpus-dir", str(shared_corpora)]) == 0
    index = CopyIndex.load(pack / "copyindex")
    assert {w.gutenberg_id for w in index.works} == {w["gutenberg_id"] for w in card_before["works"]} >= {32832, 30255}
    card = json.loads((pack / "card.json").read_text(encoding="utf-8"))
    for name in ("entries.npy", "index.json"):
        file = pack / "copyindex" / name
        assert card["files"][f"copyindex/{name}"] == file.stat().st_size
        assert card["sha256"][f"copyindex/{name}"] == hashlib.sha256(file.read_bytes()).hexdigest()
    assert {k: v for k, v in card.items() if k not in ("files", "sha256", "copy_index")} == \
        {k: v for k, v in card_before.items() if k not in ("files", "sha256", "copy_index")}
    md = (pack / "CARD.md").read_text(encoding="utf-8").split("\n")
    changed = [(a, b) for a, b in zip(md_before, md, strict=True) if a != b]
    assert all(b.startswith(("- Copy index", "- Files:")) for _a, b in changed)


def test_reindexing_without_the_books_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from models.index import main as reindex_main

    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "card.json").write_text('{"works": [{"gutenberg_id": 99999999}]}', encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    assert reindex_main([str(pack), "--corpus-dir", str(tmp_path / "corpus")]) == 2
    assert "MANIFEST.tsv" in capsys.readouterr().err
    assert not (pack / "copyindex").exists()


@pytest.mark.parametrize(("sketch_above", "mode"), [(10**9, "winnow"), (50_000, "sketch")])
def test_auto_mode_fits_the_index_to_the_corpus(shared_corpora: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                sketch_above: int, mode: str) -> None:
    """The thresholds scaled down to PKD: above the first a filtered winnowed index, above the second a sketch."""
    from models import index as factory

    monkeypatch.setattr(factory, "EXACT_MAX_WORDS", 1000)
    monkeypatch.setattr(factory, "SKETCH_MIN_WORDS", sketch_above)
    summary = build_index(recipe("pkd", ["pkd"]), tmp_path, corpus_dir=shared_corpora)
    index = CopyIndex.load(tmp_path / "pack" / "copyindex")
    assert summary["mode"] == index.mode == mode and summary["bytes"] < 4 * summary["words"]
    assert index.meta["filter"]["bits"] == (16 if mode == "sketch" else 12)
    sentence = variable_man_sentence(shared_corpora, min_words=16)
    flags = Checker([index]).check("My draft begins here. " + sentence + " And it ends here.")
    assert len(flags) == 1
    assert flags[0].source.title == ("the training books of pkd" if mode == "sketch" else "The Variable Man")
