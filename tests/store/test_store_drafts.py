from __future__ import annotations

import pytest

from tests.store.conftest import FakeClock
from writer import paths
from writer.errors import WriterError
from writer.store import Draft, DraftNotFound, Store


def test_database_lives_in_data_dir(store: Store) -> None:
    assert store.path == paths.data_dir() / "writer.db"
    assert store.path.is_file()


def test_create_and_get_round_trip(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("# Morning pages\n\nThree words here.", tags=["journal", " Journal ", "x"])
    assert draft.title == "Morning pages"
    assert not draft.title_is_set
    assert draft.word_count == 5
    assert draft.status == "draft"
    assert draft.tags == ("journal", "x")
    assert draft.created == draft.updated == clock.now
    assert draft.url is None
    assert store.get_draft(draft.id) == draft


def test_saved_drafts_survive_reopening(store: Store) -> None:
    draft = store.create_draft("kept", title="Keep me")
    store.close()
    with Store.open() as again:
        assert again.get_draft(draft.id) == draft


def test_title_follows_body_until_set_explicitly(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("First idea")
    draft = store.save_draft(draft.id, body="## Better idea\nbody")
    assert draft.title == "Better idea"
    draft = store.save_draft(draft.id, title="  Chosen\ntitle ")
    assert (draft.title, draft.title_is_set) == ("Chosen title", True)
    draft = store.save_draft(draft.id, body="# Something else")
    assert draft.title == "Chosen title"
    draft = store.save_draft(draft.id, title="")
    assert (draft.title, draft.title_is_set) == ("Something else", False)


def test_save_updates_fields_and_timestamp(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("one two")
    clock.advance(minutes=1)
    saved = store.save_draft(draft.id, body="one two three", tags=["b", "a"], status="published",
                             url="https://example.org/p/1")
    assert saved.word_count == 3
    assert saved.tags == ("b", "a")
    assert saved.status == "published"
    assert saved.url == "https://example.org/p/1"
    assert saved.updated == clock.now and saved.created == draft.created


def test_save_without_changes_is_a_no_op(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("same", tags=["t"])
    clock.advance(hours=1)
    again = store.save_draft(draft.id, body="same", tags=["t"], status="draft")
    assert again == draft
    assert store.revisions(draft.id) == []


def test_bad_status_is_rejected_and_nothing_changes(store: Store) -> None:
    draft = store.create_draft("text")
    with pytest.raises(WriterError, match="status"):
        store.save_draft(draft.id, body="new text", status="posted")
    assert store.get_draft(draft.id) == draft
    with pytest.raises(WriterError, match="status"):
        store.create_draft("x", status="nope")


def test_missing_draft_raises_draft_not_found(store: Store) -> None:
    with pytest.raises(DraftNotFound, match="42"):
        store.get_draft(42)
    with pytest.raises(KeyError):
        store.save_draft(42, body="x")
    with pytest.raises(WriterError):
        store.delete_draft(42)


def test_delete_removes_draft_revisions_and_search_hits(store: Store) -> None:
    draft = store.create_draft("zebra crossing")
    store.snapshot(draft.id)
    store.delete_draft(draft.id)
    with pytest.raises(DraftNotFound):
        store.get_draft(draft.id)
    assert store.search("zebra") == []
    assert store.db.execute("SELECT count(*) FROM revisions").fetchone()[0] == 0


def test_ids_of_deleted_drafts_are_never_reused(store: Store) -> None:
    first = store.create_draft("one")
    newest = store.create_draft("two")
    store.delete_draft(newest.id)
    assert store.create_draft("three").id == newest.id + 1  # not newest.id: it may still have a live post
    assert first.id < newest.id


def test_list_orders_and_filters(store: Store, clock: FakeClock) -> None:
    made: list[Draft] = []
    for body, status in [("banana " * 3, "draft"), ("apple " * 9, "published"), ("cherry", "archived")]:
        clock.advance(minutes=1)
        made.append(store.create_draft(body, status=status))
    clock.advance(minutes=1)
    store.save_draft(made[0].id, body="banana " * 4)  # most recently edited now

    def ids(**kw: str) -> list[int]:
        return [d.id for d in store.list_drafts(**kw)]

    assert ids() == [made[0].id, made[2].id, made[1].id]
    assert ids(order="created") == [made[2].id, made[1].id, made[0].id]
    assert ids(order="title") == [made[1].id, made[0].id, made[2].id]
    assert ids(order="words") == [made[1].id, made[0].id, made[2].id]
    assert ids(status="archived") == [made[2].id]
    with pytest.raises(WriterError, match="order"):
        store.list_drafts(order="size")


def test_writes_in_a_failed_transaction_all_roll_back(store: Store) -> None:
    """A domain package's transaction (publishing) that fails part-way leaves none of its rows: the
    store's inserts and upserts (sqlite-utils' table API) nest in it instead of committing on their own."""
    from datetime import UTC, datetime

    from writer.store import ProvenanceSpan
    from writer.store.store import transaction

    kept = store.create_draft("already here")
    with pytest.raises(RuntimeError), transaction(store):
        draft = store.create_draft("half a job")
        store.set_memory(kept.id, "a note")
        store.set_provenance(kept.id, [ProvenanceSpan(0, 7, "m", 1, datetime(2024, 1, 1, tzinfo=UTC))])
        store.snapshot(kept.id)
        assert store.get_draft(draft.id).body == "half a job"
        raise RuntimeError("the server said no")
    assert [d.id for d in store.list_drafts()] == [kept.id]
    assert store.get_memory(kept.id) == "" and store.get_provenance(kept.id) == []
    assert store.revisions(kept.id) == []
