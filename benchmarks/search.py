"""Search speed: FTS5 ``Store.search`` against a naive ``LIKE '%word%'`` scan, same data, same run.

Builds 10,000 drafts of ~300 words of generated prose (a word-bigram chain trained on a
corpus beside the checkout when there is one, else a Zipf-distributed vocabulary), from a
fixed seed, in a temporary database, then times a set of queries from common words to
rare ones, prefixes and phrases. Target: median FTS latency <= 30 ms.

    python benchmarks/search.py [--drafts 10000] [--words 300] [--repeat 5] [--seed 1]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from writer.store import Store

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "ja"
TARGET_MS = 30.0
_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|[.,;!?]")


class Prose:
    """A word-bigram chain: cheap, deterministic, with a realistic word-frequency curve."""

    def __init__(self, rng: random.Random, corpus: Path) -> None:
        self.rng = rng
        tokens = self._corpus_tokens(corpus) or self._zipf_tokens()
        self.source = f"bigrams from {corpus}" if corpus.is_dir() and tokens else "Zipf vocabulary"
        follow: dict[str, list[str]] = defaultdict(list)
        for a, b in itertools.pairwise(tokens):
            follow[a].append(b)
        self.follow = dict(follow)
        self.starts = [b for a, b in itertools.pairwise(tokens) if a == "."] or tokens[:100]

    @staticmethod
    def _corpus_tokens(corpus: Path) -> list[str]:
        if not corpus.is_dir():
            return []
        tokens: list[str] = []
        for path in sorted(corpus.glob("*.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            tokens += _WORD.findall(text[len(text) // 20: -len(text) // 20])  # skip PG header/footer
        return tokens

    def _zipf_tokens(self) -> list[str]:
        syllables = ["ka", "lo", "ren", "mi", "sta", "ve", "tor", "an", "el", "quo", "ri", "su", "den", "pa"]
        vocab = sorted({"".join(self.rng.choices(syllables, k=self.rng.randint(1, 4))) for _ in range(6000)})
        self.rng.shuffle(vocab)
        weights = [1 / (rank + 1) for rank in range(len(vocab))]
        words = self.rng.choices(vocab, weights=weights, k=400_000)
        for i in range(0, len(words), self.rng.randint(8, 20)):
            words.insert(i, ".")
        return words

    def paragraph(self, words: int) -> str:
        out: list[str] = []
        word = self.rng.choice(self.starts)
        count = 0
        while count < words:
            out.append(word)
            if word not in ".,;!?":
                count += 1
            nxt = self.follow.get(word)
            word = self.rng.choice(nxt) if nxt else self.rng.choice(self.starts)
        text = " ".join(out)
        text = re.sub(r" ([.,;!?])", r"\1", text)
        return re.sub(r"(^|[.!?] )([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)


def build(store: Store, prose: Prose, drafts: int, words: int) -> Counter[str]:
    moment = datetime(2024, 1, 1, tzinfo=UTC)
    store.clock = lambda: moment
    freq: Counter[str] = Counter()
    with store._write():  # one transaction: a bulk load, not 10,000 fsyncs
        for _ in range(drafts):
            title = prose.paragraph(prose.rng.randint(3, 8)).rstrip(".,;!?")
            paragraphs = [prose.paragraph(words // 3) for _ in range(3)]
            body = f"# {title}\n\n" + "\n\n".join(paragraphs)
            freq.update(w.lower() for w in re.findall(r"[A-Za-z]+", body))
            store.create_draft(body)
            moment += timedelta(minutes=prose.rng.randint(1, 600))
    return freq


def pick_queries(freq: Counter[str]) -> list[str]:
    """Queries across the frequency range: stop words, mid and rare words, prefixes, AND, phrase."""
    ranked = [w for w, _ in freq.most_common() if len(w) > 3]
    at = lambda r: ranked[min(r, len(ranked) - 1)]  # noqa: E731
    queries = [
        freq.most_common(1)[0][0],  # in nearly every draft
        at(5), at(50), at(500), at(3000),
        at(20)[:2], at(40)[:3], at(400)[:4],  # typing a prefix
        f"{at(10)} {at(100)}", f"{at(30)} {at(300)} {at(1000)}",
        f'"{freq.most_common(2)[1][0]} {freq.most_common(3)[2][0]}"',
        "zzzqx",  # nothing
    ]
    return list(dict.fromkeys(queries))


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def like_search(store: Store, query: str) -> list[int]:
    """The naive baseline: scan every draft for every word (all matches, as ranking would need)."""
    words = re.findall(r"\w+", query)
    where = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in words) or "1"
    params = [p for w in words for p in (f"%{w}%", f"%{w}%")]
    return [r[0] for r in store.db.execute(f"SELECT id FROM drafts WHERE {where}", params).fetchall()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        prose = Prose(rng, args.corpus)
        start = time.perf_counter()
        freq = build(store, prose, args.drafts, args.words)
        built = time.perf_counter() - start
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / 1e6
        print(f"{args.drafts} drafts × ~{args.words} words ({prose.source}) built in {built:.1f}s, "
              f"{size_mb:.0f} MB")
        queries = pick_queries(freq)
        for q in queries:  # warm the page cache for both methods alike
            store.search(q)
            like_search(store, q)
        print(f"{'query':<34} {'hits':>5} {'fts ms':>8} {'like ms':>8} {'like/fts':>8}")
        fts_all, like_all = [], []
        for q in queries:
            hits = len(store.search(q))
            fts = median_ms(lambda q=q: store.search(q), args.repeat)
            like = median_ms(lambda q=q: like_search(store, q), args.repeat)
            fts_all.append(fts)
            like_all.append(like)
            print(f"{q[:34]:<34} {hits:>5} {fts:>8.2f} {like:>8.2f} {like / fts:>7.1f}x")
        fts_med, like_med = statistics.median(fts_all), statistics.median(like_all)
        verdict = "OK" if fts_med <= TARGET_MS else "OVER TARGET"
        print(f"median FTS search (top 50, ranked, with snippets) {fts_med:.2f} ms "
              f"(target <= {TARGET_MS:.0f} ms: {verdict}); worst {max(fts_all):.2f} ms")
        print(f"median LIKE scan {like_med:.2f} ms; ratio LIKE/FTS = {like_med / fts_med:.1f}x")
        store.close()
    return 0 if fts_med <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
