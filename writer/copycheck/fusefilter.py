"""A binary fuse filter (Graf & Lemire 2022) over 64-bit window hashes, in numpy.

Why here and not a library: ``pyfusefilter`` (FastFilter, Apache-2.0, cp311 wheels) hashes
each key as ``str(key)`` and answers one key per Python call (a Python call per window of a
draft, per index), and its ``deserialize`` trusts the bytes it is given: a damaged
file in a user's pack could crash the app. ``binaryfuse`` (0.1) saves only through ``pickle``,
which runs code from the file it loads. This module is a memory-mappable ``uint8``/``uint16``
array, queried a whole draft at a time with three gathers, and checked when loaded.

Every key is found (no false negatives); a key not in the set is "found" with probability
``2**-bits`` (1/256 for 8 bits, 1/4096 for 12). Space is about 1.13 × ``bits`` per key for
large sets; 12-bit fingerprints are packed two to three bytes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from writer.copycheck.hashing import splitmix64

ARITY = 3
MAX_SEGMENT_LENGTH = 1 << 18
MAX_TRIES = 64
BITS = (8, 12, 16)


@dataclass(frozen=True)
class FuseParams:
    """The shape of one filter: stored in ``index.json`` beside the fingerprint array."""

    seed: int
    bits: int
    segment_length: int
    segment_count_length: int
    array_length: int
    keys: int

    def to_dict(self) -> dict[str, Any]:
        return {"kind": "binary-fuse-3", "seed": self.seed, "bits": self.bits, "segment_length": self.segment_length,
                "segment_count_length": self.segment_count_length, "array_length": self.array_length,
                "keys": self.keys}

    @classmethod
    def from_dict(cls, meta: Any) -> FuseParams:
        """The params from ``index.json``; ValueError (with what is wrong) when they do not add up."""
        if not isinstance(meta, dict) or meta.get("kind") != "binary-fuse-3":
            raise ValueError("'filter' is not a binary-fuse-3 table")
        values = {}
        for key in ("seed", "bits", "segment_length", "segment_count_length", "array_length", "keys"):
            value = meta.get(key)
            if type(value) is not int or not 0 <= value < 1 << 64:  # numpy's uint64 takes no more
                raise ValueError(f"filter '{key}' must be a whole number below 2**64, not {value!r}")
            values[key] = value
        params = cls(**values)
        seg = params.segment_length
        if params.bits not in BITS or seg & (seg - 1) or not 0 < seg <= MAX_SEGMENT_LENGTH \
                or params.segment_count_length % seg \
                or params.array_length != params.segment_count_length + (ARITY - 1) * seg:
            raise ValueError("filter shape does not add up (bits, segment_length, array_length)")
        return params


def _shape(n: int) -> tuple[int, int, int]:
    """(segment length, segment count × length, array length) for ``n`` keys, as in the reference C code."""
    seg = 1 << max(2, math.floor(math.log(max(n, 2)) / math.log(3.33) + 2.25))
    seg = min(seg, MAX_SEGMENT_LENGTH)
    factor = max(1.125, 0.875 + 0.25 * math.log(1e6) / math.log(max(n, 2))) if n > 1 else 2.0
    capacity = round(n * factor)
    segments = max(1, -(-capacity // seg) - (ARITY - 1))
    return seg, segments * seg, (segments + ARITY - 1) * seg


def _positions(hashes: np.ndarray, params: FuseParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    seg = np.uint64(params.segment_length)
    mask = np.uint64(params.segment_length - 1)
    h0 = ((hashes >> np.uint64(32)) * np.uint64(params.segment_count_length)) >> np.uint64(32)
    h1 = (h0 + seg) ^ ((hashes >> np.uint64(18)) & mask)
    h2 = (h0 + seg + seg) ^ (hashes & mask)
    return h0.astype(np.int64), h1.astype(np.int64), h2.astype(np.int64)


def _mixed(keys: np.ndarray, seed: int) -> np.ndarray:
    return splitmix64(keys ^ np.uint64(seed))


def _fingerprints(hashes: np.ndarray, bits: int) -> np.ndarray:
    mixed = (hashes ^ (hashes >> np.uint64(32))) & np.uint64((1 << bits) - 1)
    return mixed.astype(np.uint8 if bits == 8 else np.uint16)


def storage(params: FuseParams) -> tuple[type, int]:
    """(dtype, length) of the stored array: 12-bit slots are packed, 3 bytes for 2 (plus 1 spare byte)."""
    if params.bits == 12:
        return np.uint8, (3 * params.array_length + 1) // 2 + 1
    return (np.uint8 if params.bits == 8 else np.uint16), params.array_length


def _pack12(table: np.ndarray) -> np.ndarray:
    even, odd = table[0::2], np.zeros(len(table[0::2]), np.uint16)
    odd[:len(table[1::2])] = table[1::2]
    out = np.zeros((len(even), 3), np.uint8)
    out[:, 0] = even & 0xFF
    out[:, 1] = (even >> 8) | ((odd & 0xF) << 4)
    out[:, 2] = odd >> 4
    return np.concatenate((out.ravel()[:(3 * len(table) + 1) // 2], np.zeros(1, np.uint8)))


def _slots(stored: np.ndarray, bits: int, idx: np.ndarray) -> np.ndarray:
    if bits != 12:
        return np.asarray(stored[idx])
    at = (idx * 3) >> 1
    word = np.asarray(stored[at]).astype(np.uint16) | (np.asarray(stored[at + 1]).astype(np.uint16) << 8)
    return (word >> ((idx & 1) * 4).astype(np.uint16)) & np.uint16(0xFFF)


def build(keys: np.ndarray, bits: int = 12) -> tuple[FuseParams, np.ndarray]:
    """A filter holding every key of ``keys`` (uint64; duplicates are fine): (params, stored array)."""
    if bits not in BITS:
        raise ValueError(f"a fuse filter has {', '.join(map(str, BITS))} bits per fingerprint")
    keys = np.sort(np.asarray(keys, np.uint64))  # np.unique hashes: 15 s for 8.4M keys, sorting 1 s
    keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
    n = len(keys)
    seg, seg_count_len, length = _shape(n)
    for attempt in range(MAX_TRIES):
        seed = int(splitmix64(np.array([0xF05E + attempt], np.uint64))[0])
        params = FuseParams(seed, bits, seg, seg_count_len, length, n)
        table = _try_build(keys, params)
        if table is not None:
            return params, _pack12(table) if bits == 12 else table
    raise RuntimeError(f"could not build a fuse filter of {n} keys in {MAX_TRIES} tries")


def _try_build(keys: np.ndarray, params: FuseParams) -> np.ndarray | None:
    """Peel the 3-hypergraph round by round (every slot holding one key at once), then assign in reverse."""
    n, length = len(keys), params.array_length
    hashes = _mixed(keys, params.seed)
    pos = np.stack(_positions(hashes, params))  # (3, n)
    flat = pos.ravel()
    ids = np.tile(np.arange(n, dtype=np.int64), ARITY)
    count = np.bincount(flat, minlength=length).astype(np.int64)
    idxor = np.zeros(length, np.int64)  # xor of the key ids in each slot: the lone key where count is 1
    np.bitwise_xor.at(idxor, flat, ids)
    rounds: list[tuple[np.ndarray, np.ndarray]] = []
    owner = np.full(n, -1, np.int64)
    cand = np.flatnonzero(count == 1)
    peeled = 0
    while len(cand):
        cand = cand[count[cand] == 1]
        if not len(cand):
            break
        # a key alone in two slots (or a slot listed twice) is peeled once: one entry wins per key
        found = idxor[cand]
        at = np.arange(len(cand))
        owner[found] = at
        keep = owner[found] == at
        key_ids, slots = found[keep], cand[keep]
        rounds.append((key_ids, slots))
        peeled += len(key_ids)
        touched = pos[:, key_ids].ravel()
        np.subtract.at(count, touched, 1)
        np.bitwise_xor.at(idxor, touched, np.tile(key_ids, ARITY))
        cand = touched
    if peeled != n:
        return None
    table = np.zeros(length, np.uint8 if params.bits == 8 else np.uint16)
    fps = _fingerprints(hashes, params.bits)
    for key_ids, slots in reversed(rounds):
        p = pos[:, key_ids]
        table[slots] = fps[key_ids] ^ table[p[0]] ^ table[p[1]] ^ table[p[2]]
    return table


def contains(table: np.ndarray, params: FuseParams, keys: np.ndarray) -> np.ndarray:
    """For each key: True if it may be in the set (always True for a key that is)."""
    if not len(keys) or params.keys == 0:
        return np.zeros(len(keys), bool)
    hashes = _mixed(np.asarray(keys, np.uint64), params.seed)
    h0, h1, h2 = _positions(hashes, params)
    got = _slots(table, params.bits, h0) ^ _slots(table, params.bits, h1) ^ _slots(table, params.bits, h2)
    return got == _fingerprints(hashes, params.bits)
