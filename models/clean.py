"""What is not the author's prose, taken out of a Gutenberg book before training.

Small models copy what they see most: every "[Illustration: …]", "CHAPTER XII", table of
contents, title page and licence paragraph in the training text turns up in suggestions.
:func:`clean_paragraphs` takes a book's paragraphs (hard-wrapped lines already joined) and
returns the prose with a count of what it removed of each kind, which the corpus step writes
to ``works.json`` and prints in the build log. Chapter headings, scene separators and
running heads simply go: the paragraph break they stood in stays.
"""

from __future__ import annotations

import re
from collections import Counter

KINDS = ("gutenberg", "producer", "illustration", "footnote", "page_marker", "transcriber", "contents",
         "title_page", "heading", "caps_line", "running_head", "separator", "end_marker")

_GUTENBERG = re.compile(r"project gutenberg|gutenberg[- ]tm|www\.gutenberg|gutenberg literary archive", re.I)
_PRODUCER = re.compile(r"^\W*(produced by|e-?text (was )?(prepared|produced)|this e-?text|html version by|"
                       r"special thanks .{0,80}e-?text|proofread|scanned by|an anonymous volunteer|"
                       r"this (e-?book|file) (was|is)|the online distributed proofreading)", re.I)
_ILLUSTRATION = re.compile(r"\[\s*(illustration|sidenote|decoration)[^\]]*\]?", re.I)
_ILLUSTRATED_BY = re.compile(r"^\W*(illustrated|illustration|illustrations|frontispiece)( by\b.*)?\W*$", re.I)
_FOOTNOTE_BLOCK = re.compile(r"\[\s*footnote[^\]]*\]?", re.I)
_FOOTNOTE_MARK = re.compile(r"\s?\[(\d{1,3}|[A-Z]|[a-z]|\*+)\]")
_FOOTNOTE_TEXT = re.compile(r"^\s*(\[(\d{1,3}|[A-Z])\]|\{\d{1,3}\}|footnote\b|\*\s*[A-Z][a-z]+)")
_PAGE = re.compile(r"\s?(\[(pg|page|p)\.? ?\d+\]|\{\d{1,4}\})", re.I)
_TRANSCRIBER = re.compile(r"^\W*(original |some )?transcriber['’]?s?( notes?|:)|^\W*(a )?note on the text\b|"
                          r"^\W*\[?transcriber", re.I)
_CONTENTS = re.compile(r"^\W*(table of )?contents?\.?\W*$|^\W*list of illustrations\.?\W*$", re.I)
_HEADING = re.compile(
    r"^\W*(chapter|book|part|volume|vol\.|stave|canto|section|letter|act|scene|epilogue|prologue|"
    r"appendix|conclusion|preface|introduction|finis)\b\s*([ivxlcdm]+|\d+|[a-z]+(-[a-z]+)?)?\b\.?"
    r"(\s*[-—:.]\s*.{0,110})?\s*$", re.I)
_NUMERAL = re.compile(r"^\W*([IVXLCDM]+|\d{1,3})\W*$")
_BYLINE = re.compile(r"^\W*by\b[\s.…]*\S.{0,50}$|^\W*by\W*$", re.I)
_SEPARATOR = re.compile(r"^[\s*.·•_=~\-—#+]+$")
_END = re.compile(r"^\W*(the end|finis|end|the end of [a-z ]{0,40})\W*$", re.I)
_QUOTE = tuple("\"'“‘«")


def is_prose(para: str) -> bool:
    """A sentence-like paragraph: mostly lowercase letters and either long or spoken."""
    letters = [c for c in para if c.isalpha()]
    if len(letters) < 2:
        return False
    lower = sum(c.islower() for c in letters) / len(letters)
    words = len(para.split())
    return lower > 0.6 and (words >= 12 or para.startswith(_QUOTE) or (words >= 4 and para[-1:] in ".!?\"'”’"))


def _all_caps(para: str) -> bool:
    letters = [c for c in para if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def _is_heading(para: str) -> bool:
    return bool(_HEADING.match(para) or _NUMERAL.match(para)) and len(para.split()) <= 20


def _contents_entry(para: str) -> bool:
    """A line of a table of contents: a heading, a short title, or entries ending in page numbers."""
    return _is_heading(para) or not is_prose(para) or (bool(re.search(r"(\d+|[ivxlc]+)\.?\s*$", para)) and \
        len(para.split()) < 40)


#: Marks removed from inside a paragraph, by kind: before a footnote's own text is recognised, then after.
_INLINE = (("illustration", _ILLUSTRATION), ("footnote", _FOOTNOTE_BLOCK), ("page_marker", _PAGE))
_MARKS = (("footnote", _FOOTNOTE_MARK),)


def _strip(text: str, marks: tuple[tuple[str, re.Pattern[str]], ...], removed: Counter[str]) -> str:
    for kind, pattern in marks:
        text, n = pattern.subn("", text)
        removed[kind] += n
    return text


def _running_heads(paras: list[str]) -> Counter[str]:
    """Short capitalised or numbered lines counted: a running head is the same one again and again."""
    return Counter(p for p in paras if len(p.split()) <= 8 and (_all_caps(p) or re.search(r"\d", p))
                   and not is_prose(p))


def _source_kind(para: str) -> str | None:
    """Project Gutenberg's own text and the e-text's producer credits, recognised on the raw paragraph."""
    if _GUTENBERG.search(para):
        return "gutenberg"
    if _PRODUCER.match(para):
        return "producer"
    return None


def _ornament_kind(text: str) -> str | None:
    """An illustration credit or a scene separator standing alone."""
    if _ILLUSTRATED_BY.match(text):
        return "illustration"
    if _SEPARATOR.match(text):
        return "separator"
    return None


def _still_contents(text: str) -> bool:
    """Inside a table of contents: an entry, unless it is a long prose paragraph (the book has begun)."""
    return _contents_entry(text) and not (is_prose(text) and len(text.split()) >= 25)


def _is_byline(paras: list[str], i: int, text: str) -> bool:
    """Near the start: a "by …" line, the name after a bare "by", or the short title just before a byline."""
    if i >= 60:
        return False
    after_bare_by = i > 0 and re.fullmatch(r"\W*by\W*", paras[i - 1], re.I) and len(text.split()) <= 6
    before_byline = i + 1 < len(paras) and _BYLINE.match(paras[i + 1]) and len(text.split()) <= 10
    return bool(_BYLINE.match(text) or after_bare_by or before_byline)


def _line_kind(paras: list[str], i: int, text: str, repeated: Counter[str], front: bool) -> str | None:
    """The kind of a cleaned paragraph that is not prose (a heading, title page, running head, …), or None."""
    if _is_heading(text):
        return "heading"
    if (front and not is_prose(text)) or _is_byline(paras, i, text):
        return "title_page"
    if repeated[paras[i]] >= 3 and not is_prose(text):
        return "running_head"
    if _all_caps(text) and len(text.split()) <= 12 and not text.startswith(_QUOTE):
        return "caps_line"
    if _END.match(text) and i >= len(paras) - 12:
        return "end_marker"
    return None


def _inline_cleaned(para: str, removed: Counter[str], after_prose: bool) -> str | None:
    """The paragraph with inline marks taken out, or None when it is a footnote's own text."""
    text = _strip(para, _INLINE, removed)
    if _FOOTNOTE_TEXT.match(text) and after_prose:
        removed["footnote"] += 1
        return None
    return re.sub(r"\s{2,}", " ", _strip(text, _MARKS, removed)).strip()


def clean_paragraphs(paras: list[str]) -> tuple[list[str], Counter[str]]:
    """The author's prose of a book, and how many paragraphs or markers of each kind were removed."""
    removed: Counter[str] = Counter()
    repeated = _running_heads(paras)
    out: list[str] = []
    front = True  # before the first prose paragraph: title pages, bylines, imprints
    in_contents = False
    for i, para in enumerate(paras):
        kind = _source_kind(para)
        if kind is None and _TRANSCRIBER.match(para):
            if i >= len(paras) - 12:  # a closing note runs to the end of the file
                removed["transcriber"] += len(paras) - i
                break
            kind = "transcriber"
        if kind is not None:
            removed[kind] += 1
            continue
        text = _inline_cleaned(para, removed, bool(out))
        if not text:
            continue
        kind = _ornament_kind(text)
        if kind is None:  # a contents heading starts a table of contents; its entries continue it
            in_contents = bool(_CONTENTS.match(text)) or (in_contents and _still_contents(text))
            kind = "contents" if in_contents else _line_kind(paras, i, text, repeated, front)
        if kind is not None:
            removed[kind] += 1
            continue
        front = False
        out.append(text)
    return out, removed
