"""Where continuations stop and what is held back while they stream (no model needed)."""

from __future__ import annotations

from writer.generation.streaming import RowText


def feed(row: RowText, pieces: list[str], end: str = "length") -> tuple[list[str], str]:
    shown = [row.push(p) for p in pieces]
    if not row.done:
        shown.append(row.finish(end))
    return shown, row.text


def test_sentence_stop_cuts_after_the_full_stop_and_skips_abbreviations() -> None:
    shown, text = feed(RowText(stop="sentence"), [" Mr", ".", " Smith", " sat", ".", " Then", " more"])
    assert text == " Mr. Smith sat."
    assert "".join(shown) == text


def test_cjk_sentence_ends_at_once() -> None:
    row = RowText(stop="sentence")
    shown, text = feed(row, ["彼女は", "本を", "読んだ", "。", "そして"])
    assert text == "彼女は本を読んだ。"
    assert row.reason == "stop"
    assert "".join(shown) == text


def test_paragraph_stop_ignores_leading_blank_lines() -> None:
    shown, text = feed(RowText(stop="paragraph"), ["\n\n", "A new", " day.", " It", " rained.\n", "\nNext"])
    assert text == "\n\nA new day. It rained."
    assert "".join(shown) == text


def test_dangling_word_is_held_back_then_trimmed() -> None:
    row = RowText()
    assert row.push(" The") == ""  # may still grow into "Then"
    assert row.push(" cat") == " The"
    assert row.push(" sat") == " cat"
    assert row.push(" on") == " sat"
    assert row.push(" th") == " on"
    assert row.finish("length") == ""
    assert row.text == " The cat sat on"


def test_end_of_text_keeps_the_last_word() -> None:
    shown, text = feed(RowText(), [" Good", "bye"], end="eos")
    assert text == " Goodbye"
    assert "".join(shown) == text


def test_sentence_trim_shows_only_whole_sentences() -> None:
    row = RowText(trim="sentence")
    shown, text = feed(row, [" It", " rained", ".", " The", " wind", " blew", " hard", " and"])
    assert text == " It rained."
    assert "".join(shown) == text


def test_cancel_keeps_exactly_what_was_shown() -> None:
    row = RowText()
    shown = [row.push(p) for p in [" one", " two", " thr"]]
    row.finish("cancel")
    assert row.text == "".join(shown) == " one two"


def test_a_dangling_opening_quote_is_trimmed_with_its_word() -> None:
    shown, text = feed(RowText(), [" He", " sat", ".", " \"", "Wh"])
    assert text == " He sat."
    assert "".join(shown) == text
    shown, text = feed(RowText(), [" She", " said", " \"", "no", "\"", " and", " left", " qu"])
    assert text == ' She said "no" and left'
    assert "".join(shown) == text


def test_no_break_spaces_become_plain_spaces() -> None:
    """No-break spaces (the books have some) become plain ones, as the editor would store them."""
    row = RowText()
    shown = row.push("on.\xa0\xa0You hear ") + row.finish("eos")
    assert "\xa0" not in shown and shown.startswith("on.  You")


def test_soft_target_stops_at_the_first_sentence_end_past_half_of_it() -> None:
    row = RowText(words=8)
    _, text = feed(row, [" He", " sat.", " Then", " he", " stood", " up", " slowly.", " And", " more"])
    assert text == " He sat. Then he stood up slowly." and row.reason == "stop"


def test_at_the_cap_a_clean_row_ends_at_the_last_sentence_else_clause_else_word() -> None:
    assert feed(RowText(words=40), [" He", " sat.", " Then", " he", " wal"])[1] == " He sat."
    assert feed(RowText(words=40), [" He", " sat", " down,", " and", " then", " wal"])[1] == " He sat down"
    assert feed(RowText(words=40), [" He", " sat", " there", " wal"])[1] == " He sat there"


def test_a_paragraph_break_ends_a_clean_row() -> None:
    assert feed(RowText(words=40), [" It", " rained", "\n\n", "Next"])[1] == " It rained"


def test_a_paragraph_that_breaks_off_on_a_dash_or_colon_ends_at_its_last_sentence_or_clause() -> None:
    pieces = [" opened", " the", " letter.", " The", " man", " said", " nothing", "--", "\n\n", "Then"]
    assert feed(RowText(words=40), pieces)[1] == " opened the letter."
    assert feed(RowText(words=40), [" He", " said", " nothing", "—", "\n\n"])[1] == " He said nothing"
    assert feed(RowText(words=40), [' "Wait', '--"', "\n\n"])[1] == ' "Wait--"'  # speech broken off is whole
    pieces = [" asked", " if", " she", " was", " out", " of", " it", ";", " then", " she", " said", ":", "\n\n"]
    assert feed(RowText(words=40), pieces)[1] == " asked if she was out of it"


def test_junk_is_cut_and_all_caps_headings_too() -> None:
    row = RowText(words=40)
    assert feed(row, [" He", " sat.", " [Illus", "tration:", " a"])[1] == " He sat." and row.reason == "junk"
    assert feed(RowText(words=40), [" She", " left.", " CHAPTER", " IV", " The"])[1] == " She left."
    assert feed(RowText(words=40), [" The", " FBI", " came", " at", " last."], end="eos")[1] == \
        " The FBI came at last."


def test_junk_before_any_text_is_skipped_with_its_line() -> None:
    row = RowText(words=40)
    _, text = feed(row, ["THE", " END", " OF", " IT", "\n\n", "She", " woke", " early.", " Then"])
    assert text == "She woke early."
    assert row.dropped > 0 and "END" not in text
    assert feed(RowText(words=40), ["CHAPTER", " IV"])[1] == ""  # the cap came first: nothing to show


def test_a_clean_rows_first_word_shows_once_it_is_known_whole() -> None:
    known = {"The", "There", "was"}
    row = RowText(words=30, whole=lambda raw: raw.split()[-1] in known)
    assert row.push(" The") == " The"  # without waiting for the next token
    assert row.push("re") == ""  # it grew: shown once the word is surely over, as before
    assert row.push(" was") == "re"
    assert row.push(" col") == " was"
    assert row.finish("length") == "" and row.text == " There was"  # the final text is cut cleanly
    half = RowText(words=30, whole=lambda raw: raw.split()[-1] in known)
    assert half.push(" Th") == ""  # not a word yet
    plain = RowText(whole=lambda raw: True)  # without a length target what is shown stays: no early words
    assert plain.push(" The") == ""
