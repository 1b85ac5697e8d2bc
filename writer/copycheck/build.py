"""Building a copy index from works' text (the factory's cleaned books, or any text files)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

from writer.copycheck import fusefilter
from writer.copycheck.hashing import window_hashes, winnow
from writer.copycheck.index import CHECK_MASK, Work, guarantee_text, works_table, write_index
from writer.copycheck.normalise import tokenise
from writer.errors import WriterError
from writer.textfiles import read_text

DEFAULT_K = 8  # the shortest flag (an echo); shorter spans are common phrases, not copies
DEFAULT_WINNOW = 8  # w <= k keeps sampled windows of one match touching, so spans stay verified
MODES = ("exact", "winnow", "sketch")
FILTER_BITS = (0, 8, 12, 16)  # 0: no window filter (an exact index needs none)
DEFAULT_FILTER_BITS = {"exact": 0, "winnow": 12, "sketch": 16}
PROBES = 64


class IndexBuilder:
    """Add works one at a time (only their hashes are kept), then :meth:`write`."""

    def __init__(self, name: str, *, mode: str = "exact", k: int = DEFAULT_K, winnow: int = DEFAULT_WINNOW,
                 filter_bits: int | None = None) -> None:
        """``filter_bits`` (8, 12 or 16; default 12 when winnowed) adds, to a winnowed index, a fuse
        filter over every window: every span of ``k + 1`` words is then found at its full length
        (1.13 × bits / 8 bytes a word; a false flag needs two false positives in a row, 2**-24 a
        word at 12 bits, 2**-16 at 8). 0 writes the older filterless index.

        ``mode="sketch"`` keeps only a filter of the windows winnowing keeps (16 bits each, about
        0.5 bytes a word): for a corpus too large to locate within the size budget, every span of
        ``w + k - 1`` words is still found, but no book or place is kept."""
        if mode not in MODES:
            raise WriterError(f"unknown index mode '{mode}'; use one of {', '.join(MODES)}")
        if filter_bits is None:
            filter_bits = DEFAULT_FILTER_BITS[mode]
        if mode == "sketch" and not filter_bits:
            raise WriterError("a sketch index is its filter: filter_bits must be 8, 12 or 16")
        if k < 2 or not 1 <= winnow <= k:
            raise WriterError(f"index window k={k} and winnow w={winnow} need k >= 2 and 1 <= w <= k")
        if filter_bits not in FILTER_BITS:
            raise WriterError(f"filter_bits must be one of {', '.join(map(str, FILTER_BITS))}, not {filter_bits}")
        self.name, self.mode, self.k, self.w = name, mode, k, winnow
        self.filter_bits = filter_bits if mode != "exact" else 0
        self._all: list[np.ndarray] = []
        self.works: list[Work] = []
        self._hashes: list[np.ndarray] = []
        self._positions: list[np.ndarray] = []
        self._words = 0
        self._t0 = time.perf_counter()

    def add(self, text: str, *, title: str, author: str = "", gutenberg_id: int | None = None) -> int:
        """Index one work's text; returns its word count."""
        hashes = tokenise(text).hashes
        windows = window_hashes(hashes, self.k)
        picked = winnow(windows, self.w) if self.mode != "exact" else np.arange(len(windows))
        if self.mode == "sketch":
            self._all.append(windows[picked])
        else:
            if self.filter_bits:
                self._all.append(windows)
            self._hashes.append(windows[picked])
            self._positions.append(picked.astype(np.int64) + self._words)
        self.works.append(Work(title, author, gutenberg_id, self._words, len(hashes)))
        self._words += len(hashes)
        return len(hashes)

    def write(self, out_dir: Path) -> dict[str, Any]:
        """Write ``out_dir`` (a ``copyindex/`` folder) and return a summary."""
        if not self.works:
            raise WriterError("nothing to index: no works were given")
        pbits = max(1, self._words.bit_length())
        if pbits > 40:
            raise WriterError(f"corpus too large to index ({self._words} words)")
        hashes = np.concatenate(self._hashes) if self._hashes else np.zeros(0, np.uint64)
        positions = (np.concatenate(self._positions) if self._positions else np.zeros(0, np.int64)).astype(np.uint64)
        shift = np.uint64(pbits)
        entries = ((hashes >> shift) << shift) | positions
        order = np.argsort(entries, kind="stable")
        entries = entries[order]
        # a winnowed index without a filter spends 2 bytes/entry on 16 more hash bits: its
        # fingerprints are only 40 bits (24 go to the position), too few for 8-word flags on
        # their own; with a filter, a hit counts only where the filter agrees (false 1/256)
        window_filter, probes = None, []
        if self.filter_bits:
            every = np.concatenate(self._all) if self._all else np.zeros(0, np.uint64)
            window_filter = fusefilter.build(every, self.filter_bits)
            probes = [int(x) for x in every[np.linspace(0, len(every) - 1, min(PROBES, len(every))).astype(int)]]
            self._all = []
        checks = None
        if self.mode == "winnow" and not self.filter_bits:
            checks = (hashes[order] & np.uint64(CHECK_MASK)).astype(np.uint16)
        check_bits = 16 if checks is not None else 0
        filter_false = 2.0 ** -self.filter_bits if self.filter_bits else 1.0
        seconds = time.perf_counter() - self._t0
        nbytes = (entries.nbytes + (checks.nbytes if checks is not None else 0)
                  + (window_filter[1].nbytes if window_filter is not None else 0))
        meta = {
            "name": self.name, "mode": self.mode, "k": self.k,
            "winnow": self.w if self.mode != "exact" else None,
            "position_bits": pbits, "fingerprint_bits": 64 - pbits,
            "words": self._words, "entries": len(entries),
            "check_bits": check_bits,
            "bytes_per_word": round(nbytes / max(1, self._words), 3),
            "false_hits_per_window": len(entries) / 2.0 ** (64 - pbits + check_bits) * filter_false,
            **({"filter_false_per_window": filter_false,
                "false_spans_per_position": filter_false * 2 / (self.w + 1) if self.mode == "sketch"
                else filter_false ** 2} if self.filter_bits else {}),
            "guarantees": guarantee_text(self.mode, self.k, self.w if self.mode != "exact" else None,
                                         self.filter_bits),
            "normalisation": "v1: words = letter/digit runs, casefold + NFKD, marks stripped; splitmix64 hashes",
            "build_seconds": round(seconds, 2),
            "works": works_table(self.works),
        }
        write_index(out_dir, meta, entries, checks, window_filter, probes)
        return {"bytes": int(nbytes), "works": len(self.works), "words": self._words,
                "entries": len(entries), "mode": self.mode, "filter_bits": self.filter_bits,
                "seconds": round(seconds, 2)}


def index_files(files: list[Path], name: str, out_dir: Path, *, mode: str = "exact",
                winnow_w: int = DEFAULT_WINNOW, filter_bits: int | None = None) -> dict[str, Any]:
    """Index plain-text files (title = file name without extension) into ``out_dir``."""
    builder = IndexBuilder(name, mode=mode, winnow=winnow_w, filter_bits=filter_bits)
    for file in files:
        builder.add(read_text(file), title=Path(file).stem)
    return builder.write(out_dir)
