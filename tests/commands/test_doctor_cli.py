"""``writer doctor`` finds each kind of trouble in the data folder and packs, and says what to do."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from writer.cli import main
from writer.publishing import outbox as ob_module
from writer.store import Store


def doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, list[dict[str, str]]]:
    code = main(["doctor", "--json"])
    return code, json.loads(capsys.readouterr().out)


def problems(findings: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {f["check"]: f for f in findings if f["status"] == "problem"}


def _healthy() -> Path:
    with Store.open() as store:
        store.create_draft("fine")
        store.backup()
        return store.path


def test_a_healthy_folder_passes(capsys: pytest.CaptureFixture[str]) -> None:
    _healthy()
    code, findings = doctor(capsys)
    assert code == 0 and problems(findings) == {}
    checks = {f["check"] for f in findings}
    assert {"permissions", "free space", "database", "backups", "outbox", "pack vanilla"} <= checks
    assert main(["doctor"]) == 0
    assert "No problems found." in capsys.readouterr().out


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_loose_permissions_are_a_problem_and_doctor_changes_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    db = _healthy()
    db.chmod(0o644)
    code, findings = doctor(capsys)
    assert code == 1 and "writer.db (644)" in problems(findings)["permissions"]["message"]
    assert "chmod" in problems(findings)["permissions"]["fix"]
    assert db.stat().st_mode & 0o777 == 0o644  # it only looks


def test_a_damaged_database_says_which_backup_to_restore(capsys: pytest.CaptureFixture[str]) -> None:
    db = _healthy()
    data = bytearray(db.read_bytes())
    data[100:] = b"\xff" * (len(data) - 100)
    db.write_bytes(bytes(data))
    Path(f"{db}-wal").unlink(missing_ok=True)
    code, findings = doctor(capsys)
    found = problems(findings)["database"]
    assert code == 1 and "restore-backup" in found["fix"] and "writer-" in found["fix"]


def test_stale_half_copies_are_named_with_how_to_remove_them(capsys: pytest.CaptureFixture[str]) -> None:
    db = _healthy()
    stale = db.parent / "backups" / "writer-20250101-000000.db.part"
    stale.write_bytes(b"half")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    code, findings = doctor(capsys)
    found = problems(findings)["half-written copies"]
    assert code == 1 and stale.name in found["message"] and f"rm '{stale}'" in found["fix"]
    assert stale.exists()


def test_stopped_and_stuck_outbox_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    _healthy()
    ob = ob_module
    with Store.open() as store:
        ob.add_target(store, "blog", "static", {"path": "/nowhere/blog"})
        ob.add_target(store, "site", "static", {"path": "/nowhere/site"})
        job = ob.enqueue(store, 1, "blog", "publish", {})
        store.db.execute("UPDATE outbox SET state = 'failed', permanent = 1, reason = '401: wrong password' "
                         "WHERE id = ?", [job.id])
        stuck = ob.enqueue(store, 1, "site", "publish", {})
        store.db.execute("UPDATE outbox SET state = 'sending', updated = '2020-01-01T00:00:00+00:00' WHERE id = ?",
                         [stuck.id])
    code, findings = doctor(capsys)
    messages = [f["message"] for f in findings if f["check"] == "outbox" and f["status"] == "problem"]
    assert code == 1 and len(messages) == 2
    assert any("wrong password" in m for m in messages) and any("stuck" in m for m in messages)


def test_a_broken_user_pack_is_a_problem_with_a_fix(capsys: pytest.CaptureFixture[str], writer_home: Path) -> None:
    _healthy()
    broken = writer_home / "models" / "broken"
    broken.mkdir(parents=True)
    (broken / "model.onnx").write_bytes(b"x" * 2048)
    code, findings = doctor(capsys)
    found = problems(findings)["pack broken"]
    assert code == 1 and "config.json" in found["message"] and "writer models add" in found["fix"]


def test_doctor_reads_a_zero_byte_database_without_creating_one(capsys: pytest.CaptureFixture[str]) -> None:
    db = _healthy()
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    db.write_bytes(b"")
    code, findings = doctor(capsys)
    assert code == 1 and "0 bytes" in problems(findings)["database"]["message"]
    assert db.stat().st_size == 0


def test_a_read_only_folder_is_a_problem_and_the_database_is_still_checked(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    _healthy()
    monkeypatch.setattr("writer.commands.doctor.os.access", lambda path, mode: mode != os.W_OK)
    code, findings = doctor(capsys)
    assert code == 1 and "read-only" in problems(findings)["writable"]["message"]
    assert next(f for f in findings if f["check"] == "database")["status"] == "ok"
