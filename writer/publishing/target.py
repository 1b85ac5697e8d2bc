"""The one small interface every publishing target implements, and what passes through it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

POST_STATUSES = ("publish", "draft", "future")


@dataclass(frozen=True)
class Post:
    """A draft as sent to a target. ``html`` is rendered and sanitised; ``marker`` is a
    client-side id hidden in the post so a target can be searched for it after a lost reply."""

    draft_id: int
    title: str
    markdown: str
    html: str
    marker: str
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    status: str = "publish"  # publish | draft | future
    date: datetime | None = None  # when status is "future": the scheduled time (else it is dated now)
    updated: datetime | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Remote:
    """Where a post lives on a target: the target's own id and the public URL."""

    id: str
    url: str


class Target(Protocol):
    """Create, update and delete posts, and find one by its marker.

    Methods raise :class:`~writer.publishing.errors.PublishError` subclasses so the
    outbox knows whether to retry, check first, or stop.
    """

    name: str

    def create(self, post: Post) -> Remote: ...

    def update(self, remote: Remote, post: Post) -> Remote: ...

    def delete(self, remote: Remote) -> None: ...

    def find(self, marker: str) -> Remote | None:
        """The post carrying ``marker``, or None when the target surely has none."""
        ...
