"""The whole factory on a tiny corpus: tokenizer → train → export → quantise → card → Writer runs it."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from tinycorpus import make_tiny_corpus, write_tiny_recipes

pytest.importorskip("torch")
pytest.importorskip("optimum.exporters.onnx")
pytestmark = pytest.mark.train


def _build(recipe: Path, corpus: Path, runs: Path, packs: Path, step: str = "build", *extra: str) -> int:
    from models.__main__ import main

    return main([step, str(recipe), "--corpus-dir", str(corpus), "--runs-dir", str(runs),
                 "--pack-dir", str(packs / recipe.stem), "--cpu", *extra])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("factory")
    corpus, recipes = make_tiny_corpus(root), write_tiny_recipes(root)
    runs, packs = root / "runs", root / "packs"
    assert _build(recipes["base"], corpus, runs, packs) == 0
    assert _build(recipes["style"], corpus, runs, packs) == 0
    return {"runs": runs, "packs": packs, "corpus": corpus, **recipes}


def test_pack_has_every_file_and_an_honest_card(built: dict[str, Path]) -> None:
    for name in ("tinybase", "tinystyle"):
        pack = built["packs"] / name
        for f in ("model.onnx", "tokenizer.json", "config.json", "card.json", "CARD.md", "copyindex/index.json"):
            assert (pack / f).is_file(), f"{name} lacks {f}"
        card = json.loads((pack / "card.json").read_text(encoding="utf-8"))
        assert card["training"]["tokens_seen"] > 0 and card["training"]["steps"] > 0
        assert set(card["evaluation"]) == ({"general"} if name == "tinybase" else {"general", "style"})
        for scores in card["evaluation"].values():
            assert math.isfinite(scores["perplexity"]) and scores["perplexity"] > 1
        assert card["files"]["model.onnx"] == (pack / "model.onnx").stat().st_size
        assert (len(card["samples"]) >= 2 and "from scratch" in card["note"]) or "fine-tuned" in card["note"]
    style = json.loads((built["packs"] / "tinystyle" / "card.json").read_text(encoding="utf-8"))
    assert style["base"] == "tinybase"
    assert [w["title"] for w in style["works"] if not w["unseen_words"]] == ["The Wub Stories"]


def test_the_fine_tune_regime_runs_end_to_end_and_is_judged_on_unseen_works(built: dict[str, Path]) -> None:
    """Replay, whole-work validation, early stopping on it, and a card that tells both figures apart."""
    run = built["runs"] / "tinystyle"
    works = json.loads((run / "corpus" / "works.json").read_text(encoding="utf-8"))
    assert works["heldout_works"] == [1003] and works["replay_words"] > 0
    summary = json.loads((run / "train_summary.json").read_text(encoding="utf-8"))
    assert summary["early_stopped_on"] == "unseen works"
    assert all("valid_loss" in row for row in summary["history"])
    assert summary["valid_loss"] == min(row["valid_loss"] for row in summary["history"]), "the best model is kept"
    card = json.loads((built["packs"] / "tinystyle" / "card.json").read_text(encoding="utf-8"))
    unseen = card["evaluation_unseen"]["tinystyle"]
    assert unseen["works"] == ["More Wub Stories"] and math.isfinite(unseen["perplexity"]) and unseen["tokens"] > 100
    md = (built["packs"] / "tinystyle" / "CARD.md").read_text(encoding="utf-8")
    assert "| unseen works |" in md and "| in-book blocks |" in md and "## Fine-tune regimes tried" in md
    assert "Never trained on (validation and the unseen-work figures): More Wub Stories" in md
    assert "words of general prose (replay)" in md


def test_writer_runtime_generates_from_the_pack(built: dict[str, Path]) -> None:
    from writer.generation.engine import Engine
    from writer.generation.packs import open_pack

    engine = Engine(open_pack(built["packs"] / "tinystyle")).load()
    result = engine.generate("The ship moved", n=2, seed=3)
    assert len(result.texts) == 2 and all(isinstance(t, str) for t in result.texts)
    assert sum(len(ids) for ids in result.token_ids) > 0
    again = engine.generate("The ship moved", n=2, seed=3)
    assert again.texts == result.texts


def test_training_resumes_from_its_checkpoint(built: dict[str, Path]) -> None:
    state = json.loads((built["runs"] / "tinybase" / "train_summary.json").read_text(encoding="utf-8"))
    before = state["steps"]
    assert _build(built["base"], built["corpus"], built["runs"], built["packs"], "train",
                  "--set", "train.max_tokens=9000") == 0
    after = json.loads((built["runs"] / "tinybase" / "train_summary.json").read_text(encoding="utf-8"))
    assert after["steps"] > before, "a second run continues the first instead of starting over"
    assert after["tokens_seen"] >= 9000


def test_parity_gate_rejects_a_wrong_export(built: dict[str, Path], tmp_path: Path) -> None:
    from models.export import parity
    from writer.errors import WriterError

    style, base = built["runs"] / "tinystyle", built["runs"] / "tinybase"
    assert parity(style / "model", style / "onnx" / "model.onnx", 1e-3) < 1e-3
    with pytest.raises(WriterError, match="differs from PyTorch"):  # the base's graph is not the fine-tune's
        parity(style / "model", base / "onnx" / "model.onnx", 1e-3)


def test_a_shipped_pack_rebuilds_into_a_pytorch_model_that_scores_as_the_pack(built: dict[str, Path],
                                                                               tmp_path: Path) -> None:
    """Style packs are re-tuned from the shipped vanilla when its float weights are gone: the rebuilt
    model, shipped again as int8, must predict text exactly as well as the pack it came from."""
    import shutil

    from models.frompack import rebuild
    from models.optimize import write_compact
    from writer.errors import WriterError
    from writer.generation.packs import open_pack
    from writer.generation.perplexity import score_text

    pack = built["packs"] / "tinystyle"
    model = rebuild(pack, tmp_path / "run")
    assert (tmp_path / "run" / "tokenizer.json").is_file()
    again = tmp_path / "again"
    again.mkdir()
    write_compact(model, again / "model.onnx")
    for name in ("config.json", "tokenizer.json"):
        shutil.copyfile(pack / name, again / name)
    text = "The ship moved slowly through the dark while captain franco watched the strange wub. " * 4
    before, after = score_text(open_pack(pack), text), score_text(open_pack(again), text)
    assert abs(after["perplexity"] / before["perplexity"] - 1) < 0.01
    plain = tmp_path / "plain"
    plain.mkdir()
    shutil.copyfile(built["runs"] / "tinystyle" / "onnx" / "model.onnx", plain / "model.onnx")
    shutil.copyfile(pack / "config.json", plain / "config.json")
    with pytest.raises(WriterError, match="not the compact graph"):
        rebuild(plain, tmp_path / "nope")


def test_the_card_step_leaves_the_shipped_packs_alone_unless_told_to_install(
        built: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from models import __main__ as cli
    from models.paths import SHIPPED_PACKS

    shipped = SHIPPED_PACKS / "tinybase"
    assert not shipped.exists()
    args = ["card", str(built["base"]), "--corpus-dir", str(built["corpus"]), "--runs-dir", str(built["runs"]), "--cpu"]
    try:
        assert cli.main(args) == 0
        assert not shipped.exists(), "a plain card step must not write into resources/models"
    finally:
        shutil.rmtree(shipped, ignore_errors=True)  # what the old default left in the checkout
    run_pack = built["runs"] / "tinybase" / "pack"
    assert f"the pack is in {run_pack}" in capsys.readouterr().out
    assert (run_pack / "card.json").is_file() and (run_pack / "names.json").is_file()
    monkeypatch.setattr(cli, "SHIPPED_PACKS", tmp_path / "shipped")
    assert cli.main([*args, "--install"]) == 0
    assert (tmp_path / "shipped" / "tinybase" / "card.json").is_file()
    assert f"the pack is in {tmp_path / 'shipped' / 'tinybase'}" in capsys.readouterr().out
    assert cli.main([*args, "--install", "--pack-dir", str(tmp_path / "x")]) == 2
