"""The static site: valid HTML with relative links, a readable Atom feed, inert XSS, stable pages."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import html5lib
import pytest
from keyring.backends.fail import Keyring as FailKeyring

from writer.publishing import outbox as ob
from writer.publishing.credentials import Credentials
from writer.publishing.publisher import Publisher
from writer.settings import Settings
from writer.store import Store

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
    assert pages == ["index.html", "posts/cafe-au-lait.html", "posts/second.html", "tags/food-drink.html",
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
    assert store.get_draft(a.id).url == (site / "posts" / "cafe-au-lait.html").resolve().as_uri()


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


def test_pages_are_readable_by_a_web_server(store: Store, settings: Settings, site: Path) -> None:
    import os
    import stat

    old = os.umask(0o022)
    try:
        _publisher(store, settings).publish(store.create_draft("Served\n\ntext").id)
    finally:
        os.umask(old)
    for path in [*site.rglob("*.html"), site / "feed.xml", site / "style.css"]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o044 == 0o044, path  # mkstemp made them 0600


def test_a_post_is_dated_when_it_goes_out_not_when_the_draft_was_started(store: Store, settings: Settings,
                                                                          site: Path) -> None:
    from datetime import timedelta

    now = store.clock()
    old = store.create_draft("Started long ago\n\ntext", created=now - timedelta(days=90))
    recent = store.create_draft("Published last month\n\ntext", created=now - timedelta(days=40))
    publisher = _publisher(store, settings)
    publisher.publish(recent.id)
    publisher.publish(old.id)
    index = (site / "index.html").read_text()
    assert index.index("Started long ago") < index.index("Published last month")  # newest first
    assert f"{now.astimezone().day} {now.astimezone():%B %Y}" in index


def test_a_static_site_refuses_drafts_and_scheduled_posts(store: Store, settings: Settings, site: Path) -> None:
    job = _publisher(store, settings).publish(store.create_draft("Not yet\n\ntext").id, status="draft")
    assert job.state == "failed" and job.permanent and "publishes at once" in (job.reason or "")
    assert not (site / "index.html").exists() or "Not yet" not in (site / "index.html").read_text()


def test_tags_that_make_the_same_slug_each_get_a_page(store: Store, settings: Settings, site: Path) -> None:
    publisher = _publisher(store, settings)
    publisher.publish(store.create_draft("First\n\ntext", tags=["C", "paris"]).id)
    first_c = (site / "tags" / "c.html").read_text()
    tags = ["C++", "日本語", "中文", "Paris"]
    publisher.publish(store.create_draft("Tags\n\ntext", tags=tags).id)
    pages = {p.name: p.read_text() for p in (site / "tags").glob("*.html")}
    assert len(pages) == 5  # "Paris" and "paris" share a page
    assert "Tagged “C”" in first_c and "Tagged “C”" in pages["c.html"]  # a live tag page keeps its address
    assert "paris.html" in pages and pages["paris.html"].count('href="../posts/') == 2
    for tag in ["C++", "日本語", "中文"]:
        assert sum(f"Tagged “{tag}”" in page for page in pages.values()) == 1, tag


def test_control_characters_from_a_pdf_paste_keep_the_feed_valid(store: Store, settings: Settings,
                                                                  site: Path) -> None:
    draft = store.create_draft("Form\x0cfeed\n\npage one\x0cpage two\x01 end")
    _publisher(store, settings).publish(draft.id)
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    assert "page onepage two end" in feed.entries[0].content[0].value


def test_unpublishing_from_one_target_keeps_the_other(store: Store, settings: Settings, site: Path) -> None:
    from writer.errors import WriterError

    ob.add_target(store, "mirror", "static", {"path": str(site.parent / "mirror")})
    publisher = _publisher(store, settings)
    draft = store.create_draft("Twice\n\ntext")
    with pytest.raises(WriterError, match="not published on mirror"):
        publisher.unpublish(draft.id, "mirror")
    publisher.publish(draft.id)
    publisher.publish(draft.id, "mirror")
    publisher.unpublish(draft.id, "mirror")
    kept = store.get_draft(draft.id)
    assert kept.status == "published" and kept.url == ob.get_publication(store, draft.id, "site").url
    publisher.unpublish(draft.id)
    assert store.get_draft(draft.id).status == "draft"


def test_two_processes_publishing_to_one_site_lose_nothing(store: Store, site: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    script = ("import sys\nfrom keyring.backends.fail import Keyring\nfrom writer.publishing.credentials import "
              "Credentials\nfrom writer.publishing.publisher import Publisher\nfrom writer.settings import Settings\n"
              "from writer.store import Store\nfrom writer.publishing import outbox as ob\n"
              "store = Store.open(sys.argv[1] + '/writer.db')\n"
              "ob.add_target(store, 'site', 'static', {'path': sys.argv[2]}, default=True)\n"
              "p = Publisher(store, Settings.load(), credentials=Credentials(Keyring()))\n"
              "for n in range(8):\n"
              "    assert p.publish(store.create_draft(f'{sys.argv[1][-1]} post {n}').id).state == 'done'\n")
    homes = [tmp_path / f"home{n}" for n in (1, 2)]
    runs = []
    for home in homes:
        home.mkdir()
        runs.append(subprocess.Popen([sys.executable, "-c", script, str(home), str(site)],
                                     env={**__import__("os").environ, "WRITER_HOME": str(home)}))
    assert [run.wait(120) for run in runs] == [0, 0]
    index = (site / "index.html").read_text()
    assert sum(f"{n} post {i}" in index for n in (1, 2) for i in range(8)) == 16
    assert len(list((site / "posts").glob("*.html"))) == 16


def test_a_site_folder_that_refuses_the_lock_file_is_a_clear_permanent_failure(store: Store, settings: Settings,
                                                                               site: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import filelock

    def refuse(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")  # a read-only folder (root ignores modes, so simulated)

    monkeypatch.setattr(filelock.FileLock, "acquire", refuse)
    job = _publisher(store, settings).publish(store.create_draft("Locked out\n\ntext").id)
    assert job.state == "failed" and job.permanent and "Cannot write the site" in (job.reason or "")


def test_tag_page_names_never_clash_even_when_hashes_do() -> None:
    from writer.publishing.static_site import _tag_slugs

    pages = {"日本語": "tag", "тегбга": "tag-cf7a87"}  # "тегдайи" hashes to cf7a87 too
    slugs = _tag_slugs(pages, ["日本語", "тегдайи", "тегбга"])
    assert len(set(slugs.values())) == 3 and slugs["тегбга"] == "tag-cf7a87"  # the old page keeps its name


def test_an_error_while_writing_inside_the_lock_is_not_called_an_unwritable_folder(store: Store, settings: Settings,
                                                                                    site: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from writer.publishing.static_site import StaticSite

    publisher = _publisher(store, settings)
    draft = store.create_draft("Held open\n\ntext")
    publisher.publish(draft.id)

    def busy(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError(32, "The process cannot access the file because it is being used")  # Windows

    monkeypatch.setattr(StaticSite, "_save_and_render", busy)
    job = publisher.unpublish(draft.id)
    assert job.state == "failed" and not job.permanent  # retried later, not "check the folder is writable"


def _someone_elses_site(folder: Path) -> dict[str, bytes]:
    files = {"index.html": b"<h1>My hand-made home page</h1>", "style.css": b"body { color: teal }",
             "tags/travel.html": b"<p>my travel page</p>"}
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return files


def test_a_folder_of_other_files_is_refused_and_left_as_it_was(store: Store, settings: Settings, site: Path) -> None:
    files = _someone_elses_site(site)
    draft = store.create_draft("First post", tags=["notes"])
    job = _publisher(store, settings).publish(draft.id)
    assert job.state == "failed" and job.permanent
    assert "not a Writer site" in (job.reason or "") and str(site / "blog") in (job.reason or "")
    assert {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()
            and p.name != ".writer-site.lock"} == files


def test_targets_add_refuses_a_folder_of_other_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from writer.cli import main

    folder = tmp_path / "existing"
    folder.mkdir()
    _someone_elses_site(folder)
    assert main(["targets", "add", "static", str(folder), "--name", "mine"]) == 2
    err = capsys.readouterr().err
    assert "not a Writer site" in err and "subfolder" in err
    assert main(["targets", "add", "static", str(folder / "blog"), "--name", "mine"]) == 0


def test_writer_deletes_and_replaces_only_files_it_wrote(store: Store, settings: Settings, site: Path) -> None:
    publisher = _publisher(store, settings)
    draft = store.create_draft("Trip\n\nWe went.", tags=["travel"])
    assert publisher.publish(draft.id).state == "done"
    mine = site / "tags" / "holiday.html"
    mine.write_text("<p>my own page beside Writer's</p>", encoding="utf-8")
    store.save_draft(draft.id, tags=["holiday"])  # Writer's tag page would now go where the user's file is
    job = publisher.publish(draft.id)
    assert job.state == "failed" and "holiday.html" in (job.reason or "")
    assert mine.read_text(encoding="utf-8") == "<p>my own page beside Writer's</p>"
    mine.unlink()
    other = site / "tags" / "kept.html"
    other.write_text("mine", encoding="utf-8")
    store.save_draft(draft.id, tags=["holiday"])
    ob.retry_failed(store)
    assert publisher.publish(draft.id).state == "done"
    assert not (site / "tags" / "travel.html").exists()  # Writer's own stale tag page goes
    assert other.read_text(encoding="utf-8") == "mine"  # the user's file stays
