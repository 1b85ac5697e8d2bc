"""How well a pack predicts a text: cross-entropy per token, perplexity and bits per character.

Texts longer than the model's context are scored in overlapping windows (stride half the
context), each token counted once, in the window where it has the most context before it;
full-length windows run in batches. Bits per character make packs with different tokenizers
comparable. The model factory calls :func:`score_text` to fill the cards' evaluation tables.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from writer.errors import WriterError
from writer.generation.engine import Engine, engines
from writer.generation.packs import Pack

LOGITS_BUDGET = 64 * 2**20  # bytes of logits one batch may produce


def _log_probs(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """log p(target) for each position: logits [n, vocab], targets [n]."""
    logits = logits.astype(np.float64, copy=False)
    top = logits.max(axis=-1, keepdims=True)
    lse = np.log(np.exp(logits - top).sum(axis=-1)) + top[:, 0]
    return logits[np.arange(len(targets)), targets] - lse


def windows(total: int, context: int, stride: int) -> list[tuple[int, int, int]]:
    """(begin, end, first scored) over positions 1..total-1 of the id sequence, each scored once."""
    spans, scored, begin = [], 1, 0
    while scored < total:
        end = min(begin + context, total)
        spans.append((begin, end, scored))
        scored = end
        begin = max(end - (context - stride), begin + 1)
        if end == total:
            break
    return spans


def score_ids(engine: Engine, ids: list[int], *, stride: int | None = None,
              batch_size: int | None = None) -> tuple[float, int]:
    """Total negative log-likelihood (nats) of ``ids[1:]`` given what precedes, and the count."""
    engine.load()
    context = engine.n_positions
    stride = stride or max(1, context // 2)
    if len(ids) < 2:
        return 0.0, 0
    spans = windows(len(ids), context, stride)
    if batch_size is None:
        batch_size = max(1, LOGITS_BUDGET // (context * engine.vocab_size * 4))
    arr = np.asarray(ids, dtype=np.int64)
    nll = 0.0
    full = [s for s in spans if s[1] - s[0] == context]
    rest = [s for s in spans if s[1] - s[0] != context]
    groups = [full[i: i + batch_size] for i in range(0, len(full), batch_size)] + [[s] for s in rest]
    for group in groups:
        batch = np.stack([arr[b:e] for b, e, _ in group])
        logits = engine.logits(batch)
        for row, (b, e, first) in enumerate(group):
            pos = np.arange(first - b - 1, e - b - 1)  # logits at pos predict the token at pos + 1
            nll -= float(_log_probs(logits[row, pos], arr[b + pos + 1]).sum())
    return nll, len(ids) - 1


def score_text(pack_or_engine: Pack | Engine | str, text: str, *, stride: int | None = None,
               batch_size: int | None = None) -> dict[str, Any]:
    """Score ``text``; every token is predicted, the first one from ``<|endoftext|>`` (a document start)."""
    engine = pack_or_engine.load() if isinstance(pack_or_engine, Engine) else engines().get(pack_or_engine)
    if not text:
        raise WriterError("There is no text to score.")
    start = engine.eos_id if engine.eos_id is not None else 0
    ids = [start, *engine.encode(text)]
    nll, count = score_ids(engine, ids, stride=stride, batch_size=batch_size)
    per_token = nll / count
    return {
        "model": engine.pack.name, "tokens": count, "characters": len(text), "nats_per_token": per_token,
        "perplexity": math.exp(per_token), "bits_per_char": nll / math.log(2) / len(text),
    }
