"""The API the app and the CLI use: ``Checker(indexes).check(text) -> list[Flag]``."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from writer.copycheck.hashing import window_hashes, winnow
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
    #: False when the index knows the words are in its corpus but not where: a short span with
    #: no window kept by winnowing. The title then says so ("the training books of NAME").
    located: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {"corpus": self.corpus, "title": self.title, "author": self.author,
                "gutenberg_id": self.gutenberg_id, "located": self.located,
                "position": {"word": self.word, "percent": self.percent} if self.located else None}

    def describe(self) -> str:
        if not self.located:
            return f"{self.title} (which one is not recorded for a span this short)"
        by = f" by {self.author}" if self.author else ""
        pg = f" (PG #{self.gutenberg_id})" if self.gutenberg_id else ""
        return f"{self.title}{by}{pg}, word {self.word:,} ({self.percent:.1f}% in)"


def unlocated(corpus: str) -> Source:
    """The honest source of a span found by an index's filter but in none of its kept windows."""
    return Source(corpus, f"the training books of {corpus}", "", None, 0, 0.0, located=False)


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
            windows = window_hashes(tokens.hashes, index.k)
            if index.mode == "sketch":
                self._sketched_spans(index, windows, found, slack)
                done += len(windows)
                continue
            hits = self._lookup(index, windows, progress, done, total)
            done += len(windows)
            maybe = index.in_filter(windows)
            if maybe is None:
                self._sampled_spans(index, hits, found, slack)
            else:
                self._filtered_spans(index, hits, maybe, found, slack)
        if progress is not None:
            progress(total, total)
        flags = []
        starts, ends = tokens.starts, tokens.ends
        for first, end in sorted(maximal(list(found))):
            s, e = int(starts[first]), int(ends[end - 1])
            n = end - first
            level = "copy" if n + slack[(first, end)] >= self.copy_words else "echo"
            # a book named by any index comes before "the training books of NAME"
            sources = sorted(found[(first, end)], key=lambda src: (not src.located, src.corpus, src.title, src.word))
            flags.append(Flag(s, e, n, text[s:e], level, tuple(sources[:MAX_SOURCES])))
        return flags

    @staticmethod
    def _lookup(index: CopyIndex, windows: np.ndarray, progress: Progress | None, done: int,
                total: int) -> np.ndarray:
        """(query window, corpus position) rows of the index's kept windows found in ``windows``."""
        chains: list[np.ndarray] = []
        for lo in range(0, max(1, len(windows)), CHUNK_WINDOWS):
            chunk = windows[lo:lo + CHUNK_WINDOWS + index.k]  # overlap: chains cross chunk edges
            qidx, pos = index.lookup(chunk)
            keep = qidx < CHUNK_WINDOWS
            chains.append(np.stack((qidx[keep] + lo, pos[keep]), axis=1))
            if progress is not None:
                progress(min(done + min(lo + CHUNK_WINDOWS, len(windows)), total), total)
        return np.concatenate(chains) if chains else np.zeros((0, 2), np.int64)

    def _source(self, index: CopyIndex, cpos: int) -> Source:
        work, offset = index.locate(cpos)
        percent = round(100.0 * offset / max(1, work.words), 1)
        return Source(index.name, work.title, work.author, work.gutenberg_id, offset, percent)

    def _sampled_spans(self, index: CopyIndex, hits: np.ndarray, found: dict[tuple[int, int], list[Source]],
                       slack: dict[tuple[int, int], int]) -> None:
        """Spans from kept windows alone (an exact index, or a winnowed one built without a filter)."""
        # A winnowed index sees a span from its first to its last kept window; kept windows
        # lie (w + 1) / 2 apart on average, so about that many words go unseen in all.
        # Measured on the general corpus, 150 passages a length: 24-word copies called "copy"
        # 79 -> 138 times, 20-word 18 -> 82; 16-word quotes now 19 times, 13-word once.
        missed = (index.winnow + 1) // 2 if index.winnow else 0
        for first, end, cpos in chain_hits(hits[:, 0], hits[:, 1], index.k, index.work_starts).tolist():
            if end - first >= self.echo_words:
                found.setdefault((first, end), []).append(self._source(index, cpos))
                slack[(first, end)] = min(missed, slack.get((first, end), missed))

    def _filtered_spans(self, index: CopyIndex, hits: np.ndarray, maybe: np.ndarray,
                        found: dict[tuple[int, int], list[Source]], slack: dict[tuple[int, int], int]) -> None:
        """Spans from the filter: each run of consecutive windows it holds is one span, at full length.

        A run of two or more windows (``k + 1`` words) is a flag: a false one needs two
        consecutive false positives (one word in 16.8M at 12 bits). A single window is one
        only when a kept window confirms it, as before. Kept windows found inside the run (only
        where the filter agrees, which rules out the entries' own rare collisions) name the
        work, shifted back to the run's first word; a run with none is "from the training books".
        """
        hits = hits[maybe[hits[:, 0]]] if len(hits) else hits
        chains = chain_hits(hits[:, 0], hits[:, 1], index.k, index.work_starts)
        edges = np.diff(maybe.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
        run_starts, run_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        owner = np.searchsorted(run_starts, chains[:, 0], side="right") - 1  # chains lie inside runs
        by_run: dict[int, list[tuple[int, int]]] = {}
        for run, (cfirst, _end, cpos) in zip(owner.tolist(), chains.tolist(), strict=True):
            by_run.setdefault(run, []).append((cfirst, cpos))
        for run, (a, b) in enumerate(zip(run_starts.tolist(), run_ends.tolist(), strict=True)):
            first, end = a, b - 1 + index.k
            located = by_run.get(run, [])
            if end - first < self.echo_words or (b - a < 2 and not located):
                continue
            sources = []
            for cfirst, cpos in located:
                src = self._source(index, cpos)
                shift = min(cfirst - first, src.word)
                sources.append(self._source(index, cpos - shift))
            found.setdefault((first, end), []).extend(dict.fromkeys(sources) or [unlocated(index.name)])
            slack[(first, end)] = 0

    def _sketched_spans(self, index: CopyIndex, windows: np.ndarray, found: dict[tuple[int, int], list[Source]],
                        slack: dict[tuple[int, int], int]) -> None:
        """Spans from a sketch: the text's own kept windows that the corpus kept too.

        Winnowing picks the same windows inside any shared run of ``w + k - 1`` words, so only
        those are looked up (2/(w+1) of them: fewer chances of a false hit). Hits whose windows
        overlap or touch make one span; no place is known, so the source is the corpus itself.
        """
        if not len(windows):
            return
        picked = winnow(windows, int(index.winnow or 1))
        held = index.in_filter(windows[picked])
        assert held is not None  # loading refuses a sketch without its filter
        hits = picked[held]
        if not len(hits):
            return
        new = np.ones(len(hits), bool)
        new[1:] = np.diff(hits) > index.k
        starts = np.flatnonzero(new)
        ends = np.concatenate((starts[1:], [len(hits)])) - 1
        missed = (int(index.winnow or 1) + 1) // 2
        for first, last in zip(hits[starts].tolist(), hits[ends].tolist(), strict=True):
            span = (first, last + index.k)
            if span[1] - span[0] >= self.echo_words:
                found.setdefault(span, []).append(unlocated(index.name))
                slack[span] = min(missed, slack.get(span, missed))

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
