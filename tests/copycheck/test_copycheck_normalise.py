from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from writer.copycheck.normalise import normal_form, tokenise, word_hash, words

texts = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=200)
prose_chars = st.text(alphabet=string.ascii_letters + string.digits + " \n\t.,;:!?'\"-—–’‘“”…()", max_size=300)


@given(texts)
@settings(max_examples=300)
def test_offsets_map_back_to_the_original_text(text: str) -> None:
    tok = tokenise(text)
    starts, ends = tok.starts.tolist(), tok.ends.tolist()
    assert all(0 <= s < e <= len(text) for s, e in zip(starts, ends, strict=True))
    assert all(e1 < s2 for e1, s2 in zip(ends, starts[1:], strict=False))  # separated by a non-word char
    for s, e, h in zip(starts, ends, tok.hashes.tolist(), strict=True):
        assert text[s].isalnum()
        assert h == word_hash(normal_form(text[s:e]))  # the fast path agrees with the reference


@given(prose_chars)
def test_case_quotes_dashes_and_whitespace_are_ignored(text: str) -> None:
    variant = (text.upper().replace("'", "’").replace('"', "“").replace("--", "—").replace("-", "–")
               .replace(" ", "\n  ").replace(".", " . "))
    assert tokenise(variant).hashes.tolist() == tokenise(text).hashes.tolist()


@given(st.lists(st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=8), max_size=30),
       st.sampled_from([" ", "\n", " — ", "' ", "\" ", ", ", "-", "--"]))
def test_words_survive_any_separator(parts: list[str], sep: str) -> None:
    assert words(sep.join(parts)) == parts


def test_accents_ligatures_and_case_fold() -> None:
    assert words("Naïve CAFÉ, ﬁne Straße e\u0301te") == ["naive", "cafe", "fine", "strasse", "ete"]
    assert tokenise("naïve").hashes.tolist() == tokenise("nai\u0308ve").hashes.tolist()
    assert words("don’t") == words("don't") == ["don", "t"]


def test_invisible_format_characters_do_not_split_words() -> None:
    # soft hyphens and joiners come with text copied from web pages; a zero-width space is a break
    assert words("equip\u00adped, co\u200dop\u2060erate \ufeffbook") == ["equipped", "cooperate", "book"]
    assert tokenise("equip\u00adped").hashes.tolist() == tokenise("equipped").hashes.tolist()
    assert words("two\u200bwords") == ["two", "words"]
    tok = tokenise("an equip\u00adped ship")
    assert tok.ends.tolist()[1] == len("an equip\u00adped")  # the flag underlines the whole word
