"""Breaking a pasted megabyte-long line into lines, without changing what Markdown makes of it.

Qt lays a line out whole: in a 5 MB line every keystroke costs ~2.5 s, in a bare QPlainTextEdit
too. Markdown joins the lines of a paragraph (a single newline is a "soft break", shown as a
space), so a paragraph line may be broken at a space with no change to the published post.
Breaks go after sentence ends first (one sentence per line, the "semantic line breaks" style),
then at spaces for what is still too long. Lines whose newlines would mean something are left
alone: fenced and indented code, headings, tables and HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Lines longer than this are broken; shorter ones cost Qt nothing worth saving.
LONG_LINE = 10_000
#: Pieces left longer than this after the sentence breaks are broken at spaces.
MAX_PIECE = 2_000

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_KEEP = re.compile(r"^(?: {0,3}[#<|]| {4}|\t)")  # headings, HTML, tables, indented code
_RAW_HTML = re.compile(r"^ {0,3}<(?:(pre|script|style|textarea)\b)?", re.IGNORECASE)
# A run of spaces after a sentence's end (and closing quotes or brackets), before a letter.
_SENTENCE_GAP = re.compile(r"(?<=[.!?])([\"'”’)\]]*) +(?=[^\W\d_])")
_WORD_GAP = re.compile(r" +(?=[^\W\d_])")
_MARKERS = re.compile(r"(?: {0,3}(?:[-*+>]|\d{1,9}[.)])(?: +|$))*")  # "- ", "1. ", "> - " begin a line


@dataclass(frozen=True)
class Broken:
    """The text with its long lines broken: how many were, and how many had to stay long."""

    text: str
    broken: int = 0
    kept: int = 0


def break_long_lines(text: str, limit: int = LONG_LINE, piece: int = MAX_PIECE) -> Broken:
    """Break each paragraph line over ``limit`` characters; the rendered Markdown stays the same."""
    if len(text) <= limit:
        return Broken(text)
    lines = text.split("\n")
    if max(map(len, lines)) <= limit:
        return Broken(text)
    out: list[str] = []
    fence = ""  # the open code fence, if any
    closing_tag = ""  # in an HTML block: the tag whose closing ends it, or "" for a blank line
    in_html = False
    broken = kept = 0
    for line in lines:
        long = len(line) > limit
        if fence:
            close = _FENCE.match(line)
            if close and close.group(1).startswith(fence) and not line[close.end():].strip():
                fence = ""
            kept += long
        elif in_html:
            in_html = f"</{closing_tag}" not in line.lower() if closing_tag else bool(line.strip())
            kept += long
        elif opening := _FENCE.match(line):
            fence = opening.group(1)
            kept += long
        elif html := _RAW_HTML.match(line):
            closing_tag = (html.group(1) or "").lower()
            in_html = f"</{closing_tag}" not in line.lower() if closing_tag else True
            kept += long
        elif long:
            new = line if _KEEP.match(line) or "|" in line else _break_line(line, piece)
            broken += new != line
            kept += new == line
            line = new
        out.append(line)
    return Broken("\n".join(out), broken, kept)


def _break_line(line: str, longest: int) -> str:
    start = _MARKERS.match(line).end()  # type: ignore[union-attr]  # (it matches the empty string)
    sentences = _SENTENCE_GAP.sub(lambda m: m.group(1) + "\n", line[start:]).split("\n")
    return line[:start] + "\n".join(_break_at_spaces(s, longest) if len(s) > longest else s for s in sentences)


def _break_at_spaces(text: str, longest: int) -> str:
    """Break at the first space before a letter after every ``longest // 2`` characters."""
    parts: list[str] = []
    start = 0
    while len(text) - start > longest:
        gap = _WORD_GAP.search(text, start + longest // 2)
        if gap is None:
            break
        parts.append(text[start:gap.start()].rstrip(" "))  # two spaces before a newline: a hard break
        start = gap.end()
    parts.append(text[start:])
    return "\n".join(parts)
