"""Rolling copies of the database, taken with SQLite's online backup API.

The backup API copies a consistent snapshot even while the app is writing, which a
plain file copy of a WAL database does not.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from writer.errors import WriterError

KEEP = 5
DUE_AFTER = timedelta(days=1)
_PREFIX = "writer-"
_STAMP = "%Y%m%d-%H%M%S"


def backups_dir(db_path: Path) -> Path:
    """Backups sit in ``backups/`` beside the database (``data_dir()/backups`` by default)."""
    return db_path.parent / "backups"


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
    """Copy the open database beside ``target`` under a temporary suffix (sqlite's backup API)."""
    partial = target.with_name(target.name + suffix)
    partial.unlink(missing_ok=True)
    dest = sqlite3.connect(partial)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return partial


def write_backup(conn: sqlite3.Connection, folder: Path, now: datetime, keep: int = KEEP) -> Path:
    """Copy the open database into ``folder/writer-YYYYmmdd-HHMMSS.db`` and keep the newest ``keep``."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{_PREFIX}{now.astimezone(UTC):{_STAMP}}.db"
        os.replace(_copy_to_partial(conn, target, ".part"), target)  # a half-written backup never looks real
    except (OSError, sqlite3.Error) as exc:
        raise WriterError(f"Could not write a backup into {folder}: {exc}. Check free space and "
                          "permissions there.") from exc
    for old in list_backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return target


def restore_backup(backup: Path | None = None, target: Path | None = None) -> Path:
    """Replace the database at ``target`` with ``backup`` (default: the newest one).

    The current file and its -wal/-shm are renamed aside, never deleted, so a restore
    loses nothing. Close every Store on ``target`` first. Returns the path kept aside
    (or ``target`` if there was nothing to keep).
    """
    if target is None:
        from writer import paths

        target = paths.data_dir() / "writer.db"
    if backup is None:
        backup = newest_backup(backups_dir(target))
        if backup is None:
            raise WriterError(f"No backups found in {backups_dir(target)}.")
    if not backup.is_file():
        raise WriterError(f"Backup {backup} does not exist.")
    if _open_elsewhere(target):
        raise WriterError(f"{target} is open in another Writer (the app, or a command still running); close "
                          "it first, or its next saves would go to the file set aside.")
    try:
        src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = src.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            if not ok:
                raise WriterError(f"Backup {backup} is damaged too; try an older one in {backup.parent}.")
            partial = _copy_to_partial(src, target, ".restoring")
        finally:
            src.close()
    except sqlite3.DatabaseError as exc:
        raise WriterError(f"Backup {backup} cannot be read ({exc}); try an older one in "
                          f"{backup.parent}.") from exc
    kept = target
    try:
        if target.exists():
            stamp = datetime.now(UTC).strftime(_STAMP)
            kept = target.with_name(f"{target.name}.damaged-{stamp}")
            for suffix in ("-wal", "-shm"):
                side = target.with_name(target.name + suffix)
                if side.exists():
                    os.replace(side, kept.with_name(kept.name + suffix))
            os.replace(target, kept)
        os.replace(partial, target)
    except OSError as exc:  # Windows: a file another program holds open cannot be renamed
        raise WriterError(f"Could not put the backup in place of {target} ({exc.strerror or exc}); the "
                          f"restored copy is at {partial}. Close every Writer and try again.") from exc
    return kept


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
