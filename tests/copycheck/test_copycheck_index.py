from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from synthcorpus import Corpus, build_corpus, prose

from writer.copycheck import Checker, CopyIndex, IndexBuilder, index_files
from writer.errors import WriterError


def copy_index(corpus: Corpus, tmp_path: Path) -> Path:
    dst = tmp_path / "copyindex"
    shutil.copytree(corpus.index.path, dst)
    return dst


def test_exact_index_is_8_bytes_per_window_and_holds_no_text(corpus: Corpus) -> None:
    meta = corpus.index.meta
    assert meta["mode"] == "exact" and meta["k"] == 8
    assert meta["entries"] == meta["words"] - 7 * len(corpus.titles)
    assert (corpus.index.path / "entries.npy").stat().st_size <= 8 * meta["words"] + 128
    blob = b"".join(p.read_bytes() for p in corpus.index.path.iterdir())
    some_words = {w.strip(".,\"'-").lower() for w in corpus.texts[0].split()[:200]}
    assert not any(w.encode() in blob.lower() for w in some_words if len(w) >= 6)
    assert meta["false_hits_per_window"] < 1e-8
    assert "every span of at least 8 words" in meta["guarantees"]


def test_missing_index_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(WriterError, match=r"index\.json"):
        CopyIndex.load(tmp_path / "nowhere")


@pytest.mark.parametrize("damage", ["garbage-json", "wrong-format", "truncated-npy", "missing-npy", "wrong-count"])
def test_corrupt_index_is_a_clear_error(corpus: Corpus, tmp_path: Path, damage: str) -> None:
    path = copy_index(corpus, tmp_path)
    meta_file, npy = path / "index.json", path / "entries.npy"
    if damage == "garbage-json":
        meta_file.write_text("{not json", encoding="utf-8")
    elif damage == "wrong-format":
        meta_file.write_text(json.dumps({"format": "something else"}), encoding="utf-8")
    elif damage == "truncated-npy":
        npy.write_bytes(npy.read_bytes()[:1000])
    elif damage == "missing-npy":
        npy.unlink()
    else:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        meta["entries"] += 1
        meta_file.write_text(json.dumps(meta), encoding="utf-8")
    expected = "index.json" if damage in ("garbage-json", "wrong-format") else "entries.npy"
    with pytest.raises(WriterError, match=rf"corrupt copy index.*{expected}.*rebuild"):
        CopyIndex.load(path)


@pytest.mark.parametrize("meta_text", ["[]", "null"])
@pytest.mark.parametrize("k", ["eight", None, 8.5, -1])
def test_odd_values_in_index_json_are_a_clear_error(corpus: Corpus, tmp_path: Path, meta_text: str,
                                                    k: object) -> None:
    path = copy_index(corpus, tmp_path)
    meta_file = path / "index.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta_file.write_text(json.dumps({**meta, "k": k}), encoding="utf-8")
    with pytest.raises(WriterError, match=r"corrupt copy index.*'k' must be a whole number"):
        CopyIndex.load(path)
    meta_file.write_text(meta_text, encoding="utf-8")
    with pytest.raises(WriterError, match=r"corrupt copy index.*not a JSON object"):
        CopyIndex.load(path)


def test_rebuild_replaces_the_old_index_atomically(tmp_path: Path) -> None:
    first = IndexBuilder("x")
    first.add("one two three four five six seven eight nine ten", title="A")
    first.write(tmp_path / "copyindex")
    second = IndexBuilder("x")
    second.add("alpha beta gamma delta epsilon zeta eta theta iota", title="B")
    second.write(tmp_path / "copyindex")
    index = CopyIndex.load(tmp_path / "copyindex")
    assert [w.title for w in index.works] == ["B"]
    assert not (tmp_path / "copyindex.tmp").exists()
    assert Checker([index]).check("Alpha, beta; gamma — delta epsilon zeta eta theta!")[0].source.title == "B"


def test_index_files_reports_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9 au lait".encode("latin-1"))
    with pytest.raises(WriterError, match=r"latin1\.txt is not UTF-8"):
        index_files([bad], "n", tmp_path / "out")
    with pytest.raises(WriterError, match=r"missing\.txt does not exist"):
        index_files([tmp_path / "missing.txt"], "n", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_winnowed_index_finds_every_long_copy(tmp_path: Path, filler_vocab: list[str]) -> None:
    """The older winnowed index, without a filter (user packs built before it still load and work)."""
    sketch = build_corpus(tmp_path, seed=11, works=3, words=6000, mode="winnow", filter_bits=0)
    meta = sketch.index.meta
    assert meta["mode"] == "winnow" and meta["winnow"] == 8
    assert 0.15 < meta["entries"] / meta["words"] < 0.3  # about 2/(w+1) of the windows
    rng = random.Random(11)
    checker = Checker([sketch.index])
    found_short = 0
    for _ in range(40):
        n = rng.choice([8, 10, 12, 15, 18, 30])
        work, first, passage = sketch.passage(rng, n)
        draft = prose(rng, filler_vocab, 20) + " " + passage + " " + prose(rng, filler_vocab, 20)
        at = draft.index(passage)
        flags = checker.check(draft)
        if n >= 15:  # w + k - 1: guaranteed
            assert len(flags) == 1
        assert len(flags) <= 1
        for flag in flags:  # whatever is reported is inside the real span, and verified
            assert at <= flag.start < flag.end <= at + len(passage)
            assert flag.text == draft[flag.start:flag.end]
            assert flag.source.title == sketch.titles[work]
            assert first <= flag.source.word <= first + n - 8
            found_short += n < 15
    assert found_short > 0
    called_copy = 0
    for _ in range(40):  # a 24-word copy is a "copy" though winnowing reports it shorter
        work, _first, passage = sketch.passage(rng, 24)
        flags = checker.check(prose(rng, filler_vocab, 10) + " " + passage + " " + prose(rng, filler_vocab, 10))
        called_copy += [f.level for f in flags] == ["copy"]
        assert flags and all(f.words <= 24 for f in flags)
    assert called_copy >= 28  # 34 of 40 here (15 without the allowance); the general corpus: 138 of 150 (79)
    for _ in range(20):  # the allowance never makes a 15-word quote a "copy" (it is an echo)
        _work, _first, passage = sketch.passage(rng, 15)
        assert all(f.level == "echo" for f in checker.check(prose(rng, filler_vocab, 10) + " " + passage))
    assert meta["check_bits"] == 16 and meta["false_hits_per_window"] < 1e-12
    (sketch.index.path / "checks.npy").unlink()
    with pytest.raises(WriterError, match=r"checks\.npy is missing"):
        CopyIndex.load(sketch.index.path)


def test_unsorted_or_foreign_entries_dtype_rejected(corpus: Corpus, tmp_path: Path) -> None:
    path = copy_index(corpus, tmp_path)
    np.save(path / "entries.npy", np.zeros(corpus.index.meta["entries"], np.int32))
    with pytest.raises(WriterError, match="uint64"):
        CopyIndex.load(path)
