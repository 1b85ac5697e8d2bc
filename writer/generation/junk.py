"""Corpus junk in a suggestion: Gutenberg and transcriber text, illustration markers, all-caps runs.

The packs were trained on Project Gutenberg books; what the cleaner missed (licence lines,
``[Illustration: …]``, chapter headings in capitals, transcribers' notes) comes back now and
then, most of all in unprompted samples. A suggestion is cut just before the first such thing,
and dropped when too little is left before it.
"""

from __future__ import annotations

import re

_MARKERS = re.compile(
    r"gutenberg|transcriber|e-?text|ebook|\billustrat|\[\s*(?:illus|footnote|sidenote|pg|note|blank)|"
    r"\bproduced by\b|\bcopyright\b|https?:|www\.|\*\s*\*\s*\*|\[\s*\d+\s*\]|\{\s*\d+\s*\}|_{2,}|={3,}|"
    r"\b(?-i:End of (?:the |this )?Project)\b|"  # the books' last line, which a finished draft invites
    r"(?:^|\n)[ \t]*[IVXLC]{2,}\.(?=\s|$)",  # a chapter's numeral heading ("XL. The Town-Ho")
    re.I)
# two or more words in capitals (headings, title pages), or one long capitalised word or numeral heading
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z'’.-]*[A-Z]\b(?:[\s,.:;-]+\b[A-Z][A-Z'’.-]*[A-Z]\b)+|\b(?:CHAPTER|BOOK|PART|"
                       r"CONTENTS|THE END|FINIS)\b|\b[A-Z]{6,}\b")
_ALLOWED_CAPS = {"OK", "TV", "US", "UK", "USA", "UN", "FBI", "CIA", "AM", "PM", "AD", "BC", "II", "III", "IV"}


def junk_start(text: str) -> int | None:
    """Where the first junk in ``text`` starts, or None when there is none."""
    found = [m.start() for m in (_MARKERS.search(text),) if m]
    for m in _CAPS_RUN.finditer(text):
        words = re.findall(r"[A-Z][A-Z'’.-]*[A-Z]", m.group())
        if all(w in _ALLOWED_CAPS for w in words):
            continue
        found.append(m.start())
        break
    return min(found) if found else None


def is_junk(text: str) -> bool:
    return junk_start(text) is not None


JUNK_PENALTY = 5.0  # logits taken from tokens that spell capitals-only words or open brackets


def junk_token_ids(table: list[bytes], *, opening: bool = False) -> list[int]:
    """Tokens that mostly begin junk: words in capitals only ("THE", "CHAP") and "[", "{", "*", "_".

    Down-weighted while polishing, so an unprompted sample starts with prose rather than the
    title page the books began with after their end-of-text token. ``opening`` adds the lone
    capitals ("M", "C"…, not "A", "I", "O") that such a title starts with, for a sample's first word.
    """
    out = []
    for i, raw in enumerate(table):
        piece = raw.decode("utf-8", errors="ignore").strip()
        letters = [ch for ch in piece if ch.isalpha()]
        caps = len(letters) >= 2 and all(ch.isupper() for ch in letters)
        lone = opening and piece.isalpha() and len(piece) == 1 and piece.isupper() and piece not in "AIO"
        if caps or lone or piece[:1] in ("[", "{", "*", "_"):
            out.append(i)
    return out
