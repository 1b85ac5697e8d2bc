"""Issue 13's data-loss holes: restores that overwrite or accept anything, a database cut to
nothing or garbled mid-file, and drafts readable by other local users."""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from writer import paths
from writer.errors import WriterError
from writer.store import Store, StoreCorrupt, restore_backup
from writer.store.backups import plan_restore, remove_stale_partials


def db_path() -> Path:
    return paths.data_dir() / "writer.db"


def test_two_restores_in_one_second_keep_both_set_aside_databases() -> None:
    with Store.open() as store:
        store.create_draft("in the backup")
        store.backup()
        store.create_draft("written after the backup")
    first = restore_backup()
    with Store.open() as store:
        store.create_draft("written after the first restore")
    second = restore_backup()
    assert first != second and first.exists() and second.exists()
    bodies = set()
    for kept in (first, second):
        conn = sqlite3.connect(kept)
        bodies |= {row[0] for row in conn.execute("SELECT body FROM drafts")}
        conn.close()
    assert {"written after the backup", "written after the first restore"} <= bodies


@pytest.mark.parametrize("content", ["empty", "foreign", "zero-bytes"])
def test_restore_refuses_a_file_that_is_not_a_writer_database(tmp_path: Path, content: str) -> None:
    with Store.open() as store:
        store.create_draft("the healthy current database")
    bad = tmp_path / "writer-20250101-000000.db"
    if content == "zero-bytes":
        bad.write_bytes(b"")
    else:
        conn = sqlite3.connect(bad)
        if content == "foreign":
            conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
            conn.execute("INSERT INTO photos (name) VALUES ('cat.jpg')")
        conn.execute("CREATE TABLE IF NOT EXISTS t (x)") if content == "empty" else None
        conn.execute("DROP TABLE IF EXISTS t")
        conn.commit()
        conn.close()
    before = db_path().read_bytes()
    with pytest.raises(WriterError, match=r"not a Writer database|empty \(0 bytes\)"):
        restore_backup(bad)
    assert db_path().read_bytes() == before
    assert not list(db_path().parent.glob("writer.db.*-*"))  # nothing set aside


def test_restore_plan_says_what_is_set_aside() -> None:
    with Store.open() as store:
        store.create_draft("one")
        backup = store.backup()
        store.create_draft("two")
    plan = plan_restore()
    text = plan.describe()
    assert str(backup) in text and "1 draft(s)" in text and "2 draft(s)" in text
    assert plan.aside is not None and str(plan.aside) in text and "not deleted" in text
    assert restore_backup(plan=plan) == plan.aside


def test_a_database_cut_to_zero_bytes_is_damaged_not_new() -> None:
    with Store.open() as store:
        store.create_draft("precious")
        backup = store.backup()
    for side in ("-wal", "-shm"):
        Path(f"{db_path()}{side}").unlink(missing_ok=True)
    db_path().write_bytes(b"")
    with pytest.raises(StoreCorrupt) as caught:
        Store.open()
    message = str(caught.value)
    assert str(db_path()) in message and str(backup) in message and "restore-backup" in message
    assert db_path().stat().st_size == 0  # left as it was for the restore


def _garble_mid_file(seed: int) -> None:
    import random

    data = bytearray(db_path().read_bytes())
    rng = random.Random(seed)
    page = 4096
    start = rng.randrange(2, len(data) // page - 3)
    data[page * start: page * (start + 2)] = rng.randbytes(page * 2)
    db_path().write_bytes(bytes(data))


@pytest.mark.parametrize("seed", [1, 3, 4])
def test_pages_garbled_mid_file_are_refused_and_take_no_new_drafts(seed: int) -> None:
    with Store.open() as store:
        for n in range(300):
            store.create_draft(f"draft number {n} " + "filler words " * 50)
        backup = store.backup()
    _garble_mid_file(seed)
    before = db_path().read_bytes()
    with pytest.raises(StoreCorrupt) as caught, Store.open() as store:
        store.create_draft("this would be lost by the restore")
    assert "is damaged" in str(caught.value) and str(backup) in str(caught.value)
    assert "writer drafts restore-backup" in str(caught.value)
    assert db_path().read_bytes() == before


def test_a_store_that_met_damage_takes_no_more_writes() -> None:
    with Store.open() as store:
        store.create_draft("x")
        store.damaged = StoreCorrupt(store.path, "test", None)
        with pytest.raises(StoreCorrupt):
            store.create_draft("into a damaged file")
        assert [d.body for d in store.list_drafts()] == ["x"]  # reading to rescue text still works


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_data_folder_and_files_are_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "fresh"
    monkeypatch.setenv("WRITER_HOME", str(home))
    old = os.umask(0o022)
    try:
        with Store.open() as store:
            store.create_draft("private words")
            backup = store.backup()
            assert _mode(home) == 0o700
            for path in (store.path, Path(f"{store.path}-wal"), Path(f"{store.path}-shm"), backup):
                assert _mode(path) == 0o600, path
            assert _mode(backup.parent) == 0o700
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_older_writers_open_folder_is_made_private_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "old"
    monkeypatch.setenv("WRITER_HOME", str(home))
    with Store.open() as store:
        store.create_draft("x")
        store.backup()
    (home / "writer.db").chmod(0o644)
    home.chmod(0o755)
    paths.take_notes()
    with Store.open():
        pass
    assert _mode(home) == 0o700 and _mode(db_path()) == 0o600
    notes = paths.take_notes()
    assert len(notes) == 2 and all("private" in n for n in notes)
    with Store.open():
        pass
    assert paths.take_notes() == []  # said once


def test_a_backup_killed_mid_copy_leaves_no_part_file_for_ever() -> None:
    with Store.open() as store:
        store.create_draft("x")
        folder = store.backup().parent
    stale = folder / "writer-20250101-000000.db.part"
    stale.write_bytes(b"half a copy" * 1000)
    fresh = folder / "writer-20250102-000000.db.part"
    fresh.write_bytes(b"another Writer's copy in progress")
    restoring = db_path().with_name("writer.db.restoring")
    restoring.write_bytes(b"a restore's copy, killed")
    old = time.time() - 3600
    for path in (stale, restoring):
        os.utime(path, (old, old))
    with Store.open() as store:
        store.backup_if_due()  # the app does this on every start
    assert not stale.exists() and not restoring.exists() and fresh.exists()
    assert remove_stale_partials(db_path()) == []


class _Killed(BaseException):
    """Stands for SIGKILL at one exact step (the kill tests hit random steps)."""


def test_a_restore_stopped_before_its_last_rename_leaves_a_whole_database_in_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    with Store.open() as store:
        store.create_draft("in the backup")
        store.backup()
        store.create_draft("only in the live database")
    real_replace = os.replace

    def replace(src: object, dst: object) -> None:
        if str(src).endswith(".restoring"):
            raise _Killed  # the process dies just before the backup takes the database's place
        real_replace(src, dst)  # type: ignore[arg-type]

    with monkeypatch.context() as patched, pytest.raises(_Killed):
        patched.setattr("writer.store.backups.os.replace", replace)
        restore_backup()
    conn = sqlite3.connect(db_path())
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert {r[0] for r in conn.execute("SELECT body FROM drafts")} == {"in the backup",
                                                                          "only in the live database"}
    finally:
        conn.close()
