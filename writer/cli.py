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


def _global_options(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("--version", action="version", version=f"writer {__version__}")
    parser.add_argument("--data-dir", help="keep drafts, settings and packs here (default: $WRITER_HOME "
                        "or the platform's user data folder)")
    parser.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    return parser


def command_names() -> list[str]:
    """The subcommand modules, found without importing them (``_``-prefixed ones are helpers)."""
    return sorted(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))


def build_parser() -> argparse.ArgumentParser:
    parser = _global_options(argparse.ArgumentParser(prog="writer", description="Writer: drafts that ship."))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_names():
        importlib.import_module(f"writer.commands.{name}").register(sub)
    return parser


def _wants_gui(argv: list[str]) -> bool:
    """No subcommand and no help asked for: the app, without importing every command's module
    (they pull in numpy, the copy checker and more, which the window does not need to open)."""
    if any(a in ("-h", "--help") for a in argv):
        return False
    quick = _global_options(argparse.ArgumentParser(add_help=False))
    _known, rest = quick.parse_known_args(argv)
    return not any(not a.startswith("-") for a in rest)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = _global_options(argparse.ArgumentParser(prog="writer", add_help=False)) if _wants_gui(argv) \
        else build_parser()
    args, rest = parser.parse_known_args(argv)
    if getattr(args, "command", None) is None:
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

