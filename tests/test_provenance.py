"""Span arithmetic: every character keeps its author through any sequence of edits."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from writer.provenance import (
    add_span,
    apply_edit,
    clamp,
    from_utf16,
    machine_share,
    normalised,
    to_utf16,
)
from writer.store import ProvenanceSpan

WHEN = datetime(2024, 5, 1, tzinfo=UTC)


def span(start: int, end: int, model: str = "pkd", seed: int | None = 1) -> ProvenanceSpan:
    return ProvenanceSpan(start, end, model, seed, WHEN)


def owners(spans: list[ProvenanceSpan], length: int) -> list[str | None]:
    """Who wrote each character (None: the writer)."""
    out: list[str | None] = [None] * length
    for s in spans:
        for i in range(s.start, s.end):
            assert out[i] is None, "spans overlap"
            out[i] = s.model
    return out


@st.composite
def text_with_spans(draw: st.DrawFn) -> tuple[int, list[ProvenanceSpan]]:
    length = draw(st.integers(0, 60))
    cuts = sorted(draw(st.lists(st.integers(0, length), max_size=8)))
    spans = [span(a, b, model=f"m{i}") for i, (a, b) in enumerate(zip(cuts[::2], cuts[1::2], strict=False))
             if b > a]
    return length, spans


@st.composite
def edit(draw: st.DrawFn, length: int) -> tuple[int, int, int]:
    position = draw(st.integers(0, length))
    removed = draw(st.integers(0, length - position))
    added = draw(st.integers(0, 10))
    return position, removed, added


@given(st.data())
def test_every_character_keeps_its_author_through_edits(data: st.DataObject) -> None:
    length, spans = data.draw(text_with_spans())
    who = owners(spans, length)
    for _ in range(data.draw(st.integers(1, 6))):
        position, removed, added = data.draw(edit(length))
        who = who[:position] + [None] * added + who[position + removed:]
        length = len(who)
        spans = apply_edit(spans, position, removed, added)
        assert owners(spans, length) == who
        assert all(0 <= s.start < s.end <= length for s in spans)
        assert spans == normalised(spans)


def test_the_three_everyday_cases() -> None:
    spans = [span(10, 20)]
    assert apply_edit(spans, 0, 0, 5) == [span(15, 25)]  # typed before: shifted
    assert apply_edit(spans, 12, 3, 0) == [span(10, 17)]  # deleted inside: shrunk
    assert apply_edit(spans, 15, 0, 2) == [span(10, 15), span(17, 22)]  # typed inside: split
    assert apply_edit(spans, 20, 0, 4) == [span(10, 20)]  # typed right after: not the model's
    assert apply_edit(spans, 10, 0, 4) == [span(14, 24)]  # typed right before: not the model's
    assert apply_edit(spans, 5, 20, 0) == []  # deleted whole


@given(text_with_spans(), st.integers(0, 60), st.integers(0, 20))
def test_an_accepted_span_owns_what_it_covers(base: tuple[int, list[ProvenanceSpan]], start: int,
                                                size: int) -> None:
    length, spans = base
    start = min(start, length)
    end = min(length, start + size)
    new = span(start, end, model="new")
    result = add_span(spans, new)
    who = owners(spans, length)
    expected = [("new" if start <= i < end else w) for i, w in enumerate(who)]
    assert owners(result, length) == expected


@given(st.text(alphabet=st.sampled_from("ab é😀\n中"), max_size=30), st.data())
def test_utf16_round_trip(text: str, data: st.DataObject) -> None:
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, len(text)))
    spans = [span(a, b)]
    qt = to_utf16(spans, text)
    assert qt[0].end - qt[0].start == len(text[a:b].encode("utf-16-le")) // 2
    assert from_utf16(qt, text) == spans


def test_share_and_clamp() -> None:
    assert machine_share([span(0, 25)], 100) == 0.25
    assert machine_share([], 0) == 0.0
    assert clamp([span(5, 50), span(60, 70)], 40) == [span(5, 40)]
