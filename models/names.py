"""The proper names a pack's training books use that general English does not → ``names.json``.

A style pack learns its books' characters (Hendricks, Elinor, Knightley…) and offers them in
drafts that never mention them. The generator down-weights the tokens that would start these
names (``writer/generation/names.py``), so each pack records them, with counts, at build time.

A word is taken as such a name when, in the training books, it is capitalised in mid-sentence
at least ``min_count`` times and almost never written in lower case, and general English (a
reference corpus: the ``general`` set, or ``library`` for a pack trained on ``general``) uses
it, capitalised or not, at under a fiftieth of the books' rate, or (Darcy, Mrs Clay) it is a
frequent mid-sentence name in the books, at 20 times general English's rate of it as one, and
neither a common word nor a title there. Each name also records the
shortest prefix (3 letters or more) that no common English word starts with, so the guard
never touches "Col…" of "cold" for "Cole".

Run: ``python -m models.names RECIPE`` (``--corpus-dir``; ``--out`` for the pack folder).
"""

from __future__ import annotations

import argparse
import bisect
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from models import corpus as corpus_mod
from writer.errors import WriterError
from writer.generation.names import NAMES_FILE  # the file the engine reads

MAX_NAMES = 400
NAME_RATIO = 20  # a name general English has too is listed when the books use it this many times as often
NAME_MIN = 20
COMMON_RATE = 100  # per million words: a word general English uses this often is never listed
_WORD = re.compile(r"[A-Za-z][a-z]+(?:['’][a-z]+)?")
_SENTENCE_START = set(".!?\"“‘'—:;([_-")
_NEXT_CAPITAL = re.compile(r"\.? [A-Z]")
_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Col|Capt|Lt|Gen|Sgt|Prof|Rev)\.$")


class Counts:
    """Capitalised-in-mid-sentence and lower-case word counts of some text."""

    def __init__(self) -> None:
        self.capital: Counter[str] = Counter()
        self.lower: Counter[str] = Counter()
        self.titles: Counter[str] = Counter()  # capitalised words followed by another (Colonel Brandon)
        self.words = 0

    def add(self, paragraph: str) -> None:
        for m in _WORD.finditer(paragraph):
            word = m.group().split("'")[0].split("’")[0]
            self.words += 1
            if word[0].islower():
                self.lower[word] += 1
                continue
            before = paragraph[: m.start()].rstrip()
            if before and (before[-1] not in _SENTENCE_START or _TITLE.search(before[-6:])):
                self.capital[word] += 1
                if _NEXT_CAPITAL.match(paragraph, m.end()):
                    self.titles[word] += 1

    def rate(self, word: str) -> float:
        """Uses of ``word`` (either case) per million words."""
        return (self.capital[word] + self.lower[word.lower()]) * 1e6 / max(1, self.words)


def count(paragraphs: Iterable[str]) -> Counts:
    counts = Counts()
    for para in paragraphs:
        counts.add(para)
    return counts


def _prefix(name: str, common: list[str]) -> int:
    """The shortest prefix of ``name`` (3+ letters) that no word in sorted ``common`` starts with,
    the name's own forms ("Henrietta's", "Bennets") aside."""
    whole = name.lower()
    for size in range(3, len(name)):
        head = whole[:size]
        start, end = bisect.bisect_left(common, head), bisect.bisect_left(common, head + "\uffff")
        if not any(not w.startswith(whole) for w in common[start:end]):
            return size
    return len(name)


def _far_more_a_name(word: str, n: int, books: Counts, reference: Counts) -> bool:
    """A name general English also has (Darcy; Clay, a word): the books use it as a mid-sentence
    name :data:`NAME_RATIO` times as often as general English does, at least :data:`NAME_MIN`
    times, it is no common word there, and it is no title (mostly followed by a name: Colonel)."""
    if n < NAME_MIN or books.titles[word] * 2 > n or reference.rate(word) > COMMON_RATE:
        return False
    book_rate = n / max(1, books.words)
    return book_rate >= NAME_RATIO * (reference.capital[word] + 1) / max(1, reference.words)


def extract(books: Counts, reference: Counts | None, *, min_count: int = 3) -> list[dict[str, Any]]:
    """The names, likeliest first, each with its count in the books and its distinguishing prefix."""
    found = []
    for word, n in books.capital.items():
        if n < min_count or len(word) < 3 or books.lower[word.lower()] * 50 > n:
            continue
        book_rate = n * 1e6 / max(1, books.words)
        if reference is not None and (reference.rate(word) * 50 > book_rate or reference.lower[word.lower()] >= 5) \
                and not _far_more_a_name(word, n, books, reference):
            continue  # general English uses it, or has it as a common word
        found.append((word, n))
    found.sort(key=lambda x: (-x[1], x[0]))
    common: list[str] = []
    if reference is not None:
        floor = max(2, reference.words // 2_000_000)
        common = sorted({w.lower() for w, c in (*reference.lower.items(), *reference.capital.items()) if c >= floor})
    return [{"name": w, "count": n, "prefix": _prefix(w, common)} for w, n in found[:MAX_NAMES]]


def write(names: list[dict[str, Any]], folder: Path, source: str) -> Path:
    path = Path(folder) / NAMES_FILE
    path.write_text(json.dumps({"format": 1, "source": source, "names": names}, ensure_ascii=False, indent=1) + "\n",
                    encoding="utf-8")
    return path


def _set_paragraphs(corpus_dir: Path, manifest: list[corpus_mod.Work], works: list[corpus_mod.Work]) -> Iterable[str]:
    for work in works:
        yield from corpus_mod.clean(corpus_mod.read_work(corpus_dir, work))


def for_recipe(recipe: dict[str, Any], corpus_dir: Path, pack_dir: Path) -> dict[str, Any]:
    """Build ``names.json`` in ``pack_dir`` from the recipe's training books (build hook)."""
    c = recipe["corpus"]
    manifest = corpus_mod.load_manifest(corpus_dir)
    works = corpus_mod.select_works(manifest, sets=c["sets"], ids=c["ids"])
    ref_set = "library" if "general" in c["sets"] else "general"
    ref_works = [w for w in manifest if w.set == ref_set and w not in works]
    books = count(_set_paragraphs(corpus_dir, manifest, works))
    reference = count(_set_paragraphs(corpus_dir, manifest, ref_works[:95]))
    names = extract(books, reference)
    write(names, pack_dir, f"{len(works)} training books against {min(95, len(ref_works))} '{ref_set}' books")
    return {"names": len(names), "top": [n["name"] for n in names[:8]]}


def for_files(files: Iterable[Path], pack_dir: Path) -> Path:
    """Build ``names.json`` from plain text files (``writer models add --corpus``): with no
    reference corpus at hand, the books' own capitalisation alone decides."""
    paragraphs: list[str] = []
    for path in files:
        try:
            paragraphs.extend(corpus_mod.paragraphs(Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise WriterError(f"cannot read corpus file {path}: {exc}") from None
    return write(extract(count(paragraphs), None), pack_dir, f"{len(paragraphs)} paragraphs of the pack's own text")


def main(argv: list[str] | None = None) -> int:
    from models.paths import SHIPPED_PACKS
    from models.recipe import load_recipe

    parser = argparse.ArgumentParser(prog="python -m models.names", description=__doc__.splitlines()[0])
    parser.add_argument("recipe")
    parser.add_argument("--corpus-dir", type=Path, default=corpus_mod.default_corpus_dir())
    parser.add_argument("--out", type=Path, help="pack folder (default: resources/models/<name>)")
    args = parser.parse_args(argv)
    try:
        recipe = load_recipe(args.recipe)
        out = args.out or SHIPPED_PACKS / recipe["name"]
        print(json.dumps(for_recipe(recipe, args.corpus_dir, out)))
    except WriterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
