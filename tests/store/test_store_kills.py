"""SIGKILL in the middle of a backup, a restore or a schema migration: afterwards the database is
whole (integrity_check ok) and no draft is lost. Like tests/test_crash.py does for typing."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from sqlite_utils import Database

from writer.store import Store
from writer.store.backups import backups_dir, list_backups, stale_partials
from writer.store.schema import MIGRATIONS, SCHEMA_VERSION

pytestmark = [pytest.mark.slow, pytest.mark.skipif(os.name != "posix", reason="SIGKILL")]
REPO = Path(__file__).resolve().parent.parent.parent
KILLS = int(os.environ.get("WRITER_KILLS", "6"))
DRAFTS = 4000
BODY = "The light over the harbour went out one window at a time. " * 20


def _spawn(script: str, db: Path) -> subprocess.Popen[str]:
    code = "import sys\nfrom pathlib import Path\ndb = Path(sys.argv[1])\n" + textwrap.dedent(script)
    return subprocess.Popen([sys.executable, "-c", code, str(db)], cwd=REPO, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def _kill_after_ready(proc: subprocess.Popen[str], delay: float) -> None:
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)


def _sound(path: Path) -> set[str]:
    """The draft bodies in ``path``, after checking the file is a whole database."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], path
        return {row[0] for row in conn.execute("SELECT body FROM drafts")}
    finally:
        conn.close()


def _fill(db: Path, n: int, tag: str) -> set[str]:
    with Store.open(db) as store, store.db.atomic():
        for i in range(n):
            store.db.execute("INSERT INTO drafts (title, body, created, updated) VALUES (?, ?, ?, ?)",
                             [f"{tag} {i}", f"{tag} {i}: {BODY}", "2025-01-01T00:00:00+00:00",
                              "2025-01-01T00:00:00+00:00"])
    return {f"{tag} {i}: {BODY}" for i in range(n)}


def test_sigkill_during_backups_leaves_the_database_and_every_finished_backup_whole(tmp_path: Path) -> None:
    db = tmp_path / "writer.db"
    bodies = _fill(db, DRAFTS, "d")
    rng = random.Random(7)
    for _ in range(KILLS):
        proc = _spawn("""
            from datetime import UTC, datetime, timedelta
            from writer.store import Store
            store = Store.open(db)
            store.clock = lambda: datetime.now(UTC) + timedelta(days=len(list(db.parent.glob('backups/*'))))
            print("ready", flush=True)
            while True:
                store.backup()
        """, db)
        _kill_after_ready(proc, rng.uniform(0.05, 0.6))
        assert _sound(db) == bodies
        for backup in list_backups(backups_dir(db)):
            assert _sound(backup) == bodies  # a half-written copy never carries a backup's name
    with Store.open(db) as store:
        store.backup()  # a later backup still works beside any half copy
    for part in stale_partials(backups_dir(db), older_than_s=0):
        assert not part.name.endswith(".db")


def test_sigkill_during_restores_never_loses_a_draft(tmp_path: Path) -> None:
    db = tmp_path / "writer.db"
    backed_up = _fill(db, DRAFTS, "old")
    with Store.open(db) as store:
        store.backup()
    everything = backed_up | _fill(db, 50, "new")
    rng = random.Random(11)
    for _ in range(KILLS):
        proc = _spawn("""
            from writer.store.backups import restore_backup
            print("ready", flush=True)
            while True:
                restore_backup(target=db)
        """, db)
        _kill_after_ready(proc, rng.uniform(0.05, 0.8))
        live = _sound(db)  # always a whole database in place, never missing
        assert live >= backed_up
        kept: set[str] = set()
        for aside in db.parent.glob("writer.db.before-restore-*"):
            if not aside.name.endswith(("-wal", "-shm")):
                kept |= _sound(aside)
        assert live | kept == everything  # the drafts written after the backup are in a file set aside


def _old_schema_database(db: Path, version: int) -> set[str]:
    conn = sqlite3.connect(db, isolation_level=None)
    old = Database(conn)
    for migration in MIGRATIONS[:version]:
        migration(old)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    conn = sqlite3.connect(db)
    conn.executemany("INSERT INTO drafts (title, body, created, updated) VALUES (?, ?, ?, ?)",
                     [(f"m {i}", f"m {i}: {BODY}", "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00")
                      for i in range(DRAFTS)])
    conn.commit()
    conn.close()
    return {f"m {i}: {BODY}" for i in range(DRAFTS)}


def test_sigkill_during_a_migration_leaves_the_old_or_the_new_schema_whole(tmp_path: Path) -> None:
    rng = random.Random(5)
    template = tmp_path / "template.db"
    bodies = _old_schema_database(template, 3)
    started = time.monotonic()
    Store.open(_copy(template, tmp_path / "timed" / "writer.db")).close()
    took = time.monotonic() - started  # how long a migration (with its backup first) takes here
    for round_no in range(KILLS):
        db = _copy(template, tmp_path / f"round{round_no}" / "writer.db")
        proc = _spawn("""
            from writer.store import Store
            import writer.store.store  # imported before the clock starts
            print("ready", flush=True)
            Store.open(db).close()
            print("done", flush=True)
        """, db)
        _kill_after_ready(proc, rng.uniform(0.0, took))
        assert _sound(db) == bodies
        with Store.open(db) as store:  # finishes (or redoes) the migration
            assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            assert {d.body for d in store.list_drafts()} == bodies
            assert store.integrity_ok()


def _copy(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(src.read_bytes())
    return dest
