"""The window filter: every span of 9+ words found at its full length, honest sources, clear errors."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from synthcorpus import Corpus, build_corpus, prose

from writer.copycheck import Checker, CopyIndex, fusefilter
from writer.copycheck.results import badge_for, describe
from writer.errors import WriterError


@pytest.fixture(scope="module")
def filtered(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("filtered"), seed=11, works=3, words=6000, mode="winnow")


@pytest.mark.parametrize("n", [0, 1, 2, 3, 100, 20_000])
@pytest.mark.parametrize("bits", [8, 12, 16])
def test_fuse_filter_holds_every_key_and_few_others(n: int, bits: int) -> None:
    rng = np.random.default_rng(n)
    keys = rng.integers(0, 2**63, n, dtype=np.int64).astype(np.uint64)
    params, table = fusefilter.build(np.concatenate((keys, keys[: n // 2])), bits)  # duplicates are fine
    assert params.keys == n and (table.dtype, len(table)) == fusefilter.storage(params)
    assert fusefilter.contains(table, params, keys).all()
    others = rng.integers(0, 2**63, 200_000, dtype=np.int64).astype(np.uint64)
    rate = fusefilter.contains(table, params, others).mean()
    assert rate < {8: 0.006, 12: 5e-4, 16: 1e-4}[bits]
    if n >= 100 and bits == 8:
        assert rate > 0.002  # about 1/256: the filter is not secretly exact (or empty)
    if n == 20_000:
        assert table.nbytes / n < 1.25 * bits / 8


def test_every_span_of_9_words_is_found_at_full_length(filtered: Corpus, filler_vocab: list[str]) -> None:
    index = filtered.index
    assert index.meta["mode"] == "winnow" and index.meta["filter"]["bits"] == 12
    assert "checks.npy" not in {p.name for p in index.path.iterdir()}  # the filter does their work
    assert "every verbatim span of at least 9 words is found at its full length" in index.guarantee
    checker = Checker([index])
    rng = random.Random(3)
    unlocated = 0
    for _ in range(120):
        n = rng.randint(9, 30)
        work, first, passage = filtered.passage(rng, n)
        draft = prose(rng, filler_vocab, 25) + " " + passage + " " + prose(rng, filler_vocab, 25)
        at = draft.index(passage)
        flags = checker.check(draft)
        assert [(f.start, f.end, f.words) for f in flags] == [(at, at + len(passage), n)], n
        source = flags[0].source
        if source.located:
            assert (source.title, source.word) == (filtered.titles[work], first)
        else:  # no kept window inside: the index knows the words, not the book, and says so
            assert n < 15 and source.title == "the training books of synthetic" and source.gutenberg_id is None
            unlocated += 1
    assert 0 < unlocated < 60


def test_an_unlocated_span_says_so_everywhere(filtered: Corpus, filler_vocab: list[str]) -> None:
    checker = Checker([filtered.index])
    rng = random.Random(5)
    for _ in range(200):
        _work, _first, passage = filtered.passage(rng, 9)
        flags = checker.check(prose(rng, filler_vocab, 10) + " " + passage)
        if flags and not flags[0].source.located:
            break
    else:
        pytest.fail("no 9-word span without a kept window in 200 tries")
    flag = flags[0]
    assert flag.to_dict()["source"]["position"] is None and flag.to_dict()["source"]["located"] is False
    assert "training books of synthetic" in flag.source.describe() and "word" not in flag.source.describe()
    assert "% through" not in describe(flag) and "not recorded" in describe(flag)
    badge = badge_for(flags)
    assert badge is not None and badge.html == "9 words from the training books of synthetic"


def test_unrelated_text_is_not_flagged(filtered: Corpus, filler_vocab: list[str]) -> None:
    checker = Checker([filtered.index])
    rng = random.Random(8)
    assert checker.check(prose(rng, filler_vocab, 3000)) == []
    # 300,000 words: a false flag needs two false positives in a row (2**-24 a word at 12 bits;
    # an 8-bit filter gave 4 here)
    many = checker.check(prose(rng, filler_vocab, 300_000))
    assert len(many) <= 1 and all(f.words == 9 and not f.source.located for f in many)


def test_eight_word_spans_need_a_kept_window(filtered: Corpus, filler_vocab: list[str]) -> None:
    """A single window is 1 in 4096 in the filter alone: 8 words are flagged only where winnowing kept one."""
    checker = Checker([filtered.index])
    rng = random.Random(9)
    found = 0
    for _ in range(60):
        _work, first, passage = filtered.passage(rng, 8)
        flags = checker.check(prose(rng, filler_vocab, 15) + " " + passage + " " + prose(rng, filler_vocab, 15))
        assert len(flags) <= 1
        if flags and flags[0].words == 8:
            found += 1
            assert flags[0].source.located and flags[0].source.word == first
        elif flags:  # a filler window next to it a false positive (1 in 4096 a side): one word too many
            assert flags[0].words == 9
    assert 0 < found < 40


def test_index_from_before_the_filter_still_loads(tmp_path: Path, filler_vocab: list[str]) -> None:
    old = build_corpus(tmp_path, seed=11, works=3, words=6000, mode="winnow", filter_bits=0)
    meta = json.loads((old.index.path / "index.json").read_text(encoding="utf-8"))
    assert meta["version"] == 1 and "filter" not in meta and meta["check_bits"] == 16
    index = CopyIndex.load(old.index.path)
    assert index.window_filter is None and index.shortest_sure == 15
    rng = random.Random(2)
    _work, _first, passage = old.passage(rng, 20)
    flags = Checker([index]).check(prose(rng, filler_vocab, 10) + " " + passage)
    assert len(flags) == 1 and flags[0].source.located


def damaged_copy(corpus: Corpus, tmp_path: Path) -> Path:
    dst = tmp_path / "copyindex"
    shutil.copytree(corpus.index.path, dst)
    return dst


@pytest.mark.parametrize("damage", ["truncated", "missing", "garbled", "wrong-dtype"])
def test_damaged_filter_file_is_a_clear_error(filtered: Corpus, tmp_path: Path, damage: str) -> None:
    path = damaged_copy(filtered, tmp_path)
    npy = path / "filter.npy"
    if damage == "truncated":
        npy.write_bytes(npy.read_bytes()[:500])
    elif damage == "missing":
        npy.unlink()
    elif damage == "garbled":  # same size, so only the probe windows can tell
        table = np.load(npy)
        table[:] = np.random.default_rng(0).integers(0, 256, len(table), dtype=np.uint8)
        np.save(npy, table)
    else:
        np.save(npy, np.load(npy).astype(np.uint16))
    with pytest.raises(WriterError, match=r"corrupt copy index.*filter\.npy.*rebuild"):
        CopyIndex.load(path)


@pytest.mark.parametrize("change", [{"bits": 7}, {"kind": "bloom"}, {"array_length": 5}, {"probes": "x"},
                                    {"probes": [-1]}, {"seed": None}, {"seed": 1 << 64},
                                    {"keys": 1 << 70}])
def test_odd_filter_settings_are_a_clear_error(filtered: Corpus, tmp_path: Path, change: dict) -> None:
    path = damaged_copy(filtered, tmp_path)
    meta_file = path / "index.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["filter"].update(change)
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(WriterError, match=r"corrupt copy index .*index\.json.*filter"):
        CopyIndex.load(path)


def test_a_book_named_by_another_index_comes_first(filtered: Corpus, tmp_path: Path,
                                                   filler_vocab: list[str]) -> None:
    exact = build_corpus(tmp_path, seed=11, works=3, words=6000, mode="exact")
    assert exact.texts == filtered.texts
    exact.index.name = "zzz"  # sorts after "synthetic": the order of names must not decide
    both = Checker([filtered.index, exact.index])
    rng = random.Random(5)
    seen_unlocated = 0
    for _ in range(40):
        work, first, passage = filtered.passage(rng, 9)
        draft = prose(rng, filler_vocab, 10) + " " + passage
        seen_unlocated += not Checker([filtered.index]).check(draft)[0].source.located
        flag = both.check(draft)[0]
        assert (flag.source.located, flag.source.title, flag.source.word) == (True, filtered.titles[work], first)
    assert seen_unlocated


@pytest.fixture(scope="module")
def sketched(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return build_corpus(tmp_path_factory.mktemp("sketched"), seed=11, works=3, words=6000, mode="sketch")


def test_a_sketch_finds_every_15_word_span_in_half_a_byte_a_word(sketched: Corpus, filler_vocab: list[str]) -> None:
    """For a corpus too large to locate within the budget: the current guarantee, without names."""
    index = sketched.index
    meta = index.meta
    assert meta["mode"] == "sketch" and meta["filter"]["bits"] == 16 and meta["entries"] == 0
    size = sum(p.stat().st_size for p in index.path.iterdir() if p.suffix == ".npy")
    assert size < 0.65 * meta["words"]  # 2/(w+1) of the windows, 2.25 bytes each
    assert index.shortest_sure == 15 and "every verbatim span of at least 15 words is found" in index.guarantee
    checker = Checker([index])
    rng = random.Random(4)
    short_found = 0
    for _ in range(80):
        n = rng.randint(8, 30)
        _work, _first, passage = sketched.passage(rng, n)
        draft = prose(rng, filler_vocab, 20) + " " + passage + " " + prose(rng, filler_vocab, 20)
        at = draft.index(passage)
        flags = checker.check(draft)
        assert len(flags) <= 1
        if n >= 15:
            assert len(flags) == 1
        for flag in flags:  # inside the passage, short by at most w - 1 words at each end
            assert at <= flag.start < flag.end <= at + len(passage) and n - 14 <= flag.words <= n
            assert not flag.source.located and flag.source.title == "the training books of synthetic"
            short_found += n < 15
    assert short_found
    assert checker.check(prose(rng, filler_vocab, 100_000)) == []


def test_a_sketch_without_its_filter_is_a_clear_error(sketched: Corpus, tmp_path: Path) -> None:
    path = damaged_copy(sketched, tmp_path)
    meta = json.loads((path / "index.json").read_text(encoding="utf-8"))
    del meta["filter"]
    (path / "index.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(WriterError, match=r"corrupt copy index .*sketch index needs its 'filter'"):
        CopyIndex.load(path)
