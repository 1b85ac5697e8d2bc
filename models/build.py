"""The chain of steps for one recipe, each resumable, each also a command of its own.

A run folder ``runs/<name>/`` holds every intermediate product and the finished pack
(``runs/<name>/pack``); the card step copies it elsewhere only when asked: ``--pack-dir`` or
``--install`` (into the app's shipped packs, ``resources/models/<name>/``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models import corpus as corpus_mod
from models.paths import RUNS_DIR
from models.tokenizer import encode_file, load_tokenizer, train_tokenizer
from writer.errors import WriterError


def run_dir(recipe: dict[str, Any], runs_dir: Path = RUNS_DIR) -> Path:
    path = runs_dir / recipe["name"]
    path.mkdir(parents=True, exist_ok=True)
    return path


def step_corpus(recipe: dict[str, Any], rd: Path, corpus_dir: Path) -> dict[str, Any]:
    c = recipe["corpus"]
    manifest = corpus_mod.load_manifest(corpus_dir)
    works = corpus_mod.select_works(manifest, sets=c["sets"], ids=c["ids"])
    replay = corpus_mod.select_works(manifest, sets=c["replay_sets"]) if c["replay_sets"] else []
    print(f"[{recipe['name']}] cleaning {len(works)} works (what was removed, per book):", flush=True)
    return corpus_mod.prepare(corpus_dir, works, rd / "corpus", heldout=c["heldout"],
                              heldout_works=c["heldout_works"], replay=replay,
                              replay_fraction=c["replay_fraction"], log=True)


def step_tokenizer(recipe: dict[str, Any], rd: Path, runs_dir: Path = RUNS_DIR) -> Path:
    """Train a tokenizer (from scratch) or take the base's (fine-tune)."""
    out = rd / "tokenizer.json"
    base = recipe["model"]["base"]
    if not base:
        train_tokenizer([rd / "corpus" / "train.txt"], recipe["tokenizer"]["vocab_size"], out)
        return out
    local = runs_dir / base / "tokenizer.json"
    if local.is_file():
        shutil.copyfile(local, out)
        return out
    if Path(base, "tokenizer.json").is_file():
        shutil.copyfile(Path(base, "tokenizer.json"), out)
        return out
    try:  # a hub id such as "gpt2" (needs internet the first time)
        from transformers import AutoTokenizer

        AutoTokenizer.from_pretrained(base).backend_tokenizer.save(str(out))
    except OSError as exc:
        raise WriterError(f"cannot get the tokenizer of base '{base}': {exc}") from None
    return out


def step_tokenize(rd: Path) -> dict[str, int]:
    tok = load_tokenizer(rd / "tokenizer.json")
    return {part: encode_file(tok, rd / "corpus" / f"{part}.txt", rd / "tokens" / f"{part}.bin")
            for part in ("train", "eval", "valid") if (rd / "corpus" / f"{part}.txt").is_file()}


def run_step(step: str, recipe: dict[str, Any], rd: Path, *, corpus_dir: Path, runs_dir: Path,
             pack_dir: Path | None, max_minutes: float | None, cpu: bool,
             on_progress: Callable[[dict[str, Any]], None] | None = None) -> Any:
    if step == "corpus":
        info = step_corpus(recipe, rd, corpus_dir)
        return {"works": len(info["works"]), "train_words": sum(w["train_words"] for w in info["works"]),
                "unseen_words": sum(w["unseen_words"] for w in info["works"]), "replay_words": info["replay_words"]}
    if step == "tokenizer":
        return str(step_tokenizer(recipe, rd, runs_dir))
    if step == "tokenize":
        return step_tokenize(rd)
    if step == "train":
        from models.train import train

        summary = train(recipe, rd, runs_dir=runs_dir, max_minutes=max_minutes, cpu=cpu, on_progress=on_progress)
        return {k: v for k, v in summary.items() if k != "history"}
    if step == "export":
        from models.export import export_pack

        return export_pack(recipe, rd)
    if step == "optimize":
        from models.optimize import optimize_pack

        return optimize_pack(recipe, rd)
    if step == "card":
        from models import names, words
        from models.card import write_card

        card = write_card(recipe, rd, runs_dir=runs_dir, pack_dir=pack_dir, corpus_dir=corpus_dir)
        pack = Path(card["pack"])
        print(f"[{recipe['name']}] the pack is in {pack}", flush=True)
        return {**card, "names": names.for_recipe(recipe, corpus_dir, pack),
                "words": words.for_recipe(recipe, corpus_dir, pack)}
    if step == "index":
        from models.index import build_index

        return build_index(recipe, rd, corpus_dir=corpus_dir)
    raise WriterError(f"unknown step {step}")
