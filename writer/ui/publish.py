"""Publishing in the app: the Publish/Update action, first-use target setup, the outbox view.

:func:`install_publishing` is the only hook the main window needs. Sending runs on the
window's worker (never the GUI thread); the outbox is retried on a timer and at start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.publishing import stats
from writer.publishing.credentials import NO_KEYRING
from writer.publishing.errors import CopyFlagged
from writer.publishing.micropub import discover
from writer.publishing.publisher import Publisher
from writer.publishing.static_site import default_site_dir
from writer.store import outbox as ob

RETRY_MS = 60_000


class TargetDialog(QDialog):
    """First-use setup: where should Publish send drafts? A static site needs nothing else."""

    def __init__(self, parent: QWidget | None, publisher: Publisher) -> None:
        super().__init__(parent)
        self.setWindowTitle("Where to publish")
        self.publisher = publisher
        form = QFormLayout()
        self.kind = QComboBox(self)
        for label, kind in (("Static site (a folder of web pages, no account)", "static"),
                            ("WordPress", "wordpress"), ("Micropub site", "micropub")):
            self.kind.addItem(label, kind)
        self.location = QLineEdit(str(publisher.settings.get("publishing.site_dir") or default_site_dir()), self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.location, 1)
        row.addWidget(browse)
        self.user = QLineEdit(self)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.note = QLabel("" if publisher.credentials.persistent else NO_KEYRING, self)
        self.note.setWordWrap(True)
        form.addRow("Publish to", self.kind)
        form.addRow("Folder or address", row)
        form.addRow("User name", self.user)
        form.addRow("Password or token", self.secret)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._update)
        self._update()

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder for the site", self.location.text())
        if folder:
            self.location.setText(folder)

    def _update(self) -> None:
        kind = self.kind.currentData()
        self.user.setEnabled(kind == "wordpress")
        self.secret.setEnabled(kind != "static")
        if kind != "static" and self.location.text().startswith("/"):
            self.location.setText("https://")

    def _accept(self) -> None:
        try:
            self.save()
        except WriterError as exc:
            QMessageBox.warning(self, "Cannot use this target", str(exc))
            return
        self.accept()

    def save(self) -> ob.TargetConfig:
        kind, where, secret = self.kind.currentData(), self.location.text().strip(), self.secret.text()
        store = self.publisher.store
        if kind == "static":
            return ob.add_target(store, "site", "static", {"path": where}, default=True)
        if not where.startswith(("http://", "https://")) or not secret:
            raise WriterError("Give the site's address (https://…) and its password or token.")
        if kind == "wordpress":
            config: dict[str, Any] = {"url": where.rstrip("/"), "user": self.user.text().strip()}
        else:
            config = {"site": where, "endpoint": discover(where, self.publisher.client())}
        self.publisher.credentials.set(kind, secret)
        return ob.add_target(store, kind, kind, config, default=True)


class OutboxDialog(QDialog):
    """Every publishing job with its state, and a button to retry failed ones now."""

    COLUMNS = ("Draft", "Action", "Target", "State", "Tries", "Details")

    def __init__(self, parent: QWidget | None, controller: PublishController) -> None:
        super().__init__(parent)
        self.setWindowTitle("Outbox")
        self.controller = controller
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("outboxTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        retry = QPushButton("Retry failed now", self)
        retry.clicked.connect(controller.retry_all)
        close = QPushButton("Close", self)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(retry)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self.resize(720, 320)
        controller.changed.append(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        jobs = ob.list_jobs(self.controller.store, limit=200)
        self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            state = job.state + (" (needs you)" if job.permanent else "")
            detail = job.url if job.state == "done" else (job.reason or "")
            for col, text in enumerate((str(job.draft_id), job.action, job.target, state, str(job.attempts),
                                        detail or "")):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, col, item)


class PublishController(QObject):
    """Wires publishing into one main window."""

    def __init__(self, window: Any, publisher: Publisher) -> None:
        super().__init__(window)
        self.window = window
        self.store = window.store
        self.publisher = publisher
        self.changed: list[Callable[[], None]] = []
        self.publish_action = QAction("Publish", window)
        self.publish_action.setObjectName("publishAction")
        self.publish_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.publish_action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        self.publish_action.setToolTip("Publish this draft (Ctrl+Shift+P)")
        self.publish_action.triggered.connect(self.publish_current)
        self.outbox_action = QAction("Outbox…", window)
        self.outbox_action.triggered.connect(self.show_outbox)
        window.addAction(self.publish_action)
        window.toolbar.addAction(self.publish_action)
        file_menu = window.menus["file"]
        file_menu.addSeparator()
        file_menu.addActions([self.publish_action, self.outbox_action])
        window.draftOpened.connect(lambda _id: self.update_action())
        window.draftSaved.connect(self._on_saved)
        self.timer = QTimer(self, interval=RETRY_MS)
        self.timer.timeout.connect(self.process_outbox)
        self.timer.start()
        self.outbox_dialog: OutboxDialog | None = None
        self.update_action()
        QTimer.singleShot(0, self.process_outbox)  # finish what a previous session left

    def update_action(self) -> None:
        draft_id = self.window.current_draft_id
        published = False
        if draft_id is not None:
            try:
                published = self.store.get_draft(draft_id).status == "published"
            except WriterError:
                published = False
        self.publish_action.setText("Update" if published else "Publish")
        self.publish_action.setEnabled(draft_id is not None and not self.store.read_only)

    def publish_current(self, *, force: bool = False) -> int | None:
        """Publish (or update) the open draft on the default target; returns the worker request id."""
        draft_id = self.window.current_draft_id
        if draft_id is None:
            return None
        self.window.autosave.flush()
        if ob.default_target(self.store) is None and not self._setup():
            return None
        try:
            self.publisher.publish(draft_id, force=force, send=False)  # CopyFlagged comes before queuing
        except CopyFlagged as exc:
            answer = QMessageBox.warning(self.window, "Flagged as copied", f"{exc}\n\nPublish anyway?",
                                         QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                         QMessageBox.StandardButton.Cancel)
            return self.publish_current(force=True) if answer == QMessageBox.StandardButton.Yes else None
        except WriterError as exc:
            QMessageBox.warning(self.window, "Cannot publish", str(exc))
            return None
        return self._send(draft_id)

    def _setup(self) -> bool:
        dialog = TargetDialog(self.window, self.publisher)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _send(self, draft_id: int) -> int:
        self.window.statusBar().showMessage("Publishing…")
        return self.window.worker.submit(self.publisher.process, channel=f"publish-{draft_id}", draft_id=draft_id,
                                         on_result=lambda jobs: self._sent(draft_id, jobs),
                                         on_error=lambda exc: self._sent(draft_id, [], exc))

    def _sent(self, draft_id: int, jobs: list[ob.Job], error: BaseException | None = None) -> None:
        try:
            draft = self.store.get_draft(draft_id)
        except WriterError:  # deleted meanwhile, or the app is closing
            return
        self.window.model.update_draft(draft)
        failed = [j for j in jobs if j.state == "failed"]
        if error is not None:
            self.window.statusBar().showMessage(f"Not published: {error}")
        elif failed:
            self.window.statusBar().showMessage(f"Not published yet: {failed[-1].reason}")
        elif draft.url:
            self.window.statusBar().showMessage(f"Published: {draft.url}", 8000)
        self.update_action()
        self._notify()

    def _on_saved(self, draft_id: int) -> None:
        try:
            draft = self.store.get_draft(draft_id)
            stats.record_save(self.store, draft_id, draft.word_count)
            if self.publisher.on_saved(draft_id):
                self.process_outbox()
        except WriterError:
            pass  # a failed stats write must never disturb saving

    def process_outbox(self) -> int:
        return self.window.worker.submit(self.publisher.process, channel="outbox",
                                         on_result=lambda _jobs: self._notify())

    def retry_all(self) -> None:
        ob.retry_failed(self.store)
        self.process_outbox()
        self._notify()

    def show_outbox(self) -> OutboxDialog:
        if self.outbox_dialog is None:
            self.outbox_dialog = OutboxDialog(self.window, self)
        self.outbox_dialog.refresh()
        self.outbox_dialog.show()
        return self.outbox_dialog

    def _notify(self) -> None:
        for callback in list(self.changed):
            try:
                callback()
            except WriterError:  # the store closed while work was in flight (shutdown)
                return


def _copy_check(window: Any) -> Callable[[str], list[Any]]:
    """The copy check publishing runs first; without a usable index it says so and lets the post go."""
    def check(text: str) -> list[Any]:
        from writer.ui.copycheck_service import copy_flags_for_publish

        try:
            return copy_flags_for_publish(text)
        except WriterError as exc:
            window.statusBar().showMessage(f"Published without a copy check: {exc}", 8000)
            return []

    return check


def install_publishing(window: Any, *, publisher: Publisher | None = None,
                       clock: Callable[[], datetime] | None = None) -> PublishController:
    """Add publishing, nudges and stats to ``window`` (a MainWindow)."""
    from writer.ui.nudges import install_nudges
    from writer.ui.stats import install_stats

    publisher = publisher or Publisher(window.store, window.settings, copy_check=_copy_check(window))
    controller = PublishController(window, publisher)
    window.publishing = controller
    install_nudges(window, controller, clock or window.store.clock)
    install_stats(window, controller, clock or window.store.clock)
    return controller
