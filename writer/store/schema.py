"""The database schema as an ordered list of migrations.

``PRAGMA user_version`` records how many have been applied, so an older file is
upgraded step by step on open. Append new migrations (publishing's outbox, stats...);
never edit one that has shipped.

The tables are SQL: shipped migrations never change, their ``CHECK`` constraints have no public
sqlite-utils spelling (``Table.create`` takes none), and v4 rebuilds ``drafts`` from the text of its
``CREATE TABLE``. The full-text index is set up by sqlite-utils (``enable_fts``, with its triggers).
A new migration that only adds a plain table or column may use ``db.table(...).create``/``add_column``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database

Migration = Callable[[Database], None]


def _v1_drafts(db: Database) -> None:
    """Drafts, their revisions and a full-text index kept current by triggers."""
    db.executescript("""
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL DEFAULT '',
            title_is_set INTEGER NOT NULL DEFAULT 0,
            body TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'archived')),
            tags TEXT NOT NULL DEFAULT '[]',
            word_count INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX drafts_updated ON drafts (updated);
        CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
            created TEXT NOT NULL,
            reason TEXT NOT NULL,
            title TEXT NOT NULL,
            title_is_set INTEGER NOT NULL DEFAULT 0,
            body TEXT NOT NULL,
            word_count INTEGER NOT NULL
        );
        CREATE INDEX revisions_draft ON revisions (draft_id, created);
    """)
    # No stemming: prefix search while typing must match what is typed ("happin" -> "happiness").
    db.table("drafts").enable_fts(["title", "body"], create_triggers=True,
                                  tokenize="unicode61 remove_diacritics 2")


def _v2_provenance(db: Database) -> None:
    """Published URL and machine-written spans (for suggestions)."""
    db.executescript("""
        ALTER TABLE drafts ADD COLUMN url TEXT;
        CREATE TABLE provenance (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL REFERENCES drafts (id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            "end" INTEGER NOT NULL,
            model TEXT NOT NULL,
            seed INTEGER,
            created TEXT NOT NULL
        );
        CREATE INDEX provenance_draft ON provenance (draft_id, start);
    """)


def _v3_publishing(db: Database) -> None:
    """Publishing: targets, the outbox, where each draft lives remotely, and writing activity.

    The outbox has no foreign key to drafts: a delete job must outlive its draft.
    Secrets are never stored here (they live in the OS keyring).
    """
    db.executescript("""
        CREATE TABLE publish_targets (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            config TEXT NOT NULL DEFAULT '{}',
            is_default INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
        );
        CREATE TABLE publications (
            draft_id INTEGER NOT NULL,
            target TEXT NOT NULL,
            marker TEXT NOT NULL,
            remote_id TEXT,
            url TEXT,
            published TEXT,
            updated TEXT,
            PRIMARY KEY (draft_id, target)
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER NOT NULL,
            target TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('publish', 'delete')),
            payload TEXT NOT NULL DEFAULT '{}',
            state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'failed', 'done')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt TEXT NOT NULL,
            reason TEXT,
            permanent INTEGER NOT NULL DEFAULT 0,
            url TEXT,
            created TEXT NOT NULL,
            updated TEXT NOT NULL
        );
        CREATE INDEX outbox_state ON outbox (state, next_attempt);
        CREATE TABLE draft_publishing (
            draft_id INTEGER PRIMARY KEY,
            keep_updating INTEGER NOT NULL DEFAULT 0,
            snoozed_until TEXT
        );
        CREATE TABLE activity (
            id INTEGER PRIMARY KEY,
            draft_id INTEGER,
            at TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('save', 'publish')),
            words INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX activity_at ON activity (at);
    """)


def _v4_draft_ids_never_reused(db: Database) -> None:
    """Draft ids are never handed out twice (AUTOINCREMENT).

    Without it SQLite gives a new draft the id of the newest one deleted, and with the
    id its publication: the next publish updated the deleted draft's live post. SQLite
    cannot add AUTOINCREMENT in place, so the table is rebuilt (foreign keys are off
    while migrations run, so revisions and provenance stay); its indexes and full-text
    triggers are re-created as they were. Ids already used anywhere are never reissued.
    """
    conn = db.conn
    (table,) = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'drafts'").fetchone()
    extras = [sql for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'drafts' "
                                             "AND type IN ('index', 'trigger') AND sql IS NOT NULL")]
    rebuilt = table.replace("CREATE TABLE drafts (", "CREATE TABLE drafts_v4 (", 1).replace(
        "id INTEGER PRIMARY KEY,", "id INTEGER PRIMARY KEY AUTOINCREMENT,", 1)
    assert "drafts_v4" in rebuilt and "AUTOINCREMENT" in rebuilt, table
    conn.execute(rebuilt)
    conn.execute("INSERT INTO drafts_v4 SELECT * FROM drafts")
    conn.execute("DROP TABLE drafts")
    conn.execute("ALTER TABLE drafts_v4 RENAME TO drafts")
    for sql in extras:
        conn.execute(sql)
    used = " UNION ALL ".join(f"SELECT max({column}) AS m FROM {name}" for name, column in (
        ("drafts", "id"), ("revisions", "draft_id"), ("provenance", "draft_id"), ("publications", "draft_id"),
        ("outbox", "draft_id"), ("draft_publishing", "draft_id"), ("activity", "draft_id")))
    conn.execute("DELETE FROM sqlite_sequence WHERE name = 'drafts'")
    conn.execute(f"INSERT INTO sqlite_sequence (name, seq) SELECT 'drafts', coalesce(max(m), 0) FROM ({used})")


def _v5_revision_provenance(db: Database) -> None:
    """Each revision keeps its machine-written spans (JSON), so a restore brings back the right ones.

    NULL marks revisions taken before this: their spans were never recorded.
    """
    db.execute("ALTER TABLE revisions ADD COLUMN provenance TEXT")


def _v6_memory_notes(db: Database) -> None:
    """Each draft's memory note (characters, setting, tone) that suggestions read before the text.

    Its own table, not a drafts column: the note is never part of what is published or searched.
    """
    db.execute("""
        CREATE TABLE memory_notes (
            draft_id INTEGER PRIMARY KEY REFERENCES drafts (id) ON DELETE CASCADE,
            note TEXT NOT NULL,
            updated TEXT NOT NULL
        )""")


def _v7_outbox_doubt_and_claims(db: Database) -> None:
    """The outbox remembers whether an earlier try may have reached the server (``doubt_since``,
    and how often the target was searched in vain since, ``doubt_checks``) and which process
    holds a job it is sending (``claimed_by``: boot id, pid and process start), so a send that
    died with its process is taken up at once instead of after its lease.

    A job that had been tried before this counts as in doubt, as the old code assumed."""
    db.executescript("""
        ALTER TABLE outbox ADD COLUMN doubt_since TEXT;
        ALTER TABLE outbox ADD COLUMN doubt_checks INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
        UPDATE outbox SET doubt_since = updated WHERE state IN ('sending', 'failed') AND attempts > 0;
    """)


def _v8_activity_provenance(db: Database) -> None:
    """Each save event also records the machine-written words in the draft after it (``machine``)
    and the words pasted into it since the save before (``pasted``), so writing stats count only
    the words the writer typed. Events from before this count as typed, as they always did."""
    db.executescript("""
        ALTER TABLE activity ADD COLUMN machine INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE activity ADD COLUMN pasted INTEGER NOT NULL DEFAULT 0;
    """)


MIGRATIONS: list[Migration] = [_v1_drafts, _v2_provenance, _v3_publishing, _v4_draft_ids_never_reused,
                               _v5_revision_provenance, _v6_memory_notes, _v7_outbox_doubt_and_claims,
                               _v8_activity_provenance]
SCHEMA_VERSION = len(MIGRATIONS)
