"""A property-based fuzz of the whole command line: every subcommand and option, discovered from
the argparse parser (so a new command is fuzzed the day it lands), run in-process against a
temporary data folder. Whatever the arguments, Writer exits 0, 1 or 2, never prints a
traceback, and says what went wrong in one line per message.

Seeded (``derandomize``): each run tries the same 1,000+ invocations, so a failure reproduces.
Commands that generate text run a tiny pack with a few tokens, so the run stays near a minute.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from writer import paths
from writer.cli import build_parser, main
from writer.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generation"))

EXAMPLES = int(os.environ.get("WRITER_FUZZ_EXAMPLES", "1200"))
#: Commands that would leave the machine: a URL given to them points at a closed local port.
CLOSED_PORT_URL = "http://127.0.0.1:9"


@dataclass
class Command:
    """One runnable leaf of the parser tree, e.g. ``drafts search``."""

    path: tuple[str, ...]
    positionals: list[argparse.Action] = field(default_factory=list)
    optionals: list[argparse.Action] = field(default_factory=list)


def discover(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[Command]:
    """Every subcommand of ``parser`` (and the commands that take an ACTION but run without one)."""
    found: list[Command] = []
    here = Command(path)
    subparsers = None
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            subparsers = action
        elif isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
            continue
        elif action.option_strings:
            here.optionals.append(action)
        else:
            here.positionals.append(action)
    if subparsers is not None:
        for name, sub in subparsers.choices.items():
            found += discover(sub, (*path, name))
        if subparsers.required or not path:
            return found
    found.append(here)
    return found


COMMANDS = [c for c in discover(build_parser()) if c.path]  # no command at all opens the app

BIG = [2**63, 2**63 - 1, 2**64, -(2**63) - 1, 10**30]
INTS = st.one_of(st.integers(-3, 12), st.sampled_from(BIG)).map(str)
FLOATS = st.sampled_from(["0", "-1", "0.5", "1", "2", "nan", "inf", "-inf", "1e309", "1e-320", "x"])
WORDS = ["light", "the robot", "# Title\n\nbody", "", " ", "-", "--", "\x00", "a\udcff", "\ud800", "é" * 3,
         "«»", '"(-*', "NEAR(", "*", "tiny", "nope", "vanilla-missing", "static", "🙂", "x" * 300]


def text_values() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(WORDS), st.text(max_size=12), INTS, FLOATS)


def value_for(action: argparse.Action, files: dict[str, str]) -> st.SearchStrategy[str]:
    """Mostly plausible values of the option's own kind, sometimes anything at all."""
    anything = st.one_of(text_values(), st.sampled_from(list(files.values())))
    if action.choices:
        own: st.SearchStrategy[str] = st.sampled_from([str(c) for c in action.choices])
    elif action.type is int or action.dest in ("days", "limit"):
        own = INTS
    elif action.type is float:
        own = FLOATS
    elif action.type is Path or action.dest in ("file", "files", "location", "path", "backup", "data_dir"):
        own = st.sampled_from(list(files.values()))
    elif action.dest in ("model", "name", "target"):
        own = st.sampled_from(["tiny", "", "nope", "tiny2", "a/b", "..", "static", "wp"])
    elif action.dest == "date":
        own = st.sampled_from(["2030-01-31T09:00+01:00", "9999-12-31T23:00-05:00", "yesterday", ""])
    else:
        own = text_values()
    return st.one_of(own, own, own, anything)


@st.composite
def invocations(draw: st.DrawFn, files: dict[str, str]) -> list[str]:
    command = draw(st.sampled_from(COMMANDS))
    argv: list[str] = []
    if draw(st.integers(0, 19)) == 0:
        argv += ["--data-dir", draw(st.sampled_from([files["alt_home"], files["a_file"]]))]
    argv += list(command.path)
    options = draw(st.lists(st.sampled_from(command.optionals), max_size=4)) if command.optionals else []
    for action in options:
        argv.append(draw(st.sampled_from(action.option_strings)))
        if action.nargs != 0:
            argv.append(draw(value_for(action, files)))
    for action in command.positionals:
        count = {None: 1, "?": draw(st.integers(0, 1)), "+": draw(st.integers(1, 2)),
                 "*": draw(st.integers(0, 2))}.get(action.nargs, 1)
        argv += [draw(value_for(action, files)) for _ in range(count)]
    if draw(st.integers(0, 29)) == 0:  # a stray or misplaced argument
        argv.insert(draw(st.integers(0, len(argv))), draw(text_values()))
    return argv


def _files(root: Path) -> dict[str, str]:
    (root / "story.md").write_text("---\ntitle: A story\ntags: [a, b]\n---\nThe robot looked at me.\n",
                                   encoding="utf-8")
    (root / "latin1.txt").write_bytes(b"caf\xe9 au lait")
    (root / "empty.txt").write_bytes(b"")
    (root / "folder").mkdir()
    (root / "a_file").write_text("not a folder", encoding="utf-8")
    return {"story": str(root / "story.md"), "latin1": str(root / "latin1.txt"), "empty": str(root / "empty.txt"),
            "folder": str(root / "folder"), "a_file": str(root / "a_file"), "missing": str(root / "missing.md"),
            "in_a_file": str(root / "a_file" / "below"), "out": str(root / "out" / "copyindex"),
            "new_site": str(root / "site2"), "alt_home": str(root / "alt-home"), "url": CLOSED_PORT_URL,
            "url_not_utf8": f"{CLOSED_PORT_URL}/caf\udce9",
            "relative": "relative.md", "too_long": str(root / ("x" * 300)), "dev_null": os.devnull, "stdin": "-"}


@pytest.fixture
def fuzz_home(writer_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A data folder with drafts, a backup and (when the [train] extra is there) a tiny pack as default."""
    monkeypatch.chdir(tmp_path)  # relative paths the fuzz makes up land in the temporary folder
    files = _files(tmp_path)
    with Store.open() as store:
        for n in range(3):
            store.create_draft(f"# Draft {n}\n\nThe light over the harbour, take {n}.", tags=["sea"])
        store.backup()
    prefs = {"suggest.n": 1, "suggest.max_new_tokens": 3}
    try:
        from tinypack import build, install

        install(build()["int8"], "tiny")
        prefs["suggest.default_model"] = "tiny"
    except ImportError:
        prefs["suggest.default_model"] = "no-such-pack"  # generation is then refused, quickly
    (writer_home / "settings.json").write_text(json.dumps(prefs), encoding="utf-8")
    for name in ("WRITER_WP_PASSWORD", "WRITER_MICROPUB_TOKEN"):
        monkeypatch.setenv(name, "secret")
    return files


def run_cli(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(b""))  # not a terminal: nothing waits for input
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(argv)
            except SystemExit as exc:  # argparse: --help, usage errors
                code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdin = old_stdin
        paths.set_data_dir(None)
    return code, out.getvalue(), err.getvalue()


def check_outcome(argv: list[str], code: int, out: str, err: str) -> None:
    assert "Traceback" not in err, f"{argv!r} printed a traceback:\n{err}"
    assert code in (0, 1, 2), f"{argv!r} exited {code}:\n{err}"
    if code:
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines or (code == 1 and out.strip()), f"{argv!r} failed ({code}) without saying why"
        for line in lines:
            assert line.startswith("writer"), f"{argv!r}: an error message spans lines:\n{err}"


def test_the_fuzz_reaches_every_command() -> None:
    names = {" ".join(c.path) for c in COMMANDS}
    assert {"drafts new", "drafts restore-backup", "suggest", "models add", "corpus index", "publish",
            "targets add static", "doctor"} <= names


@pytest.mark.timeout(600)
def test_no_arguments_make_a_traceback(fuzz_home: dict[str, str]) -> None:
    ran: list[list[str]] = []
    started = time.monotonic()

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(invocations(fuzz_home))
    def one(argv: list[str]) -> None:
        ran.append(argv)
        code, out, err = run_cli(argv)
        check_outcome(argv, code, out, err)

    one()
    assert len(ran) >= 1000
    print(f"{len(ran)} invocations in {time.monotonic() - started:.0f} s")
