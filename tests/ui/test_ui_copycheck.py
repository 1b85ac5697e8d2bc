"""Copy flags in the app: underlines and tooltips in the draft, the "Copy check" panel,
incremental rechecks, huge pastes, damaged indexes and suggestion badges.

Checked against a copy index the tests build from made-up books (or from a real book of the
shared corpora) and install as a model pack in the test's WRITER_HOME.
"""

from __future__ import annotations

import csv
import random
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt, QTimer
from PySide6.QtGui import QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QToolTip
from pytestqt.qtbot import QtBot

from tests.copycheck.bookpacks import OWN, PACK, Book, install_index, make_books, make_pack
from tests.ui.panels import panels_of
from writer import paths
from writer.copycheck import Checker, IndexBuilder
from writer.copycheck.normalise import tokenise
from writer.copycheck.service import CopyService
from writer.ui.copycheck import LAYER, CopyCheck, colours
from writer.ui.main_window import MainWindow

QUIET = {"suggest__auto": False}  # no model writes suggestions by itself while these tests type


@pytest.fixture
def window(make_window, books: list[Book]) -> MainWindow:
    """A window whose selected model is the made-up books' pack (installed before it starts)."""
    return make_window(copycheck__scope="model", suggest__default_model=PACK, copycheck__delay_ms=100,
                       **QUIET)


def checker_of(window: MainWindow) -> CopyCheck:
    return panels_of(window).copycheck  # type: ignore[attr-defined]


def settle(qtbot: QtBot, cc: CopyCheck, timeout: int = 10_000) -> None:
    """Wait for the pending check (debounce and worker) to finish."""
    qtbot.waitUntil(lambda: not cc.busy, timeout=timeout)


def paste(window: MainWindow, text: str) -> None:
    QApplication.clipboard().setText(text)
    window.editor.paste()


def underlines(window: MainWindow) -> list[tuple[str, QTextCharFormat]]:
    """The copy-flag layer as the editor draws it: (underlined text, format)."""
    layer = window.editor._layers.get(LAYER, [])
    return [(sel.cursor.selectedText(), sel.format) for sel in layer]


def point_at(window: MainWindow, position: int) -> QPoint:
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(position)
    rect = window.editor.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


def test_pasted_passage_is_underlined_and_named_in_a_tooltip(qtbot: QtBot, window: MainWindow,
                                                             books: list[Book]) -> None:
    cc = checker_of(window)
    window.new_draft()
    passage = books[0].passage(23, at=0.34)
    paste(window, f"{OWN} {passage} And then I went home.")
    settle(qtbot, cc)

    marks = underlines(window)
    assert [text for text, _ in marks] == [passage]
    fmt = marks[0][1]
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert fmt.underlineColor() == colours(False).copy

    middle = window.editor.toPlainText().index(passage) + len(passage) // 2
    tip = cc.tooltip_at(point_at(window, middle))
    assert tip is not None
    assert "23 words from <i>The Variable Man</i> — Philip K. Dick, 34% through" in tip
    assert cc.tooltip_at(point_at(window, 3)) is None  # the writer's own words

    viewport = window.editor.viewport()
    point = point_at(window, middle)
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert "The Variable Man" in QToolTip.text()
    QToolTip.hideText()


def test_echo_and_copy_look_different(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    cc = checker_of(window)
    window.new_draft()
    echo, copy = books[0].passage(10, at=0.2), books[1].passage(21, at=0.7)
    paste(window, f"{echo}\n\n{OWN}\n\n{copy}")
    settle(qtbot, cc)
    marks = dict(underlines(window))
    assert set(marks) == {echo, copy}
    assert marks[echo].underlineColor() == colours(False).echo
    assert marks[copy].underlineColor() == colours(False).copy
    assert marks[copy].background().color().alpha() > 0 and marks[echo].background().style() == Qt.BrushStyle.NoBrush


def test_real_book_passage(qtbot: QtBot, make_window, shared_corpora: Path) -> None:
    """A paragraph of a real training book (The Variable Man when the PKD set is there)."""
    with (shared_corpora / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}
    preferred = ["pkd/the-variable-man.txt", "general/a-martian-odyssey.txt", *sorted(rows)]
    file = next((f for f in preferred if f in rows and (shared_corpora / f).is_file()), None)
    if file is None:
        pytest.skip("none of the manifest's books is present")
    row = rows[file]
    text = (shared_corpora / file).read_text(encoding="utf-8")
    pack = "pkd" if file.startswith("pkd/") else PACK  # the shipped PKD index holds The Variable Man
    if pack == PACK:
        builder = IndexBuilder(PACK)
        builder.add(text, title=row["title"], author=row["author"])
        builder.write(paths.user_models_dir() / PACK / "copyindex")
    paragraphs = [" ".join(p.split()) for p in text[len(text) // 3:].split("\n\n")]
    passage = next(p for p in paragraphs if 25 <= len(tokenise(p)) <= 80)

    window = make_window(copycheck__scope="model", suggest__default_model=pack, copycheck__delay_ms=100, **QUIET)
    cc = checker_of(window)
    window.new_draft()
    paste(window, f"{OWN}\n\n{passage}\n")
    settle(qtbot, cc)
    assert len(cc.spans) == 1
    flag = cc.spans[0].flag
    assert flag.level == "copy" and flag.words == len(tokenise(passage))
    last_word_end = int(tokenise(passage).ends[-1])  # a closing '.' or quote is not a word
    assert underlines(window)[0][0] == passage[:last_word_end]
    middle = window.editor.toPlainText().index(passage) + 5
    tip = cc.tooltip_at(point_at(window, middle))
    assert tip is not None and f"<i>{row['title']}</i> — {row['author']}" in tip


def test_panel_lists_every_flag_and_jumps_to_it(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    cc = checker_of(window)
    panel = cc.panel
    window.new_draft()
    settle(qtbot, cc)
    assert panel.empty_title.text() == "No copied passages found"
    echo, copy = books[1].passage(9, at=0.1), books[0].passage(30, at=0.8)
    paste(window, f"{OWN}\n{echo}\n{OWN}\n{copy}\n")
    settle(qtbot, cc)

    assert panel.summary.text() == "1 copy, 1 echo"
    assert panel.stack.currentWidget() is panel.list
    rows = [[panel.list.topLevelItem(i).text(c) for c in range(3)] for i in range(panel.list.topLevelItemCount())]
    assert rows == [["Echo", "9", "Second Variety"], ["Copy", "30", "The Variable Man"]]

    cc.show_panel()  # it shares the dock area with the suggestions tab
    qtbot.waitUntil(panel.list.isVisible, timeout=2000)
    item = panel.list.topLevelItem(1)
    rect = panel.list.visualItemRect(item)
    qtbot.mouseClick(panel.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.editor.textCursor().selectedText() == copy

    panel.list.setFocus()
    panel.list.setCurrentItem(panel.list.topLevelItem(0))
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert window.editor.textCursor().selectedText() == echo
    qtbot.waitUntil(window.editor.hasFocus, timeout=2000)


def test_recheck_is_incremental_and_follows_edits(qtbot: QtBot, window: MainWindow, books: list[Book],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    cc = checker_of(window)
    window.new_draft()
    first, second = books[0].passage(22, at=0.3), books[1].passage(12, at=0.6)
    paste(window, "\n".join([first, *[f"{OWN} ({i})" for i in range(30)], second]))
    settle(qtbot, cc)
    assert [s.flag.words for s in cc.spans] == [22, 12]
    assert cc.panel.summary.text() == "1 copy, 1 echo"

    checked: list[str] = []
    original = Checker.check

    def counting(self: Checker, text: str, progress=None):  # type: ignore[no-untyped-def]
        checked.append(text)
        return original(self, text, progress)

    monkeypatch.setattr(Checker, "check", counting)

    # break the copy in two by changing one word in its middle: only that paragraph is checked again
    doc = window.editor.document()
    words = first.split()
    cursor = QTextCursor(doc)
    start = len(" ".join(words[:11])) + 1
    cursor.setPosition(start)
    cursor.setPosition(start + len(words[11]), QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    qtbot.keyClicks(window.editor, "kettle")
    settle(qtbot, cc)
    assert checked == [doc.firstBlock().text()]
    assert [s.flag.words for s in cc.spans] == [11, 10, 12]  # two echoes now, the second flag untouched
    assert cc.panel.summary.text() == "3 echoes"
    assert underlines(window)[2][0] == second

    # a new paragraph with a copy gets flagged; deleting the echo removes it
    checked.clear()
    end = QTextCursor(doc)
    end.movePosition(QTextCursor.MoveOperation.End)
    window.editor.setTextCursor(end)
    paste(window, "\n" + books[0].passage(25, at=0.9))
    settle(qtbot, cc)
    assert len(checked) == 1
    assert [s.flag.words for s in cc.spans] == [11, 10, 12, 25]
    last = doc.lastBlock().previous()
    cursor = QTextCursor(last)
    cursor.select(QTextCursor.SelectionType.BlockUnderCursor)
    window.editor.setTextCursor(cursor)
    window.editor.textCursor().removeSelectedText()
    settle(qtbot, cc)
    assert [s.flag.words for s in cc.spans] == [11, 10, 25]
    assert cc.panel.summary.text() == "1 copy, 2 echoes"


def test_flags_sit_on_the_right_words_after_emoji(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    """Qt counts UTF-16 units, Python counts characters: an emoji before a flag must not shift it."""
    cc = checker_of(window)
    window.new_draft()
    passage = books[0].passage(15)
    paste(window, f"So 😀🎉 good 𝔘 — {passage} 🎉 end")
    settle(qtbot, cc)
    assert [text for text, _ in underlines(window)] == [passage]


def test_no_flags_shows_the_empty_state(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    cc = checker_of(window)
    window.new_draft()
    qtbot.keyClicks(window.editor, OWN)
    settle(qtbot, cc)
    assert underlines(window) == []
    assert cc.panel.stack.currentWidget() is cc.panel.empty
    assert cc.panel.empty_title.text() == "No copied passages found"
    cc.show_panel()
    assert cc.panel.empty_title.isVisible()
    assert "model" in cc.panel.scope.text() and PACK in cc.panel.scope.text()


def test_huge_paste_shows_progress_and_keeps_the_ui_responsive(qtbot: QtBot, window: MainWindow,
                                                               books: list[Book],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A pasted novel is checked on a worker with progress; the copy check's own work on the GUI
    thread stays short (other features' work on such a paste is theirs to measure)."""
    cc = checker_of(window)
    window.new_draft()
    settle(qtbot, cc)
    rng = random.Random(3)
    own_words = OWN.split()
    paras = [" ".join(rng.choices(own_words, k=90)) for _ in range(4000)]  # a novel: 360,000 words
    paras[1000] = books[0].passage(40, at=0.5)
    paras[3500] = books[1].passage(20, at=0.5)
    novel = "\n".join(paras)

    gui_time: list[float] = []
    threads: list[bool] = []
    for name in ("check_now", "_on_result", "render"):
        original = getattr(CopyCheck, name)

        def timed(self: CopyCheck, *args: object, _original=original) -> object:  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                return _original(self, *args)
            finally:
                gui_time.append(time.perf_counter() - t0)

        monkeypatch.setattr(CopyCheck, name, timed)
    original_check = CopyService.check_paragraphs

    def on_worker(self: CopyService, *args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        return original_check(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(CopyService, "check_paragraphs", on_worker)
    # progress from the start: how long the check takes varies with the machine, its being shown does not
    monkeypatch.setattr("writer.copycheck.service.PROGRESS_AFTER_S", 0.0)
    progress: list[tuple[int, int]] = []
    cc.panel.progress.valueChanged.connect(lambda v: progress.append((v, cc.panel.progress.maximum())))
    ticks: list[float] = []
    beat = QTimer(interval=10)
    beat.timeout.connect(lambda: ticks.append(time.perf_counter()))
    paste(window, novel)
    beat.start()
    started = time.perf_counter()
    settle(qtbot, cc, timeout=60_000)
    took = time.perf_counter() - started
    beat.stop()

    assert [s.flag.words for s in cc.spans] == [40, 20]
    assert threads and not any(threads)  # never checked on the GUI thread
    assert progress and progress[0][0] < progress[0][1]  # shown part way, not only at the end
    assert not cc.panel.progress.isVisible()
    # generous bounds (CI shares 2 cores with the test's own workers): checking this novel on the
    # GUI thread would hold it for seconds, and the event loop would stand still meanwhile
    assert max(gui_time) < 1.0, f"the copy check held the GUI thread for {max(gui_time):.2f} s"
    assert len(ticks) >= took / 0.5  # the event loop kept turning all along


def test_typing_during_a_long_check_drops_the_stale_result(qtbot: QtBot, window: MainWindow,
                                                           books: list[Book]) -> None:
    cc = checker_of(window)
    window.new_draft()
    passage = books[0].passage(20, at=0.25)
    rng = random.Random(4)
    paste(window, "\n".join([passage, *(" ".join(rng.choices(OWN.split(), k=60)) for _ in range(3000))]))
    qtbot.waitUntil(lambda: cc.window.worker.busy("copycheck"), timeout=5000)
    cursor = QTextCursor(window.editor.document())  # while it checks, the copy is deleted
    cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
    window.editor.setTextCursor(cursor)
    qtbot.keyClicks(window.editor, "My own opening line instead.")
    settle(qtbot, cc, timeout=60_000)
    assert cc.spans == [] and underlines(window) == []
    assert cc.panel.empty_title.text() == "No copied passages found"


def test_corrupt_index_says_so_and_the_app_works(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    cc = checker_of(window)
    index = paths.user_models_dir() / PACK / "copyindex" / "index.json"
    index.write_text('{"format": "writer-copyindex", "version": 1, "name": "x"', encoding="utf-8")
    cc.recheck()
    draft_id = window.new_draft()
    paste(window, books[0].passage(30))
    settle(qtbot, cc)
    assert cc.panel.summary.text() == "Copy check unavailable"
    message = cc.panel.message.text()
    assert "corrupt copy index" in message and "rebuild it" in message and str(index) in message
    cc.show_panel()
    assert cc.panel.message.isVisible()
    assert underlines(window) == []
    window.autosave.flush()  # writing and saving carry on
    assert window.store.get_draft(draft_id).body == books[0].passage(30)

    install_index(books)  # rebuilt: the next check uses it
    qtbot.keyClicks(window.editor, " more")
    settle(qtbot, cc)
    assert [s.flag.words for s in cc.spans] == [30]
    assert not cc.panel.message.isVisible()


def test_model_without_an_index_says_how_to_build_one(qtbot: QtBot, make_window) -> None:
    make_pack("bare")  # a model with no copy index
    window = make_window(copycheck__scope="model", suggest__default_model="bare", copycheck__delay_ms=100,
                         **QUIET)
    cc = checker_of(window)
    draft_id = window.new_draft()
    qtbot.keyClicks(window.editor, OWN)
    settle(qtbot, cc)
    message = cc.panel.message.text()
    assert "'bare' model's copy index cannot be used" in message and "build it with" in message
    window.autosave.flush()
    assert window.store.get_draft(draft_id).body == OWN


def test_scope_all_checks_every_pack_with_an_index(qtbot: QtBot, make_window) -> None:
    mine, theirs = make_books(seed=1), make_books(seed=2)
    install_index(mine, "mine")
    install_index(theirs[:1], "theirs")
    window = make_window(copycheck__scope="all", suggest__default_model="mine", copycheck__delay_ms=100, **QUIET)
    cc = checker_of(window)
    cc.recheck()
    window.new_draft()
    paste(window, f"{mine[0].passage(12)}\n{theirs[0].passage(14)}")
    settle(qtbot, cc)
    assert sorted(s.flag.words for s in cc.spans) == [12, 14]
    assert {"mine", "theirs"} <= set(cc.result.indexes)

    window.settings.set("copycheck.scope", "model")
    cc.check_now()
    settle(qtbot, cc)
    assert [s.flag.words for s in cc.spans] == [12]
    assert cc.panel.scope.text() == "Checked against the mine model's books"


def test_dark_theme_redraws_the_underlines(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    cc = checker_of(window)
    window.new_draft()
    paste(window, books[0].passage(25))
    settle(qtbot, cc)
    window.settings.set("theme", "dark")
    window.apply_theme()
    qtbot.waitUntil(lambda: underlines(window)[0][1].underlineColor() == colours(True).copy, timeout=2000)


def test_suggestion_badge_catches_a_copy_that_starts_in_the_draft(qtbot: QtBot, window: MainWindow,
                                                                  books: list[Book]) -> None:
    cc = checker_of(window)
    words = books[0].passage(26, at=0.4).split()
    prompt_tail, suggestion = f"{OWN} " + " ".join(words[:14]), " " + " ".join(words[14:])
    got: list[object] = []
    cc.badge_suggestion(prompt_tail, suggestion, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    badge = got[0]
    assert badge is not None
    assert badge.text == "26 words from The Variable Man"
    assert badge.html == "26 words from <i>The Variable Man</i>"
    assert badge.level == "copy"

    got.clear()  # the copy is all in the draft: the suggestion itself copies nothing
    cc.badge_suggestion(" ".join(words), " and then I went home for tea.", got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=5000)
    assert got == [None]


def test_finished_suggestions_in_the_panel_get_badges(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    """The suggestions panel announces a finished batch; the card that copies gets a badge."""
    jobs = pytest.importorskip("writer.generation.requests")
    panel = panels_of(window).suggestions  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: panel.current_model() == PACK, timeout=10_000)
    words = books[0].passage(30, at=0.6).split()
    window.new_draft()
    paste(window, f"{OWN} " + " ".join(words[:15]))
    pack = panel.picker.current_pack()
    column = jobs.Column(pack, panel.drawer.settings_for(pack))
    request = jobs.Request("suggest", window.editor.toPlainText(), (column,), 2, 1)
    batch = pytest.importorskip("writer.generation.batches").Batch.start(987654, request)
    texts = [" " + " ".join(words[15:]), " and then the kettle boiled over, as kettles do."]
    for item, text in zip(batch.items, texts, strict=True):
        item.text, item.state = text, "done"
    panel.batches.append(batch)
    panel.show_batch(len(panel.batches) - 1)
    panel.suggestionsFinished.emit(batch.request_id, texts)

    card = panel.list.cards[0]
    qtbot.waitUntil(lambda: card.badge.isVisible(), timeout=10_000)
    assert card.badge.text() == "30 words from <i>The Variable Man</i>"
    assert "Philip K. Dick" in card.badge.toolTip()
    qtbot.wait(200)
    assert not panel.list.cards[1].badge.isVisible()


def test_a_pasted_book_lists_the_first_flags_and_counts_them_all(qtbot: QtBot, window: MainWindow,
                                                                    books: list[Book]) -> None:
    """A book pasted whole has thousands of flags: the first MAX_SHOWN are drawn and listed (drawing
    all took seconds at every check), the summary counts every one."""
    from writer.copycheck.results import MAX_SHOWN

    cc = checker_of(window)
    window.new_draft()
    passages = [books[i % 2].passage(9, at=(i % 97) / 100) for i in range(MAX_SHOWN + 50)]
    paste(window, "\n".join(passages))
    settle(qtbot, cc, timeout=30_000)
    assert cc.panel.list.topLevelItemCount() == MAX_SHOWN
    assert len(underlines(window)) == MAX_SHOWN
    assert cc.panel.summary.text() == f"{MAX_SHOWN + 50:,} echoes; the first {MAX_SHOWN} listed"
    assert underlines(window)[0][0] == passages[0]

    qtbot.keyClick(window.editor, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.editor, "Mine. ")  # the text moved on: flags are found by reading the blocks
    settle(qtbot, cc, timeout=30_000)
    assert len(underlines(window)) == MAX_SHOWN
    assert underlines(window)[0][0] == passages[0]


def test_a_blockquoted_passage_shows_as_a_quote(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    cc = checker_of(window)
    window.new_draft()
    settle(qtbot, cc)
    paste(window, f"{OWN}\n\n> {books[0].passage(30, at=0.4)}\n> — The Variable Man\n")
    settle(qtbot, cc)
    assert [s.flag.level for s in cc.spans] == ["quote"]
    assert cc.panel.summary.text() == "1 quote"
    fmt = underlines(window)[0][1]
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine  # not a copy's red wave


def test_mark_as_quotation_is_one_undo_step(qtbot: QtBot, window: MainWindow, books: list[Book]) -> None:
    window.new_draft()
    paste(window, f"{OWN}\n{books[0].passage(25, at=0.3)}\nAfter.")
    cursor = window.editor.textCursor()
    cursor.setPosition(len(OWN) + 3)  # inside the passage's line
    window.editor.setTextCursor(cursor)
    quote = next(a for a in window.actions() if a.objectName() == "quoteAction")
    quote.trigger()
    lines = window.editor.toPlainText().split("\n")
    assert lines[0] == OWN and lines[1].startswith("> ") and lines[2] == "After."
    cc = checker_of(window)
    settle(qtbot, cc)
    assert [s.flag.level for s in cc.spans] == ["quote"]
    window.editor.undo()
    assert not window.editor.toPlainText().split("\n")[1].startswith(">")
