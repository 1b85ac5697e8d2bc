"""Made-up books indexed as a model pack's copy index, for the copy-check service and UI tests."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from writer import paths
from writer.copycheck import IndexBuilder
from writer.copycheck.normalise import tokenise

PACK = "testbooks"
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
#: The writer's own words: English, so no 8 of them in a row occur in the made-up books.
OWN = ("I wrote this sentence myself on a rainy Tuesday morning while the kettle was boiling "
       "and the cat watched the garden.")


@dataclass
class Book:
    title: str
    author: str
    text: str

    def passage(self, n_words: int, at: float = 0.5) -> str:
        """``n_words`` consecutive words from ``at`` of the way through, on one line."""
        tok = tokenise(self.text)
        first = int((len(tok) - n_words) * at)
        return " ".join(self.text[tok.starts[first]:tok.ends[first + n_words - 1]].split())


def make_books(seed: int = 5, words: int = 3000) -> list[Book]:
    """Two books of made-up words, hard-wrapped like Project Gutenberg texts."""
    rng = random.Random(seed)
    vocab = sorted({"".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(4000)})
    books = []
    for title, author in (("The Variable Man", "Philip K. Dick"), ("Second Variety", "Philip K. Dick")):
        picked = rng.choices(vocab, k=words)
        lines = [" ".join(picked[i:i + 12]) for i in range(0, words, 12)]
        books.append(Book(title, author, "\n".join(lines)))
    return books


def make_pack(name: str) -> Path:
    """A usable model pack ``name`` in WRITER_HOME, its files linked to the shipped PKD pack's."""
    folder = paths.user_models_dir() / name
    folder.mkdir(parents=True, exist_ok=True)
    shipped = paths.resources_dir() / "models" / "pkd"
    for file in ("model.onnx", "config.json", "tokenizer.json"):
        if (shipped / file).is_file() and not (folder / file).exists():
            (folder / file).symlink_to(shipped / file)
    return folder


def install_index(books: list[Book], name: str = PACK) -> Path:
    """Index ``books`` as model pack ``name``'s copy index, where the app looks for it.

    The pack borrows the shipped PKD model's files (linked), so it is a usable pack the
    suggestions panel can select, as a real one would be.
    """
    folder = make_pack(name)
    builder = IndexBuilder(name)
    for book in books:
        builder.add(book.text, title=book.title, author=book.author)
    out = folder / "copyindex"
    builder.write(out)
    return out
