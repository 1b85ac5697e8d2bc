"""Writing activity: one row per save and per publish, for the stats view and the rhythm nudge."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from writer.store import Store
from writer.store.store import guarded, iso_time, parse_time, transaction

KINDS = ("save", "publish")


@dataclass(frozen=True)
class Save:
    """One save: the draft's words after it, how many of them a model wrote, and how many
    words were pasted into it since the save before."""

    draft_id: int | None
    at: datetime
    words: int
    machine: int
    pasted: int


@guarded
def record(store: Store, draft_id: int | None, kind: str, words: int, at: datetime | None = None, *,
           machine: int = 0, pasted: int = 0) -> None:
    """One save (``words``: the draft's word count after it) or publish event."""
    with transaction(store):
        store.db.table("activity").insert({"draft_id": draft_id, "at": iso_time(at or store.clock()), "kind": kind,
                                           "words": words, "machine": machine, "pasted": pasted})


@guarded
def events(store: Store, *, since: datetime | None = None,
           kind: str | None = None) -> list[tuple[int | None, datetime, str, int]]:
    """``(draft_id, at, kind, words)`` in time order."""
    clauses, params = [], []
    if since is not None:
        clauses.append("at >= ?")
        params.append(iso_time(since))
    if kind is not None:
        clauses.append("kind = ?")
        params.append(kind)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = store.db.execute(f"SELECT draft_id, at, kind, words FROM activity {where} ORDER BY at, id",
                            params).fetchall()
    return [(r[0], parse_time(r[1]), r[2], r[3]) for r in rows]


@guarded
def saves(store: Store) -> list[Save]:
    """Every save event, in time order."""
    rows = store.db.execute("SELECT draft_id, at, words, machine, pasted FROM activity WHERE kind = 'save' "
                            "ORDER BY at, id").fetchall()
    return [Save(r[0], parse_time(r[1]), r[2], r[3], r[4]) for r in rows]
