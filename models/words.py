"""The words English prose uses → ``words.txt.xz``, so the decoder can tell a word from an invented one.

A small model misspells at the cursor ("nunn" + "els", "corri" + "tates"). The generator
(``writer/generation/words.py``) checks the word a suggestion completes against a list of
known words. The list is derived data: letter runs seen at least ``min_count`` times in the
corpora, lower-cased (capitalised when the texts write them so: names), sorted, one a line,
xz-compressed; never corpus text.

The shipped packs share one list, ``resources/models/words.txt.xz``, built from the
``general`` and ``library`` sets and the packs' own books. A pack built by the factory or by
``writer models add --corpus`` gets its own ``words.txt.xz`` with its books' words that the
shared list lacks (none when there are none).

Run: ``python -m models.words`` (``--corpus-dir``, ``--sets``, ``--min-count``, ``--out``).
"""

from __future__ import annotations

import argparse
import lzma
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from models import corpus as corpus_mod
from writer.errors import WriterError
from writer.generation.words import WORDS_FILE, load_words, shared_words_path

_LETTERS = re.compile(r"[^\W\d_]+")
MIN_COUNT = 5
SHARED_SETS = ("general", "library", "pkd", "ja")


def count(texts: Iterable[str]) -> Counter[str]:
    """Letter runs of ``texts``, as written (the unit :mod:`writer.generation.words` checks)."""
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(m.group() for m in _LETTERS.finditer(text))
    return counts


def write(words: Iterable[str], path: Path) -> Path:
    path.write_bytes(lzma.compress(("\n".join(sorted(set(words))) + "\n").encode("utf-8"), preset=9))
    return path


def frequent(counts: Counter[str], min_count: int = MIN_COUNT) -> set[str]:
    """The words seen ``min_count`` times in any case: lower-cased, or capitalised ("Corrigan")
    when the texts hardly ever write them in lower case, so a lower-case word at the cursor is
    not completed into a name."""
    total: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for form, c in counts.items():
        key = form.lower()
        total[key] += c
        if form.islower():
            lower[key] += c
    return {w if lower[w] >= max(2, c // 20) else w.capitalize() for w, c in total.items()
            if c >= min_count and len(w) < 40 and w.isalpha()}


def _texts(corpus_dir: Path, works: list[corpus_mod.Work]) -> Iterable[str]:
    for work in works:
        yield "\n".join(corpus_mod.clean(corpus_mod.read_work(corpus_dir, work)))


def build_shared(corpus_dir: Path, out: Path, sets: Iterable[str] = SHARED_SETS,
                 min_count: int = MIN_COUNT) -> dict[str, int]:
    """The shipped packs' shared list from whole corpus sets."""
    works = corpus_mod.select_works(corpus_mod.load_manifest(corpus_dir), sets=list(sets))
    words = frequent(count(_texts(corpus_dir, works)), min_count)
    write(words, out)
    return {"words": len(words), "bytes": out.stat().st_size, "works": len(works)}


def for_pack(texts: Iterable[str], pack_dir: Path, min_count: int = MIN_COUNT) -> Path | None:
    """A pack's own ``words.txt.xz``: its books' frequent words the shared list lacks; None when none."""
    extra = frequent(count(texts), min_count) - load_words(shared_words_path())
    path = Path(pack_dir) / WORDS_FILE
    if not extra:
        path.unlink(missing_ok=True)
        return None
    return write(extra, path)


def for_recipe(recipe: dict, corpus_dir: Path, pack_dir: Path) -> dict[str, int]:
    """The factory's build hook: the recipe's training books' words."""
    c = recipe["corpus"]
    works = corpus_mod.select_works(corpus_mod.load_manifest(corpus_dir), sets=c["sets"], ids=c["ids"])
    path = for_pack(_texts(corpus_dir, works), pack_dir)
    return {"extra_words": 0 if path is None else len(load_words(path))}


def for_files(files: Iterable[Path], pack_dir: Path) -> Path | None:
    """``writer models add --corpus``: the given plain text files' words (seen twice: a user corpus is small)."""
    texts = []
    for path in files:
        try:
            texts.append(Path(path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise WriterError(f"cannot read corpus file {path}: {exc}") from None
    return for_pack(texts, pack_dir, min_count=2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m models.words", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, default=corpus_mod.default_corpus_dir())
    parser.add_argument("--sets", nargs="+", default=list(SHARED_SETS))
    parser.add_argument("--min-count", type=int, default=MIN_COUNT)
    parser.add_argument("--out", type=Path, default=shared_words_path())
    args = parser.parse_args(argv)
    try:
        print(build_shared(args.corpus_dir, args.out, args.sets, args.min_count))
    except WriterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
