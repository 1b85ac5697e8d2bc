"""Fakes for publishing tests: WordPress and Micropub behind httpx.MockTransport, and a clock.

They keep their posts in memory like the real ones, so tests can count remote copies
after timeouts, dropped connections and restarts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx

WP = "https://blog.example"
MP_SITE = "https://mp.example/"
MP_ENDPOINT = "https://mp.example/micropub"


class FakeServer:
    """Failure modes, consumed one request at a time: "down" (connection refused), "lost"
    (handled, then the reply is lost), "timeout" (never handled), or a status code."""

    def __init__(self) -> None:
        self.failures: list[str | int] = []
        self.targeted: list[tuple[str, str, str | int]] = []
        self.requests: list[httpx.Request] = []
        # a search (``search_lag``) or the list of newest posts (``list_lag``) that shows a post
        # only this long after it was made, by ``clock``
        self.clock: Callable[[], datetime] | None = None
        self.search_lag = timedelta(0)
        self.list_lag = timedelta(0)
        self.born: dict[object, datetime] = {}

    def _note_birth(self, key: object) -> None:
        if self.clock is not None:
            self.born[key] = self.clock()

    def _visible(self, key: object, *, searched: bool) -> bool:
        lag = self.search_lag if searched else self.list_lag
        return self.clock is None or key not in self.born or self.born[key] + lag <= self.clock()

    def fail(self, mode: str | int, method: str, path_end: str) -> None:
        """Fail the next request with ``method`` whose path ends with ``path_end``."""
        self.targeted.append((method, path_end, mode))

    def _mode(self, request: httpx.Request) -> str | int | None:
        path = request.url.params.get("rest_route") or request.url.path
        for i, (method, path_end, mode) in enumerate(self.targeted):
            if request.method == method and path.rstrip("/").endswith(path_end):
                del self.targeted[i]
                return mode
        return self.failures.pop(0) if self.failures else None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        mode = self._mode(request)
        if mode == "down":
            raise httpx.ConnectError("connection refused", request=request)
        if mode == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if isinstance(mode, int):
            return httpx.Response(mode, json={"code": "fake", "message": f"fake {mode}"})
        response = self.handle(request)
        if mode == "lost":
            raise httpx.RemoteProtocolError("server disconnected without sending a response", request=request)
        return response

    def handle(self, request: httpx.Request) -> httpx.Response:
        raise NotImplementedError

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self)


class FakeWordPress(FakeServer):
    def __init__(self, *, pretty: bool = True, password: str = "app pass") -> None:
        super().__init__()
        self.pretty = pretty
        self.password = password
        self.posts: dict[int, dict] = {}
        self.terms: dict[str, dict[int, str]] = {"tags": {}, "categories": {1: "Uncategorized"}}
        self._ids = iter(range(100, 100000))

    def handle(self, request: httpx.Request) -> httpx.Response:
        route = self._route(request.url)
        if isinstance(route, httpx.Response):
            return route
        if route in ("/", ""):
            return httpx.Response(200, json={"name": "Fake", "namespaces": ["wp/v2"]})
        auth = request.headers.get("authorization", "")
        expected = httpx.BasicAuth("admin", self.password)._auth_header
        if auth != expected:
            return httpx.Response(401, json={"code": "rest_not_logged_in", "message": "You are not logged in."})
        body = json.loads(request.content) if request.content else {}
        route = route.removeprefix("/wp/v2/")
        if route == "users/me":
            return httpx.Response(200, json={"id": 1, "name": "admin"})
        if route in ("tags", "categories"):
            return self._terms(self.terms[route], request, body)
        m = re.fullmatch(r"posts(?:/(\d+))?", route)
        if m is None:
            return httpx.Response(404, json={"code": "rest_no_route", "message": "No route"})
        if m.group(1):
            return self._post(int(m.group(1)), request, body)
        return self._posts(request, body)

    def _route(self, url: httpx.URL) -> str | httpx.Response:
        """The REST route asked for (pretty permalinks or ``?rest_route=``), or the page a browser would get."""
        if url.path.startswith("/wp-json/"):
            if not self.pretty:
                return httpx.Response(404, text="<html>Not found</html>", headers={"content-type": "text/html"})
            return url.path[len("/wp-json"):]
        if url.params.get("rest_route"):
            return url.params["rest_route"]
        return httpx.Response(200, text="<html>blog</html>", headers={"content-type": "text/html"})

    def _terms(self, terms: dict[int, str], request: httpx.Request, body: dict) -> httpx.Response:
        """Tags or categories: create one (refusing a duplicate name, like WordPress) or search them."""
        if request.method == "POST":
            if any(n.casefold() == body["name"].casefold() for n in terms.values()):
                return httpx.Response(400, json={"code": "term_exists", "message": "term exists"})
            new_id = next(self._ids)
            terms[new_id] = body["name"]
            return httpx.Response(201, json={"id": new_id, "name": body["name"]})
        search = request.url.params.get("search", "").casefold()
        return httpx.Response(200, json=[{"id": i, "name": n} for i, n in terms.items() if search in n.casefold()])

    def _posts(self, request: httpx.Request, body: dict) -> httpx.Response:
        """``posts``: create one, or list those visible yet (searched or newest)."""
        if request.method == "POST":
            new_id = next(self._ids)
            self.posts[new_id] = {**body, "id": new_id, "link": f"{WP}/?p={new_id}"}
            self._note_birth(new_id)
            return httpx.Response(201, json=self._out(self.posts[new_id]))
        search = request.url.params.get("search", "")
        return httpx.Response(200, json=[self._out(p) for i, p in self.posts.items()
                                         if (search in p["content"] or search in p["title"])
                                         and self._visible(i, searched=bool(search))])

    def _post(self, post_id: int, request: httpx.Request, body: dict) -> httpx.Response:
        """``posts/<id>``: update or delete one."""
        if post_id not in self.posts:
            return httpx.Response(404, json={"code": "rest_post_invalid_id", "message": "Invalid post ID."})
        if request.method == "DELETE":
            return httpx.Response(200, json={"deleted": True, "previous": self._out(self.posts.pop(post_id))})
        self.posts[post_id].update(body)
        return httpx.Response(200, json=self._out(self.posts[post_id]))

    @staticmethod
    def _out(post: dict) -> dict:
        return {"id": post["id"], "link": post["link"], "status": post.get("status"),
                "title": {"raw": post["title"], "rendered": post["title"]},
                "content": {"raw": post["content"], "rendered": post["content"]}, "tags": post.get("tags", [])}


class FakeMicropub(FakeServer):
    def __init__(self, *, token: str = "tok", can_list: bool = True, discovery: str = "header") -> None:
        super().__init__()
        self.token = token
        self.can_list = can_list
        self.discovery = discovery
        self.entries: dict[str, dict] = {}
        self._n = 0

    def handle(self, request: httpx.Request) -> httpx.Response:
        if str(request.url) == MP_SITE:
            if self.discovery == "header":
                return httpx.Response(200, text="<html></html>", headers={"content-type": "text/html",
                                                                          "link": '</micropub>; rel="micropub"'})
            return httpx.Response(200, headers={"content-type": "text/html; charset=utf-8"},
                                  text='<html><head><link rel="micropub" href="/micropub"></head></html>')
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return httpx.Response(401, json={"error": "unauthorized", "error_description": "bad token"})
        q = request.url.params.get("q")
        if request.method == "GET" and q == "config":
            return httpx.Response(200, json={"media-endpoint": "https://mp.example/media"})
        if request.method == "GET" and q == "source":
            if not self.can_list:
                return httpx.Response(400, json={"error": "invalid_request"})
            needle = request.url.params.get("filter", "")
            items = [{"type": ["h-entry"], "properties": {**p, "url": [u]}} for u, p in self.entries.items()
                     if needle in json.dumps(p) and self._visible(u, searched=bool(needle))]
            return httpx.Response(200, json={"items": items})
        body = json.loads(request.content)
        action = body.get("action")
        if action is None:
            self._n += 1
            url = f"https://mp.example/entries/{self._n}/"
            self.entries[url] = body["properties"]
            self._note_birth(url)
            return httpx.Response(201, headers={"location": url}, json={"url": url})
        if body["url"] not in self.entries:
            return httpx.Response(400, json={"error": "invalid_request"})
        if action == "delete":
            del self.entries[body["url"]]
        elif action == "update":  # as the spec says: replace, then delete whole properties
            self.entries[body["url"]].update(body.get("replace", {}))
            for name in body.get("delete", []):
                self.entries[body["url"]].pop(name, None)
        return httpx.Response(204)


class Clock:
    """A controllable clock for the store (and so the publisher)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2030, 3, 4, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        from datetime import timedelta

        self.now += timedelta(**kwargs)


