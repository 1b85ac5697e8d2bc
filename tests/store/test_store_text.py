from __future__ import annotations

import pytest

from writer.store import derive_title, reading_minutes, word_count


@pytest.mark.parametrize(("text", "words"), [
    ("", 0),
    ("   \n\n", 0),
    ("# Heading\n\nOne two three.", 4),
    ("Don't stop — well-known *emphasis* and `code`", 6),
    ("- item one\n- item two", 4),
    ("café naïve 42", 3),
])
def test_word_count_counts_words_not_markdown(text: str, words: int) -> None:
    assert word_count(text) == words


@pytest.mark.parametrize(("body", "title"), [
    ("", "Untitled"),
    ("\n\n   \n", "Untitled"),
    ("# My essay\n\ntext", "My essay"),
    ("\n\n## Second level ##\nmore", "Second level"),
    ("#\n\nReal first line", "Real first line"),
    ("Plain first line\nsecond", "Plain first line"),
    ("#hashtag is not a heading", "#hashtag is not a heading"),
])
def test_derive_title_uses_first_non_empty_line_without_hashes(body: str, title: str) -> None:
    assert derive_title(body) == title


def test_derive_title_shortens_very_long_lines() -> None:
    title = derive_title("word " * 100)
    assert len(title) <= 120 and title.endswith("…")


@pytest.mark.parametrize(("words", "minutes"), [(0, 0), (1, 1), (230, 1), (231, 2), (2300, 10)])
def test_reading_minutes_at_about_230_wpm(words: int, minutes: int) -> None:
    assert reading_minutes(words) == minutes


def test_long_texts_are_counted_line_by_line_with_the_same_result() -> None:
    """A pasted novel is counted per line, remembering lines already counted, and after edits
    (a line changed, one added, one removed) the count is still exactly one regex pass's."""
    import random

    from writer.store.text import _WORD

    rng = random.Random(5)
    vocab = ["don't", "well-known", "—", "a—b", "#", "**bold**", "naïve", "x_y", "1984", "end.", "\t"]
    lines = [" ".join(rng.choices(vocab, k=rng.randint(0, 30))) for _ in range(20_000)]
    text = "\n".join(lines)
    assert len(text) > 200_000
    assert word_count(text) == len(_WORD.findall(text))
    lines[7] += " and three more"
    lines.insert(100, lines[5])  # a repeated line counts twice
    del lines[2000]
    edited = "\n".join(lines)
    assert word_count(edited) == len(_WORD.findall(edited))


def test_a_line_of_megabytes_is_counted_in_pieces_with_the_same_result() -> None:
    from writer.store.text import _WORD

    text = "naïve well-known words, " * 40_000 + "\n" + "and a short line"
    assert word_count(text) == len(_WORD.findall(text))
