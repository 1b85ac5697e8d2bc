"""Autosave: within a second of typing stopping, never sooner than the debounce, and on
switch, close and focus loss. Read back through a second connection, as a restart would."""

from __future__ import annotations

import time

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from writer.store import Store


def stored_body(draft_id: int) -> str:
    with Store.open(read_only=True) as other:
        return other.get_draft(draft_id).body


def test_saved_within_a_second_of_typing_stopping_not_before(qtbot: QtBot, make_window) -> None:
    window = make_window(autosave__delay_ms=600)
    draft_id = window.new_draft()
    qtbot.keyClicks(window.editor, "Hello there")
    stopped = time.monotonic()
    assert stored_body(draft_id) == ""  # not yet: the debounce is still running
    assert window.status_line.state.text() == "Editing…"
    qtbot.waitUntil(lambda: stored_body(draft_id) == "Hello there", timeout=1000)
    assert time.monotonic() - stopped >= 0.5  # it did wait for typing to pause
    assert window.status_line.state.text() == "Saved"


def test_steady_typing_is_saved_every_second(qtbot: QtBot, make_window) -> None:
    """Someone who never pauses must not have more than about a second at risk."""
    window = make_window(autosave__delay_ms=1000)
    draft_id = window.new_draft()
    typed = ""
    saved_while_typing = False
    start = time.monotonic()
    while time.monotonic() - start < 2.6:
        qtbot.keyClicks(window.editor, "a")  # a key every 80 ms, never a pause
        typed += "a"
        qtbot.wait(80)
        body = stored_body(draft_id)
        assert typed.startswith(body)
        if body and time.monotonic() - start < 2.6:
            saved_while_typing = True
            assert len(typed) - len(body) <= 15  # at most ~1.2 s of keys unsaved
    assert saved_while_typing


def test_saved_on_close(qtbot: QtBot, make_window) -> None:
    window = make_window()
    draft_id = window.new_draft()
    qtbot.keyClicks(window.editor, "closing words")
    window.close()
    assert stored_body(draft_id) == "closing words"


def test_saved_when_the_window_loses_focus(qtbot: QtBot, make_window) -> None:
    window = make_window()
    draft_id = window.new_draft()
    qtbot.keyClicks(window.editor, "switching apps")
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=1000)
    assert stored_body(draft_id) == "switching apps"


def test_save_errors_keep_the_text_and_retry(qtbot: QtBot, store: Store, make_window, monkeypatch) -> None:
    from writer.errors import WriterError

    window = make_window()
    draft_id = window.new_draft()
    real_save = store.save_draft
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        raise WriterError("The disk is full.")

    monkeypatch.setattr(store, "save_draft", failing)
    qtbot.keyClicks(window.editor, "precious")
    window.autosave.flush()
    assert calls and window.status_line.state.text() == "Not saved"
    assert "disk is full" in window.statusBar().currentMessage()
    assert window.editor.toPlainText() == "precious"
    monkeypatch.setattr(store, "save_draft", real_save)
    qtbot.waitUntil(lambda: stored_body(draft_id) == "precious", timeout=4000)


def test_a_pasted_novel_is_saved_off_the_gui_thread_and_in_order(qtbot: QtBot, make_window) -> None:
    """Writing a 1.5 MB draft and its search index takes ~0.5 s: the editor must not stall for it."""
    import threading

    from writer.ui import autosave

    window = make_window(autosave__delay_ms=200)
    draft_id = window.new_draft()
    threads: list[bool] = []
    original = window.store.save_draft

    def spy(*args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread() is threading.main_thread())
        return original(*args, **kwargs)

    window.store.save_draft = spy  # type: ignore[method-assign]
    novel = "\n".join(f"Line {i} of a long pasted novel, with some words." for i in range(35_000))
    assert len(novel) > autosave.LARGE_CHARS
    window.editor.insertPlainText(novel)
    qtbot.waitUntil(lambda: stored_body(draft_id) == novel, timeout=10_000)
    assert threads == [False], "the timed save of a large draft ran on a worker"
    qtbot.keyClicks(window.editor, " The end.")  # typed while it may still be saving
    window.close()  # close saves at once, after any background save of the same draft
    assert stored_body(draft_id) == novel + " The end."
