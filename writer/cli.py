"""The ``writer`` command: no arguments opens the app, a subcommand runs the CLI.

Subcommands live one module each in :mod:`writer.commands`; every module there
(but ``_``-prefixed helpers) exposes ``register(subparsers)`` and is discovered here,
so adding a command never touches this file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from writer import __version__, commands, paths
from writer.errors import WriterError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="writer", description="Writer: drafts that ship.")
    parser.add_argument("--version", action="version", version=f"writer {__version__}")
    parser.add_argument("--data-dir", help="keep drafts, settings and packs here (default: $WRITER_HOME "
                        "or the platform's user data folder)")
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # helpers shared by the commands
            continue
        module = importlib.import_module(f"writer.commands.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command is None:
        paths.set_data_dir(args.data_dir)
        from writer.ui.app import run_app  # Qt is imported only for the GUI

        return run_app([sys.argv[0], *rest], screenshot=args.screenshot)
    args = parser.parse_args(argv)
    paths.set_data_dir(args.data_dir)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except WriterError as exc:
        print(f"writer: {exc}", file=sys.stderr)
        return 2

