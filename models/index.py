"""Factory step ``index``: the pack's copy index, built from the recipe's cleaned works.

The index holds only hashes and positions (see :mod:`writer.copycheck.index`), never text,
so it can ship inside the pack. Small corpora are indexed exactly; large ones (the general
corpus, ≈ 8.6M words) are winnowed to stay within the packs' size budget.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from models import corpus as corpus_mod
from writer.copycheck.build import IndexBuilder

EXACT_MAX_WORDS = 2_000_000  # "auto": exact below this (8 bytes/word ⇒ ≤ 16 MB), winnowed above


def build_index(recipe: dict[str, Any], run_dir: Path, *, corpus_dir: Path | None = None) -> dict[str, Any]:
    """Write ``run_dir/pack/copyindex`` and return its summary (bytes, works, words, seconds)."""
    cfg = recipe["index"]
    if not cfg["enabled"]:
        return {"skipped": "index.enabled is false"}
    t0 = time.perf_counter()
    corpus_dir = corpus_dir or corpus_mod.default_corpus_dir()
    c = recipe["corpus"]
    works = [w for w in corpus_mod.select_works(corpus_mod.load_manifest(corpus_dir), sets=c["sets"], ids=c["ids"])
             if w.gutenberg_id not in set(c["heldout_works"])]  # never trained on: nothing of them to copy
    mode = cfg["mode"]
    texts = [(w, "\n\n".join(corpus_mod.clean(corpus_mod.read_work(corpus_dir, w)))) for w in works]
    if mode == "auto":
        approx_words = sum(len(t.split()) for _, t in texts)
        mode = "exact" if approx_words <= EXACT_MAX_WORDS else "winnow"
    builder = IndexBuilder(recipe["name"], mode=mode, winnow=cfg["winnow"])
    for work, text in texts:
        builder.add(text, title=work.title, author=work.author, gutenberg_id=work.gutenberg_id)
    summary = builder.write(run_dir / "pack" / "copyindex")
    return {**summary, "seconds": round(time.perf_counter() - t0, 2)}
