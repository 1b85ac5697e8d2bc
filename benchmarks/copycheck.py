"""Copy-check speed and size: the shipped hashed-window indexes against a naive n-gram set.

Prints, in one run:

* index size in bytes per corpus word (token) for each shipped pack's ``copyindex/``
  (target <= 8), the three together, and every shipped pack with its index (budget <= 100 MB);
* build time for the general corpus (the vanilla pack's factory step, cleaning included;
  target <= 90 s);
* median check time of a 10,000-word draft against all three shipped indexes (target
  <= 50 ms) and of one changed 200-word paragraph in that draft (target <= 5 ms);
* a naive pure-Python baseline — a ``set`` of 8-word tuples for PKD + JA, checked window by
  window — timed on the same draft against the same two corpora, as a ratio;
* the false-flag rate on text the indexes never saw: general-corpus prose against the PKD and
  JA indexes, and word-shuffled prose against all three.

    python benchmarks/copycheck.py [--repeat 21] [--skip-build]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_ms

from models import corpus as corpus_mod
from models.index import build_index
from models.recipe import load_recipe
from writer import paths
from writer.copycheck import Checker, CopyIndex
from writer.copycheck.normalise import tokenise

PACKS = ("pkd", "ja", "vanilla")
_NAIVE_WORD = re.compile(r"[^\W_]+")


def work_texts(corpus_dir: Path, sets: list[str]) -> list[tuple[str, str]]:
    works = corpus_mod.select_works(corpus_mod.load_manifest(corpus_dir), sets=sets)
    return [(w.title, "\n\n".join(corpus_mod.clean(corpus_mod.read_work(corpus_dir, w)))) for w in works]


class NaiveIndex:
    """The obvious implementation: every 8-word tuple of the corpus in a Python set."""

    def __init__(self, texts: list[str], k: int = 8) -> None:
        self.k = k
        self.grams: set[tuple[str, ...]] = set()
        for text in texts:
            w = [m.lower() for m in _NAIVE_WORD.findall(text)]
            self.grams.update(zip(*(w[i:] for i in range(k)), strict=False))

    def check(self, text: str) -> list[tuple[int, int]]:
        w = [m.lower() for m in _NAIVE_WORD.findall(text)]
        spans, run_start = [], None
        for i in range(len(w) - self.k + 1):
            hit = tuple(w[i:i + self.k]) in self.grams
            if hit and run_start is None:
                run_start = i
            elif not hit and run_start is not None:
                spans.append((run_start, i - 1 + self.k))
                run_start = None
        if run_start is not None:
            spans.append((run_start, len(w)))
        return spans


def make_draft(rng: random.Random, filler: list[str], lifts: list[str], n_words: int) -> list[str]:
    """Paragraphs of ~200 words: shuffled prose with a lifted passage now and then."""
    paras, count = [], 0
    while count < n_words:
        words = rng.sample(filler, 200)
        if rng.random() < 0.3:
            words[100:100] = rng.choice(lifts).split()
        paras.append(" ".join(words))
        count += len(words)
    return paras


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--skip-build", action="store_true", help="skip timing the general corpus build")
    args = ap.parse_args()
    corpus_dir = corpus_mod.default_corpus_dir()
    rng = random.Random(1)

    print("== index size (shipped packs) ==")
    indexes, total = [], 0
    for name in PACKS:
        index = CopyIndex.load(paths.resources_dir() / "models" / name / "copyindex")
        size = sum(p.stat().st_size for p in index.path.iterdir())
        total += size
        indexes.append(index)
        print(f"{name:8} {index.mode:7} {index.meta['words']:>10,} words {size:>12,} bytes "
              f"{size / index.meta['words']:5.2f} bytes/word  "
              f"false hits/window {index.meta['false_hits_per_window']:.1e}")
    print(f"{'total':8} {'':7} {'':>16} {total:>12,} bytes ({total / 1e6:.1f} MB)")
    packs = sum(p.stat().st_size for p in (paths.resources_dir() / "models").rglob("*") if p.is_file())
    print(f"all shipped packs with their copy indexes: {packs / 1e6:.1f} MB (budget <= 100 MB)")

    if not args.skip_build:
        print("\n== build: general corpus (vanilla factory step, cleaning included) ==")
        with tempfile.TemporaryDirectory() as tmp:
            recipe = load_recipe("vanilla")
            t0 = time.perf_counter()
            summary = build_index(recipe, Path(tmp), corpus_dir=corpus_dir)
            print(f"{time.perf_counter() - t0:.1f} s for {summary['words']:,} words (target <= 90 s)")

    print("\n== check speed ==")
    general = work_texts(corpus_dir, ["general"])
    pkd_ja = work_texts(corpus_dir, ["pkd", "ja"])
    filler = " ".join(t for _, t in general[:12]).split()
    lifts = []
    for _, text in pkd_ja + general[12:20]:
        words = text.split()
        start = rng.randrange(len(words) - 40)
        lifts.append(" ".join(words[start:start + rng.choice([10, 25, 40])]))
    paras = make_draft(rng, filler, lifts, 10_000)
    draft = "\n".join(paras)
    n_words = len(tokenise(draft))
    checker = Checker(indexes)
    checker.check(draft)  # warm-up: character tables, page cache
    full = median_ms(lambda: checker.check(draft), args.repeat)
    flags = checker.check(draft)
    print(f"{n_words:,}-word draft vs pkd+ja+vanilla: median {full:.1f} ms (target <= 50 ms), {len(flags)} flags")

    incremental = Checker(indexes)
    incremental.check_document(draft)
    edits = iter(range(10**9))

    def one_edit() -> None:
        i = next(edits)
        paras[i % len(paras)] = " ".join(rng.sample(filler, 200))
        incremental.check_document("\n".join(paras))

    para_ms = median_ms(one_edit, args.repeat)
    print(f"one changed 200-word paragraph (check_document, cache warm): median {para_ms:.2f} ms (target <= 5 ms)")

    print("\n== naive baseline: set of 8-word tuples, PKD + JA only ==")
    t0 = time.perf_counter()
    naive = NaiveIndex([t for _, t in pkd_ja])
    naive_build = time.perf_counter() - t0
    ours = Checker([ix for ix in indexes if ix.name in ("pkd", "ja")])
    ours.check(draft)
    ours_ms = median_ms(lambda: ours.check(draft), args.repeat)
    naive_ms = median_ms(lambda: naive.check(draft), max(3, args.repeat // 4))
    print(f"naive build {naive_build:.1f} s, {len(naive.grams):,} tuples in memory")
    print(f"check {n_words:,} words: naive {naive_ms:.1f} ms, ours {ours_ms:.1f} ms "
          f"→ {naive_ms / ours_ms:.1f}x faster; "
          f"naive spans {len(naive.check(draft))}, ours {len(ours.check(draft))}")

    print("\n== false flags on text the index never saw ==")
    unseen = " ".join(t for _, t in general)
    unseen_words = len(tokenise(unseen))
    fl = ours.check(unseen)
    echoes = sum(f.level == "echo" for f in fl)
    print(f"general corpus ({unseen_words:,} words) vs PKD+JA: {len(fl)} flags ({echoes} echo, "
          f"{len(fl) - echoes} copy) = {10_000 * len(fl) / unseen_words:.2f} per 10,000 words")
    for f in sorted(fl, key=lambda f: -f.words)[:5]:
        print(f"   {f.words:3} words  {f.source.title[:30]:30}  {' '.join(f.text.split())[:70]!r}")
    shuffled = unseen.split()
    random.Random(2).shuffle(shuffled)
    sample = " ".join(shuffled[:1_000_000])
    fs = checker.check(sample)
    print(f"shuffled prose (1,000,000 words) vs all three: {len(fs)} flags")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
