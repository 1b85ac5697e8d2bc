"""The engine on a tiny real ONNX GPT-2: batching, seeds, streaming, cancel, truncation, Unicode."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from tinypack import CONTEXT

from writer.errors import WriterError
from writer.generation.engine import Engine, EngineCache
from writer.generation.packs import Pack
from writer.generation.sampling import SamplerSettings

pytestmark = pytest.mark.train
HOT = SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, repetition_penalty=1.0, max_new_tokens=12)


@pytest.fixture
def engine(tiny_pack: Pack) -> Engine:
    return Engine(tiny_pack, threads=1).load()


def test_rows_differ_and_shared_prefill_matches_per_row_prefill(fp32_pack: Pack) -> None:
    engine = Engine(fp32_pack, threads=1).load()
    ids, _ = engine.prompt_ids("The rain in Spain stays mainly", max_new_tokens=8)
    last, past, _ = engine.prefill(ids)
    nxt = [5, 77, 120]
    shared = [np.repeat(p, 3, axis=0) for p in past]
    batched, _ = engine.run(np.asarray([[t] for t in nxt]), shared, len(ids))
    for row, tok in enumerate(nxt):
        alone = engine.logits(np.asarray([[*ids, tok]]))[0, -1]
        np.testing.assert_allclose(batched[row, -1], alone, atol=1e-4)
    np.testing.assert_allclose(last, engine.logits(np.asarray([ids]))[0, -1], atol=1e-4)
    result = engine.generate("The rain in Spain", n=3, settings=HOT, seed=11)
    assert len(set(result.texts)) == 3


def test_seed_reproduces_whatever_ran_before(engine: Engine, tiny_pack: Pack) -> None:
    prompt = "She walked home, and the night was cold. The quick brown fox jumps over the lazy dog. Is it"
    first = engine.generate(prompt, n=3, settings=HOT, seed=42)
    engine.generate(prompt + " raining? Yes, it is.", n=2, settings=HOT, seed=1)
    engine.generate("Something else entirely", n=1, settings=HOT)
    again = engine.generate(prompt, n=3, settings=HOT, seed=42)
    fresh = Engine(tiny_pack, threads=1).generate(prompt, n=3, settings=HOT, seed=42)
    assert again.texts == first.texts == fresh.texts
    assert again.seed == 42
    others = {tuple(engine.generate(prompt, n=3, settings=HOT, seed=s).texts) for s in (1, 2, 3)}
    assert len(others) > 1
    unseeded = engine.generate(prompt, n=1, settings=HOT)
    assert engine.generate(prompt, n=1, settings=HOT, seed=unseeded.seed).texts == unseeded.texts


def test_stream_is_in_order_and_deltas_join_to_the_final_text(engine: Engine) -> None:
    for stop, trim in ((None, "word"), ("sentence", "word"), ("paragraph", "sentence")):
        steps: list[int] = []
        joined = ["", "", ""]

        def on_step(step: int, deltas: list[str], steps: list[int] = steps, joined: list[str] = joined) -> None:
            steps.append(step)
            for i, d in enumerate(deltas):
                joined[i] += d

        result = engine.generate("The quick brown fox", n=3, settings=HOT, seed=5, stop=stop, trim=trim,
                                 on_step=on_step)
        assert steps == list(range(len(steps))) and 1 <= len(steps) <= HOT.max_new_tokens
        assert joined == result.texts
        assert all("<|endoftext|>" not in t for t in result.texts)
        assert all(len(ids) <= HOT.max_new_tokens for ids in result.token_ids)


def test_cancel_stops_mid_stream(engine: Engine) -> None:
    cancel = threading.Event()
    seen: list[int] = []
    joined = [""]

    def on_step(step: int, deltas: list[str]) -> None:
        seen.append(step)
        joined[0] += deltas[0]
        if step == 2:
            cancel.set()

    settings = HOT.with_overrides(max_new_tokens=30)
    result = engine.generate("The quick brown fox", n=1, settings=settings, seed=1, on_step=on_step, cancel=cancel)
    assert result.cancelled
    assert seen == [0, 1, 2]
    assert len(result.token_ids[0]) == 3
    assert result.texts[0] == joined[0]


def test_cancel_before_the_first_token_skips_the_prompt(engine: Engine) -> None:
    cancel = threading.Event()
    cancel.set()  # the writer typed on before the request started
    engine.forget_prompt()
    text = " ".join(f"word{i}" for i in range(300))
    result = engine.generate(text, n=1, settings=HOT, seed=1, cancel=cancel)
    assert result.cancelled and result.texts == [""]
    assert result.timings["prefill_tokens"] <= engine.chunk  # one chunk at most, not the whole prompt


def test_end_of_text_typed_in_a_draft_is_text(engine: Engine) -> None:
    ids, _ = engine.prompt_ids("He wrote <|endoftext|> on the wall", max_new_tokens=4)
    assert ids.count(engine.eos_id) == 1 and ids[0] == engine.eos_id  # only the start of the document
    assert engine.decode(ids) == "He wrote <|endoftext|> on the wall"


def test_long_prompt_keeps_its_end_within_the_context(engine: Engine) -> None:
    text = " ".join(f"word{i}" for i in range(400)) + " the end"
    ids, truncated = engine.prompt_ids(text, max_new_tokens=10)
    assert truncated and len(ids) == CONTEXT - 10
    full = engine.encode(text)
    assert ids == full[-len(ids):]
    result = engine.generate(text, n=2, settings=HOT.with_overrides(max_new_tokens=10), seed=3)
    assert result.prompt_truncated and result.prompt_tokens == CONTEXT - 10
    memory = "Remember: the fox is brown."
    with_memory, _ = engine.prompt_ids(text, memory=memory, max_new_tokens=10)
    assert len(with_memory) == CONTEXT - 10
    assert engine.decode(with_memory).startswith(memory)
    assert engine.decode(with_memory).endswith("the end")
    with pytest.raises(WriterError, match="context"):
        engine.generate(text, settings=HOT.with_overrides(max_new_tokens=CONTEXT))


def test_unicode_round_trips_and_never_comes_out_half_done(engine: Engine) -> None:
    text = "東京は日本の首都です。 Café naïve e\u0301 🙂🎉 👩🏽‍💻 “quoted”…"
    ids, _ = engine.prompt_ids(text, max_new_tokens=4)
    assert engine.decode(ids) == text
    decoder = engine.token_bytes.decoder()
    pieces = [decoder.feed(t) for t in engine.encode(text)]
    assert "".join(pieces) + decoder.flush() == text
    assert all("\ufffd" not in p for p in pieces)
    broken = engine.token_bytes.decoder()  # bytes that make no character are dropped, not shown as "\ufffd"
    lone = [t for t, b in enumerate(engine.token_bytes.table) if b and all(0x80 <= x < 0xC0 for x in b)]
    fed = [broken.feed(t) for t in [lone[0], *engine.encode(" ok")]] if lone else []
    assert lone and "".join(fed) + broken.flush() == " ok"
    assert any(p == "" for p in pieces)  # some tokens were only part of a character
    result = engine.generate(text, n=2, settings=HOT, seed=9)
    assert len(result.texts) == 2


def test_unconditional_sample_starts_from_end_of_text(engine: Engine) -> None:
    result = engine.generate("", n=2, settings=HOT, seed=4)
    assert result.prompt_tokens == 1
    assert all(t for t in result.texts)
    assert all("<|endoftext|>" not in t for t in result.texts)


def test_sentence_stop_on_the_shipped_pack(shipped_pack: Pack) -> None:
    engine = Engine(shipped_pack).load()
    settings = SamplerSettings.from_dict(shipped_pack.sampler).with_overrides(max_new_tokens=60)
    result = engine.generate("It was a cold morning. The old man", n=3, seed=2, stop="sentence", settings=settings)
    for text, reason in zip(result.texts, result.finish_reasons, strict=True):
        assert text.strip()
        if reason == "stop":
            assert text.rstrip("\"'”’)").endswith((".", "!", "?", "…"))
            assert text.count(".") + text.count("!") + text.count("?") >= 1


def test_engine_cache_loads_once_across_threads(tiny_pack: Pack) -> None:
    cache = EngineCache(threads=1)
    got: list[Engine] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("tiny"))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 4 and all(e is got[0] for e in got) and got[0].loaded


def test_bad_sampler_settings_are_explained() -> None:
    with pytest.raises(WriterError, match="top-p"):
        SamplerSettings(top_p=0)
    with pytest.raises(WriterError, match="temperature"):
        SamplerSettings(temperature=-1)


def test_reused_row_caches_change_no_suggestion(shipped_pack) -> None:  # type: ignore[no-untyped-def]
    """The row caches a generation leaves behind are reused by the next (no page faults before the
    second token); a bigger one from a longer prompt must write exactly the same text."""
    from writer.generation.engine import Engine
    from writer.generation.polish import Polish

    engine = Engine(shipped_pack, threads=1).load()
    prompt = "The boats came in before dawn, low in the water, and the gulls"
    first = engine.generate(prompt, n=3, seed=5, polish=Polish()).texts
    engine.generate(prompt * 6, n=3, seed=9, polish=Polish())  # leaves larger caches behind
    assert engine._spare is not None
    engine._prefix = None  # start the prompt afresh, as a new draft would
    assert engine.generate(prompt, n=3, seed=5, polish=Polish()).texts == first


def test_rows_prepared_while_typing_change_no_suggestion(shipped_pack) -> None:  # type: ignore[no-untyped-def]
    """The background prefill copies the prompt into the kept row caches so the trigger copies only
    what changed; whatever was typed or deleted in between, the suggestions are those of a fresh engine."""
    from writer.generation.engine import Engine
    from writer.generation.polish import Polish

    prompt = "The boats came in before dawn, low in the water, and the gulls followed them. " * 6 + "Martha"
    fresh = Engine(shipped_pack, threads=1).load().generate(prompt, n=3, seed=5, polish=Polish())
    first = Engine(shipped_pack, threads=1).load()  # no generation yet: the prefill makes the row caches
    first.prefill_prompt(prompt, polish=Polish(), rows=6)
    assert first._spare is not None and first._spare[0].shape[0] == 6
    again = first.generate(prompt, n=3, seed=5, polish=Polish())
    assert (again.texts, again.scores, again.token_ids) == (fresh.texts, fresh.scores, fresh.token_ids)
    engine = Engine(shipped_pack, threads=1).load()
    engine.generate("Something else to leave row caches behind.", n=3, seed=1, polish=Polish())
    engine.prefill_prompt(f"{prompt} {engine.names[0].name}", polish=Polish())  # the names guard is made there
    assert engine._guard is not None and engine._guard[0] == {engine.names[0].name}
    for typed in (prompt[:-60], prompt[:-7], prompt + " said nothing at all to him"):  # typing, then deleting
        engine.prefill_prompt(typed, max_new_tokens=40, polish=Polish())
        assert engine._spare_ids and engine._spare is not None  # the rows hold that prompt already
        again = engine.generate(prompt, n=3, seed=5, polish=Polish())
        assert (again.texts, again.scores, again.token_ids) == (fresh.texts, fresh.scores, fresh.token_ids)
