"""Recipes: shipped ones load, mistakes are named with the valid choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.recipe import RECIPES_DIR, load_recipe
from writer.errors import WriterError


@pytest.mark.parametrize("name", sorted(p.stem for p in RECIPES_DIR.glob("*.toml")))
def test_shipped_recipes_load(name: str) -> None:
    recipe = load_recipe(name)
    assert recipe["name"] == name
    assert recipe["corpus"]["sets"] or recipe["corpus"]["ids"]


def test_fine_tunes_start_from_a_base() -> None:
    assert load_recipe("pkd")["model"]["base"] == "vanilla"
    assert load_recipe("gpt2-pkd")["model"]["base"] == "gpt2"


def test_unknown_key_lists_valid_keys(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[train]\nlearning_rate = 0.1\n", encoding="utf-8")
    with pytest.raises(WriterError, match=r"train\.learning_rate.*batch_size.*seq_len"):
        load_recipe(bad)


def test_wrong_type_and_overrides(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[train]\nbatch_size = 'big'\n", encoding="utf-8")
    with pytest.raises(WriterError, match="must be int"):
        load_recipe(bad)
    assert load_recipe("vanilla", {"train.batch_size": "64"})["train"]["batch_size"] == 64
    with pytest.raises(WriterError, match="unknown override"):
        load_recipe("vanilla", {"train.nope": "1"})


@pytest.mark.parametrize(("dotted", "text", "value"), [
    ("corpus.sets", "pkd", ["pkd"]),  # was list("pkd") == ["p", "k", "d"]
    ("corpus.sets", "pkd,ja", ["pkd", "ja"]),
    ("corpus.sets", '["ja"]', ["ja"]),
    ("corpus.ids", "28554", [28554]),
    ("train.lr", "3e-4", 3e-4),
    ("train.lr", "1", 1.0),
    ("train.max_tokens", "2e6", 2_000_000),
    ("train.bf16", "false", False),
    ("model.base", "gpt2", "gpt2"),
])
def test_set_overrides_read_like_toml(dotted: str, text: str, value: object) -> None:
    section, key = dotted.split(".")
    assert load_recipe("vanilla", {dotted: text})[section][key] == value


@pytest.mark.parametrize(("dotted", "text", "problem"), [
    ("trian.lr", "1", "unknown override 'trian.lr'"),  # was a KeyError traceback
    ("train.lr", "fast", "must be float"),  # was a ValueError traceback
    ("train", "1", "names a table"),
])
def test_bad_set_overrides_are_clear_errors(dotted: str, text: str, problem: str) -> None:
    with pytest.raises(WriterError, match=problem):
        load_recipe("vanilla", {dotted: text})


def test_a_recipe_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "latin.toml"
    bad.write_bytes("description = 'caf\xe9'\n".encode("latin-1"))
    with pytest.raises(WriterError, match="not UTF-8"):
        load_recipe(bad)


def test_a_full_disk_is_a_clear_message(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import errno

    from models import build
    from models.__main__ import main

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "runs/vanilla/tokens/train.bin")

    monkeypatch.setattr(build, "run_step", full)
    assert main(["tokenize", "vanilla"]) == 28
    err = capsys.readouterr().err
    assert "disk is full" in err and "train.bin" in err and "resumes" in err
