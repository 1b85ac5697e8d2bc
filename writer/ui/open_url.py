"""Opening a published post's address, with a way out where no browser opens."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import (
    QDesktopServices,
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QMessageBox,
    QWidget,
)


def open_or_copy(parent: QWidget, url: str) -> bool:
    """Open ``url`` in the browser; where none opens, copy it and say where it is. True if opened."""
    if QDesktopServices.openUrl(QUrl(url)):
        return True
    where = QUrl(url).toLocalFile() if url.startswith("file:") else url
    QGuiApplication.clipboard().setText(where)
    box = QMessageBox(QMessageBox.Icon.Information, "Could not open a browser",
                      "No web browser could be opened here. The post's "
                      f"{'file' if url.startswith('file:') else 'address'} is copied to the clipboard:",
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("openFallback")
    box.setInformativeText(where)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()  # not modal-blocking: the writer goes on writing
    return False
