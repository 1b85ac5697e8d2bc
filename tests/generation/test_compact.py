"""The compact graph (models/optimize.py) in the engine, and background prefill, on the tiny GPT-2."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from tinypack import TEXT

from models import optimize
from writer import paths
from writer.errors import WriterError
from writer.generation import packs
from writer.generation.engine import Engine
from writer.generation.packs import Pack
from writer.generation.sampling import SamplerSettings

pytestmark = pytest.mark.train
HOT = SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, repetition_penalty=1.0, max_new_tokens=12)
PROMPT = "She walked home, and the night was cold. The quick brown fox jumps over the lazy dog. Is it"


@pytest.fixture(scope="session")
def compact_build(tiny_build: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Compact packs of the tiny model: float32 and int8."""
    root = tmp_path_factory.mktemp("compact")
    out = {}
    for kind, int8 in (("c32", False), ("c8", True)):
        folder = root / kind
        folder.mkdir()
        optimize.write_compact(tiny_build["hf"], folder / "model.onnx", int8=int8)
        for name in ("config.json", "tokenizer.json"):
            shutil.copyfile(tiny_build["raw"] / name, folder / name)
        out[kind] = folder
    return out


def install(folder: Path, name: str) -> None:
    shutil.copytree(folder, paths.user_models_dir() / name)


@pytest.fixture
def compact32(compact_build: dict[str, Path]) -> Engine:
    install(compact_build["c32"], "c32")
    return Engine(packs.find("c32"), threads=1).load()


@pytest.fixture
def compact8(compact_build: dict[str, Path]) -> Pack:
    install(compact_build["c8"], "c8")
    return packs.find("c8")


def test_compact_graph_computes_what_the_optimum_export_does(compact32: Engine, fp32_pack: Pack) -> None:
    plain = Engine(fp32_pack, threads=1).load()
    assert compact32.compact and not plain.compact
    ids, _ = compact32.prompt_ids(PROMPT, max_new_tokens=8)
    np.testing.assert_allclose(compact32.logits(np.asarray([ids, ids])), plain.logits(np.asarray([ids, ids])),
                               atol=1e-4)
    last, past, _ = compact32.prefill(ids)
    np.testing.assert_allclose(last, plain.logits(np.asarray([ids]))[0, -1], atol=1e-4)
    nxt = [5, 77, 120]
    batched, _ = compact32.run(np.asarray([[t] for t in nxt]), [np.repeat(p, 3, axis=0) for p in past], len(ids))
    for row, tok in enumerate(nxt):
        np.testing.assert_allclose(batched[row, -1], plain.logits(np.asarray([[*ids, tok]]))[0, -1], atol=1e-4)
    for seed in (3, 4):
        assert compact32.generate(PROMPT, n=3, settings=HOT, seed=seed).texts == \
            plain.generate(PROMPT, n=3, settings=HOT, seed=seed).texts


def test_compact_int8_seed_reproduces_whatever_ran_before(compact8: Pack) -> None:
    engine = Engine(compact8, threads=1, chunk=8).load()
    first = engine.generate(PROMPT, n=3, settings=HOT, seed=42)
    edited = engine.generate(PROMPT + " raining? Yes, it is.", n=2, settings=HOT, seed=1)
    assert edited.timings["prefill_tokens"] < edited.prompt_tokens  # the edit reused the cached prompt
    engine.generate("Something else entirely", n=1, settings=HOT)
    again = engine.generate(PROMPT, n=3, settings=HOT, seed=42)
    fresh = Engine(compact8, threads=1, chunk=8).generate(PROMPT, n=3, settings=HOT, seed=42)
    assert again.texts == first.texts == fresh.texts
    assert len(set(first.texts)) == 3


@pytest.mark.parametrize("graph", ["optimum", "compact"])
def test_background_prefill_leaves_only_the_typed_tail(graph: str, tiny_pack: Pack, compact8: Pack) -> None:
    pack = compact8 if graph == "compact" else tiny_pack
    engine = Engine(pack, threads=1, chunk=8).load()
    typed = PROMPT + " raining? Yes, it"
    computed = engine.prefill_prompt(typed.rsplit(" ", 1)[0], max_new_tokens=HOT.max_new_tokens)
    assert computed > 8
    result = engine.generate(typed, n=3, settings=HOT, seed=7)
    assert result.timings["prefill_tokens"] <= 8 + 2  # the last chunk and the new word
    cold = Engine(pack, threads=1, chunk=8).generate(typed, n=3, settings=HOT, seed=7)
    assert result.texts == cold.texts


def test_cancelled_prefill_keeps_the_chunks_it_finished(compact8: Pack) -> None:
    engine = Engine(compact8, threads=1, chunk=8).load()
    cancel = threading.Event()
    cancel.set()
    assert engine.prefill_prompt(PROMPT, max_new_tokens=12, cancel=cancel) == 8  # one chunk, then it stops
    ids, _ = engine.prompt_ids(PROMPT, max_new_tokens=12)
    assert engine.prefill(ids)[2] == len(ids) - 8


def _run_dir(tiny_build: dict[str, Path], root: Path) -> Path:
    """A factory run folder as the train and export steps leave it."""
    from tokenizers import Tokenizer

    rd = root / "tiny"
    shutil.copytree(tiny_build["hf"], rd / "model")
    (rd / "onnx").mkdir(parents=True)
    shutil.copyfile(tiny_build["raw"] / "model.onnx", rd / "onnx" / "model.onnx")
    tok = Tokenizer.from_file(str(tiny_build["raw"] / "tokenizer.json"))
    (rd / "tokens").mkdir()
    np.asarray(tok.encode(" ".join(TEXT[:40])).ids, dtype=np.uint16).tofile(rd / "tokens" / "eval.bin")
    (rd / "pack").mkdir()
    shutil.copyfile(tiny_build["int8"] / "model.onnx", rd / "pack" / "model.onnx")
    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(tiny_build["raw"] / name, rd / "pack" / name)
    return rd


def test_optimize_step_writes_a_compact_pack_the_engine_runs(tiny_build: dict[str, Path], tmp_path: Path) -> None:
    rd = _run_dir(tiny_build, tmp_path)
    result = optimize.optimize_pack({"export": {"parity_atol": 1e-3, "int8_gate": 0.02}}, rd)
    assert result["heldout_loss_compact_int8"] <= result["heldout_loss_fp32"] * 1.02
    engine = Engine(packs.open_pack(rd / "pack"), threads=1).load()
    assert engine.compact
    assert engine.generate(PROMPT, n=2, settings=HOT, seed=1).texts[0]


def test_optimize_step_refuses_a_worse_graph_and_keeps_the_pack(tiny_build: dict[str, Path], tmp_path: Path) -> None:
    rd = _run_dir(tiny_build, tmp_path)
    before = (rd / "pack" / "model.onnx").read_bytes()
    with pytest.raises(WriterError, match="raised held-out loss"):  # no graph can halve the loss
        optimize.optimize_pack({"export": {"parity_atol": 1e-3, "int8_gate": -0.5}}, rd)
    assert (rd / "pack" / "model.onnx").read_bytes() == before
    (rd / "onnx" / "model.onnx").unlink()
    with pytest.raises(WriterError, match="run the train and export steps"):
        optimize.optimize_pack({"export": {"parity_atol": 1e-3, "int8_gate": 0.02}}, rd)


def test_the_factory_measures_either_kind_of_graph_the_way_the_app_runs_it(compact_build: dict[str, Path],
                                                                         fp32_pack: Pack) -> None:
    """The export and optimize steps' held-out loss gate and parity check read both graphs through the
    app's own runner: the compact graph scores as optimum's export of the same weights."""
    from types import SimpleNamespace

    from models.export import mean_loss_onnx, onnx_logits

    tokenizer = packs.load_tokenizer(fp32_pack.path)
    tokens = np.array(tokenizer.encode(" ".join(TEXT) * 3).ids, dtype=np.uint16)
    config = SimpleNamespace(n_positions=fp32_pack.n_positions)
    plain = mean_loss_onnx(fp32_pack.path / "model.onnx", tokens, config, windows=3, length=48)
    compact = mean_loss_onnx(compact_build["c32"] / "model.onnx", tokens, config, windows=3, length=48)
    assert 0 < compact == pytest.approx(plain, rel=1e-4)
    ids = tokens[None, :20].astype(np.int64)
    for got, want in zip(onnx_logits(compact_build["c32"] / "model.onnx", ids),
                         onnx_logits(fp32_pack.path / "model.onnx", ids), strict=True):
        assert np.abs(got - want).max() < 1e-3
