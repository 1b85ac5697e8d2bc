"""Turn what a user types into a safe FTS5 query.

Raw input goes nowhere near MATCH: every word becomes a quoted prefix term, so
quotes, ``-``, ``*``, ``:`` or parentheses can never raise a syntax error, and a
half-typed word still finds the whole one.
"""

from __future__ import annotations

import re

# The same notion of a token as FTS5's unicode61 tokenizer: letters and digits.
_TOKEN = re.compile(r"[^\W_]+")
_PART = re.compile(r'"([^"]*)"|([^"\s]+)')


def fts_query(text: str) -> str:
    """An FTS5 MATCH expression for ``text``; "" when it holds no searchable word.

    Words are ANDed and each matches as a prefix; text in double quotes is a phrase.
    """
    terms: list[str] = []
    for phrase, word in _PART.findall(text.replace("”", '"').replace("“", '"')):
        if phrase:
            tokens = _TOKEN.findall(phrase)
            if tokens:
                terms.append('"' + " ".join(tokens) + '"')
        else:
            terms.extend(f'"{token}"*' for token in _TOKEN.findall(word))
    return " ".join(terms)
