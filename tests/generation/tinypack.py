"""A tiny real GPT-2 pack for tests: random 2-layer model, a tokenizer trained here, optimum export.

Built once per test process (about ten seconds) into a temporary folder; needs the [train]
extra (torch, transformers, optimum), so callers skip when it is missing.
"""

from __future__ import annotations

import functools
import json
import shutil
import tempfile
from pathlib import Path

from writer import paths

TEXT = [
    "The quick brown fox jumps over the lazy dog. Mr. Smith went to Washington!",
    "Is it raining? Yes, it is. The rain in Spain stays mainly in the plain.",
    "東京は日本の首都です。彼女は本を読んだ。 Café naïve façade — “quoted” text… 🙂🎉 e\u0301",
    "She walked home, and the night was cold.\n\nA new paragraph begins here.",
] * 40
CONTEXT = 64


@functools.cache
def build() -> dict[str, Path]:
    """Folders: ``raw`` (plain optimum export, fp32, no card), ``fp32`` and ``int8`` packs, ``hf`` (torch)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from optimum.exporters.onnx import main_export
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    root = Path(tempfile.mkdtemp(prefix="writer-tinypack-"))
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=400, special_tokens=["<|endoftext|>"], show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(TEXT, trainer)
    eos = tok.token_to_id("<|endoftext|>")
    config = GPT2Config(n_layer=2, n_head=2, n_embd=64, n_positions=CONTEXT, vocab_size=tok.get_vocab_size(),
                        bos_token_id=eos, eos_token_id=eos)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(config).eval()
    hf = root / "hf"
    model.save_pretrained(hf)
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, eos_token="<|endoftext|>", bos_token="<|endoftext|>")
    fast.save_pretrained(hf)
    raw = root / "raw"
    main_export(str(hf), output=raw, task="text-generation-with-past", opset=18, device="cpu")
    fp32 = root / "fp32"
    fp32.mkdir()
    for name in ("model.onnx", "config.json", "tokenizer.json"):
        shutil.copyfile(raw / name, fp32 / name)
    int8 = root / "int8"
    int8.mkdir()
    quantize_dynamic(str(raw / "model.onnx"), str(int8 / "model.onnx"), weight_type=QuantType.QInt8)
    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(raw / name, int8 / name)
    return {"root": root, "raw": raw, "fp32": fp32, "int8": int8, "hf": hf}


def install(folder: Path, name: str, card: dict | None = None) -> Path:
    """Copy a pack folder into the user models folder, optionally with a card."""
    dest = paths.user_models_dir() / name
    shutil.copytree(folder, dest)
    if card is not None:
        (dest / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return dest
