"""Copy checking for the app, with no Qt: which indexes to use, paragraph-wise checks that can
be abandoned half way, suggestion badges, and the check publishing runs before it posts.

The Qt side (:mod:`writer.ui.copycheck`) runs :meth:`CopyService.check_paragraphs` on a worker
thread; publishing calls :func:`copy_flags_for_publish` from wherever it likes.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import itertools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

from writer import paths
from writer.copycheck import Checker, CopyIndex, Flag
from writer.copycheck.index import META_FILE
from writer.copycheck.locate import model_index_dir, model_names
from writer.copycheck.quotes import as_quotes, quote_ranges, quoted_lines
from writer.copycheck.results import (
    Badge,
    CheckResult,
    Mark,
    ProgressFn,
    Superseded,
    badge_for,
    locate,
    marks_for,
)
from writer.errors import WriterError

__all__ = ["Badge", "CheckResult", "CopyService", "Mark", "Superseded", "copy_flags_for_publish",
           "shared_service"]

SCOPES = ("all", "model")
#: New paragraphs are checked this many characters at a time (progress and cancelling
#: happen between batches, and inside one every 50,000 words).
BATCH_CHARS = 50_000
#: Joins a batch's paragraphs: an invented word, so no window of words that spans two
#: paragraphs can match a corpus, and no flag crosses a paragraph break (as in the editor).
BARRIER = "\n\nzqxjvbarrierzqxjv\n\n"
#: Progress is first reported after this long, so quick checks never flash a progress bar.
PROGRESS_AFTER_S = 0.15
PROGRESS_EVERY_S = 0.1
#: Paragraphs whose marks are remembered: a whole novel, so re-checking one is instant.
CACHE_PARAGRAPHS = 100_000
#: Finding packs reads every pack's tokenizer (0.1–0.2 s), so where the indexes are is
#: remembered this long; a pack installed meanwhile is noticed afterwards (or on Recheck).
RESOLVE_TTL_S = 60.0



@functools.lru_cache(maxsize=64)
def display_name(index_dir: str) -> str:
    """What the writer calls the index's model ("Vanilla", not "vanilla"): its pack card's name
    (a corpus of the writer's own has no card: its folder's name)."""
    from writer.generation.packs import display_name as pack_display_name

    return pack_display_name(Path(index_dir).parent)


def index_dirs(scope: str, model: str) -> list[tuple[str, Path]]:
    """The ``(name, copyindex folder)`` pairs a scope checks against."""
    if scope not in SCOPES:
        raise WriterError(f"copycheck.scope must be one of {', '.join(SCOPES)}, not {scope!r}")
    if scope == "model":
        if not model:
            raise WriterError("no model is selected: choose one, or set copycheck.scope to 'all'")
        return [(model, model_index_dir(model))]
    return [(name, model_index_dir(name)) for name in model_names()]


class CopyService:
    """Keeps one :class:`Checker` per scope (its paragraph cache makes re-checks cheap).

    A Checker is not thread-safe, so one lock serialises runs; a run that has been
    superseded gives the lock up at its next paragraph.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._checkers: dict[tuple[tuple[str, str, float], ...], tuple[Checker, list[str]]] = {}
        self._dirs: dict[tuple[str, str, str], tuple[float, list[tuple[str, Path]]]] = {}
        self._cache: OrderedDict[str, tuple[Mark, ...]] = OrderedDict()

    def forget(self) -> None:
        """Look for packs and indexes afresh at the next check (the user asked to recheck)."""
        with self._lock:
            self._dirs.clear()
            self._checkers.clear()

    def _index_dirs(self, scope: str, model: str) -> list[tuple[str, Path]]:
        key = (scope, model, str(paths.data_dir()))
        now = time.monotonic()
        cached = self._dirs.get(key)
        if cached is not None and now - cached[0] < RESOLVE_TTL_S:
            return cached[1]
        dirs = index_dirs(scope, model)
        self._dirs[key] = (now, dirs)
        return dirs

    def checker(self, scope: str, model: str) -> tuple[Checker, list[str]]:
        """The checker for ``scope`` (and warnings about indexes skipped); WriterError if none.

        Keyed by each index's file times, so rebuilding an index takes effect at the next check.
        """
        dirs = self._index_dirs(scope, model)
        key = tuple((name, str(path), _mtime(path)) for name, path in dirs)
        cached = self._checkers.get(key)
        if cached is not None:
            return cached
        indexes, warnings = [], []
        for name, path in dirs:
            try:
                indexes.append(CopyIndex.load(path))
            except WriterError as exc:
                if scope == "model":
                    raise WriterError(f"the '{name}' model's copy index cannot be used: {exc}") from None
                warnings.append(f"skipped '{name}': {exc}")
        if not indexes:
            detail = ("; ".join(warnings) if warnings
                      else "no installed model pack has a copy index (build one with "
                           "'python -m models index NAME' or 'writer corpus index')")
            raise WriterError(f"copy check is off: {detail}")
        entry = (Checker(indexes), warnings)
        self._checkers = {key: entry}
        self._cache = OrderedDict()  # marks per paragraph, for this scope's checker only
        return entry

    def check_paragraphs(self, paragraphs: Sequence[str], scope: str, model: str, *,
                         superseded: Callable[[], bool] = lambda: False,
                         progress: ProgressFn | None = None) -> CheckResult:
        """Marks for every distinct paragraph; raises :class:`Superseded` once ``superseded()``.

        Paragraphs seen before (with this scope) cost a dictionary lookup. New ones are checked
        in batches joined by :data:`BARRIER`: one engine call per paragraph costs about 0.9 ms
        per index however short the paragraph, so a pasted novel of 4,000 paragraphs took 3.6 s
        against one index (8.8 s against three) that way, and about 1 s batched.
        """
        with self._lock:
            checker, warnings = self.checker(scope, model)
            cache = self._cache
            unique = list(dict.fromkeys(p for p in paragraphs if p.strip()))
            todo = [p for p in unique if p not in cache]
            total = sum(len(p) for p in todo)
            done = 0
            t0 = time.perf_counter()
            last = t0 - PROGRESS_EVERY_S  # the first report is due once PROGRESS_AFTER_S has passed

            def report(value: int) -> None:
                nonlocal last
                if superseded():
                    raise Superseded
                now = time.perf_counter()
                if progress is not None and now - t0 >= PROGRESS_AFTER_S and now - last >= PROGRESS_EVERY_S:
                    last = now
                    progress((min(value, total), total))

            for batch in _batches(todo, BATCH_CHARS):
                report(done)
                joined = BARRIER.join(batch)
                offsets = list(itertools.accumulate((len(p) + len(BARRIER) for p in batch[:-1]), initial=0))

                def inner(part: int, whole: int, base: int = done, size: int = len(joined)) -> None:
                    report(base + size * part // max(1, whole))

                found: list[list[Flag]] = [[] for _ in batch]
                for flag in checker.check(joined, progress=inner):
                    i = bisect.bisect_right(offsets, flag.start) - 1
                    found[i].append(flag.shifted(-offsets[i]))
                for para, flags in zip(batch, found, strict=True):
                    cache[para] = marks_for(para, flags) if flags else ()
                    if len(cache) > CACHE_PARAGRAPHS:
                        cache.popitem(last=False)
                done += sum(len(p) for p in batch)
            report(done)
            marks = {}
            quoted = {p for p, q in zip(paragraphs, quoted_lines(paragraphs), strict=True) if q}
            for para in unique:
                cache.move_to_end(para)
                if cache[para]:  # quotation is the draft's doing, not the paragraph's: applied after the cache
                    marks[para] = _as_quote_marks(cache[para]) if para in quoted else cache[para]
            located, copies, echoes = locate(paragraphs, marks)
            shown = [display_name(str(ix.path)) for ix in checker.indexes]
            return CheckResult(marks, shown, list(warnings), located, copies, echoes)

    def suggestion_badge(self, prompt_tail: str, suggestion: str, scope: str, model: str) -> Badge | None:
        """Check ``prompt_tail + suggestion``; badge only spans that reach into the suggestion.

        The prompt tail matters: a copy that starts in the draft and runs on in the suggestion
        is still a copy the suggestion would complete.
        """
        with self._lock:
            checker, _ = self.checker(scope, model)
            flags = [f for f in checker.check(prompt_tail + suggestion) if f.end > len(prompt_tail)]
        return badge_for(flags)

    def publish_flags(self, text: str, scope: str, model: str) -> list[Flag]:
        with self._lock:
            checker, _ = self.checker(scope, model)
            flags = as_quotes(checker.check(text), quote_ranges(text))
        return [f for f in flags if f.level == "copy"]


def _as_quote_marks(marks: tuple[Mark, ...]) -> tuple[Mark, ...]:
    return tuple(Mark(m.start, m.end, dataclasses.replace(m.flag, level="quote")) for m in marks)


def _batches(paragraphs: Sequence[str], limit: int) -> list[list[str]]:
    out: list[list[str]] = []
    size = limit
    for para in paragraphs:
        if size + len(para) > limit and (not out or out[-1]):
            out.append([])
            size = 0
        out[-1].append(para)
        size += len(para)
    return out


def _mtime(path: Path) -> float:
    try:
        return (path / META_FILE).stat().st_mtime
    except OSError:
        return -1.0


_shared = CopyService()


def shared_service() -> CopyService:
    """One service per process, so the app, badges and publishing share a warm cache."""
    return _shared


def copy_flags_for_publish(text: str, *, scope: str | None = None, model: str | None = None) -> list[Flag]:
    """The *copies* (spans of 20+ words found verbatim in a corpus) in ``text``, in order; a
    passage set as a blockquote is a quotation, not a copy (:mod:`writer.copycheck.quotes`).

    Publishing warns before posting a draft for which this is not empty. The whole text is
    checked at once, so a copy that runs across a paragraph break is found too. ``scope``
    and ``model`` default to the ``copycheck.scope`` and ``suggest.default_model`` settings.
    Raises :class:`WriterError` (say so, and let the user publish anyway) when no usable
    copy index is installed.
    """
    if scope is None or model is None:
        from writer.settings import Settings

        settings = Settings.load()
        scope = scope if scope is not None else settings.get("copycheck.scope")
        model = model if model is not None else settings.get("suggest.default_model")
    return shared_service().publish_flags(text, scope, model)
