"""Search speed as you type: ``Store.search`` against the old rank-every-match search and a LIKE scan.

Builds drafts of ~300 words of generated prose (a word-bigram chain trained on a corpus
beside the checkout when there is one, else a Zipf-distributed vocabulary) from a fixed
seed, 10,000 and 50,000 of them by default, once: the databases are kept in ``--cache``
(a folder under /tmp) and reused by later runs. It then times every keystroke of a set of
queries, from one letter and stop words to rare words, prefixes and phrases, as
search-as-you-type runs them. Target: the *worst* keystroke <= 30 ms at every size.

    python benchmarks/search.py [--drafts 10000 50000] [--words 300] [--repeat 3] [--seed 1]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import shutil
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from writer.store import Store
from writer.store.query import fts_query

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "ja"
TARGET_MS = 30.0
CACHE = Path("/tmp/writer-bench-search")
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
    """Queries across the frequency range: letters, stop words, mid and rare words, prefixes, AND, phrase."""
    ranked = [w for w, _ in freq.most_common() if len(w) > 3]
    at = lambda r: ranked[min(r, len(ranked) - 1)]  # noqa: E731
    stop = [w for w, _ in freq.most_common(8)]
    queries = [
        "a", "i", stop[0], stop[1], f"{stop[0]} {stop[2]}",  # in nearly every draft
        at(5), at(50), at(500), at(3000),
        at(20)[:2], at(40)[:3], at(400)[:4],  # typing a prefix
        f"{at(10)} {at(100)}", f"{at(30)} {at(300)} {at(1000)}",
        f'"{freq.most_common(2)[1][0]} {freq.most_common(3)[2][0]}"',
        "zzzqx",  # nothing
    ]
    return list(dict.fromkeys(queries))


def keystrokes(query: str) -> list[str]:
    """What search-as-you-type runs while ``query`` is typed: every prefix that is not blank."""
    return list(dict.fromkeys(query[:n].strip() for n in range(1, len(query) + 1) if query[:n].strip()))


def median_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def open_cached(cache: Path, drafts: int, words: int, seed: int, corpus: Path) -> tuple[Store, list[str]]:
    """The benchmark database of this size and seed, built on first use and kept in ``cache``."""
    folder = cache / f"d{drafts}-w{words}-s{seed}"
    db, queries_file = folder / "bench.db", folder / "queries.txt"
    if not queries_file.is_file():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        rng = random.Random(seed)
        store = Store.open(db)
        prose = Prose(rng, corpus)
        start = time.perf_counter()
        freq = build(store, prose, drafts, words)
        print(f"built {drafts} drafts × ~{words} words ({prose.source}) in {time.perf_counter() - start:.1f}s")
        store.close()
        queries_file.write_text("\n".join(pick_queries(freq)), encoding="utf-8")  # last: marks the build done
    size_mb = sum(p.stat().st_size for p in folder.glob("bench.db*")) / 1e6
    print(f"{drafts} drafts, {size_mb:.0f} MB, from {folder}")
    return Store.open(db), queries_file.read_text(encoding="utf-8").splitlines()


def rank_all_search(store: Store, query: str) -> list[int]:
    """The previous search, as a baseline: every match ranked by FTS5 before the top 50 are taken."""
    match = fts_query(query)
    if not match:
        return []
    sql = ("SELECT rowid, snippet(drafts_fts, -1, '«', '»', '…', 24) FROM drafts_fts WHERE drafts_fts MATCH ? "
           "AND rank MATCH 'bm25(5.0, 1.0)' ORDER BY rank LIMIT 50")
    return [r[0] for r in store.db.execute(sql, [match]).fetchall()]


def like_search(store: Store, query: str) -> list[int]:
    """The naive baseline: scan every draft for every word (all matches, as ranking would need)."""
    words = re.findall(r"\w+", query)
    where = " AND ".join("(title LIKE ? OR body LIKE ?)" for _ in words) or "1"
    params = [p for w in words for p in (f"%{w}%", f"%{w}%")]
    return [r[0] for r in store.db.execute(f"SELECT id FROM drafts WHERE {where}", params).fetchall()]


def run_size(store: Store, queries: list[str], repeat: int) -> dict[str, float | str]:
    """Time every keystroke of every query, now and with every match ranked (the old way)."""
    for q in queries:  # warm the page cache for every method alike
        store.search(q)
        rank_all_search(store, q)
        like_search(store, q)
    print(f"{'query':<26} {'hits':>5} {'fts ms':>7} {'worst key':>9} {'rank-all':>8} {'worst key':>9} {'like ms':>8}")
    out: dict[str, list[float]] = {"fts": [], "all": [], "like": []}
    worst: tuple[float, str] = (0.0, "")
    worst_all: tuple[float, str] = (0.0, "")
    for q in queries:
        hits = len(store.search(q))
        fts = median_ms(lambda q=q: store.search(q), repeat)
        old = median_ms(lambda q=q: rank_all_search(store, q), repeat)
        keys = [(median_ms(lambda k=k: store.search(k), repeat), k) for k in keystrokes(q)]
        keys_all = [(median_ms(lambda k=k: rank_all_search(store, k), repeat), k) for k in keystrokes(q)]
        worst, worst_all = max(worst, *keys), max(worst_all, *keys_all)
        like = median_ms(lambda q=q: like_search(store, q), 1)
        out["fts"].append(fts)
        out["all"].append(old)
        out["like"].append(like)
        print(f"{q[:26]:<26} {hits:>5} {fts:>7.2f} {max(keys)[0]:>9.2f} {old:>8.2f} {max(keys_all)[0]:>9.2f} "
              f"{like:>8.2f}")
    return {"median": statistics.median(out["fts"]), "worst": worst[0], "worst_key": worst[1],
            "median_all": statistics.median(out["all"]), "worst_all": worst_all[0], "worst_all_key": worst_all[1],
            "median_like": statistics.median(out["like"])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--words", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--cache", type=Path, default=CACHE, help="where the built databases are kept")
    args = parser.parse_args()

    ok = True
    for drafts in args.drafts:
        store, queries = open_cached(args.cache, drafts, args.words, args.seed, args.corpus)
        try:
            r = run_size(store, queries, args.repeat)
        finally:
            store.close()
        worst = float(r["worst"])
        verdict = "OK" if worst <= TARGET_MS else "OVER TARGET"
        print(f"{drafts} drafts: median query {r['median']:.2f} ms, worst keystroke {worst:.2f} ms "
              f"(“{r['worst_key']}”; target <= {TARGET_MS:.0f} ms: {verdict})")
        print(f"  every match ranked (before): median {r['median_all']:.2f} ms, worst {r['worst_all']:.2f} ms "
              f"(“{r['worst_all_key']}”) -> worst {float(r['worst_all']) / worst:.1f}x slower; "
              f"LIKE scan median {r['median_like']:.2f} ms ({float(r['median_like']) / float(r['median']):.1f}x)\n")
        ok = ok and worst <= TARGET_MS
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
