"""Drafts as Markdown files with YAML front matter (title, date, tags, status).

The format static-site generators and other editors read, so a draft can leave
Writer and come back without losing its metadata.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import yaml

from writer.errors import WriterError
from writer.store.models import STATUSES, Draft
from writer.store.store import Store
from writer.store.text import derive_title
from writer.textfiles import read_text

SUFFIXES = (".md", ".markdown", ".txt")
_FENCE = "---"


def export_markdown(draft: Draft) -> str:
    """The draft as Markdown: front matter, a blank line, then the body exactly as stored."""
    meta: dict[str, Any] = {
        "title": draft.title,
        "date": draft.created.astimezone(UTC).isoformat(timespec="seconds"),
        "tags": list(draft.tags),
        "status": draft.status,
    }
    if draft.url:
        meta["url"] = draft.url
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"{_FENCE}\n{front}{_FENCE}\n\n{draft.body}"


def _split_front_matter(text: str) -> tuple[str | None, str]:
    """(front matter, body); None when the text does not open with a closed ``---`` block."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != _FENCE:
        return None, text
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (_FENCE, "..."):
            body = "\n".join(lines[index + 1:])
            return "\n".join(lines[1:index]), body.removeprefix("\n")
    return None, text


def _as_datetime(value: Any, filename: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time())
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise WriterError(f"{filename}: front matter date {value!r} is not a date like "
                              "2024-05-01.") from exc
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    try:
        moment.astimezone(UTC)  # the store keeps UTC: year 1 at +05:00 has no UTC time
    except OverflowError as exc:
        raise WriterError(f"{filename}: front matter date '{value}' is out of range.") from exc
    return moment


def parse_markdown(text: str, filename: str = "<text>") -> dict[str, Any]:
    """Front matter and body of a Markdown text, ready for ``Store.create_draft``.

    Returns ``body``, ``title`` (None if absent), ``tags``, ``status``,
    ``created`` (None if absent) and ``url``. Bad front matter raises a WriterError
    naming ``filename``.
    """
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    front, body = _split_front_matter(text)
    meta: Any = {}
    if front is not None:
        try:
            meta = yaml.safe_load(front)
        except yaml.YAMLError as exc:
            where = getattr(exc, "problem_mark", None)
            line = f" (line {where.line + 2})" if where is not None else ""
            raise WriterError(f"{filename}: the front matter between the --- lines is not valid YAML{line}; "
                              "fix it or remove it, then import again.") from exc
        except ValueError as exc:  # PyYAML builds dates itself: "date: 2024-02-30" fails here
            raise WriterError(f"{filename}: the front matter has an impossible value ({exc}); fix it, "
                              "then import again.") from exc
        if meta is None:
            meta = {}
        elif not isinstance(meta, dict):  # "---" was a horizontal rule, not front matter
            meta, body = {}, text
    meta = {str(k).lower(): v for k, v in meta.items()}
    title = meta.get("title")
    title = str(title).strip() if title is not None and str(title).strip() else None
    tags = meta.get("tags") or []
    if isinstance(tags, str):
        tags = [t for t in (part.strip() for part in tags.split(",")) if t]
    elif not isinstance(tags, list):
        raise WriterError(f"{filename}: front matter tags must be a list or comma-separated text.")
    status = str(meta.get("status") or "draft").strip().lower()
    if status not in STATUSES:
        raise WriterError(f"{filename}: front matter status {status!r} is not one of {', '.join(STATUSES)}.")
    created = meta.get("date") or meta.get("created")
    url = meta.get("url")
    return {
        "body": body,
        "title": title,
        "tags": [str(t) for t in tags],
        "status": status,
        "created": _as_datetime(created, filename) if created else None,
        "url": str(url) if url else None,
    }


def read_text_file(path: Path) -> str:
    """A .md or .txt file's contents, or a WriterError that names it (wrong kind, unreadable, not UTF-8)."""
    if path.suffix.lower() not in SUFFIXES:
        raise WriterError(f"{path}: only {', '.join(SUFFIXES)} files can be imported.")
    return read_text(path)


def import_file(store: Store, path: Path) -> Draft:
    """A new draft from a .md or .txt file; nothing is created if the file is bad."""
    path = Path(path)
    fields = parse_markdown(read_text_file(path), str(path))
    if fields["title"] is None and not fields["body"].strip():
        fields["title"] = path.stem
    elif fields["title"] == derive_title(fields["body"]):
        fields["title"] = None  # it only repeats the first line: keep following it
    draft = store.create_draft(fields["body"], title=fields["title"], tags=fields["tags"],
                               status=fields["status"], created=fields["created"], url=fields["url"])
    return draft
