"""Long lines broken for the editor's sake publish exactly as before."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from writer.publishing.render import _markdown
from writer.softbreaks import LONG_LINE, MAX_PIECE, break_long_lines
from writer.store import word_count

LIMIT, PIECE = 200, 60  # small limits, so that generated documents stay small


def rendered(text: str) -> tuple[str, list[str]]:
    """The HTML with whitespace runs as one space, and the exact text of every <pre> block."""
    html = _markdown().render(text)
    return re.sub(r"\s+", " ", html).strip(), re.findall(r"<pre>.*?</pre>", html, re.S)


WORD = st.sampled_from(["the", "Quiet", "harbour", "don't", "naïve", "42", "fog", "*wet*", "**wool**",
                        "`co de`", "[link](http://a.b)", "<span title=\"A. B\">x</span>", "e.g.", "Mr."])
SENTENCE = st.builds(
    lambda words, end, spaces: " ".join(words) + end + " " * spaces,
    st.lists(WORD, min_size=1, max_size=12),
    st.sampled_from([".", "!", "?", ".\"", ".)", ",", ""]),
    st.integers(1, 3),
)
LINE = st.builds(lambda parts: "".join(parts).rstrip() or "x", st.lists(SENTENCE, min_size=1, max_size=25))
BLOCK = st.one_of(
    LINE,
    LINE.map(lambda line: "# " + line),
    LINE.map(lambda line: "- " + line),
    LINE.map(lambda line: "> " + line),
    LINE.map(lambda line: "1. " + line),
    LINE.map(lambda line: "    " + line),
    LINE.map(lambda line: f"```\n{line}\n```"),
    LINE.map(lambda line: f"<div>\n{line}\n</div>"),
    LINE.map(lambda line: f"<pre>\n{line}\n\n{line}\n</pre>"),
    LINE.map(lambda line: f"| a | b |\n|---|---|\n| {line} | c |"),
    st.builds(lambda a, b: f"{a}\n{b}", LINE, LINE),
    LINE.map(lambda line: f"{line}\n==="),
)
DOCUMENT = st.lists(BLOCK, min_size=1, max_size=6).map("\n\n".join)


@settings(max_examples=200, deadline=None)
@given(DOCUMENT)
def test_breaking_long_lines_changes_nothing_markdown_shows(text: str) -> None:
    result = break_long_lines(text, LIMIT, PIECE)
    assert rendered(result.text) == rendered(text)
    assert word_count(result.text) == word_count(text)
    assert result.text.replace("\n", " ").split() == text.replace("\n", " ").split()  # only whitespace moved


def test_a_long_paragraph_line_gets_one_sentence_per_line() -> None:
    sentence = "The harbour was quiet that morning, and the boats came in slowly."
    result = break_long_lines(" ".join([sentence] * 400))
    assert result.broken == 1 and result.kept == 0
    assert result.text.split("\n") == [sentence] * 400


def test_five_megabytes_without_sentence_ends_become_short_lines() -> None:
    line = "word " * 1_000_000
    result = break_long_lines(line.strip())
    lengths = [len(part) for part in result.text.split("\n")]
    assert max(lengths) <= MAX_PIECE and len(lengths) > 1_000
    assert word_count(result.text) == 1_000_000


def test_lines_whose_newlines_mean_something_stay_long() -> None:
    long = "A sentence. " * (LONG_LINE // 10)
    for text in (f"```\n{long}\n```", f"# {long}", f"    {long}", f"| {long} |", "x" * (LONG_LINE + 1)):
        result = break_long_lines(text)
        assert result.text == text and result.kept == 1 and result.broken == 0


def test_short_text_comes_back_as_it_was() -> None:
    text = "One. Two.\n\n" * 100
    assert break_long_lines(text).text == text
