"""``writer models``: list, inspect, add and score model packs."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from writer.errors import WriterError
from writer.generation import packs
from writer.textfiles import read_text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("models", help="list, inspect, add and score model packs")
    parser.set_defaults(func=lambda args: parser.print_help() or 0)
    sub = parser.add_subparsers(dest="models_command", metavar="ACTION")

    p = sub.add_parser("list", help="the installed packs, and why any cannot be used")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_list)

    p = sub.add_parser("info", help="show a pack's card")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="print the card as JSON")
    p.set_defaults(func=_info)

    p = sub.add_parser("add", help="copy a pack folder (or a plain optimum GPT-2 export) into your packs")
    p.add_argument("path", type=Path)
    p.add_argument("--name", help="install under this name (default: the folder's name)")
    p.add_argument("--corpus", nargs="+", type=Path, metavar="TEXT",
                   help="the pack's training texts: list the names they use, so suggestions avoid them")
    p.set_defaults(func=_add)

    p = sub.add_parser("train", help="fine-tune a style pack from your own texts on this computer (needs the "
                       "[train] extra); run it again to resume")
    p.add_argument("name", help="the new pack's name")
    p.add_argument("--from", dest="sources", nargs="+", type=Path, required=True, metavar="PATH",
                   help=".txt or .md files, or folders holding them")
    p.add_argument("--base", default="vanilla", help="the pack to start from (default: vanilla)")
    p.add_argument("--max-minutes", type=float, default=15.0, help="training time (default: 15)")
    p.add_argument("--threads", type=int, default=None, help="CPU threads training may use (default: all)")
    p.add_argument("--json", action="store_true", help="print one JSON object per progress event")
    p.add_argument("--low-priority", action="store_true",
                   help="give way to other programs for the CPU (the app trains this way, so typing stays smooth)")
    p.set_defaults(func=_train)

    p = sub.add_parser("remove", help="delete one of your packs (the shipped ones stay)")
    p.add_argument("name")
    p.set_defaults(func=_remove)

    p = sub.add_parser("perplexity", help="how well a pack predicts text files (lower is better)")
    p.add_argument("--model", required=True, help="pack name")
    p.add_argument("--json", action="store_true", help="print one JSON object per file")
    p.add_argument("files", nargs="+", type=Path)
    p.set_defaults(func=_perplexity)


TRAIN_EXTRA = 'pip install "writer[train]"  (or, in a checkout: pip install -e ".[train]")'


def _train(args: argparse.Namespace) -> int:
    try:
        import torch

        from models.userpack import train_pack
    except ImportError:
        raise WriterError(f"Training needs the [train] extra (torch, transformers, optimum): {TRAIN_EXTRA}") from None
    if args.max_minutes <= 0:
        raise WriterError("--max-minutes must be more than 0.")
    if args.threads is not None:
        torch.set_num_threads(max(1, args.threads))
    if args.low_priority and hasattr(os, "nice"):
        os.nice(10)  # the editor's thread wins the cores whenever both want them

    def show(event: dict[str, Any]) -> None:
        if args.json:
            print(json.dumps(event, ensure_ascii=False), flush=True)
        elif event["event"] == "step":
            print(f"{event['step']}…", flush=True)
        elif event["event"] == "train":
            print(f"  step {event['step']}: loss {event['train_loss']:.3f}, {event['tokens_per_s']:,} tokens/s, "
                  f"{event['seconds_left'] / 60:.1f} min left", flush=True)
        elif event["event"] == "done":
            unseen = event["evaluation_unseen"].get(args.name, {})
            base = event["base_unseen"]
            if unseen and base:
                print(f"Perplexity on your texts it never trained on: {unseen['perplexity']:.1f} "
                      f"({base['base']}: {base['perplexity']:.1f}; lower is closer to your style)")
            print(f"Installed the model pack '{args.name}' ({event['pack']}).")

    train_pack(args.name, args.sources, base=args.base, max_minutes=args.max_minutes, progress=show)
    return 0


def _remove(args: argparse.Namespace) -> int:
    from writer.settings import Settings

    removed = packs.remove_pack(args.name, Settings.load())
    print(f"Removed the model pack '{args.name}' ({removed}).")
    return 0


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 1024:.0f} KB"


def _summary(pack: packs.Pack) -> dict[str, Any]:
    return {
        "name": pack.name, "display_name": pack.display_name, "available": pack.available,
        "reason": pack.reason or None, "size_bytes": pack.size_bytes, "base": pack.base or None,
        "source": pack.source, "path": str(pack.path),
    }


def _list(args: argparse.Namespace) -> int:
    found = packs.discover()
    if args.json:
        print(json.dumps([_summary(p) for p in found], indent=2, ensure_ascii=False))
        return 0
    if not found:
        print("No model packs installed. Add one with: writer models add PATH")
        return 0
    for p in found:
        state = "ok" if p.available else f"UNAVAILABLE: {p.reason}"
        base = f"  base: {p.base}" if p.base else ""
        print(f"{p.name:<14} {p.display_name:<22} {_size(p.size_bytes):>9}  {state}{base}")
    return 0


def _info(args: argparse.Namespace) -> int:
    pack = packs.find(args.name)
    if args.json:
        print(json.dumps({**_summary(pack), "card": pack.card}, indent=2, ensure_ascii=False))
        return 0
    card = pack.card
    print(f"{pack.display_name} ({pack.name})")
    if not pack.available:
        print(f"  UNAVAILABLE: {pack.reason}")
    if card.get("description"):
        print(f"  {card['description']}")
    for key, value in _facts(pack):
        if value not in (None, ""):
            print(f"  {key + ':':<14}{value}")
    _print_works(_list_of(card, "works"))
    _print_evaluation(_table_of(card, "evaluation"))
    for sample in _list_of(card, "samples"):
        text = sample.get("text", sample) if isinstance(sample, dict) else sample
        print(f"  sample: {str(text)[:300]!s}")
    if card.get("note"):
        print(f"  note: {card['note']}")
    return 0


def _table_of(card: dict[str, Any], key: str) -> dict[str, Any]:
    """A table of the card, or an empty one where a hand-edited card holds something else there."""
    value = card.get(key)
    return value if isinstance(value, dict) else {}


def _list_of(card: dict[str, Any], key: str) -> list[Any]:
    """A list of the card, or an empty one where a hand-edited card holds something else there."""
    value = card.get(key)
    return value if isinstance(value, list) else []


def _facts(pack: packs.Pack) -> list[tuple[str, Any]]:
    """The one-line facts ``models info`` shows, in order (empty ones are left out by the caller)."""
    card = pack.card
    lines: list[tuple[str, Any]] = [("folder", pack.path), ("size", _size(pack.size_bytes)), ("base", card.get("base")),
                                    ("trained here", card.get("trained_here")),
                                    ("stands in for", card.get("stands_in_for")), ("created", card.get("created"))]
    if arch := _table_of(card, "architecture"):
        lines.append(("architecture", ", ".join(f"{k} {v}" for k, v in arch.items() if v is not None)))
    if sampler := _table_of(card, "sampler"):
        lines.append(("sampler", ", ".join(f"{k} {v}" for k, v in sampler.items())))
    return lines


def _print_works(works: list[Any]) -> None:
    """The works a pack was trained on, one a line with its Gutenberg number."""
    works = [w for w in works if isinstance(w, dict)]
    if works:
        print(f"  works ({len(works)}):")
        for w in works:
            gid = f" [Gutenberg {w['gutenberg_id']}]" if w.get("gutenberg_id") else ""
            print(f"    - {w.get('title', '?')}, {w.get('author', '?')}{gid}")


def _print_evaluation(evaluation: dict[str, Any]) -> None:
    """The card's scores, one corpus a line."""
    if evaluation:
        print("  evaluation:")
        for corpus, scores in evaluation.items():
            if isinstance(scores, dict):
                nums = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in scores.items())
                print(f"    {corpus}: {nums}")


def _add(args: argparse.Namespace) -> int:
    missing = [str(p) for p in args.corpus or () if not p.is_file()]
    if missing:
        raise WriterError(f"Corpus file(s) not found: {', '.join(missing)}")
    pack = packs.add_pack(args.path, args.name)
    print(f"Added '{pack.name}' ({pack.display_name}) to {pack.path}")
    if args.corpus:
        from models import names, words

        print(f"Listed the names of its texts in {names.for_files(args.corpus, pack.path)}")
        if (own := words.for_files(args.corpus, pack.path)) is not None:
            print(f"Listed the words of its texts in {own}")
    return 0


def _perplexity(args: argparse.Namespace) -> int:
    from writer.generation.perplexity import score_text

    pack = packs.find(args.model)
    pack.require_available()
    for path in args.files:
        text = read_text(path)
        if not text.strip():
            raise WriterError(f"{path} is empty; there is nothing to score.")
        s = score_text(pack, text)
        if args.json:
            row = {"model": pack.name, "file": str(path), "tokens": s["tokens"], "nats_per_token": s["nats_per_token"],
                   "perplexity": s["perplexity"], "bits_per_char": s["bits_per_char"]}
            print(json.dumps(row, ensure_ascii=False))
        else:
            print(f"{path}: {s['tokens']} tokens, {s['nats_per_token']:.3f} nats/token, "
                  f"perplexity {s['perplexity']:.2f}, {s['bits_per_char']:.3f} bits/char")
        sys.stdout.flush()
    return 0
