"""A copy index on disk: sorted 64-bit entries of (window fingerprint | corpus position).

Structure, and why (numbers from ``benchmarks/copycheck.py`` on the 2-core build machine):

* Every run of ``k`` = 8 normalised words of a work is hashed to 64 bits. Its entry keeps
  the top ``64 - p`` bits of that hash with the window's corpus word position in the low
  ``p`` bits (``p`` = bits needed for the corpus's word count: 17 for PKD, 20 for JA, 24
  for the general corpus). Sorting the entries sorts by fingerprint, so a binary search of
  a memory-mapped array finds every occurrence of a window and the position comes for free:
  **8 bytes per indexed window**, no vocabulary, no text (a 64-bit hash of 8 words cannot
  be read back without already having the words).
* A suffix array over word ids (infini-gram) answers any length but needs the word-id
  stream (the text, in effect) plus 4–5 bytes of suffix array per token; we only ever ask
  "does this 8-word window occur, and where", which the hash table answers in 8 bytes.
* Exact mode indexes every window: PKD 98,670 words → 0.79 MB (8.0 bytes/word), JA
  752,811 words → 6.0 MB (8.0). The general corpus (8.6M words) would take 69 MB exact,
  over the 30 MB budget for all three, so it is *winnowed* with ``w`` = 8 (22 % of windows
  kept) plus a 2-byte check per entry: 19.1 MB (2.2 bytes/word); 26 MB for all three.
  Building it, cleaning included, takes 16–31 s (target 90 s).
* On first use a 2 MB bitmap of the entries' top 24 bits rules out most windows of a draft
  before any binary search: a 10,000-word draft checks against all three in ≈ 12 ms
  (target 50), a changed 200-word paragraph in ≈ 1.2 ms (target 5); tokenising is most of it.
* Matching chains hits on the same diagonal (query window ``i`` ↔ corpus ``i + d``) whose
  windows overlap or touch, within one work, so a reported span is verified word-for-word
  contiguous in one place, never stitched from two.

* A winnowed index alone misses most short echoes (35% of 9-word and 82% of 12-word passages
  planted from the general corpus were found) and reports copies short (a 15-word passage
  as 10 words on average). So it also keeps a **binary fuse filter over every window**
  (:mod:`writer.copycheck.fusefilter`, 12 bits a window, 1.69 bytes a word: 14.3 MB for the
  general corpus, in place of the 3.8 MB of check bits it makes unneeded; 29.3 MB in all): a
  run of windows the filter holds is a span at its full length, so every span of ``k + 1`` = 9
  words is found (``benchmarks/copyrecall.py``: 100% at 9–20 words, at full extent 98–100%).
  A false flag needs two false positives in a row (2**-24 a word; 8 bits would save 4.8 MB but
  gave 18 false 9-word flags in a million words of shuffled prose). Kept windows inside the
  run name the work; a run with none is reported as from "the training books of NAME".
* General + library (≈ 46M words) would take 160 MB that way, so ``mode="sketch"`` keeps only a
  16-bit filter of the windows winnowing keeps (0.5 bytes a word, ≈ 23 MB): the text's own kept
  windows are looked up, every 15-word span is found (short by up to w - 1 words at each end,
  as before), but no book is named (4.2 MB for the general corpus; see the benchmark).

False positives: a window matches a wrong entry only if its ``64 - p`` fingerprint bits
(plus 16 check bits when winnowed) collide, so the expected number of false hits per checked
window is at most ``entries / 2**(64 - p + check_bits)`` (stored as
``false_hits_per_window``: 7e-10 PKD, 4e-8 JA, 3e-11 general; under 5e-4 false flags per
10,000-word draft against all three). A longer span needs several consistent collisions.
Collisions can only add flags, never lose them.
"""

from __future__ import annotations

import json
import shutil
from bisect import bisect_right
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from writer.copycheck.fusefilter import FuseParams, contains, storage
from writer.errors import WriterError

FORMAT = "writer-copyindex"
VERSION = 2  # 2 adds the window filter; an index without one is still written and read as version 1
READS = (1, 2)
META_FILE = "index.json"
ENTRIES_FILE = "entries.npy"
CHECKS_FILE = "checks.npy"
FILTER_FILE = "filter.npy"
CHECK_MASK = 0xFFFF
FILTER_BITS = 24


@dataclass(frozen=True)
class Work:
    """One work of an indexed corpus: where its words start in the concatenated corpus."""

    title: str
    author: str
    gutenberg_id: int | None
    start: int
    words: int


def guarantee_text(mode: str, k: int, winnow: int | None, filter_bits: int = 0) -> str:
    if mode == "exact":
        return (f"exact: every span of at least {k} words that occurs verbatim (after normalisation) "
                f"in an indexed work is found, with its exact extent and every occurrence")
    assert winnow is not None
    if mode == "sketch":
        return (f"sketched (k={k}, w={winnow}, {filter_bits}-bit fuse filter over the kept windows only, for a "
                f"corpus too large to locate within the size budget): every verbatim span of at least "
                f"{winnow + k - 1} words is found, shorter spans of {k}+ words when they hold a kept window; a "
                f"reported extent may be short by up to {winnow - 1} words at each end; flags say 'the training "
                f"books' (no book or place is kept); a false {k}-word flag comes about once in "
                f"{_count(2 ** filter_bits * (winnow + 1) // 2)} words")
    if filter_bits:
        return (f"filtered and winnowed (k={k}, w={winnow}, {filter_bits}-bit fuse filter over every {k}-word "
                f"window): every verbatim span of at least {k + 1} words is found at its full length (a word "
                f"too long where the filter errs beside it, 1 flag in {2 ** (filter_bits - 1):,}); a false "
                f"{k + 1}-word flag comes about once in {_count(2 ** (2 * filter_bits))} words; "
                f"the work is named for spans of {winnow + k - 1}+ words "
                f"and for shorter ones holding a kept window, else the flag says 'the training books'; "
                f"{k}-word spans are found when they hold a kept window "
                f"(about {200 / (winnow + 1):.0f}%)")
    return (f"winnowed (w={winnow}, k={k}): every verbatim span of at least {winnow + k - 1} words is "
            f"found; shorter spans of {k}+ words are found when they contain a kept window "
            f"(about {200 / (winnow + 1):.0f}% of windows); a reported extent may be short by up to "
            f"{winnow - 1} words at each end")


def _count(n: int) -> str:
    return f"{n / 1e6:.0f} million" if n >= 10**7 else f"{n:,}"


class CopyIndex:
    """A loaded index: the entries are memory-mapped, so opening one costs milliseconds."""

    def __init__(self, path: Path, meta: dict[str, Any], entries: np.ndarray,
                 checks: np.ndarray | None = None,
                 window_filter: tuple[FuseParams, np.ndarray] | None = None) -> None:
        self.path = path
        self.meta = meta
        self.entries = entries
        self.checks = checks
        self.name: str = meta["name"]
        self.k: int = int(meta["k"])
        self.mode: str = meta["mode"]
        self.winnow: int | None = meta.get("winnow")
        self.position_bits: int = int(meta["position_bits"])
        self.works = [Work(**w) for w in meta["works"]]
        self._starts = [w.start for w in self.works]
        self.work_starts = np.array(self._starts, np.int64)
        self._mask = np.uint64((1 << self.position_bits) - 1)
        self._shift = np.uint64(self.position_bits)
        self._filter: np.ndarray | None = None
        #: every k-word window of the corpus, as a fuse filter (None: an index built before it, or exact)
        self.window_filter = window_filter

    @classmethod
    def load(cls, path: str | Path) -> CopyIndex:
        """Open the ``copyindex/`` folder at ``path``; a missing or damaged file is a WriterError."""
        path = Path(path)
        meta_file = path / META_FILE
        if not meta_file.is_file():
            raise WriterError(f"no copy index: {meta_file} is missing (build it with 'writer corpus index' "
                              f"or 'python -m models index NAME')")
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            params, probes = _checked_meta(meta)
        except (ValueError, TypeError, UnicodeDecodeError) as exc:
            raise WriterError(f"corrupt copy index {meta_file}: {exc}; rebuild it") from None
        entries = _load_array(path / ENTRIES_FILE, np.uint64, meta["entries"])
        checks = _load_array(path / CHECKS_FILE, np.uint16, meta["entries"]) if meta.get("check_bits") else None
        window_filter = None
        if params is not None:
            table = _load_array(path / FILTER_FILE, *storage(params))
            if not contains(table, params, np.array(probes, np.uint64)).all():
                raise WriterError(f"corrupt copy index {path / FILTER_FILE}: it has lost windows it was built "
                                  "with (garbled); rebuild it")
            window_filter = (params, table)
        return cls(path, meta, entries, checks, window_filter)

    def _prefix_filter(self) -> np.ndarray:
        """A 2 MB bitmap of the entries' top 24 bits, built on first use (tens of ms).

        Most windows of a draft are in no corpus; one bitmap probe rules out all but the
        bitmap's fill rate (0.6 % for PKD, 4.5 % for JA, 11 % for the general corpus) before
        any binary search touches the entries.
        """
        if self._filter is None:
            seen = np.zeros(1 << FILTER_BITS, bool)
            seen[np.asarray(self.entries) >> np.uint64(64 - FILTER_BITS)] = True
            self._filter = np.packbits(seen, bitorder="little")
        return self._filter

    def lookup(self, windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every (query window index, corpus word position) pair whose fingerprints agree."""
        none = np.zeros(0, np.int64), np.zeros(0, np.int64)
        if not len(windows) or not len(self.entries):
            return none
        top = windows >> np.uint64(64 - FILTER_BITS)
        maybe = (self._prefix_filter()[top >> np.uint64(3)] >> (top & np.uint64(7)).astype(np.uint8)) & 1
        cand = np.flatnonzero(maybe)
        if not len(cand):
            return none
        lo_key = (windows[cand] >> self._shift) << self._shift
        lo = np.searchsorted(self.entries, lo_key, side="left")
        found = lo < len(self.entries)
        found[found] = (np.asarray(self.entries[lo[found]]) >> self._shift) == (lo_key[found] >> self._shift)
        cand, lo, lo_key = cand[found], lo[found], lo_key[found]
        if not len(cand):
            return none
        hi = np.searchsorted(self.entries, lo_key | self._mask, side="right")
        counts = hi - lo
        qidx = np.repeat(cand, counts)
        first = np.repeat(lo - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        rows = first + np.arange(len(qidx))
        pos = (np.asarray(self.entries[rows]) & self._mask).astype(np.int64)
        if self.checks is not None:
            ok = np.asarray(self.checks[rows]) == (windows[qidx] & np.uint64(CHECK_MASK)).astype(np.uint16)
            qidx, pos = qidx[ok], pos[ok]
        return qidx.astype(np.int64), pos

    def in_filter(self, windows: np.ndarray) -> np.ndarray | None:
        """Per window: may it occur in the corpus? None when the index has no filter."""
        if self.window_filter is None:
            return None
        params, table = self.window_filter
        return contains(table, params, windows)

    def locate(self, position: int) -> tuple[Work, int]:
        """The work holding corpus word ``position`` and the word offset within it."""
        work = self.works[max(0, bisect_right(self._starts, position) - 1)]
        return work, position - work.start

    @property
    def guarantee(self) -> str:
        return str(self.meta.get("guarantees", guarantee_text(self.mode, self.k, self.winnow)))

    @property
    def shortest_sure(self) -> int:
        """The shortest span this index always finds (at its full length with a filter)."""
        if self.mode == "sketch":
            return self.k + int(self.winnow or 1) - 1
        if self.window_filter is not None:
            return self.k + 1
        return self.k if self.mode == "exact" else self.k + int(self.winnow or 1) - 1



def _checked_meta(meta: object) -> tuple[FuseParams | None, list[int]]:
    """The filter's parameters and probe keys of a ``meta.json`` whose every field has its right
    shape; a ValueError or TypeError says which is wrong."""
    if not isinstance(meta, dict):
        raise ValueError("not a JSON object")
    if meta.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    if meta.get("version") not in READS:
        raise ValueError(f"format version {meta.get('version')}, this Writer reads {' and '.join(map(str, READS))}")
    for key in ("name", "k", "mode", "position_bits", "words", "entries", "works"):
        if key not in meta:
            raise ValueError(f"missing key '{key}'")
    for key in ("k", "position_bits", "words", "entries", *(("winnow",) if meta.get("winnow") else ())):
        if type(meta[key]) is not int or meta[key] < 0:
            raise ValueError(f"'{key}' must be a whole number, not {meta[key]!r}")
    if not isinstance(meta["name"], str) or meta["mode"] not in ("exact", "winnow", "sketch"):
        raise ValueError("'name' must be text and 'mode' exact, winnow or sketch")
    if sum(Work(**w).words for w in meta["works"]) != meta["words"]:
        raise ValueError("works table does not add up to the word count")
    params = FuseParams.from_dict(meta["filter"]) if meta.get("filter") is not None else None
    if meta["mode"] == "sketch" and (params is None or not meta.get("winnow")):
        raise ValueError("a sketch index needs its 'filter' and 'winnow'")
    probes = meta["filter"].get("probes", []) if params is not None else []
    if not isinstance(probes, list) or not all(type(x) is int and 0 <= x < 1 << 64 for x in probes):
        raise ValueError("filter 'probes' must be a list of 64-bit whole numbers")
    return params, probes

def _load_array(file: Path, dtype: type, count: int) -> np.ndarray:
    try:
        array = np.load(file, mmap_mode="r", allow_pickle=False)
    except FileNotFoundError:
        raise WriterError(f"corrupt copy index: {file} is missing; rebuild it") from None
    except (ValueError, OSError, EOFError) as exc:
        raise WriterError(f"corrupt copy index {file}: {exc}; rebuild it") from None
    if array.dtype != dtype or array.ndim != 1 or len(array) != count:
        raise WriterError(f"corrupt copy index {file}: expected {count} {np.dtype(dtype).name} values, "
                          f"found {array.shape} {array.dtype}; rebuild it")
    return array


def write_index(out_dir: Path, meta: dict[str, Any], entries: np.ndarray, checks: np.ndarray | None = None,
                window_filter: tuple[FuseParams, np.ndarray] | None = None, probes: list[int] | None = None) -> None:
    """Write atomically: a half-written index never replaces a good one.

    ``probes`` are some windows the filter holds: loading checks they are still found, so a
    garbled filter (which would silently miss copies) is an error instead.
    """
    tmp = out_dir.with_name(out_dir.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    np.save(tmp / ENTRIES_FILE, entries, allow_pickle=False)
    if checks is not None:
        np.save(tmp / CHECKS_FILE, checks, allow_pickle=False)
    if window_filter is not None:
        np.save(tmp / FILTER_FILE, window_filter[1], allow_pickle=False)
        meta = {**meta, "filter": {**window_filter[0].to_dict(), "probes": probes or []}}
    meta = {**meta, "format": FORMAT, "version": VERSION if window_filter is not None else 1,
            "bytes": sum(p.stat().st_size for p in tmp.iterdir())}
    (tmp / META_FILE).write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)


def works_table(works: list[Work]) -> list[dict[str, Any]]:
    return [asdict(w) for w in works]
