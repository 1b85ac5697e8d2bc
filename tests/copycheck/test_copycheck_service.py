"""The copy check's Qt-free side: batched paragraph checks agree with the engine, cancelling,
the publish check, badges and the words the panel shows."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.copycheck.bookpacks import OWN, PACK, Book, install_index, make_books
from writer import paths
from writer.copycheck import Checker, CopyIndex
from writer.copycheck.results import summary, utf16_offsets
from writer.copycheck.service import CopyService, Superseded, copy_flags_for_publish
from writer.errors import WriterError


@pytest.fixture(scope="module")
def library() -> list[Book]:
    return make_books(seed=11)


@pytest.fixture
def books(library: list[Book]) -> list[Book]:
    install_index(library)
    return library


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_batched_check_finds_what_the_engine_finds_paragraph_by_paragraph(books: list[Book], data: st.DataObject,
                                                                          ) -> None:
    """Batching many paragraphs into one engine call changes nothing a user sees."""
    seed = data.draw(st.integers(0, 10_000))
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(rng.randint(1, 40)):
        kind = rng.random()
        if kind < 0.3:
            paragraphs.append(books[rng.randrange(2)].passage(rng.randint(5, 40), at=rng.random()))
        elif kind < 0.4:  # a passage split over two paragraphs: no flag may cross the break
            words = books[0].passage(30, at=rng.random()).split()
            cut = rng.randint(1, 29)
            paragraphs += [" ".join(words[:cut]), " ".join(words[cut:])]
        elif kind < 0.5:
            paragraphs.append("")
        else:
            paragraphs.append(" ".join(rng.choices(OWN.split(), k=rng.randint(3, 60))))
    service = CopyService()
    result = service.check_paragraphs(paragraphs, "model", PACK)
    engine = Checker([CopyIndex.load(paths.user_models_dir() / PACK / "copyindex")])
    expected = {p: flags for p, flags in zip(paragraphs, engine.check_paragraphs(paragraphs), strict=True) if flags}
    assert {p: [m.flag for m in marks] for p, marks in result.marks.items()} == expected


def test_superseded_check_stops(books: list[Book]) -> None:
    service = CopyService()
    calls = 0

    def superseded() -> bool:
        nonlocal calls
        calls += 1
        return calls > 2

    with pytest.raises(Superseded):
        service.check_paragraphs([books[0].passage(20, at=i / 300) + f" {i}" for i in range(300)] * 20,
                                 "model", PACK, superseded=superseded)
    # and the service still works afterwards
    assert service.check_paragraphs([books[0].passage(20)], "model", PACK).marks


def test_copy_flags_for_publish_lists_only_copies_even_across_paragraphs(books: list[Book]) -> None:
    words = books[1].passage(24, at=0.2).split()
    text = "\n\n".join([OWN, books[0].passage(9), " ".join(words[:12]), " ".join(words[12:]), OWN])
    flags = copy_flags_for_publish(text, scope="model", model=PACK)
    assert [(f.level, f.words, f.source.title) for f in flags] == [("copy", 24, "Second Variety")]
    assert copy_flags_for_publish(OWN, scope="model", model=PACK) == []


def test_copy_flags_for_publish_reads_the_settings(books: list[Book]) -> None:
    from writer.settings import Settings

    prefs = Settings.load()
    prefs.set("copycheck.scope", "model")
    prefs.set("suggest.default_model", PACK)
    prefs.save()
    assert [f.words for f in copy_flags_for_publish(books[0].passage(21))] == [21]


def test_copy_flags_for_publish_without_an_index_is_a_clear_error() -> None:
    with pytest.raises(WriterError, match="No model pack called 'nothing-here'"):
        copy_flags_for_publish("Some text.", scope="model", model="nothing-here")
    with pytest.raises(WriterError, match=r"copycheck\.scope must be one of"):
        copy_flags_for_publish("Some text.", scope="everything", model=PACK)


def test_badge_names_the_longest_copy(books: list[Book]) -> None:
    service = CopyService()
    echo, copy = books[0].passage(9, at=0.1), books[1].passage(22, at=0.5)
    badge = service.suggestion_badge(OWN, f" {echo}, and {copy}", "model", PACK)
    assert badge is not None and badge.text == "22 words from Second Variety" and badge.level == "copy"
    assert len(badge.flags) == 2


def test_offsets_count_utf16_units() -> None:
    text = "a😀b𝔘c d"
    assert utf16_offsets(text, [0, 1, 2, 3, 4, 5]) == [0, 1, 3, 4, 6, 7]
    assert utf16_offsets("plain", [0, 5]) == [0, 5]


def test_summary_words(books: list[Book]) -> None:
    checker = Checker([CopyIndex.load(install_index(books))])
    found = checker.check_document("\n".join([books[0].passage(25), books[0].passage(9, at=0.1),
                                              books[1].passage(10, at=0.9), books[1].passage(30, at=0.3)]))
    assert summary(found) == "2 copies, 2 echoes"
    assert summary(found[:1]) == "1 copy"
    assert summary(found[1:2]) == "1 echo"
    assert summary([]) == "No copied passages found"


def test_indexes_are_named_as_the_writer_knows_the_models(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from writer import paths
    from writer.copycheck.service import display_name

    shipped = paths.resources_dir() / "models"
    assert [display_name(str(shipped / name / "copyindex")) for name in ("vanilla", "pkd", "ja")] == [
        "Vanilla", "PKD", "JA"]
    assert display_name(str(tmp_path / "mine" / "copyindex")) == "mine"  # a corpus of one's own


def test_a_blockquote_is_a_quotation_not_a_copy(books: list[Book]) -> None:
    """A passage the writer sets as a Markdown quote is named with its work but never blocks publishing."""
    quoted, copied = books[0].passage(30, at=0.2), books[1].passage(30, at=0.6)
    draft = f"{OWN}\n\n> {quoted}\n>\n> — from The Variable Man\n\n{OWN}\n"
    assert copy_flags_for_publish(draft, scope="model", model=PACK) == []
    assert [f.words for f in copy_flags_for_publish(f"{draft}\n{copied}\n", scope="model", model=PACK)] == [30]
    result = CopyService().check_paragraphs(draft.split("\n"), "model", PACK)
    levels = [m.flag.level for marks in result.marks.values() for m in marks]
    assert levels == ["quote"] and (result.copies, result.echoes) == (0, 0)
    assert summary([m.flag for marks in result.marks.values() for m in marks]) == "1 quote"


def test_toggle_quote_sets_and_unsets_a_blockquote() -> None:
    from writer.copycheck.quotes import quote_ranges, toggle_quote

    lines = "Call me Ishmael.\n\nSome years ago."
    quoted = toggle_quote(lines)
    assert quoted == "> Call me Ishmael.\n>\n> Some years ago."
    assert quote_ranges(quoted) == [(0, len(quoted))]
    assert toggle_quote(quoted) == "Call me Ishmael.\n\nSome years ago."
    assert toggle_quote("> quoted\nnot quoted") == "> > quoted\n> not quoted"  # mixed: quote it all


def test_quote_marks_inside_a_code_fence_are_code_not_a_quotation() -> None:
    from writer.copycheck.quotes import quote_ranges, quoted_lines

    text = "Intro.\n```\n> not a quote\n```\n> a quote\n~~~python\n> code\n~~~"
    assert quoted_lines(text.split("\n")) == [False, False, False, False, True, False, False, False]
    start = text.index("> a quote")
    assert quote_ranges(text) == [(start, start + len("> a quote"))]
