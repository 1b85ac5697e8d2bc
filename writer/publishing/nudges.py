"""Nudges: which drafts are stalled, how long since the last post, the posting streak.

Plain functions of the store and a ``now`` the caller passes, so tests (and the UI's
clock) decide what "today" is. The streak counts **consecutive calendar weeks**
(Monday to Sunday, local time) with at least one post: a weekly rhythm is what a
writer can keep, and a week without a post so far does not break it until it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from writer.publishing import activity
from writer.publishing import outbox as ob
from writer.store import Draft, Store

DEFAULT_STALLED_DAYS = 7


@dataclass(frozen=True)
class Stalled:
    draft: Draft
    age_days: int  # days since the draft was created


@dataclass(frozen=True)
class Rhythm:
    """What the status bar shows."""

    days_since_last_post: int | None  # None: never posted
    streak_weeks: int
    posts_this_week: int
    weekly_goal: int  # 0: no goal


def age_days(draft: Draft, now: datetime) -> int:
    return max(0, (now - draft.created).days)


def stalled_drafts(store: Store, now: datetime, days: int = DEFAULT_STALLED_DAYS, *,
                   include_snoozed: bool = False) -> list[Stalled]:
    """Unpublished drafts older than ``days`` with some text, oldest first; snoozed ones left out."""
    snoozed = {} if include_snoozed else ob.snoozed_until(store)
    found = [Stalled(d, age_days(d, now)) for d in store.list_drafts(status="draft", order="created")
             if age_days(d, now) >= days and (d.body.strip() or d.title_is_set)
             and not (d.id in snoozed and snoozed[d.id] > now)]
    return sorted(found, key=lambda s: (s.draft.created, s.draft.id))


def oldest_stalled(store: Store, now: datetime, days: int = DEFAULT_STALLED_DAYS) -> Stalled | None:
    stalled = stalled_drafts(store, now, days)
    return stalled[0] if stalled else None


def post_times(store: Store) -> list[datetime]:
    """When each new post went out (updates do not count), oldest first."""
    return [t for _, t, _, _ in activity.events(store, kind="publish")]


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def rhythm(store: Store, now: datetime, *, weekly_goal: int = 0, tz: tzinfo | None = None) -> Rhythm:
    """Days since the last post, the weekly streak and this week's count against the goal."""
    local_now = now.astimezone(tz)
    posts = [t.astimezone(tz) for t in post_times(store) if t <= now]
    if not posts:
        return Rhythm(None, 0, 0, weekly_goal)
    since = (local_now.date() - posts[-1].date()).days
    weeks = {_week(t.date()) for t in posts}
    this_week = _week(local_now.date())
    posts_this_week = sum(1 for t in posts if _week(t.date()) == this_week)
    week = this_week if this_week in weeks else this_week - timedelta(weeks=1)
    streak = 0
    while week in weeks:
        streak += 1
        week -= timedelta(weeks=1)
    return Rhythm(since, streak, posts_this_week, weekly_goal)


def describe(r: Rhythm) -> str:
    """``3 days since last post · 2-week streak · 1/2 this week``."""
    if r.days_since_last_post is None:
        parts = ["No posts yet"]
    elif r.days_since_last_post == 0:
        parts = ["Posted today"]
    else:
        n = r.days_since_last_post
        parts = [f"{n} day{'s' if n != 1 else ''} since last post"]
    if r.streak_weeks:
        parts.append(f"{r.streak_weeks}-week streak")
    if r.weekly_goal:
        parts.append(f"{r.posts_this_week}/{r.weekly_goal} this week")
    return " · ".join(parts)
