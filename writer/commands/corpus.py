"""``writer corpus``: index your own texts so ``writer check --corpus NAME`` can flag copies of them."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path
from typing import Any

from writer.commands._args import int_between
from writer.copycheck.build import DEFAULT_WINNOW, index_files
from writer.copycheck.locate import check_name, corpus_index_dir, corpus_names
from writer.errors import WriterError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("corpus", help="copy-check corpora built from your own text files")
    sub = parser.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)
    index = sub.add_parser("index", help="build a copy index from text files (each file is one work)")
    index.add_argument("files", nargs="+", type=Path, metavar="FILE", help="UTF-8 text files")
    index.add_argument("--name", required=True, help="the corpus name for 'writer check --corpus NAME'")
    index.add_argument("--out", type=Path, help="write the copyindex folder here instead of the user data folder")
    index.add_argument("--winnow", type=int_between(0, 1000), metavar="W", default=0,
                       help=f"keep about 2/(W+1) of the windows and a filter over all of them (smaller; finds "
                            f"every copy of 9+ words, names its book for W+7+; e.g. {DEFAULT_WINNOW}); default: exact")
    index.set_defaults(func=run_index)
    listing = sub.add_parser("list", help="list the corpora built with 'writer corpus index'")
    listing.set_defaults(func=run_list)


def run_index(args: argparse.Namespace) -> int:
    name = check_name(args.name)
    out = args.out if args.out else corpus_index_dir(name)
    if args.out and out.name != "copyindex":
        out = out / "copyindex"
    mode = "winnow" if args.winnow else "exact"
    summary = _write_index(list(args.files), name, out, mode, args.winnow or DEFAULT_WINNOW)
    print(f"indexed {summary['works']} file(s), {summary['words']:,} words → {out} "
          f"({summary['bytes']:,} bytes, {mode}, {summary['seconds']:.1f} s)")
    return 0


def _write_index(files: list[Path], name: str, out: Path, mode: str, winnow: int) -> dict[str, Any]:
    """The index is written beside ``out`` and swapped in whole; a full disk or a read-only folder is one
    clear line, with the old index (if any) untouched."""
    try:
        if out.exists() and not out.is_dir():
            raise WriterError(f"{out} is a file; give a folder for the copy index with --out.")
        out.parent.mkdir(parents=True, exist_ok=True)
        return index_files(files, name, out, mode=mode, winnow_w=winnow)
    except OSError as exc:
        shutil.rmtree(out.with_name(out.name + ".tmp"), ignore_errors=True)
        raise WriterError(f"Cannot write the copy index to {exc.filename or out} ({exc.strerror or exc}); "
                          "nothing was changed. Free some space, or choose a writable folder with --out.") from None


def run_list(args: argparse.Namespace) -> int:
    for name in corpus_names():
        print(name)
    return 0
