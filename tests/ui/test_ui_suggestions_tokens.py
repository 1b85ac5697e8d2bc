"""The token view: hover a word of a finished suggestion, shade by probability, rewrite from a word."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from tests.ui.panels import panels_of
from tests.ui.test_ui_suggestions import CTRL, PROMPT, TIMEOUT, finished, open_panel
from writer.generation import engines
from writer.generation.token_info import Alternative, TokenInfo
from writer.settings import Settings
from writer.ui.suggestions import SuggestionsPanel
from writer.ui.suggestions_tokens import percent, words

SHIFT = Qt.KeyboardModifier.ShiftModifier


def word_tokens(text: str) -> tuple[TokenInfo, ...]:
    """``text`` cut at its words, each with made-up odds and alternatives (a tiny pack says the same kind)."""
    tokens = []
    for i, match in enumerate(re.finditer(r"\s*\S+", text)):
        prob = 0.3 / (i + 1)  # below 50%: every word is shaded
        alternatives = (Alternative(match.group(), prob), Alternative(" lanterns", 0.07), Alternative(" gulls", 0.02))
        tokens.append(TokenInfo(match.group(), match.start(), prob, alternatives))
    return tuple(tokens)


def with_tokens(panel: SuggestionsPanel, row: int = 0) -> tuple[TokenInfo, ...]:
    """Give the shown batch's card ``row`` its words as tokens and show it again."""
    item = panel.batches[panel.shown].items[row]
    item.tokens = word_tokens(item.text)
    panel.show_batch(panel.shown)
    return item.tokens


def hover(qtbot: QtBot, panel: SuggestionsPanel, row: int, token: int) -> None:
    body = panel.list.cards[row].body
    qtbot.waitUntil(lambda: body.height() == body.heightForWidth(body.width()))  # laid out
    rect = body.token_rect(token)
    assert rect.isValid(), "the token is on screen"
    assert body.word(body.token_at(QPointF(rect.center()))).start == token, (rect, body.text(), body.width())
    qtbot.mouseMove(body, QPoint(0, 0))
    qtbot.mouseMove(body, rect.center())
    qtbot.waitUntil(lambda: panel.list.popup.isVisible() and panel.list.popup.target == (row, token), timeout=2000)


def test_hovering_a_word_shows_its_probability_and_alternatives(qtbot: QtBot, make_window: Any) -> None:
    _, panel = open_panel(qtbot, make_window, suggest__n=2, suggest__max_new_tokens=12)
    finished(qtbot, panel, panel.suggest)
    tokens = with_tokens(panel)
    hover(qtbot, panel, 0, 1)
    popup = panel.list.popup
    assert popup.token == tokens[1]
    assert percent(tokens[1].prob) in popup.title.text() and tokens[1].text.strip() in popup.title.text()
    assert popup.alternatives() == [f"{a.text.strip()}   {percent(a.prob)}" for a in tokens[1].alternatives]
    assert not popup.buttons[0].isEnabled()  # the word already there is marked, not offered
    qtbot.mouseMove(panel.list.cards[0].body, QPoint(0, 0))
    qtbot.mouseMove(panel.editor.viewport(), QPoint(5, 5))
    qtbot.waitUntil(lambda: not popup.isVisible(), timeout=2000)  # leaving the word hides it


def test_a_word_of_several_tokens_is_hovered_as_one(qtbot: QtBot, make_window: Any) -> None:
    _, panel = open_panel(qtbot, make_window, suggest__n=1, suggest__max_new_tokens=12)
    finished(qtbot, panel, panel.suggest)
    item = panel.batches[-1].items[0]
    alternatives = (Alternative(" lantern", 0.3), Alternative(" tr", 0.1))
    item.text = " trampled papers."
    item.tokens = (TokenInfo(" tr", 0, 0.1, alternatives), TokenInfo("ampled", 3, 0.5, ()),
                   TokenInfo(" papers", 9, 0.8, ()), TokenInfo(".", 16, 0.9, ()))
    panel.show_batch(panel.shown)
    hover(qtbot, panel, 0, 0)
    popup = panel.list.popup
    assert popup.title.text() == "“trampled”  5%"  # the whole word, at the odds of both its tokens
    assert popup.alternatives() == ["lantern   30%", "tr   10%"]
    body = panel.list.cards[0].body
    assert body.token_rect(1) == body.token_rect(0)  # pointing at its second part is pointing at the word


def test_the_token_view_shows_what_the_engine_reported(qtbot: QtBot, make_window: Any) -> None:
    """The token view's probabilities match the engine's: the same request, run by the engine
    itself, reports the same tokens, probabilities and alternatives the popup shows."""
    _, panel = open_panel(qtbot, make_window, suggest__n=2, suggest__max_new_tokens=12)
    finished(qtbot, panel, panel.suggest)
    batch = panel.batches[-1]
    request, column = batch.request, batch.request.columns[0]
    result = engines().get(column.pack).generate(request.prompt, n=request.n, settings=column.settings,
                                                 seed=request.seed, stop=request.stop, memory=request.memory,
                                                 polish=request.polish, alternatives=5)
    assert [item.text for item in batch.items] == result.texts
    assert [list(item.tokens) for item in batch.items] == result.tokens
    row = result.tokens[0]
    index = next(w.start for w in words(tuple(row)) if w.start > 0 and len(w) == 1 and row[w.start].text.strip())
    hover(qtbot, panel, 0, index)
    popup = panel.list.popup
    assert popup.token == row[index]
    assert popup.title.text() == f"“{row[index].text.strip()}”  {percent(row[index].prob)}"
    assert popup.alternatives() == [f"{a.text.strip() or repr(a.text)}   {percent(a.prob)}"
                                    for a in row[index].alternatives]
    assert len(popup.alternatives()) == 5


def test_shading_toggles_the_painting_and_is_remembered(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window, suggest__n=1, suggest__max_new_tokens=12)
    finished(qtbot, panel, panel.suggest)
    with_tokens(panel)
    body = panel.list.cards[0].body

    def picture() -> QImage:
        return body.grab().toImage()

    qtbot.waitUntil(lambda: body.height() == body.heightForWidth(body.width()))  # laid out
    plain = picture()
    assert not panel.shading_button.isChecked() and not body.shading
    qtbot.keyClick(window.editor, Qt.Key.Key_T, CTRL | SHIFT)
    assert panel.shading_button.isChecked() and body.shading
    assert picture() != plain  # the words are tinted
    assert Settings.load().get("suggest.token_shading") is True  # remembered for the next start
    panel.shading_button.click()
    assert not body.shading and picture() == plain
    assert Settings.load().get("suggest.token_shading") is False
    qtbot.keyClick(window.editor, Qt.Key.Key_T, CTRL | SHIFT)
    again = make_window()
    assert panels_of(again).suggestions.shading_button.isChecked() and panels_of(again).suggestions.list.shading


def test_clicking_an_alternative_rewrites_the_rest_and_accept_inserts_it(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window, suggest__n=2, suggest__max_new_tokens=10)
    finished(qtbot, panel, panel.suggest)
    before = list(panel.texts())
    tokens = panel.batches[-1].items[0].tokens  # as the engine reported them
    index = next(w.start for w in words(tokens) if w.start > 0 and tokens[w.start].text.strip()
                 and any(a.text != tokens[w.start].text and a.text.strip() for a in tokens[w.start].alternatives))
    choice = next(i for i, a in enumerate(tokens[index].alternatives)
                  if a.text != tokens[index].text and a.text.strip())
    alternative = tokens[index].alternatives[choice]
    hover(qtbot, panel, 0, index)
    popup = panel.list.popup
    streamed: list[str] = []
    panel.streamed.connect(lambda *_: streamed.append(panel.texts()[0]))
    with qtbot.waitSignal(panel.suggestionsFinished, timeout=TIMEOUT):
        qtbot.mouseClick(popup.buttons[choice], Qt.MouseButton.LeftButton)
    start = before[0][:tokens[index].start] + alternative.text
    text = panel.texts()[0]
    assert text.startswith(start) and text != before[0]  # the alternative, then a new rest
    assert streamed and all(s.startswith(start) for s in streamed)  # streamed into the card
    assert panel.texts()[1] == before[1]  # the other card is untouched
    assert panel.list.cards[0].body.text() == text.strip()
    batch = panel.batches[-1]
    rewritten = batch.items[0].tokens
    assert rewritten[index].text == alternative.text and rewritten[index].prob == alternative.prob
    assert "".join(t.text for t in rewritten) == text  # the new rest has its tokens too: hover works on it

    qtbot.keyClick(window.editor, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.editor.toPlainText() == PROMPT + text
    [span] = panels_of(window).provenance.tracker().spans  # machine-written, all of it
    assert (span.start, span.end) == (len(PROMPT), len(PROMPT + text)) and span.seed == batch.seed


def test_a_popup_left_over_a_new_batch_hides_and_rewrites_nothing(qtbot: QtBot, make_window: Any) -> None:
    _, panel = open_panel(qtbot, make_window, suggest__n=2, suggest__max_new_tokens=12)
    finished(qtbot, panel, panel.suggest)
    with_tokens(panel)
    hover(qtbot, panel, 0, 1)
    popup = panel.list.popup
    finished(qtbot, panel, panel.reroll)  # Ctrl+R while the popup was open: it takes no focus
    texts = panel.texts()
    assert not popup.isVisible()
    popup.chosen.emit(0, 1, 1)  # a click that was already on its way
    assert panel.requests.running is None and panel.texts() == texts


def test_a_rewrite_stopped_by_a_reroll_gives_the_card_its_text_back(qtbot: QtBot, make_window: Any) -> None:
    _, panel = open_panel(qtbot, make_window, suggest__n=2, suggest__max_new_tokens=12)
    finished(qtbot, panel, panel.suggest)
    before = panel.batches[-1].items[0]
    text, tokens = before.text, before.tokens
    index = next(i for i, t in enumerate(tokens) if i > 0 and any(a.text != t.text for a in t.alternatives))
    choice = next(i for i, a in enumerate(tokens[index].alternatives) if a.text != tokens[index].text)
    assert panel.regenerate_from(0, index, choice) is not None
    finished(qtbot, panel, panel.reroll)  # stops the rewrite wherever it was
    panel.step_batch(-1)
    item = panel.batches[panel.shown].items[0]
    assert (item.text, item.state, item.tokens) == (text, "done", tokens)
    assert panel.list.cards[0].body.text() == text.strip()
    assert panel.regenerate_from(0, index, choice) is not None  # and it can be rewritten again
