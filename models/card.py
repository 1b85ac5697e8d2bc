"""Step 6: the model card (``card.json`` for the app, ``CARD.md`` for people), written into the run's pack;
copied to ``pack_dir`` only when one is given (``--pack-dir``, or ``--install`` for the app's shipped packs).

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
# the opening of each unseen work: a long story whole, a novel's first chapters; 40k of each of vanilla's four books
UNSEEN_CHARS_PER_WORK = 60_000
UNSEEN_CHARS_PER_GENERAL_WORK = 40_000
UNSEEN_LABELS = {"vanilla": "general", "pkd": "pkd", "ja": "ja"}


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


def unseen_text(recipe_name: str, corpus_dir: Path, per_work: int | None = None) -> tuple[str, list[str], str]:
    """The opening of every whole work a recipe (a name or a path) never trains on (its
    ``corpus.heldout_works``), cleaned as training text is, their titles, and the recipe's name:
    the honest measure, sharing no names or plots with training."""
    from models import corpus as corpus_mod
    from models.recipe import load_recipe

    recipe = load_recipe(recipe_name)
    ids = set(recipe["corpus"]["heldout_works"])
    if per_work is None:
        per_work = UNSEEN_CHARS_PER_GENERAL_WORK if recipe["name"] == "vanilla" else UNSEEN_CHARS_PER_WORK
    works = [w for w in corpus_mod.load_manifest(corpus_dir) if w.gutenberg_id in ids]
    docs = []
    for work in works:
        doc = "\n\n".join(corpus_mod.clean(corpus_mod.read_work(corpus_dir, work)))
        if len(doc) > per_work:
            cut = doc.rfind("\n\n", 0, per_work)
            doc = doc[:cut if cut > 0 else per_work]
        docs.append(doc)
    return "\n\n".join(docs), [w.title for w in works], recipe["name"]


def evaluate_unseen(pack_dir: Path, names: list[str], corpus_dir: Path) -> dict[str, dict[str, Any]]:
    """The pack on the unseen works of each named recipe (vanilla's: general text never seen)."""
    from writer.generation.packs import open_pack
    from writer.generation.perplexity import score_text

    pack = open_pack(pack_dir)
    out: dict[str, dict[str, Any]] = {}
    for name in names:
        text, titles, recipe_name = unseen_text(name, corpus_dir)
        if not text:
            continue
        scores = score_text(pack, text)
        out[UNSEEN_LABELS.get(recipe_name, recipe_name)] = {
            **{k: round(float(scores[k]), 4) for k in ("tokens", "nats_per_token", "perplexity", "bits_per_char")},
            "works": titles}
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


def write_card(recipe: dict[str, Any], rd: Path, *, runs_dir: Path, pack_dir: Path | None = None,
               corpus_dir: Path | None = None) -> dict[str, Any]:
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
        "works": [{k: w.get(k, 0) for k in ("title", "author", "gutenberg_id", "train_words", "heldout_words",
                                            "unseen_words")} for w in works],
        "replay_words": _json(rd / "corpus" / "works.json").get("replay_words", 0),
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
    if corpus_dir is not None and recipe["evaluate"]["unseen"]:
        card["evaluation_unseen"] = evaluate_unseen(pack, recipe["evaluate"]["unseen"], corpus_dir)
    if recipe["evaluate"]["regimes"]:
        card["regimes"] = recipe["evaluate"]["regimes"]
    card["samples"] = samples(pack, recipe["sampler"])
    card["note"] = honest_note(recipe, card)
    (pack / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    card["files"] = {p.relative_to(pack).as_posix(): p.stat().st_size for p in sorted(pack.rglob("*")) if p.is_file()}
    card["sha256"] = hashes(pack)
    (pack / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (pack / "CARD.md").write_text(render_markdown(card), encoding="utf-8")
    target = pack_dir or pack
    if target.resolve() != pack.resolve():
        shutil.copytree(pack, target, dirs_exist_ok=True)
    return {"pack": str(target), "evaluation": card["evaluation"]}


def hashes(pack: Path) -> dict[str, str]:
    """SHA-256 of the files Writer runs (model, tokenizer, config, copy index): a file garbled or replaced
    at the same size then shows as unusable instead of generating nonsense."""
    import hashlib

    files = [pack / n for n in ("model.onnx", "tokenizer.json", "config.json")] + sorted((pack / "copyindex").glob("*"))
    return {f.relative_to(pack).as_posix(): hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.is_file()}


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
             "Two figures, lower is better. *Unseen works* are whole books or stories no pack trained on "
             "(the opening of each, up to 60k characters; 40k of each general book): the honest measure of "
             "style. *In-book* is chapter-sized blocks held out inside the training works, which share their "
             "names, places and plots: kinder, and partly a measure of memory.", ""]
    unseen = card.get("evaluation_unseen") or {}
    if unseen:
        lines += ["| unseen works | tokens | nats/token | perplexity | bits/char |", "|---|---:|---:|---:|---:|"]
        for name, e in unseen.items():
            mark = " †" if seen_in_training(card, name) else ""
            lines.append(f"| {name}: {', '.join(e['works'])}{mark} | {int(e['tokens']):,} | "
                         f"{e['nats_per_token']:.3f} | {e['perplexity']:.1f} | {e['bits_per_char']:.3f} |")
        if any(seen_in_training(card, name) for name in unseen):
            lines += ["", "† This pack was trained on these works before they were set aside, so for it this figure "
                      "measures memory, not style."]
        lines += [""]
    lines += ["| in-book blocks | tokens | nats/token | perplexity | bits/char |", "|---|---:|---:|---:|---:|"]
    for name, e in card["evaluation"].items():
        lines.append(f"| {name} | {int(e['tokens']):,} | {e['nats_per_token']:.3f} | {e['perplexity']:.1f} | "
                     f"{e['bits_per_char']:.3f} |")
    if card.get("regimes"):
        lines += ["", "## Fine-tune regimes tried", "", *card["regimes"]]
    lines += ["", "## Trained on", "", "| title | author | Gutenberg id | words |", "|---|---|---:|---:|"]
    for w in card["works"]:
        if w.get("unseen_words"):
            continue
        lines.append(f"| {w['title']} | {w['author']} | {w['gutenberg_id']} | "
                     f"{w['train_words'] + w['heldout_words']:,} |")
    never = [w for w in card["works"] if w.get("unseen_words")]
    if never:
        lines += ["", "Never trained on (validation and the unseen-work figures): "
                  + "; ".join(f"{w['title']} ({w['unseen_words']:,} words)" for w in never) + "."]
    if card.get("replay_words"):
        lines += ["", f"Mixed in: {card['replay_words']:,} words of general prose (replay), so the pack keeps "
                  "general English while it learns the author's manner."]
    lines += ["", f"## Samples (seed {SAMPLE_SEED}, the pack's sampler preset, 60 new tokens)", ""]
    for s in card["samples"]:
        head = f"**{s['prompt']}**" if s["prompt"] else "*(unprompted)*"
        lines += [f"{head}{s['text']}".replace("\n", " "), ""]
    return "\n".join(lines)


def seen_in_training(card: dict[str, Any], name: str) -> bool:
    """Whether the pack trained on any of the works of its ``name`` unseen-work figure (older packs did)."""
    trained = {w["title"] for w in card.get("works", []) if w.get("train_words")}
    return bool(trained & set((card.get("evaluation_unseen") or {}).get(name, {}).get("works", [])))


def refresh_unseen(pack_dir: Path, names: list[str], corpus_dir: Path) -> dict[str, Any]:
    """Add the unseen-work figures to an installed pack's card without rebuilding the pack."""
    path = pack_dir / "card.json"
    card = _json(path)
    card["evaluation_unseen"] = evaluate_unseen(pack_dir, names, corpus_dir)
    path.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (pack_dir / "CARD.md").write_text(render_markdown(card), encoding="utf-8")
    return card


def perplexity_table(cards: list[dict[str, Any]]) -> str:
    """The README's table: every pack's perplexity on every corpus's unseen works, then its in-book blocks."""
    unseen = list(cards[0].get("evaluation_unseen") or {})
    sets = list(cards[0]["evaluation"])
    cols = [f"{s} unseen works" for s in unseen] + [f"{s} in-book" for s in sets]
    lines = ["| pack | " + " | ".join(cols) + " |", "|---|" + "---:|" * len(cols)]
    for c in cards:
        cells = [f"{c['evaluation_unseen'][s]['perplexity']:.1f}" + (" †" if seen_in_training(c, s) else "")
                 for s in unseen]
        cells += [f"{c['evaluation'][s]['perplexity']:.1f}" for s in sets]
        lines.append(f"| {c['display_name']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
