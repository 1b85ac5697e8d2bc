"""The default target: a folder of HTML pages, tag pages and an Atom feed. No account needed.

All links are relative, so the folder works opened from disk or served from any path.
The site's own record of its posts (``.writer-site.json``) lives in the folder, so the
site can be rebuilt whole on every change and a post keeps its page across updates.

A post's address is ``posts/<slug>.html``, the slug made from its title when it is first
published (a second post of the same title gets ``-2``, then ``-3``): it never carries the
draft id, and it stays put when the title changes, so links to it keep working. Only an
explicit :meth:`StaticSite.move` gives it a new one, and the old address then holds a small
page that sends readers on (``redirects`` in the site record). Posts published by older
Writers keep the addresses their record gives them.
Every file is written atomically: a crash mid-publish never leaves half a page; and one
writer at a time, across processes too (the app's retry timer and ``writer publish``),
under a lock file (filelock) in the folder.

The site record lists every file Writer wrote, and Writer replaces or deletes only those: a
folder that already holds other files is refused as a new site (choose a subfolder), and a
file someone else put where a page would go is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from writer import paths
from writer.publishing.errors import PublishError, TransientError
from writer.publishing.render import slugify
from writer.publishing.target import Post, Remote
from writer.textfiles import write_text_atomic

if TYPE_CHECKING:
    from jinja2 import Environment

MANIFEST = ".writer-site.json"
LOCK_FILE = ".writer-site.lock"
LOCK_WAIT_S = 30.0
_lock = threading.Lock()  # one site rebuild at a time within the process
#: Characters XML 1.0 forbids (a form feed from a PDF made the feed unreadable); HTML has no use for them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def default_site_dir() -> Path:
    return paths.data_dir() / "site"


def _environment() -> Environment:
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # on first render, not at start-up

    return Environment(loader=FileSystemLoader(paths.resources_dir() / "templates"),
                       autoescape=select_autoescape(["html", "xml"]), keep_trailing_newline=True)


def _write(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (under the site's lock), readable by a web server."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, text)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class StaticSite:
    """A :class:`~writer.publishing.target.Target` that renders into ``folder``."""

    def __init__(self, name: str, folder: Path, *, title: str = "Writing", base_url: str = "",
                 author: str = "", clock: Any = None) -> None:
        self.name = name
        self.folder = Path(folder).expanduser()
        self.title = title
        self.base_url = base_url.rstrip("/") + "/" if base_url else ""
        self.author = author or "Writer"
        self.clock = clock or (lambda: datetime.now(UTC))

    # -- Target ----------------------------------------------------------------------------

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This site to ourselves while we read, change and rewrite it."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._unwritable(exc) from exc
        from filelock import FileLock, Timeout  # on first publish: ~16 ms the app's start need not pay

        with _lock:
            lock = FileLock(self.folder / LOCK_FILE, timeout=LOCK_WAIT_S)
            try:
                lock.acquire()
            except Timeout as exc:
                raise TransientError(f"The site in {self.folder} is being written by another Writer; "
                                     "will retry.") from exc
            except OSError as exc:  # the lock file cannot be made: a read-only folder or disk
                raise self._unwritable(exc) from exc
            try:
                yield
            finally:
                lock.release()

    def _unwritable(self, exc: OSError) -> PublishError:
        return PublishError(f"Cannot write the site into {self.folder} ({exc.strerror or exc}). Check the "
                            "folder is writable, or choose another with `writer targets add static PATH`.")

    @staticmethod
    def _check_status(post: Post) -> None:
        if post.status != "publish":
            raise PublishError(f"A static site publishes at once: it keeps no drafts or scheduled posts "
                               f"(status '{post.status}'). Publish it now, or use a WordPress or Micropub "
                               "blog for that.")

    def create(self, post: Post) -> Remote:
        self._check_status(post)
        with self._locked():
            site = self._load()
            post_id = next((pid for pid, entry in site["posts"].items() if entry.get("marker") == post.marker),
                           None) or _free_slug(site, slugify(post.title), self.folder)
            site["posts"][post_id] = self._entry(post, previous=site["posts"].get(post_id))
            self._save_and_render(site, changed=post_id)
            return self._remote(post_id)

    def update(self, remote: Remote, post: Post) -> Remote:
        self._check_status(post)
        with self._locked():
            site = self._load()
            previous = site["posts"].get(remote.id)
            site["posts"][remote.id] = self._entry(post, previous=previous)
            self._save_and_render(site, changed=remote.id)
            return self._remote(remote.id)

    def delete(self, remote: Remote) -> None:
        with self._locked():
            site = self._load()
            site["posts"].pop(remote.id, None)
            redirects = site.setdefault("redirects", {})
            gone = {f"posts/{remote.id}.html"} | {f"posts/{old}.html" for old, new in redirects.items()
                                                  if new == remote.id}
            site["redirects"] = {old: new for old, new in redirects.items() if new != remote.id}
            for page in gone & _written(site):
                (self.folder / page).unlink(missing_ok=True)
            site["files"] = sorted(_written(site) - gone)
            self._save_and_render(site, changed=None)

    def move(self, remote: Remote, slug: str | None = None) -> Remote:
        """Give the post a new address (``slug``, or one made from its title now) and leave a
        page at the old one that sends readers to the new."""
        with self._locked():
            site = self._load()
            entry = site["posts"].get(remote.id)
            if entry is None:
                raise PublishError(f"The post {remote.id} is not on the site in {self.folder}; publish it again.")
            redirects: dict[str, str] = site.setdefault("redirects", {})
            wanted = slugify(slug if slug is not None else entry["title"])
            if wanted == remote.id:
                return self._remote(remote.id)
            if redirects.get(wanted) == remote.id:  # back to an address it had before
                del redirects[wanted]
            new_id = _free_slug(site, wanted, self.folder)
            site["posts"][new_id] = site["posts"].pop(remote.id)
            for old, new in redirects.items():  # older addresses lead straight to the newest
                if new == remote.id:
                    redirects[old] = new_id
            redirects[remote.id] = new_id
            self._save_and_render(site, changed=new_id)
            return self._remote(new_id)

    def find(self, marker: str) -> Remote | None:
        with self._locked():
            for post_id, entry in self._load()["posts"].items():
                if entry.get("marker") == marker:
                    return self._remote(post_id)
        return None

    # -- the site --------------------------------------------------------------------------

    def url_for(self, post_id: str) -> str:
        if self.base_url:
            return f"{self.base_url}posts/{post_id}.html"
        return (self.folder.resolve() / "posts" / f"{post_id}.html").as_uri()

    def _remote(self, post_id: str) -> Remote:
        return Remote(id=post_id, url=self.url_for(post_id))

    def _entry(self, post: Post, previous: dict[str, Any] | None) -> dict[str, Any]:
        now = self.clock()
        published = previous["published"] if previous else _iso(post.date or now)
        return {"title": _NOT_XML.sub("", post.title or "Untitled"), "html": _NOT_XML.sub("", post.html),
                "tags": [_NOT_XML.sub("", tag) for tag in post.tags],
                "marker": post.marker, "draft_id": post.draft_id, "published": published, "updated": _iso(now)}

    def _load(self) -> dict[str, Any]:
        path = self.folder / MANIFEST
        try:
            site = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, NotADirectoryError):  # a new site (or a bad path, reported on write)
            check_site_folder(self.folder)
            return {"id": f"urn:uuid:{uuid.uuid4()}", "posts": {}, "files": []}
        except (OSError, ValueError) as exc:
            raise PublishError(f"The site record {path} cannot be read ({exc}). Move the folder aside or choose "
                               "another with `writer targets add static PATH`.") from exc
        if not isinstance(site, dict) or not isinstance(site.get("posts"), dict):
            raise PublishError(f"{path} is not a Writer site record; choose an empty folder for the site.")
        return site

    def _save_and_render(self, site: dict[str, Any], changed: str | None) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            pages, stale = self._render(site, changed)
            written = _written(site)
            foreign = sorted(name for name in pages if name not in written and (self.folder / name).exists())
            if foreign:
                raise PublishError(f"{self.folder} holds {', '.join(foreign[:3])}, which Writer did not write and "
                                   "will not replace; move it away, or choose another folder with "
                                   "`writer targets add static PATH`.")
            site["files"] = sorted((written | pages.keys()) - stale)
            _write(self.folder / MANIFEST, json.dumps(site, indent=1, ensure_ascii=False))  # first: the record
            for name, text in pages.items():  # lists a file before it exists, so it is never orphaned
                _write(self.folder / name, text)
            for name in stale:
                (self.folder / name).unlink(missing_ok=True)
        except OSError as exc:
            raise self._unwritable(exc) from exc

    def _render(self, site: dict[str, Any], changed: str | None) -> tuple[dict[str, str], set[str]]:
        """The pages to write (by path within the site) and the stale tag pages Writer wrote before."""
        env = _environment()
        meta = {"title": self.title, "base_url": self.base_url, "id": site["id"], "author": self.author,
                "language": "en"}
        pages = site.setdefault("tag_pages", {})  # kept in the site record: a tag's page never moves
        slugs = _tag_slugs(pages, (tag for entry in site["posts"].values() for tag in entry["tags"]))
        posts = sorted((self._view(pid, e, slugs) for pid, e in site["posts"].items()),
                       key=lambda p: (p["published_iso"], p["id"]), reverse=True)
        tags: dict[str, dict[str, Any]] = {}
        for post in posts:
            for tag in post["tags"]:
                entry = tags.setdefault(tag["slug"], {"name": tag["name"], "slug": tag["slug"], "posts": []})
                entry["posts"].append(post)
        tag_list = sorted(tags.values(), key=lambda t: t["name"].casefold())
        post_tpl, list_tpl = env.get_template("post.html"), env.get_template("list.html")
        out: dict[str, str] = {}
        for post in posts:
            name = f"posts/{post['id']}.html"
            if changed is None or post["id"] == changed or not (self.folder / name).exists():
                out[name] = post_tpl.render(site=meta, root="../", post=post)
        for tag in tag_list:
            out[f"tags/{tag['slug']}.html"] = list_tpl.render(site=meta, root="../", posts=tag["posts"],
                                                              heading=f"Tagged “{tag['name']}”", tags=[])
        stale = {name for name in _written(site)
                 if name.startswith("tags/") and name.removeprefix("tags/").removesuffix(".html") not in tags}
        titles = {post["id"]: post["title"] for post in posts}
        redirect_tpl = env.get_template("redirect.html")
        for old, new in (site.get("redirects") or {}).items():
            out[f"posts/{old}.html"] = redirect_tpl.render(site=meta, root="../", target=f"{new}.html",
                                                           title=titles.get(new, new))
        out["index.html"] = list_tpl.render(site=meta, root="", posts=posts, heading="", tags=tag_list)
        updated = max((p["updated_iso"] for p in posts), default=_iso(self.clock()))
        out["feed.xml"] = env.get_template("feed.xml").render(site=meta, posts=posts[:50], updated=updated)
        out["style.css"] = (paths.resources_dir() / "templates" / "style.css").read_text("utf-8")
        return out, stale

    @staticmethod
    def _view(post_id: str, entry: dict[str, Any], slugs: dict[str, str]) -> dict[str, Any]:
        # pages show the writer's local date: a post written at 8 pm on 31 December is a December post
        published = datetime.fromisoformat(entry["published"].replace("Z", "+00:00")).astimezone()
        return {"id": post_id, "title": entry["title"], "html": entry["html"],
                "tags": [{"name": t, "slug": slugs[t]} for t in entry["tags"]],
                "published_iso": entry["published"], "updated_iso": entry["updated"],
                "published_human": f"{published.day} {published:%B %Y}",
                "atom_id": f"urn:writer:{entry['marker']}"}


def _written(site: dict[str, Any]) -> set[str]:
    """The files Writer wrote into the site (a record from before the list was kept: the pages its
    posts and tags would have)."""
    if isinstance(site.get("files"), list):
        return {str(name) for name in site["files"]}
    return ({"index.html", "feed.xml", "style.css"} | {f"posts/{pid}.html" for pid in site["posts"]}
            | {f"tags/{slug}.html" for slug in (site.get("tag_pages") or {}).values()})


def _free_slug(site: dict[str, Any], slug: str, folder: Path) -> str:
    """``slug``, or ``slug-2``, ``slug-3``… : the first address no post, redirect page or file
    someone else put in the folder holds."""
    taken = set(site["posts"]) | set(site.get("redirects") or {})
    written = _written(site)

    def held(name: str) -> bool:
        page = f"posts/{name}.html"
        return name in taken or (page not in written and (folder / page).exists())

    candidate, n = slug, 1
    while held(candidate):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def check_site_folder(folder: Path) -> None:
    """Refuse a folder for a new site unless it is empty, missing, or already a Writer site.

    Writing a site into a folder of other files would replace its ``index.html`` and
    ``style.css``; a subfolder keeps both.
    """
    folder = Path(folder)
    try:
        if (folder / MANIFEST).is_file() or not folder.exists():
            return
        if not folder.is_dir():
            raise PublishError(f"{folder} is a file; give a folder for the static site.")
        others = sorted(p.name for p in folder.iterdir() if p.name not in (LOCK_FILE, MANIFEST))
    except OSError as exc:
        raise PublishError(f"Cannot use {folder} for the site ({exc.strerror or exc}); choose another folder "
                           "with `writer targets add static PATH`.") from None
    if others:
        shown = ", ".join(others[:3]) + (f" and {len(others) - 3} more" if len(others) > 3 else "")
        raise PublishError(f"{folder} already holds files that are not a Writer site ({shown}); Writer will not "
                           f"write over them. Choose an empty folder or a subfolder, e.g. {folder / 'blog'}.")


def _tag_slugs(pages: dict[str, str], tags: Iterable[str]) -> dict[str, str]:
    """A page name per tag, recorded in ``pages`` (by case-folded name) so it never changes.

    "Python" and "python" share a page. A new tag whose name makes a page name already
    taken ("C" after "C++", or any two non-Latin names) gets a short hash of its name.
    """
    names = set(tags)
    for name in sorted(names, key=str.casefold):
        key = name.casefold()
        if key not in pages:
            taken = set(pages.values())
            slug = base = slugify(name, "tag")
            hashed = f"{base}-{hashlib.sha1(key.encode()).hexdigest()[:6]}"
            tries = 0
            while slug in taken:  # the hashed name taken too (two names, one hash prefix): count on
                tries += 1
                slug = hashed if tries == 1 else f"{hashed}-{tries}"
            pages[key] = slug
    return {name: pages[name.casefold()] for name in names}
