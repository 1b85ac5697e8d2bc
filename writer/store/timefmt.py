"""Human times for lists ("edited 3 days ago"), shared by the CLI and the app."""

from __future__ import annotations

from datetime import UTC, datetime


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'} ago"


def ago(dt: datetime, now: datetime | None = None) -> str:
    """How long before ``now`` (default: the current time) ``dt`` was; naive times count as UTC."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    seconds = int((now - dt).total_seconds())
    if seconds < 45:  # includes a clock slightly ahead of ours
        return "just now"
    minutes = round(seconds / 60)
    if minutes < 60:
        return _plural(max(1, minutes), "minute")
    hours = round(seconds / 3600)
    if hours < 24:
        return _plural(hours, "hour")
    days = max(1, seconds // 86400)  # 23.5 h rounds to 24 hours: that is a day
    if days == 1:
        return "yesterday"
    if days < 14:
        return _plural(days, "day")
    if days < 60:
        return _plural(days // 7, "week")
    if days < 365:
        return _plural(days // 30, "month")
    return _plural(days // 365, "year")
