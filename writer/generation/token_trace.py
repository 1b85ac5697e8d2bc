"""Where each generated token landed in a row's text, and what the pack weighed there (the token view).

The decoder streams characters, not tokens, and a row's final text is cut from that stream
(leading junk dropped, a dangling end trimmed), so the trace keeps, per token, the span of
stream characters it produced and maps the spans onto the final text by offsets at the end:
the pieces then join to exactly the shown text, whatever was cut.

A token that only re-spells the text before the cursor (token healing: " en" of " eno"
before "ough") is not part of the view: the writer typed it. A token that holds the first bytes
of a character split across tokens shows nothing itself, so it is merged into the next token
that shows text: the piece's probability is the product of the merged tokens' (the pack's
probability of that text by that path) and its alternatives are those at the first of them,
where the choice was made. An alternative that would show nothing there (one that only
re-spells the typed word) is left out, so a point may list fewer than asked.

Alternatives are only worked out (decoded to text) for the rows returned and the pieces kept,
so asking for them costs one partial sort of the vocabulary per row and step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from writer.generation.token_info import Alternative, TokenInfo

BLOCK = 64  # vocabulary slice whose maximum stands for it in the first cut of top_alternatives


@dataclass
class _Piece:
    start: int  # stream characters [start, end)
    end: int
    logprob: float
    alt_ids: np.ndarray
    alt_logprobs: np.ndarray
    pending: bytes  # bytes of an unfinished character the token's own bytes follow
    remainder: bytes  # the healing bytes the token had to re-spell first (not shown)


class TokenTrace:
    """One row's tokens, as spans of the characters its decoder produced."""

    def __init__(self) -> None:
        self.pieces: list[_Piece] = []
        self.length = 0  # characters the row's decoder has produced
        self._open: _Piece | None = None  # tokens that have shown nothing yet

    def add(self, logprob: float, alternatives: tuple[np.ndarray, np.ndarray], pending: bytes,
            remainder: bytes, shown: int) -> None:
        """One token with the pack's log-probability of it, its top alternatives (ids, log-probs),
        and the number of characters decoding it produced."""
        if self._open is None:
            self._open = _Piece(self.length, self.length, logprob, alternatives[0], alternatives[1],
                                pending, remainder)
        else:
            self._open.logprob += logprob
        self.more(shown)

    def more(self, shown: int) -> None:
        """``shown`` characters that belong to the latest token (the decoder's flush at the end)."""
        if not shown:
            return
        if self._open is not None:
            self.pieces.append(self._open)
            self._open = None
        if self.pieces:
            self.pieces[-1].end += shown
        self.length += shown

    def infos(self, text: str, dropped: int, table: Sequence[bytes]) -> list[TokenInfo]:
        """The pieces of ``text``, which is the stream's characters from ``dropped`` on."""
        out: list[TokenInfo] = []
        stop = dropped + len(text)
        for p in self.pieces:
            if p.start >= stop:
                break
            begin, end = max(p.start, dropped), min(p.end, stop)
            if end <= begin:
                continue
            shown = ((_alternative_text(table[int(a)], p.pending, p.remainder), float(lp))
                     for a, lp in zip(p.alt_ids, p.alt_logprobs, strict=True) if np.isfinite(lp))
            alts = tuple(Alternative(t, math.exp(lp)) for t, lp in shown if t)
            out.append(TokenInfo(text[begin - dropped: end - dropped], begin - dropped, math.exp(p.logprob), alts))
        return out


def _alternative_text(piece: bytes, pending: bytes, remainder: bytes) -> str:
    """What the writer would see at a point had the pack chosen ``piece`` there."""
    piece = piece[len(remainder):] if piece.startswith(remainder) else piece
    return (pending + piece).decode("utf-8", errors="replace").replace("\xa0", " ")


def top_alternatives(logprobs: np.ndarray, k: int, textless: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` likeliest tokens of each row of ``logprobs`` [rows, vocab] that have text
    (``textless`` lists those that have none, such as end-of-text), most likely first:
    (ids [rows, k], log-probs [rows, k]).

    The vocabulary is cut in blocks of :data:`BLOCK`: the top ``k`` tokens lie in the ``k``
    blocks with the highest maxima, so only those are sorted (0.12 ms a step for 6 rows of 8192
    against 0.54 ms for a partial sort of every row).
    """
    rows, vocab = logprobs.shape
    if textless.size:
        logprobs = logprobs.copy()
        logprobs[:, textless] = -np.inf
    full = vocab // BLOCK
    maxima = logprobs[:, : full * BLOCK].reshape(rows, full, BLOCK).max(axis=2)
    if full * BLOCK < vocab:
        maxima = np.concatenate([maxima, logprobs[:, full * BLOCK:].max(axis=1, keepdims=True)], axis=1)
    chosen = min(k, maxima.shape[1])
    blocks = np.argpartition(-maxima, chosen - 1, axis=1)[:, :chosen]
    ids = (blocks[:, :, None] * BLOCK + np.arange(BLOCK)).reshape(rows, -1)
    inside = ids < vocab
    ids = np.where(inside, ids, 0)
    lps = np.where(inside, np.take_along_axis(logprobs, ids, axis=1), -np.inf)
    order = np.argsort(-lps, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(ids, order, axis=1), np.take_along_axis(lps, order, axis=1)


def top_among(logprobs: np.ndarray, k: int, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` likeliest of ``candidates`` in one row's ``logprobs`` [vocab], most likely first."""
    lps = logprobs[candidates]
    order = np.argsort(-lps, kind="stable")[:k]
    return candidates[order], lps[order]
