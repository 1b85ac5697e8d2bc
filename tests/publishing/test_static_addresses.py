"""Static post addresses: from the title, never the draft id, stable, suffixed on collision, moved on request."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.publishing.static_site import MANIFEST
from writer.settings import Settings
from writer.store import Store


@pytest.fixture
def site(tmp_path: Path, store: Store) -> Path:
    folder = tmp_path / "site"
    ob.add_target(store, "site", "static", {"path": str(folder), "title": "Notes"}, default=True)
    return folder


@pytest.fixture
def publisher(store: Store, settings: Settings, site: Path) -> Publisher:
    return Publisher(store, settings, credentials=Credentials(FailKeyring()))


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in (site / "posts").glob("*.html"))


def _links(site: Path) -> list[str]:
    """Every href/src in every page, and every link in the feed."""
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    links = []
    for page in site.rglob("*.html"):
        tree = parser.parse(page.read_bytes())  # strict: raises on any parse error
        links += [el.get(a) for el in tree.iter() for a in ("href", "src") if el.get(a)]
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    return links + [e.link for e in feed.entries]


def test_addresses_come_from_the_title_with_no_draft_id(store: Store, publisher: Publisher, site: Path) -> None:
    for n in range(12):  # ids into two digits: none may show up in an address
        store.create_draft(f"Filler {n}\n\nx")
    a = store.create_draft("The Quarter Door\n\nOne.")
    b = store.create_draft("The Quarter Door\n\nTwo.")
    c = store.create_draft("The Quarter Door\n\nThree.")
    for draft in (a, b, c):
        assert publisher.publish(draft.id).state == "done"
    assert _pages(site) == ["posts/the-quarter-door-2.html", "posts/the-quarter-door-3.html",
                            "posts/the-quarter-door.html"]
    assert store.get_draft(a.id).url.endswith("/posts/the-quarter-door.html")
    assert store.get_draft(c.id).url.endswith("/posts/the-quarter-door-3.html")
    for link in _links(site):
        name = Path(urlsplit(link).path).stem
        assert not re.search(rf"(^|-)({a.id}|{b.id}|{c.id})$", name), link


def test_a_title_change_keeps_the_address(store: Store, publisher: Publisher, site: Path) -> None:
    draft = store.create_draft("Early Title\n\nBody.")
    publisher.publish(draft.id)
    store.save_draft(draft.id, body="Better Title\n\nBody, revised.")
    assert publisher.publish(draft.id).state == "done"
    assert _pages(site) == ["posts/early-title.html"]
    assert "Better Title" in (site / "posts" / "early-title.html").read_text()
    assert store.get_draft(draft.id).url.endswith("/posts/early-title.html")


def test_change_address_moves_the_post_and_leaves_a_redirect(store: Store, publisher: Publisher,
                                                             site: Path) -> None:
    draft = store.create_draft("Early Title\n\nBody.")
    publisher.publish(draft.id)
    store.save_draft(draft.id, body="Better Title\n\nBody.")
    publisher.publish(draft.id)
    url = publisher.change_address(draft.id)
    assert url.endswith("/posts/better-title.html")
    assert store.get_draft(draft.id).url == url
    assert ob.get_publication(store, draft.id, "site").remote_id == "better-title"  # type: ignore[union-attr]
    old = (site / "posts" / "early-title.html").read_text()
    assert '<meta http-equiv="refresh" content="0; url=better-title.html">' in old
    assert '<a href="better-title.html">Better Title</a>' in old
    assert "Body." not in old
    index = (site / "index.html").read_text()
    assert "posts/better-title.html" in index and "early-title" not in index
    _links(site)  # every page still valid
    # later updates go to the new address; the redirect stays
    store.save_draft(draft.id, body="Better Title\n\nBody, once more.")
    publisher.publish(draft.id)
    assert "once more" in (site / "posts" / "better-title.html").read_text()
    assert "refresh" in (site / "posts" / "early-title.html").read_text()
    # a chosen address; the first redirect now leads straight there
    publisher.change_address(draft.id, slug="Best of All")
    assert "url=best-of-all.html" in (site / "posts" / "early-title.html").read_text()
    assert "url=best-of-all.html" in (site / "posts" / "better-title.html").read_text()
    # a new post never takes an address a redirect holds
    other = store.create_draft("Early Title\n\nAnother post.")
    publisher.publish(other.id)
    assert store.get_draft(other.id).url.endswith("/posts/early-title-2.html")
    # deleting the post removes its redirect pages too
    publisher.unpublish(draft.id)
    assert _pages(site) == ["posts/early-title-2.html"]


def test_change_address_needs_a_published_static_post(store: Store, publisher: Publisher) -> None:
    draft = store.create_draft("Not Yet\n\nBody.")
    with pytest.raises(WriterError, match="not published"):
        publisher.change_address(draft.id)


def test_an_older_site_keeps_its_addresses(store: Store, publisher: Publisher, site: Path) -> None:
    """A post an older Writer published at ``<slug>-<id>`` stays there; new posts get clean addresses."""
    draft = store.create_draft("Old Post\n\nBody.")
    publisher.publish(draft.id)
    record = json.loads((site / MANIFEST).read_text())
    old_id = f"old-post-{draft.id}"  # what an older Writer named it
    record["posts"] = {old_id: record["posts"]["old-post"]}
    record["files"] = [f for f in record["files"] if f != "posts/old-post.html"] + [f"posts/{old_id}.html"]
    (site / "posts" / "old-post.html").rename(site / "posts" / f"{old_id}.html")
    (site / MANIFEST).write_text(json.dumps(record))
    url = (site / "posts" / f"{old_id}.html").resolve().as_uri()
    ob.move_publication(store, draft.id, "site", old_id, url)
    store.save_draft(draft.id, body="Old Post\n\nBody, edited.")
    publisher.publish(draft.id)
    assert store.get_draft(draft.id).url == url
    assert "edited" in (site / "posts" / f"{old_id}.html").read_text()
    fresh = store.create_draft("Old Post\n\nA new one of the same title.")
    publisher.publish(fresh.id)
    assert store.get_draft(fresh.id).url.endswith("/posts/old-post.html")


def test_a_file_someone_else_put_there_is_stepped_around(store: Store, publisher: Publisher, site: Path) -> None:
    publisher.publish(store.create_draft("First\n\nBody.").id)
    (site / "posts" / "notes.html").write_text("not Writer's")
    draft = store.create_draft("Notes\n\nBody.")
    assert publisher.publish(draft.id).state == "done"
    assert store.get_draft(draft.id).url.endswith("/posts/notes-2.html")
    assert (site / "posts" / "notes.html").read_text() == "not Writer's"
