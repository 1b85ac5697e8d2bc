"""Turn what a user types into a safe FTS5 query.

Raw input goes nowhere near MATCH: every word becomes a quoted FTS5 string, which
FTS5 tokenizes with the index's own tokenizer, so quotes, ``-``, ``*``, ``:`` or
parentheses can never raise a syntax error. Each word matches as a prefix, so a
half-typed word ("wri") still finds the whole one ("writer").
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

_PART = re.compile(r'"([^"]*)"|([^"\s]+)')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"'})
PREFIX_MIN = 3  # shorter ASCII words match whole words only: "ai" means AI, not every "air"...
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # a NUL would end the FTS5 string early


def _searchable(chunk: str) -> bool:
    # Pure ASCII punctuation ("-", "*", "(") holds no token; anything else may.
    return any(ch.isalnum() or not ch.isascii() for ch in chunk)


def fts_query(text: str, prefix_ok: Callable[[str], bool] | None = None) -> str:
    """An FTS5 MATCH expression for ``text``; "" when it holds no searchable word.

    Words are ANDed and each matches as a prefix (from three letters on: a one- or
    two-letter prefix matches nearly every draft, slowly and uselessly); text in double
    quotes is a phrase. ``prefix_ok(word)`` may refuse a word its prefix (the store does
    when the words it begins would take too long to gather): it then matches whole.
    """
    terms: list[str] = []
    for phrase, word in _PART.findall(_CONTROL.sub(" ", text.translate(_QUOTES))):
        if phrase and _searchable(phrase):
            terms.append(f'"{phrase}"')
        elif word and _searchable(word):
            prefix = len(word.strip(string.punctuation)) >= PREFIX_MIN or not word.isascii()
            if prefix and prefix_ok is not None:
                prefix = prefix_ok(word.replace('"', ""))
            terms.append(f'"{word}"*' if prefix else f'"{word}"')
    return " ".join(terms)


def has_phrase(text: str) -> bool:
    """Whether ``text`` holds a quoted phrase of several words (costly to rank: see ``Store.search``)."""
    return any(len(phrase.split()) > 1 for phrase, _ in _PART.findall(text.translate(_QUOTES)))
