from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from writer.store import Store
from writer.store.query import fts_query


@pytest.fixture
def library(store: Store) -> Store:
    store.create_draft("# Gardening notes\n\nTomatoes need sun. Water the basil daily.")
    store.create_draft("# The writer's desk\n\nA writer writes; writing is rewriting.", tags=["craft"])
    store.create_draft("# Travel\n\nTrains across the Alps, and one mention of a writer.")
    store.create_draft("# Café culture\n\nCoffee in Zürich and Málaga.")
    return store


def titles(store: Store, query: str) -> list[str]:
    return [hit.draft.title for hit in store.search(query)]


def test_prefix_search_while_typing(library: Store) -> None:
    for typed in ("wri", "writ", "writer"):
        assert "The writer's desk" in titles(library, typed)
    assert titles(library, "tom") == ["Gardening notes"]


def test_best_match_comes_first(library: Store) -> None:
    hits = library.search("writer")
    assert [h.draft.title for h in hits] == ["The writer's desk", "Travel"]
    assert hits[0].rank > hits[1].rank


def test_all_words_must_match(library: Store) -> None:
    assert titles(library, "writer trains") == ["Travel"]
    assert titles(library, "writer basil") == []


def test_snippet_marks_matches(library: Store) -> None:
    hit = library.search("basil")[0]
    assert "«basil»" in hit.snippet
    custom = library.search("basil", marks=("<b>", "</b>"))[0]
    assert "<b>basil</b>" in custom.snippet and "«" not in custom.snippet


def test_accents_do_not_matter(library: Store) -> None:
    assert titles(library, "zurich") == ["Café culture"]
    assert titles(library, "cafe") == ["Café culture"]


def test_quoted_phrase(library: Store) -> None:
    assert titles(library, '"writing is rewriting"') == ["The writer's desk"]
    assert titles(library, '"rewriting is writing"') == []


@pytest.mark.parametrize("query", [
    '"', '"unbalanced', "a-b", "-", "*", "writer*", "title:writer", "(", "(writer", ")", "NEAR(a b)",
    "AND", "OR writer", "NOT", "^writer", "writer + trains", "' OR 1=1 --", "{writer}", "", "   ",
])
def test_fts_syntax_never_raises(library: Store, query: str) -> None:
    library.search(query)


def test_fts_operators_are_searched_as_words(store: Store) -> None:
    near = store.create_draft("Near the sea, not far")
    store.create_draft("sea and sand")
    assert [h.draft.id for h in store.search("NEAR")] == [near.id]
    assert [h.draft.id for h in store.search("sea NOT")] == [near.id]
    assert [h.draft.id for h in store.search("body:sea")] == []  # not a column filter


def has_tokens(text: str) -> bool:
    """Whether SQLite's own tokenizer finds a word in ``text`` (the oracle for the property below)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
        conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
        conn.execute("INSERT INTO t VALUES (?)", [text])
        return conn.execute("SELECT count(*) FROM v").fetchone()[0] > 0
    finally:
        conn.close()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_text_finds_a_draft_that_contains_it(store: Store, text: str) -> None:
    draft = store.create_draft(f"padding {text} padding")
    try:
        found = [hit.draft.id for hit in store.search(text)]
        if fts_query(text) and has_tokens(text):
            assert draft.id in found
    finally:
        store.delete_draft(draft.id)


def test_index_follows_edits(store: Store) -> None:
    draft = store.create_draft("marmalade")
    store.save_draft(draft.id, body="jam")
    assert store.search("marmalade") == []
    assert [h.draft.id for h in store.search("jam")] == [draft.id]


def test_limit(store: Store) -> None:
    for n in range(5):
        store.create_draft(f"note {n}")
    assert len(store.search("note", limit=3)) == 3


def test_short_words_match_whole_words_only(store: Store) -> None:
    ai = store.create_draft("Notes on AI and tools")
    store.create_draft("Fresh air in the aisle")
    assert [h.draft.id for h in store.search("ai")] == [h.draft.id for h in store.search("(ai)")] == [ai.id]
    assert len(store.search("ais")) == 1  # three letters: a prefix again


def test_a_word_in_every_draft_ranks_only_the_newest_matches(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ranking every match of a stop word is what made search stall on big libraries: only the
    newest matches are ranked, best first among them."""
    import writer.store.store as store_module

    monkeypatch.setattr(store_module, "SEARCH_CANDIDATES", 4)
    ids = [store.create_draft(f"# Note {n}\n\n" + "the " * (1 + n % 3) + "end").id for n in range(10)]
    hits = store.search("the")
    assert {h.draft.id for h in hits} == set(ids[-4:])  # the four newest, not the wordiest old ones
    assert [h.rank for h in hits] == sorted((h.rank for h in hits), reverse=True)
    assert all("«the»" in h.snippet for h in hits)


def test_a_prefix_that_would_gather_too_much_matches_the_whole_word(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import writer.store.store as store_module

    book = store.create_draft("The theme of the book")
    theme = store.create_draft("A theme only")
    assert {h.draft.id for h in store.search("the")} == {book.id, theme.id}  # a cheap prefix: "the" finds "theme"
    monkeypatch.setattr(store_module, "PREFIX_MAX_PAGES", -1)  # as if the words "the" begins filled the index
    assert [h.draft.id for h in store.search("the")] == [book.id]
    assert {h.draft.id for h in store.search("theme")} == {book.id, theme.id}


def test_a_quoted_phrase_lists_the_newest_drafts_first(store: Store) -> None:
    older = store.create_draft("to and fro, to and fro, to and fro")
    newer = store.create_draft("back to and fro once")
    store.create_draft("and to")
    assert [h.draft.id for h in store.search('"to and"')] == [newer.id, older.id]
    assert "«to and»" in store.search('"to and"')[0].snippet
