"""Choosing the next token for each row: temperature, top-k, top-p and repetition penalty in numpy.

The order follows transformers' ``generate()`` (penalty, temperature, top-k, top-p) so a card's
preset means the same here as in the notebook that tuned it.
"""

from __future__ import annotations

import numpy as np

from writer.generation.sampler_settings import SamplerSettings

__all__ = ["SamplerSettings", "apply_repetition_penalty", "sample"]


def apply_repetition_penalty(logits: np.ndarray, seen: np.ndarray, penalty: float) -> None:
    """In place: tokens already in the row's context get less likely (CTRL's rule, as transformers)."""
    if penalty == 1.0:
        return
    hit = logits[seen]
    logits[seen] = np.where(hit > 0, hit / penalty, hit * penalty)


def sample(logits: np.ndarray, settings: SamplerSettings, rng: np.random.Generator,
           seen: np.ndarray | None = None, banned: np.ndarray | None = None) -> np.ndarray:
    """One token id per row of ``logits`` [rows, vocab] (float32, modified in place)."""
    if seen is not None:
        apply_repetition_penalty(logits, seen, settings.repetition_penalty)
    if banned is not None and banned.size:
        logits[:, banned] = -np.inf
    rows, vocab = logits.shape
    draws = rng.random((rows,))  # always drawn, so greedy rows do not shift the stream of other settings
    if settings.temperature == 0:
        return logits.argmax(axis=1)
    logits /= settings.temperature
    k = settings.top_k if 0 < settings.top_k < vocab else vocab
    if k < vocab:
        cand = np.argpartition(-logits, k - 1, axis=1)[:, :k]
    else:
        cand = np.broadcast_to(np.arange(vocab), (rows, vocab))
    cl = np.take_along_axis(logits, cand, axis=1)
    order = np.argsort(-cl, axis=1, kind="stable")
    cand = np.take_along_axis(cand, order, axis=1)
    cl = np.take_along_axis(cl, order, axis=1)
    probs = np.exp(cl - cl[:, :1])
    probs /= probs.sum(axis=1, keepdims=True)
    cum = np.cumsum(probs, axis=1)
    if settings.top_p < 1.0:
        keep = (cum - probs) < settings.top_p  # the first token always stays
        probs = np.where(keep, probs, 0.0)
        cum = np.cumsum(probs, axis=1)
    pick = np.array([min(int(np.searchsorted(cum[r], draws[r] * cum[r, -1], side="right")), k - 1)
                     for r in range(rows)])
    return cand[np.arange(rows), pick]
