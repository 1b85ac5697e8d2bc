"""A draft's history: which revisions to keep as they age, and what changed between two texts.

Autosave takes a revision every few minutes of writing, so a draft worked on for a month would
pile up thousands. Like backup tools do, history thins with age: every revision of the last day,
the newest of each hour for a week, the newest of each day after that, and never more than a
size budget per draft. Revisions the writer asked for, or took before publishing or restoring,
stay whatever their age (within the budget, the oldest of them go last).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

KEEP_ALL_FOR = timedelta(days=1)
KEEP_HOURLY_FOR = timedelta(days=7)
#: Bodies kept per draft at most (UTF-8 bytes): a 5 MB pasted novel keeps its last few states.
BUDGET_BYTES = 32 * 1024 * 1024
#: Reasons a revision is kept whatever its age (only the size budget removes them).
PINNED = frozenset({"manual", "publish", "before publish", "before restore"})

_WORDS = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Kept:
    """What thinning needs to know about one revision."""

    id: int
    created: datetime
    reason: str
    size: int  # bytes of title and body


def to_drop(revisions: Sequence[Kept], now: datetime, budget: int = BUDGET_BYTES) -> set[int]:
    """Ids of revisions to delete; the newest revision is always kept.

    Over the size budget, history coarsens from the newest end first (today hourly, then the
    week daily) before any day loses its last version: a long day of writing a big draft must
    not cost the previous weeks.
    """
    if not revisions:
        return set()
    newest_first = sorted(revisions, key=lambda r: (r.created, r.id), reverse=True)
    keep = _thinned(newest_first, now, coarse=0)
    for coarse in (1, 2):
        if _size(keep) <= budget:
            break
        keep = _thinned(newest_first, now, coarse)
    total = _size(keep)
    # still over budget: the oldest unpinned go first, then the oldest pinned, never the newest
    for rev in sorted(keep[1:], key=lambda r: (r.reason in PINNED, r.created, r.id)):
        if total <= budget:
            break
        keep.remove(rev)
        total -= rev.size
    kept_ids = {r.id for r in keep}
    return {r.id for r in revisions if r.id not in kept_ids}


def _thinned(newest_first: Sequence[Kept], now: datetime, coarse: int) -> list[Kept]:
    """The newest, the pinned, and the newest revision of each slot: ``coarse`` 0 keeps all of the
    last day, hourly for a week and daily after; 1 makes the last day hourly; 2 makes it all daily."""
    keep = [newest_first[0]]
    seen: set[str] = set()
    for rev in newest_first[1:]:
        age = now - rev.created
        if rev.reason in PINNED or (coarse == 0 and age < KEEP_ALL_FOR):
            keep.append(rev)
            continue
        slot = rev.created.strftime("%Y%m%d%H" if coarse < 2 and age < KEEP_HOURLY_FOR else "%Y%m%d")
        if slot not in seen:  # newest first: the first seen of a slot is its newest
            seen.add(slot)
            keep.append(rev)
    return keep


def _size(revisions: Iterable[Kept]) -> int:
    return sum(r.size for r in revisions)


@dataclass(frozen=True)
class Change:
    """One piece of a diff: ``op`` is "same", "added" or "removed"."""

    op: str
    text: str


def diff(old: str, new: str) -> list[Change]:
    """Word-level changes from ``old`` to ``new``, paragraph by paragraph.

    Paragraphs are matched first, then words inside the paragraphs that changed, so a long draft
    with one edited sentence costs about as much as that paragraph (a word diff of a whole novel
    is quadratic in the worst case).
    """
    out: list[Change] = []
    old_paras, new_paras = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(None, old_paras, new_paras, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            _push(out, "same", "".join(old_paras[a0:a1]))
        elif op == "replace":
            out.extend(_word_diff("".join(old_paras[a0:a1]), "".join(new_paras[b0:b1])))
        elif op == "delete":
            _push(out, "removed", "".join(old_paras[a0:a1]))
        else:
            _push(out, "added", "".join(new_paras[b0:b1]))
    return _merged(out)


def _word_diff(old: str, new: str) -> list[Change]:
    """Words removed and added; changes separated only by spaces read as one phrase replaced
    ("[-nobody saw them-]{+the gulls knew it+}", not word by word in turn)."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    out: list[Change] = []
    removed: list[str] = []
    added: list[str] = []
    gap = ""  # spaces after a change: part of the phrase if another change follows, else unchanged text

    def flush() -> None:
        _push(out, "removed", "".join(removed))
        _push(out, "added", "".join(added))
        removed.clear()
        added.clear()

    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        same = "".join(a[a0:a1])
        if op == "equal" and not same.strip() and (removed or added):
            gap += same
            continue
        if op == "equal":
            flush()
            _push(out, "same", gap + same)
            gap = ""
            continue
        removed.append(gap + "".join(a[a0:a1]))
        added.append(gap + "".join(b[b0:b1]))
        gap = ""
    flush()
    _push(out, "same", gap)
    return out


def _push(out: list[Change], op: str, text: str) -> None:
    if text:
        out.append(Change(op, text))


def _merged(changes: Iterable[Change]) -> list[Change]:
    out: list[Change] = []
    for change in changes:
        if out and out[-1].op == change.op:
            out[-1] = Change(change.op, out[-1].text + change.text)
        else:
            out.append(change)
    return out


def words_changed(changes: Iterable[Change]) -> tuple[int, int]:
    """(words added, words removed) in a diff."""
    added = removed = 0
    for change in changes:
        if change.op == "added":
            added += len(change.text.split())
        elif change.op == "removed":
            removed += len(change.text.split())
    return added, removed


def unified(changes: Iterable[Change]) -> str:
    """A diff as plain text for a terminal: removed words in [-…-], added in {+…+} (wdiff's marks)."""
    parts = []
    for change in changes:
        if change.op == "same":
            parts.append(change.text)
        elif change.op == "added":
            parts.append(f"{{+{change.text}+}}")
        else:
            parts.append(f"[-{change.text}-]")
    return "".join(parts)
