"""The fault suite: every way a blog can misbehave ends with exactly one post, or a clear stop with none.

Each scenario runs the real outbox and publisher over real sockets (:mod:`fault_server`),
for WordPress and for Micropub, through the app's retry timer (``Publisher.process``, what
its 60-second timer calls) or the CLI's ``outbox --retry``. The store's clock is the test's,
so waits of minutes take none; the request deadline (``publishing.timeout_s``) is 1 s.

Issue #13's items: 5 (a slow server and the retry that followed), 6 (a trickling answer),
7 (a lagging search), 8 (Micropub without q=source), 9 (a sender killed mid-send).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fault_server import FaultServer
from keyring.backends.fail import Keyring as FailKeyring
from publishing_fakes import Clock, FakeMicropub, FakeWordPress

from writer.cli import main
from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store

KINDS = ["wordpress", "micropub"]
TIMEOUT_S = 1.0
REPO = Path(__file__).resolve().parents[2]


class Blog:
    """One fake blog of either kind behind a :class:`FaultServer`."""

    def __init__(self, kind: str, clock: Clock, *, can_list: bool = True) -> None:
        self.kind = kind
        self.fake = FakeWordPress() if kind == "wordpress" else FakeMicropub(can_list=can_list)
        self.fake.clock = clock
        self.server = FaultServer(self.fake)
        self.secret = "app pass" if kind == "wordpress" else "tok"

    def posts(self) -> int:
        self.server.settle()
        return len(self.fake.posts) if isinstance(self.fake, FakeWordPress) else len(self.fake.entries)

    def fault(self, mode: str | int, times: int = 1) -> None:
        self.server.fault(mode, "POST", "/posts" if self.kind == "wordpress" else "/micropub", times)

    def add_to(self, store: Store) -> None:
        url = self.server.url
        config = {"url": url, "user": "admin"} if self.kind == "wordpress" else {
            "site": url + "/", "endpoint": url + "/micropub"}
        ob.add_target(store, "blog", self.kind, config, default=True)

    def publisher(self, store: Store, settings: Settings, secret: str | None = None) -> Publisher:
        creds = Credentials(FailKeyring())
        creds.set("blog", secret or self.secret)
        return Publisher(store, settings, credentials=creds)

    def searches(self) -> int:
        """Requests that looked for a post (a search, or the list of the newest)."""
        return sum(1 for r in self.fake.requests if r.method == "GET" and (
            r.url.params.get("q") == "source" or "/posts" in (r.url.params.get("rest_route") or r.url.path)))


@pytest.fixture
def fast(settings: Settings, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A 1-second request deadline, secrets in the environment for the CLI, and the CLI's
    store on the test's clock."""
    settings.set("publishing.timeout_s", TIMEOUT_S)
    settings.save()
    monkeypatch.setenv("WRITER_WP_PASSWORD", "app pass")
    monkeypatch.setenv("WRITER_MICROPUB_TOKEN", "tok")
    monkeypatch.setattr("writer.store.store.utcnow", clock)
    return settings


@pytest.fixture
def blogs(clock: Clock) -> Iterator[Callable[..., Blog]]:
    made: list[Blog] = []

    def make(kind: str, **kwargs: bool) -> Blog:
        made.append(Blog(kind, clock, **kwargs))
        return made[-1]

    yield make
    for blog in made:
        blog.server.close()


def _setup(blogs: Callable[..., Blog], kind: str, store: Store, settings: Settings,
           **kwargs: bool) -> tuple[Blog, Publisher, int]:
    blog = blogs(kind, **kwargs)
    blog.add_to(store)
    return blog, blog.publisher(store, settings), store.create_draft("Faulty\n\nA post that must go out once.").id


def _job(store: Store) -> ob.Job:
    [job] = ob.list_jobs(store, limit=1)
    return job


def _done_once(blog: Blog, store: Store, draft_id: int) -> None:
    job = _job(store)
    assert job.state == "done", job.reason
    assert blog.posts() == 1
    assert store.get_draft(draft_id).url == job.url


# -- item 5: a server slower than the deadline, and the retries that follow ---------------


@pytest.mark.parametrize("kind", KINDS)
def test_slow_server_then_the_retry_timer(blogs, kind: str, store: Store, clock: Clock, fast: Settings) -> None:  # type: ignore[no-untyped-def]
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fault("slow")  # handles the create 2.5 s later, long after the client gave up
    job = publisher.publish(draft)
    assert job.state == "failed" and job.in_doubt and "did not answer in time" in (job.reason or "")
    clock.advance(minutes=1)  # the app's retry timer, while the server is still at it
    [job] = publisher.process()
    assert job.state == "failed" and "looks again" in (job.reason or "") and blog.fake.requests
    assert blog.posts() == 1  # the first try arrived after all
    clock.advance(minutes=1)
    assert publisher.process() == []  # not resent on the next tick
    clock.advance(seconds=publisher.settle().total_seconds())
    publisher.process()
    _done_once(blog, store, draft)


@pytest.mark.parametrize("kind", KINDS)
def test_slow_server_then_outbox_retry(blogs, kind: str, store: Store, clock: Clock, fast: Settings,  # type: ignore[no-untyped-def]
                                       capsys: pytest.CaptureFixture[str]) -> None:
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fault("slow")
    assert main(["publish", str(draft)]) == 75  # only queued
    assert "did not answer in time" in capsys.readouterr().out
    assert main(["outbox", "--retry"]) == 1  # what the message advises, at once
    assert blog.posts() == 1
    assert main(["outbox", "--retry"]) == 1  # and again: still one post
    assert blog.posts() == 1 and "looks again" in capsys.readouterr().out
    clock.advance(seconds=publisher.settle().total_seconds())
    assert main(["outbox", "--retry"]) == 0
    _done_once(blog, store, draft)


# -- item 6: an answer trickled a byte at a time --------------------------------------------


@pytest.mark.parametrize("mode", ["trickle", "trickle-body"])
@pytest.mark.parametrize("kind", KINDS)
def test_a_trickling_answer_ends_by_the_deadline(blogs, kind: str, mode: str, store: Store, clock: Clock,  # type: ignore[no-untyped-def]
                                                 fast: Settings) -> None:
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fault(mode)  # created at once; the answer comes a byte every 0.3 s (every read is quick)
    started = time.monotonic()
    job = publisher.publish(draft)
    elapsed = time.monotonic() - started
    assert elapsed < 2 * TIMEOUT_S + 0.5, f"the send took {elapsed:.1f} s past its {TIMEOUT_S} s deadline"
    assert job.state == "failed" and job.in_doubt
    assert publisher.lease().total_seconds() > publisher.send_budget().total_seconds() > TIMEOUT_S
    clock.advance(minutes=1)
    publisher.process()
    _done_once(blog, store, draft)


# -- item 7: a search that lags behind new posts ----------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_a_lagging_search_finds_the_post_among_the_newest(blogs, kind: str, store: Store, clock: Clock,  # type: ignore[no-untyped-def]
                                                          fast: Settings) -> None:
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fake.search_lag = clock.now - clock.now.replace(year=2029)  # the search index is far behind
    blog.fault("drop")
    assert publisher.publish(draft).in_doubt and blog.posts() == 1
    clock.advance(minutes=1)
    publisher.process()
    _done_once(blog, store, draft)


@pytest.mark.parametrize("kind", KINDS)
def test_a_blog_that_lags_everywhere_is_searched_again_before_a_resend(blogs, kind: str, store: Store,  # type: ignore[no-untyped-def]
                                                                       clock: Clock, fast: Settings) -> None:
    from datetime import timedelta

    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fake.search_lag = blog.fake.list_lag = timedelta(minutes=3)
    blog.fault("drop")
    publisher.publish(draft)
    clock.advance(minutes=1)
    [job] = publisher.process()
    assert job.state == "failed" and not job.permanent and "looks again" in (job.reason or "")
    clock.advance(seconds=publisher.settle().total_seconds())
    publisher.process()
    _done_once(blog, store, draft)


# -- connections dropped after the create, restarts -----------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_dropped_after_create_then_the_retry_timer(blogs, kind: str, store: Store, clock: Clock,  # type: ignore[no-untyped-def]
                                                   fast: Settings) -> None:
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fault("drop")
    job = publisher.publish(draft)
    assert job.state == "failed" and job.in_doubt and blog.posts() == 1
    clock.advance(minutes=1)
    publisher.process()
    _done_once(blog, store, draft)


@pytest.mark.parametrize("kind", KINDS)
def test_dropped_after_create_then_a_restart(blogs, kind: str, open_store: Callable[[], Store], clock: Clock,  # type: ignore[no-untyped-def]
                                             fast: Settings) -> None:
    store = open_store()
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fault("drop")
    publisher.publish(draft)
    store.close()
    clock.advance(hours=1)
    store = open_store()  # the app starts again
    blog.publisher(store, fast).process()
    _done_once(blog, store, draft)


@pytest.mark.parametrize("kind", KINDS)
def test_refused_then_a_restart_sends_without_searching(blogs, kind: str, open_store: Callable[[], Store],  # type: ignore[no-untyped-def]
                                                        clock: Clock, fast: Settings) -> None:
    store = open_store()
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.server.down()
    job = publisher.publish(draft)
    assert job.state == "failed" and not job.in_doubt and "Could not reach" in (job.reason or "")
    store.close()
    blog.server.up()
    clock.advance(minutes=5)
    store = open_store()
    blog.publisher(store, fast).process()
    _done_once(blog, store, draft)
    assert blog.searches() == 0  # it never reached the server: nothing to look for


@pytest.mark.parametrize("kind", KINDS)
def test_refused_then_back_up(blogs, kind: str, store: Store, clock: Clock, fast: Settings,  # type: ignore[no-untyped-def]
                              capsys: pytest.CaptureFixture[str]) -> None:
    blog, _, draft = _setup(blogs, kind, store, fast)
    blog.server.down()
    assert main(["publish", str(draft)]) == 75
    assert "Could not reach" in capsys.readouterr().out
    blog.server.up()
    assert main(["outbox", "--retry"]) == 0
    _done_once(blog, store, draft)


# -- answers that say no, or later ----------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_wrong_credentials_stop_with_no_post(blogs, kind: str, store: Store, clock: Clock, fast: Settings) -> None:  # type: ignore[no-untyped-def]
    blog = blogs(kind)
    blog.add_to(store)
    publisher = blog.publisher(store, fast, secret="wrong")
    job = publisher.publish(store.create_draft("Refused\n\ntext").id)
    assert (job.state, job.permanent) == ("failed", True) and "refused the credentials" in (job.reason or "")
    sent = len(blog.fake.requests)
    clock.advance(days=2)
    assert publisher.process() == [] and len(blog.fake.requests) == sent and blog.posts() == 0


@pytest.mark.parametrize("kind", KINDS)
def test_too_many_requests_waits_as_long_as_the_server_asks(blogs, kind: str, store: Store, clock: Clock,  # type: ignore[no-untyped-def]
                                                           fast: Settings) -> None:
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fault(429)  # Retry-After: 120
    job = publisher.publish(draft)
    assert job.state == "failed" and not job.in_doubt and job.next_attempt >= clock.now.replace(microsecond=0)
    assert (job.next_attempt - clock.now).total_seconds() >= 120 and "slow down" in (job.reason or "")
    clock.advance(seconds=60)
    assert publisher.process() == []  # the usual 30-second backoff would have asked again already
    clock.advance(seconds=61)
    publisher.process()
    _done_once(blog, store, draft)


@pytest.mark.parametrize("kind", KINDS)
def test_server_errors_are_retried(blogs, kind: str, store: Store, clock: Clock, fast: Settings) -> None:  # type: ignore[no-untyped-def]
    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fault(500, times=2)
    for _ in range(2):
        job = publisher.publish(draft) if not ob.list_jobs(store) else publisher.process()[0]
        assert job.state == "failed" and not job.in_doubt and "server error (500" in (job.reason or "")
        clock.now = job.next_attempt
    publisher.process()
    _done_once(blog, store, draft)


# -- item 9: a sender killed mid-send ---------------------------------------------------------


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="telling a dead sender needs /proc (Linux)")
@pytest.mark.parametrize("kind", KINDS)
def test_a_send_killed_mid_request_is_taken_up_by_outbox_retry(blogs, kind: str, store: Store, fast: Settings,  # type: ignore[no-untyped-def]
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import UTC, datetime

    monkeypatch.setattr("writer.store.store.utcnow", lambda: datetime.now(UTC))  # two processes: real time for both
    blog, _, draft = _setup(blogs, kind, store, fast)
    blog.fault("hang")  # the post is made, the answer held: the sender is killed waiting for it
    script = ("import sys; from writer.settings import Settings; from writer.store import Store; "
              "from writer.publishing.publisher import Publisher; "
              "Publisher(Store.open(), Settings.load()).publish(int(sys.argv[1]))")
    sender = subprocess.Popen([sys.executable, "-c", script, str(draft)], cwd=REPO,
                              env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert blog.server.arrived.wait(30), "the sender never reached the server"
    finally:
        sender.send_signal(signal.SIGKILL)
        sender.wait(10)
    with Store.open() as own:
        assert _job(own).state == "sending" and own.clock() < _job(own).next_attempt  # its lease still runs
    assert main(["outbox", "--retry"]) == 0
    out = capsys.readouterr().out
    assert f"(pid {sender.pid}) has stopped" in out
    blog.server.release()
    _done_once(blog, store, draft)


# -- item 8: Micropub without q=source ------------------------------------------------------


def test_micropub_without_source_sends_after_a_refused_connection(blogs, store: Store, clock: Clock,  # type: ignore[no-untyped-def]
                                                                  fast: Settings) -> None:
    blog, publisher, draft = _setup(blogs, "micropub", store, fast, can_list=False)
    blog.server.down()
    assert publisher.publish(draft).state == "failed"
    blog.server.up()
    clock.advance(minutes=1)
    publisher.process()
    _done_once(blog, store, draft)


def test_micropub_without_source_and_a_lost_answer_asks_the_writer(blogs, store: Store, clock: Clock,  # type: ignore[no-untyped-def]
                                                                   fast: Settings,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    blog, publisher, draft = _setup(blogs, "micropub", store, fast, can_list=False)
    blog.fault("drop")
    publisher.publish(draft)
    clock.advance(minutes=1)
    [job] = publisher.process()
    assert (job.state, job.permanent, job.needs_a_look) == ("failed", True, True)
    assert f"writer outbox --resend {job.id}" in (job.reason or "") and "cannot tell" in (job.reason or "")
    assert main(["outbox", "--retry"]) == 1  # never resent blindly
    assert "unknown (look)" in capsys.readouterr().out
    clock.advance(days=1)
    assert publisher.process() == [] and blog.posts() == 1


def test_micropub_without_source_and_a_lost_request_is_resent_when_the_writer_says(blogs, store: Store,  # type: ignore[no-untyped-def]
                                                                                    clock: Clock,
                                                                                    fast: Settings) -> None:
    blog, publisher, draft = _setup(blogs, "micropub", store, fast, can_list=False)
    blog.server.slow_s = 1.5
    blog.fault("swallow")  # taken, never handled
    publisher.publish(draft)
    clock.advance(minutes=1)
    [job] = publisher.process()
    assert job.needs_a_look and blog.posts() == 0
    assert main(["outbox", "--resend", str(job.id)]) == 0  # the writer looked: it is not there
    _done_once(blog, store, draft)


@pytest.mark.parametrize("kind", KINDS)
def test_an_edit_while_a_search_lags_does_not_hurry_a_resend(blogs, kind: str, store: Store, clock: Clock,  # type: ignore[no-untyped-def]
                                                             fast: Settings) -> None:
    from datetime import timedelta

    blog, publisher, draft = _setup(blogs, kind, store, fast)
    blog.fake.search_lag = blog.fake.list_lag = timedelta(minutes=3)
    blog.fault("drop")
    publisher.publish(draft)
    clock.advance(minutes=1)
    publisher.process()  # searched in vain once
    store.save_draft(draft, body="Faulty\n\nEdited while it waits.")
    publisher.publish(draft)  # the writer presses Publish again
    assert blog.posts() == 1 and "looks again" in (_job(store).reason or "")
    clock.advance(seconds=publisher.settle().total_seconds())
    publisher.process()
    _done_once(blog, store, draft)
    content = next(iter(blog.fake.posts.values()))["content"] if kind == "wordpress" else \
        next(iter(blog.fake.entries.values()))["content"][0]["html"]
    assert "Edited while it waits" in content  # the found post was updated with the edit
