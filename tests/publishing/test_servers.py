"""Against real servers (WordPress, django-indieweb Micropub) started by /work/shared/tools/*-test-server.sh.

Set WP_URL, WP_USER, WP_APP_PASSWORD and/or MICROPUB_ENDPOINT, MICROPUB_TOKEN; each test
skips, saying which, when they are absent. The "killed mid-publish" tests put a TCP proxy
between Writer and the server that forwards the request and then drops the connection
without the reply: the post exists, the app never hears of it, and after a store restart
the outbox must finish with exactly one remote post.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from publishing_fakes import Clock

from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.micropub import Micropub
from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store

pytestmark = pytest.mark.server


def _env(*names: str) -> dict[str, str]:
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        pytest.skip(f"no test server configured: set {', '.join(missing)} (.ci/run starts them)")
    return {n: os.environ[n] for n in names}


class DroppingProxy:
    """Forwards one HTTP request per connection to ``upstream``; with :attr:`drop` set, the
    next request whose first line contains it is forwarded and its reply thrown away."""

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.drop: bytes | None = None
        self.dropped = 0
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(client,), daemon=True).start()

    def _handle(self, client: socket.socket) -> None:
        with client:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = client.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            length = next((int(line.split(b":")[1]) for line in lines if line.lower().startswith(b"content-length:")),
                          0)
            while len(body) < length:
                body += client.recv(65536)
            lines = [line for line in lines if not line.lower().startswith((b"host:", b"connection:"))]
            lines += [f"Host: {self.host}:{self.port}".encode(), b"Connection: close"]
            request = b"\r\n".join(lines) + b"\r\n\r\n" + body
            with socket.create_connection((self.host, self.port), timeout=30) as up:
                up.sendall(request)
                reply = b""
                while chunk := up.recv(65536):
                    reply += chunk
            if self.drop is not None and self.drop in lines[0]:
                self.drop = None
                self.dropped += 1
                client.shutdown(socket.SHUT_RDWR)  # the server did the work; the reply is lost
                return
            client.sendall(reply)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def proxy_factory() -> Iterator[Callable[[str], DroppingProxy]]:
    proxies: list[DroppingProxy] = []

    def make(upstream: str) -> DroppingProxy:
        proxies.append(DroppingProxy(upstream))
        return proxies[-1]

    yield make
    for proxy in proxies:
        proxy.close()


def _wp_publisher(store: Store, settings: Settings, url: str, password: str) -> Publisher:
    env = _env("WP_URL", "WP_USER", "WP_APP_PASSWORD")
    creds = Credentials(FailKeyring())
    creds.set("wp", password)
    ob.add_target(store, "wp", "wordpress", {"url": url, "user": env["WP_USER"]}, default=True)
    return Publisher(store, settings, credentials=creds)


def _wp_get(path: str, **params: str) -> httpx.Response:
    env = _env("WP_URL", "WP_USER", "WP_APP_PASSWORD")
    return httpx.get(f"{env['WP_URL']}/wp-json/wp/v2/{path}", params=params, timeout=20,
                     auth=(env["WP_USER"], env["WP_APP_PASSWORD"]))


def test_wordpress_create_update_delete(store: Store, settings: Settings) -> None:
    env = _env("WP_URL", "WP_USER", "WP_APP_PASSWORD")
    publisher = _wp_publisher(store, settings, env["WP_URL"], env["WP_APP_PASSWORD"])
    draft = store.create_draft("Real WordPress\n\nHello *there*.", tags=["writer-test", "Ünïcode tag"])
    job = publisher.publish(draft.id)
    assert job.state == "done", job.reason
    pub = ob.get_publication(store, draft.id, "wp")
    assert pub is not None and pub.remote_id
    post = _wp_get(f"posts/{pub.remote_id}", context="edit").json()
    assert post["title"]["raw"] == "Real WordPress" and "<em>there</em>" in post["content"]["raw"]
    assert len(post["tags"]) == 2
    assert store.get_draft(draft.id).url == post["link"]
    store.save_draft(draft.id, body="Real WordPress\n\nUpdated.")
    assert publisher.publish(draft.id).state == "done"
    assert "Updated." in _wp_get(f"posts/{pub.remote_id}", context="edit").json()["content"]["raw"]
    assert len(_wp_get("posts", search=pub.marker, status="publish").json()) == 1
    assert publisher.unpublish(draft.id).state == "done"
    assert _wp_get(f"posts/{pub.remote_id}").status_code == 404


def test_wordpress_wrong_password(store: Store, settings: Settings) -> None:
    env = _env("WP_URL", "WP_USER", "WP_APP_PASSWORD")
    publisher = _wp_publisher(store, settings, env["WP_URL"], "abcd efgh ijkl mnop qrst uvwx")
    job = publisher.publish(store.create_draft("Nope\n\ntext").id)
    assert (job.state, job.permanent) == ("failed", True)
    assert "refused the credentials (401" in (job.reason or "")


def test_wordpress_reply_lost_then_restart_gives_one_post(open_store: Callable[[], Store], clock: Clock,
                                                          settings: Settings,
                                                          proxy_factory: Callable[[str], DroppingProxy]) -> None:
    env = _env("WP_URL", "WP_USER", "WP_APP_PASSWORD")
    proxy = proxy_factory(env["WP_URL"])
    store = open_store()
    draft = store.create_draft("Dropped mid-publish\n\ntext")
    publisher = _wp_publisher(store, settings, proxy.url, env["WP_APP_PASSWORD"])
    proxy.drop = b"POST /wp-json/wp/v2/posts "
    job = publisher.publish(draft.id)
    assert proxy.dropped == 1 and job.state == "failed" and not job.permanent, job.reason
    marker = ob.get_publication(store, draft.id, "wp").marker  # type: ignore[union-attr]
    assert len(_wp_get("posts", search=marker, status="publish").json()) == 1  # it did arrive
    store.close()

    clock.advance(hours=1)
    store = open_store()  # the app restarts
    publisher = Publisher(store, settings, credentials=publisher.credentials)
    [done] = publisher.process()
    assert done.state == "done", done.reason
    posts = _wp_get("posts", search=marker, status="publish").json()
    assert len(posts) == 1 and store.get_draft(draft.id).url == posts[0]["link"]
    publisher.unpublish(draft.id)


def _mp_publisher(store: Store, settings: Settings, endpoint: str) -> Publisher:
    env = _env("MICROPUB_ENDPOINT", "MICROPUB_TOKEN")
    creds = Credentials(FailKeyring())
    creds.set("mp", env["MICROPUB_TOKEN"])
    ob.add_target(store, "mp", "micropub", {"site": endpoint, "endpoint": endpoint}, default=True)
    return Publisher(store, settings, credentials=creds)


def _mp_source(url: str) -> dict:
    env = _env("MICROPUB_ENDPOINT", "MICROPUB_TOKEN")
    response = httpx.get(env["MICROPUB_ENDPOINT"], params={"q": "source", "url": url}, timeout=20,
                         headers={"Authorization": f"Bearer {env['MICROPUB_TOKEN']}"})
    return response.json() if response.status_code == 200 else {}


def test_micropub_config_create_update_delete(store: Store, settings: Settings) -> None:
    env = _env("MICROPUB_ENDPOINT", "MICROPUB_TOKEN")
    assert isinstance(Micropub("mp", env["MICROPUB_ENDPOINT"], env["MICROPUB_TOKEN"]).config(), dict)
    publisher = _mp_publisher(store, settings, env["MICROPUB_ENDPOINT"])
    draft = store.create_draft("Micropub note\n\nhello", tags=["x"])
    job = publisher.publish(draft.id)
    assert job.state == "done" and job.url, job.reason
    assert _mp_source(job.url)["properties"]["name"] == ["Micropub note"]
    store.save_draft(draft.id, body="Micropub note\n\nchanged")
    assert publisher.publish(draft.id).url == job.url
    assert "changed" in str(_mp_source(job.url)["properties"]["content"])
    assert publisher.unpublish(draft.id).state == "done"
    assert _mp_source(job.url) == {}


def test_micropub_wrong_token(store: Store, settings: Settings) -> None:
    env = _env("MICROPUB_ENDPOINT", "MICROPUB_TOKEN")
    publisher = _mp_publisher(store, settings, env["MICROPUB_ENDPOINT"])
    publisher.credentials.set("mp", "not-the-token")
    job = publisher.publish(store.create_draft("No\n\ntext").id)
    assert (job.state, job.permanent) == ("failed", True) and "refused the credentials" in (job.reason or "")


def test_micropub_reply_lost_then_restart_gives_one_post(open_store: Callable[[], Store], clock: Clock,
                                                         settings: Settings,
                                                         proxy_factory: Callable[[str], DroppingProxy]) -> None:
    env = _env("MICROPUB_ENDPOINT", "MICROPUB_TOKEN")
    proxy = proxy_factory(env["MICROPUB_ENDPOINT"])
    endpoint = proxy.url + urlsplit(env["MICROPUB_ENDPOINT"]).path
    store = open_store()
    draft = store.create_draft("Micropub dropped\n\ntext")
    publisher = _mp_publisher(store, settings, endpoint)
    proxy.drop = b"POST "
    assert publisher.publish(draft.id).state == "failed" and proxy.dropped == 1
    store.close()
    clock.advance(hours=1)
    store = open_store()
    # back online without the proxy (whose port would make the entry URL look foreign to the server)
    ob.add_target(store, "mp", "micropub", {"site": env["MICROPUB_ENDPOINT"], "endpoint": env["MICROPUB_ENDPOINT"]})
    [done] = Publisher(store, settings, credentials=publisher.credentials).process()
    assert done.state == "done", done.reason
    marker = ob.get_publication(store, draft.id, "mp").marker  # type: ignore[union-attr]
    listing = httpx.get(env["MICROPUB_ENDPOINT"], params={"q": "source", "filter": marker}, timeout=20,
                        headers={"Authorization": f"Bearer {env['MICROPUB_TOKEN']}"}).json()
    assert len(listing["items"]) == 1
