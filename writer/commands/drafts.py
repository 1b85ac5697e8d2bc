"""``writer drafts``: list, create, show, search, export and import drafts (and their history) from a terminal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from writer.commands import history, tags
from writer.commands._output import warn
from writer.commands._store import with_store
from writer.errors import WriterError
from writer.store import STATUSES, Draft, Store, reading_minutes, restore_backup
from writer.store.backups import plan_restore
from writer.store.markdown_io import export_markdown, import_file
from writer.store.store import ORDERS
from writer.store.timefmt import ago
from writer.textfiles import read_text, write_text_atomic

TITLE_WIDTH = 40


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("drafts", help="list, create, search, export and import drafts")
    parser.set_defaults(func=lambda args: parser.print_help() or 0)
    sub = parser.add_subparsers(dest="drafts_command", metavar="ACTION")

    p = sub.add_parser("list", help="list drafts, most recently edited first")
    p.add_argument("--status", choices=STATUSES, help="only drafts with this status")
    p.add_argument("--sort", choices=list(ORDERS), default="updated", help="order (default: updated)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=_list)

    p = sub.add_parser("new", help="create a draft")
    p.add_argument("body", nargs="?", default="", help="the text, or - to read it from stdin")
    p.add_argument("--title", help="title (default: the first line of the text)")
    p.add_argument("--tag", action="append", default=[], help="a tag (repeat for more)")
    p.set_defaults(func=_new)

    p = sub.add_parser("show", help="print one draft")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_show)

    p = sub.add_parser("search", help="full-text search (words match as prefixes)")
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=int, default=20, help="at most this many results (default: 20)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_search)

    p = sub.add_parser("export", help="write a draft as Markdown with front matter")
    p.add_argument("id", type=int)
    p.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    p.add_argument("--force", action="store_true", help="replace the output file if it exists")
    p.set_defaults(func=_export)

    p = sub.add_parser("import", help="create drafts from .md or .txt files")
    p.add_argument("files", nargs="+", type=Path)
    p.set_defaults(func=_import)

    p = sub.add_parser("restore-backup", help="replace a damaged database with a backup")
    p.add_argument("backup", nargs="?", type=Path, help="backup file (default: the newest)")
    p.add_argument("--yes", action="store_true", help="do not ask first (the current file is still set aside)")
    p.set_defaults(func=_restore_backup)
    history.register(sub)
    tags.register(sub)


def _as_json(draft: Draft, *, body: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": draft.id,
        "title": draft.title,
        "status": draft.status,
        "tags": list(draft.tags),
        "word_count": draft.word_count,
        "created": draft.created.isoformat(),
        "updated": draft.updated.isoformat(),
        "url": draft.url,
    }
    if body:
        data["body"] = draft.body
    return data


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _row(draft: Draft) -> str:
    return (f"{draft.id:>5}  {_clip(draft.title, TITLE_WIDTH):<{TITLE_WIDTH}}  "
            f"{'edited ' + ago(draft.updated):<22} {draft.word_count:>6} words  {draft.status}")


@with_store
def _list(store: Store, args: argparse.Namespace) -> int:
    drafts = store.list_drafts(status=args.status, order=args.sort)
    if args.json:
        print(json.dumps([_as_json(d) for d in drafts], ensure_ascii=False, indent=2))
    elif not drafts:
        print("No drafts yet. Create one with `writer drafts new`.")
    else:
        for draft in drafts:
            print(_row(draft))
    return 0


@with_store
def _new(store: Store, args: argparse.Namespace) -> int:
    body = read_text("-") if args.body == "-" else args.body
    draft = store.create_draft(body, title=args.title, tags=args.tag)
    print(f"Created draft {draft.id}: {draft.title}")
    return 0


@with_store
def _show(store: Store, args: argparse.Namespace) -> int:
    draft = store.get_draft(args.id)
    if args.json:
        print(json.dumps(_as_json(draft, body=True), ensure_ascii=False, indent=2))
        return 0
    minutes = reading_minutes(draft.word_count)
    print(draft.title)
    details = [draft.status, f"{draft.word_count} words", f"{minutes} min read",
               f"edited {ago(draft.updated)}"]
    if draft.tags:
        details.append("tags: " + ", ".join(draft.tags))
    if draft.url:
        details.append(draft.url)
    print(" · ".join(details))
    print()
    print(draft.body)
    return 0


@with_store
def _search(store: Store, args: argparse.Namespace) -> int:
    hits = store.search(" ".join(args.query), limit=args.limit)
    if args.json:
        print(json.dumps([{**_as_json(h.draft), "snippet": h.snippet, "rank": h.rank} for h in hits],
                         ensure_ascii=False, indent=2))
    elif not hits:
        print("No matches.")
    else:
        for hit in hits:
            print(f"{hit.draft.id:>5}  {hit.draft.title}")
            print(f"       {' '.join(hit.snippet.split())}")
    return 0


@with_store
def _export(store: Store, args: argparse.Namespace) -> int:
    text = export_markdown(store.get_draft(args.id))
    if args.output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return 0
    if args.output.is_dir():
        raise WriterError(f"{args.output} is a folder; give the file to write, e.g. {args.output / 'draft.md'}.")
    if args.output.exists() and not args.force:
        raise WriterError(f"{args.output} already exists; pass --force to replace it.")
    write_text_atomic(args.output, text)
    print(f"Wrote {args.output}")
    return 0


@with_store
def _import(store: Store, args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        try:
            draft = import_file(store, path)
        except WriterError as exc:
            failed += 1
            warn(exc)
            continue
        print(f"Imported {path} as draft {draft.id}: {draft.title}")
    return 1 if failed else 0


def _restore_backup(args: argparse.Namespace) -> int:
    plan = plan_restore(args.backup)
    if not args.yes:
        if not sys.stdin.isatty():
            raise WriterError(f"{plan.describe()} Nothing was changed: pass --yes to go ahead without a "
                              "terminal to ask in.")
        print(plan.describe())
        try:
            answer = input("Restore it? [y/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing was changed.")
            return 1
    kept = restore_backup(plan=plan)
    if kept == plan.target:
        print(f"Restored {plan.target} from {plan.backup}.")
    else:
        print(f"Restored {plan.target} from {plan.backup}; the previous file is kept as {kept}.")
    return 0
