"""WordPress through its REST API with an application password.

Pretty permalinks (``/wp-json/wp/v2/...``) are tried first; a site without them answers
404 there, and ``/?rest_route=/wp/v2/...`` is used instead (remembered for the session).
Each post carries its marker in an HTML comment, which WordPress keeps and its search
matches, so after a lost reply :meth:`find` tells whether the create arrived.
"""

from __future__ import annotations

import html
from datetime import UTC
from typing import Any

import httpx

from writer.publishing import http
from writer.publishing.errors import AuthError, PublishError
from writer.publishing.target import Post, Remote

SERVICE = "WordPress"


class WordPress:
    """A :class:`~writer.publishing.target.Target` for one WordPress site and user."""

    def __init__(self, name: str, url: str, user: str, password: str | None, *,
                 client: httpx.Client | None = None) -> None:
        self.name = name
        self.site = url.rstrip("/")
        self.user = user
        self.password = password
        self.client = client or http.make_client()
        self._pretty: bool | None = None  # None: not yet known

    # -- plumbing --------------------------------------------------------------------------

    def _url(self, route: str, params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        """The URL and query for ``route``; httpx replaces a URL's query with ``params``,
        so ``rest_route`` travels among them."""
        if self._pretty is False:
            return f"{self.site}/", {"rest_route": f"/wp/v2/{route}", **params}
        return f"{self.site}/wp-json/wp/v2/{route}", params

    def _request(self, method: str, route: str, *, safe: bool = False, **kwargs: Any) -> httpx.Response:
        if not self.password:
            raise AuthError(f"No application password for the WordPress target {self.name!r}. Enter it in "
                            "Settings ▸ Publishing ▸ Publish targets…, or give it with `writer targets add wordpress "
                            "URL --user U --password-stdin` or WRITER_WP_PASSWORD.")
        if self._pretty is None:
            self._pretty = self._detect_pretty()
        url, params = self._url(route, kwargs.pop("params", {}))
        return http.send(self.client, method, url, service=SERVICE, safe=safe, params=params,
                         auth=(self.user, self.password), **kwargs)

    def _detect_pretty(self) -> bool:
        """Whether ``/wp-json/`` is the API (pretty permalinks) or a 404/theme page."""
        try:
            response = http.send(self.client, "GET", f"{self.site}/wp-json/", service=SERVICE, safe=True)
        except PublishError as exc:
            if exc.retry:
                raise
            return False
        return _is_json(response)

    def probe(self) -> dict[str, Any]:
        """Check the URL and credentials (``targets add``): the logged-in user."""
        data = http.json_body(self._request("GET", "users/me", safe=True, params={"context": "edit"}), SERVICE)
        if not isinstance(data, dict) or "id" not in data:
            raise PublishError(f"{self.site} did not answer like a WordPress REST API.")
        return data

    # -- terms -----------------------------------------------------------------------------

    def _term_ids(self, taxonomy: str, names: tuple[str, ...]) -> list[int]:
        """Ids of tags or categories, created when missing."""
        ids: list[int] = []
        for name in names:
            found = http.json_body(self._request("GET", taxonomy, safe=True,
                                                 params={"search": name, "per_page": 100}), SERVICE)
            match = next((t for t in found if isinstance(t, dict)
                          and html.unescape(str(t.get("name", ""))).casefold() == name.casefold()), None)
            if match is not None:
                ids.append(int(match["id"]))
                continue
            try:
                # safe: a term created by a lost try is refused as "term_exists" and looked up below
                created = http.json_body(self._request("POST", taxonomy, safe=True, json={"name": name}), SERVICE)
                ids.append(int(created["id"]))
            except PublishError as exc:  # created meanwhile (or by a lost earlier try): "term_exists"
                if "exists" not in str(exc):
                    raise
                again = http.json_body(self._request("GET", taxonomy, safe=True,
                                                     params={"search": name, "per_page": 100}), SERVICE)
                ids.extend(int(t["id"]) for t in again
                           if html.unescape(str(t.get("name", ""))).casefold() == name.casefold())
        return ids

    def _body(self, post: Post) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": post.title,
            "content": f"{post.html}\n<!-- {post.marker} -->",
            "status": post.status,
            "tags": self._term_ids("tags", post.tags),
        }
        if post.categories:
            body["categories"] = self._term_ids("categories", post.categories)
        if post.status == "future":  # only then: a date sent with a clock ahead of the blog's would schedule it
            if post.date is None:
                raise PublishError("A scheduled post needs a date (status future).")
            body["date_gmt"] = post.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
        return body

    @staticmethod
    def _remote(data: Any) -> Remote:
        if not isinstance(data, dict) or "id" not in data:
            raise PublishError(f"{SERVICE} answered without a post id; the site may not be WordPress.")
        return Remote(id=str(data["id"]), url=str(data.get("link") or ""))

    # -- Target ----------------------------------------------------------------------------

    def create(self, post: Post) -> Remote:
        body = self._body(post)
        response = self._request("POST", "posts", json=body)
        return self._remote(http.json_body(response, SERVICE, created=True))

    def update(self, remote: Remote, post: Post) -> Remote:
        body = self._body(post)
        response = self._request("POST", f"posts/{remote.id}", json=body, safe=True)
        return self._remote(http.json_body(response, SERVICE))

    def delete(self, remote: Remote) -> None:
        try:
            self._request("DELETE", f"posts/{remote.id}", params={"force": "true"}, safe=True)
        except PublishError as exc:
            if "410" in str(exc) or "404" in str(exc) or "rest_post_invalid_id" in str(exc):
                return  # already gone: that is what we wanted
            raise

    def find(self, marker: str) -> Remote | None:
        """The post carrying ``marker``: by search, then among the newest posts (a search index
        can lag behind a new post; the list of the newest cannot)."""
        statuses = "publish,future,draft,pending,private"
        for params in ({"search": marker, "status": statuses, "context": "edit", "per_page": 20},
                       {"orderby": "date", "order": "desc", "status": statuses, "context": "edit", "per_page": 20}):
            response = self._request("GET", "posts", safe=True, params=params)
            for item in http.json_body(response, SERVICE) or []:
                content = item.get("content", {}) if isinstance(item, dict) else {}
                raw = content.get("raw") or content.get("rendered") or "" if isinstance(content, dict) else ""
                if marker in raw:
                    return self._remote(item)
        return None


def _is_json(response: httpx.Response) -> bool:
    return "json" in response.headers.get("content-type", "")
