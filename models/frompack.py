"""A PyTorch checkpoint rebuilt from a shipped pack, for fine-tuning when the float weights are gone.

The shipped packs are the compact int8 graph of :mod:`models.optimize`; the run folder that held
the float32 weights lives on the machine that trained them. Its initialisers still hold every
weight (int8 with a scale per tensor or per output column), so dequantising them gives a
``GPT2LMHeadModel`` within int8 rounding of the original: close enough to fine-tune from
(``python -m models.frompack resources/models/vanilla runs/vanilla``; the rebuilt model scores
within a fraction of a percent of the pack's perplexity).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from writer.errors import WriterError

# compact-graph initialiser -> GPT2LMHeadModel parameter (per layer names get the layer's prefix)
_LAYER = {"ln_1.weight": "ln_1.weight", "ln_1.bias": "ln_1.bias", "ln_2.weight": "ln_2.weight",
          "ln_2.bias": "ln_2.bias", "qkv.w": "attn.c_attn.weight", "qkv.b": "attn.c_attn.bias",
          "o.w": "attn.c_proj.weight", "o.b": "attn.c_proj.bias", "fc.w": "mlp.c_fc.weight",
          "fc.b": "mlp.c_fc.bias", "proj.w": "mlp.c_proj.weight", "proj.b": "mlp.c_proj.bias"}


def _dequantised(model_path: Path) -> dict[str, np.ndarray]:
    """Every float weight of the graph by its pre-quantisation name."""
    import onnx
    from onnx import numpy_helper

    inits = {i.name: numpy_helper.to_array(i) for i in onnx.load(str(model_path)).graph.initializer}
    out = {}
    for name, value in inits.items():
        if name.endswith("_quantized"):
            base = name[: -len("_quantized")]
            scale, zero = inits[base + "_scale"].astype(np.float32), inits[base + "_zero_point"].astype(np.float32)
            if scale.ndim == 1 and value.ndim == 2:  # per channel: MatMul weights are quantised per output column
                if scale.shape[0] != value.shape[1]:
                    raise WriterError(f"{model_path}: {name} has {scale.shape[0]} scales for {value.shape[1]} columns")
                out[base] = (value.astype(np.float32) - zero[None, :]) * scale[None, :]
            else:
                out[base] = (value.astype(np.float32) - zero) * scale
        elif value.dtype == np.float32 and not name.endswith(("_scale",)):
            out[name] = value
    return out


def rebuild(pack_dir: Path, out_dir: Path) -> Path:
    """Write ``out_dir/model`` (config + safetensors) and ``out_dir/tokenizer.json`` from ``pack_dir``."""
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel

    graph = pack_dir / "model.onnx"
    if not graph.is_file() or not (pack_dir / "config.json").is_file():
        raise WriterError(f"{pack_dir} is not a model pack (model.onnx and config.json are needed)")
    w = _dequantised(graph)
    if "lm_head.w" not in w:
        raise WriterError(f"{graph} is not the compact graph of models/optimize.py; rebuild needs that layout")
    config = GPT2Config.from_dict(json.loads((pack_dir / "config.json").read_text(encoding="utf-8")))
    state: dict[str, np.ndarray] = {
        "transformer.wpe.weight": w["wpe"], "transformer.ln_f.weight": w["transformer.ln_f.weight"],
        "transformer.ln_f.bias": w["transformer.ln_f.bias"],
        # the LM head is quantised per vocabulary entry, finer than the embedding table
        "transformer.wte.weight": w["lm_head.w"].T.copy()}
    for i in range(config.n_layer):
        for short, long in _LAYER.items():
            state[f"transformer.h.{i}.{long}"] = w[f"transformer.h.{i}.{short}"]
    model = GPT2LMHeadModel(config)
    tensors = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    missing = [k for k in missing if k != "lm_head.weight" and not k.endswith(".attn.bias")]
    if missing or unexpected:
        raise WriterError(f"rebuilt weights do not fit GPT-2: missing {missing[:3]}, unexpected {unexpected[:3]}")
    model.tie_weights()
    (out_dir / "model").mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir / "model", safe_serialization=True)
    shutil.copyfile(pack_dir / "tokenizer.json", out_dir / "tokenizer.json")
    return out_dir / "model"


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m models.frompack", description=__doc__)
    p.add_argument("pack", type=Path, help="a pack folder (resources/models/vanilla)")
    p.add_argument("run", type=Path, help="the run folder to hold model/ and tokenizer.json (runs/vanilla)")
    args = p.parse_args(argv)
    print(rebuild(args.pack, args.run))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
