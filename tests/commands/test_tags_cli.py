"""Tags from the terminal: ``writer drafts tag`` and ``writer drafts tags [--rename]``, and where tags go."""

from __future__ import annotations

import json

import pytest

from writer.cli import main
from writer.store import Store
from writer.store.markdown_io import export_markdown


def test_tag_add_remove_and_export(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open() as store:
        draft = store.create_draft("A walk by the sea.", tags=["Travel"])
    assert main(["drafts", "tag", str(draft.id), "--add", "sea", "--add", "walking", "--remove", "travel"]) == 0
    assert capsys.readouterr().out == f"Draft {draft.id} tags: sea, walking\n"
    with Store.open() as store:
        assert "tags:\n- sea\n- walking" in export_markdown(store.get_draft(draft.id))


def test_tags_lists_counts_and_renames_everywhere(capsys: pytest.CaptureFixture[str]) -> None:
    with Store.open() as store:
        a = store.create_draft("One.", tags=["travel", "food"])
        b = store.create_draft("Two.", tags=["Travel"])
        c = store.create_draft("Three.", tags=["trips", "travel"])
        before = store.get_draft(a.id).updated
    assert main(["drafts", "tags", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"tag": "travel", "drafts": 3}, {"tag": "food", "drafts": 1},
                                                   {"tag": "trips", "drafts": 1}]
    assert main(["drafts", "tags", "--rename", "TRAVEL", "trips"]) == 0
    assert "on 3 drafts" in capsys.readouterr().out
    with Store.open() as store:
        assert [store.get_draft(d.id).tags for d in (a, b, c)] == [("trips", "food"), ("trips",), ("trips",)]
        assert store.get_draft(a.id).updated == before  # a rename is not an edit
    assert main(["drafts", "tags", "--rename", "nothing", "x"]) == 2
    assert "No draft has the tag 'nothing'" in capsys.readouterr().err
