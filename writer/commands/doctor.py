"""``writer doctor``: look over the data folder and the model packs, and say what to do about each problem.

Only reads: the database is opened read-only and nothing is fixed behind the user's back,
so it is safe to run while the app is open, and on a damaged or read-only disk.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import stat
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from writer import paths
from writer.errors import WriterError
from writer.store import backups

LOW_SPACE_BYTES = 200 * 2**20  # below this (or twice the database) saves and backups may fail


@dataclass(frozen=True)
class Finding:
    check: str
    status: str  # "ok" | "note" | "problem"
    message: str
    fix: str = ""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("doctor", help="check the data folder, database, outbox and model packs")
    p.add_argument("--json", action="store_true", help="print the findings as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    findings = data_folder_findings(paths.data_dir_path()) + pack_findings()
    if args.json:
        print(json.dumps([asdict(f) for f in findings], indent=2, ensure_ascii=False))
    else:
        marks = {"ok": "ok     ", "note": "note   ", "problem": "PROBLEM"}
        for f in findings:
            print(f"{marks[f.status]} {f.check}: {f.message}")
            if f.fix:
                print(f"        → {f.fix}")
        problems = sum(f.status == "problem" for f in findings)
        print(f"{problems} problem(s) found." if problems else "No problems found.")
    return 1 if any(f.status == "problem" for f in findings) else 0


def data_folder_findings(folder: Path) -> list[Finding]:
    if not folder.is_dir():
        return [Finding("data folder", "note", f"{folder} does not exist yet; Writer creates it on first use.")]
    db = folder / paths.DB_NAME
    return [*_permissions(folder, db), *_writable(folder), _free_space(folder, db), _database(db), *_backups(db),
            *_outbox(db)]


def _writable(folder: Path) -> list[Finding]:
    if os.access(folder, os.W_OK):
        return []
    return [Finding("writable", "problem", f"{folder} is read-only: drafts cannot be saved there",
                    "make the folder (or its disk) writable, or choose another with --data-dir")]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _permissions(folder: Path, db: Path) -> list[Finding]:
    try:
        loose = [p for p in (folder, *backups.database_files(db)) if p.exists() and _mode(p) & 0o077]
    except OSError as exc:
        return [Finding("permissions", "problem", f"cannot read {folder} ({exc.strerror or exc})",
                        f"check that {folder} belongs to you")]
    if not loose:
        return [Finding("permissions", "ok", f"{folder} and your drafts are readable by you only")]
    shown = ", ".join(f"{p.name} ({_mode(p):o})" for p in loose[:4])
    return [Finding("permissions", "problem", f"other users on this computer can read {shown}",
                    f"run any `writer` command (it makes them private), or `chmod -R go-rwx {folder}`")]


def _free_space(folder: Path, db: Path) -> Finding:
    try:
        free = shutil.disk_usage(folder).free
        need = max(LOW_SPACE_BYTES, 2 * (db.stat().st_size if db.exists() else 0))
    except OSError as exc:
        return Finding("free space", "problem", f"cannot tell ({exc.strerror or exc})")
    text = f"{free / 2**30:.1f} GB free on the disk holding {folder}"
    if free < need:
        return Finding("free space", "problem", text, "free some space: saves and backups need room to be written")
    return Finding("free space", "ok", text)


def _restore_hint(db: Path) -> str:
    newest = backups.newest_backup(backups.backups_dir(db))
    if newest is None:
        return "there is no backup: keep the file, and open it read-only in the app to copy out what you can"
    return f"restore the newest backup ({newest.name}) with `writer drafts restore-backup`; the file is kept aside"


def _database(db: Path) -> Finding:
    if not db.exists():
        return Finding("database", "note", f"{db} does not exist yet (no drafts)")
    try:
        if db.stat().st_size == 0 and backups.newest_backup(backups.backups_dir(db)) is not None:
            return Finding("database", "problem", f"{db} is empty (0 bytes) though backups exist", _restore_hint(db))
        # immutable: a read-only folder cannot take the lock files SQLite's read-only mode still makes
        flags = "mode=ro" if os.access(db.parent, os.W_OK) else "immutable=1"
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?{flags}", uri=True)
        try:
            rows = [tuple(r) for r in conn.execute("PRAGMA integrity_check").fetchall()]
            count = conn.execute("SELECT count(*) FROM drafts").fetchone()[0] if rows == [("ok",)] else 0
        finally:
            conn.close()
    except (OSError, sqlite3.Error) as exc:
        return Finding("database", "problem", f"{db} cannot be read ({exc})", _restore_hint(db))
    if rows != [("ok",)]:
        return Finding("database", "problem", f"{db} is damaged: {rows[0][0]}", _restore_hint(db))
    return Finding("database", "ok", f"{db}: integrity check ok, {count} draft(s)")


def _backups(db: Path) -> list[Finding]:
    folder = backups.backups_dir(db)
    found: list[Finding] = []
    newest = backups.newest_backup(folder)
    if newest is None:
        found.append(Finding("backups", "note", f"no backups in {folder} yet; the app takes one a day"))
    else:
        taken = backups.backup_time(newest)
        age = (datetime.now(UTC) - taken).days if taken else 0
        found.append(Finding("backups", "ok", f"{len(backups.list_backups(folder))} in {folder}, newest "
                             f"{newest.name} ({age} day(s) old)"))
    stale = backups.stale_partials(folder) + backups.stale_partials(db.parent)
    if stale:
        found.append(Finding("half-written copies", "problem",
                             f"{len(stale)} left by a backup or restore that was stopped: "
                             + ", ".join(p.name for p in stale[:3]),
                             "delete them (your database and finished backups are not among them): "
                             + " ".join(f"rm '{p}'" for p in stale[:3])))
    return found


def _outbox(db: Path) -> list[Finding]:
    if not db.exists():
        return []
    from writer.publishing import outbox as ob
    from writer.store import Store
    try:
        with Store.open(db, read_only=True) as store:
            jobs = ob.list_jobs(store, states=("queued", "sending", "failed"))
    except WriterError as exc:
        return [Finding("outbox", "note", f"not checked: {exc}")]
    if not jobs:
        return [Finding("outbox", "ok", "nothing waiting to be published")]
    now = datetime.now(UTC)
    found = []
    for job in jobs:
        what = f"job {job.id} ({job.action} draft {job.draft_id} → {job.target})"
        if job.state == "failed" and job.permanent:
            found.append(Finding("outbox", "problem", f"{what} stopped: {job.reason}",
                                 "fix what the reason says, then `writer outbox --retry`"))
        elif job.state == "sending" and (job.next_attempt <= now or ob.sender_alive(job.claimed_by) is False):
            # the outbox's own rule for a claim that ended: its lease ran out, or its process is gone
            found.append(Finding("outbox", "problem", f"{what} has been sending since "
                                 f"{job.updated.astimezone():%Y-%m-%d %H:%M} (stuck: its sender was stopped)",
                                 "`writer outbox --retry` checks the target, then sends it once"))
        else:
            found.append(Finding("outbox", "note", f"{what} is {job.state}"
                                 + (f": {job.reason}" if job.reason else "")
                                 + f"; next try {job.next_attempt.astimezone():%Y-%m-%d %H:%M}"))
    return found


def pack_findings() -> list[Finding]:
    from writer.generation import packs

    try:
        found = packs.discover()
    except WriterError as exc:
        return [Finding("model packs", "problem", str(exc))]
    if not found:
        return [Finding("model packs", "problem", "no model packs are installed", "reinstall Writer")]
    result = []
    for pack in found:
        if pack.available:
            checked = ("the SHA-256 of every file matches" if packs.expected_hashes(pack.path, pack.card)
                       else "its model's size matches its card (no hashes recorded)")
            result.append(Finding(f"pack {pack.name}", "ok", f"{pack.path}: usable, {checked}"))
        else:
            fix = ("reinstall Writer" if pack.source == "shipped"
                   else f"remove {pack.path} and add the pack again with `writer models add`")
            result.append(Finding(f"pack {pack.name}", "problem", pack.reason, fix))
    return result
