"""Carry a trained checkpoint between machines in a quarter of its size.

Lent GPU machines return at most 16 MiB a file, less than a float32 checkpoint of the
default packs. Matrices go as int8 with one float16 scale per row (symmetric, absmax);
vectors and norms as float16; the config rides in the file's metadata. The shipped ONNX
pack is quantised to int8 afterwards anyway, so this costs no measurable quality (the
held-out losses in the cards are measured on the expanded model, then on the pack).
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def compress(model_dir: Path, out: Path) -> int:
    state = load_file(str(model_dir / "model.safetensors"))
    packed: dict[str, torch.Tensor] = {}
    for name, t in state.items():
        t = t.float()
        if t.dim() == 2:
            scale = t.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / 127.0
            packed["q:" + name] = torch.round(t / scale).clamp(-127, 127).to(torch.int8).contiguous()
            packed["s:" + name] = scale.to(torch.float16).contiguous()
        else:
            packed["f:" + name] = t.to(torch.float16).contiguous()
    meta = {"config": (model_dir / "config.json").read_text(encoding="utf-8")}
    save_file(packed, str(out), metadata=meta)
    return out.stat().st_size


def expand(packed_file: Path, out_dir: Path) -> Path:
    """Rebuild a float32 transformers checkpoint folder from :func:`compress`'s file."""
    from safetensors import safe_open

    with safe_open(str(packed_file), framework="pt") as fh:
        config = json.loads(fh.metadata()["config"])
    packed = load_file(str(packed_file))
    state: dict[str, torch.Tensor] = {}
    for key, t in packed.items():
        kind, name = key.split(":", 1)
        if kind == "q":
            state[name] = t.float() * packed["s:" + name].float()
        elif kind == "f":
            state[name] = t.float()
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file(state, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    (out_dir / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m models.transport", description=__doc__)
    p.add_argument("action", choices=("compress", "expand"))
    p.add_argument("source", type=Path, help="a checkpoint folder (compress) or a packed file (expand)")
    p.add_argument("target", type=Path, help="the packed file (compress) or a checkpoint folder (expand)")
    args = p.parse_args(argv)
    if args.action == "compress":
        print(f"{args.target}: {compress(args.source, args.target):,} bytes")
    else:
        print(expand(args.source, args.target))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
