"""Writing stats from save events: active time and words written per day, posts, total hours.

The app calls :func:`record_save` on every autosave (the store itself stays unaware).
Each event keeps the draft's word count after the save, how many of those words a model
wrote (its provenance spans), and how many words were pasted in since the save before.
Words written are the words the writer *typed*: the growth of the draft's own (not
machine-written) words between consecutive saves, less what was pasted. Active time is the
sum of gaps between consecutive writing saves (any draft) no longer than :data:`IDLE_GAP`,
plus :data:`SESSION_START` for the first save of each session: a pause longer than the
gap is not writing, and neither is a save that only brought in pasted or machine text.
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

    @property
    def mastery_share(self) -> float:
        """How far toward :data:`MASTERY_HOURS` the writing time has come (0–1)."""
        return min(1.0, self.total_hours / MASTERY_HOURS)


#: The hours of practice said to make a master: the stats view counts toward them.
MASTERY_HOURS = 10_000


def record_save(store: Store, draft_id: int, words: int, at: datetime | None = None, *, machine: int = 0,
                pasted: int = 0) -> None:
    """One save event (cheap: one row): ``words`` in the draft, ``machine`` of them model-written,
    ``pasted`` words pasted in since the last save."""
    activity.record(store, draft_id, "save", words, at, machine=machine, pasted=pasted)


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


def _typed(saves: list[activity.Save]) -> list[tuple[activity.Save, int, bool]]:
    """Each save with the words the writer typed in it and whether it was writing at all
    (not a save that only brought in pasted or machine-written text)."""
    own: dict[int | None, int] = {}
    machine: dict[int | None, int] = {}
    out = []
    for save in saves:
        mine = save.words - save.machine
        grown = mine - own.get(save.draft_id, 0)
        typed = max(0, grown - save.pasted)
        only_brought_in = typed == 0 and (save.pasted > 0 or save.machine > machine.get(save.draft_id, 0))
        out.append((save, typed, not only_brought_in))
        own[save.draft_id], machine[save.draft_id] = mine, save.machine
    return out


def writing_stats(store: Store, now: datetime, days: int = 30, *, tz: tzinfo | None = None) -> Stats:
    """Per-day stats for the last ``days`` days up to ``now`` (local dates unless ``tz``)."""
    typed = [(save, n, writing) for save, n, writing in _typed(activity.saves(store)) if save.at <= now]
    active, total = _active_by_day([save.at for save, _, writing in typed if writing], tz)
    words: dict[date, int] = defaultdict(int)
    for save, n, _ in typed:
        words[save.at.astimezone(tz).date()] += n
    posts: dict[date, int] = defaultdict(int)
    for _, moment, _, _ in activity.events(store, kind="publish"):
        if moment <= now:
            posts[moment.astimezone(tz).date()] += 1
    today = now.astimezone(tz).date()
    span = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    return Stats(days=[Day(d, active.get(d, timedelta()), words.get(d, 0), posts.get(d, 0)) for d in span],
                 total_active=total)
