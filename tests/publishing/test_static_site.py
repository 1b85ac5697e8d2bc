"""The static site: valid HTML with relative links, a readable Atom feed, inert XSS, stable pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store
from writer.store import outbox as ob

XSS = """# Hello <script>alert('t')</script>

<script>alert(1)</script> <img src=x onerror="alert(2)"> <a href="javascript:alert(3)">j</a>
[click](javascript:alert(4)) <svg onload=alert(5)></svg> <iframe src="https://evil.example"></iframe>
<a href="https://ok.example" onclick="alert(6)">fine</a> <p style="background:url(javascript:alert(7))">s</p>
"""


@pytest.fixture
def site(tmp_path: Path, store: Store) -> Path:
    folder = tmp_path / "my site"
    ob.add_target(store, "site", "static", {"path": str(folder), "title": "Notes & Things"}, default=True)
    return folder


def _publisher(store: Store, settings: Settings) -> Publisher:
    return Publisher(store, settings, credentials=Credentials(FailKeyring()))


def _parse(path: Path):  # type: ignore[no-untyped-def]
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    return parser.parse(path.read_bytes())


def test_publish_writes_valid_pages_with_relative_links(store: Store, settings: Settings, site: Path) -> None:
    publisher = _publisher(store, settings)
    a = store.create_draft("Café au lait\n\nSome **bold** words and a [link](https://example.org).",
                           tags=["Food & Drink", "paris"])
    b = store.create_draft("Second\n\nMore.", tags=["paris"])
    job_a, job_b = publisher.publish(a.id), publisher.publish(b.id)
    assert job_a.state == job_b.state == "done"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert pages == ["index.html", "posts/cafe-au-lait-1.html", "posts/second-2.html", "tags/food-drink.html",
                     "tags/paris.html"]
    for page in site.rglob("*.html"):
        tree = _parse(page)  # raises on any parse error
        for element in tree.iter():
            for attr in ("href", "src"):
                url = element.get(attr)
                if url and not urlsplit(url).scheme:
                    assert not url.startswith("/"), f"absolute path {url} in {page}"
                    assert (page.parent / url).resolve().exists(), f"broken link {url} in {page}"
    index = (site / "index.html").read_text()
    assert index.index("Second") < index.index("Café au lait")  # newest first
    assert "Notes &amp; Things" in index
    assert store.get_draft(a.id).url == (site / "posts" / "cafe-au-lait-1.html").resolve().as_uri()


def test_atom_feed_lists_the_posts(store: Store, settings: Settings, site: Path) -> None:
    publisher = _publisher(store, settings)
    ids = [store.create_draft(f"Post {n}\n\nBody {n} <em>x</em>", tags=["t"]).id for n in range(3)]
    for draft_id in ids:
        publisher.publish(draft_id)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.feed.title == "Notes & Things"
    assert sorted(e.title for e in feed.entries) == ["Post 0", "Post 1", "Post 2"]
    assert all(e.link.endswith(".html") and e.tags[0].term == "t" for e in feed.entries)
    assert "Body 1" in next(e for e in feed.entries if e.title == "Post 1").content[0].value


def test_script_and_javascript_urls_are_inert(store: Store, settings: Settings, site: Path) -> None:
    draft = store.create_draft(XSS)
    _publisher(store, settings).publish(draft.id)
    for path in [*site.rglob("*.html"), site / "feed.xml"]:
        tree = _parse(path) if path.suffix == ".html" else None
        if tree is None:
            continue
        for element in tree.iter():
            assert element.tag not in ("script", "iframe", "svg", "object", "embed")
            for name, value in element.attrib.items():
                assert not name.lower().startswith("on"), (path, name)
                assert "javascript:" not in value.lower(), (path, name, value)
                assert name != "style"
    page = next((site / "posts").glob("*.html")).read_text()
    assert "https://ok.example" in page and "fine" in page  # harmless content survives
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert "<script" not in feed.entries[0].content[0].value


def test_update_keeps_the_page_and_delete_removes_it(store: Store, settings: Settings, site: Path) -> None:
    publisher = _publisher(store, settings)
    draft = store.create_draft("Original title\n\nv1", tags=["old"])
    url = publisher.publish(draft.id).url
    store.save_draft(draft.id, title="Renamed", body="Original title\n\nv2", tags=["new"])
    assert publisher.publish(draft.id).url == url
    page = next((site / "posts").glob("*.html"))
    assert "Renamed" in page.read_text() and "v2" in page.read_text()
    assert sorted(p.name for p in (site / "tags").glob("*.html")) == ["new.html"]
    publisher.unpublish(draft.id)
    assert list((site / "posts").glob("*.html")) == []
    assert "Renamed" not in (site / "index.html").read_text()


def test_unwritable_folder_fails_with_a_message_and_keeps_the_job(store: Store, settings: Settings,
                                                                  tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    ob.add_target(store, "site", "static", {"path": str(blocker / "site")}, default=True)
    draft = store.create_draft("Nowhere\n\ntext")
    job = _publisher(store, settings).publish(draft.id)
    assert job.state == "failed" and "Cannot write the site" in (job.reason or "")
    assert store.get_draft(draft.id).status == "draft"
