"""``writer publish``, ``writer outbox``, ``writer targets`` and ``writer stalled``: shipping drafts."""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

from writer.commands._store import with_store
from writer.errors import WriterError
from writer.publishing import nudges, targets
from writer.publishing import outbox as ob
from writer.publishing.credentials import session_credentials
from writer.publishing.errors import CopyFlagged
from writer.publishing.publisher import SECRET_ENV, Publisher, skip_when_unavailable
from writer.settings import Settings
from writer.store import Store

#: ``publish``'s exit status when the post only waits in the outbox (sysexits' EX_TEMPFAIL).
QUEUED = 75


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("publish", help="publish a draft (to the default target: a static site)",
                              epilog=f"Exit status: 0 sent; 1 not sent, and it will not be retried (see the "
                                     f"message); 2 bad input; 3 flagged as copied (use --force); {QUEUED} only "
                                     "queued: it waits in the outbox and is retried (`writer outbox`).")
    p.add_argument("draft_id", type=int)
    p.add_argument("--target", help="target name (default: the default target)")
    p.add_argument("--force", action="store_true", help="publish even with passages flagged as copies")
    p.add_argument("--status", choices=("publish", "draft", "future"), default="publish",
                   help="remote status (default: publish); future needs --date")
    p.add_argument("--date", help="scheduled time for --status future (ISO 8601, e.g. 2030-01-31T09:00+01:00)")
    p.add_argument("--keep-updating", action=argparse.BooleanOptionalAction, default=None,
                   help="update the post on every later save of the draft")
    p.add_argument("--delete", action="store_true", help="remove the post from the target instead")
    p.add_argument("--new-address", nargs="?", const="", metavar="SLUG",
                   help="static site: move the published post to posts/SLUG.html (default: made from its title "
                        "now); the old address sends readers to the new one")
    p.set_defaults(func=with_store(_publish))

    p = subparsers.add_parser("outbox", help="show publishing jobs; --retry sends what is waiting")
    p.add_argument("--retry", action="store_true", help="retry failed jobs now and send everything due")
    p.add_argument("--resend", type=int, metavar="JOB", help="send job JOB again without checking the site first "
                   "(after you looked and the post is not there)")
    p.add_argument("--all", action="store_true", help="include finished jobs")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=with_store(_outbox))

    p = subparsers.add_parser("targets", help="add, list and remove publishing targets")
    p.set_defaults(func=with_store(_targets_list), json=False)
    sub = p.add_subparsers(dest="targets_command", metavar="ACTION")
    lp = sub.add_parser("list", help="list targets")
    lp.add_argument("--json", action="store_true")
    lp.set_defaults(func=with_store(_targets_list))
    rp = sub.add_parser("remove", help="forget a target (and its stored secret)")
    rp.add_argument("name")
    rp.set_defaults(func=with_store(_targets_remove))
    ap = sub.add_parser("add", help="add a target: static PATH | wordpress URL --user U | micropub SITE_URL")
    kinds = ap.add_subparsers(dest="kind", metavar="KIND", required=True)
    for kind, helptext in (("static", "a folder of HTML pages with an index, tag pages and a feed"),
                           ("wordpress", "a WordPress site (REST API, application password)"),
                           ("micropub", "a Micropub site (bearer token)")):
        kp = kinds.add_parser(kind, help=helptext)
        kp.add_argument("location", help={"static": "folder", "wordpress": "site URL",
                                          "micropub": "site URL (the endpoint is discovered)"}[kind])
        kp.add_argument("--name", help=f"target name (default: {kind})")
        kp.add_argument("--default", action="store_true", help="make it the default target")
        if kind == "static":
            kp.add_argument("--title", help="site title")
            kp.add_argument("--base-url", help="public address, if the folder is served")
        if kind == "wordpress":
            kp.add_argument("--user", required=True, help="WordPress user name")
            kp.add_argument("--password-stdin", action="store_true",
                            help="read the application password from stdin (else $WRITER_WP_PASSWORD)")
        if kind == "micropub":
            kp.add_argument("--endpoint", help="the Micropub endpoint, when the site does not advertise it")
            kp.add_argument("--token-stdin", action="store_true",
                            help="read the bearer token from stdin (else $WRITER_MICROPUB_TOKEN)")
        kp.add_argument("--no-check", action="store_true", help="do not contact the server now")
        if kind != "static":
            kp.add_argument("--allow-http", action="store_true", help="accept an unencrypted http:// address to "
                            "another machine (the secret crosses the network in clear)")
        kp.set_defaults(func=with_store(_targets_add))

    p = subparsers.add_parser("stalled", help="drafts that have waited too long to be published")
    p.add_argument("--days", type=int, help="stalled after this many days (default: the nudges.stalled_days "
                   "setting)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=with_store(_stalled))


def cli_copy_check(text: str) -> list[Any]:
    """The draft's *copies*; with no usable copy index, a warning and no flags (publishing goes on)."""
    from writer.copycheck.service import copy_flags_for_publish

    check = skip_when_unavailable(copy_flags_for_publish,
                                  lambda exc: print(f"writer: copy check skipped: {exc}", file=sys.stderr))
    return check(text)


def _publish(store: Store, args: argparse.Namespace) -> int:
    date = None
    if args.date:
        try:
            date = datetime.fromisoformat(args.date)
            date = date if date.tzinfo else date.astimezone()  # local time, as typed
            date.astimezone(UTC)  # the outbox keeps UTC: 9999-12-31T23:00-05:00 has none
        except (ValueError, OverflowError):
            raise WriterError(f"--date {args.date!r} is not an ISO 8601 time in range "
                              "(e.g. 2030-01-31T09:00+01:00).") from None
    publisher = Publisher(store, Settings.load(), copy_check=cli_copy_check)
    if args.new_address is not None:
        if args.delete:
            raise WriterError("--new-address and --delete do not go together; choose one.")
        url = publisher.change_address(args.draft_id, args.target, slug=args.new_address or None)
        print(f"Moved: {url} (the old address sends readers there)")
        return 0
    if args.delete:
        job = publisher.unpublish(args.draft_id, args.target)
    else:
        try:
            job = publisher.publish(args.draft_id, args.target, force=args.force, status=args.status, date=date,
                                    keep_updating=args.keep_updating)
        except CopyFlagged as exc:
            print(f"writer: {exc}", file=sys.stderr)
            return 3
    return _report(job)


def _report(job: ob.Job) -> int:
    verb = "Deleted from" if job.action == "delete" else "Published to"
    if job.state == "done":
        print(f"{verb} {job.target}: {job.url}" if job.url else f"{verb} {job.target}.")
        return 0
    if job.permanent:
        print(f"writer: not sent to {job.target}: {job.reason}", file=sys.stderr)
        return 1
    if job.state == "sending":
        print(f"Queued for {job.target} (job {job.id}): {_sending(job)}")
        return QUEUED
    print(f"Queued for {job.target} (job {job.id}), not sent yet: {job.reason or 'waiting'} Next try "
          f"{job.next_attempt.astimezone():%H:%M}; `writer outbox --retry` tries now.")
    return QUEUED


def _sending(job: ob.Job) -> str:
    """What is happening to a job in "sending", in words."""
    pid = ob.sender_pid(job.claimed_by)
    alive = ob.sender_alive(job.claimed_by)
    if alive is False:
        return (f"the Writer process that was sending it (pid {pid}) has stopped; it is checked on the site "
                "and sent only if it is not there on the next `writer outbox --retry`.")
    who = f"Writer process {pid}" if pid else "another Writer"
    return (f"{who} is sending it now; if that stops, it is taken up again by "
            f"{job.next_attempt.astimezone():%H:%M}.")


def _job_json(job: ob.Job) -> dict[str, Any]:
    return {"id": job.id, "draft_id": job.draft_id, "target": job.target, "action": job.action, "state": job.state,
            "attempts": job.attempts, "reason": job.reason, "permanent": job.permanent, "url": job.url,
            "next_attempt": job.next_attempt.isoformat(), "created": job.created.isoformat(),
            "updated": job.updated.isoformat()}


def _outbox(store: Store, args: argparse.Namespace) -> int:
    if args.resend is not None:
        ob.resend(store, args.resend)
        return _report(Publisher(store, Settings.load()).process_job(args.resend))
    if args.retry:
        stopped = [j for j in ob.list_jobs(store, states=("sending",), limit=500)
                   if ob.sender_alive(j.claimed_by) is False]
        for job in stopped:
            print(f"Job {job.id}: the Writer process that was sending it (pid {ob.sender_pid(job.claimed_by)}) "
                  "has stopped; checking the site for it before sending it again.")
        ob.retry_failed(store)
        Publisher(store, Settings.load()).process()
    jobs = ob.list_jobs(store, states=None if args.all else ("queued", "sending", "failed"))
    if args.json:
        print(json.dumps([_job_json(j) for j in jobs], indent=2, ensure_ascii=False))
        return 0
    if not jobs:
        print("The outbox is empty: everything has been sent." if not args.all else "No publishing jobs yet.")
        return 0
    for job in jobs:
        state = "unknown (look)" if job.needs_a_look and job.state == "failed" else \
            f"{job.state}{' (stopped)' if job.permanent else ''}"
        print(f"{job.id:>5}  {state:<18} {job.action:<8} draft {job.draft_id:<5} → {job.target}"
              f"  tries {job.attempts}{'  ' + job.url if job.url else ''}")
        if job.state == "sending":
            print(f"       {_sending(job)}")
        elif job.reason and job.state != "done":
            print(f"       {job.reason}")
    return 1 if any(j.state == "failed" for j in jobs) else 0


def _targets_list(store: Store, args: argparse.Namespace) -> int:
    targets = ob.list_targets(store)
    if getattr(args, "json", False):
        print(json.dumps([{"name": t.name, "kind": t.kind, "default": t.is_default, **t.config} for t in targets],
                         indent=2))
        return 0
    if not targets:
        print("No targets yet; publishing uses a static site in the data folder. Add one with "
              "`writer targets add static|wordpress|micropub ...`.")
        return 0
    for t in targets:
        where = t.config.get("path") or t.config.get("url") or t.config.get("site") or "(data folder)/site"
        print(f"{'*' if t.is_default else ' '} {t.name:<16} {t.kind:<10} {where}")
    return 0


def _targets_remove(store: Store, args: argparse.Namespace) -> int:
    ob.remove_target(store, args.name)
    session_credentials().delete(args.name)
    print(f"Removed target {args.name}.")
    return 0


def _read_secret(from_stdin: bool, kind: str) -> str | None:
    if from_stdin:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise WriterError("Nothing was read from stdin; pipe the secret in, e.g. `pass show blog | writer ...`.")
        return secret
    return os.environ.get(SECRET_ENV[kind]) or None


def _targets_add(store: Store, args: argparse.Namespace) -> int:
    kind = args.kind
    secret = None
    if kind == "wordpress":
        secret = _read_secret(args.password_stdin, kind)
    elif kind == "micropub":
        secret = _read_secret(args.token_stdin, kind)
    publisher = Publisher(store, Settings.load())
    added = targets.add(publisher, kind, args.location, name=args.name,
                        user=getattr(args, "user", "") or "", secret=secret, title=getattr(args, "title", "") or "",
                        base_url=getattr(args, "base_url", "") or "", endpoint=getattr(args, "endpoint", None),
                        check=not args.no_check, allow_http=getattr(args, "allow_http", False),
                        default=args.default)
    if added.checked:
        print(added.checked)
    if added.secret_kept is True:
        print(f"The secret is stored in {publisher.credentials.where()}.")
    elif added.secret_kept is False:
        print(f"{publisher.credentials.not_stored_note()} Later commands read it from ${SECRET_ENV[kind]}.")
    target = added.target
    print(f"Added target {target.name} ({kind}){' — the default' if target.is_default else ''}.")
    return 0


def _stalled(store: Store, args: argparse.Namespace) -> int:
    settings = Settings.load()
    days = args.days if args.days is not None else settings.get("nudges.stalled_days")
    if days < 1:
        raise WriterError("--days must be at least 1.")
    now = datetime.now(UTC)
    stalled = nudges.stalled_drafts(store, now, days)
    if args.json:
        print(json.dumps([{"id": s.draft.id, "title": s.draft.title, "age_days": s.age_days,
                           "words": s.draft.word_count} for s in stalled], indent=2, ensure_ascii=False))
        return 0
    rhythm = nudges.rhythm(store, now, weekly_goal=settings.get("nudges.weekly_goal"))
    print(nudges.describe(rhythm))
    if not stalled:
        print(f"No drafts older than {days} days are waiting. Nice.")
        return 0
    for s in stalled:
        print(f"{s.draft.id:>5}  {s.age_days:>4} days  {s.draft.word_count:>6,} words  {s.draft.title or 'Untitled'}")
    print(f"Ship one with `writer publish {stalled[0].draft.id}`.")
    return 0
