"""Perplexity against a straightforward computation in PyTorch on the same weights."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from tinypack import CONTEXT, TEXT

from writer.errors import WriterError
from writer.generation.engine import Engine
from writer.generation.packs import Pack
from writer.generation.perplexity import score_text, windows

pytestmark = pytest.mark.train


def _torch_nll(hf: Path, ids: list[int], stride: int) -> float:
    """Sliding-window NLL, the recipe from transformers' perplexity guide, summed exactly."""
    import torch
    from transformers import GPT2LMHeadModel

    model = GPT2LMHeadModel.from_pretrained(hf).eval()
    total, prev_end = 0.0, 1
    for begin in range(0, len(ids), stride):
        end = min(begin + CONTEXT, len(ids))
        with torch.no_grad():
            logits = model(torch.tensor([ids[begin:end]])).logits[0].double()
        logp = torch.log_softmax(logits, dim=-1)
        for target in range(prev_end, end):
            total -= float(logp[target - begin - 1, ids[target]])
        prev_end = end
        if end == len(ids):
            break
    return total


def test_short_text_matches_a_full_forward_pass(fp32_pack: Pack, tiny_build: dict[str, Path]) -> None:
    engine = Engine(fp32_pack, threads=1).load()
    text = "The quick brown fox jumps over the lazy dog."
    result = score_text(engine, text)
    ids = [engine.eos_id, *engine.encode(text)]
    expected = _torch_nll(tiny_build["hf"], ids, CONTEXT // 2)
    assert result["tokens"] == len(ids) - 1
    assert result["nats_per_token"] == pytest.approx(expected / (len(ids) - 1), rel=1e-4)
    assert result["perplexity"] == pytest.approx(math.exp(expected / (len(ids) - 1)), rel=1e-4)
    assert result["bits_per_char"] == pytest.approx(expected / math.log(2) / len(text), rel=1e-4)


def test_long_text_is_scored_in_overlapping_windows(fp32_pack: Pack, tiny_build: dict[str, Path]) -> None:
    engine = Engine(fp32_pack, threads=1).load()
    text = " ".join(TEXT[:12])
    ids = [engine.eos_id, *engine.encode(text)]
    assert len(ids) > 3 * CONTEXT
    batched = score_text(engine, text, batch_size=4)
    single = score_text(engine, text, batch_size=1)
    assert batched["tokens"] == single["tokens"] == len(ids) - 1
    assert batched["nats_per_token"] == pytest.approx(single["nats_per_token"], rel=1e-6)
    expected = _torch_nll(tiny_build["hf"], ids, CONTEXT // 2)
    assert batched["nats_per_token"] == pytest.approx(expected / (len(ids) - 1), rel=1e-4)


def test_windows_predict_every_token_once() -> None:
    for total in (2, 10, 64, 65, 300):
        scored = [t for _, end, first in windows(total, 64, 32) for t in range(first, end)]
        assert scored == list(range(1, total))
        assert all(end - begin <= 64 for begin, end, _ in windows(total, 64, 32))


def test_int8_pack_scores_close_to_fp32(tiny_pack: Pack, fp32_pack: Pack) -> None:
    text = TEXT[0]
    q = score_text(Engine(tiny_pack, threads=1), text)["nats_per_token"]
    f = score_text(Engine(fp32_pack, threads=1), text)["nats_per_token"]
    assert np.isfinite(q) and abs(q - f) < 0.1 * f


def test_empty_text_is_refused(tiny_pack: Pack) -> None:
    with pytest.raises(WriterError, match="no text"):
        score_text(Engine(tiny_pack, threads=1), "")
