"""``writer drafts tag`` and ``writer drafts tags``: a draft's tags, and every tag at once."""

from __future__ import annotations

import argparse
import json

from writer.commands._args import draft_id
from writer.commands._store import with_store
from writer.errors import WriterError
from writer.store import Store


def register(sub: argparse._SubParsersAction) -> None:
    """Add the tag actions to ``writer drafts``."""
    p = sub.add_parser("tag", help="add or remove a draft's tags (they go to export and every target)")
    p.add_argument("id", type=draft_id, help="the draft's id")
    p.add_argument("--add", action="append", default=[], metavar="TAG", help="add this tag (repeat for more)")
    p.add_argument("--remove", action="append", default=[], metavar="TAG", help="remove this tag (any case)")
    p.set_defaults(func=_tag)

    p = sub.add_parser("tags", help="every tag with how many drafts carry it; --rename renames one everywhere")
    p.add_argument("--rename", nargs=2, metavar=("OLD", "NEW"), help="rename a tag on every draft")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_tags)


@with_store
def _tag(store: Store, args: argparse.Namespace) -> int:
    draft = store.get_draft(args.id)
    gone = {" ".join(t.split()).casefold() for t in args.remove}
    tags = [t for t in draft.tags if t.casefold() not in gone] + list(args.add)
    draft = store.save_draft(draft.id, tags=tags)
    print(f"Draft {draft.id} tags: {', '.join(draft.tags) if draft.tags else '(none)'}")
    return 0


@with_store
def _tags(store: Store, args: argparse.Namespace) -> int:
    if args.rename:
        old, new = args.rename
        changed = store.rename_tag(old, new)
        if not changed:
            raise WriterError(f"No draft has the tag '{old}'.")
        print(f"Renamed '{old}' to '{new}' on {changed} draft{'s' if changed != 1 else ''}.")
        return 0
    tags = store.tags()
    if args.json:
        print(json.dumps([{"tag": tag, "drafts": count} for tag, count in tags], ensure_ascii=False, indent=2))
    elif not tags:
        print("No tags yet. Add one with `writer drafts tag ID --add TAG`.")
    else:
        for tag, count in tags:
            print(f"{count:>5}  {tag}")
    return 0
