"""Stalled drafts, days since the last post, the weekly streak and writing stats, with a controlled clock."""

from __future__ import annotations

from datetime import UTC, timedelta

from keyring.backends.fail import Keyring as FailKeyring
from publishing_fakes import Clock

from writer.publishing import nudges, stats
from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store


def test_stalled_drafts_oldest_first_snooze_and_publish(store: Store, clock: Clock, settings: Settings) -> None:
    old = store.create_draft("Old idea\n\ntext")
    clock.advance(days=3)
    older_edit = store.create_draft("Middle idea\n\ntext")
    store.create_draft("")  # empty drafts are not nagged about
    clock.advance(days=5)
    store.create_draft("Fresh\n\ntext")
    found = nudges.stalled_drafts(store, clock.now, 7)
    assert [(s.draft.id, s.age_days) for s in found] == [(old.id, 8)]
    assert nudges.oldest_stalled(store, clock.now, 5).draft.id == old.id  # type: ignore[union-attr]
    assert [s.draft.id for s in nudges.stalled_drafts(store, clock.now, 5)] == [old.id, older_edit.id]
    ob.snooze(store, old.id, clock.now + timedelta(days=2))
    assert nudges.oldest_stalled(store, clock.now, 5).draft.id == older_edit.id  # type: ignore[union-attr]
    clock.advance(days=3)
    assert nudges.oldest_stalled(store, clock.now, 5).draft.id == old.id  # type: ignore[union-attr]
    Publisher(store, settings, credentials=Credentials(FailKeyring())).publish(old.id)
    assert nudges.oldest_stalled(store, clock.now, 5).draft.id == older_edit.id  # type: ignore[union-attr]


def test_days_since_last_post_and_weekly_streak(store: Store, clock: Clock, settings: Settings) -> None:
    publisher = Publisher(store, settings, credentials=Credentials(FailKeyring()))
    assert nudges.rhythm(store, clock.now, tz=UTC).days_since_last_post is None
    # clock starts Monday 2030-03-04: post in three consecutive weeks, then skip one
    for week in range(3):
        publisher.publish(store.create_draft(f"Week {week}\n\ntext").id)
        clock.advance(weeks=1)
    clock.advance(days=2)  # Wednesday of the fourth week, no post yet this week
    r = nudges.rhythm(store, clock.now, weekly_goal=2, tz=UTC)
    assert (r.days_since_last_post, r.streak_weeks, r.posts_this_week) == (9, 3, 0)
    assert nudges.describe(r) == "9 days since last post · 3-week streak · 0/2 this week"
    clock.advance(weeks=1)  # a whole week without a post breaks the streak
    assert nudges.rhythm(store, clock.now, tz=UTC).streak_weeks == 0
    draft = store.create_draft("Back\n\ntext")
    publisher.publish(draft.id)
    publisher.publish(draft.id)  # an update is not a new post
    r = nudges.rhythm(store, clock.now, weekly_goal=2, tz=UTC)
    assert (r.days_since_last_post, r.streak_weeks, r.posts_this_week) == (0, 1, 1)


def test_writing_stats_from_save_events(store: Store, clock: Clock, settings: Settings) -> None:
    draft = store.create_draft("")
    day1 = clock.now
    for minute, words in [(0, 10), (2, 60), (4, 100), (30, 130)]:  # 4 min typing, then a lone save
        stats.record_save(store, draft.id, words, day1 + timedelta(minutes=minute))
    stats.record_save(store, draft.id, 90, day1 + timedelta(days=1))  # deleting is not writing
    other = store.create_draft("")
    stats.record_save(store, other.id, 40, day1 + timedelta(days=1, minutes=1))
    Publisher(store, settings, credentials=Credentials(FailKeyring())).publish(
        store.create_draft("Shipped\n\ntext").id)
    clock.advance(days=1, hours=1)
    s = stats.writing_stats(store, clock.now, days=3, tz=UTC)
    assert [d.day.isoformat() for d in s.days] == ["2030-03-03", "2030-03-04", "2030-03-05"]
    assert [d.words for d in s.days] == [0, 130, 40]
    assert [d.posts for d in s.days] == [0, 1, 0]
    assert s.days[1].active == timedelta(minutes=4, seconds=60)  # 2 sessions start 30 s each
    assert s.days[2].active == timedelta(seconds=90)
    assert round(s.total_hours * 3600) == 4 * 60 + 60 + 90
