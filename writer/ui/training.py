"""Train a style pack from your own texts, from the Models window.

Training runs as a child process — ``writer models train NAME --from … --json`` — never in the
app's process: torch is heavy, a crash there must not take the drafts with it, and the JSON lines
it prints are all the window needs for its progress view (tokens/s, loss, time left). Cancel stops
the child; the checkpoints stay, so Train again (or Resume, after a restart) carries on where it
stopped. It uses at most ``training.threads`` CPU threads so the editor stays responsive.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QProcess, QProcessEnvironment, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from writer import paths

INSTALL_TRAIN = 'pip install "writer[train]"'


def can_train() -> bool:
    """Whether the [train] extra (torch and the exporter) is installed: the app itself never needs it."""
    return all(importlib.util.find_spec(m) is not None for m in ("torch", "transformers", "optimum"))


def unfinished() -> list[str]:
    """Packs whose training began and was not finished (their folder has a recipe, no pack is installed)."""
    root = paths.training_dir()
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir()
                  if (d / "recipe.toml").is_file() and not (paths.user_models_dir() / d.name).exists())


def command(name: str, sources: list[str], base: str, minutes: float, threads: int) -> list[str]:
    """The child's command line: the same ``writer`` as this app, on the same data folder."""
    args = ["-m", "writer", "--data-dir", str(paths.data_dir()), "models", "train", name, "--base", base,
            "--max-minutes", f"{minutes:g}", "--threads", str(threads), "--json", "--low-priority"]
    if sources:
        args += ["--from", *sources]
    return [sys.executable, *args]


class TrainDialog(QDialog):
    """Name, texts, base and time; then the run's progress until the pack is installed."""

    finishedPack = Signal(str)  # the new pack's name

    def __init__(self, parent: QWidget, settings: Any, packs: list[str], *, resume: str | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setObjectName("trainDialog")
        self.setWindowTitle("Train a Style Pack")
        self.setModal(False)
        self.resize(620, 520)
        self.process: QProcess | None = None
        self.result: dict[str, Any] | None = None
        self.log: list[dict[str, Any]] = []
        self._buffer = b""

        self.missing = QLabel(f"Training needs PyTorch, which Writer does not install by itself. Install it "
                              f"with:<br><code>{INSTALL_TRAIN}</code><br>then open this window again.", self)
        self.missing.setObjectName("errorText")
        self.missing.setWordWrap(True)
        self.missing.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name = QLineEdit(resume or "", self)
        self.name.setPlaceholderText("my-style")
        self.sources = QListWidget(self)
        self.sources.setObjectName("trainSources")
        add_files = QPushButton("Add Files…", self)
        add_files.clicked.connect(self._add_files)
        add_folder = QPushButton("Add Folder…", self)
        add_folder.clicked.connect(self._add_folder)
        picks = QHBoxLayout()
        picks.addWidget(add_files)
        picks.addWidget(add_folder)
        picks.addStretch(1)
        self.base = QComboBox(self)
        self.base.addItems(packs)
        self.base.setCurrentIndex(max(0, self.base.findText("vanilla")))  # the general base, whatever is listed first
        self.minutes = QDoubleSpinBox(self)
        self.minutes.setRange(1, 600)
        self.minutes.setDecimals(0)
        self.minutes.setValue(15)
        self.minutes.setSuffix(" min")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Your texts (.txt, .md)", self.sources)
        form.addRow("", picks)
        form.addRow("Start from", self.base)
        form.addRow("Train for", self.minutes)
        hint = QLabel("A few whole files are kept aside to judge the style on texts the pack never saw. "
                      "About 100,000 words train in 15 minutes on two cores.", self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)

        self.progress = QProgressBar(self)
        self.progress.setObjectName("trainProgress")
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setObjectName("trainStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(self)
        self.start_button = self.buttons.addButton("&Train", QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton("&Cancel Training", QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.setEnabled(False)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.buttons.rejected.connect(self.close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.missing)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addStretch(1)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        ready = can_train()
        self.missing.setVisible(not ready)
        self.start_button.setEnabled(ready)
        if resume:
            self.status.setText(f"“{resume}” stopped before it finished: Train carries on from its last checkpoint.")

    # -- choosing texts ---------------------------------------------------------------------
    def add_sources(self, items: list[str]) -> None:
        for item in items:
            if item and not self.sources.findItems(item, Qt.MatchFlag.MatchExactly):
                self.sources.addItem(item)

    def _add_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Texts to learn from", "", "Text (*.txt *.md *.markdown)")
        self.add_sources(files)

    def _add_folder(self) -> None:
        self.add_sources([QFileDialog.getExistingDirectory(self, "A folder of texts to learn from")])

    # -- running ----------------------------------------------------------------------------
    def start(self) -> None:
        name = self.name.text().strip()
        sources = [self.sources.item(i).text() for i in range(self.sources.count())]
        resuming = name in unfinished()
        if not name or (not sources and not resuming):
            self.status.setText("Give the pack a name and add some of your texts.")
            return
        program, *args = command(name, sources, self.base.currentText(), self.minutes.value(),
                                 int(self.settings.get("training.threads")))
        process = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("PYTHONUNBUFFERED", "1")
        process.setProcessEnvironment(env)
        process.setProgram(program)
        process.setArguments(args)
        process.readyReadStandardOutput.connect(self._read)
        process.finished.connect(self._finished)
        self.process, self.result, self.log, self._buffer = process, None, [], b""
        self.set_running(True)
        self.status.setText("Preparing your texts…")
        process.start()

    def set_running(self, on: bool) -> None:
        """The bar and the buttons while a run goes on (busy until the first training figures come)."""
        self.progress.setRange(0, 0)
        self.progress.setVisible(on)
        self.start_button.setEnabled(not on and can_train())
        self.cancel_button.setEnabled(on)

    def cancel(self) -> None:
        """Stop the child; its checkpoints stay, so Train resumes."""
        if self.process is not None and self.process.state() != QProcess.ProcessState.NotRunning:
            self.process.kill()
            self.process.waitForFinished(5000)
            self.status.setText("Training stopped. Train again to carry on from the last checkpoint.")

    def _read(self) -> None:
        assert self.process is not None
        self._buffer += bytes(self.process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.startswith(b"{"):
                self.show_event(json.loads(line))

    def show_event(self, event: dict[str, Any]) -> None:
        """One progress line of the child, in words and on the bar."""
        self.log.append(event)
        kind = event.get("event")
        if kind == "corpus":
            self.status.setText(f"{event['files']} files, {event['words']:,} words.")
        elif kind == "step" and event["step"] != "train":
            self.progress.setRange(0, 0)
            self.status.setText({"corpus": "Cleaning your texts…", "tokenizer": "Reading them as the model does…",
                                 "tokenize": "Reading them as the model does…", "export": "Exporting the model…",
                                 "optimize": "Making it fast…", "index": "Indexing your texts for the copy check…",
                                 "card": "Scoring it and writing its card…"}.get(event["step"], event["step"]))
        elif kind == "train":
            total = event["seconds"] + event["seconds_left"]
            self.progress.setRange(0, max(1, int(total)))
            self.progress.setValue(int(event["seconds"]))
            judged = event.get("valid_loss") or event["eval_loss"]
            self.status.setText(f"Training: {event['tokens_per_s']:,} tokens/s · loss {event['train_loss']:.2f}"
                                + (f" (on unseen texts {judged:.2f})" if judged == judged else "")
                                + f" · {event['seconds_left'] / 60:.1f} min left")
        elif kind == "done":
            self.result = event

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        self.set_running(False)
        if self.result is not None:
            name = Path(self.result["pack"]).name
            unseen = self.result.get("evaluation_unseen", {}).get(name, {})
            base = self.result.get("base_unseen", {})
            figure = (f" On your texts it never saw: perplexity {unseen['perplexity']:.1f}, "
                      f"{base['base']} {base['perplexity']:.1f} (lower is closer to your style)."
                      if unseen and base else "")
            self.status.setText(f"“{name}” is ready in the model picker.{figure}")
            self.finishedPack.emit(name)
        elif code != 0 and self.process is not None:
            error = bytes(self.process.readAllStandardError().data()).decode(errors="replace").strip()
            last = error.splitlines()[-1] if error else f"exit status {code}"
            if "stopped" not in self.status.text():
                self.status.setText(f"Training stopped: {last}")
