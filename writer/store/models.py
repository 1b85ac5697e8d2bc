"""The values the store hands out: immutable, so the UI can share them across threads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

STATUSES = ("draft", "published", "archived")


@dataclass(frozen=True)
class Draft:
    """One piece of writing as last saved."""

    id: int
    title: str
    body: str
    created: datetime
    updated: datetime
    status: str  # "draft" | "published" | "archived"
    tags: tuple[str, ...]
    word_count: int
    title_is_set: bool  # False: the title follows the body's first line
    url: str | None  # where it was published, if anywhere


@dataclass(frozen=True)
class SearchHit:
    """A search result; ``rank`` is relevance, higher is better (negated bm25)."""

    draft: Draft
    snippet: str  # matches wrapped in the ``marks`` given to ``Store.search``
    rank: float


@dataclass(frozen=True)
class Revision:
    """A snapshot of a draft's title and body, to go back to."""

    id: int
    draft_id: int
    created: datetime
    reason: str  # "autosave", "publish", "manual", "before restore", ...
    title: str
    body: str
    word_count: int


@dataclass(frozen=True)
class ProvenanceSpan:
    """Characters ``body[start:end]`` were written by a model, not the user."""

    start: int
    end: int
    model: str
    seed: int | None
    created: datetime
