"""Corpus preparation: the right books, verified, cleaned, with a held-out part."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import corpus
from writer.errors import WriterError


def test_prepare_strips_gutenberg_and_unwraps_lines(tiny_corpus: Path, tmp_path: Path) -> None:
    works = corpus.select_works(corpus.load_manifest(tiny_corpus), sets=["general"])
    info = corpus.prepare(tiny_corpus, works, tmp_path / "out")
    train = (tmp_path / "out" / "train.txt").read_text(encoding="utf-8")
    held = (tmp_path / "out" / "eval.txt").read_text(encoding="utf-8")
    assert "PROJECT GUTENBERG" not in train + held and "licence" not in (train + held).lower()
    assert "Produced by" not in train
    assert "\r" not in train and "\ufeff" not in train
    # paragraphs are one line each: no hard wraps survive
    assert all(len(p.split("\n")) == 1 for p in train.split("\n\n") if p.strip() and "<|endoftext|>" not in p)
    assert [w["title"] for w in info["works"]] == ["A Sea Tale", "Another Tale"]
    for w in info["works"]:
        assert w["heldout_words"] > 0, "every work gives some held-out text"
        assert 0.02 < w["heldout_words"] / (w["heldout_words"] + w["train_words"]) < 0.2


def test_heldout_paragraphs_never_appear_in_training(tiny_corpus: Path, tmp_path: Path) -> None:
    works = corpus.select_works(corpus.load_manifest(tiny_corpus), sets=["general", "style"])
    corpus.prepare(tiny_corpus, works, tmp_path / "out")
    train = set((tmp_path / "out" / "train.txt").read_text(encoding="utf-8").split("\n\n"))
    held = [p for p in (tmp_path / "out" / "eval.txt").read_text(encoding="utf-8").split("\n\n") if len(p) > 40]
    assert held and not any(p in train for p in held)


def test_altered_file_is_refused(tiny_corpus: Path, tmp_path: Path) -> None:
    manifest = corpus.load_manifest(tiny_corpus)
    victim = tiny_corpus / manifest[0].file
    victim.write_bytes(victim.read_bytes() + b"tampered")
    with pytest.raises(WriterError, match="altered"):
        corpus.prepare(tiny_corpus, manifest[:1], tmp_path / "out")


def test_missing_file_and_unknown_ids_are_named(tiny_corpus: Path, tmp_path: Path) -> None:
    manifest = corpus.load_manifest(tiny_corpus)
    (tiny_corpus / manifest[1].file).unlink()
    with pytest.raises(WriterError, match=r"missing.*Another Tale"):
        corpus.prepare(tiny_corpus, manifest[1:2], tmp_path / "out")
    with pytest.raises(WriterError, match="99999"):
        corpus.select_works(manifest, ids=[99999])
    with pytest.raises(WriterError, match="known: "):
        corpus.select_works(manifest, sets=["nonesuch"])


def test_a_bad_manifest_row_names_its_line(tiny_corpus: Path) -> None:
    manifest = tiny_corpus / "MANIFEST.tsv"
    lines = manifest.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    row = lines[1].split("\t")
    row[header.index("gutenberg_id")] = ""
    manifest.write_text("\n".join([lines[0], lines[1], "\t".join(row)]) + "\n", encoding="utf-8")
    with pytest.raises(WriterError, match=r"line 3: .*gutenberg_id \(a number\)"):
        corpus.load_manifest(tiny_corpus)


def test_too_little_text_to_train_is_a_clear_error(tmp_path: Path) -> None:
    from models.train import TokenFile

    empty = tmp_path / "eval.bin"
    empty.write_bytes(b"")  # one short work: nothing held out
    with pytest.raises(WriterError, match="0 tokens, fewer than one window of 256: give the recipe more text"):
        TokenFile(empty, 256)


def test_real_corpus_is_clean(shared_corpora: Path, tmp_path: Path) -> None:
    works = corpus.select_works(corpus.load_manifest(shared_corpora), ids=[32154])  # The Variable Man
    corpus.prepare(shared_corpora, works, tmp_path / "out")
    text = (tmp_path / "out" / "train.txt").read_text(encoding="utf-8")
    assert "Gutenberg" not in text
    assert text.startswith("He fixed things")  # the title page and byline are gone


def test_heldout_works_are_validation_whole_and_never_trained_on(tiny_corpus: Path, tmp_path: Path) -> None:
    works = corpus.select_works(corpus.load_manifest(tiny_corpus), sets=["style"])
    info = corpus.prepare(tiny_corpus, works, tmp_path / "out", heldout_works=[1003])
    out = tmp_path / "out"
    valid = (out / "valid.txt").read_text(encoding="utf-8")
    unseen = corpus.clean(corpus.read_work(tiny_corpus, works[1]))
    assert valid.strip().removesuffix(corpus.EOS).strip() == "\n\n".join(unseen), "the whole work, nothing else"
    seen = set((out / "train.txt").read_text(encoding="utf-8").split("\n\n")) | set(
        (out / "eval.txt").read_text(encoding="utf-8").split("\n\n"))
    assert not any(p in seen for p in unseen if len(p) > 40)
    by_title = {w["title"]: w for w in info["works"]}
    assert by_title["More Wub Stories"]["train_words"] == 0 and by_title["More Wub Stories"]["unseen_words"] > 500
    assert by_title["The Wub Stories"]["unseen_words"] == 0 and by_title["The Wub Stories"]["heldout_words"] > 0
    with pytest.raises(WriterError, match="heldout_works names works the recipe does not select: \\[1000\\]"):
        corpus.prepare(tiny_corpus, works, out, heldout_works=[1000])


def test_replay_mixes_that_share_of_general_text_into_training(tiny_corpus: Path, tmp_path: Path) -> None:
    manifest = corpus.load_manifest(tiny_corpus)
    style, general = corpus.select_works(manifest, ids=[1002]), corpus.select_works(manifest, sets=["general"])
    info = corpus.prepare(tiny_corpus, style, tmp_path / "out", replay=general, replay_fraction=0.25)
    own = info["works"][0]["train_words"]
    assert 0.2 < info["replay_words"] / (own + info["replay_words"]) < 0.3
    train = (tmp_path / "out" / "train.txt").read_text(encoding="utf-8").split("\n\n")
    general_paras = set(corpus.clean(corpus.read_work(tiny_corpus, general[0])))
    assert any(p.strip() in general_paras for p in train)
    again = corpus.prepare(tiny_corpus, style, tmp_path / "again", replay=general, replay_fraction=0.25)
    assert again["replay_words"] == info["replay_words"], "the same replay on every run"
