"""Words and shapes of copy flags for the app, without numpy, so the window starts fast and the
engine is first imported on a worker thread."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from writer.copycheck import Flag

ProgressFn = Callable[[tuple[int, int]], None]

class Superseded(Exception):
    """The text changed while it was being checked; nobody wants this result any more."""


@dataclass(frozen=True)
class Mark:
    """A flag placed in one paragraph, in UTF-16 code units (what a QTextDocument counts)."""

    start: int
    end: int
    flag: Flag


#: Flags drawn and listed at most: a pasted book can hold tens of thousands, and drawing them
#: all took seconds at every check (the counts still cover every one).
MAX_SHOWN = 200


@dataclass
class CheckResult:
    """Marks per paragraph text (so a result can be laid over a document that moved on).

    ``located`` holds the first :data:`MAX_SHOWN` flagged paragraphs of the checked text as
    (paragraph number, marks); ``copies`` and ``echoes`` count every flag.
    """

    marks: dict[str, tuple[Mark, ...]]
    indexes: list[str]
    warnings: list[str] = field(default_factory=list)
    located: list[tuple[int, tuple[Mark, ...]]] = field(default_factory=list)
    copies: int = 0
    echoes: int = 0


def locate(paragraphs: Sequence[str], marks: dict[str, tuple[Mark, ...]]) -> tuple[
        list[tuple[int, tuple[Mark, ...]]], int, int]:
    """The first flagged paragraphs (up to :data:`MAX_SHOWN` flags), and the copies and echoes in all."""
    located: list[tuple[int, tuple[Mark, ...]]] = []
    shown = copies = echoes = 0
    for number, para in enumerate(paragraphs):
        found = marks.get(para)
        if not found:
            continue
        copies += sum(mark.flag.level == "copy" for mark in found)
        echoes += sum(mark.flag.level == "echo" for mark in found)
        if shown < MAX_SHOWN:
            located.append((number, found))
            shown += len(found)
    return located, copies, echoes


@dataclass(frozen=True)
class Badge:
    """What a suggestion shows before it is accepted: the longest span it would copy."""

    level: str
    words: int
    title: str
    author: str
    flags: tuple[Flag, ...]

    @property
    def top(self) -> Flag:
        """The flag the badge names."""
        return max(self.flags, key=lambda f: (f.level == "copy", f.words))

    @property
    def text(self) -> str:
        return f"{self.words} words from {self.title}"

    @property
    def html(self) -> str:
        title = _escape(self.title)
        return f"{self.words} words from {f'<i>{title}</i>' if self.top.source.located else title}"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def utf16_offsets(text: str, offsets: Sequence[int]) -> list[int]:
    """Code-point offsets into ``text`` as UTF-16 offsets (emoji and other astral characters count 2)."""
    if all(ord(c) < 0x10000 for c in text):  # the common case: nothing to convert
        return list(offsets)
    out = []
    for offset in offsets:
        head = text[:offset]
        out.append(offset + sum(1 for c in head if ord(c) >= 0x10000))
    return out


def marks_for(paragraph: str, flags: Sequence[Flag]) -> tuple[Mark, ...]:
    ends = utf16_offsets(paragraph, [x for f in flags for x in (f.start, f.end)])
    return tuple(Mark(ends[2 * i], ends[2 * i + 1], f) for i, f in enumerate(flags))


def describe(flag: Flag) -> str:
    """Tooltip text: '11 words from <i>The Variable Man</i> — Philip K. Dick, 34% through'."""
    src = flag.source
    by = f" — {_escape(src.author)}" if src.author else ""
    more = len({(s.corpus, s.title) for s in flag.sources}) - 1
    also = f"<br>and {more} more work{'s' if more != 1 else ''}" if more > 0 else ""
    where = (f"<i>{_escape(src.title)}</i>{by}, {src.percent:.0f}% through" if src.located
             else f"{_escape(src.title)} (which book is not recorded for a span this short)")
    # nowrap: Qt wraps rich-text tooltips at a narrow width, which broke the line mid-title
    return (f"<p style='white-space:nowrap'><b>{flag.level.capitalize()}</b> · {flag.words} words from "
            f"{where}{also}</p>")


def summary(flags: Sequence[Flag], copies: int | None = None, echoes: int | None = None) -> str:
    """'2 copies, 3 echoes, 1 quote' — or the empty state; with totals beyond the listed ``flags``, says so."""
    quotes = sum(f.level == "quote" for f in flags)
    copies = sum(f.level == "copy" for f in flags) if copies is None else copies
    echoes = sum(f.level == "echo" for f in flags) if echoes is None else echoes
    if not copies and not echoes and not quotes:
        return "No copied passages found"
    parts = []
    if copies:
        parts.append(f"{copies:,} {'copy' if copies == 1 else 'copies'}")
    if echoes:
        parts.append(f"{echoes:,} {'echo' if echoes == 1 else 'echoes'}")
    if quotes:
        parts.append(f"{quotes:,} {'quote' if quotes == 1 else 'quotes'}")
    text = ", ".join(parts)
    return text if copies + echoes + quotes <= len(flags) else f"{text}; the first {len(flags):,} listed"


def badge_for(flags: Sequence[Flag]) -> Badge | None:
    """The badge for a suggestion's flags: the longest span names the work."""
    if not flags:
        return None
    top = max(flags, key=lambda f: (f.level == "copy", f.words))
    return Badge(top.level, top.words, top.source.title, top.source.author, tuple(flags))


