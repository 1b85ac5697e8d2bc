from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from writer import paths
from writer.errors import WriterError
from writer.store import MIGRATIONS, SCHEMA_VERSION, ProvenanceSpan, Store
from writer.store.backups import list_backups


def make_old_db(path: Path, version: int) -> None:
    """A database as an older Writer left it: only the first ``version`` migrations."""
    db = Database(path)
    for migration in MIGRATIONS[:version]:
        migration(db)
    db.execute(f"PRAGMA user_version = {version}")
    db.execute("INSERT INTO drafts (title, body, word_count, created, updated) VALUES "
               "('Old', 'old words here', 3, '2024-01-01T00:00:00+00:00', '2024-01-02T00:00:00+00:00')")
    db.close()


def test_new_database_is_at_latest_version_in_wal_mode() -> None:
    with Store.open() as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_older_database_is_migrated_keeping_its_drafts() -> None:
    path = paths.data_dir() / "writer.db"
    make_old_db(path, 1)
    with Store.open() as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        (old,) = store.list_drafts()
        assert (old.title, old.body, old.url) == ("Old", "old words here", None)
        assert [h.draft.id for h in store.search("words")] == [old.id]
        span = ProvenanceSpan(0, 3, "m", 1, old.created)
        store.set_provenance(old.id, [span])
        assert store.get_provenance(old.id) == [span]
    assert len(list_backups(path.parent / "backups")) == 1  # the pre-upgrade copy


def test_read_only_cannot_migrate() -> None:
    path = paths.data_dir() / "writer.db"
    make_old_db(path, 1)
    with pytest.raises(WriterError, match="older format"):
        Store.open(read_only=True)


def test_database_from_a_newer_writer_is_refused_untouched() -> None:
    path = paths.data_dir() / "writer.db"
    with Store.open():
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(WriterError, match="newer Writer"):
        Store.open()
    assert path.read_bytes() == before


def test_upgrade_to_ids_never_reused_keeps_revisions_provenance_and_search() -> None:
    path = paths.data_dir() / "writer.db"
    make_old_db(path, 3)
    db = Database(path)
    db.execute("INSERT INTO revisions (draft_id, created, reason, title, body, word_count) "
               "VALUES (1, '2024-01-01T00:00:00+00:00', 'manual', 'Old', 'old', 1)")
    db.execute("INSERT INTO provenance (draft_id, start, \"end\", model, seed, created) "
               "VALUES (1, 0, 3, 'm', 1, '2024-01-01T00:00:00+00:00')")
    db.execute("INSERT INTO publications (draft_id, target, marker) VALUES (9, 'site', 'writer-9')")  # deleted draft
    db.conn.commit()
    db.close()
    with Store.open() as store:
        (old,) = store.list_drafts()
        assert [r.body for r in store.revisions(old.id)] == ["old"]  # the rebuild cascaded nothing away
        assert [(s.start, s.end) for s in store.get_provenance(old.id)] == [(0, 3)]
        assert [h.draft.id for h in store.search("words")] == [old.id]
        fresh = store.create_draft("fresh prose")
        assert fresh.id == 10  # past every id in use, also the deleted draft's publication
        assert [h.draft.id for h in store.search("prose")] == [fresh.id]  # the search triggers came back
        store.save_draft(fresh.id, body="renamed text")
        assert store.search("prose") == [] and store.integrity_ok()
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
