"""``writer models train``: a style pack from your own texts, in a child process, cancelled and resumed."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from writer import paths
from writer.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "generation"))
from tinypack import build

pytestmark = pytest.mark.train
REPO = Path(__file__).resolve().parents[2]
WORDS = ("the rain fell on the old harbour while maud counted the boats and the gulls argued over "
         "nets left drying by the lamp her brother said nothing about the ledger or the storm").split()


@pytest.fixture(scope="module")
def base() -> Path:
    for module in ("torch", "transformers", "optimum.exporters.onnx"):
        pytest.importorskip(module)
    return build()["hf"]  # a tiny PyTorch GPT-2 with its tokenizer: a base the factory can fine-tune


def texts(folder: Path) -> Path:
    rng = random.Random(7)
    folder.mkdir(parents=True, exist_ok=True)
    for i, words in enumerate((2500, 2200, 600)):
        sentences = [" ".join(rng.choices(WORDS, k=rng.randint(6, 14))).capitalize() + "." for _ in range(words // 10)]
        body = "\n\n".join(" ".join(sentences[j:j + 4]) for j in range(0, len(sentences), 4))
        (folder / f"story-{i}.{'md' if i == 2 else 'txt'}").write_text(
            ("---\ntitle: Notes\n---\n" if i == 2 else "") + body, encoding="utf-8")
    return folder


def start(data: Path, sources: Path, base: Path, minutes: str, *extra: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "OMP_NUM_THREADS": "1"}
    return subprocess.Popen([sys.executable, "-m", "writer", "--data-dir", str(data), "models", "train", "mine",
                             "--from", str(sources), "--base", str(base), "--max-minutes", minutes, "--json", *extra],
                            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)


def events(proc: subprocess.Popen[str], stop_when=lambda event: False) -> list[dict]:  # type: ignore[no-untyped-def]
    seen = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("{"):
            seen.append(json.loads(line))
            if stop_when(seen[-1]):
                break
    return seen


def test_train_cancel_resume_and_the_pack_writes(base: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data, sources = tmp_path / "data", texts(tmp_path / "mine")
    first = start(data, sources, base, "0.5")
    seen = events(first, lambda e: e["event"] == "train" and e["step"] >= 30)  # a checkpoint is kept every 25
    first.send_signal(signal.SIGKILL)  # the window closed, the machine slept: a cancel is a kill
    first.wait(30)
    corpus = next(e for e in seen if e["event"] == "corpus")
    assert corpus["files"] == 3 and corpus["words"] > 4000
    assert not (data / "models" / "mine").exists()

    second = start(data, sources, base, "0.5", "--low-priority")  # as the app starts it
    rest = events(second, lambda event: True)  # running
    assert os.getpriority(os.PRIO_PROCESS, second.pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + 10)
    rest += events(second)
    assert second.wait(600) == 0
    first_step = next(e["step"] for e in rest if e["event"] == "train")
    assert first_step > 25, "the run resumed from its checkpoint instead of starting over"
    done = rest[-1]
    assert done["event"] == "done" and done["evaluation_unseen"]["mine"]["perplexity"] > 1
    works = json.loads((data / "training" / "mine" / "runs" / "mine" / "corpus" / "works.json").read_text())
    assert [w["title"] for w in works["works"] if w["unseen_words"]] == ["story-2"]  # a whole file never seen

    try:
        assert main(["--data-dir", str(data), "suggest", "--model", "mine", "--n", "1", "--seed", "3", "The rain"]) == 0
    finally:
        paths.set_data_dir(None)
    assert capsys.readouterr().out.strip()


def test_training_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "train", "mine", "--from", str(tmp_path / "nothing-here")]) == 2
    assert "does not exist" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["models", "train", "mine", "--from", str(tmp_path / "empty")]) == 2
    assert "No text files to train on" in capsys.readouterr().err
    assert main(["models", "train", "../x", "--from", str(tmp_path)]) == 2
    assert "not a usable pack name" in capsys.readouterr().err


def test_whole_files_are_held_out_but_never_too_much() -> None:
    from models.userpack import choose_unseen

    rows = [{"gutenberg_id": i, "words": w} for i, w in enumerate((2500, 2200, 600))]
    assert choose_unseen(rows) == [2]  # 11%: the next file would hold out more than a third
    assert choose_unseen([{"gutenberg_id": i, "words": 1000} for i in range(10)]) == [0, 1]  # about 15%
    assert choose_unseen(rows[:1]) == []  # one file: the in-book blocks judge it
