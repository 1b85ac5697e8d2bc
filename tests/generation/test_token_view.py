"""Generation.tokens (the token view): the pieces join to each shown text, and their probabilities
are the pack's own, checked against an independent forward pass."""

from __future__ import annotations

import codecs
import math

import numpy as np
import pytest

from writer.generation.engine import Engine
from writer.generation.packs import Pack
from writer.generation.polish import Polish
from writer.generation.sampling import SamplerSettings
from writer.generation.token_info import TokenInfo
from writer.generation.token_trace import TokenTrace

pytestmark = pytest.mark.train
HOT = SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, repetition_penalty=1.0, max_new_tokens=12)
PROMPTS = ["The quick brown fox jumps over the la",  # mid-word: healed
           "The rain in Spain stays mainly in the ",  # after a space
           "東京は日本の首",  # non-ASCII, mid-word
           "Café naïve faç"]


def _whole(piece: bytes) -> bool:
    try:
        piece.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _check(texts: list[str], tokens: list[list[TokenInfo]], k: int) -> None:
    assert len(tokens) == len(texts)
    for text, row in zip(texts, tokens, strict=True):
        assert "".join(t.text for t in row) == text
        offset = 0
        for t in row:
            assert t.text and t.start == offset
            offset += len(t.text)
            assert 0.0 < t.prob <= 1.0
            probs = [a.prob for a in t.alternatives]
            assert len(probs) <= k and probs == sorted(probs, reverse=True)
            assert all(a.text and 0.0 < a.prob <= 1.0 for a in t.alternatives)


@pytest.mark.parametrize("polish", [None, Polish()], ids=["raw", "polished"])
def test_pieces_join_to_each_shown_text(tiny_pack: Pack, polish: Polish | None) -> None:
    engine = Engine(tiny_pack, threads=1).load()
    trimmed = merged = 0
    for prompt in PROMPTS:
        for seed in range(4):
            result = engine.generate(prompt, n=3, settings=HOT, seed=seed, polish=polish, alternatives=5)
            _check(result.texts, result.tokens, 5)
            assert any(result.texts)
            plain = engine.generate(prompt, n=3, settings=HOT, seed=seed, polish=polish)
            assert plain.texts == result.texts and plain.tokens == []  # asking changes no suggestion
            for ids, row in zip(result.token_ids, result.tokens, strict=True):
                trimmed += len(row) < len(ids)
                merged += any(not _whole(engine.token_bytes.table[i]) for i in ids[: len(row)])
    assert trimmed and merged  # the run covered cut endings and tokens that are not whole characters


def test_shipped_pack_cleaned_endings_keep_the_invariant(shipped_pack: Pack) -> None:
    engine = Engine(shipped_pack, threads=1).load()
    cut = 0
    for prompt in ("She looked at him and said nothing. Then she opened the do",
                   "It was late when they reached the house. ", "Café naïve and the façade of the old"):
        result = engine.generate(prompt, n=3, seed=3, polish=Polish(), alternatives=5)
        _check(result.texts, result.tokens, 5)
        for ids, text in zip(result.token_ids, result.texts, strict=True):
            cut += not engine.decode(ids).endswith(text)  # more was generated than is shown
        if prompt.endswith("do"):  # healed: the first piece shows only what follows the cursor
            assert all(not row[0].text.startswith("do") for row in result.tokens)
    assert cut


def test_pieces_map_by_offsets_when_the_text_was_rewritten() -> None:
    """Leading junk dropped and no-break spaces made plain: the pieces come from the final text."""
    none = (np.zeros(0, np.int64), np.zeros(0, np.float32))
    trace = TokenTrace()
    for shown in (6, 1, 3, 4, 5):  # "JUNK\n\n" "A" "\xa0be" "gins" " more"
        trace.add(math.log(0.5), none, b"", b"", shown)
    pieces = trace.infos("A be", 6, [b""])
    assert [(p.text, p.start) for p in pieces] == [("A", 0), (" be", 1)]
    trace = TokenTrace()
    trace.add(math.log(0.5), none, b"", b"", 0)  # the first bytes of a character
    trace.add(math.log(0.5), none, b"", b"", 1)
    assert [(p.text, p.prob) for p in trace.infos("東", 0, [b""])] == [("東", 0.25)]


def test_probabilities_match_an_independent_forward_pass(fp32_pack: Pack) -> None:
    engine = Engine(fp32_pack, threads=1).load()
    prompt = "She walked home, and the night was"
    result = engine.generate(prompt, n=3, settings=HOT, seed=5, alternatives=4)
    ids, _ = engine.prompt_ids(prompt, max_new_tokens=HOT.max_new_tokens)
    textless = {i for i, b in enumerate(engine.token_bytes.table) if not b}
    checked = 0
    for chosen, row in zip(result.token_ids, result.tokens, strict=True):
        seq = [*ids, *chosen]
        logits = engine.logits(np.asarray([seq]))[0, len(ids) - 1:, : engine.vocab_size].astype(np.float64)
        lp = logits - np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1, keepdims=True)) \
            - logits.max(1, keepdims=True)
        utf8 = codecs.getincrementaldecoder("utf-8")(errors="ignore")
        pieces: list[tuple[float, int]] = []  # (probability, step where the piece began)
        acc, began = 0.0, None
        for step, tok in enumerate(chosen):
            acc += lp[step, tok]
            began = step if began is None else began
            if utf8.decode(engine.token_bytes.table[tok]):
                pieces.append((math.exp(acc), began))
                acc, began = 0.0, None
        assert len(row) <= len(pieces)
        for info, (prob, step) in zip(row, pieces, strict=False):
            assert info.prob == pytest.approx(prob, rel=1e-3, abs=1e-6)
            ranked = [float(np.exp(lp[step, t])) for t in np.argsort(-lp[step]) if int(t) not in textless][:4]
            assert [a.prob for a in info.alternatives] == pytest.approx(ranked, rel=1e-3, abs=1e-6)
            checked += 1
    assert checked >= 10
