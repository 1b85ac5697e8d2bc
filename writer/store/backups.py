"""Rolling copies of the database, taken with SQLite's online backup API.

The backup API copies a consistent snapshot even while the app is writing, which a
plain file copy of a WAL database does not.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from writer.errors import WriterError
from writer.paths import PRIVATE_DIR, PRIVATE_FILE

KEEP = 7  # the backups.keep setting's default: a backup taken outside the app keeps as many
STALE_AFTER_S = 15 * 60  # a copy untouched this long is no longer being written
DUE_AFTER = timedelta(days=1)
_PREFIX = "writer-"
_STAMP = "%Y%m%d-%H%M%S"
#: Every Writer database has these, whatever its schema version (a restore refuses a file without them).
REQUIRED_TABLES = {"drafts", "revisions"}
DAMAGED = "damaged or unreadable"


def backups_dir(db_path: Path) -> Path:
    """Backups sit in ``backups/`` beside the database (``data_dir()/backups`` by default)."""
    return db_path.parent / "backups"


def database_files(db: Path) -> list[Path]:
    """The files that hold the drafts: the database, its WAL and shared memory, the backups folder and
    its backups (what must be private to the user), those that exist."""
    folder = backups_dir(db)
    return [p for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"), folder,
                        *list_backups(folder)) if p.exists()]


def list_backups(folder: Path) -> list[Path]:
    """Backups in ``folder``, oldest first (the timestamped names sort in time order)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{_PREFIX}*.db") if backup_time(p) is not None)


def newest_backup(folder: Path) -> Path | None:
    found = list_backups(folder)
    return found[-1] if found else None


def backup_time(path: Path) -> datetime | None:
    """When a backup was taken, read from its name (UTC)."""
    try:
        return datetime.strptime(path.stem.removeprefix(_PREFIX), _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def is_due(folder: Path, now: datetime) -> bool:
    newest = newest_backup(folder)
    taken = backup_time(newest) if newest else None
    return taken is None or now - taken >= DUE_AFTER


def _copy_to_partial(conn: sqlite3.Connection, target: Path, suffix: str) -> Path:
    """Copy the open database beside ``target`` under a temporary suffix (sqlite's backup API).

    The copy is created readable by its owner only, like the database it copies.
    """
    partial = target.with_name(target.name + suffix)
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, PRIVATE_FILE))
    dest = sqlite3.connect(partial)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    with open(partial, "rb+") as fh:  # on disk before it is renamed into place
        os.fsync(fh.fileno())
    return partial


def stale_partials(folder: Path, older_than_s: float = STALE_AFTER_S) -> list[Path]:
    """Half-written copies (``*.part``, ``*.restoring``) left by a backup or restore that was killed.

    Only files untouched for ``older_than_s`` count: a younger one may be another Writer's copy
    still being written.
    """
    if not folder.is_dir():
        return []
    cutoff = time.time() - older_than_s
    found = []
    for pattern in (f"{_PREFIX}*.db.part", "*.db.restoring"):
        for path in folder.glob(pattern):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    found.append(path)
    return sorted(found)


def remove_stale_partials(db_path: Path) -> list[Path]:
    """Delete the stale half-copies beside ``db_path`` and in its backups folder; the ones removed."""
    removed = []
    for path in stale_partials(backups_dir(db_path)) + stale_partials(db_path.parent):
        with contextlib.suppress(OSError):
            path.unlink()
            removed.append(path)
    return removed


def write_backup(conn: sqlite3.Connection, folder: Path, now: datetime, keep: int = KEEP) -> Path:
    """Copy the open database into ``folder/writer-YYYYmmdd-HHMMSS.db`` and keep the newest ``keep``."""
    try:
        folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
        target = folder / f"{_PREFIX}{now.astimezone(UTC):{_STAMP}}.db"
        os.replace(_copy_to_partial(conn, target, ".part"), target)  # a half-written backup never looks real
    except (OSError, sqlite3.Error) as exc:
        raise WriterError(f"Could not write a backup into {folder}: {exc}. Check free space and "
                          "permissions there.") from exc
    for old in list_backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    for stale in stale_partials(folder):
        stale.unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class RestorePlan:
    """What a restore would do, checked before anything moves, so the user can be asked first."""

    backup: Path
    target: Path
    backup_drafts: int
    aside: Path | None  # where the current database goes; None when there is none
    current: str  # what the current file holds, in words

    def describe(self) -> str:
        taken = backup_time(self.backup)
        when = f"taken {taken.astimezone():%Y-%m-%d %H:%M}, " if taken else ""
        text = f"Restore {self.backup} ({when}{self.backup_drafts} draft(s)) as {self.target}."
        if self.aside is None:
            return text + " There is no current database to set aside."
        return (f"{text} The current database ({self.current}) will be set aside as {self.aside}, "
                "not deleted.")


def plan_restore(backup: Path | None = None, target: Path | None = None) -> RestorePlan:
    """Check ``backup`` (default: the newest) is a sound Writer database and say what a restore would do.

    Refuses an empty, foreign or damaged file, or one from a newer Writer: restoring it
    would set a good database aside for nothing.
    """
    if target is None:
        from writer import paths

        target = paths.data_dir() / "writer.db"
    if backup is None:
        backup = newest_backup(backups_dir(target))
        if backup is None:
            raise WriterError(f"No backups found in {backups_dir(target)}.")
    try:
        found = backup.is_file()
    except OSError as exc:  # a name too long for the file system
        raise WriterError(f"Backup {backup} cannot be read ({exc.strerror or exc}).") from None
    if not found:
        raise WriterError(f"Backup {backup} does not exist.")
    drafts = _check_writer_database(backup, f"Backup {backup}")
    aside = current = None
    if target.exists():
        try:
            current = f"{_check_writer_database(target, str(target))} draft(s)"
        except WriterError:
            current = DAMAGED
        aside = _aside_name(target, damaged=current == DAMAGED)
    return RestorePlan(backup=backup, target=target, backup_drafts=drafts, aside=aside, current=current or "")


def _check_writer_database(path: Path, name: str) -> int:
    """The number of drafts in ``path``, or a WriterError saying why it is not a sound Writer database."""
    from writer.store.schema import SCHEMA_VERSION

    if path.stat().st_size == 0:
        raise WriterError(f"{name} is empty (0 bytes); try an older one in {path.parent}.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise WriterError(f"{name} cannot be read ({exc}).") from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if version < 1 or not tables >= REQUIRED_TABLES:
            raise WriterError(f"{name} is not a Writer database (no drafts table); nothing was changed.")
        if version > SCHEMA_VERSION:
            raise WriterError(f"{name} was written by a newer Writer (schema {version}, this one knows "
                              f"{SCHEMA_VERSION}); update Writer to restore it.")
        if [tuple(r) for r in conn.execute("PRAGMA integrity_check").fetchall()] != [("ok",)]:
            raise WriterError(f"{name} is damaged too; try an older one in {path.parent}.")
        return int(conn.execute("SELECT count(*) FROM drafts").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise WriterError(f"{name} cannot be read ({exc}); try an older one in {path.parent}.") from None
    finally:
        conn.close()


def _aside_name(target: Path, *, damaged: bool) -> Path:
    """A name beside ``target`` that no file (nor its -wal/-shm) has: a set-aside file is never overwritten.

    ``writer.db.damaged-…`` for a file that failed its check, ``writer.db.before-restore-…`` for a sound one.
    """
    stamp = datetime.now(UTC).strftime(_STAMP)
    label = "damaged" if damaged else "before-restore"
    for n in itertools.count(1):
        name = target.with_name(f"{target.name}.{label}-{stamp}" + (f"-{n}" if n > 1 else ""))
        if not any(name.with_name(name.name + s).exists() for s in ("", "-wal", "-shm")):
            return name
    raise AssertionError("unreachable")


def restore_backup(backup: Path | None = None, target: Path | None = None,
                   plan: RestorePlan | None = None) -> Path:
    """Replace the database at ``target`` with ``backup`` (default: the newest one).

    The current file and its -wal/-shm are renamed aside under a name no file has, never
    deleted or overwritten, so a restore loses nothing. Close every Store on ``target``
    first. Pass the ``plan`` the user agreed to, or one is made here. Returns the path
    kept aside (or ``target`` if there was nothing to keep).
    """
    plan = plan or plan_restore(backup, target)
    backup, target = plan.backup, plan.target
    if _open_elsewhere(target):
        raise WriterError(f"{target} is open in another Writer (the app, or a command still running); close "
                          "it first, or its next saves would go to the file set aside.")
    try:
        src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            partial = _copy_to_partial(src, target, ".restoring")
        finally:
            src.close()
    except (OSError, sqlite3.Error) as exc:
        raise WriterError(f"Backup {backup} cannot be copied ({exc}); nothing was changed.") from exc
    kept = target
    try:
        if target.exists():
            # named again: another restore may have taken the planned name meanwhile
            kept = _aside_name(target, damaged=plan.current == DAMAGED)
            _checkpoint(target)
            # A second name for the current file first, then one atomic rename puts the backup in its
            # place: killed at any point, writer.db is a whole database, never missing.
            try:
                os.link(target, kept)
            except OSError:  # a file system without hard links
                shutil.copy2(target, kept)
            for suffix in ("-wal", "-shm"):
                side = target.with_name(target.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
        os.replace(partial, target)
    except OSError as exc:  # Windows: a file another program holds open cannot be renamed
        raise WriterError(f"Could not put the backup in place of {target} ({exc.strerror or exc}); the "
                          f"restored copy is at {partial}. Close every Writer and try again.") from exc
    return kept


def _checkpoint(db: Path) -> None:
    """Fold the database's WAL into the file (a healthy one; a damaged one is set aside as it is)."""
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(db)
        try:
            if conn.execute("PRAGMA quick_check").fetchall() == [("ok",)]:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()


def _open_elsewhere(db: Path) -> bool:
    """Whether another process has ``db`` open (POSIX; elsewhere the rename itself fails).

    Every SQLite connection to a WAL database holds a shared lock on one byte of its
    ``-shm`` file (offset 128, the "DMS" lock) for as long as it is open; a write lock
    on that byte is refused while any other process holds it. Call this with no
    connection to ``db`` open in this process: closing the probe drops this process's
    locks on the file.
    """
    shm = db.with_name(db.name + "-shm")
    if os.name != "posix" or not shm.is_file():
        return False
    import fcntl

    try:
        with open(shm, "r+b") as probe:
            try:
                fcntl.lockf(probe, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
            except OSError:
                return True
            fcntl.lockf(probe, fcntl.LOCK_UN, 1, 128)
    except OSError:
        return False  # cannot even open it: nobody can be using it through this file
    return False
