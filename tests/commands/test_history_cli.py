"""``writer drafts history|diff|restore-revision``."""

from __future__ import annotations

import json

import pytest

from writer.cli import main
from writer.store import Store


@pytest.fixture
def draft_with_history() -> tuple[int, int]:
    with Store.open() as store:
        draft = store.create_draft("It was a dark night.")
        first = store.snapshot(draft.id)
        store.save_draft(draft.id, body="It was a bright, cold day.")
        return draft.id, first.id


def test_history_lists_revisions_with_their_changes(draft_with_history: tuple[int, int],
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    draft_id, rev_id = draft_with_history
    assert main(["drafts", "history", str(draft_id), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["reason"], r["word_count"], r["words_added"]) for r in rows] == [(rev_id, "manual", 5, 5)]
    assert main(["drafts", "history", str(draft_id)]) == 0
    assert "manual" in capsys.readouterr().out


def test_diff_against_now_and_restore(draft_with_history: tuple[int, int], capsys: pytest.CaptureFixture[str]) -> None:
    draft_id, rev_id = draft_with_history
    assert main(["drafts", "diff", str(rev_id)]) == 0
    out = capsys.readouterr().out
    assert "It was a [-dark night.-]{+bright, cold day.+}" in out and "+3 words, −2 words" in out
    assert main(["drafts", "restore-revision", str(rev_id)]) == 0
    capsys.readouterr()
    with Store.open() as store:
        assert store.get_draft(draft_id).body == "It was a dark night."
        assert [r.reason for r in store.revisions(draft_id)] == ["before restore", "manual"]
    assert main(["drafts", "diff", str(rev_id)]) == 0
    assert capsys.readouterr().out == "No changes.\n"


def test_unknown_revision_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drafts", "diff", "404"]) == 2
    err = capsys.readouterr().err
    assert "No revision with id 404" in err and "Traceback" not in err


def test_history_of_a_draft_never_revised(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open() as store:
        draft = store.create_draft("Brand new.")
    assert main(["drafts", "history", str(draft.id)]) == 0
    assert "has no revisions yet" in capsys.readouterr().out
