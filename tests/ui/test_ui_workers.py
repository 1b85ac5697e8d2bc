"""Background work: results come back on the GUI thread, stale results are dropped."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from writer.ui.workers import Worker


@pytest.fixture
def worker(qtbot: QtBot):
    w = Worker()
    yield w
    w.wait(5000)


def test_result_arrives_on_the_gui_thread(qtbot: QtBot, worker: Worker) -> None:
    seen = {}

    def work(x: int) -> int:
        seen["thread"] = QThread.currentThread()
        return x * 2

    got = []
    with qtbot.waitSignal(worker.finished, timeout=3000) as blocker:
        worker.submit(work, 21, channel="calc", on_result=lambda r: got.append((r, QThread.currentThread())))
    assert blocker.args[0] == "calc" and blocker.args[2] == 42
    assert got == [(42, QApplication.instance().thread())]
    assert seen["thread"] is not QApplication.instance().thread()


def test_newer_request_makes_older_one_stale(qtbot: QtBot, worker: Worker) -> None:
    release = threading.Event()

    def slow(value: str) -> str:
        release.wait(5)
        return value

    got: list[str] = []
    old = worker.submit(slow, "old", channel="suggest", on_result=got.append)
    new = worker.submit(lambda v: v, "new", channel="suggest", on_result=got.append)
    assert not worker.is_current(old) and worker.is_current(new)
    qtbot.waitUntil(lambda: got == ["new"])
    release.set()
    worker.wait(5000)
    qtbot.wait(50)
    assert got == ["new"]


def test_channels_are_independent_and_cancel_drops(qtbot: QtBot, worker: Worker) -> None:
    got: list[str] = []
    release = threading.Event()
    worker.submit(lambda: "a", channel="a", on_result=got.append)
    worker.submit(lambda: (release.wait(5), "b")[1], channel="b", on_result=got.append)
    worker.cancel("b")
    release.set()
    worker.wait(5000)
    qtbot.waitUntil(lambda: got == ["a"])
    qtbot.wait(50)
    assert got == ["a"] and not worker.busy()


def test_progress_and_errors(qtbot: QtBot, worker: Worker) -> None:
    steps: list[object] = []
    errors: list[BaseException] = []

    def counting(n: int, progress) -> int:
        for i in range(n):
            progress(i)
        return n

    with qtbot.waitSignal(worker.finished, timeout=3000):
        worker.submit(counting, 3, channel="count", on_progress=steps.append)
    assert steps == [0, 1, 2]

    def broken() -> None:
        raise ValueError("model file missing")

    with qtbot.waitSignal(worker.failed, timeout=3000):
        worker.submit(broken, channel="x", on_error=errors.append)
    assert isinstance(errors[0], ValueError) and "model file missing" in str(errors[0])
