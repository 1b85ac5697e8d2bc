from __future__ import annotations

from datetime import UTC, datetime

import pytest

from writer.errors import WriterError
from writer.store import ProvenanceSpan, Store

WHEN = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)


def span(start: int, end: int, seed: int | None = 7) -> ProvenanceSpan:
    return ProvenanceSpan(start=start, end=end, model="austen-small", seed=seed, created=WHEN)


def test_set_replaces_all_spans(store: Store) -> None:
    draft = store.create_draft("I wrote this. The model wrote this.")
    store.set_provenance(draft.id, [span(14, 35), span(0, 2, seed=None)])
    assert store.get_provenance(draft.id) == [span(0, 2, seed=None), span(14, 35)]
    store.set_provenance(draft.id, [span(3, 4)])
    assert store.get_provenance(draft.id) == [span(3, 4)]


def test_save_with_provenance_is_one_change(store: Store, clock) -> None:
    draft = store.create_draft("Mine.")
    clock.advance(seconds=3)
    saved = store.save_draft(draft.id, body="Mine. Suggested.", provenance=[span(6, 16)])
    assert store.get_provenance(draft.id) == [span(6, 16)]
    assert saved.updated == clock.now
    clock.advance(seconds=3)
    again = store.save_draft(draft.id, body="Mine. Suggested.", provenance=[span(6, 16)])
    assert again.updated == saved.updated  # nothing changed


def test_span_outside_text_saves_nothing(store: Store) -> None:
    draft = store.create_draft("short")
    with pytest.raises(WriterError, match="outside"):
        store.save_draft(draft.id, body="short!", provenance=[span(0, 50)])
    assert store.get_draft(draft.id).body == "short"
    assert store.get_provenance(draft.id) == []


def test_provenance_goes_with_the_draft(store: Store) -> None:
    draft = store.create_draft("text here")
    store.set_provenance(draft.id, [span(0, 4)])
    store.delete_draft(draft.id)
    assert store.db.execute("SELECT count(*) FROM provenance").fetchone()[0] == 0
