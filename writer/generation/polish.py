"""What the decoder does beyond sampling, and how the best of several candidates is chosen.

Raw sampling from a small model breaks words at the cursor, stops mid-clause, borrows the
training books' characters and now and then carries Gutenberg junk. :class:`Polish` turns on
the remedies (``writer suggest --raw`` turns them off, to compare); :func:`rank` keeps the
best ``n`` of the candidates by the pack's own length-normalised log-probability, after
dropping junk, near-duplicates and unwanted ones (a borrowed name, an invented word at the
cursor: :mod:`writer.generation.words`).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from writer.generation.junk import is_junk
from writer.generation.streaming import sentence_ends, word_count

NEAR_DUPLICATE = 0.8  # difflib ratio above which two suggestions offer the writer the same thing


@dataclass(frozen=True)
class Polish:
    """The decoder's care: each part can be turned off on its own."""

    heal: bool = True  # re-spell the word at the cursor (token healing)
    clean_endings: bool = True  # end at a sentence end, clause boundary or whole word; cut junk
    avoid_names: bool = True  # down-weight the pack's books' names the draft does not use
    known_words: bool = True  # rank a candidate that leaves an unknown word at the cursor last
    best_of: int = 2  # candidates generated per suggestion shown

    def words(self, max_new_tokens: int) -> int:
        """The soft length target in words (a token is about ¾ of a word)."""
        return max(4, round(max_new_tokens * 0.75))

    def cap(self, max_new_tokens: int) -> int:
        """The hard cap in tokens: a little past the target, to find an end."""
        return max_new_tokens + max_new_tokens // 2 if self.clean_endings else max_new_tokens


def ends_a_sentence(text: str) -> bool:
    """"looked out." does; "took the pencil and said" (a paragraph break the model chose) does not."""
    body = text.rstrip()
    ends = sentence_ends(body, final=True)
    return bool(ends) and ends[-1] == len(body)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def rank(texts: list[str], scores: list[float], n: int, *, clean: bool = True,
         unwanted: Callable[[str], bool] | None = None) -> list[int]:
    """Indices of the ``n`` best candidates: junk, near-duplicates and ``unwanted`` ones (a
    borrowed name) last, before them (when ``clean``) the ones that stop short of a full stop,
    each group by score."""
    order = sorted(range(len(texts)), key=lambda i: -scores[i])
    chosen: list[int] = []
    open_ended: list[int] = []  # stopped at a paragraph break or the length cap without a full stop
    spare: list[int] = []
    for i in order:
        text = _norm(texts[i])
        bad = not text or is_junk(texts[i]) or (clean and word_count(text) < 2) or \
            (unwanted is not None and unwanted(texts[i]))
        if bad or any(difflib.SequenceMatcher(None, text, _norm(texts[j])).ratio() > NEAR_DUPLICATE
                      for j in chosen + open_ended):
            spare.append(i)
        elif clean and not ends_a_sentence(texts[i]):
            open_ended.append(i)
        else:
            chosen.append(i)
    chosen += open_ended
    shown = {_norm(texts[i]) for i in chosen}
    for i in list(spare):  # a short or unwanted one may still fill a card, but never a copy of another
        if len(chosen) >= n:
            break
        if _norm(texts[i]) not in shown:
            chosen.append(i)
            spare.remove(i)
            shown.add(_norm(texts[i]))
    return (chosen + spare)[:n]
