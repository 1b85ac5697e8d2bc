from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from writer import paths
from writer.errors import WriterError
from writer.store import DraftNotFound, Store, StoreBusy, StoreCorrupt, StoreReadOnly

GARBAGE = b"this is not a database, just some bytes a crash left behind\n" * 100


def db_path() -> Path:
    return paths.data_dir() / "writer.db"


def test_read_only_store_reads_but_never_writes() -> None:
    with Store.open() as store:
        draft = store.create_draft("hello there")
    before = db_path().read_bytes()
    with Store.open(read_only=True) as ro:
        assert ro.read_only
        assert ro.get_draft(draft.id) == draft
        assert [h.draft.id for h in ro.search("hel")] == [draft.id]
        with pytest.raises(StoreReadOnly):
            ro.save_draft(draft.id, body="changed")
        with pytest.raises(StoreReadOnly):
            ro.create_draft("new")
        assert ro.backup_if_due() is None
    assert db_path().read_bytes() == before


def test_read_only_needs_an_existing_database() -> None:
    with pytest.raises(WriterError, match="No drafts database"):
        Store.open(read_only=True)
    assert not db_path().exists()


def test_corrupt_file_is_reported_and_left_untouched() -> None:
    db_path().write_bytes(GARBAGE)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open()
    assert str(db_path()) in str(caught.value)
    assert "no backup" in str(caught.value).lower()
    assert db_path().read_bytes() == GARBAGE
    assert not Path(f"{db_path()}-wal").exists()


def test_corrupt_message_names_newest_backup() -> None:
    with Store.open() as store:
        store.create_draft("precious")
        backup = store.backup()
    db_path().write_bytes(GARBAGE)
    with pytest.raises(StoreCorrupt) as caught:
        Store.open()
    assert caught.value.backup == backup
    assert str(backup) in str(caught.value)


def test_damaged_page_is_noticed() -> None:
    with Store.open() as store:
        for n in range(200):
            store.create_draft(f"draft number {n} " + "filler words " * 50)
        assert store.integrity_ok()
    data = bytearray(db_path().read_bytes())
    page = 4096
    data[page * 3: page * 6] = os.urandom(page * 3)  # scribble over a few b-tree pages
    db_path().write_bytes(bytes(data))
    try:
        store = Store.open()
    except StoreCorrupt:
        return
    with store:
        try:
            ok = store.integrity_ok()
        except StoreCorrupt:
            return
        assert not ok


def test_locked_database_gives_a_clear_error_and_loses_nothing() -> None:
    with Store.open() as store:
        draft = store.create_draft("before")
    other = sqlite3.connect(db_path(), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process is mid-write
    try:
        with Store.open(busy_timeout=0.2) as store:
            assert store.get_draft(draft.id).body == "before"  # WAL readers are not blocked
            with pytest.raises(StoreBusy, match="busy"):
                store.save_draft(draft.id, body="after")
            other.execute("ROLLBACK")
            assert store.save_draft(draft.id, body="after").body == "after"
    finally:
        other.close()


def test_unusable_folder_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    with pytest.raises(WriterError, match="Cannot create the folder"):
        Store.open(blocker / "writer.db")
    with pytest.raises(WriterError, match="is a folder"):
        Store.open(tmp_path)


def test_data_folder_that_is_a_file_gives_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("WRITER_HOME", str(blocker))
    with pytest.raises(WriterError, match=r"Cannot use .*a-file for Writer's data.*--data-dir"):
        Store.open()
    assert blocker.read_text() == "not a folder"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_gives_a_clear_error() -> None:
    with Store.open() as store:
        draft = store.create_draft("x")
    db_path().chmod(0o444)
    try:
        with pytest.raises(WriterError), Store.open() as store:
            store.save_draft(draft.id, body="y")
        with Store.open(read_only=True) as ro:
            assert ro.get_draft(draft.id).body == "x"
    finally:
        db_path().chmod(0o644)


def test_failed_save_rolls_back_entirely() -> None:
    with Store.open() as store:
        draft = store.create_draft("original")
        with pytest.raises(DraftNotFound), store._write():
            store.db.execute("UPDATE drafts SET body = 'half' WHERE id = ?", [draft.id])
            store.get_draft(999)
        assert store.get_draft(draft.id).body == "original"


WRITER_LOOP = textwrap.dedent("""
    import sys
    from pathlib import Path
    from writer.store import Store
    store = Store.open(Path(sys.argv[1]))
    n = 0
    while True:
        n += 1
        draft = store.create_draft(f"saved {n} " + "words " * 200)
        print(draft.id, flush=True)
""")


@pytest.mark.slow
def test_kill_9_never_loses_a_committed_save() -> None:
    proc = subprocess.Popen([sys.executable, "-c", WRITER_LOOP, str(db_path())], stdout=subprocess.PIPE,
                            text=True, cwd=Path(__file__).resolve().parents[2])
    assert proc.stdout is not None
    committed = [int(proc.stdout.readline()) for _ in range(60)]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    committed += [int(line) for line in proc.stdout.read().split()]
    with Store.open() as store:
        assert store.integrity_ok()
        ids = {d.id for d in store.list_drafts()}
    assert set(committed) <= ids


def test_one_store_can_be_shared_by_threads() -> None:
    with Store.open() as store:
        drafts = [store.create_draft(f"thread {n}") for n in range(4)]
        errors: list[BaseException] = []

        def work(draft_id: int) -> None:
            try:
                for i in range(40):
                    store.save_draft(draft_id, body=f"thread text {i}")
                    store.search("thread")
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(d.id,)) for d in drafts]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        assert {store.get_draft(d.id).body for d in drafts} == {"thread text 39"}
        assert store.integrity_ok()
