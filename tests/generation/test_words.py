"""No invented words at the cursor: the shipped word list and best-of ranking against it."""

from __future__ import annotations

import pytest

from writer.generation.packs import Pack
from writer.generation.polish import Polish
from writer.generation.words import Lexicon, breaks, load_words, shared_words_path

PROMPT = "Captain Rogers stood by the corri"


@pytest.fixture(scope="module")
def known() -> frozenset[str]:
    words = load_words(shared_words_path())
    if not words:
        pytest.skip("resources/models/words.txt.xz is not built")
    return words


@pytest.mark.parametrize(("prompt", "text", "broken"), [
    (PROMPT, "tates the door.", True),  # an invented completion
    (PROMPT, "dor and waited.", False),  # the real word
    (PROMPT, " was dark.", True),  # the half-typed word left half-typed
    ("a pane of transparent", "s glass.", True),  # letters glued onto a whole word
    ("a pane of transparent", " glass.", False),
    ("She said she don", "'t know.", False),  # letters up to the first non-letter: "don"
    ("The nerve-", "trunk was cut.", False),  # a new word at the cursor is checked too
    ("The nerve-", "trunker was cut.", True),
    ("He said, ", "“Yes.”", False),  # no word at the cursor
    ("東京は日本の首", "都です。", False),  # scripts without spaces are not checked
])
def test_the_word_at_the_cursor_must_be_a_known_word(known: frozenset[str], prompt: str, text: str,
                                                      broken: bool) -> None:
    assert breaks(prompt, text, known) is broken


@pytest.mark.parametrize(("prompt", "text", "state"), [
    (PROMPT, "", Lexicon.OPEN), (PROMPT, "d", Lexicon.OPEN), (PROMPT, "dor", Lexicon.OPEN),
    (PROMPT, "dor,", Lexicon.DONE), (PROMPT, "t", Lexicon.BAD), (PROMPT, " was", Lexicon.BAD),
    (PROMPT, "Dor", Lexicon.BAD),  # a capital glued onto a lower-case word
    (PROMPT, "gan", Lexicon.BAD), ("Captain Corri", "gan", Lexicon.OPEN),  # a lower-case word is no name
    ("a pane of transparent", "s", Lexicon.BAD), ("a pane of transparent", "ly", Lexicon.OPEN),
])
def test_while_spelling_the_word_at_the_cursor_each_token_is_checked(known: frozenset[str], prompt: str,
                                                                    text: str, state: str) -> None:
    lexicon = Lexicon(known)
    tail = lexicon.tail(prompt)
    assert tail is not None and lexicon.step(tail, text) == state
    assert lexicon.tail("She met Quillfea") is None  # a word the list cannot complete is left to the writer


def test_no_list_means_no_check() -> None:
    assert not breaks(PROMPT, "tates", frozenset())


def test_the_list_is_small_and_holds_words_not_text(known: frozenset[str]) -> None:
    assert shared_words_path().stat().st_size < 1_500_000
    assert {"corridor", "transparent", "Darcy", "enough"} <= known  # names as the books write them
    assert all(w.isalpha() and w[1:] == w[1:].lower() for w in known)


def test_polished_suggestions_complete_a_half_typed_word_into_a_real_one(shipped_pack: Pack,
                                                                        known: frozenset[str]) -> None:
    from writer.generation.engine import Engine
    from writer.generation.sampling import SamplerSettings

    engine = Engine(shipped_pack, threads=1).load()
    settings = SamplerSettings.from_dict(shipped_pack.sampler).with_overrides(max_new_tokens=6)
    prompts = [PROMPT, "The old man looked at the transpa", "Nobody had seen the envel", "It was a dreadful nunn"]
    broken = {}
    for polish in (Polish(known_words=False), Polish()):
        broken[polish.known_words] = [(p, t) for p in prompts for s in range(4)
                                      for t in engine.generate(p, n=3, settings=settings, seed=s, polish=polish).texts
                                      if breaks(p, t, known)]
    assert broken[False]  # the small model does invent words here
    assert not broken[True]


def test_a_half_typed_word_the_text_already_uses_is_spelt_as_the_text_does() -> None:
    from writer.generation.words import Lexicon

    lex = Lexicon(frozenset(["musgrave", "musgrove", "corridor", "then", "the"]))
    own = lex.for_prompt("Charles Musgrove came in with his wife. Then Mrs Musgr")
    assert set(own.endings("Musgr")) == {"ove"}  # the story's Musgrove, not the list's Musgrave
    assert lex.for_prompt("Down the corri") is lex  # nothing in the text starts so: the whole list
    assert lex.for_prompt("The then th") is lex  # too few letters to decide anything
