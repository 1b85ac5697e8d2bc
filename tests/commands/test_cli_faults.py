"""Issue 13's tracebacks, one test per cause: each is now one clear line and loses nothing.

(The fuzz in test_cli_fuzz.py keeps the whole command line so; these pin the causes found by hand.)
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from writer.cli import main
from writer.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generation"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def one_line_error(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("writer"), err
    return lines[0]


@pytest.mark.parametrize("argv", [["drafts", "show", str(2**63)], ["drafts", "export", str(2**64)],
                                  ["drafts", "search", "x", "--limit", str(2**63)], ["publish", str(2**63)]])
def test_numbers_past_sqlites_integers(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    with Store.open() as store:
        store.create_draft("x")
    code, _, err = run(capsys, *argv)
    if argv[1] == "search":
        assert code == 0
    else:
        assert code == 2 and "No draft with id" in one_line_error(err)


@pytest.mark.parametrize("argv", [["drafts", "new", "caf\udce9"], ["drafts", "search", "caf\udce9"],
                                  ["drafts", "new", "ok", "--tag", "caf\udce9"], ["suggest", "caf\udce9"],
                                  ["targets", "add", "micropub", "http://127.0.0.1:9/caf\udce9"]])
def test_arguments_that_are_not_utf8_are_refused_before_anything_is_stored(
        capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2 and "not UTF-8 text" in one_line_error(err)
    with Store.open() as store:
        assert store.list_drafts() == []  # no draft a publish job would retry for ever


@pytest.mark.parametrize("option", [["--seed", "-1"], ["--seed", str(2**64)], ["--max-new-tokens", "0"],
                                    ["--n", "0"], ["--n", "100000"], ["--top-k", "-1"]])
def test_generation_numbers_out_of_range_are_usage_errors(capsys: pytest.CaptureFixture[str],
                                                         option: list[str]) -> None:
    code, out, err = run(capsys, "suggest", *option, "The robot")
    assert code == 2 and out == "" and option[0] in one_line_error(err)


def test_an_empty_model_name_is_an_error_not_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "suggest", "--model", "", "The robot")
    assert code == 2 and out == "" and "--model is empty" in one_line_error(err)


def _text(tmp_path: Path) -> Path:
    src = tmp_path / "mine.txt"
    src.write_text("the robot looked at me and said hello to the world today " * 5, encoding="utf-8")
    return src


def test_corpus_index_out_at_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    blocker = tmp_path / "copyindex"
    blocker.write_text("a file", encoding="utf-8")
    code, _, err = run(capsys, "corpus", "index", str(_text(tmp_path)), "--name", "mine", "--out", str(blocker))
    assert code == 2 and "is a file" in one_line_error(err)
    code, _, err = run(capsys, "corpus", "index", str(_text(tmp_path)), "--name", "mine", "--out",
                       str(blocker / "below"))
    assert code == 2 and "Cannot write the copy index" in one_line_error(err)
    assert blocker.read_text(encoding="utf-8") == "a file"


def _full_disk(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_corpus_index_on_a_full_disk_keeps_the_old_index(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    src = _text(tmp_path)
    assert run(capsys, "corpus", "index", str(src), "--name", "mine")[0] == 0
    with monkeypatch.context() as patched:
        patched.setattr("numpy.save", _full_disk)
        code, _, err = run(capsys, "corpus", "index", str(src), "--name", "mine")
    assert code == 2 and "No space left on device" in one_line_error(err)
    code, out, err = run(capsys, "check", "--corpus", "mine", str(src))
    assert code == 0 and "copy" in out, err  # the old index still answers


def _read_only_data_folder(monkeypatch: pytest.MonkeyPatch, home: Path) -> None:
    """What a read-only disk does (root, which runs these tests in CI, ignores chmod)."""
    real = Path.mkdir

    def mkdir(self: Path, *args: object, **kwargs: object) -> None:
        if self.resolve().is_relative_to(home.resolve()) and self.resolve() != home.resolve():
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", mkdir)


@pytest.mark.parametrize("argv", [["models", "list"], ["check", "TEXT"], ["corpus", "index", "TEXT", "--name", "mine"]])
def test_a_read_only_data_folder(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                 writer_home: Path, tmp_path: Path, argv: list[str]) -> None:
    argv = [str(_text(tmp_path)) if a == "TEXT" else a for a in argv]
    _read_only_data_folder(monkeypatch, writer_home)
    code, out, err = run(capsys, *argv)
    if argv[0] == "corpus":
        assert code == 2 and "Read-only file system" in one_line_error(err)
    else:  # reading needs no folder of user packs: the shipped ones answer
        assert code == 0 and ("vanilla" in out), err


def test_a_backup_restore_or_command_never_leaves_notes_unsaid(capsys: pytest.CaptureFixture[str],
                                                              writer_home: Path) -> None:
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    with Store.open() as store:
        store.create_draft("x")
    writer_home.chmod(0o755)
    code, _, err = run(capsys, "drafts", "list")
    assert code == 0 and "private to you" in err
    assert run(capsys, "drafts", "list")[2] == ""  # said once


# -- packs whose JSON is valid but whose content is wrong -------------------------------------

@pytest.fixture(scope="module")
def tiny() -> dict[str, Path]:
    for module in ("torch", "transformers", "optimum.exporters.onnx"):
        pytest.importorskip(module)
    from tinypack import build

    return build()


def _edit_json(path: Path, change: dict) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.mark.train
@pytest.mark.parametrize("damage", ["empty-vocab", "architecture-list", "huge-context"])
def test_a_pack_with_wrong_content_is_unavailable_with_its_reason(
        tiny: dict[str, Path], writer_home: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    dest = writer_home / "models" / "odd"
    shutil.copytree(tiny["int8"], dest)
    if damage == "empty-vocab":
        tok = json.loads((dest / "tokenizer.json").read_text(encoding="utf-8"))
        tok["model"]["vocab"], tok["model"]["merges"], tok["added_tokens"] = {}, [], []
        (dest / "tokenizer.json").write_text(json.dumps(tok), encoding="utf-8")
        reason = "no tokens"
    elif damage == "architecture-list":
        (dest / "card.json").write_text(json.dumps({"name": "odd", "architecture": ["not", "a", "table"]}))
        reason = "'architecture' must be a table"
    else:
        _edit_json(dest / "config.json", {"n_positions": 10**12})
        reason = "'n_positions' is 1000000000000"
    code, out, _ = run(capsys, "models", "list")
    line = next(ln for ln in out.splitlines() if ln.startswith("odd"))
    assert code == 0 and "UNAVAILABLE" in line and reason in line
    code, out, _ = run(capsys, "models", "info", "odd")
    assert code == 0 and "UNAVAILABLE" in out
    code, _, err = run(capsys, "suggest", "--model", "odd", "--n", "1", "hello")
    assert code == 2 and reason in one_line_error(err)


@pytest.mark.train
def test_a_model_garbled_at_the_same_size_is_not_ok(tiny: dict[str, Path], capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    assert run(capsys, "models", "add", str(tiny["int8"]), "--name", "mini")[0] == 0
    _, out, _ = run(capsys, "models", "list")
    assert "mini" in out and "UNAVAILABLE" not in next(ln for ln in out.splitlines() if ln.startswith("mini"))
    model = next(p for p in Path(os.environ["WRITER_HOME"], "models", "mini").glob("model.onnx"))
    data = bytearray(model.read_bytes())
    data[len(data) // 2: len(data) // 2 + 4096] = bytes(4096)
    model.write_bytes(bytes(data))
    _, out, _ = run(capsys, "models", "list")
    line = next(ln for ln in out.splitlines() if ln.startswith("mini"))
    assert "UNAVAILABLE" in line and "SHA-256 differs" in line


@pytest.mark.train
def test_models_add_to_a_read_only_data_folder(tiny: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                               writer_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _read_only_data_folder(monkeypatch, writer_home)
    code, _, err = run(capsys, "models", "add", str(tiny["int8"]), "--name", "mini")
    assert code == 2 and "Read-only file system" in one_line_error(err)


@pytest.mark.train
def test_models_add_on_a_full_disk_adds_nothing(tiny: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                                writer_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("shutil.copytree", _full_disk)
    code, _, err = run(capsys, "models", "add", str(tiny["int8"]), "--name", "mini")
    assert code == 2 and "No space left on device" in one_line_error(err)
    assert sorted(p.name for p in (writer_home / "models").iterdir()) == []


@pytest.mark.parametrize("argv", [["--data-dir"], ["--data-dir", "--", "drafts", "list"], ["drafts", "show", "x"]])
def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and "--help` shows the usage" in one_line_error(err)
