"""Publishing in the app: one-click publish and update, the outbox view, stalled badge and banner, stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from tests.ui.panels import panels_of
from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.store import Store
from writer.store.timefmt import ago
from writer.ui.features import install_publishing
from writer.ui.publish_controller import _click_channel
from writer.ui.publish_targets import TargetDialog

NOW = datetime(2030, 3, 6, 12, 0, tzinfo=UTC)


def _install(window, clock=lambda: NOW):  # type: ignore[no-untyped-def]
    publisher = Publisher(window.store, window.settings, credentials=Credentials(FailKeyring()))
    return install_publishing(window, panels_of(window).copycheck, publisher=publisher, clock=clock)


def _open_on_static_site(window, store: Store, writer_home: Path, text: str):  # type: ignore[no-untyped-def]
    """A window with publishing installed, ``text`` open as a draft, the default target a static site
    (the start-up outbox run done): (draft, controller)."""
    ob.add_target(store, "site", "static", {"path": str(writer_home / "site")}, default=True)
    draft = store.create_draft(text)
    window.reload_list()
    window.open_draft(draft.id)
    controller = _install(window).controller
    window.worker.wait(5000)
    return draft, controller


def test_target_dialog_preselects_the_static_site(window, writer_home: Path) -> None:  # type: ignore[no-untyped-def]
    publisher = Publisher(window.store, window.settings, credentials=Credentials(FailKeyring()))
    dialog = TargetDialog(window, publisher, window.worker)
    assert dialog.kind.currentData() == "static"
    assert dialog.location.text() == str(writer_home / "site")
    target = dialog.save()
    assert (target.kind, target.is_default) == ("static", True)


def test_one_click_publish_then_update(window, store: Store, qtbot: QtBot, writer_home: Path) -> None:  # type: ignore[no-untyped-def]
    ob.add_target(store, "site", "static", {"path": str(writer_home / "site")}, default=True)
    draft = store.create_draft("Ship it\n\nfirst version")
    window.reload_list()
    window.open_draft(draft.id)
    controller = _install(window).controller
    assert controller.publish_action.text() == "Publish"
    assert controller.publish_action.shortcut().toString() == "Ctrl+Shift+P"
    controller.publish_action.trigger()
    qtbot.waitUntil(lambda: store.get_draft(draft.id).status == "published", timeout=5000)
    qtbot.waitUntil(lambda: controller.publish_action.text() == "Update post", timeout=5000)
    assert "Ctrl+Shift+P" in controller.publish_action.toolTip()
    label = controller.published_label
    assert label.isVisible() and "“Ship it”" in label.text() and "Open" in label.text()
    assert label.toolTip() == store.get_draft(draft.id).url and "file://" not in label.text().split("href")[0]
    page = next((writer_home / "site" / "posts").glob("*.html"))
    assert "first version" in page.read_text()
    window.editor.document().setPlainText("Ship it\n\nsecond version")
    window.autosave.flush()
    controller.publish_action.trigger()
    qtbot.waitUntil(lambda: "second version" in page.read_text(), timeout=5000)
    assert len(list((writer_home / "site" / "posts").glob("*.html"))) == 1


def test_outbox_view_shows_failed_jobs(window, store: Store, qtbot: QtBot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("WRITER_WP_PASSWORD", "pw")
    ob.add_target(store, "down", "wordpress", {"url": "http://127.0.0.1:9", "user": "me"}, default=True)
    draft = store.create_draft("Offline\n\ntext")
    window.reload_list()
    window.open_draft(draft.id)
    controller = _install(window).controller
    dialog = controller.show_outbox()
    controller.publish_current()
    table = dialog.table
    qtbot.waitUntil(lambda: table.rowCount() == 1 and dialog.cell(0, "State").startswith("Failed"), timeout=10000)
    assert "Could not reach" in dialog.cell(0, "Details")
    assert dialog.cell(0, "Draft") == "Offline"  # the title, not the id
    job = ob.list_jobs(store)[0]
    assert dialog.cell(0, "Last change") == ago(job.updated, store.clock())
    assert "Next try" in dialog.cell(0, "Details") and "Errno" not in dialog.cell(0, "Details")
    assert dialog.retry.isEnabled() and dialog.link_at(0) is None
    # The outbox's own pass may fill the table before the publish request reports back.
    qtbot.waitUntil(lambda: "Not published yet" in window.statusBar().currentMessage(), timeout=10000)


def test_stalled_badge_banner_and_rhythm(make_window, store: Store, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    old = store.create_draft("Forgotten essay\n\ntext", created=NOW - timedelta(days=12))
    store.create_draft("Fresh\n\ntext", created=NOW - timedelta(days=1))
    window = make_window()
    publishing = _install(window)
    nudges = publishing.nudges
    assert nudges.banner.isVisible() and "Forgotten essay" in nudges.banner.label.text()
    assert "12 days" in nudges.banner.label.text()
    assert nudges.is_stalled(store.get_draft(old.id)) and not nudges.is_stalled(
        next(d for d in store.list_drafts() if d.id != old.id))
    assert nudges.rhythm_label.text() == "No posts yet"
    nudges.banner.buttons["Snooze"].click()
    assert not nudges.banner.isVisible()
    assert ob.snoozed_until(store)[old.id] == NOW + timedelta(days=3)


def test_banner_archive_and_stats_view(make_window, store: Store) -> None:  # type: ignore[no-untyped-def]
    old = store.create_draft("Let it go\n\ntext", created=NOW - timedelta(days=30))
    window = make_window()
    publishing = _install(window)
    publishing.nudges.banner.buttons["Archive"].click()
    assert store.get_draft(old.id).status == "archived" and not publishing.nudges.banner.isVisible()
    window.draftSaved.emit(old.id)
    dialog = publishing.stats.show()
    assert dialog.chart.series() and len(dialog.data.days) == 14
    assert "of writing in all" in dialog.summary.text()


def test_target_dialog_keeps_the_folder_when_static_is_chosen_again(window) -> None:  # type: ignore[no-untyped-def]
    from writer.errors import WriterError

    dialog = TargetDialog(window, Publisher(window.store, window.settings, credentials=Credentials(FailKeyring())))
    folder = dialog.location.text()
    dialog.kind.setCurrentIndex(dialog.kind.findData("wordpress"))
    assert dialog.location.text() == "https://"
    dialog.kind.setCurrentIndex(dialog.kind.findData("static"))
    assert dialog.location.text() == folder  # not a site in a folder called "https:"
    dialog.location.setText("https://example.org")
    import pytest

    with pytest.raises(WriterError, match="folder on this computer"):
        dialog.save()


def test_micropub_discovery_runs_off_the_gui_thread(window, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    import sys
    import threading

    sys.path.insert(0, str(Path(__file__).parents[1] / "publishing"))
    from publishing_fakes import MP_SITE, FakeMicropub

    server, gate = FakeMicropub(), threading.Event()

    def slow(request):  # type: ignore[no-untyped-def]
        gate.wait(10)  # a site that takes its time to answer
        return server(request)

    import httpx

    publisher = Publisher(window.store, window.settings, credentials=Credentials(FailKeyring()),
                          transport=httpx.MockTransport(slow))
    dialog = TargetDialog(window, publisher, window.worker)
    dialog.kind.setCurrentIndex(dialog.kind.findData("micropub"))
    dialog.location.setText(MP_SITE)
    dialog.secret.setText("tok")
    ticks: list[int] = []
    timer = QTimer(interval=10, timeout=lambda: ticks.append(1))
    timer.start()
    dialog._accept()  # OK: the dialog waits, the window keeps running
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.waitUntil(lambda: len(ticks) > 5)
    assert not ok.isEnabled() and "Looking for the Micropub endpoint" in dialog.note.text()
    gate.set()
    qtbot.waitUntil(lambda: dialog.result() == QDialog.DialogCode.Accepted, timeout=10000)
    timer.stop()
    [target] = [t for t in ob.list_targets(window.store) if t.kind == "micropub"]
    assert target.config["endpoint"] == MP_SITE + "micropub"


def test_cancelling_during_micropub_discovery_saves_nothing(window, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    import sys
    import threading

    import httpx

    sys.path.insert(0, str(Path(__file__).parents[1] / "publishing"))
    from publishing_fakes import MP_SITE, FakeMicropub

    server, gate = FakeMicropub(), threading.Event()
    publisher = Publisher(window.store, window.settings, credentials=Credentials(FailKeyring()),
                          transport=httpx.MockTransport(lambda request: gate.wait(10) and server(request)))
    dialog = TargetDialog(window, publisher, window.worker)
    dialog.kind.setCurrentIndex(dialog.kind.findData("micropub"))
    dialog.location.setText(MP_SITE)
    dialog.secret.setText("tok")
    dialog._accept()
    assert not dialog.location.isEnabled() and not dialog.browse.isEnabled()  # the address stays as asked
    dialog.reject()  # Cancel while the site is still being asked
    gate.set()
    window.worker.wait(5000)
    qtbot.wait(100)
    assert [t for t in ob.list_targets(window.store) if t.kind == "micropub"] == []


def test_a_send_finished_by_the_retry_timer_shows_in_the_window(window, store: Store, qtbot: QtBot,
                                                                 writer_home: Path) -> None:  # type: ignore[no-untyped-def]
    draft, controller = _open_on_static_site(window, store, writer_home, "Retried\n\ntext")
    controller.publisher.publish(draft.id, send=False)  # queued, as after a failed try
    controller.process_outbox()
    qtbot.waitUntil(lambda: controller.publish_action.text() == "Update post", timeout=10000)
    row = window.model.row_of(draft.id)
    assert row is not None and window.model.draft_at(row).status == "published"


def test_the_banner_goes_when_its_draft_is_deleted(make_window, store: Store, qtbot: QtBot,
                                                   monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    old = store.create_draft("Forgotten essay\n\ntext", created=NOW - timedelta(days=12))
    window = make_window()
    publishing = _install(window)
    assert publishing.nudges.banner.isVisible()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a: QMessageBox.StandardButton.Yes))
    window.open_draft(old.id)
    window.delete_current()
    assert not publishing.nudges.banner.isVisible()  # it named a draft that is gone


def test_a_click_answered_by_the_retry_timers_run_still_says_published(window, store: Store, qtbot: QtBot,
                                                                         writer_home: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    from writer.publishing.static_site import StaticSite

    draft, controller = _open_on_static_site(window, store, writer_home, "Raced\n\ntext")
    gate, create = threading.Event(), StaticSite.create
    monkeypatch.setattr(StaticSite, "create", lambda self, post: gate.wait(10) and create(self, post))
    controller.publisher.publish(draft.id, send=False)
    controller.process_outbox()  # the timer's run takes the job and is slow to send it
    qtbot.waitUntil(lambda: ob.list_jobs(store)[0].state == "sending")
    controller._send(draft.id)  # the click: finds the job already on its way
    qtbot.waitUntil(lambda: not window.worker.busy(_click_channel(draft.id)))
    gate.set()
    qtbot.waitUntil(lambda: controller.published_label.isVisible(), timeout=10000)
    assert "“Raced”" in controller.published_label.text()
    assert window.statusBar().currentMessage() != "Publishing…"


def test_a_click_waiting_on_a_timer_run_that_fails_is_told_why(window, store: Store, qtbot: QtBot,
                                                                writer_home: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import threading

    draft, controller = _open_on_static_site(window, store, writer_home, "Unlucky\n\ntext")
    gate = threading.Event()

    def process(*, draft_id=None, target=None, limit=100):  # type: ignore[no-untyped-def]
        if draft_id is not None:
            return []  # the click's request: the timer's run has the job
        gate.wait(10)
        raise OSError("the disk went away")

    monkeypatch.setattr(controller.publisher, "process", process)
    controller.process_outbox()
    controller._send(draft.id)
    qtbot.waitUntil(lambda: not window.worker.busy(_click_channel(draft.id)))
    gate.set()
    qtbot.waitUntil(lambda: "the disk went away" in window.statusBar().currentMessage(), timeout=10000)
