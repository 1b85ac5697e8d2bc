"""Step 6: the model card (``card.json`` for the app, ``CARD.md`` for people), then install the pack.

Every number in a card is measured by this step or recorded by the steps before it: the works
and word counts from the corpus step, tokens/steps/time from training, sizes from the files,
and the held-out table by scoring the shipped int8 pack with Writer's own runtime on the
held-out part of every corpus named in ``evaluate.sets``.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from pathlib import Path
from typing import Any

from models.export import PACK
from writer.errors import WriterError

EVAL_CHARS = 400_000  # per corpus: every work contributes its held-out text's opening, up to an equal share
PROMPTS = ("The door opened and", "It was late in the evening when", "Nobody in the village knew")
SAMPLE_SEED = 7


def _json(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WriterError(f"{path} is missing: run the earlier steps first") from None


def heldout_text(corpus_set: str, runs_dir: Path) -> Path:
    """The held-out text of the run whose corpus is exactly ``corpus_set``."""
    for works in sorted(runs_dir.glob("*/corpus/works.json")):
        sets = {w["set"] for w in _json(works)["works"]}
        if sets == {corpus_set}:
            return works.parent / "eval.txt"
    raise WriterError(f"no prepared corpus for set '{corpus_set}' in {runs_dir}: run its corpus step")


def capped(eval_file: Path, limit: int = EVAL_CHARS) -> str:
    """At most ``limit`` characters of held-out text, every work represented, contiguous within a work.

    The general corpus's held-out part is 2.7 MB; scoring all of it with three packs on two
    cores takes most of an hour for no change in the first decimal of the perplexities.
    """
    from models.corpus import iter_documents

    docs = list(iter_documents(eval_file))
    share = limit // max(1, len(docs))
    parts = []
    for doc in docs:
        if len(doc) > share:
            cut = doc.rfind("\n\n", 0, share)
            doc = doc[:cut if cut > 0 else share]
        parts.append(doc)
    return "\n\n".join(parts)


def evaluate(pack_dir: Path, sets: list[str], runs_dir: Path) -> dict[str, dict[str, float]]:
    from writer.generation.packs import open_pack
    from writer.generation.perplexity import score_text

    pack = open_pack(pack_dir)
    out = {}
    for name in sets:
        scores = score_text(pack, capped(heldout_text(name, runs_dir)))
        out[name] = {k: round(float(scores[k]), 4) for k in ("tokens", "nats_per_token", "perplexity",
                                                              "bits_per_char")}
    return out


def samples(pack_dir: Path, sampler: dict[str, Any]) -> list[dict[str, str]]:
    """A few real continuations, prompted and unprompted, with a fixed seed."""
    from writer.generation.engine import Engine, SamplerSettings
    from writer.generation.packs import open_pack

    engine = Engine(open_pack(pack_dir)).load()
    settings = SamplerSettings.from_dict(sampler).with_overrides(max_new_tokens=60)
    out = []
    for prompt in (*PROMPTS, ""):
        result = engine.generate(prompt, n=1, settings=settings, seed=SAMPLE_SEED)
        out.append({"prompt": prompt, "text": result.texts[0], "seed": SAMPLE_SEED})
    return out


def _is_compact(model: Path) -> bool:
    import onnx

    graph = onnx.load(str(model), load_external_data=False).graph
    return any(i.name == "total_sequence_length" for i in graph.input)


def parameters(model_dir: Path) -> int:
    from safetensors import safe_open

    with safe_open(str(model_dir / "model.safetensors"), framework="np") as fh:
        return sum(math.prod(fh.get_slice(k).get_shape()) for k in fh.keys())  # noqa: SIM118 (safe_open is not iterable)


def write_card(recipe: dict[str, Any], rd: Path, *, runs_dir: Path, pack_dir: Path | None = None) -> dict[str, Any]:
    from models.build import REPO

    pack = rd / PACK
    for stale in ("card.json", "CARD.md"):  # the old card describes the files before this build
        (pack / stale).unlink(missing_ok=True)
    config = _json(rd / "model" / "config.json")
    training = _json(rd / "train_summary.json")
    works = _json(rd / "corpus" / "works.json")["works"]
    card: dict[str, Any] = {
        "format": 1,
        "name": recipe["name"],
        "display_name": recipe["display_name"] or recipe["name"],
        "description": recipe["description"],
        "architecture": {"type": "gpt2", **{k: config[k] for k in ("n_layer", "n_head", "n_embd", "n_positions",
                                                                      "vocab_size")},
                         "parameters": parameters(rd / "model")},
        "base": recipe["model"]["base"] or None,
        "trained_here": not recipe["model"]["base"].startswith("gpt2"),
        "stands_in_for": recipe["stands_in_for"],
        "works": [{k: w[k] for k in ("title", "author", "gutenberg_id", "train_words", "heldout_words")}
                  for w in works],
        "training": {k: training.get(k) for k in ("tokens_seen", "steps", "wall_seconds", "device",
                                                  "train_loss", "eval_loss")},
        "sampler": recipe["sampler"],
        "created": dt.date.today().isoformat(),
    }
    card["training"]["heldout_loss"] = card["training"].pop("eval_loss")
    card["training"]["notes"] = training.get("notes", [])  # how and where it was trained, in words
    card["graph"] = ("compact onnxruntime graph rebuilt from the weights (models/optimize.py), int8"
                     if _is_compact(pack / "model.onnx") else "optimum export (text-generation-with-past), int8")
    index_meta = pack / "copyindex" / "index.json"
    if index_meta.is_file():
        meta = _json(index_meta)
        card["copy_index"] = {"mode": meta["mode"], "guarantees": meta["guarantees"]}
    card["evaluation"] = evaluate(pack, recipe["evaluate"]["sets"], runs_dir)
    card["samples"] = samples(pack, recipe["sampler"])
    card["note"] = honest_note(recipe, card)
    (pack / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    card["files"] = {p.relative_to(pack).as_posix(): p.stat().st_size for p in sorted(pack.rglob("*")) if p.is_file()}
    (pack / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (pack / "CARD.md").write_text(render_markdown(card), encoding="utf-8")
    target = pack_dir or REPO / "resources" / "models" / recipe["name"]
    if target.resolve() != pack.resolve():
        shutil.copytree(pack, target, dirs_exist_ok=True)
    return {"installed": str(target), "evaluation": card["evaluation"]}


def honest_note(recipe: dict[str, Any], card: dict[str, Any]) -> str:
    arch = card["architecture"]
    size = f"{arch['parameters'] / 1e6:.1f}M-parameter, {arch['n_layer']}-layer GPT-2-architecture model"
    if not card["trained_here"]:
        return f"A {size} fine-tuned from OpenAI's GPT-2 with Writer's model factory."
    base = (f"trained from scratch on {len(card['works'])} public-domain books" if not card["base"]
            else f"fine-tuned from the '{card['base']}' pack on {len(card['works'])} public-domain works")
    return (f"A small {size}, {base}, because no pretrained GPT-2 weights could be downloaded where this pack "
            f"was built. It stands in for {recipe['stands_in_for'] or 'a larger model'}: expect fluent local "
            "style and weak long-range coherence. Small models memorise: Writer flags suggestions that copy "
            "the training books verbatim.")


def render_markdown(card: dict[str, Any]) -> str:
    a, t = card["architecture"], card["training"]
    lines = [f"# {card['display_name']} — model card", "", card["description"], "", f"> {card['note']}", "",
             "## Model", "",
             f"- Architecture: GPT-2, {a['n_layer']} layers, {a['n_head']} heads, {a['n_embd']} wide, "
             f"{a['n_positions']}-token context, {a['vocab_size']:,}-token byte-level BPE; "
             f"{a['parameters']:,} parameters",
             f"- Base: {card['base'] or 'none (trained from scratch)'}",
             f"- ONNX graph: {card.get('graph', 'unknown')}",
             *([f"- Copy index ({card['copy_index']['mode']}): {card['copy_index']['guarantees']}"]
               if "copy_index" in card else []),
             f"- Training: {t['tokens_seen']:,} tokens in {t['steps']:,} steps, {t['wall_seconds']:.0f} s on "
             f"{t['device']}; final train loss {t['train_loss']:.3f}, held-out loss {t['heldout_loss']:.3f} "
             "(nats/token, PyTorch float32)",
             *(f"- {note}" for note in t.get("notes", [])),
             "- Files: " + ", ".join(f"`{k}` {v / 1e6:.1f} MB" for k, v in card.get("files", {}).items()
                                     if v > 100_000),
             f"- Built: {card['created']}", "",
             "## Held-out evaluation (the shipped int8 pack)", "",
             "| corpus | tokens | nats/token | perplexity | bits/char |", "|---|---:|---:|---:|---:|"]
    for name, e in card["evaluation"].items():
        lines.append(f"| {name} | {int(e['tokens']):,} | {e['nats_per_token']:.3f} | {e['perplexity']:.1f} | "
                     f"{e['bits_per_char']:.3f} |")
    lines += ["", "## Trained on", "", "| title | author | Gutenberg id | words |", "|---|---|---:|---:|"]
    for w in card["works"]:
        lines.append(f"| {w['title']} | {w['author']} | {w['gutenberg_id']} | "
                     f"{w['train_words'] + w['heldout_words']:,} |")
    lines += ["", f"## Samples (seed {SAMPLE_SEED}, the pack's sampler preset, 60 new tokens)", ""]
    for s in card["samples"]:
        head = f"**{s['prompt']}**" if s["prompt"] else "*(unprompted)*"
        lines += [f"{head}{s['text']}".replace("\n", " "), ""]
    return "\n".join(lines)


def perplexity_table(cards: list[dict[str, Any]]) -> str:
    """The README's table: every pack's perplexity on every corpus's held-out part."""
    sets = list(cards[0]["evaluation"])
    lines = ["| pack | " + " | ".join(f"{s} held-out" for s in sets) + " |",
             "|---|" + "---:|" * len(sets)]
    for c in cards:
        lines.append(f"| {c['display_name']} | " + " | ".join(f"{c['evaluation'][s]['perplexity']:.1f}"
                                                             for s in sets) + " |")
    return "\n".join(lines)
