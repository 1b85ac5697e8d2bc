"""Help → About: the version and every pack with its card, listed off the GUI thread."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from pytestqt.qtbot import QtBot

from writer import __version__
from writer.generation import packs
from writer.generation.packs import Pack
from writer.ui.about import AboutDialog, PackCard, perplexities, show_about
from writer.ui.main_window import MainWindow


class _Opened(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_about_lists_every_pack_with_its_card(window: MainWindow, qtbot: QtBot) -> None:
    dialog = show_about(window)
    qtbot.waitUntil(lambda: len(dialog.cards) > 0, timeout=10_000)
    expected = packs.discover()
    assert [c.pack.name for c in dialog.cards] == [p.name for p in expected]
    for card, pack in zip(dialog.cards, expected, strict=True):
        text = card.summary.text()
        if pack.card.get("description"):
            assert pack.card["description"].split(":")[0] in text
        for corpus, ppl in perplexities(pack.card):
            assert f"{corpus} {ppl:.1f}" in text
        assert card.card_button.isEnabled() == (pack.path / "CARD.md").is_file()
        assert card.note.isVisibleTo(dialog) == bool(pack.card.get("note"))
    assert any(perplexities(p.card) for p in expected), "a shipped pack carries held-out perplexities"
    dialog.close()


def test_about_shows_the_version(window: MainWindow) -> None:
    dialog = AboutDialog(window)
    labels = " ".join(label.text() for label in dialog.findChildren(type(dialog.versions)))
    assert f"Writer {__version__}" in labels
    assert "onnxruntime" in dialog.versions.text()


def test_card_button_opens_card_md(qtbot: QtBot, tmp_path: Path) -> None:
    (tmp_path / "CARD.md").write_text("# Tiny\n")
    card = {"display_name": "Tiny", "description": "A test pack.", "note": "Small.",
            "evaluation": {"general": {"perplexity": 51.234}, "tiny": {"perplexity": 9.87}}}
    widget = PackCard(None, Pack("tiny", tmp_path, card))
    qtbot.addWidget(widget)
    assert "general 51.2 · tiny 9.9" in widget.summary.text()
    opened = _Opened()
    QDesktopServices.setUrlHandler("file", opened, "open")
    try:
        widget.card_button.click()
    finally:
        QDesktopServices.unsetUrlHandler("file")
    assert [u.toLocalFile() for u in opened.urls] == [str(tmp_path / "CARD.md")]


def test_pack_without_card_or_evaluation_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    widget = PackCard(None, Pack("bare", tmp_path, {"display_name": "Bare"}, available=False,
                                 reason="model.onnx is missing"))
    qtbot.addWidget(widget)
    assert not widget.card_button.isEnabled()
    assert "No held-out evaluation" in widget.summary.text()
    assert widget.problem is not None and widget.problem.text() == "Unavailable: model.onnx is missing"


def test_unavailable_reason_is_readable_in_both_themes(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from writer.ui import theme

    app = QApplication.instance()
    try:
        for palette in (theme.DARK, theme.LIGHT):
            theme.apply(app, palette)
            widget = PackCard(None, Pack("bare", tmp_path, {}, available=False, reason="model.onnx is missing"))
            qtbot.addWidget(widget)
            widget.show()
            assert widget.problem is not None
            assert widget.problem.palette().color(QPalette.ColorRole.WindowText) == palette.error
    finally:
        theme.apply(app, theme.LIGHT)


def test_about_with_no_packs_says_how_to_add_one(qtbot: QtBot) -> None:
    dialog = AboutDialog(None)
    qtbot.addWidget(dialog)
    dialog.set_packs([])
    assert "writer models add" in dialog.status.text()
