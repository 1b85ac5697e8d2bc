"""First-use publishing set-up: the dialog that chooses and checks where posts go.

Checking a site (Micropub discovery) runs on the main window's worker, so a slow site never freezes it.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.publishing import targets
from writer.publishing.publisher import Publisher
from writer.publishing.static_site import default_site_dir
from writer.ui.workers import Worker

log = logging.getLogger(__name__)

DISCOVERY_CHANNEL = "micropub-discovery"


class TargetDialog(QDialog):
    """First-use setup: where should Publish send drafts? A static site needs nothing else."""

    def __init__(self, parent: QWidget | None, publisher: Publisher, worker: Worker | None = None) -> None:
        """``worker``: the main window's, so that checking a slow site never freezes it (without one,
        the check runs when OK is pressed)."""
        super().__init__(parent)
        self.setWindowTitle("Where to publish")
        self.publisher = publisher
        form = QFormLayout()
        self.kind = QComboBox(self)
        for label, kind in (("Static site (a folder of web pages, no account)", "static"),
                            ("WordPress", "wordpress"), ("Micropub site", "micropub")):
            self.kind.addItem(label, kind)
        self._folder = str(publisher.settings.get("publishing.site_dir") or default_site_dir())
        self.location = QLineEdit(self._folder, self)
        self.browse = QPushButton("Choose…", self)
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.location, 1)
        row.addWidget(self.browse)
        self.user = QLineEdit(self)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.site_title = QLineEdit(self)
        self.site_title.setPlaceholderText(str(publisher.settings.get("publishing.site_title") or "Writing"))
        self.base_url = QLineEdit(self)
        self.base_url.setPlaceholderText("optional, e.g. https://example.org/blog")
        self.base_url.setToolTip("Where the folder is served on the web, if you put it online: the feed and "
                                 "links then use it")
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.location_label = QLabel("Folder", self)
        self.secret_label = QLabel("Password or token", self)
        self.form = form
        form.addRow("Publish to", self.kind)
        form.addRow(self.location_label, row)
        form.addRow("Site title", self.site_title)
        form.addRow("Public address", self.base_url)
        form.addRow("User name", self.user)
        form.addRow(self.secret_label, self.secret)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        self.setMinimumWidth(560)
        layout.addWidget(buttons)
        self._worker = worker
        self._prepared: targets.NewTarget | None = None  # checked on the worker, for what is typed now
        self._allow_http = False  # the writer agreed to an unencrypted address
        self._cancelled = False
        for edit in (self.location, self.user, self.secret, self.site_title, self.base_url):
            edit.textChanged.connect(self._forget_check)
        self.buttons = buttons
        self.kind.currentIndexChanged.connect(self._update)
        self.kind.currentIndexChanged.connect(self._forget_check)
        self._update()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the site", self.location.text())
        if folder:
            self.location.setText(folder)

    def _update(self) -> None:
        """Only the fields the chosen kind uses: a static site has no user or password, a blog no
        folder, title or public address (it has its own)."""
        kind = self.kind.currentData()
        for widget, shown in ((self.site_title, kind == "static"), (self.base_url, kind == "static"),
                              (self.user, kind == "wordpress"), (self.secret, kind != "static")):
            self.form.setRowVisible(widget, shown)
        self.browse.setVisible(kind == "static")
        self.location_label.setText("Folder" if kind == "static" else "Site address")
        self.secret_label.setText("Application password" if kind == "wordpress" else "Token")
        self.note.setText(self._hint())
        self.note.setVisible(bool(self.note.text()))
        self.adjustSize()
        web = self.location.text().strip().startswith(("http://", "https://"))
        if kind == "static" and (web or not self.location.text().strip()):
            self.location.setText(self._folder)  # back to the folder, not a site called "https:"
        elif kind != "static" and not web:
            self._folder = self.location.text() or self._folder
            self.location.setText("https://")

    def _hint(self) -> str:
        kind = self.kind.currentData()
        if kind == "static":
            return "Writer writes the pages, tag pages and a feed into this folder; open index.html to read them."
        how = ("WordPress: Users ▸ Profile ▸ Application Passwords." if kind == "wordpress"
               else "Your site's Micropub settings give the token.")
        credentials = self.publisher.credentials
        return how + ("" if credentials.persistent else f" {credentials.not_stored_note()}")

    def _forget_check(self) -> None:
        self._prepared = None
        self._allow_http = False

    def _details(self) -> dict[str, Any]:
        """What the writer typed, as :func:`targets.prepare` takes it."""
        kind = self.kind.currentData()
        static = kind == "static"  # only what the chosen kind shows: nothing hidden is sent along
        return {"kind": kind, "location": self.location.text().strip(),
                "user": self.user.text().strip() if kind == "wordpress" else "",
                "secret": None if static else self.secret.text() or None,
                "title": self.site_title.text().strip() if static else "",
                "base_url": self.base_url.text().strip() if static else "",
                "allow_http": self._allow_http}

    def _accept(self) -> None:
        details = self._details()
        if details["kind"] != "static" and targets.plain_http(details["location"]) and not self._allow_http:
            answer = QMessageBox.question(
                self, "Send your password unencrypted?",
                f"{details['location']} is not encrypted (http://): your password or token would cross the "
                "network in clear, for anyone on the way to read. Use an https:// address if the site has one."
                "\n\nUse this unencrypted address anyway?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Yes:
                return
            self._allow_http = True
            details = self._details()
        if details["kind"] != "static" and self._prepared is None and self._worker is not None:
            where = details["location"]
            message = (f"Looking for the Micropub endpoint of {where}…" if details["kind"] == "micropub"
                       else f"Signing in to {where}…")
            self._busy(message)
            self._worker.submit(targets.prepare, self.publisher, channel=DISCOVERY_CHANNEL, **details,
                                on_result=lambda new: self._checked(details, new),
                                on_error=self._check_failed)
            return
        try:
            self.save()
        except WriterError as exc:
            QMessageBox.warning(self, "Cannot use this target", str(exc))
            return
        self.accept()

    def _busy(self, message: str | None) -> None:
        """While the site is looked up, what it was asked for cannot change under it (Cancel still works)."""
        for widget in (self.buttons.button(QDialogButtonBox.StandardButton.Ok), self.kind, self.location,
                       self.browse, self.user, self.secret, self.site_title, self.base_url):
            widget.setEnabled(message is None)
        if message is None:
            self._update()
        else:
            self.note.setText(message)
            self.note.show()

    def reject(self) -> None:
        self._cancelled = True
        if self._worker is not None:
            self._worker.cancel(DISCOVERY_CHANNEL)  # its answer is never used
        super().reject()

    def _checked(self, details: dict[str, Any], new: targets.NewTarget) -> None:
        self._busy(None)
        if self._cancelled or self._details() != details:
            return  # cancelled, or something else typed by now
        self._prepared = new
        self._accept()

    def _check_failed(self, exc: BaseException) -> None:
        self._busy(None)
        QMessageBox.warning(self, "Cannot use this target", str(exc))

    def save(self) -> ob.TargetConfig:
        """Save the target (checked on the worker first, when there is one) as the default."""
        new = self._prepared or targets.prepare(self.publisher, **self._details())
        return targets.save(self.publisher, new, default=True).target
