"""From window hits to verified spans: chain hits on one diagonal, keep the maximal spans."""

from __future__ import annotations

import numpy as np


def chain_hits(qidx: np.ndarray, pos: np.ndarray, k: int, work_starts: np.ndarray) -> np.ndarray:
    """Rows of (first word, end word, corpus position of the first word), one per chain.

    Hits with the same diagonal (corpus position minus query position) whose ``k``-word
    windows overlap or touch cover one contiguous run of words at one corpus place, so their
    union is a verified verbatim span. Anything else starts a new chain, and so does a new
    work: works are numbered consecutively, so the last window of one and the first of the
    next touch without the text between them ever having been seen.
    """
    if not len(qidx):
        return np.zeros((0, 3), np.int64)
    diag = pos - qidx
    order = np.lexsort((qidx, diag))
    q, d = qidx[order], diag[order]
    new = np.ones(len(q), bool)
    work = np.searchsorted(work_starts, pos[order], side="right")
    new[1:] = (d[1:] != d[:-1]) | (q[1:] - q[:-1] > k) | (work[1:] != work[:-1])
    first = np.flatnonzero(new)
    last = np.concatenate((first[1:], [len(q)])) - 1
    return np.stack((q[first], q[last] + k, q[first] + d[first]), axis=1)


def maximal(spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
    """The spans not strictly inside another one (equal spans are kept: they merge sources)."""
    keep: set[tuple[int, int]] = set()
    best_end = -1
    for start, end in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if end > best_end:
            keep.add((start, end))
            best_end = end
    return keep
