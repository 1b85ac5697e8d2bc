"""History: thinning revisions as they age, checkpoints, and word diffs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from writer.store import ProvenanceSpan, Store
from writer.store.history import Kept, diff, to_drop, unified, words_changed

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def kept(i: int, age: timedelta, reason: str = "autosave", size: int = 100) -> Kept:
    return Kept(i, NOW - age, reason, size)


def test_all_of_today_hourly_for_a_week_daily_after() -> None:
    revs = [kept(1, timedelta(minutes=5)), kept(2, timedelta(minutes=10)), kept(3, timedelta(hours=20)),
            # two in one hour, three days ago: the newer stays
            kept(4, timedelta(days=3, minutes=10)), kept(5, timedelta(days=3, minutes=40)),
            # two in one day, a month ago (different hours): the newer stays
            kept(6, timedelta(days=30, hours=1)), kept(7, timedelta(days=30, hours=5))]
    assert to_drop(revs, NOW) == {5, 7}


def test_pinned_reasons_stay_and_the_budget_drops_oldest_unpinned_first() -> None:
    revs = [kept(1, timedelta(days=40), "publish"), kept(2, timedelta(days=41), "publish"),
            kept(3, timedelta(days=40, hours=2))]
    assert to_drop(revs, NOW) == set()  # publish revisions of one day both stay
    big = [kept(1, timedelta(minutes=1), size=60), kept(2, timedelta(minutes=2), "manual", size=60),
           kept(3, timedelta(minutes=3), size=60), kept(4, timedelta(minutes=4), size=60)]
    assert to_drop(big, NOW, budget=130) == {3, 4}  # the newest and the pinned one stay
    assert to_drop(big, NOW, budget=10) == {2, 3, 4}  # never the newest, even over budget


def test_store_thins_as_revisions_are_added(store: Store) -> None:
    draft = store.create_draft("v0")
    start = NOW - timedelta(days=10)
    store.snapshot_interval = timedelta(0)
    for minute in range(0, 180, 10):  # three hours of writing ten days ago, a revision every 10 minutes
        store.clock = lambda m=minute: start + timedelta(minutes=m)
        store.save_draft(draft.id, body=f"version {minute}")
    store.clock = lambda: NOW
    store.save_draft(draft.id, body="today")
    revs = store.revisions(draft.id)
    # today's revision (the text this save replaced), and that day's newest only
    assert [r.body for r in revs] == ["version 170", "version 160"]


def test_checkpoint_keeps_only_what_is_new(store: Store) -> None:
    draft = store.create_draft("First words.")
    first = store.checkpoint(draft.id, "switch")
    assert first is not None and first.body == "First words."
    assert store.checkpoint(draft.id, "switch") is None  # unchanged: nothing new to keep
    store.save_draft(draft.id, body="First words. More.")
    assert store.checkpoint(draft.id, "before publish") is not None
    assert [r.reason for r in store.revisions(draft.id)] == ["before publish", "switch"]


def test_a_revision_keeps_its_machine_written_spans(store: Store) -> None:
    draft = store.create_draft("Mine. The machine wrote this.")
    span = ProvenanceSpan(6, 29, "pkd", 7, NOW)
    store.set_provenance(draft.id, [span])
    rev = store.snapshot(draft.id)
    store.save_draft(draft.id, body="All mine now.")
    store.set_provenance(draft.id, [])
    assert [(s.start, s.end, s.model) for s in store.revision_provenance(rev.id)] == [(6, 29, "pkd")]
    assert store.revision(rev.id).body == "Mine. The machine wrote this."


def test_word_diff_marks_what_changed_inside_a_paragraph() -> None:
    old = "The cat sat on the mat.\n\nA second paragraph stays.\n"
    new = "The dog sat on the mat today.\n\nA second paragraph stays.\n\nA new ending.\n"
    changes = diff(old, new)
    assert unified(changes) == ("The [-cat-]{+dog+} sat on the [-mat.-]{+mat today.+}\n\nA second paragraph stays.\n"
                                "{+\nA new ending.\n+}")
    assert words_changed(changes) == (6, 2)
    assert "".join(c.text for c in changes if c.op != "removed") == new
    assert "".join(c.text for c in changes if c.op != "added") == old


def test_diff_of_a_long_draft_with_one_edit_is_only_that_edit() -> None:
    paras = [f"Paragraph {i} has some words in it." for i in range(5000)]
    edited = list(paras)
    edited[2500] = "Paragraph 2500 has other words in it."
    changes = diff("\n".join(paras), "\n".join(edited))
    assert words_changed(changes) == (1, 1)


def test_over_budget_a_busy_day_coarsens_before_older_days_go() -> None:
    mb = 1024 * 1024
    older = [kept(i, timedelta(days=i, hours=2), size=mb) for i in range(1, 31)]  # a month, one a day
    today = [kept(100 + i, timedelta(minutes=5 * i), size=mb) for i in range(36)]  # three busy hours today
    dropped = to_drop(older + today, NOW, budget=40 * mb)
    assert not dropped & {r.id for r in older[:7]}  # the last week's days all keep their version
    assert len([r for r in today if r.id not in dropped]) <= 4  # today: about one an hour
    assert sum(r.size for r in older + today if r.id not in dropped) <= 40 * mb


def test_backup_does_not_wait_for_the_store(store: Store) -> None:
    """The window's saves hold the store's lock; a backup on the worker must not queue behind them, nor they
    behind it."""
    import threading

    store.create_draft("Keep me safe.")
    done = threading.Event()
    with store._lock:  # as if the GUI thread were saving
        worker = threading.Thread(target=lambda: (store.backup(), done.set()))
        worker.start()
        assert done.wait(10), "the backup waited for the store's lock"
    worker.join()


def test_renaming_into_a_tag_of_another_case_takes_the_new_spelling(store: Store) -> None:
    a = store.create_draft("One.", tags=["travel", "trip"])
    b = store.create_draft("Two.", tags=["trip"])
    assert store.rename_tag("trip", "Travel") == 2
    assert store.get_draft(a.id).tags == ("Travel",) and store.get_draft(b.id).tags == ("Travel",)
    assert store.tags() == [("Travel", 2)]


def test_windows_line_ends_are_stored_as_the_editor_shows_them(store: Store) -> None:
    draft = store.create_draft("Line one.\r\nThe robot smiled.\r\n")
    assert draft.body == "Line one.\nThe robot smiled.\n"
    span = ProvenanceSpan(11, 28, "pkd", 1, NOW)  # "The robot smiled." in the \r\n text
    saved = store.save_draft(draft.id, body="Line one.\r\nThe robot smiled.\r\nMore.", provenance=[span])
    stored = store.get_provenance(draft.id)
    assert saved.body[stored[0].start:stored[0].end] == "The robot smiled."


def test_listing_versions_can_leave_their_bodies_in_the_store(store: Store) -> None:
    draft = store.create_draft("v1 " * 1000)
    store.snapshot(draft.id)
    store.save_draft(draft.id, body="v2")
    store.snapshot(draft.id)
    full, light = store.revisions(draft.id), store.revisions(draft.id, bodies=False)
    assert [r.id for r in light] == [r.id for r in full] and all(r.body == "" for r in light)
    assert [r.word_count for r in light] == [1, 1000]
    assert store.revision(light[-1].id).body == full[-1].body  # one read whole when it is shown
