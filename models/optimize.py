"""Optional step after export: rewrite the pack's GPT-2 as a compact onnxruntime graph, int8.

Why: optimum's export spends a decode step on ~600 small nodes (shapes, reshapes, a concat
of the whole key/value cache per layer), which costs far more than the arithmetic of a small
model. This step writes the same network straight from the trained weights with
onnxruntime's fused CPU operators, about seven nodes a layer:

* ``SkipLayerNormalization`` (residual add, bias and layer norm in one),
* ``GroupQueryAttention`` with as many key/value heads as heads (plain multi-head attention)
  over a key/value buffer the engine preallocates and binds as both ``past`` input and
  ``present`` output, so each step writes one position in place instead of copying the cache,
* ``FastGelu`` (GPT-2's tanh GELU with the bias folded in), and ``MatMul`` for the
  projections, quantised to int8 afterwards like the plain pack.

Inputs keep optimum's names where they mean the same (``input_ids``, ``position_ids``,
``past_key_values.N.key``/``.value``; outputs ``logits``, ``present.N.*``) and add
``seqlens_k`` (per row: tokens in the cache after this call, minus one),
``total_sequence_length`` and ``logits_from`` (the first position to compute logits for:
generation asks for the last only, which saves the vocabulary-wide projection of every
prompt token). The engine recognises the graph by ``total_sequence_length``.

Gates, as in :mod:`models.export`: the float graph must match PyTorch's logits (prompt and
a cached step) within ``export.parity_atol``, and the int8 graph's held-out loss must not
exceed the fp32 optimum export's by more than 2%.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from models.export import mean_loss_onnx, onnx_logits
from writer.errors import WriterError

PACK = "pack"
MS = "com.microsoft"


def build_graph(model_dir: Path) -> Any:
    """The float32 compact graph (an ``onnx.ModelProto``) of the GPT-2 in ``model_dir``."""
    import onnx
    import torch
    from onnx import TensorProto, helper, numpy_helper
    from transformers import GPT2LMHeadModel

    model = GPT2LMHeadModel.from_pretrained(model_dir).eval()
    cfg = model.config
    if cfg.activation_function not in ("gelu_new", "gelu_pytorch_tanh"):
        raise WriterError(f"the compact graph needs GPT-2's tanh GELU, not {cfg.activation_function}")
    if cfg.scale_attn_by_inverse_layer_idx or cfg.reorder_and_upcast_attn:
        raise WriterError("the compact graph does not support scaled-by-layer or upcast attention")
    with torch.no_grad():
        w = {k: v.detach().float().numpy() for k, v in model.state_dict().items()}
    n_layer, n_head, n_embd = cfg.n_layer, cfg.n_head, cfg.n_embd
    head = n_embd // n_head
    eps = float(cfg.layer_norm_epsilon)
    inits: list[Any] = []
    nodes: list[Any] = []

    def init(name: str, array: np.ndarray) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))
        return name

    def skip_ln(x: str, skip: str, ln: str, bias: str | None, out: str, total: str) -> None:
        inputs = [x, skip, init(f"{ln}.weight", w[f"{ln}.weight"]), init(f"{ln}.bias", w[f"{ln}.bias"])]
        if bias is not None:
            inputs.append(bias)
        nodes.append(helper.make_node("SkipLayerNormalization", inputs, [out, "", "", total], name=f"{out}/sln",
                                      domain=MS, epsilon=eps))

    t = "transformer"
    nodes.append(helper.make_node("Gather", [init("wte", w[f"{t}.wte.weight"]), "input_ids"], ["tok"]))
    nodes.append(helper.make_node("Gather", [init("wpe", w[f"{t}.wpe.weight"]), "position_ids"], ["pos"]))
    skip_ln("tok", "pos", f"{t}.h.0.ln_1", None, "x0", "h0")
    for i in range(n_layer):
        p = f"{t}.h.{i}"
        nodes.append(helper.make_node("MatMul", [f"x{i}", init(f"{p}.qkv.w", w[f"{p}.attn.c_attn.weight"])],
                                      [f"qkv{i}_"]))
        nodes.append(helper.make_node("Add", [f"qkv{i}_", init(f"{p}.qkv.b", w[f"{p}.attn.c_attn.bias"])],
                                      [f"qkv{i}"]))
        nodes.append(helper.make_node(
            "GroupQueryAttention",
            [f"qkv{i}", "", "", f"past_key_values.{i}.key", f"past_key_values.{i}.value", "seqlens_k",
             "total_sequence_length"],
            [f"att{i}", f"present.{i}.key", f"present.{i}.value"], name=f"gqa{i}", domain=MS,
            num_heads=n_head, kv_num_heads=n_head, scale=1.0 / float(np.sqrt(head)) if cfg.scale_attn_weights else 1.0))
        nodes.append(helper.make_node("MatMul", [f"att{i}", init(f"{p}.o.w", w[f"{p}.attn.c_proj.weight"])],
                                      [f"o{i}"]))
        skip_ln(f"o{i}", f"h{i}", f"{p}.ln_2", init(f"{p}.o.b", w[f"{p}.attn.c_proj.bias"]), f"m{i}", f"r{i}")
        nodes.append(helper.make_node("MatMul", [f"m{i}", init(f"{p}.fc.w", w[f"{p}.mlp.c_fc.weight"])],
                                      [f"fc{i}"]))
        nodes.append(helper.make_node("FastGelu", [f"fc{i}", init(f"{p}.fc.b", w[f"{p}.mlp.c_fc.bias"])],
                                      [f"g{i}"], domain=MS))
        nodes.append(helper.make_node("MatMul", [f"g{i}", init(f"{p}.proj.w", w[f"{p}.mlp.c_proj.weight"])],
                                      [f"pr{i}"]))
        nxt = f"{t}.h.{i + 1}.ln_1" if i + 1 < n_layer else f"{t}.ln_f"
        skip_ln(f"pr{i}", f"r{i}", nxt, init(f"{p}.proj.b", w[f"{p}.mlp.c_proj.bias"]), f"x{i + 1}", f"h{i + 1}")
    head_w = w.get("lm_head.weight", w[f"{t}.wte.weight"])
    # logits only from position ``logits_from`` on: generation needs the last one, scoring all
    for name, value in (("slice.end", [np.iinfo(np.int64).max]), ("slice.axis", [1])):
        inits.append(numpy_helper.from_array(np.array(value, np.int64), name))
    nodes.append(helper.make_node("Slice", [f"x{n_layer}", "logits_from", "slice.end", "slice.axis"], ["x_out"]))
    nodes.append(helper.make_node("MatMul", ["x_out", init("lm_head.w", head_w.T)], ["logits"]))

    cache = ["batch", n_head, "cache", head]
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
              helper.make_tensor_value_info("position_ids", TensorProto.INT64, ["batch", "seq"])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", "kept", cfg.vocab_size])]
    for i in range(n_layer):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_key_values.{i}.{kind}", TensorProto.FLOAT, cache))
            outputs.append(helper.make_tensor_value_info(f"present.{i}.{kind}", TensorProto.FLOAT,
                                                         ["batch", n_head, "present", head]))
    inputs += [helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, ["batch"]),
               helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, []),
               helper.make_tensor_value_info("logits_from", TensorProto.INT64, [1])]
    graph = helper.make_graph(nodes, "writer-gpt2", inputs, outputs, inits)
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)],
                              producer_name="writer-models-optimize")
    proto.ir_version = 8
    onnx.checker.check_model(proto, full_check=False)
    return proto


def quantize(fp32_path: Path, out_path: Path) -> None:
    """Int8 weights for every projection, the LM head and the embeddings (dynamic activations, per-channel)."""
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # the contrib ops defeat shape inference, so the quantiser is told the activations are float
    quantize_dynamic(str(fp32_path), str(out_path), weight_type=QuantType.QInt8, per_channel=True,
                     op_types_to_quantize=["MatMul", "Gather"], extra_options={"DefaultTensorType": TensorProto.FLOAT})


def parity(model_dir: Path, onnx_path: Path, atol: float) -> float:
    """Largest absolute logit difference between PyTorch and the compact float graph."""
    import torch
    from transformers import GPT2LMHeadModel

    model = GPT2LMHeadModel.from_pretrained(model_dir).eval()
    cfg = model.config
    rng = np.random.default_rng(0)
    ids = rng.integers(0, cfg.vocab_size, size=(1, min(48, cfg.n_positions - 1)), dtype=np.int64)
    with torch.no_grad():
        ref = model(torch.from_numpy(ids)).logits[0].numpy()
        nxt = int(ref[-1].argmax())
        ref2 = model(torch.from_numpy(np.append(ids, [[nxt]], axis=1))).logits[0, -1].numpy()
    got, got2 = onnx_logits(onnx_path, ids)
    diff = float(max(np.abs(ref - got).max(), np.abs(ref2 - got2).max()))
    if not diff <= atol:
        raise WriterError(f"the compact graph differs from PyTorch by {diff:.2e} (tolerance {atol:.0e}); "
                          "not shipping it")
    return diff


def write_compact(model_dir: Path, out: Path, *, atol: float = 1e-3, int8: bool = True) -> float:
    """Build, check parity and write the compact graph (int8 unless ``int8`` is False) to ``out``."""
    import onnx

    with tempfile.TemporaryDirectory(prefix="writer-optimize-") as tmp:
        fp32 = Path(tmp) / "model.onnx"
        onnx.save(build_graph(model_dir), str(fp32))
        diff = parity(model_dir, fp32, atol)
        out.parent.mkdir(parents=True, exist_ok=True)
        if int8:
            quantize(fp32, out)
        else:
            shutil.copyfile(fp32, out)
    return diff


def optimize_pack(recipe: dict[str, Any], rd: Path) -> dict[str, Any]:
    """The factory step: ``runs/<name>/pack/model.onnx`` becomes the compact int8 graph."""
    from transformers import GPT2Config

    model_dir, pack = rd / "model", rd / PACK
    fp32_export = rd / "onnx" / "model.onnx"
    if not (model_dir / "config.json").is_file() or not fp32_export.is_file():
        raise WriterError(f"no trained model and export in {rd}: run the train and export steps first")
    config = GPT2Config.from_pretrained(model_dir)
    tokens = np.fromfile(rd / "tokens" / "eval.bin", dtype=np.uint16)
    with tempfile.TemporaryDirectory(prefix="writer-optimize-") as tmp:
        out = Path(tmp) / "model.onnx"
        diff = write_compact(model_dir, out, atol=recipe["export"]["parity_atol"])
        loss32, loss8 = mean_loss_onnx(fp32_export, tokens, config), mean_loss_onnx(out, tokens, config)
        if loss8 > loss32 * (1 + recipe["export"]["int8_gate"]):
            raise WriterError(f"the compact int8 graph raised held-out loss from {loss32:.3f} to {loss8:.3f}; "
                              "not shipping it")
        pack.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, pack / "model.onnx")
    return {"parity_max_abs_diff": diff, "compact_int8_mb": round((pack / "model.onnx").stat().st_size / 1e6, 1),
            "heldout_loss_fp32": round(loss32, 4), "heldout_loss_compact_int8": round(loss8, 4)}
