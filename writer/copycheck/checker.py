"""The API the app and the CLI use: ``Checker(indexes).check(text) -> list[Flag]``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from writer.copycheck.hashing import window_hashes
from writer.copycheck.index import CopyIndex
from writer.copycheck.matching import chain_hits, maximal
from writer.copycheck.normalise import tokenise
from writer.errors import WriterError

ECHO_WORDS = 8
COPY_WORDS = 20
MAX_SOURCES = 10
CHUNK_WINDOWS = 50_000  # progress granularity for huge texts
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Source:
    """Where a flagged passage occurs: the work, and how far into it."""

    corpus: str
    title: str
    author: str
    gutenberg_id: int | None
    word: int  # word offset of the passage's first word in the work
    percent: float  # how far through the work, 0–100

    def to_dict(self) -> dict[str, Any]:
        return {"corpus": self.corpus, "title": self.title, "author": self.author,
                "gutenberg_id": self.gutenberg_id, "position": {"word": self.word, "percent": self.percent}}

    def describe(self) -> str:
        by = f" by {self.author}" if self.author else ""
        pg = f" (PG #{self.gutenberg_id})" if self.gutenberg_id else ""
        return f"{self.title}{by}{pg}, word {self.word:,} ({self.percent:.1f}% in)"


@dataclass(frozen=True)
class Flag:
    """A span of the checked text found verbatim in a corpus.

    ``start``/``end`` are offsets into the original text, from the first matched word's
    first character to the last matched word's last character.
    """

    start: int
    end: int
    words: int
    text: str
    level: str  # "echo" or "copy"
    sources: tuple[Source, ...] = field(default=())

    @property
    def source(self) -> Source:
        return self.sources[0]

    def shifted(self, offset: int) -> Flag:
        return Flag(self.start + offset, self.end + offset, self.words, self.text, self.level, self.sources)

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "words": self.words, "text": self.text,
                "level": self.level, "source": self.source.to_dict(),
                "sources": [s.to_dict() for s in self.sources]}


class Checker:
    """Checks text against one or more copy indexes, caching results per paragraph.

    A flag is a "copy" when it is at least ``copy_words`` long, else an "echo". Spans found
    only in a winnowed index count ``(w + 1) // 2`` words more than their reported extent:
    what winnowing is expected to cut off them in all (each end can lose up to ``w - 1``).
    """

    def __init__(self, indexes: Sequence[CopyIndex], *, echo_words: int = ECHO_WORDS,
                 copy_words: int = COPY_WORDS, cache_size: int = 4096) -> None:
        self.indexes = list(indexes)
        k = max((ix.k for ix in self.indexes), default=ECHO_WORDS)
        if echo_words < k:
            raise WriterError(f"the shortest flag is {k} words (the index's window); "
                              f"--min-words {echo_words} is too small")
        self.echo_words, self.copy_words = echo_words, copy_words
        self._cache: OrderedDict[str, list[Flag]] = OrderedDict()
        self._cache_size = cache_size

    def check(self, text: str, progress: Progress | None = None) -> list[Flag]:
        """Every maximal span of ``text`` (at least ``echo_words`` long) found in any index."""
        tokens = tokenise(text)
        found: dict[tuple[int, int], list[Source]] = {}
        slack: dict[tuple[int, int], int] = {}  # words the reported extent is expected to miss
        total = len(tokens) * len(self.indexes)
        done = 0
        for index in self.indexes:
            # A winnowed index sees a span from its first to its last kept window; kept windows
            # lie (w + 1) / 2 apart on average, so about that many words go unseen in all.
            # Measured on the general corpus, 150 passages a length: 24-word copies called "copy"
            # 79 -> 138 times, 20-word 18 -> 82; 16-word quotes now 19 times, 13-word once.
            missed = (index.winnow + 1) // 2 if index.winnow else 0
            windows = window_hashes(tokens.hashes, index.k)
            chains: list[np.ndarray] = []
            for lo in range(0, max(1, len(windows)), CHUNK_WINDOWS):
                chunk = windows[lo:lo + CHUNK_WINDOWS + index.k]  # overlap: chains cross chunk edges
                qidx, pos = index.lookup(chunk)
                keep = qidx < CHUNK_WINDOWS
                qidx, pos = qidx[keep] + lo, pos[keep]
                chains.append(np.stack((qidx, pos), axis=1))
                if progress is not None:
                    done += min(CHUNK_WINDOWS, len(windows) - lo)
                    progress(min(done, total), total)
            hits = np.concatenate(chains) if chains else np.zeros((0, 2), np.int64)
            for first, end, cpos in chain_hits(hits[:, 0], hits[:, 1], index.k, index.work_starts).tolist():
                if end - first >= self.echo_words:
                    work, offset = index.locate(cpos)
                    percent = round(100.0 * offset / max(1, work.words), 1)
                    found.setdefault((first, end), []).append(
                        Source(index.name, work.title, work.author, work.gutenberg_id, offset, percent))
                    slack[(first, end)] = min(missed, slack.get((first, end), missed))
        if progress is not None:
            progress(total, total)
        flags = []
        starts, ends = tokens.starts, tokens.ends
        for first, end in sorted(maximal(list(found))):
            s, e = int(starts[first]), int(ends[end - 1])
            n = end - first
            level = "copy" if n + slack[(first, end)] >= self.copy_words else "echo"
            sources = sorted(found[(first, end)], key=lambda src: (src.corpus, src.title, src.word))
            flags.append(Flag(s, e, n, text[s:e], level, tuple(sources[:MAX_SOURCES])))
        return flags

    def check_paragraphs(self, paragraphs: Sequence[str]) -> list[list[Flag]]:
        """Flags per paragraph (offsets within it); unchanged paragraphs come from the cache.

        Spans crossing a paragraph break are not looked for: typing in one paragraph then
        costs one paragraph's check, not the document's.
        """
        out = []
        for para in paragraphs:
            flags = self._cache.get(para)
            if flags is None:
                flags = self.check(para)
                self._cache[para] = flags
                if len(self._cache) > self._cache_size:
                    self._cache.popitem(last=False)
            else:
                self._cache.move_to_end(para)
            out.append(flags)
        return out

    def check_document(self, text: str) -> list[Flag]:
        """:meth:`check_paragraphs` over the lines of ``text``, offsets into ``text``."""
        paragraphs = text.split("\n")
        flags: list[Flag] = []
        offset = 0
        for para, para_flags in zip(paragraphs, self.check_paragraphs(paragraphs), strict=True):
            flags.extend(f.shifted(offset) for f in para_flags)
            offset += len(para) + 1
        return flags
