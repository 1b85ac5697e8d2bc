"""One-click publish over the outbox: retries, restarts, unknown outcomes, credentials, no duplicates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from keyring.backends.fail import Keyring as FailKeyring
from publishing_fakes import WP, Clock, FakeWordPress

from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.errors import CopyFlagged
from writer.publishing.publisher import Publisher, backoff
from writer.settings import Settings
from writer.store import ProvenanceSpan, Store


def _publisher(store: Store, server: FakeWordPress, settings: Settings, *, password: str = "app pass",
               **kwargs: object) -> Publisher:
    creds = Credentials(FailKeyring())
    creds.set("blog", password)
    if not any(t.name == "blog" for t in ob.list_targets(store)):
        ob.add_target(store, "blog", "wordpress", {"url": WP, "user": "admin"}, default=True)
    return Publisher(store, settings, credentials=creds, transport=server.transport(), **kwargs)  # type: ignore[arg-type]


def test_publish_creates_then_updates_the_same_post(store: Store, settings: Settings) -> None:
    server = FakeWordPress()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("First line\n\nBody text.", tags=["Essays"])
    job = publisher.publish(draft.id)
    assert job.state == "done"
    [post] = server.posts.values()
    assert post["title"] == "First line" and "<p>Body text.</p>" in post["content"]
    assert [server.terms["tags"][t] for t in post["tags"]] == ["Essays"]
    published = store.get_draft(draft.id)
    assert (published.status, published.url) == ("published", post["link"])
    assert store.revisions(draft.id)[0].reason == "publish"

    store.save_draft(draft.id, body="First line\n\nBetter body.")
    again = publisher.publish(draft.id)
    assert again.state == "done" and len(server.posts) == 1
    assert "Better body." in next(iter(server.posts.values()))["content"]


def test_offline_publish_waits_and_finishes_after_a_restart(open_store: Callable[[], Store], clock: Clock,
                                                            settings: Settings) -> None:
    server = FakeWordPress()
    store = open_store()
    draft = store.create_draft("Offline post\n\ntext")
    server.failures = ["down"] * 3
    job = _publisher(store, server, settings).publish(draft.id)
    assert (job.state, job.permanent) == ("failed", False)
    assert "Could not reach" in (job.reason or "")
    assert job.next_attempt == clock.now + backoff(1)
    store.close()

    clock.advance(seconds=10)  # restart before the retry is due: nothing is sent yet
    store = open_store()
    publisher = _publisher(store, server, settings)
    assert publisher.process() == []
    clock.advance(minutes=1)
    [failed_again] = publisher.process()
    assert failed_again.state == "failed" and failed_again.next_attempt == clock.now + backoff(2)
    clock.advance(hours=1)
    server.failures = []
    # the draft was edited while offline: the queued job carries the latest text, still one job
    store.save_draft(draft.id, body="Offline post\n\nnewer text")
    publisher.publish(draft.id, send=False)
    [done] = publisher.process()
    assert done.id == job.id and done.state == "done"
    assert len(server.posts) == 1 and "newer text" in next(iter(server.posts.values()))["content"]
    assert store.get_draft(draft.id).status == "published"


@pytest.mark.parametrize("failure", ["lost", "timeout"])
def test_unknown_outcome_checks_the_target_before_resending(store: Store, clock: Clock, settings: Settings,
                                                           failure: str) -> None:
    server = FakeWordPress()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Maybe sent\n\ntext")
    # "lost": the post was created but the reply never came; "timeout": it never arrived
    server.fail(failure, "POST", "/posts")
    job = publisher.publish(draft.id)
    assert job.state == "failed" and not job.permanent
    assert len(server.posts) == (1 if failure == "lost" else 0)
    clock.advance(hours=1)
    [done] = publisher.process()
    if failure == "timeout":  # searched in vain once: searched again later before it is sent again
        assert done.state == "failed" and "looks again" in (done.reason or "") and not server.posts
        clock.advance(hours=1)
        [done] = publisher.process()
    assert done.state == "done"
    assert len(server.posts) == 1
    searches = [r for r in server.requests if r.url.params.get("search", "").startswith("writer-")]
    assert searches, "the target was not checked before re-sending"
    assert store.get_draft(draft.id).url == next(iter(server.posts.values()))["link"]


def test_a_job_abandoned_mid_send_is_taken_up_after_its_lease(open_store: Callable[[], Store], clock: Clock,
                                                              settings: Settings) -> None:
    server = FakeWordPress()
    store = open_store()
    draft = store.create_draft("Crash\n\ntext")
    publisher = _publisher(store, server, settings)
    publisher.publish(draft.id, send=False)
    claimed = ob.claim_due(store)
    assert claimed is not None and claimed.state == "sending"
    server.handle(_create_request(publisher, claimed))  # the request arrived, then the app died
    store.close()
    store = open_store()
    publisher = _publisher(store, server, settings)
    assert publisher.process() == []  # another process may still be sending it
    clock.advance(minutes=6)
    [done] = publisher.process()
    assert done.state == "done" and len(server.posts) == 1


def test_a_slow_send_is_not_taken_up_and_posted_twice(store: Store, clock: Clock, settings: Settings) -> None:
    settings.set("publishing.timeout_s", 120.0)  # a slow blog: a send may take many minutes
    server = FakeWordPress()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Slow\n\ntext", tags=["a", "b"])
    second: list[list[ob.Job]] = []
    handle = server.handle

    def slow(request):  # type: ignore[no-untyped-def]
        if request.method == "POST" and request.url.path.endswith("/posts") and not second:
            clock.advance(minutes=6)  # the POST hangs past the old 5-minute lease
            second.append(_publisher(store, server, settings).process())  # the outbox timer fires meanwhile
        return handle(request)

    server.handle = slow  # type: ignore[method-assign]
    job = publisher.publish(draft.id)
    assert second == [[]] and job.state == "done" and len(server.posts) == 1


def test_a_sender_that_lost_its_claim_does_not_overwrite_the_new_result(store: Store, clock: Clock,
                                                                          settings: Settings) -> None:
    publisher = _publisher(store, FakeWordPress(), settings)
    draft = store.create_draft("Stale\n\ntext")
    publisher.publish(draft.id, send=False)
    stale = ob.claim_due(store)
    assert stale is not None
    clock.advance(minutes=6)  # its lease ran out: the job is taken up again
    fresh = ob.claim_due(store)
    assert fresh is not None and fresh.attempts == stale.attempts + 1
    ob.complete_job(store, fresh.id, remote_id="7", url="https://blog.example/?p=7", attempt=fresh.attempts)
    late = ob.fail_job(store, stale.id, "timed out", permanent=False, next_attempt=clock.now,
                       attempt=stale.attempts)
    assert late.state == "done" and store.get_draft(draft.id).url == "https://blog.example/?p=7"


def _create_request(publisher: Publisher, job: ob.Job):  # type: ignore[no-untyped-def]
    import httpx

    pub = ob.get_publication(publisher.store, job.draft_id, job.target)
    assert pub is not None
    return httpx.Request("POST", f"{WP}/wp-json/wp/v2/posts", json={
        "title": job.payload["title"], "content": f"x <!-- {pub.marker} -->", "status": "publish"},
        headers={"authorization": httpx.BasicAuth("admin", "app pass")._auth_header})


def test_wrong_password_fails_once_with_a_clear_reason(store: Store, clock: Clock, settings: Settings) -> None:
    server = FakeWordPress()
    publisher = _publisher(store, server, settings, password="wrong")
    draft = store.create_draft("Secret\n\ntext")
    job = publisher.publish(draft.id)
    assert (job.state, job.permanent) == ("failed", True)
    assert "refused the credentials" in (job.reason or "") and "wrong" not in (job.reason or "").split("(")[0]
    sent = len(server.requests)
    clock.advance(days=2)
    assert publisher.process() == [] and len(server.requests) == sent  # not retried forever
    publisher.credentials.set("blog", "app pass")
    assert ob.retry_failed(store) == 1
    [done] = publisher.process()
    assert done.state == "done" and len(server.posts) == 1


def test_server_errors_retry_with_growing_backoff(store: Store, clock: Clock, settings: Settings) -> None:
    server = FakeWordPress()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Flaky\n\ntext")
    server.failures = [503] * 20
    publisher.publish(draft.id)
    waits = []
    for _ in range(4):
        job = ob.list_jobs(store)[0]
        waits.append(job.next_attempt - clock.now)
        clock.now = job.next_attempt
        publisher.process()
    assert waits == [backoff(n) for n in range(1, 5)] and waits[0] < waits[1] < waits[2]
    assert "server error (503" in (ob.list_jobs(store)[0].reason or "")
    assert backoff(40) == timedelta(hours=6)
    assert backoff(43) == backoff(10_000) == timedelta(hours=6)  # days offline: still a wait, not an overflow


def test_ghostwritten_drafts_are_tagged_and_disclosed(store: Store, settings: Settings) -> None:
    server = FakeWordPress()
    settings.set("publishing.disclosure", True)
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Ghost\n\nA machine wrote this sentence.")
    store.set_provenance(draft.id, [ProvenanceSpan(7, 20, "tiny", 1, datetime.now(UTC))])
    mine = store.create_draft("Mine\n\nAll mine.")
    publisher.publish(draft.id)
    publisher.publish(mine.id)
    ghost, own = server.posts.values()
    assert [server.terms["tags"][t] for t in ghost["tags"]] == ["ghostwritten"]
    assert settings.get("publishing.disclosure_text") in ghost["content"]
    assert own["tags"] == [] and settings.get("publishing.disclosure_text") not in own["content"]


def test_copy_flags_block_publishing_unless_forced(store: Store, settings: Settings) -> None:
    server = FakeWordPress()
    flags = [{"level": "copy", "start": 0, "end": 5}, {"level": "echo"}]
    publisher = _publisher(store, server, settings, copy_check=lambda text: flags)
    draft = store.create_draft("Copied\n\ntext")
    with pytest.raises(CopyFlagged, match="1 passage flagged"):
        publisher.publish(draft.id)
    assert server.posts == {} and ob.list_jobs(store) == []
    assert publisher.publish(draft.id, force=True).state == "done"


def test_keep_updating_updates_the_post_on_save(store: Store, settings: Settings) -> None:
    server = FakeWordPress()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Live\n\nv1")
    publisher.publish(draft.id, keep_updating=True)
    store.save_draft(draft.id, body="Live\n\nv2")
    assert [j.action for j in publisher.on_saved(draft.id)] == ["publish"]
    publisher.process()
    assert len(server.posts) == 1 and "v2" in next(iter(server.posts.values()))["content"]
    other = store.create_draft("Not live\n\nv1")
    publisher.publish(other.id)
    assert publisher.on_saved(other.id) == []


def test_unpublish_deletes_the_remote_post(store: Store, settings: Settings) -> None:
    server = FakeWordPress()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Gone soon\n\ntext")
    publisher.publish(draft.id)
    job = publisher.unpublish(draft.id)
    assert job.state == "done" and server.posts == {}
    assert (store.get_draft(draft.id).status, store.get_draft(draft.id).url) == ("draft", None)


def test_scheduled_and_bad_input(store: Store, clock: Clock, settings: Settings) -> None:
    server = FakeWordPress()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Later\n\ntext")
    with pytest.raises(WriterError, match="date in the future"):
        publisher.publish(draft.id, status="future", date=clock.now - timedelta(days=1))
    with pytest.raises(WriterError, match="empty"):
        publisher.publish(store.create_draft("").id)
    with pytest.raises(WriterError, match="No publishing target called 'nope'"):
        publisher.publish(draft.id, "nope")
    job = publisher.publish(draft.id, status="future", date=clock.now + timedelta(days=2))
    post = next(iter(server.posts.values()))
    assert job.state == "done" and post["status"] == "future" and post["date_gmt"] == "2030-03-06T09:00:00"
    assert store.get_draft(draft.id).status == "published"


def test_default_target_is_the_static_site(store: Store, settings: Settings, writer_home) -> None:  # type: ignore[no-untyped-def]
    draft = store.create_draft("Static\n\ntext")
    job = Publisher(store, settings, credentials=Credentials(FailKeyring())).publish(draft.id)
    assert job.state == "done" and job.target == "site"
    assert (writer_home / "site" / "index.html").is_file()
    assert store.get_draft(draft.id).url.startswith("file://")


def test_a_job_tried_before_the_upgrade_is_searched_for_before_it_is_sent_again(settings: Settings,
                                                                                 clock: Clock) -> None:
    with Store.open() as store:
        store.clock = clock
        server = FakeWordPress()
        publisher = _publisher(store, server, settings)
        draft = store.create_draft("Old try\n\ntext")
        server.fail("lost", "POST", "/posts")
        publisher.publish(draft.id)
        # back to schema 6, as an older Writer recorded the failed try (before the outbox's v7 columns)
        store.db.execute("PRAGMA user_version = 6")
        store.db.executescript("ALTER TABLE outbox DROP COLUMN doubt_since; ALTER TABLE outbox DROP COLUMN "
                               "doubt_checks; ALTER TABLE outbox DROP COLUMN claimed_by; "
                               "ALTER TABLE activity DROP COLUMN machine; ALTER TABLE activity DROP COLUMN pasted;")
    with Store.open() as store:  # upgraded: the failed try counts as one that may have arrived
        store.clock = clock
        assert ob.list_jobs(store)[0].in_doubt
        clock.advance(hours=1)
        [done] = _publisher(store, server, settings).process()
        assert done.state == "done" and len(server.posts) == 1


def test_a_send_taken_over_after_one_empty_search_is_searched_twice_again(store: Store, clock: Clock) -> None:
    """A lagging blog: one search found nothing, the resend went out, its process died. The post may be
    there now, so the next sender must search twice again before a third send (not once)."""
    store.clock = clock
    ob.add_target(store, "blog", "wordpress", {"url": "https://blog.example", "user": "a"}, default=True)
    draft = store.create_draft("Lagging\n\nbody")
    ob.enqueue(store, draft.id, "blog", "publish", {"title": "Lagging"})
    job = ob.claim_due(store)
    ob.fail_job(store, job.id, "timed out", permanent=False, next_attempt=clock(), attempt=job.attempts, doubt="new")
    job = ob.claim_due(store)
    ob.fail_job(store, job.id, "not found yet", permanent=False, next_attempt=clock(), attempt=job.attempts,
                doubt="missed")
    ob.claim_due(store)  # the second search found nothing either: the create goes out, and the sender dies
    clock.advance(minutes=30)  # long past its lease
    taken = ob.claim_due(store)
    assert taken.in_doubt and taken.doubt_checks == 0
