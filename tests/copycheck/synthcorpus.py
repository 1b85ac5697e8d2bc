"""A synthetic corpus the copy-check tests build (helpers; the fixtures are in conftest.py)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from writer.copycheck import CopyIndex, IndexBuilder
from writer.copycheck.normalise import tokenise

_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"]


def vocabulary(rng: random.Random, size: int, prefix: str = "") -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add(prefix + "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3))))
    return sorted(words)


def prose(rng: random.Random, vocab: list[str], n_words: int) -> str:
    """Sentences, quotes, apostrophes, paragraphs and hard-wrapped lines, like a PG book."""
    weights = [1 / (i + 1) for i in range(len(vocab))]
    picked = rng.choices(vocab, weights, k=n_words)
    out, line = [], 0
    for i, word in enumerate(picked):
        if i == 0 or out[-1].endswith((".", "?", "!")):
            word = word.capitalize()
        if rng.random() < 0.03:
            word = f"\"{word}"
        if rng.random() < 0.02:
            word = f"{word}'s"
        r = rng.random()
        word += "." if r < 0.08 else "," if r < 0.14 else "" if r < 0.99 else " --"
        line += len(word) + 1
        sep = " "
        if line > 70:
            sep, line = "\n", 0
        if rng.random() < 0.01:
            sep, line = "\n\n", 0
        out.append(word + sep)
    return "".join(out).strip()


@dataclass
class Corpus:
    titles: list[str]
    texts: list[str]
    index: CopyIndex

    def passage(self, rng: random.Random, n_words: int) -> tuple[int, int, str]:
        """(work, word offset, original text) of ``n_words`` consecutive words of a random work."""
        w = rng.randrange(len(self.texts))
        tok = tokenise(self.texts[w])
        first = rng.randrange(len(tok) - n_words)
        return w, first, self.texts[w][tok.starts[first]:tok.ends[first + n_words - 1]]


def build_corpus(tmp: Path, seed: int = 7, *, works: int = 4, words: int = 4000, mode: str = "exact",
                 filter_bits: int | None = None) -> Corpus:
    rng = random.Random(seed)
    vocab = vocabulary(rng, 3000)
    titles = [f"Work {i}" for i in range(works)]
    texts = [prose(rng, vocab, words) for _ in range(works)]
    builder = IndexBuilder("synthetic", mode=mode, filter_bits=filter_bits)
    for i, (title, text) in enumerate(zip(titles, texts, strict=True)):
        builder.add(text, title=title, author="A. Writer", gutenberg_id=1000 + i)
    builder.write(tmp / "copyindex")
    return Corpus(titles, texts, CopyIndex.load(tmp / "copyindex"))
