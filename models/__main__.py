"""``python -m models``: the model factory's commands."""

from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path

from models import build
from models.corpus import default_corpus_dir
from models.paths import RUNS_DIR, SHIPPED_PACKS
from models.recipe import load_recipe
from writer.errors import WriterError

STEPS = ("corpus", "tokenizer", "tokenize", "train", "export", "optimize", "index", "card", "build")


def _overrides(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise WriterError(f"--set takes KEY=VALUE, not '{pair}'")
        out[key] = value
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["corpus", "fetch"]:  # not a recipe step: it downloads the books the recipes read
        from models import fetch

        return fetch.main(argv[2:])
    p = argparse.ArgumentParser(prog="python -m models", description=__doc__,
                                epilog="python -m models corpus fetch [SET...] downloads the training books.")
    p.add_argument("step", choices=STEPS, help="one step, or 'build' for the whole chain")
    p.add_argument("recipe", help="a recipe file or the name of one in models/recipes/")
    p.add_argument("--corpus-dir", type=Path, default=None, help="where MANIFEST.tsv and the books are")
    p.add_argument("--runs-dir", type=Path, default=RUNS_DIR, help="intermediate products (runs/)")
    p.add_argument("--pack-dir", type=Path, default=None,
                   help="where the card step copies the finished pack (default: it stays in RUNS/NAME/pack)")
    p.add_argument("--install", action="store_true",
                   help="the card step installs the pack among the app's shipped packs (resources/models/NAME)")
    p.add_argument("--max-minutes", type=float, default=None, help="training time budget (overrides recipe)")
    p.add_argument("--cpu", action="store_true", help="train on the CPU even where a GPU is present")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a recipe value, e.g. --set train.batch_size=64")
    args = p.parse_args(argv)
    try:
        recipe = load_recipe(args.recipe, _overrides(args.set))
        rd = build.run_dir(recipe, args.runs_dir)
        corpus_dir = args.corpus_dir or default_corpus_dir()
        if args.install and args.pack_dir is not None:
            raise WriterError("give --install or --pack-dir, not both")
        pack_dir = SHIPPED_PACKS / recipe["name"] if args.install else args.pack_dir
        todo = STEPS[:-1] if args.step == "build" else (args.step,)
        for step in todo:
            result = build.run_step(step, recipe, rd, corpus_dir=corpus_dir, runs_dir=args.runs_dir,
                                    pack_dir=pack_dir, max_minutes=args.max_minutes, cpu=args.cpu)
            print(f"[{recipe['name']}] {step}: {json.dumps(result, default=str)[:300]}", flush=True)
    except WriterError as exc:
        print(f"models: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        print(f"models: the disk is full ({exc.filename or 'writing'}): free some space and run the same "
              "command again; training resumes from its last checkpoint, finished steps are kept", file=sys.stderr)
        return 28
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
