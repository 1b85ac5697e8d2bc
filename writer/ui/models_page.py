"""Models (Ctrl+Shift+L): every pack with its card, add one from a folder, remove your own, choose
the default, and see which pack writes most like the open draft.

Listing packs reads every tokenizer and adding one loads its model, and scoring the draft runs
each model over it: all of that happens on the window's worker, never on the GUI thread. The
window is not modal, so New and Search keep working while it is open.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
)

from writer.generation.packs import Pack
from writer.ui.training import TrainDialog, unfinished
from writer.ui.windows import bring_forward, lazy_window

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow
    from writer.ui.suggestions import SuggestionsPanel

CHANNEL = "models-page"
#: The draft's last characters that the comparison scores (a whole novel would take minutes).
COMPARE_CHARS = 20_000
LOOKING = "Looking for model packs…"


def _figures(table: Any) -> list[tuple[str, float]]:
    """``(text, perplexity)`` pairs from a card's evaluation table, in the card's order."""
    out = []
    for name, entry in (table if isinstance(table, dict) else {}).items():
        if isinstance(entry, dict) and isinstance(entry.get("perplexity"), int | float):
            out.append((str(name), float(entry["perplexity"])))
    return out


def card_html(pack: Pack, default: str) -> str:
    """What the page says about one pack: from its card, in words a writer reads."""
    card = pack.card
    esc = html.escape
    parts = [f"<h2>{esc(pack.display_name)}</h2>"]
    badges = ["ships with Writer" if pack.source == "shipped" else "your pack"]
    if pack.name == default:
        badges.append("<b>default for suggestions</b>")
    parts.append(f"<p>{' · '.join(badges)} · {pack.size_bytes / 2**20:.1f} MB</p>")
    if not pack.available:
        parts.append(f"<p style='color:#c0392b'><b>Cannot be used:</b> {esc(pack.reason)}</p>")
    if card.get("description"):
        parts.append(f"<p>{esc(str(card['description']))}</p>")
    arch = card.get("architecture")
    if isinstance(arch, dict) and arch.get("parameters"):
        parts.append(f"<p>{arch.get('n_layer', '?')} layers, {arch.get('n_embd', '?')} wide, "
                     f"{int(arch['parameters']) / 1e6:.1f}M parameters"
                     + (f", fine-tuned from <i>{esc(pack.base)}</i>" if pack.base else "") + "</p>")
    for title, key, hint in (("Works it never saw", "evaluation_unseen", "how well it predicts its author's style"),
                             ("Held-out parts of its training books", "evaluation", "partly memory of those books")):
        figures = _figures(card.get(key))
        if figures:
            rows = "".join(f"<tr><td>{esc(name)}</td><td align='right'>{ppl:.1f}</td></tr>" for name, ppl in figures)
            parts.append(f"<p><b>{title}</b> — perplexity, lower is better ({hint}):</p>"
                         f"<table cellpadding='2'>{rows}</table>")
    index = card.get("copy_index")
    if isinstance(index, dict) and index.get("guarantees"):
        parts.append(f"<p><b>Copy check:</b> {esc(str(index['guarantees']))}</p>")
    samples = card.get("samples")
    if isinstance(samples, list) and samples:
        parts.append("<p><b>Samples</b></p>")
        for sample in samples[:3]:
            if isinstance(sample, dict):
                parts.append(f"<p><i>{esc(str(sample.get('prompt', '')))}</i>{esc(str(sample.get('text', '')))}</p>")
    if card.get("note"):
        parts.append(f"<p style='color:gray'>{esc(str(card['note']))}</p>")
    return "".join(parts)


def _discover() -> list[Pack]:
    from writer.generation.packs import discover

    return discover()


def _add(folder: str) -> Pack:
    from writer.generation.packs import add_pack

    return add_pack(folder)  # type: ignore[arg-type]


def _remove(name: str, settings: Any) -> str:
    from writer.generation.packs import remove_pack

    remove_pack(name, settings)
    return name


def _compare(names: list[str], text: str, progress: Any = None) -> list[tuple[str, float | None, str]]:
    """Perplexity of ``text`` under each pack (lower: the pack writes more like it)."""
    from writer.errors import WriterError
    from writer.generation.perplexity import score_text

    out: list[tuple[str, float | None, str]] = []
    for i, name in enumerate(names):
        if progress is not None:
            progress((i, len(names)))
        try:
            out.append((name, float(score_text(name, text)["perplexity"]), ""))
        except WriterError as exc:
            out.append((name, None, str(exc)))
    return out


class ModelsDialog(QDialog):
    """The packs on the left, the chosen one's card on the right, actions below."""

    def __init__(self, window: MainWindow, suggestions: SuggestionsPanel | None = None) -> None:
        """``suggestions``: the panel that lists the packs again when one is added or removed."""
        super().__init__(window)
        self.main_window, self.suggestions = window, suggestions
        self.setObjectName("modelsDialog")
        self.setWindowTitle("Models")
        self.setModal(False)
        self.resize(900, 620)
        self.packs: list[Pack] = []
        self.training: TrainDialog | None = None

        self.list = QListWidget(self)
        self.list.setObjectName("modelsList")
        self.list.setSpacing(3)
        self.list.currentRowChanged.connect(self._show_selected)
        self.card = QTextBrowser(self)
        self.card.setObjectName("modelCard")
        self.card.setOpenExternalLinks(False)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.list)
        split.addWidget(self.card)
        split.setSizes([240, 660])
        self.heading = QLabel(self)
        self.heading.setObjectName("hint")
        self.status = QLabel(LOOKING, self)
        self.status.setObjectName("modelsStatus")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.RichText)

        self.add_button = self._button("&Add From Folder…", "Install a Writer pack or an optimum GPT-2 export",
                                       self.add_dialog)
        self.remove_button = self._button("&Remove", "Delete this pack (only your own)", self.remove_selected)
        self.default_button = self._button("Use for &Suggestions", "Make this the pack suggestions use",
                                           self.make_default)
        self.train_button = self._button("&Train From My Texts…", "Fine-tune a style pack on your own writing",
                                         self.show_training)
        self.compare_button = self._button("&Which Writes Like This Draft?",
                                           "Score the open draft with every pack: lower perplexity is closer",
                                           self.compare)
        actions = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.default_button, self.train_button,
                       self.compare_button):
            actions.addWidget(button)
        actions.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.close)
        actions.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        layout.addLayout(actions)

    def _button(self, text: str, tip: str, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # -- listing -----------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        """List the packs again (on the worker), then select ``select`` or keep the selection."""
        current = self.selected()
        keep = select or (current.name if current else None)
        self.main_window.worker.submit(_discover, channel=CHANNEL,
                                  on_result=lambda found: self.set_packs(found, keep),
                                  on_error=lambda exc: self.status.setText(f"Could not list the packs: {exc}"))

    def set_packs(self, packs: list[Pack], select: str | None = None) -> None:
        self.packs = packs
        self.list.clear()
        default = self.default_name()
        for pack in packs:
            mark = " ★" if pack.name == default else ""
            state = "" if pack.available else " — cannot be used"
            item = QListWidgetItem(f"{pack.display_name}{mark}\n{'shipped' if pack.source == 'shipped' else 'yours'}"
                                   f"{state}")
            self.list.addItem(item)
        names = [p.name for p in packs]
        self.list.setCurrentRow(names.index(select) if select in names else (0 if packs else -1))
        if not packs:
            self.card.setHtml("<p>No model packs are installed. Add one from a folder.</p>")
        waiting = unfinished()
        self.heading.setText(f"{len(packs)} model pack{'s' if len(packs) != 1 else ''} · ★ the one suggestions use"
                             + (f" · training of {', '.join(waiting)} stopped before it finished: "
                                "Train From My Texts… resumes it" if waiting else ""))
        if self.status.text() == LOOKING:
            self.status.setText("")

    def default_name(self) -> str:
        return str(self.main_window.settings.get("suggest.default_model"))

    def selected(self) -> Pack | None:
        row = self.list.currentRow()
        return self.packs[row] if 0 <= row < len(self.packs) else None

    def _show_selected(self, _row: int) -> None:
        pack = self.selected()
        if pack is None:
            return
        self.card.setHtml(card_html(pack, self.default_name()))
        self.remove_button.setEnabled(pack.source == "user")
        self.default_button.setEnabled(pack.available and pack.name != self.default_name())

    # -- actions -----------------------------------------------------------------------------
    def add_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a model pack from a folder")
        if folder:
            self.add_folder(folder)

    def add_folder(self, folder: str) -> None:
        """Check and copy a pack folder in (on the worker: its model is loaded to prove it runs)."""
        self.status.setText(f"Checking {html.escape(folder)}…")
        self.add_button.setEnabled(False)

        def added(pack: Pack) -> None:
            self.add_button.setEnabled(True)
            self.status.setText(f"Added <b>{html.escape(pack.display_name)}</b>.")
            self._packs_changed(pack.name)

        def failed(exc: BaseException) -> None:
            self.add_button.setEnabled(True)
            self.status.setText(f"<span style='color:#c0392b'>Not added: {html.escape(str(exc))}</span>")

        self.main_window.worker.submit(_add, folder, channel=CHANNEL + "-add", on_result=added, on_error=failed)

    def remove_selected(self, *, confirm: bool = True) -> None:
        pack = self.selected()
        if pack is None or pack.source != "user":
            return
        if confirm and QMessageBox.question(
                self, "Remove model pack", f"Delete the model pack “{pack.display_name}” from this computer?\n\n"
                f"{pack.path}", QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel) != QMessageBox.StandardButton.Yes:
            return
        self.main_window.worker.submit(_remove, pack.name, self.main_window.settings, channel=CHANNEL + "-remove",
                                  on_result=lambda name: (self.status.setText(f"Removed {html.escape(name)}."),
                                                          self._packs_changed(None)),
                                  on_error=lambda exc: self.status.setText(f"Not removed: {html.escape(str(exc))}"))

    def show_training(self, resume: str | None = None) -> TrainDialog:
        """The training window (one at a time: a second run would fight the first for the cores)."""
        if self.training is None:
            self.training = TrainDialog(self, self.main_window.settings, [p.name for p in self.packs if p.available],
                                        resume=resume or next(iter(unfinished()), None))
            self.training.finishedPack.connect(self._packs_changed)
        bring_forward(self.training)
        return self.training

    def make_default(self) -> None:
        pack = self.selected()
        if pack is None or not pack.available:
            return
        self.main_window.settings.set("suggest.default_model", pack.name)  # the panel follows the setting itself
        self.status.setText(f"Suggestions now come from <b>{html.escape(pack.display_name)}</b>.")
        self.refresh(pack.name)

    def _packs_changed(self, select: str | None) -> None:
        if self.suggestions is not None:
            self.suggestions.reload_packs()
        self.refresh(select)

    def compare(self) -> None:
        """Score the open draft's last :data:`COMPARE_CHARS` characters with every usable pack."""
        text = self.main_window.editor.toPlainText()[-COMPARE_CHARS:] if self.main_window.current_draft_id else ""
        if len(text.split()) < 20:
            self.status.setText("Write at least 20 words in the open draft to compare the packs on it.")
            return
        names = [p.name for p in self.packs if p.available]
        self.status.setText("Scoring the draft with every pack…")
        self.compare_button.setEnabled(False)
        self.main_window.worker.submit(_compare, names, text, channel=CHANNEL + "-compare",
                                  on_progress=lambda value: self.status.setText(
                                      f"Scoring the draft with every pack… ({value[0] + 1} of {value[1]})"),
                                  on_result=self._show_comparison,
                                  on_error=lambda exc: (self.compare_button.setEnabled(True),
                                                        self.status.setText(f"Could not compare: {exc}")))

    def _show_comparison(self, scores: list[tuple[str, float | None, str]]) -> None:
        self.compare_button.setEnabled(True)
        names = {p.name: p.display_name for p in self.packs}
        ranked = sorted((s for s in scores if s[1] is not None), key=lambda s: s[1] or math.inf)
        if not ranked:
            self.status.setText("No pack could score this draft.")
            return
        best = ranked[0]
        listing = " · ".join(f"{html.escape(names.get(n, n))} {ppl:.1f}" for n, ppl, _ in ranked)
        self.status.setText(f"<b>{html.escape(names.get(best[0], best[0]))}</b> writes most like this draft "
                            f"(perplexity, lower is closer: {listing}).")


def install_models_page(window: MainWindow, suggestions: SuggestionsPanel | None = None) -> Callable[[], ModelsDialog]:
    """View ▸ Models… (Ctrl+Shift+L): the packs, their cards and what to do with them. Returns what
    shows the dialog."""
    show = lazy_window(lambda: ModelsDialog(window, suggestions), lambda dialog: dialog.refresh())

    action = window.make_action("&Models…", ["Ctrl+Shift+L"], show, tip="Model packs: cards, add, remove, compare")
    action.setObjectName("modelsAction")
    window.view_menu.addAction(action)
    return show
