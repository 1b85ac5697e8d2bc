"""Token files small enough to travel to a lent GPU machine, and back to full size there.

The machine takes a working tree of at most 64 MiB, wheels included; general + library is
about 64M tokens (128 MB as uint16, about 64 MB even with xz). :func:`pack` keeps whole works
(documents between end-of-text tokens) in a fixed pseudo-random order until the xz-compressed
file reaches ``budget`` bytes, so the base trains on as much of the library as can travel, the
same works on every run; :func:`unpack` restores the plain uint16 file the trainer memory-maps.
"""

from __future__ import annotations

import hashlib
import json
import lzma
from pathlib import Path

import numpy as np

from writer.errors import WriterError

BYTES_PER_TOKEN_XZ = 1.05  # measured on this corpus's 8k-vocabulary uint16 tokens (xz -9)


def documents(tokens: np.ndarray, eos: int) -> list[np.ndarray]:
    """The token file split after each end-of-text token (each piece keeps its EOS)."""
    ends = np.flatnonzero(tokens == eos) + 1
    return [d for d in np.split(tokens, ends) if len(d)]


def pack(src: Path, out: Path, *, budget: int, eos: int = 0) -> dict[str, int]:
    """Write ``out`` (xz of uint16 tokens) holding whole documents of ``src`` up to ``budget`` bytes."""
    tokens = np.fromfile(src, dtype=np.uint16)
    docs = documents(tokens, eos)
    order = sorted(range(len(docs)), key=lambda i: hashlib.sha256(f"shard:{i}".encode()).digest())
    room = int(budget / BYTES_PER_TOKEN_XZ)
    for _ in range(6):  # the first guess uses the usual ratio; shrink to what this data compresses to
        keep, total = [], 0
        for i in order:
            if total + len(docs[i]) <= room:
                keep.append(i)
                total += len(docs[i])
        if not keep:
            raise WriterError(f"no whole work of {src} fits in {budget:,} bytes: give a larger --budget")
        blob = lzma.compress(np.concatenate([docs[i] for i in sorted(keep)]).astype(np.uint16).tobytes(), preset=9)
        if len(blob) <= budget:
            break
        room = int(room * budget / len(blob) * 0.98)
    else:
        raise WriterError(f"{src} does not compress into {budget:,} bytes: give a larger --budget")
    out.write_bytes(blob)
    size = len(blob)
    info = {"documents": len(keep), "of_documents": len(docs), "tokens": int(total),
            "of_tokens": len(tokens), "bytes": size}
    out.with_suffix(".json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def unpack(src: Path, out: Path) -> int:
    """Restore the uint16 token file; returns its token count."""
    data = lzma.decompress(src.read_bytes())
    out.write_bytes(data)
    return len(data) // 2


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m models.shards", description=__doc__)
    p.add_argument("action", choices=("pack", "unpack"))
    p.add_argument("source", type=Path)
    p.add_argument("target", type=Path)
    p.add_argument("--budget", type=float, default=40.0, help="MiB the packed file may take (pack)")
    p.add_argument("--eos", type=int, default=0, help="the end-of-text token id that ends each work (pack)")
    args = p.parse_args(argv)
    try:
        if args.action == "pack":
            print(json.dumps(pack(args.source, args.target, budget=int(args.budget * 2**20), eos=args.eos)))
        else:
            print(f"{args.target}: {unpack(args.source, args.target):,} tokens")
    except WriterError as exc:
        print(f"models.shards: {exc}")
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
