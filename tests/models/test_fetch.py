"""``python -m models corpus fetch`` against a local server laid out like GITenberg's raw files."""

from __future__ import annotations

import functools
import hashlib
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from models.__main__ import main as models_main
from models.corpus import load_manifest
from models.fetch import MANIFEST, source_url
from tests.conftest import SHARED_CORPORA

BOOKS = {  # file → (source path in its repo, bytes as served)
    "pkd/made-up.txt": ("GITenberg/Made-Up_1:1.txt@abc", b"A made-up story.\r\n"),
    "general/latin.txt": ("GITenberg/Latin_2:2-8.txt@def", "Café au lait.\n".encode("latin-1")),
}


def _manifest(folder: Path, corrupt: str = "") -> Path:
    rows = ["file\tset\ttitle\tauthor\tgutenberg_id\tbytes\tsha256\tsource"]
    for i, (file, (source, served)) in enumerate(BOOKS.items(), 1):
        text = served.decode("latin-1").encode() if "-8.txt" in source else served
        digest = "0" * 64 if file == corrupt else hashlib.sha256(text).hexdigest()
        rows.append(f"{file}\t{file.split('/')[0]}\tBook {i}\tNobody\t{i}\t{len(text)}\t{digest}\t{source}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder / "MANIFEST.tsv"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "served"
    for source, served in BOOKS.values():
        repo, rest = source.split(":", 1)
        path, commit = rest.rsplit("@", 1)
        (root / repo / commit).mkdir(parents=True, exist_ok=True)
        (root / repo / commit / path).write_bytes(served)
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


def test_fetch_downloads_checks_and_reencodes(server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("models.fetch.MANIFEST", _manifest(tmp_path / "manifest"))
    dest = tmp_path / "corpora"
    assert models_main(["corpus", "fetch", "--corpus-dir", str(dest), "--base-url", server]) == 0
    assert (dest / "pkd" / "made-up.txt").read_bytes() == b"A made-up story.\r\n"
    assert (dest / "general" / "latin.txt").read_text(encoding="utf-8") == "Café au lait.\n"
    assert [w.file for w in load_manifest(dest)] == list(BOOKS)  # the corpus step can read what was fetched
    assert "2 downloaded, 0 already there" in capsys.readouterr().out
    assert models_main(["corpus", "fetch", "pkd", "--corpus-dir", str(dest), "--base-url", server]) == 0
    assert "0 downloaded, 1 already there" in capsys.readouterr().out
    assert [w.file for w in load_manifest(dest)] == list(BOOKS)  # what an earlier fetch brought stays listed


def test_a_partial_fetch_lists_only_the_books_it_holds(server: str, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("models.fetch.MANIFEST", _manifest(tmp_path / "manifest"))
    dest = tmp_path / "corpora"
    assert models_main(["corpus", "fetch", "pkd", "--corpus-dir", str(dest), "--base-url", server]) == 0
    assert [w.file for w in load_manifest(dest)] == ["pkd/made-up.txt"]  # no book listed that is not there


def test_a_file_that_does_not_match_its_sum_is_not_saved(server: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("models.fetch.MANIFEST", _manifest(tmp_path / "manifest", corrupt="pkd/made-up.txt"))
    dest = tmp_path / "corpora"
    assert models_main(["corpus", "fetch", "pkd", "--corpus-dir", str(dest), "--base-url", server]) == 2
    err = capsys.readouterr().err
    assert "sha256" in err and "not saved" in err and "Traceback" not in err
    assert not (dest / "pkd" / "made-up.txt").exists()


def test_unknown_set_and_unreachable_server_are_one_line_errors(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert models_main(["corpus", "fetch", "poetry", "--corpus-dir", str(tmp_path)]) == 2
    assert "no corpus set poetry" in capsys.readouterr().err
    closed_port = "http://127.0.0.1:9"
    assert models_main(["corpus", "fetch", "pkd", "--corpus-dir", str(tmp_path), "--base-url", closed_port]) == 2
    assert "could not download" in capsys.readouterr().err


def test_the_shipped_list_is_the_corpora_manifest_and_every_source_resolves() -> None:
    works = load_manifest(MANIFEST.parent)
    assert {w.set for w in works} == {"pkd", "ja", "general", "library"}
    rows = [line.split("\t") for line in MANIFEST.read_text(encoding="utf-8").splitlines()[1:]]
    assert all(source_url(row[7]).endswith(row[7].split(":", 1)[1].rsplit("@", 1)[0]) for row in rows)
    if (SHARED_CORPORA / "MANIFEST.tsv").is_file():  # the copy has not drifted from the team's corpora
        assert MANIFEST.read_bytes() == (SHARED_CORPORA / "MANIFEST.tsv").read_bytes()
