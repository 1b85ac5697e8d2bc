"""``writer suggest`` and ``writer sample`` through the real CLI entry point."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from writer.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generation"))
from tinypack import build

pytestmark = pytest.mark.train


@pytest.fixture
def mini(capsys: pytest.CaptureFixture[str]) -> str:
    for module in ("torch", "transformers", "optimum.exporters.onnx"):
        pytest.importorskip(module)
    assert main(["models", "add", str(build()["int8"]), "--name", "mini"]) == 0
    capsys.readouterr()
    return "mini"


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_seeded_json_suggestions_are_reproducible(mini: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["suggest", "--model", mini, "--n", "3", "--max-new-tokens", "8", "--seed", "7", "--temperature", "1.2",
            "--top-p", "1", "--json", "The quick brown fox"]
    first, second = _json(capsys, argv), _json(capsys, argv)
    assert first["texts"] == second["texts"] and len(first["texts"]) == 3
    assert first["seed"] == 7 and first["settings"]["max_new_tokens"] == 8
    assert first["settings"]["temperature"] == 1.2


def test_streams_to_the_terminal(mini: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", "--model", mini, "--n", "2", "--seed", "1", "Is it raining?"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("[1]") and "[2]" in captured.out
    assert "seed 1" in captured.err


def test_prompt_from_stdin(mini: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("東京は日本の首都です。".encode())))
    out = _json(capsys, ["suggest", "--model", mini, "--n", "1", "--seed", "2", "--json", "-"])
    assert out["prompt"] == "東京は日本の首都です。"
    assert len(out["texts"]) == 1


def test_sample_is_unconditional(mini: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["sample", "--model", mini, "--n", "2", "--seed", "3", "--json"])
    assert out["prompt_tokens"] == 1 and len(out["texts"]) == 2
    assert all("<|endoftext|>" not in t for t in out["texts"])


def test_bad_input_is_one_clear_line(mini: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suggest", "--model", mini, "   "]) == 2
    assert "prompt is empty" in capsys.readouterr().err
    assert main(["suggest", "--model", mini, "--top-p", "0", "hi"]) == 2
    assert "top-p" in capsys.readouterr().err
    assert main(["suggest", "--model", "nope", "hi"]) == 2
    assert "No model pack called 'nope'" in capsys.readouterr().err


def test_polished_by_default_raw_on_request_and_json_scores(mini: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["suggest", "--model", mini, "--n", "2", "--seed", "4", "--max-new-tokens", "10", "--json"]
    polished = _json(capsys, [*base, "She walked home, and the ni"])
    raw = _json(capsys, [*base, "--raw", "She walked home, and the ni"])
    assert len(polished["scores"]) == 2 and all(s < 0 for s in polished["scores"])
    # best first, after any that leave an invented word at the cursor or are junk or a lone word
    from writer.generation.junk import is_junk
    from writer.generation.packs import find
    from writer.generation.streaming import word_count
    from writer.generation.words import breaks, pack_words

    known = pack_words(find(mini).path)
    rank = [(breaks("She walked home, and the ni", t, known) or is_junk(t) or word_count(t) < 2, -s)
            for t, s in zip(polished["texts"], polished["scores"], strict=True)]
    assert rank == sorted(rank), polished["texts"]
    assert polished["settings"]["max_new_tokens"] == 10
    # polished rows end cleanly (never mid-word); raw rows just stop where the tokens ran out
    assert all(r in ("stop", "eos", "length", "junk") for r in polished["finish_reasons"])
    assert raw["texts"] != polished["texts"]
    note = _json(capsys, [*base, "--memory", "Characters: Smith.", "The rain"])
    assert note["prompt_tokens"] > _json(capsys, [*base, "The rain"])["prompt_tokens"]


def test_models_add_with_its_corpus_lists_the_names_suggestions_avoid(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for module in ("torch", "transformers", "optimum.exporters.onnx"):
        pytest.importorskip(module)
    from writer.generation.names import load_names
    from writer.generation.packs import find
    from writer.generation.words import breaks, load_words, pack_words, shared_words_path

    corpus = tmp_path / "book.txt"
    corpus.write_text("The rain fell, and Quillfeather went out. She saw Quillfeather by the quay.\n\n"
                      "Later that day Quillfeather sang, and the boats came in.\n", encoding="utf-8")
    assert main(["models", "add", str(build()["int8"]), "--name", "named", "--corpus", str(corpus)]) == 0
    assert "names" in capsys.readouterr().out
    names = load_names(find("named").path)
    assert [n.name for n in names] == ["Quillfeather"] and names[0].count == 3
    # the pack's own words that the shared list lacks are known at its cursor; general English stays shared
    assert "Quillfeather" in pack_words(find("named").path) and "Quillfeather" not in load_words(shared_words_path())
    assert not breaks("She saw Quillfea", "ther by the quay.", pack_words(find("named").path))
    assert main(["models", "add", str(build()["int8"]), "--name", "other", "--corpus", str(tmp_path / "no")]) == 2
    assert "not found" in capsys.readouterr().err


def test_json_tokens_join_to_each_suggestion(mini: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = _json(capsys, ["suggest", "--model", mini, "--n", "2", "--seed", "6", "--json", "--tokens",
                         "She walked home, and the ni"])
    assert len(out["tokens"]) == 2
    for text, row in zip(out["texts"], out["tokens"], strict=True):
        assert "".join(t["text"] for t in row) == text and row
        assert all(0 < t["prob"] <= 1 and 0 < len(t["alternatives"]) <= 5 for t in row)
        assert all({"text", "prob"} == set(a) for t in row for a in t["alternatives"])
    assert "tokens" not in _json(capsys, ["suggest", "--model", mini, "--seed", "6", "--json", "hi"])
    assert main(["suggest", "--model", mini, "--tokens", "hi"]) == 2
    assert "add --json" in capsys.readouterr().err
