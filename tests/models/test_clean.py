"""The corpus cleaner on real Gutenberg books: each kind of junk that used to reach training text is gone,
and the prose around it stays. Skipped where ../shared/corpora is absent."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models import corpus


def _book(shared_corpora: Path, gutenberg_id: int) -> tuple[str, list[str], dict[str, int]]:
    work = corpus.select_works(corpus.load_manifest(shared_corpora), ids=[gutenberg_id])[0]
    raw = corpus.read_work(shared_corpora, work)
    paras, removed = corpus.clean_counted(raw)
    return raw, paras, removed


def test_gutenberg_and_producer_notes_go_from_anywhere_in_a_file(shared_corpora: Path) -> None:
    raw, paras, removed = _book(shared_corpora, 28554)  # Beyond Lies the Wub: "This etext was produced..." at the end
    assert "This etext was produced" in raw
    text = "\n".join(paras)
    assert "etext" not in text.lower() and "gutenberg" not in text.lower()
    assert paras[-1].startswith('"To go on," the Captain said.')
    raw, paras, removed = _book(shared_corpora, 2701)  # Moby-Dick names Project Gutenberg inside the book
    assert removed["producer"] >= 1 and not any("gutenberg" in p.lower() or p.startswith("Produced by") for p in paras)


def test_illustration_markers_and_credits_go(shared_corpora: Path) -> None:
    raw, paras, removed = _book(shared_corpora, 32032)  # Second Variety: "ILLUSTRATED BY EBEL", [Illustration]
    assert "[Illustration" in raw and "ILLUSTRATED BY EBEL" in raw
    text = "\n".join(paras)
    assert "[Illustration" not in text and "ILLUSTRATED" not in text
    assert removed["illustration"] >= 2
    assert paras[0].startswith("The claws were bad enough")


def test_footnotes_and_their_markers_go(shared_corpora: Path) -> None:
    raw, paras, removed = _book(shared_corpora, 815)  # Democracy in America: [Footnote a: ...] blocks
    assert "[Footnote" in raw
    assert not any("[Footnote" in p for p in paras)
    raw, paras, removed = _book(shared_corpora, 14517)  # Montcalm and Wolfe: numbered notes [257] and their text
    assert re.search(r"\[\d+\]", raw)
    assert not any(re.search(r"\[\d+\]", p) for p in paras)
    assert removed["footnote"] > 100


def test_transcribers_notes_go_and_a_closing_note_takes_its_text_with_it(shared_corpora: Path) -> None:
    raw, paras, removed = _book(shared_corpora, 50999)  # Med Ship Man: [Transcriber's Note: ...]
    assert "[Transcriber's Note" in raw
    assert not any("Transcriber" in p for p in paras)
    raw, paras, removed = _book(shared_corpora, 121)  # Northanger Abbey closes with "A NOTE ON THE TEXT"
    assert "A NOTE ON THE TEXT" in raw
    assert not any("NOTE ON THE TEXT" in p or p.startswith("Northanger Abbey was written") for p in paras)
    assert removed["transcriber"] >= 2


def test_tables_of_contents_go(shared_corpora: Path) -> None:
    raw, paras, removed = _book(shared_corpora, 1015)  # The Oregon Trail: CONTENTS then "II BREAKING THE ICE"...
    assert "CONTENTS" in raw and "BREAKING THE ICE" in raw
    assert not any(p in ("CONTENTS", "II BREAKING THE ICE") for p in paras)
    assert removed["contents"] >= 20
    raw, paras, removed = _book(shared_corpora, 2701)  # Moby-Dick: "CHAPTER 1. Loomings." listed, then the book
    assert not any(p.startswith("CHAPTER") for p in paras)


def test_title_pages_and_all_caps_front_matter_go(shared_corpora: Path) -> None:
    for gid, opening in ((28554, "The slovenly wub"), (105, "Sir Walter Elliot, of Kellynch Hall"),
                         (32154, "He fixed things"), (1245, None)):
        raw, paras, removed = _book(shared_corpora, gid)
        assert removed["title_page"] >= 2
        if opening:
            assert paras[0].startswith(opening), (gid, paras[0][:60])
    # Night and Day: title, byline and the all-caps dedication to Vanessa Bell
    assert re.search(r"TO\s+VANESSA\s+BELL", raw) and not any("VANESSA BELL" in p for p in paras)
    assert not any(re.fullmatch(r"by .{0,40}", p, re.I) for p in paras[:5])


def test_chapter_headings_become_a_plain_paragraph_break(shared_corpora: Path) -> None:
    _raw, paras, removed = _book(shared_corpora, 1342)  # Pride and Prejudice: 61 "Chapter N" headings
    assert removed["heading"] >= 61
    assert not any(re.fullmatch(r"chapter \d+", p, re.I) for p in paras)
    # the last paragraph of chapter 1 and the first of chapter 2 stay two paragraphs, side by side
    end1 = next(i for i, p in enumerate(paras) if p.startswith("Mr. Bennet was so odd a mixture"))
    assert paras[end1 + 1].startswith("Mr. Bennet was among the earliest")


def test_running_heads_and_separators_go(shared_corpora: Path) -> None:
    raw, paras, removed = _book(shared_corpora, 345)  # Dracula: "DR. SEWARD'S DIARY" heads section after section
    assert raw.count("DR. SEWARD'S DIARY") >= 3
    assert removed["running_head"] >= 10 and "DR. SEWARD'S DIARY" not in paras
    _raw, paras, removed = _book(shared_corpora, 50999)  # Med Ship Man: "* * * * *" between scenes
    assert removed["separator"] >= 5
    assert not any(re.fullmatch(r"[* ]+", p) for p in paras)


def test_prose_is_kept(shared_corpora: Path) -> None:
    """The cleaner takes out the printers' additions, not the author's: nearly every word stays."""
    raw, paras, _removed = _book(shared_corpora, 1342)
    before = sum(len(p.split()) for p in corpus.paragraphs(corpus.strip_gutenberg(raw)))
    after = sum(len(p.split()) for p in paras)
    assert 0.985 < after / before < 1.0
    assert any(p.startswith("It is a truth universally acknowledged") for p in paras)


def test_the_corpus_step_counts_what_it_removed_per_book(shared_corpora: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    works = corpus.select_works(corpus.load_manifest(shared_corpora), ids=[32032])
    info = corpus.prepare(shared_corpora, works, tmp_path / "out", log=True)
    assert info["works"][0]["removed"]["illustration"] >= 2
    log = capsys.readouterr().out
    assert re.search(r"Second Variety \(PG #32032\): [\d,]+ words kept; removed .*illustration", log)
