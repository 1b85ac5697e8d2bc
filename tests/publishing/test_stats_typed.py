"""Writing stats from save events that know what was pasted and what a model wrote."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from publishing_fakes import Clock
from sqlite_utils import Database

from writer import paths
from writer.publishing import stats
from writer.store import MIGRATIONS, Store


def test_pasted_and_machine_words_are_not_counted(store: Store, clock: Clock) -> None:
    draft = store.create_draft("Essay\n\ntext")
    t = clock.now
    stats.record_save(store, draft.id, 50, t)  # typed 50
    stats.record_save(store, draft.id, 250, t + timedelta(minutes=1), pasted=200)  # a pasted page
    stats.record_save(store, draft.id, 280, t + timedelta(minutes=2), machine=30)  # a suggestion accepted
    stats.record_save(store, draft.id, 250, t + timedelta(minutes=3), machine=0)  # and undone
    stats.record_save(store, draft.id, 262, t + timedelta(minutes=4), pasted=2)  # typed 10, pasted 2
    s = stats.writing_stats(store, t + timedelta(minutes=5), days=1, tz=UTC)
    assert s.days[-1].words == 60
    # time: the paste-only and machine-only saves are not writing saves; the undo and the typing are
    # (30 s to start, then the gaps between writing saves: 3 min and 1 min)
    assert s.total_active == timedelta(seconds=30) + timedelta(minutes=4)
    # a session that only pastes is no time at the desk
    other = store.create_draft("Clippings\n\ntext")
    later = t + timedelta(hours=3)
    for minute in range(0, 10, 2):
        stats.record_save(store, other.id, 100 * (minute + 1), later + timedelta(minutes=minute), pasted=200)
    s = stats.writing_stats(store, later + timedelta(hours=1), days=1, tz=UTC)
    assert s.total_active == timedelta(seconds=30) + timedelta(minutes=4)
    assert s.days[-1].words == 60


def test_time_toward_ten_thousand_hours(store: Store, clock: Clock) -> None:
    draft = store.create_draft("Essay\n\ntext")
    for minute in range(0, 61, 3):
        stats.record_save(store, draft.id, minute * 10, clock.now + timedelta(minutes=minute))
    s = stats.writing_stats(store, clock.now + timedelta(hours=2), days=1, tz=UTC)
    assert round(s.total_hours, 2) == round((30 + 3600) / 3600, 2)
    assert s.mastery_share == s.total_hours / stats.MASTERY_HOURS


def test_saves_recorded_before_v8_still_count(writer_home) -> None:  # type: ignore[no-untyped-def]
    path = paths.data_dir() / "writer.db"
    db = Database(path)
    for migration in MIGRATIONS[:7]:
        migration(db)
    db.execute("PRAGMA user_version = 7")
    db.execute("INSERT INTO activity (draft_id, at, kind, words) VALUES (1, '2030-01-01T10:00:00+00:00', 'save', 40)")
    db.conn.commit()
    db.close()
    with Store.open() as store:
        s = stats.writing_stats(store, datetime(2030, 1, 1, 12, tzinfo=UTC), days=1, tz=UTC)
        assert s.days[-1].words == 40
