"""Compare fine-tune regimes on works no pack saw: one row per run, appended to ``<runs>/regimes.jsonl``.

    python models/scripts/regimes.py pkd --tag replay20 --minutes 8 \\
        --set corpus.replay_sets=general --set corpus.replay_fraction=0.2 --set train.lr=1e-4
    python models/scripts/regimes.py pkd --pack resources/models/pkd --tag shipped   # score a pack as it is

Each run is the factory's own chain (corpus, tokenizer, tokenize, train) in ``--runs-dir``, whose
``vanilla/`` is the base (``python -m models.frompack resources/models/vanilla runs/shipped/vanilla``).
The trained model is turned into the compact int8 graph the app ships and scored with Writer's
scorer (``writer.generation.perplexity``) on three texts: the author's unseen works (the recipe's
``corpus.heldout_works``), general books no pack saw (the vanilla recipe's ``heldout_works``), and
the in-book held-out blocks (8k characters of each work's). The unseen texts are the cards' own
(:func:`models.card.unseen_text`: each work's opening, 60k characters, 40k of each general book), so a
row costs a minute, not ten.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models import build
from models import corpus as corpus_mod
from models.__main__ import _overrides
from models.card import unseen_text
from models.paths import RUNS_DIR
from models.recipe import load_recipe


def capped_works(docs: list[str], cap: int) -> str:
    out = []
    for doc in docs:
        cut = doc.rfind("\n\n", 0, cap) if len(doc) > cap else len(doc)
        out.append(doc[:cut if cut > 0 else cap])
    return "\n\n".join(out)


def score_pack(pack: Path, texts: dict[str, str]) -> dict[str, float]:
    from writer.generation.packs import open_pack
    from writer.generation.perplexity import score_text

    opened = open_pack(pack)
    return {name: round(score_text(opened, text)["perplexity"], 2) for name, text in texts.items()}


def pack_from_model(model_dir: Path, tokenizer: Path, out: Path) -> Path:
    from models.optimize import write_compact

    out.mkdir(parents=True, exist_ok=True)
    write_compact(model_dir, out / "model.onnx")
    shutil.copyfile(model_dir / "config.json", out / "config.json")
    shutil.copyfile(tokenizer, out / "tokenizer.json")
    return out


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("recipe")
    p.add_argument("--tag", required=True)
    p.add_argument("--minutes", type=float, default=8.0)
    p.add_argument("--runs-dir", type=Path, default=RUNS_DIR / "shipped")
    p.add_argument("--pack", type=Path, help="score this pack instead of training")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    args = p.parse_args()
    corpus_dir = corpus_mod.default_corpus_dir()
    base = load_recipe(args.recipe)
    recipe = load_recipe(args.recipe, _overrides(args.set))
    recipe["name"] = f"{base['name']}-{args.tag}"
    rd = build.run_dir(recipe, args.runs_dir)
    started = time.time()
    if args.pack is None or not (rd / "corpus" / "valid.txt").is_file():
        build.step_corpus(recipe, rd, corpus_dir)
    minutes = None
    if args.pack is None:
        build.step_tokenizer(recipe, rd, args.runs_dir)
        build.step_tokenize(rd)
        from models.train import train

        summary = train(recipe, rd, runs_dir=args.runs_dir, max_minutes=args.minutes, progress=False)
        minutes = round(summary["wall_seconds"] / 60, 1)
    texts = {"unseen_author": unseen_text(args.recipe, corpus_dir)[0],  # the card's texts
             "unseen_general": unseen_text("vanilla", corpus_dir)[0],
             "in_book": capped_works(list(corpus_mod.iter_documents(rd / "corpus" / "eval.txt")), 8_000)}
    with tempfile.TemporaryDirectory(prefix="regime-") as tmp:
        pack = args.pack or pack_from_model(rd / "model", rd / "tokenizer.json", Path(tmp) / "pack")
        scores = score_pack(pack, texts)
    row = {"recipe": args.recipe, "tag": args.tag, "overrides": args.set, **scores, "train_minutes": minutes,
           "total_minutes": round((time.time() - started) / 60, 1)}
    if args.pack is None:
        row["steps"], row["tokens_seen"] = summary["steps"], summary["tokens_seen"]
        row["best_valid_loss"] = summary.get("valid_loss")
    with (args.runs_dir / "regimes.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(row) + "\n")
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
