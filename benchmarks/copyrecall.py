"""Copy-check recall: how many planted passages each shipped pack's index finds, at what length.

For each pack (the works its card lists, cleaned as the factory cleans them) and each span
length, random passages of that many words are planted between words of books no pack trained
on (the ``library`` set minus every card's works), and checked against:

* ``after``  — the pack's shipped ``copyindex/`` (what Writer uses);
* ``before`` — the same works indexed the way they were before the window filter (a winnowed
  index with 16 check bits, no filter), built in this run; exact packs are the same index;
* ``sketch`` (winnowed packs) — the same works as a sketch, what ``auto`` builds for a corpus
  too large to locate within the budget (general + library);
* the truth — an exact index of every 8-word window, built in this run, which gives each
  passage's true maximal extent (filler can extend it by chance) and tells real echoes from
  false flags.

Printed per pack and length: share found, share reported at exactly its true extent, mean
reported / true words, share whose work is named correctly (vs "the training books of …");
then, on unseen text: flags per 10,000 words and how many are false (not verbatim in the
corpus); time per 1,000 words (median; ratio after/before); index size.

    python benchmarks/copyrecall.py [--per-length 200] [--packs pkd ja vanilla] [--unseen-words 300000]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import median_ms

from models import corpus as corpus_mod
from writer import paths
from writer.copycheck import Checker, CopyIndex, IndexBuilder
from writer.copycheck.checker import Flag
from writer.copycheck.normalise import tokenise

LENGTHS = (8, 9, 10, 12, 15, 20)
FILLER_WORDS = 30


@dataclass
class Tally:
    planted: int = 0
    found: int = 0
    exact_extent: int = 0
    words: int = 0
    true_words: int = 0
    named: int = 0

    def row(self) -> str:
        n = max(1, self.planted)
        ratio = self.words / max(1, self.true_words)  # over the passages found
        return (f"found {100 * self.found / n:5.1f}%  full extent {100 * self.exact_extent / n:5.1f}%  "
                f"reported/true words {ratio:4.2f}  work named {100 * self.named / n:5.1f}%")


def cleaned(corpus_dir: Path, work: corpus_mod.Work) -> str:
    return "\n\n".join(corpus_mod.clean(corpus_mod.read_work(corpus_dir, work)))


def build(name: str, texts: list[tuple[corpus_mod.Work, str]], out: Path, **kw: object) -> CopyIndex:
    builder = IndexBuilder(name, **kw)  # type: ignore[arg-type]
    for work, text in texts:
        builder.add(text, title=work.title, author=work.author, gutenberg_id=work.gutenberg_id)
    builder.write(out)
    return CopyIndex.load(out)


def covering(flags: list[Flag], start: int, end: int) -> Flag | None:
    """The longest flag overlapping the character range [start, end)."""
    over = [f for f in flags if f.start < end and f.end > start]
    return max(over, key=lambda f: f.words) if over else None



def _unseen_corpus(corpus_dir: Path, works: list, words: int) -> str:
    """About ``words`` words of cleaned text from ``works``, whole books at a time."""
    parts, taken = [], 0
    for work in works:
        if taken >= words:
            break
        text = cleaned(corpus_dir, work)
        parts.append(text)
        taken += len(text.split())
    return "\n\n".join(parts)


def _planted(texts: list, indexes: dict[str, CopyIndex], exact: Checker, rng: random.Random,
             filler_words: list[str], per_length: int) -> dict:
    """Passages of each length cut from the pack's books, planted in unseen prose: what each index finds."""
    checkers = {key: Checker([index]) for key, index in indexes.items()}
    toks = [tokenise(t) for _, t in texts]
    weights = [len(t) for t in toks]
    results: dict = {}
    for n in LENGTHS:
        tallies = {k: Tally() for k in checkers}
        for _ in range(per_length):
            w = rng.choices(range(len(texts)), weights)[0]
            tok, text = toks[w], texts[w][1]
            first = rng.randrange(len(tok) - n)
            passage = " ".join(text[tok.starts[first]:tok.ends[first + n - 1]].split())
            at = rng.randrange(len(filler_words) - 2 * FILLER_WORDS)
            before_words = " ".join(filler_words[at:at + FILLER_WORDS])
            after_words = " ".join(filler_words[at + FILLER_WORDS:at + 2 * FILLER_WORDS])
            para = f"{before_words} {passage} {after_words}"
            ps = len(before_words) + 1
            pe = ps + len(passage)
            true = covering(exact.check(para), ps, pe)
            true_words = true.words if true else n
            for key, checker in checkers.items():
                t = tallies[key]
                t.planted += 1
                flag = covering(checker.check(para), ps, pe)
                if flag is None:
                    continue
                t.found += 1
                t.true_words += true_words
                t.words += flag.words
                t.exact_extent += true is not None and (flag.start, flag.end) == (true.start, true.end)
                t.named += any(s.located and s.title == texts[w][0].title for s in flag.sources)
        for key, t in tallies.items():
            print(f"{n:3} words  {key:6} {t.row()}")
        results[n] = {k: vars(t) for k, t in tallies.items()}
    return results


def _unseen_flags(indexes: dict[str, CopyIndex], exact: Checker, unseen: str, unseen_n: int) -> dict:
    """What each index flags in prose no pack saw, sorted against the exact index's real echoes."""
    truth_flags = exact.check(unseen)
    real = [(f.start, f.end) for f in truth_flags]
    results: dict = {}
    for key, index in indexes.items():
        checker = Checker([index])
        flags = checker.check(unseen)
        kinds = {"exact": 0, "short": 0, "long": 0, "false": 0}
        false_words = []
        for f in flags:
            if (f.start, f.end) in real:
                kinds["exact"] += 1
            elif any(s <= f.start and f.end <= e for s, e in real):
                kinds["short"] += 1  # inside a real echo: reported short
            elif any(f.start <= s and e <= f.end for s, e in real):
                kinds["long"] += 1  # a real echo and a word or more beside it
            else:
                kinds["false"] += 1  # no 8 words of it are in the corpus in that order
                false_words.append(f.words)
        fresh = Checker(checker.indexes)  # no paragraph cache carried over
        ms = median_ms(lambda: fresh.check(unseen), 3)  # noqa: B023 (called at once)
        size = sum(p.stat().st_size for p in index.path.iterdir())
        per = 1e4 / unseen_n
        print(f"unseen   {key:6} {len(flags) * per:5.2f} flags/10k words (truth {len(truth_flags) * per:.2f}): "
              f"exact extent {kinds['exact']}, short {kinds['short']}, overlong {kinds['long']}, "
              f"false {kinds['false']} ({kinds['false'] * per:.3f}/10k, words {sorted(false_words)}); "
              f"{ms * 1000 / unseen_n:.2f} ms per 1,000 words; index {size / 1e6:.1f} MB")
        results[f"unseen_{key}"] = {"flags": len(flags), **kinds, "words": unseen_n, "truth": len(truth_flags),
                                    "ms_per_1000": ms * 1000 / unseen_n, "bytes": size}
    return results


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--per-length", type=int, default=200)
    ap.add_argument("--packs", nargs="+", default=["pkd", "ja", "vanilla"])
    ap.add_argument("--unseen-words", type=int, default=300_000)
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    args = ap.parse_args()
    corpus_dir = corpus_mod.default_corpus_dir()
    manifest = corpus_mod.load_manifest(corpus_dir)
    by_id = {w.gutenberg_id: w for w in manifest}
    cards = {p: json.loads((paths.resources_dir() / "models" / p / "card.json").read_text(encoding="utf-8"))
             for p in ("pkd", "ja", "vanilla")}
    trained = {int(w["gutenberg_id"]) for c in cards.values() for w in c["works"]}
    unseen_works = [w for w in manifest if w.set == "library" and w.gutenberg_id not in trained]
    rng = random.Random(11)
    rng.shuffle(unseen_works)
    filler_words = cleaned(corpus_dir, unseen_works[0]).split() + cleaned(corpus_dir, unseen_works[1]).split()
    unseen = _unseen_corpus(corpus_dir, unseen_works[2:], args.unseen_words)
    unseen_n = len(tokenise(unseen))
    print(f"unseen text: {unseen_n:,} words from library books no pack trained on; filler from 2 more")
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        for name in args.packs:
            works = [by_id[int(w["gutenberg_id"])] for w in cards[name]["works"]]
            texts = [(w, cleaned(corpus_dir, w)) for w in works]
            after = CopyIndex.load(paths.resources_dir() / "models" / name / "copyindex")
            truth = build(name, texts, tmp / name / "truth", mode="exact")
            before = (build(name, texts, tmp / name / "before", mode="winnow", winnow=after.winnow or 8,
                            filter_bits=0) if after.mode == "winnow" else truth)
            indexes = {"before": before, "after": after}
            if after.mode == "winnow":  # what a corpus too large to locate gets: the same works, sketched
                indexes["sketch"] = build(name, texts, tmp / name / "sketch", mode="sketch", winnow=after.winnow)
            exact = Checker([truth])
            print(f"\n== {name}: {len(works)} works, {sum(len(tokenise(t)) for _, t in texts):,} words; "
                  f"after = shipped ({after.mode}{', filter' if after.window_filter else ''}) ==")
            results[name] = _planted(texts, indexes, exact, rng, filler_words, args.per_length)
            results[name].update(_unseen_flags(indexes, exact, unseen, unseen_n))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
