from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.store.conftest import FakeClock
from writer import paths
from writer.errors import WriterError
from writer.store import Store, StoreCorrupt, restore_backup
from writer.store.backups import KEEP, list_backups


def backup_names() -> list[str]:
    return [p.name for p in list_backups(paths.data_dir() / "backups")]


def test_backup_is_a_consistent_copy_named_by_time(store: Store, clock: FakeClock) -> None:
    draft = store.create_draft("keep me safe")
    path = store.backup()
    assert path == paths.data_dir() / "backups" / "writer-20250301-090000.db"
    copy = sqlite3.connect(path)
    assert copy.execute("SELECT body FROM drafts WHERE id = ?", [draft.id]).fetchone() == ("keep me safe",)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()


def test_only_the_newest_five_are_kept(store: Store, clock: FakeClock) -> None:
    store.create_draft("x")
    made = []
    for _ in range(KEEP + 3):
        made.append(store.backup().name)
        clock.advance(hours=1)
    assert backup_names() == made[-KEEP:]


def test_backup_if_due_at_most_once_a_day(store: Store, clock: FakeClock) -> None:
    store.create_draft("x")
    first = store.backup_if_due()
    assert first is not None
    clock.advance(hours=23)
    assert store.backup_if_due() is None
    clock.advance(hours=1)
    second = store.backup_if_due()
    assert second is not None and second != first
    assert len(backup_names()) == 2


def test_restore_backup_replaces_a_damaged_database_and_keeps_it(store: Store) -> None:
    draft = store.create_draft("the good version")
    store.backup()
    store.close()
    db = paths.data_dir() / "writer.db"
    db.write_bytes(b"garbage" * 1000)
    with pytest.raises(StoreCorrupt):
        Store.open()
    kept = restore_backup()
    assert kept.read_bytes() == b"garbage" * 1000  # nothing thrown away
    with Store.open() as again:
        assert again.get_draft(draft.id).body == "the good version"


def test_restore_from_a_bad_backup_changes_nothing(tmp_path: Path) -> None:
    with Store.open() as store:
        store.create_draft("current")
    bad = tmp_path / "writer-20250101-000000.db"
    bad.write_bytes(b"not sqlite" * 100)
    db = paths.data_dir() / "writer.db"
    before = db.read_bytes()
    with pytest.raises(WriterError, match=r"cannot be read|damaged"):
        restore_backup(bad)
    assert db.read_bytes() == before
    with pytest.raises(WriterError, match="No backups"):
        restore_backup()


@pytest.mark.skipif(__import__("os").name != "posix", reason="the in-use probe is POSIX; elsewhere the rename fails")
def test_restore_is_refused_while_another_writer_has_the_database_open(store: Store) -> None:
    import subprocess
    import sys

    store.create_draft("saved before")
    store.backup()
    store.close()
    db = paths.data_dir() / "writer.db"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom writer.store import Store\n"
                               f"s = Store.open({str(db)!r}); s.list_drafts(); print('open', flush=True)\n"
                               "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(WriterError, match="open in another Writer"):
            restore_backup()
        assert not list(db.parent.glob("writer.db.before-restore-*"))  # nothing moved aside
    finally:
        holder.communicate("")
    restore_backup()  # closed: now it goes ahead
    assert list(db.parent.glob("writer.db.before-restore-*"))
