"""The draft store: drafts, revisions, search and provenance in one SQLite file.

Plain Python on sqlite-utils so the UI, the CLI and tests share it. Every write is one
``BEGIN IMMEDIATE`` transaction in WAL mode with ``synchronous=FULL``: a save either
lands whole or not at all, and survives a kill -9 once it returns. One connection per
Store, guarded by a lock, so worker threads may share it.

Rows go in and out through sqlite-utils' table API (``insert``, ``insert_all``, ``upsert``,
``delete_where``; its writes nest in our transaction as savepoints). SQL stays where it says more:
reads that pick columns and an order into dataclasses; ``UPDATE``s of a draft (``Table.update``
reads the whole row first, and a body may be 32 MB on every autosave); and search, which ranks only
the newest :data:`SEARCH_CANDIDATES` matches: ``Table.search`` ranks every match, which missed
the search-as-you-type target over ``benchmarks/search.py``'s 50,000 drafts (``docs/benchmarks.md``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import sqlite3
import string
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlite_utils import Database
from sqlite_utils.db import Table

from writer import paths
from writer.errors import WriterError
from writer.store import backups, history
from writer.store.errors import DraftNotFound, StoreBusy, StoreCorrupt, StoreReadOnly
from writer.store.models import STATUSES, Draft, ProvenanceSpan, Revision, SearchHit
from writer.store.query import fts_query, has_phrase
from writer.store.schema import MIGRATIONS, SCHEMA_VERSION
from writer.store.text import derive_title, offset_in_unix, unix_newlines, word_count

DB_NAME = paths.DB_NAME
SNAPSHOT_INTERVAL = timedelta(minutes=5)  # at most one autosave revision per draft this often
BUSY_TIMEOUT_S = 5.0
TITLE_WEIGHT = 5.0  # a word in the title counts as much as five in the body
#: Search ranks at most this many matches, the newest drafts first: ranking every match of
#: "the" in 50,000 drafts took 240 ms a keystroke; 1,000 take ~2 ms and fill any results page.
SEARCH_CANDIDATES = 1000
#: A typed word matches as a prefix unless the words it begins fill more index pages than this
#: (FTS5 gathers every one of them first: "the*" is ~1,000 pages and ~200 ms over 50,000 drafts).
PREFIX_MAX_PAGES = 100
#: Per index segment: from the page holding the first word >= the prefix to the page of the first
#: word past it (FTS5's %_idx maps "0" + each leaf page's first term to its page number).
_PREFIX_PAGES_SQL = """
    SELECT sum(coalesce(
               (SELECT min(pgno) FROM drafts_fts_idx i WHERE i.segid = s.segid AND i.term >= CAST(? AS BLOB)),
               (SELECT max(pgno) + 1 FROM drafts_fts_idx i WHERE i.segid = s.segid))
             - coalesce(
               (SELECT pgno FROM drafts_fts_idx i WHERE i.segid = s.segid AND i.term <= CAST(? AS BLOB)
                ORDER BY term DESC LIMIT 1),
               (SELECT min(pgno) FROM drafts_fts_idx i WHERE i.segid = s.segid)))
    FROM (SELECT DISTINCT segid FROM drafts_fts_idx) s
"""
ORDERS = {
    "updated": "updated DESC, id DESC",
    "created": "created DESC, id DESC",
    "title": "title COLLATE NOCASE ASC, id ASC",
    "words": "word_count DESC, id DESC",
}
_DRAFT_COLUMNS = "id, title, body, created, updated, status, tags, word_count, title_is_set, url"

SQLITE_INT_MAX = 2**63 - 1
_SQLITE_INT_MIN = -(2**63)

P = ParamSpec("P")
R = TypeVar("R")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)


# -- for domain packages that keep their own tables in this database (publishing) ----------


def iso_time(moment: datetime) -> str:
    """A time as the store writes it (UTC ISO 8601, microseconds), so SQL comparisons order it."""
    return _iso(moment)


def parse_time(text: str) -> datetime:
    """A time the store wrote, back as an aware datetime."""
    return _time(text)


def guarded(function: Callable[P, R]) -> Callable[P, R]:
    """For a function whose first argument is a :class:`Store`: hold its lock while it runs and
    turn SQLite errors into WriterErrors that say what to do, as the store's own methods do."""
    return _guarded(function)


def transaction(store: Store) -> AbstractContextManager[None]:
    """One atomic write on ``store`` (a savepoint when nested)."""
    return store._write()


def insert_row(table: Table, row: dict[str, Any]) -> int:
    """Insert ``row`` (inside the caller's transaction) and return the id SQLite gave it."""
    rowid = table.insert(row).last_rowid
    if rowid is None:  # sqlite-utils sets it for every row it inserts
        raise WriterError(f"Nothing was added to {table.name}.")
    return rowid


def normalize_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Trimmed, non-empty, first spelling wins among case-insensitive duplicates."""
    if isinstance(tags, str):
        tags = [tags]
    seen: dict[str, str] = {}
    for tag in tags:
        clean = " ".join(str(tag).split())
        if clean and clean.casefold() not in seen:
            seen[clean.casefold()] = clean
    return tuple(seen.values())


def _one_line(title: str) -> str:
    """A title is one line of single-spaced text, whatever the caller passed."""
    return " ".join(title.split())


def _check_status(status: str) -> str:
    if status not in STATUSES:
        raise WriterError(f"Unknown status {status!r}; use one of: {', '.join(STATUSES)}.")
    return status


def _draft(row: sqlite3.Row | tuple[Any, ...]) -> Draft:
    id_, title, body, created, updated, status, tags, words, title_is_set, url = row
    return Draft(id=id_, title=title, body=body, created=_time(created), updated=_time(updated),
                 status=status, tags=tuple(json.loads(tags)), word_count=words,
                 title_is_set=bool(title_is_set), url=url)


def _unix_body(body: str | None, provenance: Sequence[ProvenanceSpan] | None,
               ) -> tuple[str | None, Sequence[ProvenanceSpan] | None]:
    """A body with Unix newlines, its spans' offsets moved to match (they counted each CR)."""
    if body is None or "\r" not in body:
        return body, provenance
    if provenance is not None:
        provenance = [dataclasses.replace(span, start=offset_in_unix(body, span.start),
                                          end=offset_in_unix(body, span.end)) for span in provenance]
    return unix_newlines(body), provenance


def _title(old: Draft, title: str | None, body: str) -> tuple[str, bool]:
    """A draft's title after a save, and whether the writer set it (else it follows the body's first line).

    ``title=""`` goes back to the derived title; ``None`` keeps the draft's choice."""
    if title is not None:
        explicit = _one_line(title) != ""
        return (_one_line(title) if explicit else derive_title(body)), explicit
    return (old.title if old.title_is_set else derive_title(body)), old.title_is_set


def _changes(old: Draft, *, body: str | None, title: str | None, tags: Iterable[str] | None, status: str | None,
             url: str | None) -> dict[str, Any]:
    """The drafts columns a save changes, with their new values (empty when it changes nothing)."""
    new_body = old.body if body is None else body
    new_title, explicit = _title(old, title, new_body)
    changes: dict[str, Any] = {}
    if new_body != old.body:
        changes.update(body=new_body, word_count=word_count(new_body))
    if new_title != old.title:
        changes["title"] = new_title
    if explicit != old.title_is_set:
        changes["title_is_set"] = int(explicit)
    if tags is not None and (new_tags := normalize_tags(tags)) != old.tags:
        changes["tags"] = json.dumps(list(new_tags))
    if status is not None and status != old.status:
        changes["status"] = status
    if url is not None and (url or None) != old.url:
        changes["url"] = url or None
    return changes


def _sqlite_code(exc: sqlite3.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def _translate(exc: sqlite3.Error, path: Path) -> WriterError:
    """A user-facing error for a SQLite failure, saying what to do about it."""
    code = _sqlite_code(exc)
    text = str(exc)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in text:
        return StoreBusy(f"The drafts database {path} is busy (another Writer window or program is "
                         "writing to it). Nothing was changed; try again in a moment.")
    if code == sqlite3.SQLITE_READONLY or "readonly" in text:
        return StoreReadOnly(f"The drafts database {path} cannot be written (read-only file or folder). "
                             "Nothing was changed; fix its permissions or choose another --data-dir.")
    if code == sqlite3.SQLITE_FULL:
        return WriterError(f"The disk holding {path} is full; the last change was not saved. "
                           "Free some space and save again.")
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in text:
        return StoreCorrupt(path, text, backups.newest_backup(backups.backups_dir(path)))
    if code in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR):
        return WriterError(f"Cannot open or write the drafts database {path} ({text}). Check that the "
                           "folder exists and is writable, or choose another with --data-dir.")
    return WriterError(f"Database error in {path}: {text}.")


def _guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Serialize access to the connection and turn SQLite errors into WriterErrors."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        store: Store = args[0]  # type: ignore[assignment]
        with store._lock:
            try:
                return method(*args, **kwargs)
            except sqlite3.Error as exc:
                error = _translate(exc, store.path)
                if isinstance(error, StoreCorrupt):
                    store.damaged = error  # no more writes into a file known to be damaged
                raise error from exc
            except OverflowError:  # an id or count past SQLite's 64-bit integers
                raise WriterError("A number given is too large (SQLite counts to 9223372036854775807); "
                                  "nothing was changed.") from None

    return wrapper


class Store:
    """All drafts of one user. Open with :meth:`open`; close when done."""

    def __init__(self, db: Database, path: Path, read_only: bool) -> None:
        self.db = db
        self.path = path
        self.read_only = read_only
        self.clock: Callable[[], datetime] = utcnow  # tests and benchmarks may replace it
        self.snapshot_interval = SNAPSHOT_INTERVAL
        self._lock = threading.RLock()
        #: Set once SQLite reports the file damaged: writes are refused from then on, so nothing
        #: new goes into a file the user must restore (and would lose it with).
        self.damaged: StoreCorrupt | None = None

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None, *, read_only: bool = False,
             busy_timeout: float = BUSY_TIMEOUT_S) -> Store:
        """Open (creating and migrating if needed) the database at ``path``.

        The file is only read until it has proved to be a healthy SQLite database, so a
        damaged one is never overwritten: it raises :class:`StoreCorrupt` instead.
        """
        path = Path(path) if path is not None else paths.data_dir() / DB_NAME
        if not read_only:
            _refuse_truncated(path)
        conn = _connect(path, read_only, busy_timeout)
        try:
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
                if not read_only:
                    _check_sound(conn, path)
                    conn.execute("PRAGMA journal_mode = WAL")
                    conn.execute("PRAGMA synchronous = FULL")
                conn.execute("PRAGMA foreign_keys = ON")
                store = cls(Database(conn, execute_plugins=False), path, read_only)
                store._migrate()
            except sqlite3.Error as exc:
                raise _translate(exc, path) from exc
        except BaseException:
            conn.close()
            raise
        return store

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _migrate(self) -> None:
        conn = self.db.conn
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise WriterError(f"{self.path} was written by a newer Writer (schema {version}, this one "
                              f"knows {SCHEMA_VERSION}). Update Writer to open it.")
        if version == SCHEMA_VERSION:
            return
        if self.read_only:
            raise WriterError(f"{self.path} uses an older format (schema {version}); open it once "
                              "without read-only mode so Writer can upgrade it.")
        if version > 0:  # upgrading real data: keep a copy of how it was
            backups.write_backup(conn, backups.backups_dir(self.path), self.clock())
        # Off while tables are rebuilt (SQLite's own recipe): dropping a table would cascade.
        conn.execute("PRAGMA foreign_keys = OFF")
        try:
            while True:
                with self._write():
                    # Re-read inside the lock: another process may have migrated meanwhile.
                    version = conn.execute("PRAGMA user_version").fetchone()[0]
                    if version >= SCHEMA_VERSION:
                        return
                    broken = len(conn.execute("PRAGMA foreign_key_check").fetchall())
                    MIGRATIONS[version](self.db)
                    if len(conn.execute("PRAGMA foreign_key_check").fetchall()) > broken:
                        raise WriterError(f"Upgrading {self.path} to schema {version + 1} would break links "
                                          "between drafts and their revisions; nothing was changed.")
                    conn.execute(f"PRAGMA user_version = {version + 1}")
        finally:
            conn.execute("PRAGMA foreign_keys = ON")

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One atomic write transaction (a savepoint when nested)."""
        if self.read_only:
            raise StoreReadOnly(f"{self.path} is open read-only; nothing was changed.")
        if self.damaged is not None:
            raise self.damaged
        conn = self.db.conn
        with self._lock:
            if conn.in_transaction:
                with self.db.atomic():
                    yield
                return
            # IMMEDIATE takes the write lock up front, so busy_timeout applies instead of a
            # deadlock error when a read inside the transaction is followed by a write.
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            try:
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    # -- drafts ------------------------------------------------------------------------------

    @_guarded
    def create_draft(self, body: str = "", *, title: str | None = None, tags: Iterable[str] = (),
                     status: str = "draft", created: datetime | None = None,
                     url: str | None = None) -> Draft:
        """A new draft; its title follows the body's first line unless ``title`` is given."""
        _check_status(status)
        body = unix_newlines(body)
        clean = _one_line(title or "")
        now = self.clock()
        row = {
            "title": clean or derive_title(body),
            "title_is_set": int(bool(clean)),
            "body": body,
            "status": status,
            "tags": json.dumps(list(normalize_tags(tags))),
            "word_count": word_count(body),
            "created": _iso(created or now),
            "updated": _iso(now),
            "url": url or None,
        }
        with self._write():
            return self._get(insert_row(self.db.table("drafts"), row))

    @_guarded
    def get_draft(self, draft_id: int) -> Draft:
        return self._get(draft_id)

    def _get(self, draft_id: int) -> Draft:
        if not _SQLITE_INT_MIN <= draft_id <= SQLITE_INT_MAX:
            raise DraftNotFound(f"No draft with id {draft_id} (`writer drafts list` shows them).")
        row = self.db.execute(f"SELECT {_DRAFT_COLUMNS} FROM drafts WHERE id = ?", [draft_id]).fetchone()
        if row is None:
            raise DraftNotFound(f"No draft with id {draft_id} (`writer drafts list` shows them).")
        return _draft(row)

    @_guarded
    def save_draft(self, draft_id: int, *, body: str | None = None, title: str | None = None,
                   tags: Iterable[str] | None = None, status: str | None = None, url: str | None = None,
                   provenance: Sequence[ProvenanceSpan] | None = None) -> Draft:
        """Save what changed in one transaction; nothing changed means no write at all.

        ``title=""`` goes back to a title derived from the body; ``url=""`` clears the URL.
        When the title or body changes and the last revision is older than
        ``snapshot_interval``, the state being replaced is kept as an "autosave" revision.
        Becoming published snapshots the result.
        """
        if status is not None:
            _check_status(status)
        body, provenance = _unix_body(body, provenance)
        with self._write():
            old = self._get(draft_id)
            changes = _changes(old, body=body, title=title, tags=tags, status=status, url=url)
            spans = self._changed_spans(draft_id, provenance, changes.get("body", old.body))
            if not changes and spans is None:
                return old
            if ({"body", "title"} & changes.keys()) and self._snapshot_due(old):
                self._add_revision(old, "autosave", explicit=old.title_is_set)
            changes["updated"] = _iso(self.clock())
            assignments = ", ".join(f"{column} = ?" for column in changes)
            self.db.execute(f"UPDATE drafts SET {assignments} WHERE id = ?", [*changes.values(), draft_id])
            if spans is not None:
                self._replace_provenance(draft_id, spans)
            new = self._get(draft_id)
            if changes.get("status") == "published":
                self._add_revision(new, "publish", explicit=new.title_is_set)
            return new

    def _changed_spans(self, draft_id: int, provenance: Sequence[ProvenanceSpan] | None,
                       body: str) -> list[ProvenanceSpan] | None:
        """The spans to store with ``body``; None when none were given or they are those stored already."""
        if provenance is None:
            return None
        spans = list(provenance)
        _check_spans(spans, len(body))
        return None if spans == self._provenance(draft_id) else spans

    @_guarded
    def delete_draft(self, draft_id: int) -> None:
        """Delete a draft with its revisions and provenance."""
        with self._write():
            self._get(draft_id)
            for table in ("provenance", "revisions", "memory_notes"):
                self.db.table(table).delete_where("draft_id = ?", [draft_id])
            self.db.table("drafts").delete_where("id = ?", [draft_id])

    @_guarded
    def list_drafts(self, *, status: str | None = None, order: str = "updated") -> list[Draft]:
        """Drafts: newest first by ``updated``/``created``, A-Z by ``title``, longest first by ``words``."""
        if order not in ORDERS:
            raise WriterError(f"Unknown order {order!r}; use one of: {', '.join(ORDERS)}.")
        where, params = "", []
        if status is not None:
            where, params = "WHERE status = ?", [_check_status(status)]
        rows = self.db.execute(f"SELECT {_DRAFT_COLUMNS} FROM drafts {where} ORDER BY {ORDERS[order]}",
                               params).fetchall()
        return [_draft(row) for row in rows]

    # -- search ------------------------------------------------------------------------------

    @_guarded
    def search(self, query: str, *, limit: int = 50, marks: tuple[str, str] = ("«", "»")) -> list[SearchHit]:
        """Drafts matching every word of ``query`` (as prefixes), best first, with a snippet.

        Any text is accepted: FTS syntax characters are escaped, never interpreted. Fast
        whatever the query (the search box runs it at every keystroke): only the newest
        :data:`SEARCH_CANDIDATES` matches are ranked (a quoted phrase lists the newest first),
        and a word whose prefix would gather a large part of the index ("the" on the way to
        "theme") matches as a whole word.
        """
        match = fts_query(query, self._prefix_cheap)
        if not match or limit <= 0:
            return []
        limit = min(limit, SQLITE_INT_MAX)
        # Newest matches first, streamed by FTS5 and cut at the candidate limit: the cost no
        # longer grows with the number of matches. Snippets are made for the rows returned only.
        if has_phrase(query):
            # bm25 counts a phrase's matches in every draft first (+12 ms for "to and" in 50,000
            # drafts, on top of finding them): phrases list their drafts newest first instead.
            best = self.db.execute("SELECT rowid, 0.0 FROM drafts_fts WHERE drafts_fts MATCH ? "
                                   "ORDER BY rowid DESC LIMIT ?", [match, limit]).fetchall()
        else:
            candidates = self.db.execute(
                "SELECT rowid, rank FROM drafts_fts WHERE drafts_fts MATCH ? "
                f"AND rank MATCH 'bm25({TITLE_WEIGHT}, 1.0)' ORDER BY rowid DESC LIMIT ?",
                [match, SEARCH_CANDIDATES]).fetchall()
            best = sorted(candidates, key=lambda row: (row[1], -row[0]))[:limit]
        if not best:
            return []
        ids = [row[0] for row in best]
        marks_in = ", ".join("?" * len(ids))
        snippets = dict(self.db.execute(
            f"SELECT rowid, CASE WHEN +rowid IN ({marks_in}) THEN snippet(drafts_fts, -1, ?, ?, '…', 24) END "
            "FROM drafts_fts WHERE drafts_fts MATCH ? AND rowid BETWEEN ? AND ?",
            [*ids, marks[0], marks[1], match, min(ids), max(ids)]).fetchall())
        columns = ", ".join(f"d.{c}" for c in _DRAFT_COLUMNS.split(", "))
        drafts = {row[0]: _draft(row) for row in self.db.execute(
            f"SELECT {columns} FROM drafts d WHERE d.id IN ({marks_in})", ids).fetchall()}
        return [SearchHit(draft=drafts[rowid], snippet=snippets.get(rowid) or "", rank=-float(rank))
                for rowid, rank in best if rowid in drafts]

    def _prefix_cheap(self, word: str) -> bool:
        return self._prefix_pages(word) <= PREFIX_MAX_PAGES

    def _prefix_pages(self, word: str) -> int:
        """About how many index pages hold the words that ``word`` begins (read from the FTS5
        page directory: a millisecond, against up to seconds to gather a common prefix)."""
        low = "0" + word.strip(string.punctuation).lower()  # FTS5 keys: "0" + the lower-cased token
        if len(low) < 2 or not low.isascii():
            return 0
        high = low[:-1] + chr(ord(low[-1]) + 1)
        try:
            row = self.db.execute(_PREFIX_PAGES_SQL, [high, low]).fetchone()
        except sqlite3.Error:
            return 0  # FTS5's page directory laid out differently: search as before, with the prefix
        return int(row[0] or 0)

    # -- tags --------------------------------------------------------------------------------

    @_guarded
    def tags(self) -> list[tuple[str, int]]:
        """Every tag in use with how many drafts carry it, most used first (for completion)."""
        rows = self.db.execute("SELECT value, count(*) FROM drafts, json_each(drafts.tags) GROUP BY value").fetchall()
        merged: dict[str, list[tuple[int, str]]] = {}
        for tag, count in rows:  # one entry per tag whatever its case ("Travel" and "travel")
            merged.setdefault(tag.casefold(), []).append((count, tag))
        # the spelling most drafts use names the tag
        named = [(max(spellings, key=lambda s: (s[0], s[1]))[1], sum(c for c, _ in spellings))
                 for spellings in merged.values()]
        return sorted(named, key=lambda item: (-item[1], item[0].casefold()))

    @_guarded
    def rename_tag(self, old: str, new: str) -> int:
        """Rename a tag (any case) on every draft, merging it into ``new`` where both are there;
        returns how many drafts changed. Renaming does not touch ``updated``: no draft was edited."""
        new_tags = normalize_tags([new])
        if not new_tags:
            raise WriterError("A tag needs some text.")
        folded = " ".join(old.split()).casefold()
        changed = 0
        with self._write():
            for draft_id, raw in self.db.execute("SELECT id, tags FROM drafts").fetchall():
                tags = json.loads(raw)
                if folded not in (t.casefold() for t in tags):
                    continue
                target = new_tags[0].casefold()  # "travel" already there: it takes the new spelling too
                renamed = normalize_tags([new_tags[0] if t.casefold() in (folded, target) else t for t in tags])
                self.db.execute("UPDATE drafts SET tags = ? WHERE id = ?", [json.dumps(list(renamed)), draft_id])
                changed += 1
        return changed

    # -- revisions ---------------------------------------------------------------------------

    def _snapshot_due(self, draft: Draft) -> bool:
        if not draft.body.strip() and not draft.title_is_set:
            return False  # an empty new draft is not worth keeping
        row = self.db.execute("SELECT max(created) FROM revisions WHERE draft_id = ?", [draft.id]).fetchone()
        return row[0] is None or self.clock() - _time(row[0]) >= self.snapshot_interval

    def _add_revision(self, draft: Draft, reason: str, *, explicit: bool) -> Revision:
        created = _iso(self.clock())
        spans = [[s.start, s.end, s.model, s.seed, _iso(s.created)] for s in self._provenance(draft.id)]
        revision_id = insert_row(self.db.table("revisions"), {
            "draft_id": draft.id, "created": created, "reason": reason, "title": draft.title,
            "title_is_set": int(explicit), "body": draft.body, "word_count": draft.word_count,
            "provenance": json.dumps(spans)})
        self._thin_revisions(draft.id)
        return Revision(id=revision_id, draft_id=draft.id, created=_time(created),
                        reason=reason, title=draft.title, body=draft.body, word_count=draft.word_count)

    def _thin_revisions(self, draft_id: int) -> None:
        """Apply :func:`history.to_drop`: all of today, hourly for a week, daily after, a size budget."""
        rows = self.db.execute(
            "SELECT id, created, reason, length(CAST(title AS BLOB)) + length(CAST(body AS BLOB)) "
            "FROM revisions WHERE draft_id = ?", [draft_id]).fetchall()
        drop = history.to_drop([history.Kept(r[0], _time(r[1]), r[2], r[3]) for r in rows], self.clock())
        if drop:
            self.db.table("revisions").delete_where(f"id IN ({', '.join('?' * len(drop))})", sorted(drop))

    @_guarded
    def revision(self, revision_id: int) -> Revision:
        """One revision, by id."""
        row = self.db.execute(f"SELECT {_REVISION_COLUMNS} FROM revisions WHERE id = ?", [revision_id]).fetchone()
        if row is None:
            raise DraftNotFound(f"No revision with id {revision_id}.")
        return _revision(row)

    @_guarded
    def revision_provenance(self, revision_id: int) -> list[ProvenanceSpan]:
        """The machine-written spans a revision's body had (none for revisions older than schema 5)."""
        row = self.db.execute("SELECT body, provenance FROM revisions WHERE id = ?", [revision_id]).fetchone()
        if row is None:
            raise DraftNotFound(f"No revision with id {revision_id}.")
        return _revision_spans(row[0], row[1])

    @_guarded
    def revisions(self, draft_id: int, *, bodies: bool = True) -> list[Revision]:
        """Snapshots of a draft, newest first; with ``bodies=False`` their bodies are left empty (a list
        to show: a draft's versions may hold tens of megabytes; :meth:`revision` reads one whole)."""
        self._get(draft_id)
        columns = _REVISION_COLUMNS if bodies else _REVISION_COLUMNS.replace("body", "'' AS body")
        rows = self.db.execute(f"SELECT {columns} FROM revisions WHERE draft_id = ? "
                               "ORDER BY created DESC, id DESC", [draft_id]).fetchall()
        return [_revision(r) for r in rows]

    def _newest_revision(self, draft_id: int) -> Revision | None:
        row = self.db.execute(f"SELECT {_REVISION_COLUMNS} FROM revisions WHERE draft_id = ? "
                              "ORDER BY created DESC, id DESC LIMIT 1", [draft_id]).fetchone()
        return _revision(row) if row is not None else None

    @_guarded
    def snapshot(self, draft_id: int, reason: str = "manual") -> Revision:
        """Keep the draft as it is now (on publish, or when the user asks).

        Asking twice for the same text and reason returns the existing revision, so a
        publisher that snapshots after ``save_draft(status="published")`` adds no duplicate.
        """
        with self._write():
            draft = self._get(draft_id)
            newest = self._newest_revision(draft_id)
            if newest is not None and (newest.reason, newest.title, newest.body) == (reason, draft.title, draft.body):
                return newest
            return self._add_revision(draft, reason, explicit=draft.title_is_set)

    @_guarded
    def checkpoint(self, draft_id: int, reason: str) -> Revision | None:
        """Keep the draft as a revision if it differs from its newest one (on leaving a draft,
        before publishing); None when there is nothing new to keep."""
        with self._write():
            draft = self._get(draft_id)
            if not draft.body.strip() and not draft.title_is_set:
                return None
            newest = self._newest_revision(draft_id)
            if newest is not None and (newest.title, newest.body) == (draft.title, draft.body):
                return None
            return self._add_revision(draft, reason, explicit=draft.title_is_set)

    @_guarded
    def restore_revision(self, revision_id: int) -> Draft:
        """Put a revision's title, body and machine-written spans back, first snapshotting the
        current state (undoable). A revision from before spans were kept restores none: spans
        of today's text would mark the wrong words."""
        with self._write():
            row = self.db.execute("SELECT draft_id, title, title_is_set, body, word_count, provenance FROM revisions "
                                  "WHERE id = ?", [revision_id]).fetchone()
            if row is None:
                raise DraftNotFound(f"No revision with id {revision_id}.")
            draft_id, title, title_is_set, body, words, kept = row
            current = self._get(draft_id)
            self._add_revision(current, "before restore", explicit=current.title_is_set)
            self.db.execute("UPDATE drafts SET title = ?, title_is_set = ?, body = ?, word_count = ?, "
                            "updated = ? WHERE id = ?",
                            [title, title_is_set, body, words, _iso(self.clock()), draft_id])
            self._replace_provenance(draft_id, _revision_spans(body, kept))
            return self._get(draft_id)

    # -- provenance --------------------------------------------------------------------------

    @_guarded
    def get_provenance(self, draft_id: int) -> list[ProvenanceSpan]:
        """Machine-written spans of the draft's body, in text order."""
        if self.db.execute("SELECT 1 FROM drafts WHERE id = ?", [draft_id]).fetchone() is None:
            self._get(draft_id)  # raises DraftNotFound (not read first: the body may be megabytes)
        return self._provenance(draft_id)

    def _provenance(self, draft_id: int) -> list[ProvenanceSpan]:
        rows = self.db.execute('SELECT start, "end", model, seed, created FROM provenance '
                               "WHERE draft_id = ? ORDER BY start, id", [draft_id]).fetchall()
        return [ProvenanceSpan(start=r[0], end=r[1], model=r[2], seed=r[3], created=_time(r[4]))
                for r in rows]

    @_guarded
    def set_provenance(self, draft_id: int, spans: Sequence[ProvenanceSpan]) -> None:
        """Replace all spans of the draft."""
        with self._write():
            draft = self._get(draft_id)
            spans = list(spans)
            _check_spans(spans, len(draft.body))
            self._replace_provenance(draft_id, spans)

    def _replace_provenance(self, draft_id: int, spans: Sequence[ProvenanceSpan]) -> None:
        table = self.db.table("provenance")
        table.delete_where("draft_id = ?", [draft_id])
        table.insert_all({"draft_id": draft_id, "start": s.start, "end": s.end, "model": s.model, "seed": s.seed,
                          "created": _iso(s.created)} for s in spans)

    # -- memory notes ------------------------------------------------------------------------

    @_guarded
    def get_memory(self, draft_id: int) -> str:
        """The draft's memory note ("" when it has none): suggestions see it, readers never do."""
        row = self.db.execute("SELECT note FROM memory_notes WHERE draft_id = ?", [draft_id]).fetchone()
        if row is None:
            self._get(draft_id)  # raises DraftNotFound for a draft that is not there
            return ""
        return str(row[0])

    @_guarded
    def set_memory(self, draft_id: int, note: str) -> None:
        """Keep ``note`` as the draft's memory note (an empty note removes it)."""
        with self._write():
            self._get(draft_id)
            notes = self.db.table("memory_notes")
            if note.strip():
                notes.upsert({"draft_id": draft_id, "note": note, "updated": _iso(self.clock())}, pk="draft_id")
            else:
                notes.delete_where("draft_id = ?", [draft_id])

    # -- health and backups ------------------------------------------------------------------

    @_guarded
    def integrity_ok(self) -> bool:
        """True when SQLite's full integrity check finds nothing wrong."""
        try:
            rows = self.db.execute("PRAGMA integrity_check").fetchall()
        except sqlite3.DatabaseError:
            return False
        return [tuple(r) for r in rows] == [("ok",)]

    def backup(self, keep: int = backups.KEEP) -> Path:
        """Copy the database into ``backups/`` beside it, keeping the newest ``keep``.

        The copy reads through a connection of its own and does not take the store's lock: in WAL
        mode a reader sees a consistent snapshot while saves go on, so the window never waits for
        a backup of a large database (the app runs it on its worker).
        """
        try:
            source = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise WriterError(f"Could not read {self.path} to back it up ({exc}).") from exc
        try:
            return backups.write_backup(source, backups.backups_dir(self.path), self.clock(), keep)
        finally:
            source.close()

    def backup_if_due(self, keep: int = backups.KEEP) -> Path | None:
        """Back up if the newest backup is a day old or missing (the app checks on start and hourly);
        clear away half-written copies that a killed backup or restore left."""
        if self.read_only:
            return None
        backups.remove_stale_partials(self.path)
        if not backups.is_due(backups.backups_dir(self.path), self.clock()):
            return None
        return self.backup(keep)


_REVISION_COLUMNS = "id, draft_id, created, reason, title, body, word_count"


def _revision(row: Sequence[Any]) -> Revision:
    return Revision(id=row[0], draft_id=row[1], created=_time(row[2]), reason=row[3], title=row[4], body=row[5],
                    word_count=row[6])


def _revision_spans(body: str, kept: str | None) -> list[ProvenanceSpan]:
    """A revision's stored spans; those that do not fit its body are dropped (a check, not a fix)."""
    return [ProvenanceSpan(start, end, model, seed, _time(created))
            for start, end, model, seed, created in json.loads(kept or "[]") if 0 <= start <= end <= len(body)]


def _check_spans(spans: Sequence[ProvenanceSpan], length: int) -> None:
    for span in spans:
        if not 0 <= span.start <= span.end <= length:
            raise WriterError(f"Provenance span {span.start}-{span.end} lies outside the text "
                              f"(0-{length}); nothing was saved.")


def _connect(path: Path, read_only: bool, busy_timeout: float) -> sqlite3.Connection:
    """A connection that has not yet read or written anything."""
    if read_only:
        if not path.is_file():
            raise WriterError(f"No drafts database at {path} to open read-only.")
        target, uri = f"{path.resolve().as_uri()}?mode=ro", True
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriterError(f"Cannot create the folder {path.parent} ({exc.strerror}); choose another "
                              "with --data-dir.") from exc
        if path.is_dir():
            raise WriterError(f"{path} is a folder, not a drafts database; choose another --data-dir.")
        _make_private(path)
        target, uri = str(path), False
    try:
        conn = sqlite3.connect(target, uri=uri, timeout=busy_timeout, check_same_thread=False,
                               isolation_level=None)
    except sqlite3.Error as exc:
        raise _translate(exc, path) from exc
    return conn


def _make_private(path: Path) -> None:
    """Create the database readable by its owner only; tighten files an older Writer left open.

    SQLite gives the -wal and -shm files the database's own permissions.
    """
    with contextlib.suppress(OSError):  # exists already, or the folder refuses (reported on connect)
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, paths.PRIVATE_FILE))
    loose = [p for p in backups.database_files(path)
             if paths.make_private(p, paths.PRIVATE_DIR if p.is_dir() else paths.PRIVATE_FILE)]
    if loose:
        paths.note(f"Made the drafts database and its backups in {path.parent} private to you (mode 600): "
                   "other users on this computer could read them.")


def _refuse_truncated(path: Path) -> None:
    """A database cut to 0 bytes after it held drafts is damaged, not a new empty one.

    An empty file with no backups beside it is a database that was never written (a first
    start killed at once); SQLite's WAL may hold the first transactions while the file is empty.
    """
    try:
        if path.stat().st_size > 0:
            return
    except OSError:
        return
    wal = path.with_name(path.name + "-wal")
    if wal.is_file() and wal.stat().st_size > 0:
        return
    backup = backups.newest_backup(backups.backups_dir(path))
    if backup is not None:
        raise StoreCorrupt(path, "the file is empty: 0 bytes, cut short by a crash, a full disk or a copy", backup)


def _check_sound(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite's quick check (tens of ms for 50 MB) before anything is written: a file with pages garbled
    mid-file would otherwise take new drafts that a restore then leaves behind."""
    rows = conn.execute("PRAGMA quick_check").fetchall()
    if [tuple(r) for r in rows] != [("ok",)]:
        detail = str(rows[0][0]).splitlines()[0][:200] if rows else "no answer"
        raise StoreCorrupt(path, f"its integrity check says: {detail}",
                           backups.newest_backup(backups.backups_dir(path)))
