"""The ``writer`` command: no arguments opens the app, a subcommand runs the CLI.

Subcommands live one module each in :mod:`writer.commands`; every module there
(but ``_``-prefixed helpers) exposes ``register(subparsers)`` and is discovered here,
so adding a command never touches this file.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import PurePath
from typing import NoReturn

from writer import __version__, commands, paths
from writer.commands._output import one_line, warn
from writer.errors import WriterError


class _Parser(argparse.ArgumentParser):
    """argparse with its usage errors on one line (the usage itself is one ``--help`` away)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {one_line(message)} (`{self.prog} --help` shows the usage)\n")


def _global_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--version", action="version", version=f"writer {__version__}")
    parser.add_argument("--data-dir", help="keep drafts, settings and packs here (default: $WRITER_HOME "
                        "or the platform's user data folder)")
    return parser


def command_names() -> list[str]:
    """The subcommand modules, found without importing them (``_``-prefixed ones are helpers)."""
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


def build_parser() -> argparse.ArgumentParser:
    parser = _global_options(_Parser(prog="writer", description="Writer: drafts that ship."))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_names():
        importlib.import_module(f"writer.commands.{name}").register(sub)
    return parser


def _wants_gui(argv: list[str]) -> bool:
    """No subcommand and no help asked for: the app, without importing every command's module
    (they pull in numpy, the copy checker and more, which the window does not need to open)."""
    if any(a in ("-h", "--help") for a in argv):
        return False
    quick = _global_options(_Parser(prog="writer", add_help=False))
    _known, rest = quick.parse_known_args(argv)
    return not any(not a.startswith("-") for a in rest)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _global_options(_Parser(prog="writer", add_help=False)) if _wants_gui(argv) \
        else build_parser()
    args, rest = parser.parse_known_args(argv)
    if getattr(args, "command", None) is None:
        paths.set_data_dir(args.data_dir)
        from writer.ui.app import run_app  # Qt is imported only for the GUI

        return run_app([sys.argv[0], *rest])
    args = parser.parse_args(argv)
    paths.set_data_dir(args.data_dir)
    try:
        _refuse_undecodable(args)
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except WriterError as exc:
        warn(exc)
        return 2
    except OSError as exc:  # the file system said no where no command expected it: say what and where, once
        name = str(exc.filename or "")
        warn(f"{exc.strerror or exc}: {name[:80] + '…' if len(name) > 80 else name}")
        return 2
    finally:
        for note in paths.take_notes():
            warn(note)


#: Arguments that name files: bytes that are not UTF-8 are a valid (if odd) file name there.
_PATH_ARGUMENTS = {"data_dir", "file", "files", "location", "out", "output", "backup", "path", "corpus", "sources"}


def _refuse_undecodable(args: argparse.Namespace) -> None:
    """Text arguments with bytes that are not UTF-8 (a Latin-1 terminal) cannot be stored, searched or sent:
    say so now rather than fail later (a queued post retried such a title for ever)."""
    for name, value in vars(args).items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (str, PurePath)) and "\0" in str(item):
                raise WriterError(f"The {name.replace('_', '-')} argument contains a NUL character (\\0), which "
                                  "no file name or text here can hold.")
            if name in _PATH_ARGUMENTS and "://" not in str(item):  # a web address is text, never a file name
                if isinstance(item, str) and not _is_file_name(item):
                    raise WriterError(f"The {name.replace('_', '-')} argument {one_line(ascii(item))} cannot be a "
                                      "file name here.")
                continue
            if isinstance(item, str) and not _encodable(item):
                option = name.replace("_", "-")
                raise WriterError(f"The {option} argument {item.encode('utf-8', 'replace').decode()!r} is not "
                                  "UTF-8 text; set the terminal to UTF-8 (e.g. LANG=C.UTF-8) and try again.")


def _is_file_name(text: str) -> bool:
    try:
        os.fsencode(text)
    except UnicodeEncodeError:  # a lone surrogate no command line can produce
        return False
    return True


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

