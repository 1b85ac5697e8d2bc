"""``writer models``: list, info, add and perplexity through the real CLI entry point."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

from writer import paths
from writer.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generation"))
from tinypack import build

pytestmark = pytest.mark.train


@pytest.fixture(scope="module")
def tiny() -> dict[str, Path]:
    for module in ("torch", "transformers", "optimum.exporters.onnx"):
        pytest.importorskip(module)
    return build()


def test_add_then_list_and_info(tiny: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "add", str(tiny["int8"]), "--name", "mini"]) == 0
    assert "Added 'mini'" in capsys.readouterr().out
    assert main(["models", "list", "--json"]) == 0
    listed = {p["name"]: p for p in json.loads(capsys.readouterr().out)}
    assert listed["mini"]["available"] is True
    assert listed["mini"]["size_bytes"] > 10_000
    assert main(["models", "info", "mini"]) == 0
    out = capsys.readouterr().out
    assert "mini" in out and "n_layer 2" in out
    assert main(["models", "list"]) == 0
    assert "mini" in capsys.readouterr().out


def test_broken_pack_is_listed_with_its_reason(tiny: dict[str, Path], writer_home: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    dest = writer_home / "models" / "broken"
    shutil.copytree(tiny["int8"], dest)
    (dest / "tokenizer.json").write_text("garbage", encoding="utf-8")
    assert main(["models", "list"]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("broken"))
    assert "UNAVAILABLE" in line and "tokenizer.json" in line
    assert main(["suggest", "--model", "broken", "hello"]) == 2
    assert "tokenizer.json" in capsys.readouterr().err


def test_add_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "add", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("writer: ") and "not a folder" in err and err.count("\n") == 1
    assert main(["models", "info", "no-such"]) == 2
    assert "No model pack called 'no-such'" in capsys.readouterr().err


def test_perplexity_json_one_object_per_file(tiny: dict[str, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "add", str(tiny["int8"]), "--name", "mini"]) == 0
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The quick brown fox jumps over the lazy dog.", encoding="utf-8")
    b.write_text("東京は日本の首都です。" * 3, encoding="utf-8")
    capsys.readouterr()
    assert main(["models", "perplexity", "--model", "mini", "--json", str(a), str(b)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["file"] for r in rows] == [str(a), str(b)]
    for r in rows:
        assert set(r) == {"model", "file", "tokens", "nats_per_token", "perplexity", "bits_per_char"}
        assert r["model"] == "mini" and r["tokens"] > 5 and r["perplexity"] > 1
    assert main(["models", "perplexity", "--model", "mini", str(a)]) == 0
    assert "bits/char" in capsys.readouterr().out
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n", encoding="utf-8")
    assert main(["models", "perplexity", "--model", "mini", str(empty)]) == 2
    assert "empty" in capsys.readouterr().err


def test_remove_deletes_a_user_pack_and_keeps_shipped_ones(capsys: pytest.CaptureFixture[str]) -> None:
    shipped = paths.resources_dir() / "models" / "pkd"
    if not (shipped / "model.onnx").is_file():
        pytest.skip("the shipped packs are not in resources/models")
    shutil.copytree(shipped, paths.user_models_dir() / "mine")
    assert main(["models", "remove", "mine"]) == 0
    assert "Removed the model pack 'mine'" in capsys.readouterr().out
    assert not (paths.user_models_dir() / "mine").exists()
    assert main(["models", "remove", "pkd"]) == 2
    assert "ships with Writer and cannot be removed" in capsys.readouterr().err
    assert (shipped / "model.onnx").is_file()


def test_remove_finds_a_user_pack_behind_a_shipped_name_and_forgets_it_as_default(
        capsys: pytest.CaptureFixture[str]) -> None:
    from writer.settings import Settings

    shipped = paths.resources_dir() / "models" / "pkd"
    if not (shipped / "model.onnx").is_file():
        pytest.skip("the shipped packs are not in resources/models")
    shutil.copytree(shipped, paths.user_models_dir() / "ja")  # hidden behind the shipped JA
    shutil.copytree(shipped, paths.user_models_dir() / "mine")
    settings = Settings.load()
    settings.set("suggest.default_model", "mine")
    settings.save()
    assert main(["models", "remove", "ja"]) == 0 and not (paths.user_models_dir() / "ja").exists()
    assert main(["models", "remove", "mine"]) == 0
    assert Settings.load().get("suggest.default_model") == "vanilla"
    assert main(["models", "remove", "../mine"]) == 2
    assert "None of your model packs" in capsys.readouterr().err
