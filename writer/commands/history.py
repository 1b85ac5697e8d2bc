"""``writer drafts history|diff|restore-revision``: a draft's revisions from a terminal."""

from __future__ import annotations

import argparse
import json

from writer.commands._args import draft_id, revision_id
from writer.commands._store import with_store
from writer.store import Revision, Store
from writer.store.history import diff, unified, words_changed
from writer.store.timefmt import ago


def register(sub: argparse._SubParsersAction) -> None:
    """Add the history actions to ``writer drafts``."""
    p = sub.add_parser("history", help="a draft's revisions, newest first")
    p.add_argument("id", type=draft_id, help="the draft's id")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_history)

    p = sub.add_parser("diff", help="what changed from a revision to another one, or to the draft now")
    p.add_argument("rev", type=revision_id, help="a revision id (from `writer drafts history`)")
    p.add_argument("rev2", type=revision_id, nargs="?", help="a later revision (default: the draft as it is now)")
    p.set_defaults(func=_diff)

    p = sub.add_parser("restore-revision", help="put a revision's text back (the current text is kept as one)")
    p.add_argument("rev", type=revision_id, help="a revision id (from `writer drafts history`)")
    p.set_defaults(func=_restore)


def _as_json(rev: Revision, added: int, removed: int) -> dict[str, object]:
    return {"id": rev.id, "draft_id": rev.draft_id, "created": rev.created.isoformat(), "reason": rev.reason,
            "title": rev.title, "word_count": rev.word_count, "words_added": added, "words_removed": removed}


@with_store
def _history(store: Store, args: argparse.Namespace) -> int:
    revisions = store.revisions(args.id)
    rows = []
    for rev, older in zip(revisions, [*revisions[1:], None][:len(revisions)], strict=True):
        added, removed = words_changed(diff(older.body if older else "", rev.body))
        rows.append((rev, added, removed))
    if args.json:
        print(json.dumps([_as_json(*row) for row in rows], ensure_ascii=False, indent=2))
    elif not rows:
        print(f"Draft {args.id} has no revisions yet (one is kept every few minutes of writing).")
    else:
        for rev, added, removed in rows:
            print(f"{rev.id:>6}  {ago(rev.created):<16} {rev.word_count:>6} words  +{added} −{removed}  {rev.reason}")
    return 0


@with_store
def _diff(store: Store, args: argparse.Namespace) -> int:
    old = store.revision(args.rev)
    new_body = store.revision(args.rev2).body if args.rev2 is not None else store.get_draft(old.draft_id).body
    changes = diff(old.body, new_body)
    added, removed = words_changed(changes)
    if all(change.op == "same" for change in changes):
        print("No changes.")
        return 0
    text = unified(changes)
    print(text if text.endswith("\n") else text + "\n", end="")
    print(f"+{added} words, −{removed} words")
    return 0


@with_store
def _restore(store: Store, args: argparse.Namespace) -> int:
    draft = store.restore_revision(args.rev)
    print(f"Restored draft {draft.id} ({draft.title}) to revision {args.rev}; "
          "the text it replaced is kept as a revision too.")
    return 0
