"""One-click publishing over the outbox: publish, update, unpublish and the send loop.

``publish`` writes a job to SQLite, then (unless told not to) sends it at once; a job
that cannot be sent stays in the outbox and :meth:`Publisher.process` retries it later,
also after a restart. A draft's posts on a target are always updated in place: the
remote id is recorded when the create is confirmed, and before re-sending a create
whose outcome is unknown the target is searched for the draft's marker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials, session_credentials
from writer.publishing.errors import CannotCheck, CopyFlagged, NotFoundYet, PublishError
from writer.publishing.static_site import StaticSite, default_site_dir
from writer.publishing.target import POST_STATUSES, Post, Remote, Target
from writer.settings import Settings
from writer.store import Store

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

KINDS = ("static", "wordpress", "micropub")
DEFAULT_STATIC = "site"
GHOSTWRITTEN = "ghostwritten"
SECRET_ENV = {"wordpress": "WRITER_WP_PASSWORD", "micropub": "WRITER_MICROPUB_TOKEN"}
BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=6)
#: A whole send (WordPress: tags, then the post) must be over within this many request
#: deadlines (``publishing.timeout_s``); the lease that guards it is longer still.
SEND_TIMEOUTS = 15
#: How much longer than the longest send a lease lasts (clock steps, a slow database).
LEASE_MARGIN = timedelta(minutes=1)

CopyCheck = Callable[[str], list[Any]]


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at 6 h: offline for a day costs a few dozen tries."""
    return min(BACKOFF_BASE * (2 ** min(max(0, attempts - 1), 20)), BACKOFF_MAX)  # 2**42 s would overflow


def _render(markdown: str) -> str:
    from writer.publishing.render import markdown_to_html  # markdown-it and nh3 load on first publish

    return markdown_to_html(markdown)


def copy_flags(flags: list[Any]) -> list[Any]:
    """The flags that mark a copied passage (``level == "copy"``), objects or dicts."""
    def level(flag: Any) -> Any:
        return flag.get("level") if isinstance(flag, dict) else getattr(flag, "level", None)

    return [f for f in flags if level(f) == "copy"]


def skip_when_unavailable(check: CopyCheck, report: Callable[[WriterError], None]) -> CopyCheck:
    """``check``, except that with no usable copy index it says so through ``report`` and finds
    nothing: a missing index never stops a post (the CLI prints, the app shows it in its status bar)."""
    def lenient(text: str) -> list[Any]:
        try:
            return check(text)
        except WriterError as exc:
            report(exc)
            return []

    return lenient


class Publisher:
    """Publishing for one store. ``clock`` is the store's, so tests control time in one place."""

    def __init__(self, store: Store, settings: Settings | None = None, *, credentials: Credentials | None = None,
                 copy_check: CopyCheck | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.store = store
        self.settings = settings or Settings.load()
        self.credentials = credentials or session_credentials()
        self.copy_check = copy_check
        self.transport = transport  # tests route HTTP through a mock or a proxy

    @property
    def clock(self) -> Callable[[], datetime]:
        return self.store.clock

    # -- targets ---------------------------------------------------------------------------

    def default_target(self) -> ob.TargetConfig:
        """The default target; with none configured, the static site (which needs no account)."""
        target = ob.default_target(self.store)
        if target is None:
            target = ob.add_target(self.store, DEFAULT_STATIC, "static", {"path": ""}, default=True)
        return target

    def secret(self, target: ob.TargetConfig) -> str | None:
        env = SECRET_ENV.get(target.kind)
        return self.credentials.get(target.name) or (os.environ.get(env) if env else None)

    def client(self) -> httpx.Client:
        from writer.publishing import http  # httpx is imported on first use, not at start-up

        return http.make_client(self.settings.get("publishing.timeout_s"), transport=self.transport)

    def make_target(self, name: str) -> Target:
        config = ob.get_target(self.store, name)
        c = config.config
        if config.kind == "static":
            folder = c.get("path") or self.settings.get("publishing.site_dir") or default_site_dir()
            return StaticSite(name, folder, title=c.get("title") or self.settings.get("publishing.site_title"),
                              base_url=c.get("base_url") or self.settings.get("publishing.site_base_url"),
                              clock=self.clock)
        if config.kind in ("wordpress", "micropub"):
            from writer.publishing.targets import refuse_plain_http

            try:  # a target added before this rule: still never in clear without consent
                refuse_plain_http(c.get("endpoint") or c["url"], allowed=bool(c.get("allow_http")))
            except WriterError as exc:
                raise PublishError(str(exc)) from None
        if config.kind == "wordpress":
            from writer.publishing.wordpress import WordPress

            return WordPress(name, c["url"], c["user"], self.secret(config), client=self.client())
        if config.kind == "micropub":
            from writer.publishing.micropub import Micropub

            return Micropub(name, c["endpoint"], self.secret(config), client=self.client())
        raise WriterError(f"Target {name!r} has an unknown kind {config.kind!r}; remove and add it again.")

    # -- publishing ------------------------------------------------------------------------

    def publish(self, draft_id: int, target: str | None = None, *, force: bool = False, status: str = "publish",
                date: datetime | None = None, keep_updating: bool | None = None, send: bool = True) -> ob.Job:
        """Queue (and by default send) the draft to ``target``: a create the first time, an update after."""
        if status not in POST_STATUSES:
            raise WriterError(f"Unknown post status {status!r}; use one of: {', '.join(POST_STATUSES)}.")
        if status == "future" and (date is None or date <= self.clock()):
            raise WriterError("A scheduled post needs a date in the future.")
        draft = self.store.get_draft(draft_id)
        if not draft.body.strip() and not draft.title_is_set:
            raise WriterError(f"Draft {draft_id} is empty; there is nothing to publish.")
        if self.copy_check is not None and not force:
            flagged = copy_flags(list(self.copy_check(draft.body)))
            if flagged:
                raise CopyFlagged(flagged)
        name = target or self.default_target().name
        job = ob.enqueue(self.store, draft_id, name, "publish", self._payload(draft_id, status, date))
        if keep_updating is not None:
            ob.set_keep_updating(self.store, draft_id, keep_updating)
        return self._send_now(job) if send else job

    def unpublish(self, draft_id: int, target: str | None = None, *, send: bool = True) -> ob.Job:
        """Delete the draft's post from ``target`` (the draft stays; back to *draft* when it is
        published nowhere else)."""
        name = target or self.default_target().name
        if ob.get_publication(self.store, draft_id, name) is None:
            title = self.store.get_draft(draft_id).title or "Untitled"
            raise WriterError(f"“{title}” is not published on {name}; nothing to delete there.")
        ob.set_keep_updating(self.store, draft_id, False)
        job = ob.enqueue(self.store, draft_id, name, "delete", {})
        return self._send_now(job) if send else job

    def change_address(self, draft_id: int, target: str | None = None, *, slug: str | None = None) -> str:
        """Move the draft's post on a static site to a new address (``slug``, or one made from the
        title now); the old address keeps a page that sends readers on. Returns the new URL."""
        name = target or self._published_target(draft_id)
        config = ob.get_target(self.store, name)
        title = self.store.get_draft(draft_id).title or "Untitled"
        if config.kind != "static":
            raise WriterError(f"{name} is a {config.kind} site: it gives posts their addresses itself, so Writer "
                              "cannot change them there.")
        pub = ob.get_publication(self.store, draft_id, name)
        if pub is None or pub.remote_id is None:
            raise WriterError(f"“{title}” is not published on {name} yet; publish it first.")
        if any(j.draft_id == draft_id and j.target == name
               for j in ob.list_jobs(self.store, states=("queued", "sending", "failed"), limit=500)):
            raise WriterError(f"“{title}” has a send to {name} still waiting in the outbox; change its address "
                              "once that has gone out.")
        site = self.make_target(name)
        assert isinstance(site, StaticSite)
        remote = site.move(Remote(pub.remote_id, pub.url or ""), slug)
        ob.move_publication(self.store, draft_id, name, remote.id, remote.url)
        return remote.url

    def _published_target(self, draft_id: int) -> str:
        """The one target the draft is published on (the default when it is on several)."""
        live = [p.target for p in ob.publications(self.store, draft_id) if p.remote_id]
        default = self.default_target().name
        if default in live or not live:
            return default
        return live[0]

    def on_saved(self, draft_id: int) -> list[ob.Job]:
        """Call after each save: a published draft set to "keep updating" queues an update."""
        if not ob.keep_updating(self.store, draft_id):
            return []
        draft = self.store.get_draft(draft_id)
        if draft.status != "published":
            return []
        return [ob.enqueue(self.store, draft_id, p.target, "publish", self._payload(draft_id, "publish", None))
                for p in ob.publications(self.store, draft_id)]

    def _payload(self, draft_id: int, status: str, date: datetime | None) -> dict[str, Any]:
        draft = self.store.get_draft(draft_id)
        tags = list(draft.tags)
        body = _without_title_line(draft.body, draft.title)
        if self.store.get_provenance(draft_id):
            if self.settings.get("publishing.ghostwritten_tag") and GHOSTWRITTEN not in (t.casefold() for t in tags):
                tags.append(GHOSTWRITTEN)
            if self.settings.get("publishing.disclosure"):
                body = f"{body.rstrip()}\n\n*{self.settings.get('publishing.disclosure_text')}*\n"
        return {"title": draft.title, "markdown": body, "tags": tags, "status": status,
                "date": date.astimezone(UTC).isoformat() if date else None, "words": draft.word_count}

    # -- sending ---------------------------------------------------------------------------

    def process_job(self, job_id: int) -> ob.Job:
        """Send job ``job_id`` now if it is due (with those before it of its draft), as it ended up."""
        job = ob.get_job(self.store, job_id)
        return self._send_now(job)

    def _send_now(self, job: ob.Job) -> ob.Job:
        self.process(draft_id=job.draft_id, target=job.target)
        return ob.get_job(self.store, job.id)

    def process(self, *, draft_id: int | None = None, target: str | None = None, limit: int = 100) -> list[ob.Job]:
        """Send every job that is due (in order), returning them as they ended up."""
        done: list[ob.Job] = []
        for _ in range(limit):
            job = ob.claim_due(self.store, target=target, draft_id=draft_id, lease=self.lease())
            if job is None:
                break
            done.append(self.send(job))
        return done

    def send_budget(self) -> timedelta:
        """How long one send may take in all: every request in it ends by then."""
        return SEND_TIMEOUTS * timedelta(seconds=float(self.settings.get("publishing.timeout_s")))

    def lease(self) -> timedelta:
        """How long a claimed job stays this sender's: always longer than a send may take, so a
        second sender never takes up a job whose first try can still be on the wire."""
        return max(ob.SENDING_LEASE, self.send_budget() + LEASE_MARGIN)

    def settle(self) -> timedelta:
        """Between a search of the target that found nothing and the next: time for a server
        still handling an earlier try to finish, and for a lagging search to catch up."""
        return self.lease()

    def send(self, job: ob.Job) -> ob.Job:
        """Send one claimed job; record success, or failure with when to try again.

        The rule for a try whose outcome is unknown (a timeout or a dropped connection after
        the request went out, a sender that died): the job is *in doubt*; before anything is
        sent again the target is searched for the post's marker, twice, a :meth:`settle` apart,
        and only two searches that both find nothing let it be sent again. A target that cannot
        be searched stops the job until the writer has looked. A try that provably never reached
        the server (connection refused, DNS, TLS) leaves no doubt and is simply sent again."""
        claim = job.attempts  # if the lease ran out meanwhile, the new holder's result stands
        now = self.clock
        try:
            from writer.publishing.http import time_limit

            with time_limit(self.send_budget().total_seconds()):
                remote = self._deliver(job)
        except CannotCheck as exc:
            return ob.fail_job(self.store, job.id, str(exc), permanent=True, next_attempt=now(), attempt=claim,
                               doubt="uncheckable")
        except NotFoundYet as exc:
            return ob.fail_job(self.store, job.id, str(exc), permanent=False, next_attempt=now() + self.settle(),
                               attempt=claim, doubt="missed")
        except PublishError as exc:
            permanent = not exc.retry
            log.info("outbox job %s failed (%s): %s", job.id, "stop" if permanent else "retry", exc)
            wait = backoff(job.attempts)
            after = getattr(exc, "retry_after", None)
            if after:
                wait = max(wait, timedelta(seconds=after))
            return ob.fail_job(self.store, job.id, str(exc), permanent=permanent, next_attempt=now() + wait,
                               attempt=claim, doubt="new" if exc.unknown_outcome else "keep")
        except WriterError as exc:
            return ob.fail_job(self.store, job.id, str(exc), permanent=True, next_attempt=now(), attempt=claim)
        except Exception as exc:  # a bug or an OS error: keep the job, retry later, say what happened
            log.exception("outbox job %s failed unexpectedly", job.id)
            return ob.fail_job(self.store, job.id, f"Unexpected error: {exc!r}", permanent=False,
                               next_attempt=now() + backoff(job.attempts), attempt=claim)
        return ob.complete_job(self.store, job.id, remote_id=remote.id if remote else None,
                               url=remote.url if remote else None, attempt=claim)

    def _deliver(self, job: ob.Job) -> Remote | None:
        target = self.make_target(job.target)
        pub = ob.get_publication(self.store, job.draft_id, job.target)
        known = Remote(pub.remote_id, pub.url or "") if pub and pub.remote_id else None
        if job.action == "delete":
            if pub is None:
                return None
            remote = known or target.find(pub.marker)
            if remote is not None:
                target.delete(remote)
            return None
        assert pub is not None  # enqueue created it
        if known is None and job.in_doubt:
            known = self._search(target, job, pub.marker)
        post = self._post(job, pub.marker)
        return target.update(known, post) if known else target.create(post)

    def _search(self, target: Target, job: ob.Job, marker: str) -> Remote | None:
        """The post an earlier try may have created; raises :class:`NotFoundYet` after the
        first search in vain, and returns None (send again) only after the second."""
        title = job.payload.get("title") or "Untitled"
        try:
            found = target.find(marker)
        except CannotCheck as exc:
            raise CannotCheck(f"Writer cannot tell whether “{title}” reached {job.target}: {exc} Look at the "
                              f"site; if the post is not there, run `writer outbox --resend {job.id}` (or use "
                              "Send again in the outbox).") from exc
        if found is not None or job.doubt_checks >= 1:
            return found
        at = (self.clock() + self.settle()).astimezone()
        raise NotFoundYet(f"An earlier try of “{title}” may still reach {job.target}, and its search does not "
                          f"show it yet; Writer looks again at {at:%H:%M} and sends it only if it is still "
                          "missing.")

    @staticmethod
    def _post(job: ob.Job, marker: str) -> Post:
        p = job.payload
        return Post(draft_id=job.draft_id, title=p.get("title", ""), markdown=p.get("markdown", ""),
                    html=_render(p.get("markdown", "")), marker=marker, tags=tuple(p.get("tags", ())),
                    categories=tuple(p.get("categories", ())), status=p.get("status", "publish"),
                    date=datetime.fromisoformat(p["date"]) if p.get("date") else None)


def _without_title_line(body: str, title: str) -> str:
    """The body minus a first line that only repeats the title (targets show the title already)."""
    first, _, rest = body.lstrip().partition("\n")
    if title and first.lstrip("#").strip() == title:
        return rest.lstrip("\n")
    return body
