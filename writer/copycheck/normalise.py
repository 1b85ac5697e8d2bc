"""One tokeniser and normaliser, shared by index building and checking.

A copy is the same *words* in the same order, so punctuation, quote style (straight or
curly), dashes (``-``, ``--``, ``—``), whitespace, line breaks, case and accents are ignored:
a word is a run of letters and digits (plus the combining marks that follow them), and its
normal form is casefolded, NFKD-decomposed and stripped of combining marks. Invisible format
characters (soft hyphens and joiners from web pages) count as marks, as Unicode's word
boundary rules ignore them; the zero-width space stays a break. Apostrophes
split words ("don't" → "don", "t"), which makes ``'`` and ``’`` equivalent for free.

Both sides only ever see 64-bit word hashes, computed vectorised from code points (a
per-character table plus a prefix polynomial hash), because a Python loop over words cost
25 ms per 10,000 words — half the whole check budget. :func:`normal_form` and
:func:`word_hash` are the slow, obviously-correct reference the tests hold the fast path to.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from writer.copycheck.hashing import MASK64, splitmix64, splitmix64_int

_R = 0x9E3779B97F4A7C15  # odd, so invertible modulo 2**64
_R_INV = pow(_R, -1, 1 << 64)
_CHAR_SEED = 0x5851F42D4C957F2D
_BMP = 0x10000
# character classes
_OTHER, _ALNUM, _MARK = 0, 1, 2


def normal_form(word: str) -> str:
    """The normal form of one word (reference implementation)."""
    # fold, decompose, fold again: compatibility forms such as 𝔘 decompose to a capital
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", word.casefold()).casefold())
    return "".join(c for c in decomposed if not _is_mark(c))


def _is_mark(ch: str) -> bool:
    """Combining marks, and format characters but the zero-width space (UAX #29's WB4)."""
    category = unicodedata.category(ch)
    return category.startswith("M") or (category == "Cf" and ch != "\u200b")


def _char_class(ch: str) -> int:
    if ch.isalnum():
        return _ALNUM
    if _is_mark(ch):
        return _MARK
    return _OTHER


def _char_value(cp: int) -> int:
    return splitmix64_int(cp ^ _CHAR_SEED)


def word_hash(normal: str) -> int:
    """The 64-bit hash of a normalised word (reference implementation of the fast path)."""
    acc, power = 0, 1
    for ch in normal:
        acc = (acc + _char_value(ord(ch)) * power) & MASK64
        power = (power * _R) & MASK64
    return splitmix64_int(acc)


def _char_entry(cp: int) -> tuple[int, int, int]:
    """(class, value, length) of one code point: its normal form's polynomial and length."""
    ch = chr(cp)
    cls = _char_class(ch)
    if cls != _ALNUM:
        return cls, 0, 0
    acc, power = 0, 1
    norm = normal_form(ch)
    for c in norm:
        acc = (acc + _char_value(ord(c)) * power) & MASK64
        power = (power * _R) & MASK64
    return cls, acc, len(norm)


@lru_cache(maxsize=1)
def _bmp_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Class, value and length for every BMP code point (about 0.1 s, once per process)."""
    cls = np.zeros(_BMP, np.uint8)
    val = np.zeros(_BMP, np.uint64)
    length = np.zeros(_BMP, np.int64)
    ascii_alnum = [cp for cp in range(128) if chr(cp).isalnum()]
    for cp in range(_BMP):
        if cp < 128 and cp not in ascii_alnum:
            continue
        if 0xD800 <= cp < 0xE000:
            continue  # surrogates never appear in a decoded str
        c, v, n = _char_entry(cp)
        cls[cp], val[cp], length[cp] = c, v, n
    return cls, val, length


def _classify(cps: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cls_t, val_t, len_t = _bmp_tables()
    astral = cps >= _BMP
    idx = np.where(astral, 0, cps)
    cls, val, length = cls_t[idx], val_t[idx], len_t[idx]
    if astral.any():
        for i in np.flatnonzero(astral).tolist():
            cls[i], val[i], length[i] = _char_entry(int(cps[i]))
    return cls, val, length


@dataclass(frozen=True)
class Tokens:
    """The words of a text as hashes, with each word's character span in the ORIGINAL text."""

    hashes: np.ndarray  # uint64, one per word
    starts: np.ndarray  # int64, offset of the word's first character
    ends: np.ndarray  # int64, offset one past the word's last character (marks included)

    def __len__(self) -> int:
        return len(self.hashes)


_EMPTY = Tokens(np.zeros(0, np.uint64), np.zeros(0, np.int64), np.zeros(0, np.int64))


def tokenise(text: str) -> Tokens:
    """Word hashes and exact character offsets: a flag underlines exactly the original words."""
    if not text:
        return _EMPTY
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    cls, val, length = _classify(cps)
    alnum = cls == _ALNUM
    mark = cls == _MARK
    n = len(cps)
    if mark.any():  # a mark continues a word only when the last non-mark before it is a letter
        idx = np.where(mark, -1, np.arange(n))
        last = np.maximum.accumulate(idx)
        in_word = alnum | (mark & (last >= 0) & alnum[np.maximum(last, 0)])
    else:
        in_word = alnum
    edges = np.diff(in_word.astype(np.int8), prepend=np.int8(0), append=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    if not len(starts):
        return _EMPTY
    # prefix polynomial hash over the normalised character stream
    lpos = np.concatenate(([0], np.cumsum(length)))  # normalised offset before each char
    total = int(lpos[-1])
    pw = np.full(total + 1, _R, np.uint64)
    pw[0] = 1
    pw = np.cumprod(pw, dtype=np.uint64)
    terms = val * pw[lpos[:-1]]
    prefix = np.concatenate((np.zeros(1, np.uint64), np.cumsum(terms, dtype=np.uint64)))
    # r^-L for each word start: r_inv^L, via the same cumulative trick on the starts only
    inv = _inv_powers(lpos[starts])
    raw = (prefix[ends] - prefix[starts]) * inv
    return Tokens(splitmix64(raw), starts.astype(np.int64), ends.astype(np.int64))


def _inv_powers(exponents: np.ndarray) -> np.ndarray:
    """R_INV ** e mod 2**64 for a sorted array of exponents, by square-and-multiply."""
    out = np.ones(len(exponents), np.uint64)
    base = np.uint64(_R_INV)
    e = exponents.astype(np.uint64)
    b = np.full(len(exponents), base, np.uint64)
    while e.any():
        odd = (e & np.uint64(1)).astype(bool)
        out[odd] *= b[odd]
        b *= b
        e >>= np.uint64(1)
    return out


def words(text: str) -> list[str]:
    """The normalised words of ``text`` (slow; for tests and the naive baseline)."""
    tok = tokenise(text)
    return [normal_form(text[s:e]) for s, e in zip(tok.starts.tolist(), tok.ends.tolist(), strict=True)]
