"""Token healing: the prompt is backed up over the word at the cursor and the model re-spells it.

A prompt cut inside a word ends on an odd token ("grown up eno" ends " en" + "o"), and a
model continuing after it glues on a fragment ("eno" + "king") or starts a new word. Backing
the prompt up over the last partial word and letting the first generated tokens re-spell the
removed text, constrained to it, lets the model pick the token it would have used ("
enough"). The removed text is never shown: the suggestion starts exactly at the cursor.

The constraint is over bytes (byte-level BPE), so accents and CJK heal like ASCII. It is
cheap: :class:`TokenIndex` keeps the vocabulary's byte strings sorted, so the tokens that
start with the remaining text are one binary-search range, and the tokens that are a prefix
of it are at most one dictionary look-up per remaining byte.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from writer.generation.streaming import is_cjk

COVER_SHARE = 20  # whole words win unless the canonical first piece is 20× likelier
MAX_HEAL_BYTES = 48  # a longer "word" (a URL, a run of symbols) is left as it is


class TokenIndex:
    """The vocabulary's byte strings, sorted, for prefix look-ups in both directions."""

    def __init__(self, table: Sequence[bytes]) -> None:
        pairs = sorted((b, i) for i, b in enumerate(table) if b)
        self.keys = [b for b, _ in pairs]
        self.ids = np.asarray([i for _, i in pairs], dtype=np.int64)
        self.by_bytes: dict[bytes, int] = {}
        for b, i in pairs:
            self.by_bytes.setdefault(b, i)
        self.table = table

    def starting_with(self, prefix: bytes) -> np.ndarray:
        """Ids of the tokens whose bytes start with ``prefix``."""
        lo = bisect.bisect_left(self.keys, prefix)
        hi = bisect.bisect_left(self.keys, prefix + b"\xff" * 8, lo)
        while hi < len(self.keys) and self.keys[hi].startswith(prefix):
            hi += 1
        return self.ids[lo:hi]

    def heads(self, remainder: bytes) -> np.ndarray:
        """Tokens that spell a proper beginning of ``remainder``."""
        return np.asarray([self.by_bytes[remainder[:n]] for n in range(1, len(remainder))
                           if remainder[:n] in self.by_bytes], dtype=np.int64)


def choices(index: TokenIndex, remainder: bytes, canonical: int | None, probs: np.ndarray) -> np.ndarray:
    """The tokens one healing step may choose from.

    Whole-covering tokens (" enough" for " eno") when the model gives them a fair share of the
    canonical first token's probability; else those plus the canonical first token, so a
    multi-token spelling follows the path the model was trained on (" pan" + "el") rather than
    an odd split (" pane" + "l…") after which the model glues on fragments.
    """
    covering = index.starting_with(remainder)
    if canonical is None:
        return np.unique(np.concatenate([covering, index.heads(remainder)]))
    if covering.size and probs[covering].sum() * COVER_SHARE >= probs[canonical]:
        return covering
    return np.append(covering, canonical)


def _wordish(ch: str) -> bool:
    return (ch.isalnum() or ch in "'’-_") and not is_cjk(ch)


def heal_start(text: str) -> int:
    """Where the text to re-spell starts: the word at the cursor with the space before it.

    After a space or punctuation only that last character is re-spelt (the model then chooses
    how the next word starts, with or without a space); in CJK text, the last character.
    """
    i = len(text)
    while i > 0 and _wordish(text[i - 1]):
        i -= 1
    if i == len(text):
        return max(0, len(text) - 1)
    if i > 0 and text[i - 1] == " ":
        i -= 1
    return i


def back_up(ids: list[int], offsets: list[tuple[int, int]], text: str, table: Sequence[bytes],
            keep: int = 1) -> tuple[list[int], bytes]:
    """Drop the tokens that spell the end of ``text`` from :func:`heal_start` on.

    ``ids``/``offsets`` are the tokens of ``text`` (offsets in characters). Returns the kept
    ids and the removed bytes; nothing is removed when fewer than ``keep`` tokens would stay or
    the removed part would be longer than :data:`MAX_HEAL_BYTES`.
    """
    start = heal_start(text)
    cut = len(ids)
    while cut > keep and offsets[cut - 1][0] >= start:
        cut -= 1
    if cut == len(ids) and len(ids) > keep and text:
        cut -= 1  # the last token reaches back past the word (e.g. "—the"): re-spell it whole
    removed = b"".join(table[i] for i in ids[cut:])
    while cut > keep and removed and removed[0] & 0xC0 == 0x80:  # a token began mid-character
        cut -= 1
        removed = table[ids[cut]] + removed
    if len(removed) > MAX_HEAL_BYTES:
        return ids, b""
    return ids[:cut], removed
