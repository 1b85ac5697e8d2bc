"""Quotations: a passage the writer sets as a Markdown blockquote is a quote, not a copy.

A writer who quotes a book on purpose marks it the way Markdown does (``> `` at the start of
each line, usually with a source line after it). Flags that lie inside such lines are reported
with level "quote": shown, named with their work, but never counted as copies or echoes and never
a reason to hold back a post.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from writer.copycheck.checker import Flag

_QUOTE_LINE = re.compile(r"^ {0,3}>")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def is_quote(paragraph: str) -> bool:
    """Whether a line, taken alone, is part of a blockquote (``> text``)."""
    return _QUOTE_LINE.match(paragraph) is not None


def quoted_lines(lines: Sequence[str]) -> list[bool]:
    """For each line of a draft, whether Markdown shows it as a quotation: a ``>`` line outside a
    fenced code block (inside one it is code, whatever it starts with)."""
    out = []
    fence: str | None = None
    for line in lines:
        opener = _FENCE.match(line)
        if fence is None and opener:
            fence = opener.group(1)
            out.append(False)
        elif fence is not None:
            if opener and opener.group(1) == fence:
                fence = None
            out.append(False)
        else:
            out.append(is_quote(line))
    return out


def quote_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of runs of quotation lines in ``text`` (line breaks between them included)."""
    ranges: list[tuple[int, int]] = []
    lines = text.split("\n")
    start = 0
    for line, quoted in zip(lines, quoted_lines(lines), strict=True):
        end = start + len(line)
        if quoted:
            if ranges and text[ranges[-1][1]:start].strip() == "":
                ranges[-1] = (ranges[-1][0], end)
            else:
                ranges.append((start, end))
        start = end + 1
    return ranges


def as_quotes(flags: Sequence[Flag], ranges: Sequence[tuple[int, int]]) -> list[Flag]:
    """``flags`` with those inside a quoted range given the level "quote"."""
    return [dataclasses.replace(f, level="quote") if any(a <= f.start and f.end <= b for a, b in ranges) else f
            for f in flags]


def toggle_quote(lines: str) -> str:
    """Lines set as a blockquote (``> `` before each), or, when they all are one already, set back."""
    rows = lines.split("\n")
    if all(is_quote(row) or not row.strip() for row in rows) and any(is_quote(row) for row in rows):
        return "\n".join(re.sub(r"^ {0,3}> ?", "", row) for row in rows)
    return "\n".join(f"> {row}" if row.strip() else ">" for row in rows)
