"""The warning shown when a post would publish passages that match a model's training books."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)

#: Flagged passages the publish warning names one by one; more are counted.
WARN_SHOWN = 6
PASSAGE_WORDS = 12


def flag_field(item: Any, name: str, default: Any = None) -> Any:
    """A copy flag's field, from the service's objects or their dict form."""
    return item.get(name, default) if isinstance(item, dict) else getattr(item, name, default)


def describe_flag(flag: Any) -> str:
    """“Title” by Author: “the first words of the passage…” (rich text, escaped)."""
    sources = flag_field(flag, "sources") or ([flag_field(flag, "source")] if flag_field(flag, "source") else [])
    source = sources[0] if sources else None
    title = (flag_field(source, "title") or "an unnamed work") if source is not None else "a training text"
    author = flag_field(source, "author") if source is not None else ""
    words = str(flag_field(flag, "text", "")).split()
    passage = " ".join(words[:PASSAGE_WORDS]) + ("…" if len(words) > PASSAGE_WORDS else "")
    work = f"<i>{html.escape(title)}</i>" + (f" by {html.escape(author)}" if author else "")
    return f"{work}: “{html.escape(passage)}”"


class CopyWarning(QMessageBox):
    """Before publishing a draft with copied passages: which works and passages, then
    Review (see them in the editor) or Publish Anyway. Quotations are never listed."""

    def __init__(self, parent: QWidget | None, flags: list[Any]) -> None:
        super().__init__(parent)
        self.setObjectName("copyWarning")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle("Copied passages")
        n = len(flags)
        self.setText(f"<b>{n} passage{'s' if n != 1 else ''} in this draft match{'es' if n == 1 else ''} "
                     "a published work word for word.</b>")
        items = "".join(f"<li>{describe_flag(f)}</li>" for f in flags[:WARN_SHOWN])
        more = f"<p>and {n - WARN_SHOWN} more.</p>" if n > WARN_SHOWN else ""
        self.setInformativeText(f"<ul style='margin-left:-20px'>{items}</ul>{more}<p>Rewrite them in your own "
                                "words, or mark a deliberate quotation as one (Edit ▸ Mark as Quotation).</p>")
        self.setTextFormat(Qt.TextFormat.RichText)
        self.review = self.addButton("Review", QMessageBox.ButtonRole.AcceptRole)
        self.publish_anyway = self.addButton("Publish Anyway", QMessageBox.ButtonRole.DestructiveRole)
        self.addButton(QMessageBox.StandardButton.Cancel)
        self.setDefaultButton(self.review)
        self.setEscapeButton(QMessageBox.StandardButton.Cancel)

    def choice(self) -> str:
        """"review", "publish" or "cancel": what the writer clicked."""
        clicked = self.clickedButton()
        return "review" if clicked is self.review else "publish" if clicked is self.publish_anyway else "cancel"
