"""Micropub: discovery, q=config, create/update/delete, checking after a lost reply."""

from __future__ import annotations

import httpx
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from publishing_fakes import MP_ENDPOINT, MP_SITE, Clock, FakeMicropub

from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.errors import AuthError, PublishError
from writer.publishing.micropub import Micropub, discover
from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store


@pytest.mark.parametrize("how", ["header", "html"])
def test_discovers_the_endpoint(how: str) -> None:
    server = FakeMicropub(discovery=how)
    assert discover(MP_SITE, httpx.Client(transport=server.transport())) == MP_ENDPOINT


def test_no_endpoint_is_a_clear_error() -> None:
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, text="<html></html>")))
    with pytest.raises(PublishError, match="does not advertise a Micropub endpoint"):
        discover(MP_SITE, client)


def test_config_and_bad_token() -> None:
    server = FakeMicropub()
    client = httpx.Client(transport=server.transport())
    assert "media-endpoint" in Micropub("mp", MP_ENDPOINT, "tok", client=client).config()
    with pytest.raises(AuthError, match="bad token"):
        Micropub("mp", MP_ENDPOINT, "wrong", client=client).config()


def _publisher(store: Store, server: FakeMicropub, settings: Settings) -> Publisher:
    creds = Credentials(FailKeyring())
    creds.set("mp", "tok")
    ob.add_target(store, "mp", "micropub", {"site": MP_SITE, "endpoint": MP_ENDPOINT}, default=True)
    return Publisher(store, settings, credentials=creds, transport=server.transport())


def test_publish_update_delete(store: Store, settings: Settings) -> None:
    server = FakeMicropub()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Note\n\nhello *there*", tags=["a"])
    job = publisher.publish(draft.id)
    [(url, props)] = server.entries.items()
    assert job.state == "done" and job.url == url and store.get_draft(draft.id).url == url
    assert props["name"] == ["Note"] and props["category"] == ["a"] and "<em>there</em>" in props["content"][0]["html"]
    store.save_draft(draft.id, body="Note\n\nchanged")
    publisher.publish(draft.id)
    assert list(server.entries) == [url] and "changed" in server.entries[url]["content"][0]["html"]
    store.save_draft(draft.id, tags=[])  # every tag removed: the post loses its categories too
    publisher.publish(draft.id)
    assert "category" not in server.entries[url]
    publisher.unpublish(draft.id)
    assert server.entries == {}


def test_lost_reply_is_checked_with_q_source(store: Store, clock: Clock, settings: Settings) -> None:
    server = FakeMicropub()
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Lost\n\ntext")
    server.fail("lost", "POST", "/micropub")
    assert publisher.publish(draft.id).state == "failed"
    clock.advance(hours=1)
    [done] = publisher.process()
    assert done.state == "done" and len(server.entries) == 1 and done.url == next(iter(server.entries))


def test_server_that_cannot_list_is_never_sent_twice(store: Store, clock: Clock, settings: Settings) -> None:
    server = FakeMicropub(can_list=False)
    publisher = _publisher(store, server, settings)
    draft = store.create_draft("Lost\n\ntext")
    server.fail("lost", "POST", "/micropub")
    publisher.publish(draft.id)
    clock.advance(hours=1)
    [job] = publisher.process()
    assert (job.state, job.permanent) == ("failed", True) and "cannot list" in (job.reason or "")
    assert len(server.entries) == 1
