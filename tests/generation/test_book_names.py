"""The factory's list of a pack's book names (``models/names.py``): names general English also has."""

from __future__ import annotations

from models.names import count, extract

FILLER = "and the rain fell on the quiet town while the pots dried in the sun. " * 40


def _books() -> list[str]:
    paragraphs = []
    for i in range(30):
        paragraphs += [f"She said that Mr. Darcy would come, and Mrs Clay smiled at Colonel Brandon {i}. {FILLER}",
                       f"Then Elinor left. However, it was late, and Miss Steele wrote to Mr. Quillfeather. {FILLER}"]
    return paragraphs


def _reference() -> list[str]:
    # general English: a Darcy once, clay the word, colonels and misses by the dozen, "However" opening sentences
    return [f"A colonel met Miss Grey and Colonel Hay. However, the miss was near. {FILLER}"] * 200 + \
        [f"The clay was wet. {FILLER}"] * 6 + [f"They saw Darcy there once, and Elinor too. {FILLER}"]


def test_names_general_english_also_has_are_listed_when_the_books_use_them_far_more() -> None:
    names = {n["name"] for n in extract(count(_books()), count(_reference()))}
    assert {"Darcy", "Clay", "Elinor", "Quillfeather"} <= names  # a name general English also has, or a word
    assert not names & {"Colonel", "Miss", "However"}  # titles, common words
    assert "Then" not in names and "She" not in names  # sentence openers


def test_a_name_the_books_use_only_a_little_is_left_to_general_english() -> None:
    books = [f"She met Mr. Darcy. {FILLER}"] * 5 + [FILLER] * 60
    assert "Darcy" not in {n["name"] for n in extract(count(books), count(_reference()))}
