"""The decoder's care on the tiny real pack: healing at the cursor, clean ends, names, best of several."""

from __future__ import annotations

import json
import re

import pytest
from tinypack import CONTEXT

from writer.generation.engine import Engine
from writer.generation.packs import Pack
from writer.generation.polish import Polish, rank
from writer.generation.sampling import SamplerSettings
from writer.generation.streaming import is_cjk

pytestmark = pytest.mark.train
HOT = SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, repetition_penalty=1.0, max_new_tokens=12)
HEAL_ONLY = Polish(clean_endings=False, avoid_names=False, best_of=1)


@pytest.fixture
def engine(tiny_pack: Pack) -> Engine:
    return Engine(tiny_pack, threads=1).load()


def _spelt(engine: Engine, ids: list[int]) -> bytes:
    return b"".join(engine.token_bytes.table[i] for i in ids)


@pytest.mark.parametrize(("prompt", "removed"), [
    ("The quick brown fox jum", " jum"),  # inside a word: the word and its space are re-spelt
    ("The rain in Spain ", " "),  # after a space: the model decides how the next word starts
    ("The rain in Spain stays mainly in the plain. Is it raining? Yes, it is. She walked home, and the ni",
     " ni"),  # a long prompt: the end is re-encoded from a word boundary to match the prompt's tokens
    ("Is it raining?", "?"),  # after punctuation: only the mark
    ("Café naï", " naï"),  # accents: healed over bytes, never half a character
    ("東京は日本の首", None),  # CJK: at least the last character, whole characters only
])
def test_healing_re_spells_the_text_at_the_cursor_and_shows_only_what_follows(
        engine: Engine, prompt: str, removed: str | None) -> None:
    plain, _ = engine.prompt_ids(prompt, max_new_tokens=18)
    healed, rest = engine.heal(plain, prompt)
    removed = removed or rest.decode("utf-8")  # raises if the cut split a character
    assert rest == removed.encode() and len(healed) < len(plain) and prompt.endswith(removed)
    assert engine.decode(healed) + removed == engine.decode(plain)
    for seed in range(4):
        result = engine.generate(prompt, n=3, settings=HOT, seed=seed, polish=HEAL_ONLY)
        for text, ids in zip(result.texts, result.token_ids, strict=True):
            # the generated tokens spell the removed text first, and the suggestion is what follows it
            spelt = _spelt(engine, ids)
            assert spelt.startswith(rest) or (rest.startswith(spelt) and not text)  # or still spelling it
            assert spelt[len(rest):].decode("utf-8", errors="ignore").startswith(text.rstrip()[:4])
            assert "\ufffd" not in text


def test_unhealed_prompt_continues_after_the_fragment(engine: Engine) -> None:
    result = engine.generate("The quick brown fox jum", n=3, settings=HOT, seed=1)
    assert not any(_spelt(engine, ids).startswith(b" jum") for ids in result.token_ids)


def test_polished_suggestions_end_cleanly_within_the_hard_cap(engine: Engine) -> None:
    polish = Polish(heal=False, avoid_names=False)
    for seed in range(6):
        result = engine.generate("She walked home, and the night was", n=3, settings=HOT, seed=seed, polish=polish)
        for text, ids in zip(result.texts, result.token_ids, strict=True):
            assert len(ids) <= polish.cap(HOT.max_new_tokens)
            # never mid-word: the text is what the tokens spelt, cut before a letter run went on
            spelt = _spelt(engine, ids).decode("utf-8", errors="ignore").replace("\xa0", " ")
            assert spelt.startswith(text)
            after = spelt[len(text):]
            assert not (text and text[-1].isalnum() and not is_cjk(text[-1]) and after[:1].isalnum()
                        and not is_cjk(after[0]))  # a CJK character is a word of its own


def test_memory_note_counts_within_the_context_budget(engine: Engine) -> None:
    memory = "Remember: the fox is brown."
    polish = Polish()
    result = engine.generate("The quick brown fox jumps. " * 40, n=2, settings=HOT, seed=3, memory=memory,
                             polish=polish)
    assert result.prompt_truncated
    assert result.prompt_tokens + polish.cap(HOT.max_new_tokens) <= CONTEXT
    ids, _ = engine.prompt_ids("The quick brown fox jumps. " * 40, memory, polish.cap(HOT.max_new_tokens))
    assert engine.decode(ids).startswith(memory)


def test_names_of_the_books_are_down_weighted_unless_the_draft_uses_them(tiny_pack: Pack) -> None:
    plain = Polish(heal=False, clean_endings=False, avoid_names=False, best_of=1)
    guarded = Polish(heal=False, clean_endings=False, avoid_names=True, best_of=1)
    prompt = "The rain in Spain stays mainly"
    engine = Engine(tiny_pack, threads=1).load()
    found = []  # (seed, a word the pack writes here unprompted)
    for seed in range(40):
        text = prompt + engine.generate(prompt, n=1, settings=HOT, seed=seed, polish=plain).texts[0]
        found += [(seed, w) for w in re.findall(r"(?<![^\W\d_])[^\W\d_]{4,}", text) if w not in prompt][:1]
    assert len(found) >= 3
    names = [{"name": w, "count": 9, "prefix": 3} for _, w in found]
    (tiny_pack.path / "names.json").write_text(json.dumps({"names": names}), encoding="utf-8")
    engine = Engine(tiny_pack, threads=1).load()
    for seed, word in found:
        again = prompt + engine.generate(prompt, n=1, settings=HOT, seed=seed, polish=plain).texts[0]
        assert re.search(rf"(?<![^\W\d_]){word}", again)
        avoided = prompt + engine.generate(prompt, n=1, settings=HOT, seed=seed, polish=guarded).texts[0]
        assert not re.search(rf"(?<![^\W\d_]){word}", avoided)
    # the writer's own names: mentioned in the memory note, they are free again
    guard = engine.name_guard(prompt, "Characters: " + ", ".join(w for _, w in found))
    assert guard is not None and not guard.names


def test_rank_drops_junk_and_near_duplicates_before_the_score() -> None:
    texts = [" He left the room.", " [Illustration: a ship]", " He left the room!", " She sang."]
    order = rank(texts, [-1.0, -0.5, -1.1, -2.0], 2)
    assert order == [0, 3]


def test_a_suggestion_that_stops_short_of_a_full_stop_ranks_after_the_whole_sentences() -> None:
    # the lantern draft, vanilla: "…she closed the book and" + a paragraph break the model chose
    texts = [" took the pencil and said", " looked out.", " wrote a note", " \"Yes,\" she said."]
    assert rank(texts, [-1.0, -1.5, -1.2, -1.9], 3) == [1, 3, 0]
    assert rank(texts, [-1.0, -1.5, -1.2, -1.9], 3, clean=False) == [0, 2, 1]  # --raw: by score alone


def test_cards_filled_from_the_weaker_candidates_never_repeat_one_another() -> None:
    # "…I may be mistake" + "n." four times: the best-scored copies filled two cards before
    texts = ['n."', 'n."', 'n: he must have become a gentleman."', 'n."', 'n, Mr Elliot."', 'n."']
    order = rank(texts, [-1.68, -1.68, -2.55, -1.7, -2.9, -1.7], 3, unwanted=lambda t: "Elliot" in t)
    assert order == [2, 0, 4]
    assert len({texts[i] for i in rank(['n."', 'n."'], [-1.0, -1.0], 2)}) == 1  # nothing else: the copy fills


def test_a_candidate_with_a_borrowed_name_ranks_after_the_others() -> None:
    from writer.generation.names import Name, NameGuard

    guard = NameGuard([Name("Elliot", 9, 5)], [b" Ell", b"iot", b" the"])
    assert guard.uses(" with Mr Elliot.") and not guard.uses(" with Mr Elliott, the son")
    texts = [" with Mr Elliot, as before.", " with her sister, as before.", " alone in the rain."]
    assert rank(texts, [-1.0, -1.5, -2.5], 2, unwanted=guard.uses) == [1, 2]
    assert rank(texts, [-1.0, -1.5, -2.5], 2) == [0, 1]


def test_unprompted_polished_samples_are_prose_not_title_pages(shipped_pack: Pack) -> None:
    from writer.generation.junk import is_junk

    engine = Engine(shipped_pack, threads=1).load()
    settings = SamplerSettings.from_dict(shipped_pack.sampler).with_overrides(max_new_tokens=8)
    raw = [t for s in range(10) for t in engine.generate("", n=3, settings=settings, seed=s).texts]
    polished = [t for s in range(10) for t in engine.generate("", n=3, settings=settings, seed=s,
                                                               polish=Polish()).texts]
    assert sum(is_junk(t) or not t.strip() for t in raw) >= 3  # the books' title pages come back unpolished
    assert all(t.strip() and not is_junk(t) for t in polished)


FINISHED_DRAFT = ("# Notes from the harbour\n\nThe boats came in before dawn, *low in the water*, and the gulls knew "
                  "it before we did.\n\n> Every tide writes the same letter twice.\n\n## What to keep\n\n"
                  "- the smell of tar and rope\n- the harbourmaster's **ledger**, open on the bench\n"
                  "- a list of names nobody reads aloud\n\nI want the piece to end on the lantern, not the catch. "
                  "See [the tide tables](https://example.org/tides) for the dates.")


def test_a_finished_draft_is_never_continued_with_the_books_last_line() -> None:
    """After a draft's last full stop the packs reach for what followed the books' last lines."""
    from writer.generation.junk import is_junk
    from writer.generation.packs import find

    unit = [is_junk("\n\nEnd of the Project"), is_junk("End of Project"), is_junk("\n\nXL. The Town-Ho")]
    assert not is_junk(" At the end of the project we met again.") and not is_junk(" Louis XIV. was king.")
    texts = [t for name in ("pkd", "ja", "vanilla") for seed in range(12)
             for t in Engine(find(name), threads=1).load().generate(FINISHED_DRAFT, n=3, seed=seed,
                                                                    polish=Polish()).texts]
    assert not [t for t in texts if "Project" in t or is_junk(t)]
    assert all(unit)


def test_names_the_writer_uses_are_found_as_whole_words() -> None:
    from writer.generation.names import Name, mentioned

    names = [Name(n, 1, 2) for n in ("Elinor", "Mary Ann", "O'Brien", "Zoë", "Hal")]
    text = "Elinor_x and Halifax met Mary Ann, O'Brien's dog and Zoë."
    assert mentioned(names, text, "") == {"Mary Ann", "O'Brien", "Zoë"}
    assert mentioned(names, "", "Memory: Elinor; Hal.") == {"Elinor", "Hal"}
