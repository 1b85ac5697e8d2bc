"""File ▸ History: revisions of the open draft, a diff against now, restore as one undo step."""

from __future__ import annotations

from datetime import UTC, datetime

from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.panels import panels_of
from writer import paths
from writer.store import ProvenanceSpan, Store
from writer.store.backups import backups_dir, list_backups
from writer.ui.history import install_backups, install_history

QUIET = {"suggest__auto": False}


def _draft_with_a_machine_past(store: Store) -> tuple[int, int]:
    draft = store.create_draft("My opening. The robot looked at me and smiled.")
    store.set_provenance(draft.id, [ProvenanceSpan(12, 46, "pkd", 3, datetime.now(UTC))])
    rev = store.snapshot(draft.id)
    store.save_draft(draft.id, body="My opening, rewritten by hand.")
    store.set_provenance(draft.id, [])
    return draft.id, rev.id


def test_history_shows_versions_and_what_changed(qtbot: QtBot, store: Store, make_window: WindowFactory) -> None:
    draft_id, _ = _draft_with_a_machine_past(store)
    window = make_window(**QUIET)
    window.open_draft(draft_id)
    dialog = install_history(window, panels_of(window).provenance)()
    assert not dialog.isModal()
    assert dialog.list.count() == 1 and "kept by you" in dialog.list.item(0).text()
    qtbot.waitUntil(lambda: "Since this version" in dialog.summary.text())
    assert "+4<" in dialog.summary.text() and "−8<" in dialog.summary.text()
    page = dialog.view.toHtml()
    assert "line-through" in page and "robot" in page and "rewritten" in page


def test_restore_is_one_undo_step_and_brings_back_machine_spans(qtbot: QtBot, store: Store,
                                                                make_window: WindowFactory) -> None:
    draft_id, _ = _draft_with_a_machine_past(store)
    window = make_window(**QUIET)
    window.open_draft(draft_id)
    dialog = install_history(window, panels_of(window).provenance)()
    dialog.restore_button.click()
    assert window.editor.toPlainText() == "My opening. The robot looked at me and smiled."
    spans = panels_of(window).provenance.tracker().spans
    assert [(s.start, s.end, s.model) for s in spans] == [(12, 46, "pkd")]
    qtbot.waitUntil(lambda: store.get_draft(draft_id).body.startswith("My opening. The robot"))
    assert [(s.start, s.end) for s in store.get_provenance(draft_id)] == [(12, 46)]
    assert "before a restore" in dialog.list.item(0).text()  # what was replaced is a version too
    window.editor.undo()
    assert window.editor.toPlainText() == "My opening, rewritten by hand."
    window.editor.redo()
    assert window.editor.toPlainText() == "My opening. The robot looked at me and smiled."


def test_new_draft_works_with_history_open_and_leaving_a_draft_keeps_it(qtbot: QtBot, store: Store,
                                                                        make_window: WindowFactory) -> None:
    draft = store.create_draft("Words I want to keep.")
    window = make_window(**QUIET)
    window.open_draft(draft.id)
    dialog = install_history(window, panels_of(window).provenance)()
    dialog.activateWindow()
    window.new_action.trigger()
    assert window.current_draft_id != draft.id  # a new draft opened with the dialog on screen
    qtbot.waitUntil(lambda: [r.reason for r in store.revisions(draft.id)] == ["switch"])  # kept on the worker
    assert "No earlier versions" in dialog.summary.text() or dialog.list.count() == 0


def test_daily_backup_is_taken_on_start(qtbot: QtBot, store: Store, make_window: WindowFactory) -> None:
    store.create_draft("Back me up.")
    window = make_window(**QUIET)
    install_backups(window)
    qtbot.waitUntil(lambda: len(list_backups(backups_dir(paths.data_dir() / "writer.db"))) == 1)
    window.settings.set("backups.daily", False)
    assert store.backup_if_due(keep=window.settings.get("backups.keep")) is None  # one a day at most


def test_restore_keeps_what_was_just_typed_as_a_version(qtbot: QtBot, store: Store,
                                                        make_window: WindowFactory) -> None:
    draft_id, _ = _draft_with_a_machine_past(store)
    window = make_window(**QUIET, autosave__delay_ms=1000)
    window.open_draft(draft_id)
    dialog = install_history(window, panels_of(window).provenance)()
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    window.editor.insertPlainText(" A sentence typed just now.")  # not saved yet: the dialog is not modal
    dialog.restore_button.click()
    kept = store.revisions(draft_id)[0]
    assert kept.reason == "before restore" and kept.body.endswith("A sentence typed just now.")
