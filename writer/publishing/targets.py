"""Adding a publishing target: the one way the CLI and the app both use.

:func:`prepare` checks what the writer gave (a folder that can be written, a web address,
a secret, the WordPress login, the Micropub endpoint) and may talk to the server, so the
app runs it on its worker; :func:`save` writes the target and its secret. :func:`add` is
both, for the CLI. One naming rule: a target is called after its kind ("site" for a
static site, as the automatic default is) unless the writer names it.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.publishing.errors import PublishError, now_only
from writer.publishing.publisher import DEFAULT_STATIC, KINDS, Publisher
from writer.publishing.static_site import check_site_folder


def default_name(kind: str) -> str:
    """What a target is called when the writer does not say."""
    return DEFAULT_STATIC if kind == "static" else kind


@dataclass(frozen=True)
class NewTarget:
    """A checked target, not yet saved. ``secret`` goes to the keyring, never the database."""

    name: str
    kind: str
    config: dict[str, Any]
    secret: str | None
    checked: str | None  # what the server said, e.g. "Signed in to … as …"; None when not contacted


@dataclass(frozen=True)
class Added:
    target: ob.TargetConfig
    checked: str | None
    secret_kept: bool | None  # True: in the keyring; False: this session only; None: no secret


def prepare(publisher: Publisher, kind: str, location: str, *, name: str | None = None, user: str = "",
            secret: str | None = None, title: str = "", base_url: str = "", endpoint: str | None = None,
            check: bool = True, allow_http: bool = False) -> NewTarget:
    """Check a target before it is saved; raises :class:`WriterError` with what to fix.

    Nothing retries a failed check, so its message says so rather than "will retry"."""
    try:
        return _prepare(publisher, kind, location, name=name, user=user, secret=secret, title=title,
                        base_url=base_url, endpoint=endpoint, check=check, allow_http=allow_http)
    except PublishError as exc:
        raise WriterError(f"{now_only(str(exc))} Nothing was saved.") from exc


def _prepare(publisher: Publisher, kind: str, location: str, *, name: str | None, user: str,
             secret: str | None, title: str, base_url: str, endpoint: str | None, check: bool,
             allow_http: bool) -> NewTarget:
    if kind not in KINDS:
        raise WriterError(f"Unknown target kind {kind!r}; use one of: {', '.join(KINDS)}.")
    name = (name or default_name(kind)).strip()
    if not name:
        raise WriterError("A target needs a name.")
    location = location.strip()
    if kind == "static":
        if base_url.strip():
            base_url = http_url(base_url.strip())  # it goes into every page and the feed: no javascript:
        return NewTarget(name, kind, {"path": str(_writable_folder(location)), "title": title,
                                      "base_url": base_url}, None, None)
    url = http_url(location)
    refuse_plain_http(url, allowed=allow_http)
    extra = {"allow_http": True} if allow_http else {}
    if not secret:
        raise WriterError("Give the application password (WordPress: Users → Profile → Application Passwords)."
                          if kind == "wordpress" else "Give the Micropub token.")
    if kind == "wordpress":
        if not user.strip():
            raise WriterError("Give the WordPress user name.")
        checked = None
        if check:
            from writer.publishing.wordpress import WordPress

            me = WordPress(name, url, user.strip(), secret, client=publisher.client()).probe()
            checked = f"Signed in to {url} as {me.get('name') or user.strip()}."
        return NewTarget(name, kind, {"url": url, "user": user.strip(), **extra}, secret, checked)
    from writer.publishing.micropub import Micropub, discover

    found = endpoint or discover(location, publisher.client())
    refuse_plain_http(http_url(found), allowed=allow_http)
    checked = None
    if check:
        Micropub(name, found, secret, client=publisher.client()).config()
        checked = f"Micropub endpoint {found} accepted the token."
    return NewTarget(name, kind, {"site": url, "endpoint": found, **extra}, secret, checked)


def save(publisher: Publisher, new: NewTarget, *, default: bool = False) -> Added:
    """Write a prepared target (replacing one of that name) and keep its secret."""
    target = ob.add_target(publisher.store, new.name, new.kind, new.config, default=default)
    kept = publisher.credentials.set(new.name, new.secret) if new.secret is not None else None
    return Added(target, new.checked, kept)


def add(publisher: Publisher, kind: str, location: str, *, default: bool = False, **details: Any) -> Added:
    """:func:`prepare` then :func:`save`."""
    return save(publisher, prepare(publisher, kind, location, **details), default=default)


def http_url(text: str) -> str:
    """A site's address, without a trailing slash; anything but http(s) is refused."""
    if not text.startswith(("http://", "https://")) or len(text) <= len("https://"):
        raise WriterError(f"{text!r} is not a web address; it must start with https:// (or http:// for a local "
                          "test site).")
    return text.rstrip("/")


def plain_http(url: str) -> bool:
    """Whether ``url`` would carry a password in clear over the network (http:// to another machine)."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return False
    host = (parts.hostname or "").rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def refuse_plain_http(url: str, *, allowed: bool) -> None:
    if plain_http(url) and not allowed:
        raise WriterError(f"{url} is not encrypted (http://): your password or token would cross the network "
                          "in clear. Use https://, or, if you accept that risk, add the target with --allow-http.")


def _writable_folder(text: str) -> Path:
    if not text or text.startswith(("http://", "https://")):
        raise WriterError("A static site is a folder on this computer: choose one.")
    folder = Path(text).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise WriterError(f"{folder} is a file; give a folder for the static site.")
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise WriterError(f"{existing} cannot be written; choose a folder you can write to for the static site.")
    check_site_folder(folder)  # a folder of someone else's files is refused before anything is written there
    return folder
