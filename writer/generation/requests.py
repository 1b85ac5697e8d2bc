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
from dataclasses import dataclass
from typing import Any, Protocol

from writer.errors import WriterError
from writer.generation.packs import Pack
from writer.generation.polish import Polish
from writer.generation.sampler_settings import SamplerSettings
from writer.generation.streaming import Stop
from writer.generation.token_info import TokenInfo


class EngineLike(Protocol):
    """What the panel needs of an engine (tests wrap a real one to control timing)."""

    @property
    def loaded(self) -> bool: ...

    def load(self) -> Any: ...

    def generate(self, prompt: str = "", **kwargs: Any) -> Any: ...


EngineFor = Callable[[Pack], EngineLike]


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
    alternatives: int = 0  # the pack's top choices reported per token (the token view); 0: none


@dataclass(frozen=True)
class Loading:
    """Column ``col``'s model is being loaded (its first use)."""

    col: int


@dataclass(frozen=True)
class Generating:
    """Column ``col``'s model has started writing."""

    col: int


@dataclass(frozen=True)
class Step:
    """New text for column ``col`` at token ``step``: ``deltas[row]`` is that row's addition ("" for none)."""

    col: int
    step: int
    deltas: tuple[str, ...]


@dataclass(frozen=True)
class Done:
    """Column ``col`` finished: its final texts (best first), their scores and, when asked for, each
    text's tokens with what the pack weighed there (the token view)."""

    col: int
    texts: tuple[str, ...]
    scores: tuple[float, ...] = ()
    tokens: tuple[tuple[TokenInfo, ...], ...] = ()


@dataclass(frozen=True)
class Failed:
    """Column ``col``'s model failed; ``message`` is the one line the writer reads."""

    col: int
    message: str


Event = Loading | Generating | Step | Done | Failed
Progress = Callable[[Event], None]


def run_request(request: Request, cancel: threading.Event, engine_for: EngineFor, progress: Progress) -> bool:
    """Generate every column of ``request``; events go to ``progress``. Returns False if cancelled.

    Events (:data:`Event`): :class:`Loading`, :class:`Generating`, :class:`Step` per token batch,
    then :class:`Done` or :class:`Failed`, each for one column. One failing model never stops
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
            progress(Loading(col))
            engine.load()
        progress(Generating(col))

        def on_step(step: int, deltas: list[str]) -> None:
            if any(deltas):
                progress(Step(col, step, tuple(deltas)))

        extra = {"alternatives": request.alternatives} if request.alternatives else {}
        result = engine.generate(request.prompt, n=request.n, settings=column.settings, seed=request.seed,
                                 stop=request.stop, on_step=on_step, cancel=cancel, memory=request.memory,
                                 polish=request.polish, **extra)
    except WriterError as exc:
        progress(Failed(col, str(exc)))
        return True
    except Exception as exc:  # a broken pack must not take the panel down with it
        progress(Failed(col, f"Model pack '{column.pack.name}' failed: {exc}"))
        return True
    if result.cancelled:
        return False
    progress(Done(col, tuple(result.texts), tuple(getattr(result, "scores", None) or ()),
                  tuple(tuple(row) for row in getattr(result, "tokens", None) or ())))
    return True
