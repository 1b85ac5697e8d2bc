"""Does the editor stay responsive while suggestions stream? Event-loop stalls, measured.

A 5 ms QTimer runs on the GUI thread of the real main window; every time it fires late, the
lateness is a stall the writer would feel as a stuck keystroke. It is measured first with the
window idle (the baseline, same run, same machine) and then while the Suggestions panel streams
batches from the shipped packs, in normal and in compare mode. Target: no stall over 30 ms.

First, it times the first words on screen after a request on a ~200-token prompt, cold and after
the panel's background prefill (targets ≤ 60 ms and ≤ 30 ms), at the card's paint event, split
into the engine's share (asking → the worker hands over the first words) and the UI's (those
words → the event applied → painted): the UI's share is the ratio printed against the total.

It also times compare mode's two strategies on this machine, outside the UI: the models one
after another against one thread per model in parallel (what the panel does by default).

Last, it trains a style pack as the Models window does (``writer models train`` in a child
process started by the Train dialog, ``--train-minutes`` of training on ``--train-from``, the
Philip K. Dick stories of the shared corpora by default) while the writer types, and reports
the editor's stalls against an idle baseline of the same run (target: none over 50 ms).

    python benchmarks/responsiveness.py [--batches 6] [--tokens 40] [--only first-words|stalls|compare|training]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QEventLoop
from PySide6.QtCore import QObject as QObjectBase

TICK_MS = 5
TARGET_MS = 30.0
TRAINING_TARGET_MS = 50.0
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "pkd"
TEXT = ("The harbour was quiet that morning. Fog lay on the water like wet wool, and the boats came in "
        "one by one, low and slow, their lanterns still lit. Nobody spoke on the quay; the gulls did the "
        "talking. Martha stood by the ledger with her pen and waited for the first of them to tie up, and")


class StallMeter:
    """Records how late a fast repeating timer fires on the GUI thread, and how much of each late
    gap the GUI thread itself spent computing (the rest it waited: for a CPU, or for the GIL)."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.stalls: list[float] = []
        self.busy: list[float] = []  # the GUI thread's CPU time in each gap, ms
        self._last = 0.0
        self._cpu = 0.0
        self.timer = QTimer(interval=TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.stalls.clear()
        self.busy.clear()
        self._last, self._cpu = time.perf_counter(), time.thread_time()
        self.timer.start()

    def stop(self) -> list[float]:
        self.timer.stop()
        return list(self.stalls)

    def _tick(self) -> None:
        now, cpu = time.perf_counter(), time.thread_time()
        self.stalls.append(max(0.0, (now - self._last) * 1000 - TICK_MS))
        self.busy.append((cpu - self._cpu) * 1000)
        self._last, self._cpu = now, cpu


def p99(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[98]


def report(name: str, stalls: list[float], baseline: list[float] | None, target: float = TARGET_MS) -> None:
    worst, q = max(stalls, default=0.0), p99(stalls)
    line = f"{name:<28} ticks {len(stalls):5d}   max stall {worst:6.1f} ms   p99 {q:5.1f} ms"
    if baseline is not None:
        line += f"   (max ×{worst / max(max(baseline), 0.1):.1f}, p99 ×{q / max(p99(baseline), 0.1):.1f} vs idle)"
    line += "   OK" if worst <= target else f"   OVER {target:.0f} ms"
    print(line, flush=True)


def stream(app: object, panel: object, batches: int, compare: bool) -> list[float]:
    """Run ``batches`` suggestion batches back to back while the meter runs."""
    meter = StallMeter()
    panel.compare_button.setChecked(compare)  # type: ignore[attr-defined]
    done = threading.Event()
    count = [0]

    def next_batch(*_: object) -> None:
        count[0] += 1
        if count[0] > batches:
            done.set()
            return
        panel.reroll()  # type: ignore[attr-defined]

    panel.suggestionsFinished.connect(next_batch)  # type: ignore[attr-defined]
    meter.start()
    panel.reroll()  # type: ignore[attr-defined]
    deadline = time.perf_counter() + 600
    while not done.is_set() and time.perf_counter() < deadline:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)
    panel.suggestionsFinished.disconnect(next_batch)  # type: ignore[attr-defined]
    return meter.stop()


FIRST_WORDS_TARGETS = {"prefilled while typing": 30.0, "cold": 60.0}


def _paragraph(i: int) -> str:
    """About 200 tokens of new text (a new prompt every time: no cached prefix helps the cold case)."""
    return " ".join(f"{TEXT} On day {i * 7 + k} the tide turned again and she wrote it down." for k in range(3))


class FirstPaint(QObjectBase):  # type: ignore[misc,valid-type]
    """Notes when a card's text is first painted with words in it (not "Writing…")."""

    def __init__(self) -> None:
        super().__init__()
        self.at = 0.0

    def watch(self, panel: object) -> None:
        """Watch the cards of the batch just asked for (before the event loop can paint them)."""
        self.at = 0.0
        for card in panel.list.cards:  # type: ignore[attr-defined]
            card.body.installEventFilter(self)  # once per object: Qt does not add a filter twice

    def eventFilter(self, watched: object, event: object) -> bool:
        from PySide6.QtCore import QEvent

        if not self.at and event.type() == QEvent.Type.Paint:  # type: ignore[attr-defined]
            text = watched.text()  # type: ignore[attr-defined]
            if text.strip() and not text.endswith("…"):
                self.at = time.perf_counter()
        return False


class TimedEngine:
    """The panel's engine, noting when the worker hands over the first words (the engine's share)."""

    def __init__(self, engine: object, marks: dict[str, float]) -> None:
        self._engine, self._marks = engine, marks

    def __getattr__(self, name: str) -> object:
        return getattr(self._engine, name)

    def generate(self, prompt: str = "", **kwargs: object) -> object:
        on_step = kwargs.get("on_step")

        def timed(step: int, deltas: list[str]) -> None:
            if any(deltas):
                self._marks.setdefault("first token", time.perf_counter())
            on_step(step, deltas)  # type: ignore[operator]

        return self._engine.generate(prompt, **{**kwargs, "on_step": timed})  # type: ignore[attr-defined]


def first_words(app: object, window: object, panel: object, rounds: int) -> dict[str, dict[str, list[float]]]:
    """Milliseconds from asking (Ctrl+Space) to the first words painted on a card, on a ~200-token
    prompt: cold, and after the panel's own background prefill, which runs while the writer types.

    Split into the engine's share (asking → the worker hands over the first words) and the UI's
    (those words → the event applied → the card painted)."""
    from writer.ui.suggestions import PREFILL_CHANNEL

    panel.compare_button.setChecked(False)  # type: ignore[attr-defined]
    editor = window.editor  # type: ignore[attr-defined]
    marks: dict[str, float] = {}
    engine_for = panel.engine_for  # type: ignore[attr-defined]
    panel.engine_for = lambda pack: TimedEngine(engine_for(pack), marks)  # type: ignore[attr-defined]
    finished = threading.Event()
    panel.streamed.connect(lambda *_: marks.setdefault("applied", time.perf_counter()))  # type: ignore[attr-defined]
    panel.suggestionsFinished.connect(lambda *_: finished.set())  # type: ignore[attr-defined]
    painted = FirstPaint()
    out: dict[str, dict[str, list[float]]] = {case: {"total": [], "engine": [], "event → applied": [],
                                                     "applied → painted": []}
                                              for case in ("cold", "prefilled while typing")}

    def settle(done: object, limit: float = 120) -> None:
        end = time.perf_counter() + limit
        while not done() and time.perf_counter() < end:  # type: ignore[operator]
            app.processEvents()  # type: ignore[attr-defined]
            time.sleep(0.001)

    def run() -> None:  # as the app's own loop does: wait for events, no polling
        end = time.perf_counter() + 120
        while not painted.at and time.perf_counter() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)  # type: ignore[attr-defined]

    for i in range(rounds):
        for case in ("cold", "prefilled while typing"):
            panel.cancel_running()  # type: ignore[attr-defined]
            editor.setPlainText(_paragraph(i * 2 + (case == "cold")))
            editor.moveCursor(editor.textCursor().MoveOperation.End)
            if case != "cold":
                panel._prefill()  # type: ignore[attr-defined]  # what a pause in typing starts
                settle(lambda: not window.worker.busy(PREFILL_CHANNEL))  # type: ignore[attr-defined]
            settle(lambda: False, 0.05)  # the idle moment before the writer asks
            marks.clear()
            finished.clear()
            t0 = time.perf_counter()
            panel.suggest()  # type: ignore[attr-defined]
            painted.watch(panel)
            run()
            if painted.at and "first token" in marks:
                got = out[case]
                got["total"].append((painted.at - t0) * 1000)
                got["engine"].append((marks["first token"] - t0) * 1000)
                got["event → applied"].append((marks.get("applied", painted.at) - marks["first token"]) * 1000)
                got["applied → painted"].append((painted.at - marks.get("applied", painted.at)) * 1000)
            settle(finished.is_set)
    panel.engine_for = engine_for  # type: ignore[attr-defined]
    return out


def idle(app: object, seconds: float) -> list[float]:
    meter = StallMeter()
    meter.start()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)
    return meter.stop()


def training(app: object, window: object, minutes: float, sources: list[str], limit: float) -> None:
    """Editor stalls while a style pack trains in its child process, started as the Models window's
    Train dialog starts it, with the writer typing a word every second meanwhile."""
    from PySide6.QtCore import QProcess, QTimer

    from writer.ui.training import TrainDialog, can_train

    if not can_train():
        print("training: skipped (the [train] extra is not installed)")
        return
    editor = window.editor  # type: ignore[attr-defined]
    baseline = idle(app, 3.0)
    dialog = TrainDialog(window, window.settings, ["vanilla"])  # type: ignore[arg-type, attr-defined]
    dialog.name.setText("bench-style")
    dialog.add_sources(sources)
    dialog.minutes.setMinimum(0.1)
    dialog.minutes.setDecimals(1)
    dialog.minutes.setValue(minutes)
    dialog.show()
    words = iter((TEXT * 50).split())
    typing = QTimer(interval=1000)
    typing.timeout.connect(lambda: editor.insertPlainText(" " + next(words)))
    meter = StallMeter()
    phases: list[str] = []  # the child's step at each tick, to say where the worst stalls fell
    worker_busy: list[bool] = []  # a job of this process (the panel's prefill of the typed text) was running
    meter.timer.timeout.connect(lambda: (phases.append(_phase(dialog.log)),
                                         worker_busy.append(window.worker.busy())))  # type: ignore[attr-defined]
    meter.start()
    typing.start()
    t0 = time.perf_counter()
    dialog.start()
    process = dialog.process
    while process is not None and time.perf_counter() - t0 < limit and (
            process.state() != QProcess.ProcessState.NotRunning or time.perf_counter() - t0 < 1):
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.001)
    stalls = meter.stop()
    typing.stop()
    finished = process is not None and process.state() == QProcess.ProcessState.NotRunning
    if not finished:
        dialog.cancel()
    steps = ", ".join(dict.fromkeys(_phase([e]) for e in dialog.log))
    outcome = f"finished: {dialog.status.text()}" if finished else "stopped at the limit"
    print(f"training {minutes:g} min on {len(sources)} source(s): child ran {time.perf_counter() - t0:.0f} s "
          f"({outcome}); its steps: {steps}")
    report("idle (baseline)", baseline, None, TRAINING_TARGET_MS)
    report("while training", stalls, baseline, TRAINING_TARGET_MS)
    worst = sorted(range(len(stalls)), key=stalls.__getitem__, reverse=True)[:5]
    print("  worst stalls: " + ", ".join(f"{stalls[i]:.0f} ms ({phases[i] if i < len(phases) else '?'}, GUI thread "
                                         f"computing {meter.busy[i]:.0f} ms of it)" for i in worst))
    over = [i for i, v in enumerate(stalls) if v > TRAINING_TARGET_MS and i < len(phases)]
    if over:
        steps = [phases[i] for i in over]
        working = sum(meter.busy[i] >= stalls[i] / 2 for i in over)
        jobs = sum(worker_busy[i] for i in over if i < len(worker_busy))
        print("  stalls over the target by the child's step: "
              + ", ".join(f"{p} {steps.count(p)}" for p in dict.fromkeys(steps))
              + f"; in {working} of {len(over)} the GUI thread was computing for at least half of it, in the "
              f"others it waited for a CPU or the GIL ({jobs} of {len(over)} ended while a worker job of this "
              "process ran)")
    dialog.close()


def _phase(log: list[dict[str, object]]) -> str:
    """The training child's current step, as its last JSON line says ("starting" before any)."""
    if not log:
        return "starting"
    event = log[-1]
    step = event.get("step")
    return step if isinstance(step, str) else str(event.get("event"))


def compare_strategies(tokens: int, rounds: int) -> None:
    """Wall time of compare mode: sequential in one worker vs one thread per model."""
    from writer.generation import SamplerSettings, discover, engines

    packs = [p for p in discover() if p.available]
    settings = SamplerSettings(max_new_tokens=tokens)
    for pack in packs:
        engines().get(pack).generate(TEXT, n=1, settings=settings, seed=0)  # load and warm

    def one(pack: object, seed: int) -> None:
        engines().get(pack).generate(TEXT, n=1, settings=settings, seed=seed)  # type: ignore[arg-type]

    seq, par = [], []
    for r in range(rounds):
        t0 = time.perf_counter()
        for pack in packs:
            one(pack, r)
        seq.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        threads = [threading.Thread(target=one, args=(pack, r)) for pack in packs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        par.append(time.perf_counter() - t0)
    s, p = statistics.median(seq), statistics.median(par)
    print(f"compare mode, {len(packs)} models × {tokens} tokens (median of {rounds}): one after another "
          f"{s * 1000:.0f} ms, in parallel {p * 1000:.0f} ms (parallel/sequential ×{p / s:.2f}; "
          f"{os.cpu_count()} CPUs)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batches", type=int, default=6, help="batches streamed per scenario")
    parser.add_argument("--tokens", type=int, default=40, help="max new tokens per suggestion")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the compare-strategy timing")
    parser.add_argument("--threads", type=int, help="generation.threads for this run (default: the setting)")
    parser.add_argument("--only", choices=("first-words", "stalls", "compare", "training"), action="append",
                        help="run only these parts (repeatable; default: all)")
    parser.add_argument("--train-minutes", type=float, default=1.0, help="training time of the training part")
    parser.add_argument("--train-from", nargs="+", default=[str(CORPUS)], help="texts the training part learns")
    parser.add_argument("--train-limit", type=float, default=900, help="stop the training child after this (s)")
    args = parser.parse_args()

    from writer import paths
    from writer.settings import Settings
    from writer.store import Store
    from writer.ui.app import make_app
    from writer.ui.features import build_window

    with tempfile.TemporaryDirectory() as tmp:
        paths.set_data_dir(tmp)
        app = make_app([])
        store = Store.open()
        store.create_draft(TEXT)
        settings = Settings.load()
        settings.set("suggest.auto", False)
        settings.set("suggest.max_new_tokens", args.tokens)
        if args.threads:
            settings.set("generation.threads", args.threads)
            settings.save()  # the engine cache reads it from the settings file
        window, panels = build_window(store, settings)
        window.resize(1280, 800)
        window.show()
        panel = panels.suggestions
        while panel.picker.count() == 0:
            app.processEvents()
            time.sleep(0.005)
        window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
        print(f"Stalls of a {TICK_MS} ms GUI timer, K={settings.get('suggest.n')}, {args.tokens} tokens, "
              f"generation.threads={settings.get('generation.threads')}, {os.cpu_count()} CPUs")
        stream(app, panel, 1, compare=True)  # load every model first: loading is not streaming
        parts_wanted = set(args.only or ("first-words", "stalls", "compare", "training"))
        first = first_words(app, window, panel, args.rounds) if "first-words" in parts_wanted else {}
        for case, parts in first.items():
            times = parts.pop("total")
            if not times:
                print(f"first words on screen, {case}: no request finished")
                continue
            shares = ", ".join(f"{name} {statistics.median(v):.1f}" for name, v in parts.items())
            ui = [t - e for t, e in zip(times, parts["engine"], strict=True)]
            print(f"first words painted, {case}: median {statistics.median(times):.1f} ms, worst "
                  f"{max(times):.1f} ms over {len(times)} requests (target ≤ {FIRST_WORDS_TARGETS[case]:.0f} ms); "
                  f"medians: {shares} ms; UI share {statistics.median(ui):.1f} ms "
                  f"(×{statistics.median(ui) / max(statistics.median(times), 0.1):.2f} of the total)")
        if "stalls" in parts_wanted:
            window.editor.setPlainText(TEXT)
            window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
            baseline = idle(app, 3.0)
            report("idle (baseline)", baseline, None)
            report("streaming suggestions", stream(app, panel, args.batches, compare=False), baseline)
            for parallel in (True, False):
                settings.set("suggest.compare_parallel", parallel)
                name = f"compare mode, {'parallel' if parallel else 'one by one'}"
                report(name, stream(app, panel, max(1, args.batches // 2), compare=True), baseline)
        if "training" in parts_wanted:
            training(app, window, args.train_minutes, args.train_from, args.train_limit)
        window.close()
        window.worker.wait(10_000)
        store.close()
    if "compare" in parts_wanted:
        compare_strategies(args.tokens, args.rounds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
