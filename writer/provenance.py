"""Which characters of a draft a model wrote, kept right while the writer edits around them.

Plain Python (no Qt), so the arithmetic is property-tested on its own and the UI only feeds it
``(position, removed, added)`` edits. One rule decides every case: characters the writer types
are the writer's. So typing before a span shifts it, typing at its end does not extend it,
typing inside splits it, and deleting inside shrinks it.

Qt counts positions in UTF-16 code units while Python counts code points; the store keeps
Python indices into the body. :func:`to_utf16` / :func:`from_utf16` convert at that border.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import replace

from writer.store import ProvenanceSpan

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def normalised(spans: Iterable[ProvenanceSpan]) -> list[ProvenanceSpan]:
    """Sorted, without empty spans."""
    return sorted((s for s in spans if s.end > s.start), key=lambda s: (s.start, s.end))


def apply_edit(spans: Sequence[ProvenanceSpan], position: int, removed: int, added: int) -> list[ProvenanceSpan]:
    """Spans after ``removed`` characters at ``position`` were replaced by ``added`` typed ones."""
    if position < 0 or removed < 0 or added < 0:
        raise ValueError(f"not an edit: position {position}, removed {removed}, added {added}")
    cut_end = position + removed

    def after_cut(x: int) -> int:
        if x <= position:
            return x
        return position if x <= cut_end else x - removed

    out: list[ProvenanceSpan] = []
    for span in spans:
        start, end = after_cut(span.start), after_cut(span.end)
        if start >= end:
            continue  # wholly deleted
        if added and start >= position:
            start, end = start + added, end + added
        elif added and end > position:  # typed inside: the new characters split the span
            out.append(replace(span, start=start, end=position))
            start, end = position + added, end + added
        out.append(replace(span, start=start, end=end))
    return out


def add_span(spans: Sequence[ProvenanceSpan], new: ProvenanceSpan) -> list[ProvenanceSpan]:
    """``new`` on top of ``spans``: whatever it covers now belongs to it alone."""
    out: list[ProvenanceSpan] = []
    for span in spans:
        if span.end <= new.start or span.start >= new.end:
            out.append(span)
            continue
        if span.start < new.start:
            out.append(replace(span, end=new.start))
        if span.end > new.end:
            out.append(replace(span, start=new.end))
    out.append(new)
    return normalised(out)


def machine_chars(spans: Iterable[ProvenanceSpan]) -> int:
    return sum(max(0, s.end - s.start) for s in spans)


def machine_share(spans: Iterable[ProvenanceSpan], length: int) -> float:
    """Fraction (0–1) of a text of ``length`` characters that a model wrote."""
    return min(1.0, machine_chars(spans) / length) if length > 0 else 0.0


def clamp(spans: Iterable[ProvenanceSpan], length: int) -> list[ProvenanceSpan]:
    """Spans cut to ``[0, length]`` (a damaged record never blocks saving the text)."""
    return normalised(replace(s, start=max(0, min(s.start, length)), end=max(0, min(s.end, length)))
                      for s in spans)


def _astral(text: str) -> list[int]:
    return [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]


def to_utf16(spans: Iterable[ProvenanceSpan], text: str) -> list[ProvenanceSpan]:
    """Python indices into ``text`` → Qt positions."""
    spans = list(spans)
    astral = _astral(text) if spans else []  # no scan of a long draft for nothing
    if not astral:
        return spans
    return [replace(s, start=s.start + bisect_left(astral, s.start), end=s.end + bisect_left(astral, s.end))
            for s in spans]


def from_utf16(spans: Iterable[ProvenanceSpan], text: str) -> list[ProvenanceSpan]:
    """Qt positions in ``text`` → Python indices (a position inside a surrogate pair rounds down)."""
    spans = list(spans)
    astral = _astral(text) if spans else []
    if not astral:
        return spans
    starts16 = [a + k for k, a in enumerate(astral)]
    return [replace(s, start=s.start - bisect_left(starts16, s.start), end=s.end - bisect_left(starts16, s.end))
            for s in spans]
