from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from writer.errors import WriterError
from writer.store import Draft, Store
from writer.store.markdown_io import export_markdown, import_file, parse_markdown
from writer.store.store import normalize_tags


def test_export_has_front_matter_then_the_body(store: Store) -> None:
    draft = store.create_draft("Body line\n\nmore", title="Chosen: a title", tags=["essays", "café"])
    text = export_markdown(draft)
    _, front, body = text.split("---\n", 2)
    meta = yaml.safe_load(front)
    assert meta["title"] == "Chosen: a title"
    assert meta["tags"] == ["essays", "café"]
    assert meta["status"] == "draft"
    assert datetime.fromisoformat(meta["date"]) == draft.created.replace(microsecond=0)
    assert body == "\nBody line\n\nmore"


@pytest.mark.parametrize("body", ["", "plain", "# Heading\n\ntext\n", "\n\nstarts blank",
                                  "---\nrule first\n---\n"])
@pytest.mark.parametrize("title", [None, "Explicit"])
def test_round_trip_through_a_file(store: Store, tmp_path: Path, body: str, title: str | None) -> None:
    draft = store.save_draft(store.create_draft(body, title=title, tags=["a", "b c"]).id,
                             status="published", url="https://blog.example/p")
    path = tmp_path / "draft.md"
    path.write_text(export_markdown(draft), encoding="utf-8")
    again = import_file(store, path)
    assert again.id != draft.id
    assert (again.body, again.title, again.title_is_set) == (draft.body, draft.title, draft.title_is_set)
    assert (again.tags, again.status, again.url) == (draft.tags, draft.status, draft.url)
    assert again.created == draft.created.replace(microsecond=0)


def test_parse_hand_written_front_matter() -> None:
    text = "---\r\nTitle: Hello\r\ndate: 2024-05-01\r\ntags: one, two\r\n---\r\nBody\r\n"
    fields = parse_markdown(text, "hand.md")
    assert fields["title"] == "Hello"
    assert fields["tags"] == ["one", "two"]
    assert fields["created"] == datetime(2024, 5, 1, tzinfo=UTC)
    assert fields["body"] == "Body\n"
    assert fields["status"] == "draft"


def test_text_without_front_matter_is_all_body() -> None:
    fields = parse_markdown("---\njust a rule\n---\nand text", "x.md")
    assert fields["body"] == "---\njust a rule\n---\nand text"
    assert fields["title"] is None


@pytest.mark.parametrize(("front", "problem"), [
    ("title: [unclosed", "not valid YAML"),
    ("status: posted", "status"),
    ("date: someday", "date"),
    ("tags: 5", "tags"),
    ("date: 2024-02-30", "impossible value"),  # PyYAML raises ValueError, not YAMLError
    ("date: 2024-05-01T25:00:00Z", "impossible value"),
    ("date: 0001-01-01T00:00:00+05:00", "out of range"),  # no UTC time to store
])
def test_bad_front_matter_names_the_file(front: str, problem: str) -> None:
    with pytest.raises(WriterError, match=problem) as caught:
        parse_markdown(f"---\n{front}\n---\nbody", "notes/bad.md")
    assert "notes/bad.md" in str(caught.value)


def test_non_utf8_file_is_refused_and_nothing_is_created(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Caf\u00e9 au lait".encode("latin-1"))
    with pytest.raises(WriterError, match="not UTF-8") as caught:
        import_file(store, path)
    assert str(path) in str(caught.value)
    assert store.list_drafts() == []


def test_txt_import_and_unsupported_suffix(store: Store, tmp_path: Path) -> None:
    txt = tmp_path / "idea.txt"
    txt.write_text("\ufeffA plain idea\nwith two lines", encoding="utf-8")
    draft = import_file(store, txt)
    assert (draft.title, draft.body) == ("A plain idea", "A plain idea\nwith two lines")
    empty = tmp_path / "Empty note.md"
    empty.write_text("", encoding="utf-8")
    assert import_file(store, empty).title == "Empty note"
    with pytest.raises(WriterError, match=r"\.md"):
        import_file(store, tmp_path / "photo.jpg")
    with pytest.raises(WriterError, match=r"missing\.md does not exist"):
        import_file(store, tmp_path / "missing.md")


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(body=_text, title=_text, tags=st.lists(_text, max_size=4))
def test_export_then_parse_gives_back_the_draft(body: str, title: str, tags: list[str]) -> None:
    clean_tags = normalize_tags(tags)
    moment = datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)
    one_line = " ".join(title.split()) or "Untitled"  # as the store keeps titles
    draft = Draft(id=1, title=one_line, body=body, created=moment, updated=moment, status="archived",
                  tags=clean_tags, word_count=0, title_is_set=True, url=None)
    fields = parse_markdown(export_markdown(draft), "prop.md")
    expected_body = body.replace("\r\n", "\n")
    assert fields["body"] == expected_body
    assert fields["title"] == draft.title
    assert tuple(fields["tags"]) == clean_tags
    assert (fields["status"], fields["created"]) == ("archived", moment)
