"""Drafts, revisions, full-text search and provenance, stored in SQLite (no Qt here)."""

from writer.store.lean_import import import_sqlite_utils

import_sqlite_utils()  # before anything below imports sqlite_utils

from writer.store.backups import restore_backup
from writer.store.errors import DraftNotFound, StoreBusy, StoreCorrupt, StoreReadOnly
from writer.store.models import STATUSES, Draft, ProvenanceSpan, Revision, SearchHit
from writer.store.schema import MIGRATIONS, SCHEMA_VERSION
from writer.store.store import SNAPSHOT_INTERVAL, Store
from writer.store.text import derive_title, reading_minutes, word_count

__all__ = [
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SNAPSHOT_INTERVAL",
    "STATUSES",
    "Draft",
    "DraftNotFound",
    "ProvenanceSpan",
    "Revision",
    "SearchHit",
    "Store",
    "StoreBusy",
    "StoreCorrupt",
    "StoreReadOnly",
    "derive_title",
    "reading_minutes",
    "restore_backup",
    "word_count",
]
