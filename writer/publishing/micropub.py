"""Micropub (W3C): discover the endpoint from the site, then create, update and delete with a bearer token.

Posts are sent as JSON h-entries whose HTML content carries the marker in a comment;
after a lost reply, ``q=source`` (list mode, filtered by the marker, then the newest
posts unfiltered, in case the filter lags) tells whether the create arrived. A server
that cannot list posts cannot be checked (:class:`CannotCheck`), and then nothing is
re-sent until the writer has looked.
"""

from __future__ import annotations

from datetime import UTC
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import httpx

from writer.publishing import http
from writer.publishing.errors import AuthError, CannotCheck, PublishError
from writer.publishing.target import Post, Remote

SERVICE = "Micropub"


class _LinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "a"):
            return
        values = dict(attrs)
        href = values.get("href")
        for rel in (values.get("rel") or "").split():
            if href and rel not in self.found:
                self.found[rel] = href


def discover(site_url: str, client: httpx.Client, rel: str = "micropub") -> str:
    """The endpoint a site advertises, by HTTP ``Link`` header first, then HTML ``<link>``."""
    response = http.send(client, "GET", site_url, service=f"the site {site_url}", safe=True)
    base = str(response.url)
    link = response.links.get(rel)
    if link and link.get("url"):
        return urljoin(base, link["url"])
    if "html" in response.headers.get("content-type", ""):
        finder = _LinkFinder()
        finder.feed(response.text)
        if rel in finder.found:
            return urljoin(base, finder.found[rel])
    raise PublishError(f"{site_url} does not advertise a Micropub endpoint (no rel=\"{rel}\" Link header or "
                       "<link>). Check the address, or give the endpoint with --endpoint.")


class Micropub:
    """A :class:`~writer.publishing.target.Target` for one Micropub endpoint."""

    def __init__(self, name: str, endpoint: str, token: str | None, *, client: httpx.Client | None = None) -> None:
        self.name = name
        self.endpoint = endpoint
        self.token = token
        self.client = client or http.make_client()

    def _request(self, method: str, *, safe: bool = False, **kwargs: Any) -> httpx.Response:
        if not self.token:
            raise AuthError(f"No Micropub token for the target {self.name!r}. Enter it in Settings ▸ Publishing "
                            "▸ Publish targets…, or give it with `writer targets add micropub SITE_URL --token-stdin` "
                            "or WRITER_MICROPUB_TOKEN.")
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        return http.send(self.client, method, self.endpoint, service=SERVICE, safe=safe, headers=headers, **kwargs)

    def config(self) -> dict[str, Any]:
        """``q=config``: what the server supports (also checks the token)."""
        data = http.json_body(self._request("GET", safe=True, params={"q": "config"}), SERVICE)
        if not isinstance(data, dict):
            raise PublishError(f"{SERVICE} answered q=config with something other than a JSON object.")
        return data

    @staticmethod
    def _properties(post: Post) -> dict[str, list[Any]]:
        props: dict[str, list[Any]] = {
            "name": [post.title],
            "content": [{"html": f"{post.html}\n<!-- {post.marker} -->"}],
        }
        categories = [*post.tags, *post.categories]
        if categories:
            props["category"] = categories
        if post.status == "draft":
            props["post-status"] = ["draft"]
        if post.status == "future" and post.date is not None:
            props["published"] = [post.date.astimezone(UTC).isoformat(timespec="seconds")]
        return props

    def create(self, post: Post) -> Remote:
        response = self._request("POST", json={"type": ["h-entry"], "properties": self._properties(post)})
        location = response.headers.get("location")
        if response.status_code not in (201, 202) or not location:
            raise PublishError(f"{SERVICE} answered {response.status_code} without a Location for the new post; "
                               "the server may not support creating posts this way.")
        url = urljoin(str(response.url), location)
        return Remote(id=url, url=url)

    def update(self, remote: Remote, post: Post) -> Remote:
        properties = self._properties(post)
        update: dict[str, Any] = {"action": "update", "url": remote.id, "replace": properties}
        if "category" not in properties:  # every tag removed: "replace" alone would keep the old ones
            update["delete"] = ["category"]
        self._request("POST", safe=True, json=update)
        return remote

    def delete(self, remote: Remote) -> None:
        try:
            self._request("POST", safe=True, json={"action": "delete", "url": remote.id})
        except PublishError as exc:
            if "404" in str(exc) or "410" in str(exc):
                return
            raise

    def find(self, marker: str) -> Remote | None:
        for params in ({"q": "source", "filter": marker, "limit": 50}, {"q": "source", "limit": 50}):
            found = self._find_in(params, marker)
            if found is not None:
                return found
        return None

    def _find_in(self, params: dict[str, Any], marker: str) -> Remote | None:
        try:
            response = self._request("GET", safe=True, params=params)
        except PublishError as exc:
            if exc.retry or isinstance(exc, AuthError):
                raise
            raise CannotCheck(f"this {SERVICE} server cannot list posts to check (q=source: {exc}).") from exc
        data = http.json_body(response, SERVICE)
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise CannotCheck(f"this {SERVICE} server's answer to q=source lists no posts to check.")
        for item in data["items"]:
            props = item.get("properties", {}) if isinstance(item, dict) else {}
            if marker in repr(props.get("content", "")):
                urls = props.get("url") or []
                if urls:
                    url = urljoin(self.endpoint, str(urls[0]))
                    return Remote(id=url, url=url)
        return None
