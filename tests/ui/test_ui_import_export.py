"""Markdown import/export through the File menu dialogs, and dropping files on the window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from writer.store import Store

pytestmark = pytest.mark.filterwarnings("ignore:Function.*QDragEnterEvent:DeprecationWarning")

NOTE = """---
title: Tide tables
tags: [sea, notes]
status: draft
---

High water at *six*, low at noon.
"""


def test_export_then_import_round_trip(qtbot: QtBot, tmp_path: Path, store: Store, make_window,
                                       monkeypatch) -> None:
    original = store.create_draft("First line\n\n## Part two\n\nWith `code` and [a link](https://x.org).",
                                  title="Round trip", tags=("a", "b"))
    window = make_window()
    target = tmp_path / "out.md"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Markdown (*.md)"))
    window.export_action.trigger()
    qtbot.waitUntil(target.exists)
    assert "title: Round trip" in target.read_text(encoding="utf-8")

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(target)], ""))
    window.import_action.trigger()
    qtbot.waitUntil(lambda: len(store.list_drafts()) == 2)
    qtbot.waitUntil(lambda: window.current_draft_id != original.id)
    copy = store.get_draft(window.current_draft_id)
    assert (copy.title, copy.body, copy.tags) == (original.title, original.body, original.tags)
    assert window.editor.toPlainText() == original.body
    assert window.model.rowCount() == 2


def test_export_includes_unsaved_typing(qtbot: QtBot, tmp_path: Path, make_window) -> None:
    window = make_window()
    window.new_draft()
    qtbot.keyClicks(window.editor, "just typed")
    target = tmp_path / "now.md"
    window.export_to(window.current_draft_id, target)
    qtbot.waitUntil(target.exists)
    assert target.read_text(encoding="utf-8").rstrip().endswith("just typed")


def test_bad_file_is_named_in_a_message_and_nothing_is_lost(qtbot: QtBot, tmp_path: Path, store: Store,
                                                           make_window) -> None:
    store.create_draft("Existing work")
    window = make_window()
    good = tmp_path / "tides.md"
    good.write_text(NOTE, encoding="utf-8")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("café crème".encode("latin-1"))
    window.import_files([bad, good])
    qtbot.waitUntil(lambda: isinstance(getattr(window, "last_error", None), QMessageBox))
    box: QMessageBox = window.last_error
    assert "latin1.txt" in box.text() and "UTF-8" in box.text()
    assert sorted(d.title for d in store.list_drafts()) == ["Existing work", "Tide tables"]
    assert bad.read_bytes() == "café crème".encode("latin-1")
    box.close()


def _drop(widget, paths: list[Path]) -> bool:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(QPoint(10, 10), actions, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, enter)
    if not enter.isAccepted():
        return False
    drop = QDropEvent(QPointF(10, 10), actions, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, drop)
    return drop.isAccepted()


def test_dropping_markdown_on_the_editor_imports_it(qtbot: QtBot, tmp_path: Path, store: Store,
                                                    make_window) -> None:
    store.create_draft("Typing here")
    window = make_window()
    note = tmp_path / "tides.md"
    note.write_text(NOTE, encoding="utf-8")
    plain = tmp_path / "list.txt"
    plain.write_text("Shopping\n- bread\n", encoding="utf-8")
    assert _drop(window.editor.viewport(), [note, plain])
    qtbot.waitUntil(lambda: len(store.list_drafts()) == 3)
    assert {d.title for d in store.list_drafts()} == {"Typing here", "Tide tables", "Shopping"}
    qtbot.waitUntil(lambda: window.editor.toPlainText() == "Shopping\n- bread\n")
    assert "Typing here" not in window.editor.toPlainText()  # the path was not pasted into a draft


def test_dropping_on_the_empty_list_imports(qtbot: QtBot, tmp_path: Path, store: Store, window) -> None:
    note = tmp_path / "tides.md"
    note.write_text(NOTE, encoding="utf-8")
    assert _drop(window.list.viewport(), [note])
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert window.stack.currentWidget() is window.page


def test_other_files_are_not_taken(tmp_path: Path, window) -> None:
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG")
    assert not _drop(window.list.viewport(), [image])
    assert not _drop(window, [image])
    assert window.model.rowCount() == 0
