"""Step 4: export to ONNX with the KV cache, quantise to int8, and prove both are faithful.

The export is optimum's (``text-generation-with-past``), so the pack has the same inputs and
outputs as any ``optimum-cli export onnx --model gpt2`` folder and the app treats both alike.
Two gates fail the build: the float32 ONNX graph must reproduce PyTorch's logits (prompt and
one cached step) within ``export.parity_atol``, and int8 quantisation must not raise the
held-out loss by more than 2%.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np

from writer.errors import WriterError

PACK = "pack"


def onnx_logits(path: Path, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Logits for ``ids`` (batch 1) in one call, then for one more token through the cache, run by
    the app's own :class:`~writer.generation.graph.Graph` (optimum's export or the compact graph alike)."""
    from writer.generation.graph import Graph

    graph = Graph.from_file(path)
    length = ids.shape[1]
    first, past = graph.run(ids, graph.empty_past(1, length + 1), 0)
    nxt = np.array([[int(first[0, -1].argmax())]], dtype=np.int64)
    step, _ = graph.run(nxt, past, length)
    return first[0], step[0, -1]


def parity(model_dir: Path, onnx_path: Path, atol: float) -> float:
    """Largest absolute logit difference between PyTorch and ONNX; raises past ``atol``."""
    import torch
    from transformers import GPT2LMHeadModel

    model = GPT2LMHeadModel.from_pretrained(model_dir).eval()
    rng = np.random.default_rng(0)
    ids = rng.integers(0, model.config.vocab_size, size=(1, 48), dtype=np.int64)
    with torch.no_grad():
        ref = model(torch.from_numpy(ids)).logits[0].numpy()
        nxt = int(ref[-1].argmax())
        ref2 = model(torch.from_numpy(np.append(ids, [[nxt]], axis=1))).logits[0, -1].numpy()
    got, got2 = onnx_logits(onnx_path, ids)
    diff = float(max(np.abs(ref - got).max(), np.abs(ref2 - got2).max()))
    if not diff <= atol:
        raise WriterError(f"ONNX export differs from PyTorch by {diff:.2e} (tolerance {atol:.0e}); not shipping it")
    return diff


def mean_loss_onnx(path: Path, tokens: np.ndarray, config: Any, windows: int = 8, length: int = 256) -> float:
    """Held-out loss of an ONNX graph (either kind) on a few fixed windows: the int8 gates' yardstick."""
    length = min(length, len(tokens) - 2, config.n_positions - 1)
    if length < 2:
        raise WriterError("the held-out text is too short to measure the model on")
    starts = np.linspace(0, len(tokens) - length - 1, windows).astype(int)
    losses = []
    for s in starts:
        ids = tokens[s:s + length + 1].astype(np.int64)
        logits, _ = onnx_logits(path, ids[None, :-1])
        logits = logits - logits.max(-1, keepdims=True)
        logp = logits - np.log(np.exp(logits).sum(-1, keepdims=True))
        losses.append(-logp[np.arange(length), ids[1:]].mean())
    return float(np.mean(losses))


def export_pack(recipe: dict[str, Any], rd: Path) -> dict[str, Any]:
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from optimum.exporters.onnx import main_export
    from transformers import GPT2Config

    model_dir, onnx_dir, pack = rd / "model", rd / "onnx", rd / PACK
    if not (model_dir / "config.json").is_file():
        raise WriterError(f"no trained model in {model_dir}: run the train step first")
    shutil.rmtree(onnx_dir, ignore_errors=True)
    main_export(str(model_dir), output=str(onnx_dir), task="text-generation-with-past",
                opset=recipe["export"]["opset"], device="cpu", do_validation=False)
    fp32 = onnx_dir / "model.onnx"
    diff = parity(model_dir, fp32, recipe["export"]["parity_atol"])
    pack.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(str(fp32), str(pack / "model.onnx"), weight_type=QuantType.QInt8, per_channel=True)
    config = GPT2Config.from_pretrained(model_dir)
    tokens = np.fromfile(rd / "tokens" / "eval.bin", dtype=np.uint16)
    loss32, loss8 = mean_loss_onnx(fp32, tokens, config), mean_loss_onnx(pack / "model.onnx", tokens, config)
    int8 = loss8 <= loss32 * (1 + recipe["export"]["int8_gate"])
    if not int8:  # the pack keeps the exact graph; the optimize step may still make a compact int8 one
        print(f"[{recipe['name']}] int8 raised held-out loss from {loss32:.3f} to {loss8:.3f}: the pack keeps "
              "the float32 graph", flush=True)
        shutil.copyfile(fp32, pack / "model.onnx")
    shutil.copyfile(model_dir / "config.json", pack / "config.json")
    shutil.copyfile(rd / "tokenizer.json", pack / "tokenizer.json")
    return {"parity_max_abs_diff": diff, "fp32_mb": round(fp32.stat().st_size / 1e6, 1),
            "int8_mb": round((pack / "model.onnx").stat().st_size / 1e6, 1) if int8 else None,
            "heldout_loss_fp32": round(loss32, 4), "heldout_loss_int8": round(loss8, 4), "int8": int8}
