"""``writer check``: flag the passages of a text found word for word in a model's training corpus."""

from __future__ import annotations

import argparse
import json

from writer.commands._output import warn
from writer.copycheck.checker import COPY_WORDS, ECHO_WORDS, Checker, Flag
from writer.copycheck.index import CopyIndex
from writer.copycheck.locate import corpus_index_dir, model_index_dir, model_names
from writer.copycheck.quotes import as_quotes, quote_ranges
from writer.errors import WriterError
from writer.textfiles import read_text


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("check", help="flag passages copied from a model's training corpus")
    parser.add_argument("file", metavar="FILE", help="the text to check ('-' reads standard input)")
    parser.add_argument("--model", action="append", default=[], metavar="NAME",
                        help="check against this model pack's corpus (repeatable)")
    parser.add_argument("--all", action="store_true", help="check against every model pack (the default)")
    parser.add_argument("--corpus", action="append", default=[], metavar="NAME",
                        help="check against a corpus built with 'writer corpus index' (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per flag")
    parser.add_argument("--min-words", type=int, default=ECHO_WORDS, metavar="N",
                        help=f"shortest span to flag (an echo; default {ECHO_WORDS})")
    parser.add_argument("--copy-words", type=int, default=COPY_WORDS, metavar="N",
                        help=f"spans this long are copies, not echoes (default {COPY_WORDS})")
    parser.set_defaults(func=run)


def _indexes(args: argparse.Namespace) -> list[CopyIndex]:
    indexes = [CopyIndex.load(model_index_dir(name)) for name in args.model]
    indexes += [CopyIndex.load(corpus_index_dir(name)) for name in args.corpus]
    if args.all or not (args.model or args.corpus):
        for name in model_names():
            if name in args.model:
                continue
            try:
                indexes.append(CopyIndex.load(model_index_dir(name)))
            except WriterError as exc:  # one damaged pack must not stop the others
                warn(f"skipping {name}: {exc}")
    if not indexes:
        raise WriterError("no copy index to check against: no model pack has one "
                          "(build one with 'writer corpus index FILE... --name NAME', then use --corpus NAME)")
    return indexes


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _human(flag: Flag, text: str, file: str) -> str:
    line, col = _line_col(text, flag.start)
    snippet = " ".join(flag.text.split())
    if len(snippet) > 160:
        snippet = snippet[:100] + " … " + snippet[-50:]
    more = f" (+{len(flag.sources) - 1} more)" if len(flag.sources) > 1 else ""
    return (f"{file}:{line}:{col}: {flag.level} ({flag.words} words) from {flag.source.describe()}{more}\n"
            f"    “{snippet}”")


def run(args: argparse.Namespace) -> int:
    text = read_text(args.file)
    checker = Checker(_indexes(args), echo_words=args.min_words, copy_words=args.copy_words)
    flags = as_quotes(checker.check(text), quote_ranges(text))  # a blockquote is a quotation, not a copy
    if args.json:
        for flag in flags:
            print(json.dumps(flag.to_dict(), ensure_ascii=False))
        return 0
    for flag in flags:
        print(_human(flag, text, args.file))
    counts = {level: sum(f.level == level for f in flags) for level in ("copy", "echo", "quote")}
    names = ", ".join(ix.name for ix in checker.indexes)
    print(f"{len(flags)} flag(s): {counts['copy']} copy, {counts['echo']} echo, {counts['quote']} quote "
          f"— checked against {names}")
    return 0
