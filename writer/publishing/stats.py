"""Writing stats from save events: active time and words written per day, posts, total hours.

The app calls :func:`record_save` on every autosave (the store itself stays unaware).
Each event keeps the draft's word count after the save; words written are the positive
differences between consecutive saves of a draft. Active time is the sum of gaps
between consecutive saves (any draft) no longer than :data:`IDLE_GAP`, plus
:data:`SESSION_START` for the first save of each session: a pause longer than the gap
is not writing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from writer.publishing import activity
from writer.store import Store

IDLE_GAP = timedelta(minutes=5)
SESSION_START = timedelta(seconds=30)


@dataclass(frozen=True)
class Day:
    day: date
    active: timedelta
    words: int
    posts: int


@dataclass(frozen=True)
class Stats:
    days: list[Day]  # every day in the range, oldest first, zeros included
    total_active: timedelta  # all time

    @property
    def total_hours(self) -> float:
        return self.total_active.total_seconds() / 3600


def record_save(store: Store, draft_id: int, words: int, at: datetime | None = None) -> None:
    """One save event (cheap: one row)."""
    activity.record(store, draft_id, "save", words, at)


def _active_by_day(saves: list[datetime], tz: tzinfo | None) -> tuple[dict[date, timedelta], timedelta]:
    per_day: dict[date, timedelta] = defaultdict(timedelta)
    total = timedelta()
    previous: datetime | None = None
    for moment in saves:
        gap = moment - previous if previous is not None else None
        spent = gap if gap is not None and gap <= IDLE_GAP else SESSION_START
        per_day[moment.astimezone(tz).date()] += spent
        total += spent
        previous = moment
    return per_day, total


def writing_stats(store: Store, now: datetime, days: int = 30, *, tz: tzinfo | None = None) -> Stats:
    """Per-day stats for the last ``days`` days up to ``now`` (local dates unless ``tz``)."""
    events = activity.events(store)
    saves = [t for _, t, kind, _ in events if kind == "save" and t <= now]
    active, total = _active_by_day(saves, tz)
    words: dict[date, int] = defaultdict(int)
    last_count: dict[int | None, int] = {}
    posts: dict[date, int] = defaultdict(int)
    for draft_id, moment, kind, count in events:
        if moment > now:
            continue
        day = moment.astimezone(tz).date()
        if kind == "save":
            words[day] += max(0, count - last_count.get(draft_id, 0))
            last_count[draft_id] = count
        else:
            posts[day] += 1
    today = now.astimezone(tz).date()
    span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    return Stats(days=[Day(d, active.get(d, timedelta()), words.get(d, 0), posts.get(d, 0)) for d in span],
                 total_active=total)
