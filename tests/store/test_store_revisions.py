from __future__ import annotations

import itertools

from tests.store.conftest import FakeClock
from writer.store import SNAPSHOT_INTERVAL, ProvenanceSpan, Store


def test_autosave_keeps_at_most_one_revision_per_interval(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("v0")
    bodies = []
    for n in range(1, 21):  # 20 saves, 30 s apart: 10 minutes of typing
        clock.advance(seconds=30)
        bodies.append(f"v{n}")
        store.save_draft(draft.id, body=bodies[-1])
    revs = store.revisions(draft.id)
    assert 2 <= len(revs) <= 10 * 60 // SNAPSHOT_INTERVAL.total_seconds() + 1
    gaps = [newer.created - older.created for newer, older in itertools.pairwise(revs)]
    assert all(gap >= SNAPSHOT_INTERVAL for gap in gaps)
    assert revs[-1].body == "v0"  # the first edit kept the original text
    assert all(r.reason == "autosave" for r in revs)


def test_metadata_changes_do_not_snapshot(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("text")
    clock.advance(hours=1)
    store.save_draft(draft.id, tags=["x"], url="https://e.org")
    assert store.revisions(draft.id) == []


def test_empty_new_draft_is_not_snapshotted(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft()
    store.save_draft(draft.id, body="first words")
    assert store.revisions(draft.id) == []


def test_publishing_snapshots_the_published_text(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("to publish")
    store.snapshot(draft.id)  # an autosave would not be due right after this
    clock.advance(seconds=10)
    store.save_draft(draft.id, body="final text", status="published")
    newest = store.revisions(draft.id)[0]
    assert (newest.reason, newest.body) == ("publish", "final text")
    assert store.snapshot(draft.id, "publish") == newest  # the publisher asking again adds nothing
    assert len(store.revisions(draft.id)) == 2


def test_manual_snapshot_and_newest_first(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("a")
    first = store.snapshot(draft.id)
    clock.advance(seconds=1)
    store.save_draft(draft.id, body="b")
    second = store.snapshot(draft.id, "before big edit")
    assert [r.id for r in store.revisions(draft.id)] == [second.id, first.id]
    assert second.reason == "before big edit" and second.body == "b"


def test_restore_is_undoable(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("# Old title\nold body", tags=["t"])
    old = store.snapshot(draft.id)
    clock.advance(seconds=5)
    store.save_draft(draft.id, body="# New title\nnew body")
    clock.advance(seconds=5)
    restored = store.restore_revision(old.id)
    assert (restored.title, restored.body) == ("Old title", "# Old title\nold body")
    assert restored.tags == ("t",)
    assert restored.updated == clock.now
    undo = store.revisions(draft.id)[0]
    assert (undo.reason, undo.body) == ("before restore", "# New title\nnew body")
    back = store.restore_revision(undo.id)
    assert back.body == "# New title\nnew body"


def test_restore_keeps_an_explicit_title(store: Store) -> None:
    draft = store.create_draft("body", title="Chosen")
    rev = store.snapshot(draft.id)
    store.save_draft(draft.id, title="", body="# Other")
    assert store.restore_revision(rev.id).title_is_set
    assert store.get_draft(draft.id).title == "Chosen"


def test_restore_brings_back_the_revisions_machine_written_spans(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("Mine. The boats were gone.")
    machine = [ProvenanceSpan(6, 26, "vanilla", 7, clock.now)]
    store.set_provenance(draft.id, machine)
    old = store.snapshot(draft.id)
    clock.advance(seconds=5)
    store.save_draft(draft.id, body="Mine, all of it, rewritten by hand.", provenance=[])
    clock.advance(seconds=5)
    store.restore_revision(old.id)
    assert store.get_provenance(draft.id) == machine  # the machine's words are marked again
    undo = store.revisions(draft.id)[0]
    store.restore_revision(undo.id)
    assert store.get_provenance(draft.id) == []  # and the hand-written version has none


def test_restoring_a_revision_from_before_spans_were_kept_marks_nothing(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("Short.")
    old = store.snapshot(draft.id)
    store.db.execute("UPDATE revisions SET provenance = NULL WHERE id = ?", [old.id])  # as schema 4 left it
    clock.advance(seconds=5)
    store.save_draft(draft.id, body="Short. Then a long machine-written sentence follows here.",
                     provenance=[ProvenanceSpan(7, 57, "vanilla", 1, clock.now)])
    store.restore_revision(old.id)
    assert store.get_provenance(draft.id) == []  # not spans pointing past the end of "Short."
