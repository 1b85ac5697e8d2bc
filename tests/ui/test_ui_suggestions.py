"""The Suggestions panel, driven through the real window with the shipped model packs."""

from __future__ import annotations

import shutil
import threading
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel, QTextCursor
from pytestqt.qtbot import QtBot

from tests.ui.panels import panels_of
from writer import paths
from writer.generation import Engine, engines
from writer.generation.packs import discover
from writer.ui.features import install_panels
from writer.ui.main_window import MainWindow
from writer.ui.suggestions import SuggestionsPanel

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
PROMPT = "The old harbour was quiet that morning, and the boats"
TIMEOUT = 30_000


def open_panel(qtbot: QtBot, make_window: Any, text: str = PROMPT,
               **settings: object) -> tuple[MainWindow, SuggestionsPanel]:
    """A window with a draft holding ``text``, the cursor at its end, the packs listed."""
    settings = {"suggest__auto": False, "suggest__max_new_tokens": 8, **settings}
    window = make_window(**settings)
    panel: SuggestionsPanel = panels_of(window).suggestions
    qtbot.waitUntil(lambda: panel.picker.count() > 0, timeout=TIMEOUT)
    window.new_draft()
    window.editor.insertPlainText(text)
    window.editor.moveCursor(QTextCursor.MoveOperation.End)
    return window, panel


def finished(qtbot: QtBot, panel: SuggestionsPanel, trigger: Any) -> tuple[int, list[str]]:
    with qtbot.waitSignal(panel.suggestionsFinished, timeout=TIMEOUT) as blocker:
        trigger()
    request_id, texts = blocker.args
    return request_id, texts


def shown_texts(panel: SuggestionsPanel) -> list[str]:
    return [card.text for card in panel.list.cards if card.isVisible()]


def test_ctrl_space_streams_k_rows_that_grow_token_by_token(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window, suggest__n=3, suggest__max_new_tokens=12)
    seen: list[tuple[int, int, list[str]]] = []
    panel.streamed.connect(lambda rid, col, step: seen.append((rid, step, panel.texts())))
    request_id, texts = finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL))
    assert len(texts) == 3 and all(t.strip() for t in texts)
    assert shown_texts(panel) == texts
    steps = [step for rid, step, _ in seen]
    assert {rid for rid, _, _ in seen} == {request_id}
    assert steps == sorted(steps) and len(set(steps)) == len(steps) > 1
    for (_, _, earlier), (_, _, later) in pairwise(seen):  # rows only ever grow
        assert all(b.startswith(a) for a, b in zip(earlier, later, strict=True))
    assert any(0 < len("".join(rows)) < len("".join(texts)) for _, _, rows in seen)  # seen mid-way
    assert window.editor.toPlainText() == PROMPT  # nothing inserted until accepted
    assert f"seed {panel.batches[-1].seed}" in panel.batch_label.text()


def test_pause_in_typing_suggests_by_itself(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window, text="", suggest__auto=True, suggest__auto_delay_ms=300)
    started: list[int] = []
    panel.suggestionsStarted.connect(started.append)
    qtbot.keyClicks(window.editor, "Rain fell on the")
    assert started == []  # still typing
    with qtbot.waitSignal(panel.suggestionsFinished, timeout=TIMEOUT):
        pass
    assert len(started) == 1
    assert all(t.strip() for t in shown_texts(panel))


def test_click_inserts_at_the_cursor_as_one_undo_step(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    _, texts = finished(qtbot, panel, panel.suggest)
    qtbot.mouseClick(panel.list.cards[1], Qt.MouseButton.LeftButton)
    assert window.editor.toPlainText() == PROMPT + texts[1]
    assert window.editor.textCursor().position() == len(PROMPT + texts[1])
    assert not panel.list.isVisible()  # accepted: the panel is cleared
    window.editor.undo()
    assert window.editor.toPlainText() == PROMPT


def test_alt_2_and_tab_accept(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    _, texts = finished(qtbot, panel, panel.suggest)
    qtbot.keyClick(window.editor, Qt.Key.Key_2, ALT)
    assert window.editor.toPlainText() == PROMPT + texts[1]
    first = window.editor.toPlainText()
    _, texts = finished(qtbot, panel, panel.suggest)
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == first + texts[0]


def test_tab_asks_at_the_end_of_a_word_and_is_a_tab_elsewhere(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_Tab))
    assert window.editor.toPlainText() == PROMPT  # asked, did not insert
    panel.dismiss()
    cursor = window.editor.textCursor()
    cursor.setPosition(2)  # inside "The"
    window.editor.setTextCursor(cursor)
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == "Th\te" + PROMPT[3:]
    assert panel.running is None


def test_with_the_panel_hidden_tab_is_a_tab_and_ctrl_space_shows_it(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    finished(qtbot, panel, panel.suggest)
    panel.dock.close()  # the panel is closed with its suggestions (focus mode shows them inline instead)
    assert not panel.isVisible()
    qtbot.keyClick(window.editor, Qt.Key.Key_2, ALT)
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == PROMPT + "\t" and panel.running is None  # nothing unseen inserted
    window.editor.textCursor().deletePreviousChar()
    finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL))
    assert not window.focus_mode and panel.isVisible() and shown_texts(panel)  # asked for: shown


def test_suggestions_are_in_front_and_never_come_from_behind_another_tab(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    assert not panel.visibleRegion().isEmpty()  # the first tab a writer sees
    finished(qtbot, panel, panel.suggest)
    panels_of(window).copycheck.show_panel()  # the Copy check tab brought to the front
    assert panel.isVisible() and panel.visibleRegion().isEmpty()  # Qt still calls it visible
    qtbot.keyClick(window.editor, Qt.Key.Key_Tab)
    assert window.editor.toPlainText() == PROMPT + "\t"  # a tab, not the hidden suggestion
    window.editor.textCursor().deletePreviousChar()
    finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_Space, CTRL))
    assert not panel.visibleRegion().isEmpty()  # asked for: its tab comes to the front


def test_reroll_keeps_earlier_batches_reachable(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    _, first = finished(qtbot, panel, panel.suggest)
    _, second = finished(qtbot, panel, lambda: qtbot.keyClick(window.editor, Qt.Key.Key_R, CTRL))
    seeds = [b.seed for b in panel.batches]
    assert len(seeds) == 2 and seeds[0] != seeds[1]
    assert shown_texts(panel) == second != first
    assert panel.batch_label.text() == f"Batch 2 of 2 · seed {seeds[1]}"
    qtbot.keyClick(window.editor, Qt.Key.Key_Left, ALT)
    assert shown_texts(panel) == first
    assert panel.batch_label.text() == f"Batch 1 of 2 · seed {seeds[0]}"
    assert not panel.prev_button.isEnabled()
    qtbot.mouseClick(panel.next_button, Qt.MouseButton.LeftButton)
    assert shown_texts(panel) == second
    qtbot.mouseClick(panel.prev_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.editor, Qt.Key.Key_1, ALT)  # accept from an earlier batch
    assert window.editor.toPlainText() == PROMPT + first[0]
    assert panels_of(window).provenance.tracker().spans[0].seed == seeds[0]


def test_same_seed_same_suggestions(qtbot: QtBot, make_window: Any) -> None:
    _, panel = open_panel(qtbot, make_window)
    panel.drawer.seed.setText("1234")
    _, first = finished(qtbot, panel, panel.suggest)
    _, again = finished(qtbot, panel, panel.reroll)
    assert first == again and panel.batches[-1].seed == 1234


class GatedEngine:
    """A real engine that, after its first shown text, holds on until it is cancelled and then still
    sends tokens: the race of a slow model and a fast typist, made deterministic."""

    def __init__(self, real: Engine) -> None:
        self.real = real
        self.first_step = threading.Event()
        self.stale_sent = threading.Event()

    @property
    def loaded(self) -> bool:
        return self.real.loaded

    def load(self) -> Engine:
        return self.real.load()

    def generate(self, prompt: str = "", *, on_step: Any, cancel: threading.Event, **kwargs: Any) -> Any:
        def held(step: int, deltas: list[str]) -> None:
            on_step(step, deltas)
            if any(deltas) and not self.first_step.is_set():
                self.first_step.set()
                assert cancel.wait(20)
                for late in range(step + 1, step + 4):
                    on_step(late, ["STALE"] * len(deltas))
                self.stale_sent.set()

        return self.real.generate(prompt, on_step=held, cancel=cancel, **kwargs)


def test_typing_cancels_and_stale_tokens_never_show(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    real = engines().get(panel.picker.current_pack())
    gated = GatedEngine(real)
    panel.engine_for = lambda pack: gated
    finished_ids: list[int] = []
    panel.suggestionsFinished.connect(lambda rid, texts: finished_ids.append(rid))
    with qtbot.waitSignal(panel.streamed, timeout=TIMEOUT):
        old_id = panel.suggest()
    cancel = panel.running[1]
    qtbot.keyClicks(window.editor, " x")
    assert cancel.is_set()  # the model is told to stop
    assert panel.running is None and not panel.list.isVisible()
    # the late tokens are queued for the GUI thread; a new request starts before they are delivered
    assert gated.stale_sent.wait(20)
    panel.engine_for = lambda pack: real
    ever_shown: list[str] = []
    window.worker.progressed.connect(lambda *_: ever_shown.extend(c.body.text() for c in panel.list.cards))
    new_id, texts = finished(qtbot, panel, panel.suggest)
    assert new_id != old_id and finished_ids == [new_id]
    assert ever_shown and not any("STALE" in t for t in ever_shown)
    assert shown_texts(panel) == texts
    assert [b.request_id for b in panel.batches] == [new_id]
    assert window.editor.toPlainText() == PROMPT + " x"


@pytest.mark.parametrize("parallel", [False, True], ids=["one-by-one", "parallel"])
def test_compare_mode_one_column_per_model(qtbot: QtBot, make_window: Any, parallel: bool) -> None:
    window, panel = open_panel(qtbot, make_window, suggest__compare_parallel=parallel)
    available = [p for p in discover() if p.available]
    qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    if panel.running is not None:
        qtbot.waitUntil(lambda: panel.running is None, timeout=TIMEOUT)
    _, texts = finished(qtbot, panel, panel.suggest)
    assert len(texts) == len(available) >= 3
    cards = panel.list.cards
    assert [c.source.text() for c in cards] == [p.display_name for p in available]
    assert len({c.geometry().top() for c in cards}) == 1  # side by side
    assert len({c.geometry().left() for c in cards}) == len(cards)
    assert max(c.width() for c in cards) - min(c.width() for c in cards) <= 2  # equal columns
    assert all(c.geometry().right() <= panel.list.width() for c in cards)  # none pushed out of view
    assert panel.comparing.isVisible() and not panel.picker.isVisible()  # not "Vanilla" while all three run
    assert window.editor.width() >= 400
    qtbot.keyClick(window.editor, Qt.Key.Key_2, ALT)
    assert window.editor.toPlainText() == PROMPT + texts[1]
    assert panels_of(window).provenance.tracker().spans[0].model == available[1].name


def test_surprise_me_on_an_empty_draft(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window, text="")
    _, texts = finished(qtbot, panel, lambda: qtbot.mouseClick(panel.surprise_button, Qt.MouseButton.LeftButton))
    assert panel.batches[-1].request.prompt == "" and all(t.strip() for t in texts)
    assert "unprompted" in panel.list.cards[0].source.text()
    qtbot.mouseClick(panel.list.cards[0], Qt.MouseButton.LeftButton)
    assert window.editor.toPlainText() == texts[0].lstrip()


def test_first_use_shows_loading(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    panel.engine_for = lambda pack: Engine(pack, threads=1)  # never loaded before
    states: list[str] = []
    window.worker.progressed.connect(lambda *_: states.append(panel.state_label.text()))
    finished(qtbot, panel, panel.suggest)
    assert any(s.startswith("Loading") for s in states)
    assert any(s.startswith("Writing") for s in states)
    assert not panel.busy.isVisible()


def _user_pack(name: str, model_bytes: bytes) -> Path:
    source = paths.resources_dir() / "models" / "vanilla"
    target = paths.user_models_dir() / name
    target.mkdir(parents=True)
    for file in ("config.json", "tokenizer.json"):
        shutil.copy(source / file, target / file)
    (target / "model.onnx").write_bytes(model_bytes)
    return target


def test_broken_packs_are_listed_unavailable_or_fail_alone(qtbot: QtBot, make_window: Any) -> None:
    _user_pack("truncated", b"\x08\x01")  # fails the checks: listed, disabled, with the reason
    _user_pack("garbled", bytes(range(256)) * 16)  # passes the checks, fails to load
    window, panel = open_panel(qtbot, make_window)
    model = panel.picker.model()
    assert isinstance(model, QStandardItemModel)
    rows = {model.item(r).data(Qt.ItemDataRole.UserRole): model.item(r) for r in range(model.rowCount())}
    truncated = rows["truncated"]
    assert not truncated.isEnabled() and "model.onnx" in truncated.toolTip()
    assert rows["pkd"].isEnabled() and rows["garbled"].isEnabled()

    panel.compare_button.setChecked(True)
    qtbot.waitUntil(lambda: panel.running is None, timeout=TIMEOUT)
    _, texts = finished(qtbot, panel, panel.suggest)
    names = [item.model for item in panel.batches[-1].items]
    assert "truncated" not in names
    broken = names.index("garbled")
    card = panel.list.cards[broken]
    assert panel.batches[-1].items[broken].state == "error" and "garbled" in card.body.text()
    assert all(t.strip() for i, t in enumerate(texts) if i != broken)  # the others worked
    assert "failed" in panel.state_label.text()
    qtbot.keyClick(window.editor, Qt.Key.Key_1 + broken, ALT)  # an error cannot be inserted
    assert window.editor.toPlainText() == PROMPT


def test_model_presets_and_overrides_are_remembered_per_model(qtbot: QtBot, make_window: Any) -> None:
    window, panel = open_panel(qtbot, make_window)
    names = [p.name for p in panel.picker.available()]
    panel.picker.setCurrentIndex(names.index("pkd"))
    preset = panel.drawer.preset(panel.picker.current_pack())
    assert panel.drawer.temperature.value() == pytest.approx(preset.temperature)
    panel.drawer.temperature.setValue(1.3)
    panel.drawer.length.setValue(5)
    panel.picker.setCurrentIndex(names.index("ja"))
    assert panel.drawer.temperature.value() == pytest.approx(panel.drawer.preset(panel.picker.current_pack())
                                                             .temperature)
    panel.picker.setCurrentIndex(names.index("pkd"))
    assert panel.drawer.temperature.value() == pytest.approx(1.3)
    assert window.settings.get("suggest.overrides")["pkd"] == {"temperature": 1.3, "max_new_tokens": 5}
    finished(qtbot, panel, panel.suggest)
    assert panel.batches[-1].request.columns[0].settings.max_new_tokens == 5
    panel.drawer.reset_to_preset()
    assert "pkd" not in window.settings.get("suggest.overrides")


def test_error_colour_follows_the_theme(make_window: Any) -> None:
    from writer.ui import theme

    window = make_window(theme="dark")
    assert theme.DARK.error.name() in panels_of(window).suggestions.styleSheet()  # readable on the dark cards
    window.settings.set("theme", "light")
    window.apply_theme()
    assert theme.LIGHT.error.name() in panels_of(window).suggestions.styleSheet()
    assert theme.DARK.error.name() not in panels_of(window).suggestions.styleSheet()


def test_the_app_opens_with_the_suggestions_tab_in_front(qtbot: QtBot, store: Any) -> None:
    from writer.settings import Settings
    from writer.ui.app import make_app

    make_app([])
    window = MainWindow(store, Settings.load())  # as run_app: panels added once shown
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    panels = install_panels(window)
    qtbot.waitUntil(lambda: not panels.suggestions.visibleRegion().isEmpty())
    assert panels.copycheck.panel.visibleRegion().isEmpty()
    window.worker.wait(5000)


def test_memory_note_is_edited_saved_restored_seen_by_the_model_and_never_published(
        qtbot: QtBot, make_window: Any, store: Any, tmp_path: Path) -> None:
    from keyring.backends.fail import Keyring as FailKeyring

    from writer.publishing import outbox
    from writer.publishing.credentials import Credentials
    from writer.publishing.publisher import Publisher

    window, panel = open_panel(qtbot, make_window)
    draft_id = window.current_draft_id
    assert panel.memory.isEnabled() and panel.memory.toPlainText() == ""
    note = "Characters: Maud Quillfeather, a lighthouse keeper. Tone: wry."
    qtbot.keyClicks(panel.memory, note)
    qtbot.waitUntil(lambda: store.get_memory(draft_id) == note, timeout=5000)  # saved by itself
    finished(qtbot, panel, panel.suggest)
    assert panel.batches[-1].request.memory == note  # the model reads it before the text
    window.new_draft()
    assert panel.memory.toPlainText() == "" and window.current_draft_id != draft_id
    window.open_draft(draft_id)
    assert panel.memory.toPlainText() == note  # restored with its draft
    second = make_window()
    second.open_draft(draft_id)
    assert panels_of(second).suggestions.memory.toPlainText() == note  # and in a new window (after a restart)
    site = tmp_path / "site"
    outbox.add_target(store, "site", "static", {"path": str(site)}, default=True)
    window.autosave.flush()
    assert Publisher(store, window.settings, credentials=Credentials(FailKeyring())).publish(draft_id).state == "done"
    published = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*") if p.is_file())
    assert PROMPT.split(",")[0] in published and "Quillfeather" not in published


def test_first_streamed_text_is_painted_without_waiting_for_the_repaint_timer(
        qtbot: QtBot, make_window: Any) -> None:
    _, panel = open_panel(qtbot, make_window, suggest__n=2, suggest__max_new_tokens=12)
    painted: list[tuple[str, str, bool]] = []  # (text received, text on the cards, repaint pending)

    def on_stream(_rid: int, _col: int, _step: int) -> None:
        painted.append(("".join(panel.texts()).strip(),
                        "".join(c.body.text() for c in panel.list.cards if c.property("state") == "streaming"),
                        panel._repaint.isActive()))

    panel.streamed.connect(on_stream)
    finished(qtbot, panel, panel.suggest)
    first = next(i for i, (received, _, _) in enumerate(painted) if received)
    assert painted[first][1].strip()  # the first words are on a card at once, not a timer tick later
    assert any(pending for _, _, pending in painted[first + 1:])  # later tokens are throttled


def test_each_card_shows_its_score_on_hover(qtbot: QtBot, make_window: Any) -> None:
    _, panel = open_panel(qtbot, make_window, suggest__n=2, suggest__max_new_tokens=12)
    finished(qtbot, panel, panel.suggest)
    scores = [item.score for item in panel.batches[-1].items]
    assert all(isinstance(s, float) and s < 0 for s in scores) and scores == sorted(scores, reverse=True)
    assert f"Score {scores[0]:.2f}" in panel.list.cards[0].toolTip()
