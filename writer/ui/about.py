"""Help → About: the version, and each model pack with its card.

The cards matter more than the version: they say what each model was trained on and how
well it predicts held-out text, so a user can judge its suggestions (and its copy flags).
Packs are listed off the GUI thread because checking them reads every tokenizer.
"""

from __future__ import annotations

import platform
from importlib import metadata
from typing import TYPE_CHECKING, Any

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from writer import __version__, paths

if TYPE_CHECKING:
    from writer.generation.packs import Pack
    from writer.ui.main_window import MainWindow

CARD_FILE = "CARD.md"


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:  # a frozen app may carry no metadata
        return "?"


def perplexities(card: dict[str, Any]) -> list[tuple[str, float]]:
    """``(corpus, perplexity)`` from the card's held-out ``evaluation``, in the card's order."""
    found = []
    evaluation = card.get("evaluation")
    for corpus, result in (evaluation if isinstance(evaluation, dict) else {}).items():
        if isinstance(result, dict) and isinstance(result.get("perplexity"), int | float):
            found.append((str(corpus), float(result["perplexity"])))
    return found


class PackCard(QFrame):
    """One pack: name, description, note, held-out perplexities and its model card."""

    def __init__(self, parent: QWidget | None, pack: Pack) -> None:
        super().__init__(parent)
        self.pack = pack
        self.setObjectName("packCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        card = pack.card
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        title = QLabel(f"<b>{_esc(pack.display_name)}</b>"
                       + (f" <span style='color:gray'>({_esc(pack.name)})</span>"
                          if pack.name != pack.display_name else ""), self)
        head.addWidget(title, 1)
        self.card_path = pack.path / CARD_FILE
        self.card_button = QPushButton("Model card…", self)
        self.card_button.setEnabled(self.card_path.is_file())
        self.card_button.setToolTip(str(self.card_path) if self.card_path.is_file()
                                    else "This pack has no CARD.md")
        self.card_button.clicked.connect(self.open_card)
        head.addWidget(self.card_button)
        layout.addLayout(head)
        self.problem: QLabel | None = None
        if not pack.available:
            self.problem = QLabel(f"Unavailable: {pack.reason}", self)
            self.problem.setObjectName("errorText")  # coloured by the app style sheet, per theme
            self.problem.setWordWrap(True)
            self.problem.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(self.problem)
        lines = []
        if card.get("description"):
            lines.append(_esc(str(card["description"])))
        scores = perplexities(card)
        if scores:
            joined = " · ".join(f"{_esc(corpus)} {ppl:.1f}" for corpus, ppl in scores)
            lines.append(f"Held-out perplexity (lower is better): {joined}")
        else:
            lines.append("<i>No held-out evaluation on this pack's card.</i>")
        self.summary = QLabel("<br>".join(lines), self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.note = QLabel(_esc(str(card.get("note") or "")), self)
        self.note.setWordWrap(True)
        self.note.setObjectName("hint")
        self.note.setVisible(bool(card.get("note")))
        layout.addWidget(self.note)

    def open_card(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.card_path)))


class AboutDialog(QDialog):
    """Version and packs; call :meth:`set_packs` once the packs are listed."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Writer")
        self.setObjectName("aboutDialog")
        self.cards: list[PackCard] = []
        icon = QLabel(self)
        pixmap = QPixmap(str(paths.resources_dir() / "icons" / "writer.svg"))
        if not pixmap.isNull():
            icon.setPixmap(pixmap.scaled(64, 64))
        heading = QLabel(f"<h2>Writer {__version__}</h2>"
                         "A writing assistant that helps drafts ship: style-model suggestions, "
                         "copy flags and publishing, all on this computer.", self)
        heading.setWordWrap(True)
        self.versions = QLabel(f"Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version} · "
                               f"onnxruntime {_version('onnxruntime')}", self)
        self.versions.setObjectName("hint")
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(heading, 1)
        packs_title = QLabel("<b>Model packs</b>", self)
        self.status = QLabel("Looking for model packs…", self)
        self.list = QWidget(self)
        self.list_layout = QVBoxLayout(self.list)
        self.list_layout.setContentsMargins(0, 0, 0, 0)
        self.list_layout.addWidget(self.status)
        self.list_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.list)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.versions)
        layout.addSpacing(8)
        layout.addWidget(packs_title)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(640, 720)  # the three shipped packs without scrolling

    def set_packs(self, packs: list[Pack]) -> None:
        for card in self.cards:
            card.deleteLater()
        self.cards = [PackCard(self.list, pack) for pack in packs]
        for index, card in enumerate(self.cards):
            self.list_layout.insertWidget(index, card)
            card.show()  # a layout shows a late child only on the next event-loop turn
        self.status.setText("" if packs else "No model packs installed. Add one with: writer models add FOLDER")
        self.status.setVisible(not packs)

    def show_error(self, exc: BaseException) -> None:
        self.status.setText(f"Could not list the model packs: {exc}")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _discover() -> list[Pack]:
    from writer.generation.packs import discover

    return discover()


def show_about(window: MainWindow) -> AboutDialog:
    """Help → About Writer; the packs fill in when the worker has listed them."""
    dialog = AboutDialog(window)
    window.worker.submit(_discover, channel="about-packs", on_result=dialog.set_packs, on_error=dialog.show_error)
    dialog.show()
    return dialog
