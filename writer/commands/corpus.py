"""``writer corpus``: index your own texts so ``writer check --corpus NAME`` can flag copies of them."""

from __future__ import annotations

import argparse
from pathlib import Path

from writer.copycheck.build import DEFAULT_WINNOW, index_files
from writer.copycheck.locate import check_name, corpus_index_dir, corpus_names


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("corpus", help="copy-check corpora built from your own text files")
    sub = parser.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    index = sub.add_parser("index", help="build a copy index from text files (each file is one work)")
    index.add_argument("files", nargs="+", type=Path, metavar="FILE", help="UTF-8 text files")
    index.add_argument("--name", required=True, help="the corpus name for 'writer check --corpus NAME'")
    index.add_argument("--out", type=Path, help="write the copyindex folder here instead of the user data folder")
    index.add_argument("--winnow", type=int, metavar="W", default=0,
                       help=f"keep about 2/(W+1) of the windows (smaller, finds every copy of W+7+ words; "
                            f"e.g. {DEFAULT_WINNOW}); default: exact")
    index.set_defaults(func=run_index)
    listing = sub.add_parser("list", help="list the corpora built with 'writer corpus index'")
    listing.set_defaults(func=run_list)


def run_index(args: argparse.Namespace) -> int:
    name = check_name(args.name)
    out = args.out if args.out else corpus_index_dir(name)
    if args.out and out.name != "copyindex":
        out = out / "copyindex"
    mode = "winnow" if args.winnow else "exact"
    summary = index_files(list(args.files), name, out, mode=mode, winnow_w=args.winnow or DEFAULT_WINNOW)
    print(f"indexed {summary['works']} file(s), {summary['words']:,} words → {out} "
          f"({summary['bytes']:,} bytes, {mode}, {summary['seconds']:.1f} s)")
    return 0


def run_list(args: argparse.Namespace) -> int:
    for name in corpus_names():
        print(name)
    return 0
