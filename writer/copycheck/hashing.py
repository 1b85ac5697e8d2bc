"""64-bit hashing of words and word windows, vectorised with numpy (uint64 arithmetic wraps)."""

from __future__ import annotations

import numpy as np

MASK64 = (1 << 64) - 1
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def splitmix64_int(x: int) -> int:
    """SplitMix64's finaliser: a bijection that spreads every input bit over all output bits."""
    x = (x + 0x9E3779B97F4A7C15) & MASK64
    x = ((x ^ (x >> 30)) * _M1) & MASK64
    x = ((x ^ (x >> 27)) * _M2) & MASK64
    return x ^ (x >> 31)


def splitmix64(x: np.ndarray) -> np.ndarray:
    """:func:`splitmix64_int` over a uint64 array."""
    x = x.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(_M1)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(_M2)
    return x ^ (x >> np.uint64(31))


def _coefficients(k: int) -> np.ndarray:
    # odd multipliers, so every word position is a bijection and no word is ever ignored
    return np.array([splitmix64_int(0xC0FFEE + j) | 1 for j in range(k)], np.uint64)


def window_hashes(word_hashes: np.ndarray, k: int) -> np.ndarray:
    """The hash of every run of ``k`` consecutive words (``len - k + 1`` of them, or none)."""
    n = len(word_hashes) - k + 1
    if n <= 0:
        return np.zeros(0, np.uint64)
    coef = _coefficients(k)
    acc = word_hashes[0:n] * coef[0]
    for j in range(1, k):
        acc += word_hashes[j:j + n] * coef[j]
    return splitmix64(acc)


def winnow(hashes: np.ndarray, w: int) -> np.ndarray:
    """Indices chosen by winnowing (Schleimer et al. 2003): the minimum of every ``w`` hashes.

    Every run of ``w`` consecutive windows contains a chosen one, so two chosen windows of
    one match are at most ``w`` apart and any match of ``w + k - 1`` words is found.
    """
    if len(hashes) == 0:
        return np.zeros(0, np.int64)
    if len(hashes) <= w:
        return np.array([int(np.argmin(hashes))], np.int64)
    view = np.lib.stride_tricks.sliding_window_view(hashes, w)
    picks = np.arange(len(view)) + view.argmin(axis=1)
    return np.unique(picks)
