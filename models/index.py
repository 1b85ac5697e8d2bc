"""Factory step ``index``: the pack's copy index, built from the recipe's cleaned works.

The index holds only hashes and positions (see :mod:`writer.copycheck.index`), never text,
so it can ship inside the pack. Small corpora are indexed exactly; large ones (the general
corpus, ≈ 8.5M words) are winnowed, with a fuse filter over every window, and very large ones
(general + library, ≈ 46M words) sketched, to stay within the packs' size budget.

``python -m models.index PACK_DIR...`` rebuilds the copy index of an installed pack from the
works its card says it was trained on (a recipe may have moved on since: the vanilla recipe now
reads general + library, the shipped vanilla pack was trained on general), and updates the
card's copy-index lines and file hashes to match.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from models import corpus as corpus_mod
from models.recipe import load_recipe
from writer.copycheck.build import IndexBuilder
from writer.copycheck.locate import INDEX_DIR
from writer.errors import WriterError

EXACT_MAX_WORDS = 2_000_000  # "auto": exact below this (8 bytes/word ⇒ ≤ 16 MB), winnowed above
#: "auto": a sketch above this. Winnowed with its 12-bit filter an index costs 3.5 bytes a word (29 MB for
#: the general corpus, 8.5M words); general + library (about 46M words) would take 160 MB, so it is
#: sketched (0.5 bytes a word, about 23 MB): every 15-word span still found, but no book named.
SKETCH_MIN_WORDS = 12_000_000


def build_index(recipe: dict[str, Any], run_dir: Path, *, corpus_dir: Path | None = None) -> dict[str, Any]:
    """Write ``run_dir/pack/copyindex`` and return its summary (bytes, works, words, seconds)."""
    cfg = recipe["index"]
    if not cfg["enabled"]:
        return {"skipped": "index.enabled is false"}
    corpus_dir = corpus_dir or corpus_mod.default_corpus_dir()
    c = recipe["corpus"]
    works = [w for w in corpus_mod.select_works(corpus_mod.load_manifest(corpus_dir), sets=c["sets"], ids=c["ids"])
             if w.gutenberg_id not in set(c["heldout_works"])]  # never trained on: nothing of them to copy
    return index_works(recipe["name"], works, cfg, corpus_dir, run_dir / "pack" / INDEX_DIR)


def index_works(name: str, works: list[corpus_mod.Work], cfg: dict[str, Any], corpus_dir: Path,
                out_dir: Path) -> dict[str, Any]:
    """Index ``works`` (cleaned as for training) into ``out_dir`` with the recipe's ``index`` settings."""
    t0 = time.perf_counter()
    texts = [(w, "\n\n".join(corpus_mod.clean(corpus_mod.read_work(corpus_dir, w)))) for w in works]
    mode = cfg["mode"]
    if mode == "auto":
        approx_words = sum(len(t.split()) for _, t in texts)
        mode = ("exact" if approx_words <= EXACT_MAX_WORDS else
                "winnow" if approx_words < SKETCH_MIN_WORDS else "sketch")
    # the recipe's filter_bits sizes a winnowed index's filter; a sketch keeps its own 16 bits
    bits = cfg["filter_bits"] if mode == "winnow" else None
    builder = IndexBuilder(name, mode=mode, winnow=cfg["winnow"], filter_bits=bits)
    for work, text in texts:
        builder.add(text, title=work.title, author=work.author, gutenberg_id=work.gutenberg_id)
    summary = builder.write(out_dir)
    return {**summary, "seconds": round(time.perf_counter() - t0, 2)}


def reindex_pack(pack: Path, *, corpus_dir: Path | None = None, recipe: str | None = None,
                 filter_bits: int | None = None) -> dict[str, Any]:
    """Rebuild ``pack/copyindex`` from the works in ``pack/card.json``; update the card to match."""
    card_file = pack / "card.json"
    try:
        card = json.loads(card_file.read_text(encoding="utf-8"))
        ids = [int(w["gutenberg_id"]) for w in card["works"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise WriterError(f"{card_file}: cannot read the works this pack was trained on ({exc})") from None
    corpus_dir = corpus_dir or corpus_mod.default_corpus_dir()
    by_id = {w.gutenberg_id: w for w in corpus_mod.load_manifest(corpus_dir)}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise WriterError(f"the corpus at {corpus_dir} lacks works {missing} that {card_file} lists")
    cfg = load_recipe(recipe or card.get("name") or pack.name)["index"]
    if filter_bits is not None:
        cfg = {**cfg, "filter_bits": filter_bits}
    summary = index_works(card.get("name") or pack.name, [by_id[i] for i in ids], cfg, corpus_dir, pack / INDEX_DIR)
    update_card(pack)
    return summary


def update_card(pack: Path) -> None:
    """Rewrite only the copy-index lines of ``card.json`` and ``CARD.md`` (mode, guarantee, files, hashes)."""
    from models.card import hashes

    card_file, md_file = pack / "card.json", pack / "CARD.md"
    card = json.loads(card_file.read_text(encoding="utf-8"))
    meta = json.loads((pack / INDEX_DIR / "index.json").read_text(encoding="utf-8"))
    card["copy_index"] = {"mode": meta["mode"], "guarantees": meta["guarantees"]}
    prefix = f"{INDEX_DIR}/"
    files = {k: v for k, v in card.get("files", {}).items() if not k.startswith(prefix)}
    files.update({f"{prefix}{p.name}": p.stat().st_size for p in sorted((pack / INDEX_DIR).iterdir()) if p.is_file()})
    card["files"] = dict(sorted(files.items()))
    card["sha256"] = {**{k: v for k, v in card.get("sha256", {}).items() if not k.startswith(prefix)},
                      **{k: v for k, v in hashes(pack).items() if k.startswith(prefix)}}
    card_file.write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if md_file.is_file():
        lines = md_file.read_text(encoding="utf-8").split("\n")
        index_line = f"- Copy index ({meta['mode']}): {meta['guarantees']}"
        files_line = "- Files: " + ", ".join(f"`{k}` {v / 1e6:.1f} MB" for k, v in card["files"].items()
                                             if v > 100_000)
        lines = [index_line if re.match(r"- Copy index \(", line) else
                 files_line if line.startswith("- Files: ") else line for line in lines]
        md_file.write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m models.index", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("packs", nargs="+", type=Path, help="installed pack folders, e.g. resources/models/vanilla")
    p.add_argument("--corpus-dir", type=Path, default=None, help="where MANIFEST.tsv and the books are")
    p.add_argument("--recipe", default=None, help="the recipe whose [index] settings to use (default: the pack's name)")
    p.add_argument("--filter-bits", type=int, choices=(0, 8, 12, 16), default=None,
                   help="a winnowed index's window filter, bits a window (default: the recipe's; 8 saves 0.56 "
                        "bytes a word over 12 but lets a false 9-word flag through once in 65,536 words)")
    args = p.parse_args(argv)
    try:
        for pack in args.packs:
            summary = reindex_pack(pack, corpus_dir=args.corpus_dir, recipe=args.recipe, filter_bits=args.filter_bits)
            print(f"[{pack.name}] index: {json.dumps(summary)}", flush=True)
    except WriterError as exc:
        print(f"models.index: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
