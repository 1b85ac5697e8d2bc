"""The database schema as an ordered list of migrations.

``PRAGMA user_version`` records how many have been applied, so an older file is
upgraded step by step on open. Append new migrations (publishing's outbox, stats...);
never edit one that has shipped.
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
    db["drafts"].enable_fts(["title", "body"], create_triggers=True,
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


MIGRATIONS: list[Migration] = [_v1_drafts, _v2_provenance]
SCHEMA_VERSION = len(MIGRATIONS)
