"""Publishing's tables: targets, the outbox, where drafts live remotely, and snoozes.

Publishing owns these tables; they live in the drafts database so that a publish and
the draft it changes commit together. Functions over an open :class:`~writer.store.Store`
(its connection, lock and atomic writes, through the store's public helpers).
The outbox is the source of truth for publishing: a job is written here *before*
anything goes over the network, and its remote id/URL is recorded in the same
transaction that marks it done, so a crash at any point loses nothing and never
leads to a second remote copy.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from writer.errors import WriterError
from writer.publishing import activity
from writer.store import Store
from writer.store.store import guarded, insert_row, iso_time, parse_time, transaction

log = logging.getLogger(__name__)

JOB_STATES = ("queued", "sending", "failed", "done")
ACTIONS = ("publish", "delete")
#: A job in "sending" longer than this is presumed abandoned (crash, kill) and taken up again.
SENDING_LEASE = timedelta(minutes=5)


@dataclass(frozen=True)
class TargetConfig:
    """A configured publishing target. ``config`` never holds secrets."""

    name: str
    kind: str
    config: dict[str, Any]
    is_default: bool


@dataclass(frozen=True)
class Job:
    """One outbox entry: publish (create or update) or delete a draft on a target."""

    id: int
    draft_id: int
    target: str
    action: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_attempt: datetime
    reason: str | None
    permanent: bool
    url: str | None
    created: datetime
    updated: datetime
    doubt_since: datetime | None = None  # an earlier try may have reached the server (set when it ended)
    doubt_checks: int = 0  # searches of the target since then that found nothing (UNCHECKABLE: cannot search)
    claimed_by: str | None = None  # the sending process, while "sending" (see :func:`this_process`)

    @property
    def in_doubt(self) -> bool:
        return self.doubt_since is not None

    @property
    def needs_a_look(self) -> bool:
        """In doubt on a target that cannot be searched: only the writer can say whether it arrived."""
        return self.doubt_checks == UNCHECKABLE


@dataclass(frozen=True)
class Publication:
    """Where a draft lives on a target. ``remote_id`` is None until a create is confirmed."""

    draft_id: int
    target: str
    marker: str
    remote_id: str | None
    url: str | None
    published: datetime | None
    updated: datetime | None


_JOB_COLUMNS = ("id, draft_id, target, action, payload, state, attempts, next_attempt, reason, permanent, url, "
                "created, updated, doubt_since, doubt_checks, claimed_by")
#: ``doubt_checks`` of a job in doubt whose target cannot be searched (Micropub without q=source).
UNCHECKABLE = -1


def _job(row: Any) -> Job:
    (id_, draft_id, target, action, payload, state, attempts, next_attempt, reason, permanent, url, created,
     updated, doubt_since, doubt_checks, claimed_by) = row
    return Job(id=id_, draft_id=draft_id, target=target, action=action, payload=json.loads(payload), state=state,
               attempts=attempts, next_attempt=parse_time(next_attempt), reason=reason, permanent=bool(permanent),
               url=url, created=parse_time(created), updated=parse_time(updated),
               doubt_since=_opt_time(doubt_since), doubt_checks=doubt_checks, claimed_by=claimed_by)


# -- which process is sending ----------------------------------------------------------------


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as f:
            return f.read().strip()
    except OSError:
        return ""


def _process_start(pid: int) -> str:
    """When ``pid`` started (clock ticks since boot): a pid reused by a new process differs."""
    stat = _read(f"/proc/{pid}/stat")
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


def this_process() -> str:
    """``boot-id:pid:start`` of this process, recorded in the claim of every job it sends."""
    pid = os.getpid()
    return f"{_read('/proc/sys/kernel/random/boot_id')}:{pid}:{_process_start(pid)}"


def sender_alive(claimed_by: str | None) -> bool | None:
    """Whether the process that claimed a job still runs: None when that cannot be told
    (another machine or boot, no /proc); then only its lease can end the claim."""
    boot, _, rest = (claimed_by or "").partition(":")
    pid_text, _, start = rest.partition(":")
    if not boot or not start or not pid_text.isdigit() or boot != _read("/proc/sys/kernel/random/boot_id"):
        return None
    pid = int(pid_text)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return _process_start(pid) == start


def sender_pid(claimed_by: str | None) -> int | None:
    pid = (claimed_by or "").split(":")[1:2]
    return int(pid[0]) if pid and pid[0].isdigit() else None


def _opt_time(text: str | None) -> datetime | None:
    return parse_time(text) if text else None


# -- targets ---------------------------------------------------------------------------------


@guarded
def add_target(store: Store, name: str, kind: str, config: dict[str, Any], *, default: bool = False) -> TargetConfig:
    """Add or replace target ``name``; the first target added becomes the default."""
    name = name.strip()
    if not name:
        raise WriterError("A target needs a name.")
    with transaction(store):
        count = store.db.execute("SELECT count(*) FROM publish_targets WHERE name != ?", [name]).fetchone()[0]
        make_default = default or count == 0
        if make_default:
            store.db.execute("UPDATE publish_targets SET is_default = 0")
        # SQL, not Table.upsert: an existing default stays the default (max), which upsert cannot say
        store.db.execute(
            "INSERT INTO publish_targets (name, kind, config, is_default, created) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, config = excluded.config, "
            "is_default = max(is_default, excluded.is_default)",
            [name, kind, json.dumps(config), int(make_default), iso_time(store.clock())])
    return get_target(store, name)


@guarded
def list_targets(store: Store) -> list[TargetConfig]:
    rows = store.db.execute("SELECT name, kind, config, is_default FROM publish_targets "
                            "ORDER BY is_default DESC, name").fetchall()
    return [TargetConfig(r[0], r[1], json.loads(r[2]), bool(r[3])) for r in rows]


@guarded
def get_target(store: Store, name: str) -> TargetConfig:
    row = store.db.execute("SELECT name, kind, config, is_default FROM publish_targets WHERE name = ?",
                           [name]).fetchone()
    if row is None:
        names = ", ".join(t.name for t in list_targets(store)) or "none yet"
        raise WriterError(f"No publishing target called {name!r} (configured: {names}). "
                          "Add one with `writer targets add`.")
    return TargetConfig(row[0], row[1], json.loads(row[2]), bool(row[3]))


@guarded
def default_target(store: Store) -> TargetConfig | None:
    row = store.db.execute("SELECT name FROM publish_targets ORDER BY is_default DESC, created LIMIT 1").fetchone()
    return get_target(store, row[0]) if row else None


@guarded
def remove_target(store: Store, name: str) -> None:
    """Forget a target; its unfinished outbox jobs are dropped (they could never be sent)."""
    with transaction(store):
        get_target(store, name)
        store.db.table("publish_targets").delete_where("name = ?", [name])
        store.db.table("outbox").delete_where("target = ? AND state != 'done'", [name])
        store.db.table("publications").delete_where("target = ?", [name])
        if not store.db.execute("SELECT 1 FROM publish_targets WHERE is_default = 1").fetchone():
            store.db.execute("UPDATE publish_targets SET is_default = 1 WHERE name = "
                             "(SELECT name FROM publish_targets ORDER BY created LIMIT 1)")


# -- publications ----------------------------------------------------------------------------


def _publication(row: Any) -> Publication:
    return Publication(draft_id=row[0], target=row[1], marker=row[2], remote_id=row[3], url=row[4],
                       published=_opt_time(row[5]), updated=_opt_time(row[6]))


_PUB_COLUMNS = "draft_id, target, marker, remote_id, url, published, updated"


@guarded
def get_publication(store: Store, draft_id: int, target: str) -> Publication | None:
    row = store.db.execute(f"SELECT {_PUB_COLUMNS} FROM publications WHERE draft_id = ? AND target = ?",
                           [draft_id, target]).fetchone()
    return _publication(row) if row else None


@guarded
def publications(store: Store, draft_id: int | None = None) -> list[Publication]:
    where, params = ("WHERE draft_id = ?", [draft_id]) if draft_id is not None else ("", [])
    rows = store.db.execute(f"SELECT {_PUB_COLUMNS} FROM publications {where} ORDER BY published",
                            params).fetchall()
    return [_publication(r) for r in rows]


@guarded
def move_publication(store: Store, draft_id: int, target: str, remote_id: str, url: str) -> None:
    """Record the post's new address on ``target`` (after the target moved it), and the
    draft's URL with it when that was the one the draft showed."""
    with transaction(store):
        old = store.db.execute("SELECT url FROM publications WHERE draft_id = ? AND target = ?",
                               [draft_id, target]).fetchone()
        store.db.execute("UPDATE publications SET remote_id = ?, url = ?, updated = ? WHERE draft_id = ? "
                         "AND target = ?", [remote_id, url, iso_time(store.clock()), draft_id, target])
        if old is not None and store.get_draft(draft_id).url in ("", old[0]):
            store.save_draft(draft_id, url=url)


# -- the outbox ------------------------------------------------------------------------------


@guarded
def enqueue(store: Store, draft_id: int, target: str, action: str, payload: dict[str, Any]) -> Job:
    """Write a job before anything is sent.

    A publish coalesces into a pending (queued or failed) publish of the same draft and
    target, so saving ten times while offline sends one update. A delete drops pending
    publishes. The first publish fixes the draft's *marker* on that target (draft id +
    outbox id + a random part, so two databases publishing to one blog never share one),
    which the target can be searched for after an unknown outcome.
    """
    if action not in ACTIONS:
        raise WriterError(f"Unknown outbox action {action!r}.")
    now = iso_time(store.clock())
    with transaction(store):
        get_target(store, target)
        if action == "delete":
            store.db.execute("UPDATE outbox SET state = 'done', reason = 'superseded by a delete', updated = ? "
                             "WHERE draft_id = ? AND target = ? AND action = 'publish' "
                             "AND state IN ('queued', 'failed')", [now, draft_id, target])
        else:
            row = store.db.execute(
                "SELECT id FROM outbox WHERE draft_id = ? AND target = ? AND action = 'publish' "
                "AND state IN ('queued', 'failed') ORDER BY id DESC LIMIT 1", [draft_id, target]).fetchone()
            if row is not None:
                waiting = store.db.execute("SELECT doubt_checks > 0 AND next_attempt > ? FROM outbox WHERE id = ?",
                                           [now, row[0]]).fetchone()[0]
                if waiting:  # for its second search: an edit must not hurry a resend
                    store.db.execute("UPDATE outbox SET payload = ?, updated = ? WHERE id = ?",
                                     [json.dumps(payload), now, row[0]])
                else:
                    store.db.execute("UPDATE outbox SET payload = ?, state = 'queued', next_attempt = ?, "
                                     "reason = NULL, permanent = 0, updated = ? WHERE id = ?",
                                     [json.dumps(payload), now, now, row[0]])
                return _get_job(store, row[0])
        job_id = insert_row(store.db.table("outbox"), {
            "draft_id": draft_id, "target": target, "action": action, "payload": json.dumps(payload),
            "state": "queued", "next_attempt": now, "created": now, "updated": now})
        if action == "publish":  # the marker a post carries from its first send on: kept when there is one
            store.db.table("publications").insert({
                "draft_id": draft_id, "target": target,
                "marker": f"writer-{draft_id}-{job_id}-{secrets.token_hex(4)}"}, ignore=True)
        return _get_job(store, job_id)


def _get_job(store: Store, job_id: int) -> Job:
    row = store.db.execute(f"SELECT {_JOB_COLUMNS} FROM outbox WHERE id = ?", [job_id]).fetchone()
    if row is None:
        raise WriterError(f"No outbox job {job_id}.")
    return _job(row)


@guarded
def get_job(store: Store, job_id: int) -> Job:
    return _get_job(store, job_id)


@guarded
def claim_due(store: Store, *, target: str | None = None, draft_id: int | None = None,
              lease: timedelta = SENDING_LEASE) -> Job | None:
    """Take the oldest job that is due and mark it "sending" (with a lease), atomically.

    Jobs of one draft on one target run strictly in order. A "sending" job is taken over
    when its lease ran out, or at once when the process that claimed it has died (same
    machine and boot): its try may have reached the server, so the job is *in doubt* and
    the target is searched before anything is sent again. ``lease`` must outlast a send;
    the publisher's deadlines make sure it does.
    """
    now = store.clock()
    filters = ""
    params: list[Any] = []  # a draft id or a target name
    if target is not None:
        filters += " AND o.target = ?"
        params.append(target)
    if draft_id is not None:
        filters += " AND o.draft_id = ?"
        params.append(draft_id)
    with transaction(store):
        rows = store.db.execute(
            f"SELECT o.id, o.state, o.next_attempt, o.claimed_by FROM outbox o "
            f"WHERE o.state IN ('queued', 'failed', 'sending') AND o.permanent = 0 {filters} "
            f"AND (o.next_attempt <= ? OR o.state = 'sending') "  # a sending job may have a dead sender
            f"AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.draft_id = o.draft_id "
            f"AND e.target = o.target AND e.id < o.id AND e.state != 'done') ORDER BY o.id",
            [*params, iso_time(now)]).fetchall()
        due = next((r for r in rows if parse_time(r[2]) <= now
                    or (r[1] == "sending" and sender_alive(r[3]) is False)), None)
        if due is None:
            return None
        if due[1] == "sending":  # taken over: what the last try did is unknown
            log.warning("outbox job %s: taking over a send whose %s", due[0],
                        "lease ran out" if parse_time(due[2]) <= now else "process has died")
            # as after any try that may have arrived: two fresh searches before a resend (a target that
            # cannot be searched stays so)
            store.db.execute("UPDATE outbox SET doubt_since = updated, doubt_checks = CASE WHEN doubt_checks = ? "
                             "THEN doubt_checks ELSE 0 END WHERE id = ?", [UNCHECKABLE, due[0]])
        store.db.execute("UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt = ?, "
                         "claimed_by = ?, updated = ? WHERE id = ?",
                         [iso_time(now + lease), this_process(), iso_time(now), due[0]])
        return _get_job(store, due[0])


@guarded
def complete_job(store: Store, job_id: int, *, remote_id: str | None, url: str | None, attempt: int) -> Job:
    """Mark a job done and record where the post lives (or that it is gone), in one transaction.

    A publish makes the draft *published* with its URL (which snapshots a revision); a
    delete puts a still-existing draft back to *draft* with no URL. ``attempt`` is the
    claim's: nothing is recorded if the claim was lost to another sender meanwhile.
    """
    now = store.clock()
    with transaction(store):
        job = _get_job(store, job_id)
        if not _still_claimed(job, attempt):
            return job
        store.db.execute("UPDATE outbox SET state = 'done', reason = NULL, url = ?, updated = ?, doubt_since = NULL, "
                         "doubt_checks = 0, claimed_by = NULL WHERE id = ?", [url, iso_time(now), job_id])
        exists = store.db.execute("SELECT 1 FROM drafts WHERE id = ?", [job.draft_id]).fetchone() is not None
        if job.action == "publish":
            first = store.db.execute("SELECT published IS NULL FROM publications WHERE draft_id = ? AND target = ?",
                                     [job.draft_id, job.target]).fetchone()
            store.db.execute("UPDATE publications SET remote_id = ?, url = ?, published = coalesce(published, ?), "
                             "updated = ? WHERE draft_id = ? AND target = ?",
                             [remote_id, url, iso_time(now), iso_time(now), job.draft_id, job.target])
            if job.payload.get("status", "publish") in ("publish", "future"):  # not a remote draft
                if first and first[0]:  # a new post, not an update; a scheduled one counts when it goes out
                    at = job.payload.get("date") or iso_time(now)
                    activity.record(store, job.draft_id, "publish", int(job.payload.get("words", 0)),
                                    parse_time(at))
                if exists:
                    store.save_draft(job.draft_id, status="published", url=url or "")
                    store.snapshot(job.draft_id, "publish")
        else:
            store.db.execute("DELETE FROM publications WHERE draft_id = ? AND target = ?", [job.draft_id, job.target])
            elsewhere = store.db.execute("SELECT url FROM publications WHERE draft_id = ? AND remote_id IS NOT NULL "
                                         "ORDER BY published LIMIT 1", [job.draft_id]).fetchone()
            if exists and elsewhere is None:
                store.save_draft(job.draft_id, status="draft", url="")
            elif exists:  # still live on another target: it stays published, with that URL
                store.save_draft(job.draft_id, url=elsewhere[0] or "")
        return _get_job(store, job_id)


@guarded
def fail_job(store: Store, job_id: int, reason: str, *, permanent: bool, next_attempt: datetime,
             attempt: int, doubt: str = "keep") -> Job:
    """Record why a send failed; a permanent failure waits for the user (``outbox --retry``).

    ``doubt`` says what this try tells about the post: "keep" (nothing new), "new" (the
    request may have arrived: search the target before sending again), "missed" (the
    target was searched and the post was not there), "uncheckable" (in doubt, and the
    target cannot be searched). ``attempt`` is the claim's: nothing is recorded if another
    sender took the job over."""
    if doubt not in ("keep", "new", "missed", "uncheckable"):
        raise ValueError(doubt)
    now = iso_time(store.clock())
    with transaction(store):
        job = _get_job(store, job_id)
        if not _still_claimed(job, attempt):
            return job
        store.db.execute("UPDATE outbox SET state = 'failed', reason = ?, permanent = ?, next_attempt = ?, "
                         "updated = ?, claimed_by = NULL WHERE id = ?",
                         [reason, int(permanent), iso_time(next_attempt), now, job_id])
        if doubt == "new":
            store.db.execute("UPDATE outbox SET doubt_since = ?, doubt_checks = 0 WHERE id = ?", [now, job_id])
        elif doubt == "missed":
            store.db.execute("UPDATE outbox SET doubt_checks = max(doubt_checks, 0) + 1 WHERE id = ?", [job_id])
        elif doubt == "uncheckable":
            store.db.execute("UPDATE outbox SET doubt_checks = ? WHERE id = ?", [UNCHECKABLE, job_id])
        return _get_job(store, job_id)


def _still_claimed(job: Job, attempt: int) -> bool:
    if (job.state, job.attempts) == ("sending", attempt):
        return True
    log.warning("outbox job %s: try %s ended after its lease was taken over (now %s, try %s); its result "
                "is not recorded", job.id, attempt, job.state, job.attempts)
    return False


@guarded
def retry_failed(store: Store) -> int:
    """Make failed jobs due now (after the user fixed credentials or came back online).

    Two kinds wait on: a job whose earlier try may have arrived and whose target was
    searched in vain keeps its time for the second search (a search can lag behind a new
    post); and one on a target that cannot be searched waits for :func:`resend`, after the
    writer has looked."""
    now = iso_time(store.clock())
    with transaction(store):
        cursor = store.db.execute(
            "UPDATE outbox SET state = 'queued', permanent = 0, next_attempt = ?, updated = ? "
            "WHERE state = 'failed' AND doubt_checks != ? AND NOT (doubt_checks > 0 AND next_attempt > ?)",
            [now, now, UNCHECKABLE, now])
        return cursor.rowcount


@guarded
def resend(store: Store, job_id: int) -> Job:
    """Send a job in doubt again without searching first: the writer looked, and the post is not there."""
    now = iso_time(store.clock())
    with transaction(store):
        job = _get_job(store, job_id)
        if job.state not in ("failed", "queued"):
            raise WriterError(f"Outbox job {job_id} is {job.state}; only a waiting or failed job can be sent again.")
        store.db.execute("UPDATE outbox SET state = 'queued', permanent = 0, next_attempt = ?, updated = ?, "
                         "doubt_since = NULL, doubt_checks = 0 WHERE id = ?", [now, now, job_id])
        return _get_job(store, job_id)


@guarded
def list_jobs(store: Store, *, states: Iterable[str] | None = None, limit: int = 100) -> list[Job]:
    """Newest first."""
    where, params = "", []
    if states is not None:
        states = list(states)
        where = f"WHERE state IN ({', '.join('?' * len(states))})"
        params = states
    rows = store.db.execute(f"SELECT {_JOB_COLUMNS} FROM outbox {where} ORDER BY id DESC LIMIT ?",
                            [*params, limit]).fetchall()
    return [_job(r) for r in rows]


@guarded
def next_due(store: Store) -> datetime | None:
    """When the next job becomes due (for a retry timer)."""
    row = store.db.execute("SELECT min(next_attempt) FROM outbox WHERE state != 'done' AND permanent = 0").fetchone()
    return _opt_time(row[0])


# -- per-draft preferences -------------------------------------------------------------------


def _set_preference(store: Store, draft_id: int, column: str, value: object) -> None:
    """Set one column of a draft's publishing preferences (``column`` is ours, never user input)."""
    with transaction(store):
        store.db.table("draft_publishing").upsert({"draft_id": draft_id, column: value}, pk="draft_id")


@guarded
def set_keep_updating(store: Store, draft_id: int, on: bool) -> None:
    """"Publish now, keep editing": every save of this draft updates its remote post."""
    _set_preference(store, draft_id, "keep_updating", int(on))


@guarded
def keep_updating(store: Store, draft_id: int) -> bool:
    row = store.db.execute("SELECT keep_updating FROM draft_publishing WHERE draft_id = ?", [draft_id]).fetchone()
    return bool(row and row[0])


@guarded
def snooze(store: Store, draft_id: int, until: datetime) -> None:
    """Keep a stalled draft out of the start-up nudge until ``until``."""
    _set_preference(store, draft_id, "snoozed_until", iso_time(until))


@guarded
def snoozed_until(store: Store) -> dict[int, datetime]:
    rows = store.db.execute("SELECT draft_id, snoozed_until FROM draft_publishing "
                            "WHERE snoozed_until IS NOT NULL").fetchall()
    return {r[0]: parse_time(r[1]) for r in rows}
