"""Run slow callables off the GUI thread and get their results back as signals.

Features such as suggestions, copy-checks and publishing submit work on a named
*channel*; each submission gets a request id, and a newer request on the same
channel makes older ones stale, so their results are dropped instead of
overwriting fresher ones (the user typed on while a suggestion was computed).
"""

from __future__ import annotations

import inspect
import itertools
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ProgressFn = Callable[[object], None]
_ids = itertools.count(1)


class _TaskSignals(QObject):
    """Lives in the GUI thread; the worker thread emits, Qt queues the delivery."""

    done = Signal(int, object)
    failed = Signal(int, object, str)
    progress = Signal(int, object)


class _Task(QRunnable):
    def __init__(self, request_id: int, fn: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any], signals: _TaskSignals) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self.request_id = request_id
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = signals

    def run(self) -> None:
        try:
            try:
                result = self.fn(*self.args, **self.kwargs)
            except BaseException as exc:
                self.signals.failed.emit(self.request_id, exc, traceback.format_exc())
            else:
                self.signals.done.emit(self.request_id, result)
        except RuntimeError:
            pass  # the app is shutting down and the receiver is gone: nobody wants the result


@dataclass
class _Pending:
    channel: str
    signals: _TaskSignals
    on_result: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[Any], None] | None


class Worker(QObject):
    """Submit callables to a thread pool; results come back on the GUI thread.

    ``submit(fn, *args, channel="suggest", on_result=..., on_error=..., on_progress=...)``
    returns a request id. If ``fn`` accepts a ``progress`` keyword it is given a
    thread-safe callable to report progress with. Besides the callbacks, the
    :attr:`finished`, :attr:`failed` and :attr:`progressed` signals carry
    ``(channel, request_id, value)`` for code that prefers signals.
    """

    finished = Signal(str, int, object)
    failed = Signal(str, int, object)
    progressed = Signal(str, int, object)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._latest: dict[str, int] = {}
        self._pending: dict[int, _Pending] = {}

    def submit(self, fn: Callable[..., Any], *args: Any, channel: str = "default",
               on_result: Callable[[Any], None] | None = None,
               on_error: Callable[[BaseException], None] | None = None,
               on_progress: Callable[[Any], None] | None = None, **kwargs: Any) -> int:
        """Start ``fn(*args, **kwargs)`` in the pool; older work on ``channel`` becomes stale."""
        request_id = next(_ids)
        signals = _TaskSignals()
        signals.done.connect(self._on_done)
        signals.failed.connect(self._on_failed)
        signals.progress.connect(self._on_progress)
        if _accepts_progress(fn):
            kwargs = {**kwargs, "progress": lambda value: signals.progress.emit(request_id, value)}
        self._latest[channel] = request_id
        self._pending[request_id] = _Pending(channel, signals, on_result, on_error, on_progress)
        self.pool.start(_Task(request_id, fn, args, kwargs, signals))
        return request_id

    def is_current(self, request_id: int) -> bool:
        """True while ``request_id`` is the newest request on its channel and not cancelled."""
        pending = self._pending.get(request_id)
        return pending is not None and self._latest.get(pending.channel) == request_id

    def cancel(self, channel: str) -> None:
        """Drop whatever is running on ``channel``: its result will never be delivered."""
        self._latest.pop(channel, None)

    def busy(self, channel: str | None = None) -> bool:
        """Whether work (on ``channel``, or any) is still running."""
        return any(channel is None or p.channel == channel for p in self._pending.values())

    def wait(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (for shutdown and tests)."""
        return self.pool.waitForDone(msecs)

    @Slot(int, object)
    def _on_done(self, request_id: int, result: object) -> None:
        pending = self._finish(request_id)
        if pending is None:
            return
        if pending.on_result is not None:
            pending.on_result(result)
        self.finished.emit(pending.channel, request_id, result)

    @Slot(int, object, str)
    def _on_failed(self, request_id: int, exc: object, tb: str) -> None:
        pending = self._finish(request_id)
        if pending is None:
            return
        if pending.on_error is not None:
            pending.on_error(exc)  # type: ignore[arg-type]
        else:
            log.error("background task on %r failed:\n%s", pending.channel, tb)
        self.failed.emit(pending.channel, request_id, exc)

    @Slot(int, object)
    def _on_progress(self, request_id: int, value: object) -> None:
        if not self.is_current(request_id):
            return
        pending = self._pending[request_id]
        if pending.on_progress is not None:
            pending.on_progress(value)
        self.progressed.emit(pending.channel, request_id, value)

    def _finish(self, request_id: int) -> _Pending | None:
        """Forget ``request_id``; return it only if its result is still wanted."""
        current = self.is_current(request_id)
        pending = self._pending.pop(request_id, None)
        if pending is None:
            return None
        if current:
            del self._latest[pending.channel]
        pending.signals.deleteLater()
        return pending if current else None


def _accepts_progress(fn: Callable[..., Any]) -> bool:
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "progress" in params
