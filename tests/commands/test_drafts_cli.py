from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from writer.cli import main
from writer.store import Store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["drafts", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_new_list_show(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "new", "# Trip report\n\nWe walked far.", "--tag", "travel")
    assert code == 0 and "Created draft 1: Trip report" in out
    run(capsys, "new", "second body", "--title", "Second")
    code, out, _ = run(capsys, "list")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert "Second" in lines[0] and "Trip report" in lines[1]
    assert "edited just now" in lines[1] and "5 words" in lines[1] and "draft" in lines[1]
    code, out, _ = run(capsys, "show", "1")
    assert out.startswith("Trip report\n")
    assert "tags: travel" in out and "We walked far." in out


def test_new_reads_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"From a pipe\nline two")))
    code, out, _ = run(capsys, "new", "-")
    assert code == 0 and "Created draft 1: From a pipe" in out
    with Store.open() as store:
        assert store.get_draft(1).body == "From a pipe\nline two"


def test_non_utf8_stdin_is_refused_by_name(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"caf\xe9 latin-1")))
    code, _, err = run(capsys, "new", "-")
    assert code == 2 and "Standard input is not UTF-8 text (byte 0xe9 at offset 3)" in err
    with Store.open() as store:
        assert store.list_drafts() == []


def test_list_json_and_empty(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "list")
    assert "No drafts yet" in out
    run(capsys, "new", "alpha beta", "--tag", "x")
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    (item,) = json.loads(out)
    assert (item["id"], item["title"], item["tags"], item["word_count"]) == (1, "alpha beta", ["x"], 2)


def test_search_human_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "new", "The lighthouse keeper slept.")
    run(capsys, "new", "Nothing relevant.")
    _, out, _ = run(capsys, "search", "light")
    assert "«lighthouse»" in out and "Nothing" not in out
    _, out, _ = run(capsys, "search", "keep", "--json")
    (hit,) = json.loads(out)
    assert hit["id"] == 1 and "«keeper»" in hit["snippet"]
    code, out, _ = run(capsys, "search", '"(-*')
    assert code == 0 and "No matches" in out


def test_export_import_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run(capsys, "new", "Export me\nplease", "--tag", "t1")
    target = tmp_path / "out.md"
    code, out, _ = run(capsys, "export", "1", "-o", str(target))
    assert code == 0 and target.is_file()
    code, _, err = run(capsys, "export", "1", "-o", str(target))
    assert code == 2 and "already exists" in err
    _, out, _ = run(capsys, "export", "1")
    assert out.startswith("---\ntitle: Export me\n")
    code, out, _ = run(capsys, "import", str(target))
    assert code == 0 and "as draft 2" in out
    with Store.open() as store:
        first, second = store.get_draft(1), store.get_draft(2)
        assert (second.body, second.tags) == (first.body, first.tags)


def test_import_reports_bad_files_and_keeps_good_ones(capsys: pytest.CaptureFixture[str],
                                                      tmp_path: Path) -> None:
    good = tmp_path / "good.md"
    good.write_text("fine", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe broken")
    code, out, err = run(capsys, "import", str(bad), str(good))
    assert code == 1
    assert f"{bad} is not UTF-8" in err and "good.md as draft 1" in out


def test_missing_draft_is_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", "7")
    assert code == 2 and out == ""
    assert err.strip() == "writer: No draft with id 7 (`writer drafts list` shows them)."


def test_restore_backup_command(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open() as store:
        store.create_draft("worth keeping")
        store.backup()
    db = store.path
    db.write_bytes(b"\0garbage" * 512)
    code, _, err = run(capsys, "list")
    assert code == 2 and "damaged" in err and "restore-backup" in err
    code, out, _ = run(capsys, "restore-backup", "--yes")
    assert code == 0 and "kept as" in out
    code, out, _ = run(capsys, "list")
    assert code == 0 and "worth keeping" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _two_drafts_one_backed_up() -> None:
    with Store.open() as store:
        store.create_draft("backed up")
        store.backup()
        store.create_draft("only in the live database")


def test_restore_backup_asks_first_and_says_what_is_set_aside(capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _two_drafts_one_backed_up()
    monkeypatch.setattr("sys.stdin", _Terminal("n\n"))
    code, out, _ = run(capsys, "restore-backup")
    assert code == 1 and "will be set aside as" in out and "(2 draft(s))" in out and "Nothing was changed" in out
    with Store.open() as store:
        assert len(store.list_drafts()) == 2
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    code, out, _ = run(capsys, "restore-backup")
    assert code == 0 and "kept as" in out
    with Store.open() as store:
        assert [d.body for d in store.list_drafts()] == ["backed up"]


def test_restore_backup_without_a_terminal_needs_yes(capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    _two_drafts_one_backed_up()
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))
    code, out, err = run(capsys, "restore-backup")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "--yes" in err and "will be set aside as" in err
    with Store.open() as store:
        assert len(store.list_drafts()) == 2
