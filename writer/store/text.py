"""Text measures shown next to every draft: word count, derived title, reading time.

They live apart from the store so the editor can update them live while typing
without touching the database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

UNTITLED = "Untitled"
WORDS_PER_MINUTE = 230
TITLE_MAX = 120

# A word is a run of letters/digits, with inner apostrophes or hyphens ("don't", "well-known").
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_NON_BLANK = re.compile(r"\S")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)(.*?)(?:\s+#+\s*)?$")


_CHUNK = 65_536
_KNOWN_LIMIT = 200_000  # ~25 MB of remembered lines at most
_known_lines: dict[str, int] = {}  # lines of long texts counted lately, with their word counts


def word_count(text: str) -> int:
    """Count words the way a reader would, ignoring Markdown punctuation such as ``#`` and ``*``.

    A long text is counted line by line (no word spans a newline), remembering lines already
    counted, so after an edit to a pasted novel only the changed line is counted again. It
    works on ~64 KB pieces, each in a few C calls: a worker counting never holds the GIL for
    more than a millisecond or two (one regex pass over 5 MB held it ~0.4 s, freezing the editor).
    """
    if len(text) <= _CHUNK:
        return len(_WORD.findall(text))
    global _known_lines
    if len(_known_lines) > _KNOWN_LIMIT:
        _known_lines = {}
    known = _known_lines
    total = 0
    for piece in _pieces(text, "\n"):
        lines = piece.split("\n")
        for line in set(lines).difference(known):
            known[line] = _count_long_line(line) if len(line) > _CHUNK else len(_WORD.findall(line))
        total += sum(map(known.__getitem__, lines))
    return total


def _pieces(text: str, separator: str) -> Iterator[str]:
    """``text`` in pieces of about ``_CHUNK`` characters, each cut just before a ``separator``."""
    start = 0
    while start <= len(text):
        cut = text.find(separator, min(start + _CHUNK, len(text)))
        end = len(text) if cut < 0 else cut
        yield text[start:end]
        start = end + 1


def _count_long_line(line: str) -> int:
    """A line of megabytes, counted in pieces cut at spaces (no word spans one)."""
    return sum(len(_WORD.findall(piece)) for piece in _pieces(line, " "))


def derive_title(body: str) -> str:
    """The first non-empty line of ``body`` without Markdown heading marks; "Untitled" if none."""
    start = 0
    while (found := _NON_BLANK.search(body, start)) is not None:  # no split: the body may be a novel
        end = body.find("\n", found.start())
        end = len(body) if end < 0 else end
        line = body[found.start():end].strip()
        start = end
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1).strip()
            if not line:
                continue
        if len(line) > TITLE_MAX:
            line = line[: TITLE_MAX - 1].rstrip() + "…"
        return line
    return UNTITLED


def reading_minutes(words: int) -> int:
    """Minutes to read ``words`` at about 230 words a minute; at least 1 for any text."""
    if words <= 0:
        return 0
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def unix_newlines(text: str) -> str:
    """``\\r\\n`` and lone ``\\r`` as ``\\n``: what the editor shows, so stored offsets (machine-written
    spans, flags) mean the same characters in the store, the editor and every revision."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def offset_in_unix(text: str, offset: int) -> int:
    """Where ``offset`` into ``text`` lands in :func:`unix_newlines` of it (each ``\\r\\n`` is one character)."""
    return offset - text.count("\r\n", 0, offset)
