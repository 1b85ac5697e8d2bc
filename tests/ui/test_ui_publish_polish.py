"""What a user sees of publishing: the outbox's rows and links, the toolbar action, the stalled
badge's layout, the banner's keyboard handling and the stats chart's axes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import QRect, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFontMetrics
from PySide6.QtWidgets import QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from tests.ui.panels import panels_of
from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.store import Store
from writer.ui import theme
from writer.ui.features import install_publishing
from writer.ui.outbox_dialog import short_url

NOW = datetime(2030, 3, 6, 12, 0, tzinfo=UTC)


def _install(window, clock=lambda: NOW):  # type: ignore[no-untyped-def]
    publisher = Publisher(window.store, window.settings, credentials=Credentials(FailKeyring()))
    return install_publishing(window, panels_of(window).copycheck, publisher=publisher, clock=clock)


def test_outbox_empty_state_then_a_done_job_links_to_the_post(window, store: Store, qtbot: QtBot,
                                                               writer_home: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    controller = _install(window).controller
    dialog = controller.show_outbox()
    assert dialog.windowTitle() and dialog.table.verticalHeader().isHidden()
    assert dialog.pages.currentWidget() is dialog.empty and "Nothing waiting" in dialog.empty.text()
    assert not dialog.retry.isEnabled()

    ob.add_target(store, "site", "static", {"path": str(writer_home / "site")}, default=True)
    draft = store.create_draft("Notes from the harbour\n\nboats")
    window.reload_list()
    window.open_draft(draft.id)
    controller.publish_current()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1 and dialog.cell(0, "State") == "Done", timeout=10000)
    assert dialog.pages.currentWidget() is dialog.table
    assert dialog.cell(0, "Draft") == "Notes from the harbour"
    url = store.get_draft(draft.id).url
    assert url and dialog.link_at(0) == url
    assert dialog.cell(0, "Details") == short_url(url) and len(dialog.cell(0, "Details")) < len(url)
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda u: opened.append(u) or True))
    dialog.table.cellClicked.emit(0, dialog.column("Details"))
    assert [u.toString() for u in opened] == [url]

    store.delete_draft(draft.id)
    dialog.refresh()
    assert dialog.cell(0, "Draft") == "Notes from the harbour (deleted)"


def test_short_url_keeps_the_part_a_reader_recognises() -> None:
    assert short_url("https://blog.example.org/2030/03/harbour/") == "blog.example.org/2030/03/harbour"
    assert short_url("file:///tmp/site/posts/notes%20one.html") == "notes one.html"


def test_publish_action_has_an_icon_and_sits_beside_new_draft(window) -> None:  # type: ignore[no-untyped-def]
    controller = _install(window).controller
    action = controller.publish_action
    assert not action.icon().isNull()
    actions = window.toolbar.actions()
    assert actions.index(action) == actions.index(window.new_action) + 1
    assert action.text() == "Publish" and "(Ctrl+Shift+P)" in action.toolTip()


def test_stalled_badge_is_whole_and_the_title_elides_before_it(make_window, store: Store) -> None:  # type: ignore[no-untyped-def]
    store.create_draft("Recipe: fish soup with saffron, fennel and whatever the boats brought in\n\ntext",
                       created=NOW - timedelta(days=23))
    window = make_window()
    _install(window)
    delegate = window.list.itemDelegate()
    index = window.model.index(0)
    draft = window.model.draft_at(0)
    badge = delegate.badge(draft)
    assert badge is not None and "23 days" in badge.tooltip

    option = QStyleOptionViewItem()
    option.initFrom(window.list)
    option.rect = QRect(0, 0, 260, delegate.sizeHint(option, index).height())
    title, title_rect, badge_rect = delegate.title_layout(option, index)
    assert badge_rect is not None
    assert title.endswith("…") and not title_rect.intersects(badge_rect)
    assert option.rect.contains(badge_rect)
    metrics = QFontMetrics(option.font)
    assert badge_rect.width() > metrics.horizontalAdvance(badge.text)  # the whole word fits in the pill

    fresh = store.create_draft("Fresh\n\ntext", created=NOW)
    window.reload_list()
    row = window.model.row_of(fresh.id)
    assert row is not None
    _, _, none = delegate.title_layout(option, window.model.index(row))
    assert none is None


def test_banner_is_keyboard_friendly_and_dismissable(make_window, store: Store, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    store.create_draft("Forgotten essay\n\ntext", created=NOW - timedelta(days=12))
    window = make_window()
    publishing = _install(window)
    banner = publishing.nudges.banner
    assert banner.isVisible()
    keys = {b.shortcut().toString() for b in banner.buttons.values()}
    assert len(keys) == len(banner.buttons) and "" not in keys  # each has its own Alt+ key
    assert all(b.accessibleName() for b in banner.buttons.values())
    assert banner.close_button.accessibleName()
    banner.buttons["Open"].setFocus()
    qtbot.keyClick(banner.buttons["Open"], Qt.Key.Key_Escape)
    assert not banner.isVisible()
    banner.refresh()  # e.g. after publishing something else: stays away for this session
    assert not banner.isVisible()


def test_banner_close_button_dismisses(make_window, store: Store) -> None:  # type: ignore[no-untyped-def]
    store.create_draft("Forgotten essay\n\ntext", created=NOW - timedelta(days=12))
    window = make_window()
    publishing = _install(window)
    publishing.nudges.banner.close_button.click()
    assert not publishing.nudges.banner.isVisible() and publishing.nudges.banner.dismissed


def test_stats_axes_are_whole_numbers_and_day_labels_fit(make_window, store: Store, qtbot: QtBot) -> None:  # type: ignore[no-untyped-def]
    from writer.publishing import stats

    draft = store.create_draft("Essay\n\ntext")
    words = 0
    for day in range(10):
        for minute in range(0, 30 + day * 3, 3):
            words += 11
            stats.record_save(store, draft.id, words, at=NOW - timedelta(days=day, hours=2) + timedelta(minutes=minute))
    window = make_window()
    publishing = _install(window)
    dialog = publishing.stats.show()
    qtbot.waitExposed(dialog)
    for axis in (dialog.words_axis, dialog.minutes_axis):
        assert axis.labelFormat() == "%d"
        step = (axis.max() - axis.min()) / (axis.tickCount() - 1)
        assert axis.min() == 0 and step == int(step)
    assert dialog.words_axis.max() >= max(d.words for d in dialog.data.days)
    assert dialog.minutes_axis.max() < dialog.words_axis.max()  # its own scale, not the words'
    width = dialog.chart.plotArea().width() / len(dialog.data.days)
    metrics = QFontMetrics(dialog.days_axis.labelsFont())
    assert all(metrics.horizontalAdvance(label) < width for label in dialog.days_axis.categories())
    total = sum(d.words for d in dialog.data.days)
    assert f"{total:,}" in dialog.summary.text()


def test_stats_chart_follows_the_dark_theme(make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window(theme="dark")
    publishing = _install(window)
    dialog = publishing.stats.show()
    assert dialog.chart.backgroundBrush().color() == theme.DARK.base
    assert dialog.days_axis.labelsBrush().color() == theme.DARK.text


def test_banner_says_how_many_drafts_wait_and_lists_them(make_window, store: Store) -> None:  # type: ignore[no-untyped-def]

    now = datetime(2030, 3, 6, 12, 0, tzinfo=UTC)
    oldest = store.create_draft("Oldest essay\n\ntext", created=now - timedelta(days=40))
    second = store.create_draft("Second essay\n\ntext", created=now - timedelta(days=20))
    store.create_draft("Third essay\n\ntext", created=now - timedelta(days=9))
    window = make_window()
    publishing = install_publishing(window, publisher=Publisher(store, window.settings,
                                                              credentials=Credentials(FailKeyring())),
                                    clock=lambda: now)
    banner = publishing.nudges.banner
    text = banner.label.text()
    assert "Oldest essay" in text and "40 days" in text and "2 more drafts waiting" in text
    assert "Second essay" in banner.label.toolTip() and "Third essay" in banner.label.toolTip()
    menu = banner.show_others()
    assert [a.text() for a in menu.actions()] == ["Second essay — 20 days", "Third essay — 9 days"]
    menu.actions()[0].trigger()
    assert window.current_draft_id == second.id
    assert banner.draft_id == oldest.id  # the buttons still act on the oldest


def test_a_post_writer_cannot_check_waits_for_the_writer_to_say_send_again(window, store: Store, qtbot: QtBot,
                                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import sys

    from PySide6.QtWidgets import QMessageBox

    sys.path.insert(0, str(Path(__file__).parents[1] / "publishing"))
    from publishing_fakes import MP_ENDPOINT, MP_SITE, FakeMicropub

    server = FakeMicropub(can_list=False)  # no q=source: a lost try cannot be looked up
    creds = Credentials(FailKeyring())
    creds.set("mp", "tok")
    ob.add_target(store, "mp", "micropub", {"site": MP_SITE, "endpoint": MP_ENDPOINT}, default=True)
    publisher = Publisher(store, window.settings, credentials=creds, transport=server.transport())
    draft = store.create_draft("Lost in the post\n\ntext")
    server.fail("timeout", "POST", "/micropub")  # never arrived, but Writer cannot know
    publisher.publish(draft.id)
    ob.retry_failed(store)
    [job] = publisher.process()
    assert job.needs_a_look and server.entries == {}
    controller = install_publishing(window, publisher=publisher, clock=lambda: NOW).controller
    window.worker.wait(5000)
    dialog = controller.show_outbox()
    assert dialog.cell(0, "State") == "Unknown — look at the site" and "--resend" in dialog.cell(0, "Details")
    assert not dialog.retry.isEnabled() and not dialog.resend.isEnabled()  # Retry would not resend it
    dialog.table.selectRow(0)
    assert dialog.resend.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes))
    dialog.resend.click()  # the writer looked: it is not there
    qtbot.waitUntil(lambda: ob.get_job(store, job.id).state == "done", timeout=10000)
    assert len(server.entries) == 1
