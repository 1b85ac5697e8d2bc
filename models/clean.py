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


def clean_paragraphs(paras: list[str]) -> tuple[list[str], Counter[str]]:
    """The author's prose of a book, and how many paragraphs or markers of each kind were removed."""
    removed: Counter[str] = Counter()
    # running heads: the same short capitalised or numbered line again and again
    repeated = Counter(p for p in paras if len(p.split()) <= 8 and (_all_caps(p) or re.search(r"\d", p))
                       and not is_prose(p))
    out: list[str] = []
    front = True  # before the first prose paragraph: title pages, bylines, imprints
    in_contents = False
    for i, para in enumerate(paras):
        if _GUTENBERG.search(para):
            removed["gutenberg"] += 1
            continue
        if _PRODUCER.match(para):
            removed["producer"] += 1
            continue
        if _TRANSCRIBER.match(para):
            if i >= len(paras) - 12:  # a closing note runs to the end of the file
                removed["transcriber"] += len(paras) - i
                break
            removed["transcriber"] += 1
            continue
        text = _strip(para, _INLINE, removed)
        if _FOOTNOTE_TEXT.match(text) and out:
            removed["footnote"] += 1
            continue
        text = re.sub(r"\s{2,}", " ", _strip(text, _MARKS, removed)).strip()
        if not text:
            continue
        if _ILLUSTRATED_BY.match(text):
            removed["illustration"] += 1
            continue
        if _SEPARATOR.match(text):
            removed["separator"] += 1
            continue
        if _CONTENTS.match(text):
            removed["contents"] += 1
            in_contents = True
            continue
        if in_contents:
            if _contents_entry(text) and not (is_prose(text) and len(text.split()) >= 25):
                removed["contents"] += 1
                continue
            in_contents = False
        if _is_heading(text):
            removed["heading"] += 1
            continue
        if front and not is_prose(text):
            removed["title_page"] += 1
            continue
        after_bare_by = i > 0 and re.fullmatch(r"\W*by\W*", paras[i - 1], re.I) and len(text.split()) <= 6
        if i < 60 and (_BYLINE.match(text) or after_bare_by or (i + 1 < len(paras) and _BYLINE.match(paras[i + 1])
                                                                 and len(text.split()) <= 10)):
            removed["title_page"] += 1
            continue
        if repeated[para] >= 3 and not is_prose(text):
            removed["running_head"] += 1
            continue
        if _all_caps(text) and len(text.split()) <= 12 and not text.startswith(_QUOTE):
            removed["caps_line"] += 1
            continue
        if _END.match(text) and i >= len(paras) - 12:
            removed["end_marker"] += 1
            continue
        front = False
        out.append(text)
    return out, removed
