"""Publishing in the app: one-click publish and update, the outbox view, stalled badge and banner, stats."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from keyring.backends.fail import Keyring as FailKeyring
from pytestqt.qtbot import QtBot

from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.store import Store
from writer.store import outbox as ob
from writer.store.timefmt import ago
from writer.ui.publish import TargetDialog, install_publishing

NOW = datetime(2030, 3, 6, 12, 0, tzinfo=UTC)


def _install(window, clock=lambda: NOW):  # type: ignore[no-untyped-def]
    publisher = Publisher(window.store, window.settings, credentials=Credentials(FailKeyring()))
    return install_publishing(window, publisher=publisher, clock=clock)


def test_target_dialog_preselects_the_static_site(window, writer_home: Path) -> None:  # type: ignore[no-untyped-def]
    publisher = Publisher(window.store, window.settings, credentials=Credentials(FailKeyring()))
    dialog = TargetDialog(window, publisher)
    assert dialog.kind.currentData() == "static"
    assert dialog.location.text() == str(writer_home / "site")
    target = dialog.save()
    assert (target.kind, target.is_default) == ("static", True)


def test_one_click_publish_then_update(window, store: Store, qtbot: QtBot, writer_home: Path) -> None:  # type: ignore[no-untyped-def]
    ob.add_target(store, "site", "static", {"path": str(writer_home / "site")}, default=True)
    draft = store.create_draft("Ship it\n\nfirst version")
    window.reload_list()
    window.open_draft(draft.id)
    controller = _install(window)
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
    controller = _install(window)
    dialog = controller.show_outbox()
    controller.publish_current()
    table = dialog.table
    qtbot.waitUntil(lambda: table.rowCount() == 1 and dialog.cell(0, "State").startswith("Failed"), timeout=10000)
    assert "Could not reach" in dialog.cell(0, "Details")
    assert dialog.cell(0, "Draft") == "Offline"  # the title, not the id
    job = ob.list_jobs(store)[0]
    assert dialog.cell(0, "When") == ago(job.updated, store.clock())
    assert dialog.retry.isEnabled() and dialog.link_at(0) is None
    # The outbox's own pass may fill the table before the publish request reports back.
    qtbot.waitUntil(lambda: "Not published yet" in window.statusBar().currentMessage(), timeout=10000)


def test_stalled_badge_banner_and_rhythm(make_window, store: Store, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    old = store.create_draft("Forgotten essay\n\ntext", created=NOW - timedelta(days=12))
    store.create_draft("Fresh\n\ntext", created=NOW - timedelta(days=1))
    window = make_window()
    _install(window)
    nudges = window.nudges
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
    _install(window)
    window.nudges.banner.buttons["Archive"].click()
    assert store.get_draft(old.id).status == "archived" and not window.nudges.banner.isVisible()
    window.draftSaved.emit(old.id)
    dialog = window.show_stats()
    assert dialog.chart.series() and len(dialog.data.days) == 14
    assert "of writing in all" in dialog.summary.text()
