from __future__ import annotations

import random

import pytest
from synthcorpus import Corpus, prose

from writer.copycheck import Checker
from writer.copycheck.normalise import tokenise, words


def disguise(rng: random.Random, passage: str) -> str:
    """What a paste does to a passage: casing, curly quotes, dashes, re-wrapped lines."""
    out = []
    for token in passage.split(" "):
        r = rng.random()
        token = token.upper() if r < 0.2 else token.lower() if r < 0.4 else token.title() if r < 0.5 else token
        out.append(token)
    text = ""
    for token in out:
        text += (rng.choice([" ", "  ", "\n", " \n "]) if text else "") + token
    text = text.replace("'", "’").replace("--", "—")
    return "".join(rng.choice("“”") if c == '"' else c for c in text)


def draft_around(rng: random.Random, filler: list[str], *parts: str) -> tuple[str, list[int]]:
    """Fresh filler text with ``parts`` planted in it; returns the draft and each part's offset."""
    text, offsets = prose(rng, filler, 30), []
    for part in parts:
        text += " "
        offsets.append(len(text))
        text += part + " " + prose(rng, filler, rng.randint(10, 40))
    return text, offsets


@pytest.mark.parametrize("seed", range(12))
def test_planted_passage_found_exactly(corpus: Corpus, filler_vocab: list[str], seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice([8, 9, 13, 19, 20, 21, 55])
    work, first, passage = corpus.passage(rng, n)
    pasted = disguise(rng, passage)
    draft, (at,) = draft_around(rng, filler_vocab, pasted)
    flags = Checker([corpus.index]).check(draft)
    assert len(flags) == 1
    flag = flags[0]
    assert (flag.start, flag.end) == (at, at + len(pasted))
    assert flag.text == pasted and flag.words == n
    assert flag.level == ("copy" if n >= 20 else "echo")
    src = flag.source
    assert (src.title, src.gutenberg_id, src.word) == (corpus.titles[work], 1000 + work, first)
    assert src.percent == pytest.approx(100 * first / len(tokenise(corpus.texts[work])), abs=0.06)


def test_one_word_edit_splits_the_span(corpus: Corpus, filler_vocab: list[str]) -> None:
    rng = random.Random(1)
    _, first, passage = corpus.passage(rng, 40)
    tok = tokenise(passage)
    edited = passage[:tok.starts[20]] + "qzzz" + passage[tok.ends[20]:]
    draft, (at,) = draft_around(rng, filler_vocab, edited)
    flags = Checker([corpus.index]).check(draft)
    assert [(f.words, f.level) for f in flags] == [(20, "copy"), (19, "echo")]
    assert flags[0].start == at and flags[0].end == at + tok.ends[19]
    assert flags[1].source.word == first + 21
    assert flags[1].end == at + len(edited) - (len(passage) - tok.ends[-1])


def test_short_spans_and_thresholds(corpus: Corpus, filler_vocab: list[str]) -> None:
    rng = random.Random(2)
    seven = corpus.passage(rng, 7)[2]
    ten = corpus.passage(rng, 10)[2]
    thirty = corpus.passage(rng, 30)[2]
    draft, _ = draft_around(rng, filler_vocab, seven, ten, thirty)
    default = Checker([corpus.index]).check(draft)
    assert [(f.words, f.level) for f in default] == [(10, "echo"), (30, "copy")]
    strict = Checker([corpus.index], echo_words=12, copy_words=31).check(draft)
    assert [(f.words, f.level) for f in strict] == [(30, "echo")]


def test_repeated_passage_lists_every_source(tmp_path, filler_vocab: list[str]) -> None:
    from synthcorpus import build_corpus

    from writer.copycheck import CopyIndex, IndexBuilder

    base = build_corpus(tmp_path / "a", seed=3, works=2, words=1500)
    rng = random.Random(3)
    work, _, passage = base.passage(rng, 25)
    builder = IndexBuilder("twice")
    builder.add(base.texts[0], title="Original")
    builder.add("Some preface words here. " + passage + " and an ending.", title="Borrower")
    builder.write(tmp_path / "b" / "copyindex")
    index = CopyIndex.load(tmp_path / "b" / "copyindex")
    draft, _ = draft_around(rng, filler_vocab, passage)
    flags = Checker([index]).check(draft)
    assert len(flags) == 1
    assert {s.title for s in flags[0].sources} == ({"Borrower", "Original"} if work == 0 else {"Borrower"})
    assert flags[0].words == 25


def test_shuffled_corpus_text_never_flags(corpus: Corpus) -> None:
    rng = random.Random(4)
    tokens = corpus.texts[0].split()
    rng.shuffle(tokens)
    assert Checker([corpus.index]).check(" ".join(tokens)) == []


def test_empty_and_wordless_text(corpus: Corpus) -> None:
    checker = Checker([corpus.index])
    assert checker.check("") == []
    assert checker.check(" \n\n— … !!! ") == []
    assert checker.check_document("") == []


def test_incremental_recheck_only_changed_paragraphs(corpus: Corpus, filler_vocab: list[str]) -> None:
    rng = random.Random(5)
    paras = [prose(rng, filler_vocab, 60).replace("\n", " ") for _ in range(10)]
    paras[3] += " " + corpus.passage(rng, 22)[2].replace("\n", " ")
    calls: list[str] = []

    class Spy(Checker):
        def check(self, text, progress=None):
            calls.append(text)
            return super().check(text, progress)

    checker = Spy([corpus.index])
    doc = "\n".join(paras)
    first = checker.check_document(doc)
    assert len(calls) == 10 and [f.words for f in first] == [22]
    assert all(doc[f.start:f.end] == f.text for f in first)
    calls.clear()
    paras[7] = paras[7] + " " + corpus.passage(rng, 9)[2].replace("\n", " ")
    doc = "\n".join(paras)
    second = checker.check_document(doc)
    assert calls == [paras[7]]
    assert [f.words for f in second] == [22, 9]
    assert all(doc[f.start:f.end] == f.text for f in second)
    assert second == Checker([corpus.index]).check(doc)


def test_progress_for_huge_text(corpus: Corpus) -> None:
    text = " ".join(corpus.texts) * 4  # 64,000 words: more than one lookup chunk
    seen: list[tuple[int, int]] = []
    flags = Checker([corpus.index]).check(text, progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 2 and seen[-1][0] == seen[-1][1] == len(words(text))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    # every work is one long copy, four times over, each from its own work (never stitched)
    assert [f.source.title for f in flags] == corpus.titles * 4
    assert all(f.level == "copy" and f.words > 3900 for f in flags)


def test_min_words_below_index_window_is_an_error(corpus: Corpus) -> None:
    from writer.errors import WriterError

    with pytest.raises(WriterError, match="8 words"):
        Checker([corpus.index], echo_words=5)
