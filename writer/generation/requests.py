"""What the suggestions panel asks for, and the job that runs it on a worker thread.

Qt-free: the job reports through the ``progress`` callable the :class:`~writer.ui.workers.Worker`
hands it (a queued signal, so every event reaches the GUI thread in order, tagged with the
request id and dropped there once stale). Compare mode runs its models one after another by
default: on two shared cores running them in parallel threads finished in ~0.6–0.7× the wall
time but pushed the editor's p99 event-loop stall to ~30 ms, against ~5–10 ms one by one
(``benchmarks/responsiveness.py``); the ``suggest.compare_parallel`` setting picks parallel.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

from writer.errors import WriterError
from writer.generation.packs import Pack
from writer.generation.polish import Polish
from writer.generation.sampler_settings import SamplerSettings
from writer.generation.streaming import Stop


class EngineLike(Protocol):
    """What the panel needs of an engine (tests wrap a real one to control timing)."""

    @property
    def loaded(self) -> bool: ...

    def load(self) -> Any: ...

    def generate(self, prompt: str = "", **kwargs: Any) -> Any: ...


EngineFor = Callable[[Pack], EngineLike]
Progress = Callable[[object], None]


def default_engine_for(pack: Pack) -> EngineLike:
    """The process-wide cached engine of ``pack`` (not loaded yet: the job reports loading)."""
    from writer.generation import engines

    return engines().get(pack, load=False)


@dataclass(frozen=True)
class Column:
    """One model's share of a request: ``n`` continuations with these settings."""

    pack: Pack
    settings: SamplerSettings


@dataclass(frozen=True)
class Request:
    """One batch: ``kind`` is "suggest", "reroll", "compare" or "surprise"."""

    kind: str
    prompt: str
    columns: tuple[Column, ...]
    n: int
    seed: int
    stop: Stop = "paragraph"
    parallel: bool = False  # columns in threads at once (see the module docstring)
    memory: str = ""  # the draft's memory note, read before the text
    polish: Polish | None = None  # the decoder's care (healing, clean ends, names, best of several)


@dataclass
class Item:
    """One suggestion as the panel shows it."""

    model: str
    display: str
    text: str = ""
    state: str = "waiting"  # waiting, loading, generating, done, error
    error: str = ""
    score: float | None = None  # mean log-probability per token, the pack's own


@dataclass
class Batch:
    """A request's suggestions; kept in the panel's history for ← / →."""

    request_id: int
    request: Request
    items: list[Item] = field(default_factory=list)
    error: str = ""

    @property
    def seed(self) -> int:
        return self.request.seed

    @property
    def done(self) -> bool:
        return all(item.state in ("done", "error") for item in self.items)

    def index(self, column: int, row: int) -> int:
        return column * self.request.n + row

    @classmethod
    def start(cls, request_id: int, request: Request) -> Batch:
        items = [Item(c.pack.name, c.pack.display_name) for c in request.columns for _ in range(request.n)]
        return cls(request_id, request, items)


def run_request(request: Request, cancel: threading.Event, engine_for: EngineFor, progress: Progress) -> bool:
    """Generate every column of ``request``; events go to ``progress``. Returns False if cancelled.

    Events: ``("loading", col)``, ``("generating", col)``, ``("step", col, step, deltas)``,
    ``("done", col, texts, scores)`` and ``("error", col, message)``. One failing model never stops
    the others. Several columns run in parallel threads when ``request.parallel``.
    """
    columns = list(enumerate(request.columns))
    if request.parallel and len(columns) > 1:
        with ThreadPoolExecutor(max_workers=len(columns), thread_name_prefix="compare") as pool:
            finished = list(pool.map(lambda c: _run_column(request, c[0], c[1], cancel, engine_for, progress),
                                     columns))
        return all(finished) and not cancel.is_set()
    for col, column in columns:
        if not _run_column(request, col, column, cancel, engine_for, progress):
            return False
    return not cancel.is_set()


def _run_column(request: Request, col: int, column: Column, cancel: threading.Event, engine_for: EngineFor,
                progress: Progress) -> bool:
    if cancel.is_set():
        return False
    try:
        engine = engine_for(column.pack)
        if not engine.loaded:
            progress(("loading", col))
            engine.load()
        progress(("generating", col))

        def on_step(step: int, deltas: list[str]) -> None:
            if any(deltas):
                progress(("step", col, step, list(deltas)))

        result = engine.generate(request.prompt, n=request.n, settings=column.settings, seed=request.seed,
                                 stop=request.stop, on_step=on_step, cancel=cancel, memory=request.memory,
                                 polish=request.polish)
    except WriterError as exc:
        progress(("error", col, str(exc)))
        return True
    except Exception as exc:  # a broken pack must not take the panel down with it
        progress(("error", col, f"Model pack '{column.pack.name}' failed: {exc}"))
        return True
    if result.cancelled:
        return False
    progress(("done", col, list(result.texts), list(getattr(result, "scores", None) or [])))
    return True
