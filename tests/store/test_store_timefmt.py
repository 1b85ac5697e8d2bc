from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from writer.store.timefmt import ago

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("delta", "text"), [
    (timedelta(seconds=-30), "just now"),
    (timedelta(seconds=10), "just now"),
    (timedelta(seconds=50), "1 minute ago"),
    (timedelta(minutes=5), "5 minutes ago"),
    (timedelta(minutes=61), "1 hour ago"),
    (timedelta(hours=5), "5 hours ago"),
    (timedelta(hours=23, minutes=40), "yesterday"),  # rounds to 24 hours: not "0 days ago"
    (timedelta(hours=30), "yesterday"),
    (timedelta(days=3), "3 days ago"),
    (timedelta(days=20), "2 weeks ago"),
    (timedelta(days=95), "3 months ago"),
    (timedelta(days=800), "2 years ago"),
])
def test_ago(delta: timedelta, text: str) -> None:
    assert ago(NOW - delta, now=NOW) == text


def test_naive_times_are_utc() -> None:
    assert ago(datetime(2025, 6, 12, 12, 0), now=NOW) == "3 days ago"
