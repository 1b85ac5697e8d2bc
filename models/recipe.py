"""Recipes: one TOML file per model, validated against the keys declared here.

Every key is declared once with its default, so an unknown key is an error that lists the
valid ones, and a recipe only states what differs from the defaults.
"""

from __future__ import annotations

import tomllib
from copy import deepcopy
from pathlib import Path
from typing import Any

from writer.errors import WriterError

RECIPES_DIR = Path(__file__).resolve().parent / "recipes"

DEFAULTS: dict[str, Any] = {
    "name": "",
    "display_name": "",
    "description": "",
    "stands_in_for": "",
    # heldout_works: Gutenberg ids of whole works kept out of training, to validate and report on works never seen;
    # replay_sets: corpus sets mixed into a fine-tune as replay_fraction of its training text (general prose,
    # so a style pack learns a manner without forgetting English)
    "corpus": {"sets": [], "ids": [], "heldout": 0.05, "heldout_works": [], "replay_sets": [],
               "replay_fraction": 0.0},
    # vocab_size trains a tokenizer from scratch; a fine-tune reuses its base's tokenizer
    "tokenizer": {"vocab_size": 8192},
    # base: "" = from scratch; a recipe name ("vanilla"), a local checkpoint folder, or a hub id ("gpt2")
    "model": {"base": "", "n_layer": 6, "n_head": 6, "n_embd": 384, "n_positions": 512, "dropout": 0.1},
    "train": {
        "seq_len": 256, "batch_size": 16, "grad_accum": 1, "lr": 1e-3, "min_lr": 1e-4,
        "warmup_steps": 200, "weight_decay": 0.1, "max_minutes": 90.0, "max_tokens": 0,
        "target_loss": 0.0, "eval_every": 200, "eval_batches": 20, "checkpoint_every": 500,
        "seed": 1337, "bf16": True, "compile": False,
        # stop after this many evaluations without a better held-out loss, keeping the best (0 = off)
        "patience": 0,
    },
    # int8_gate: the most int8 may raise held-out loss (a share) before the build refuses the pack
    "export": {"opset": 18, "parity_atol": 1e-3, "int8_gate": 0.02},
    # sets: in-book held-out blocks of these corpora; unseen: the heldout_works of these recipes (works never
    # trained on); regimes: lines of Markdown for the card, what was tried before choosing this recipe
    "evaluate": {"sets": ["general", "pkd", "ja"], "unseen": ["vanilla", "pkd", "ja"], "regimes": []},
    "sampler": {"temperature": 0.8, "top_k": 40, "top_p": 0.95, "repetition_penalty": 1.1,
                "max_new_tokens": 40},
    # mode: "exact" indexes every 8-word window; "winnow" samples them (large corpora); "sketch" keeps only a
    # filter of the sampled windows (very large corpora: no book named); "auto" picks by size;
    # filter_bits: a winnowed index's fuse filter over every window (8, 12 or 16 bits a window; 0 = none):
    # 12 finds every 9-word span with a false 9-word flag once in 16M words (8: once in 65,536; 4.8 MB less
    # for the general corpus)
    "index": {"enabled": True, "mode": "auto", "winnow": 8, "filter_bits": 12},
}


def _merge(defaults: dict[str, Any], given: dict[str, Any], where: str) -> dict[str, Any]:
    out = deepcopy(defaults)
    for key, value in given.items():
        if key not in defaults:
            valid = ", ".join(sorted(defaults))
            raise WriterError(f"unknown recipe key '{where}{key}'; valid keys here: {valid}")
        if isinstance(defaults[key], dict):
            if not isinstance(value, dict):
                raise WriterError(f"recipe key '{where}{key}' must be a table")
            out[key] = _merge(defaults[key], value, f"{where}{key}.")
        else:
            want = type(defaults[key])
            if want is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, want) or (want is int and isinstance(value, bool)):
                raise WriterError(f"recipe key '{where}{key}' must be {want.__name__}, not {value!r}")
            out[key] = value
    return out


def _toml_value(text: str) -> Any:
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()  # a bare word: pkd, gpt2


def _override(dotted: str, text: str) -> tuple[list[str], Any]:
    """``--set`` text read as a TOML value (``3e-4``, ``true``, ``["pkd", "ja"]``), else as a
    string: a list key also takes ``pkd,ja``; an int key takes a whole float (``2e6``)."""
    path = dotted.split(".")
    default: Any = DEFAULTS
    for part in path:
        if not isinstance(default, dict) or part not in default:
            raise WriterError(f"unknown override '{dotted}'")
        default = default[part]
    if isinstance(default, dict):
        raise WriterError(f"override '{dotted}' names a table; set one of its keys: {', '.join(sorted(default))}")
    if isinstance(default, str):
        return path, text
    value = _toml_value(text)
    if isinstance(default, list) and not isinstance(value, list):
        value = [_toml_value(part) for part in text.split(",") if part.strip()]
    if type(default) is int and isinstance(value, float) and value.is_integer():
        value = int(value)  # max_tokens=2e6
    return path, value


def load_recipe(path_or_name: str | Path, overrides: dict[str, str] | None = None) -> dict[str, Any]:
    """Read a recipe (a path, or a name under ``models/recipes``) and apply dotted overrides
    (``train.lr`` = ``"3e-4"``), checked like the recipe's own keys."""
    path = Path(path_or_name)
    if not path.suffix:
        path = RECIPES_DIR / f"{path_or_name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in RECIPES_DIR.glob("*.toml")))
        raise WriterError(f"no recipe {path}; shipped recipes: {known}")
    try:
        given = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise WriterError(f"{path}: {exc}") from None
    except UnicodeDecodeError as exc:
        raise WriterError(f"{path} is not UTF-8 text (byte offset {exc.start}); re-save it as UTF-8.") from None
    for dotted, text in (overrides or {}).items():
        keys, value = _override(dotted, text)
        table = given
        for key in keys[:-1]:
            table = table.setdefault(key, {})
            if not isinstance(table, dict):
                raise WriterError(f"{path}: '{key}' must be a table")
        table[keys[-1]] = value
    recipe = _merge(DEFAULTS, given, "")
    if not recipe["name"]:
        recipe["name"] = path.stem
    recipe["_path"] = str(path)
    return recipe
