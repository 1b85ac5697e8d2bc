"""WordPress REST details: the rest_route fallback, terms, errors a user can act on."""

from __future__ import annotations

import httpx
import pytest
from publishing_fakes import WP, FakeWordPress

from writer.publishing.errors import AuthError, PublishError, TransientError, UnknownOutcome
from writer.publishing.render import markdown_to_html
from writer.publishing.target import Post, Remote
from writer.publishing.wordpress import WordPress


def _post(**kwargs: object) -> Post:
    values: dict = {"draft_id": 1, "title": "T", "markdown": "x", "html": markdown_to_html("x"),
                    "marker": "writer-1-1", **kwargs}
    return Post(**values)


def _wp(server: FakeWordPress, password: str = "app pass") -> WordPress:
    return WordPress("blog", WP, "admin", password, client=httpx.Client(transport=server.transport()))


@pytest.mark.parametrize("pretty", [True, False])
def test_create_update_delete_with_either_url_style(pretty: bool) -> None:
    server = FakeWordPress(pretty=pretty)
    wp = _wp(server)
    remote = wp.create(_post(tags=("One", "two"), categories=("Uncategorized", "News")))
    post = server.posts[int(remote.id)]
    assert {server.terms["tags"][t] for t in post["tags"]} == {"One", "two"}
    assert [server.terms["categories"][c] for c in post["categories"]] == ["Uncategorized", "News"]
    wp.update(remote, _post(title="T2", tags=("one",)))  # existing tag matched case-insensitively
    assert server.posts[int(remote.id)]["title"] == "T2" and len(server.terms["tags"]) == 2
    assert wp.find("writer-1-1") == remote
    wp.delete(remote)
    wp.delete(remote)  # already gone is fine
    assert server.posts == {} and wp.find("writer-1-1") is None
    used = {("rest_route" in r.url.params) for r in server.requests
            if "wp/v2" in r.url.params.get("rest_route", r.url.path)}
    assert used == {not pretty}


def test_errors_say_what_happened() -> None:
    server = FakeWordPress()
    with pytest.raises(AuthError, match="refused the credentials"):
        _wp(server, "nope").create(_post())
    wp = _wp(server)
    server.fail(502, "POST", "/posts")
    with pytest.raises(TransientError, match="server error"):
        wp.create(_post())
    server.fail("down", "POST", "/posts")
    with pytest.raises(TransientError, match="Could not reach") as down:
        wp.create(_post())
    assert not down.value.unknown_outcome
    server.fail("timeout", "POST", "/posts")
    with pytest.raises(UnknownOutcome):
        wp.create(_post())
    server.fail(400, "POST", "/posts")
    with pytest.raises(PublishError, match="rejected the request") as rejected:
        wp.create(_post())
    assert not rejected.value.retry


def test_a_garbled_reply_to_a_create_is_an_unknown_outcome() -> None:
    def garbled(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/wp-json/":
            return httpx.Response(200, json={})
        return httpx.Response(201, text="<br><b>Warning</b>: PHP noise {", headers={"content-type": "text/html"})

    wp = WordPress("blog", WP, "admin", "pw", client=httpx.Client(transport=httpx.MockTransport(garbled)))
    with pytest.raises(UnknownOutcome, match="malformed"):
        wp.create(_post())


def test_a_redirect_loop_or_a_non_http_address_stops_instead_of_retrying_forever() -> None:
    from writer.publishing.http import make_client, send

    def loop(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": str(request.url)})

    client = make_client(transport=httpx.MockTransport(loop))
    with pytest.raises(PublishError, match="redirects in a loop") as looped:
        send(client, "GET", "https://blog.example/", service="WordPress")
    with pytest.raises(PublishError, match="not a valid http") as scheme:
        send(make_client(), "GET", "ftp://blog.example/", service="WordPress")
    assert not looped.value.retry and not scheme.value.retry


def test_missing_password_is_an_auth_error_without_a_request() -> None:
    server = FakeWordPress()
    with pytest.raises(AuthError, match="WRITER_WP_PASSWORD"):
        WordPress("blog", WP, "admin", None, client=httpx.Client(transport=server.transport())).create(_post())
    assert server.requests == []


def test_tls_verification_stays_on() -> None:
    from writer.publishing.http import make_client

    client = make_client()
    assert client._transport._pool._ssl_context.verify_mode.name == "CERT_REQUIRED"  # type: ignore[attr-defined]
    assert client.timeout.read == 20.0 and client.timeout.connect == 10.0
    _ = Remote  # re-exported type used by targets
