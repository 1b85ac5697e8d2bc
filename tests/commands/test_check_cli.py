from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from writer import paths
from writer.cli import main

_SYL = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def words(rng: random.Random, n: int) -> str:
    return " ".join("".join(rng.choice(_SYL) for _ in range(rng.randint(1, 3))) for _ in range(n))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def book(tmp_path: Path) -> tuple[Path, str]:
    text = words(random.Random(0), 3000)
    path = tmp_path / "My Old Novel.txt"
    path.write_text(text, encoding="utf-8")
    return path, text


def test_corpus_index_then_check(capsys: pytest.CaptureFixture[str], book: tuple[Path, str], tmp_path: Path) -> None:
    path, text = book
    code, out, _ = run(capsys, "corpus", "index", str(path), "--name", "mine")
    assert code == 0 and "3,000 words" in out
    assert run(capsys, "corpus", "list")[1].split() == ["mine"]
    lifted = text.split()[1000:1025]
    draft = tmp_path / "draft.txt"
    prefix = "Qqq xxx qqq. "
    draft.write_text(prefix + " ".join(lifted).upper() + "\nqqq xxx.", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(draft), "--corpus", "mine", "--json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) >= {"start", "end", "words", "text", "level", "source"}
    assert (row["start"], row["words"], row["level"]) == (len(prefix), 25, "copy")
    assert row["text"] == " ".join(lifted).upper()
    assert row["source"]["title"] == "My Old Novel"
    assert row["source"]["position"]["word"] == 1000
    assert row["source"]["position"]["percent"] == pytest.approx(33.3, abs=0.1)
    code, out, _ = run(capsys, "check", str(draft), "--corpus", "mine")
    assert code == 0 and "draft.txt:1:14: copy (25 words) from My Old Novel" in out
    assert "1 flag(s): 1 copy, 0 echo" in out
    code, out, _ = run(capsys, "check", str(draft), "--corpus", "mine", "--min-words", "26")
    assert "0 flag(s)" in out
    code, out, _ = run(capsys, "check", str(draft), "--corpus", "mine", "--copy-words", "30")
    assert "1 flag(s): 0 copy, 1 echo" in out


def test_check_reads_stdin_and_custom_out(capsys, book, tmp_path: Path, monkeypatch) -> None:
    import io

    path, text = book
    out_dir = tmp_path / "elsewhere"
    assert run(capsys, "corpus", "index", str(path), "--name", "mine", "--out", str(out_dir))[0] == 0
    assert (out_dir / "copyindex" / "index.json").is_file()
    assert not (paths.data_dir() / "corpora" / "mine").exists()
    # a model pack in the user's models folder is found by name
    (paths.user_models_dir() / "tiny").mkdir()
    (out_dir / "copyindex").rename(paths.user_models_dir() / "tiny" / "copyindex")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(" ".join(text.split()[5:15]).encode())))
    code, out, _ = run(capsys, "check", "-", "--model", "tiny", "--json")
    assert code == 0 and json.loads(out)["words"] == 10 and json.loads(out)["level"] == "echo"


def test_bad_input_gives_one_line_errors(capsys, book, tmp_path: Path) -> None:
    path, _ = book
    code, _, err = run(capsys, "check", str(tmp_path / "nope.txt"), "--corpus", "x")
    assert code == 2 and "nope.txt does not exist" in err
    code, _, err = run(capsys, "check", str(path), "--corpus", "missing")
    assert code == 2 and "index.json" in err and "missing" in err
    code, _, err = run(capsys, "corpus", "index", str(path), "--name", "../evil")
    assert code == 2 and "not a valid name" in err
    run(capsys, "corpus", "index", str(path), "--name", "mine")
    code, _, err = run(capsys, "check", str(path), "--corpus", "mine", "--min-words", "3")
    assert code == 2 and "8 words" in err
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9")
    code, _, err = run(capsys, "check", str(latin), "--corpus", "mine")
    assert code == 2 and "not UTF-8" in err and err.count("\n") == 1


def test_corrupt_index_named_and_other_packs_still_work(capsys, book, tmp_path: Path) -> None:
    path, text = book
    models = paths.user_models_dir()
    for name in ("good", "broken"):
        run(capsys, "corpus", "index", str(path), "--name", name, "--out", str(models / name))
    (models / "broken" / "copyindex" / "entries.npy").write_bytes(b"\x93NUMPY garbage")
    draft = tmp_path / "d.txt"
    draft.write_text(" ".join(text.split()[:30]), encoding="utf-8")
    code, _, err = run(capsys, "check", str(draft), "--model", "broken")
    assert code == 2 and "corrupt copy index" in err and "broken/copyindex/entries.npy" in err
    code, out, err = run(capsys, "check", str(draft), "--all")
    assert code == 0 and "skipping broken" in err and "1 flag(s): 1 copy" in out and "against good" in out


def test_no_index_anywhere(capsys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "res" / "models").mkdir(parents=True)
    monkeypatch.setattr(paths, "resources_dir", lambda: tmp_path / "res")
    draft = tmp_path / "d.txt"
    draft.write_text("hello", encoding="utf-8")
    code, _, err = run(capsys, "check", str(draft))
    assert code == 2 and "writer corpus index" in err


def test_shipped_pkd_pack_flags_the_variable_man(capsys, shared_corpora: Path, tmp_path: Path) -> None:
    """``writer check --model pkd``: the shipped pack's index, or one the factory step builds now."""
    from models import corpus as corpus_mod
    from models.index import build_index

    if not (paths.resources_dir() / "models" / "pkd" / "copyindex" / "index.json").is_file():
        recipe = {"name": "pkd", "corpus": {"sets": ["pkd"], "ids": []}, "index": {"enabled": True}}
        build_index(recipe, tmp_path / "run", corpus_dir=shared_corpora)
        (paths.user_models_dir() / "pkd").mkdir()
        (tmp_path / "run" / "pack" / "copyindex").rename(paths.user_models_dir() / "pkd" / "copyindex")

    work = next(w for w in corpus_mod.load_manifest(shared_corpora) if w.title == "The Variable Man")
    text = " ".join(corpus_mod.clean(corpus_mod.read_work(shared_corpora, work)))
    sentence = random.Random(2).choice([s for s in text.split(". ") if len(s.split()) >= 15]) + "."
    draft = tmp_path / "d.txt"
    draft.write_text("I wrote this. " + sentence, encoding="utf-8")
    code, out, err = run(capsys, "check", "--model", "pkd", str(draft), "--json")
    flags = [json.loads(line) for line in out.splitlines()]
    assert code == 0, err
    assert flags and flags[0]["source"]["title"] == "The Variable Man"


def test_check_calls_a_blockquoted_passage_a_quote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.copycheck.bookpacks import install_index, make_books

    books = make_books(seed=3)
    install_index(books, "quotebooks")
    draft = tmp_path / "quote.md"
    draft.write_text(f"My words.\n\n> {books[0].passage(25, at=0.5)}\n\n{books[1].passage(25, at=0.5)}\n",
                     encoding="utf-8")
    assert main(["check", "--model", "quotebooks", str(draft)]) == 0
    out = capsys.readouterr().out
    assert "2 flag(s): 1 copy, 0 echo, 1 quote" in out
