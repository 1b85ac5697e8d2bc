"""Publishing in the app: the Publish/Update action, first-use target setup, the outbox view.

:func:`install_publishing` is the only hook the main window needs. Sending runs on the
window's worker (never the GUI thread); the outbox is retried on a timer and at start-up.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import datetime
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QAction,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPainter,
    QPalette,
    QPixmap,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.publishing import stats, targets
from writer.publishing.errors import CopyFlagged
from writer.publishing.publisher import Publisher, skip_when_unavailable
from writer.publishing.render import slugify
from writer.publishing.static_site import default_site_dir
from writer.store.text import word_count
from writer.store.timefmt import ago
from writer.ui import icons

log = logging.getLogger(__name__)

RETRY_MS = 60_000
OUTBOX_CHANNEL = "outbox"
DISCOVERY_CHANNEL = "micropub-discovery"


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
        self._worker = _window_worker(parent)  # the main window's: a slow site never freezes it
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


#: How each job state reads in the outbox, and its dot's colour (legible on light and dark).
STATES: dict[str, tuple[str, str]] = {
    "queued": ("Queued", "#8a877d"),
    "sending": ("Sending…", "#2f6fdb"),
    "failed": ("Failed", "#d1453b"),
    "done": ("Done", "#3c9a4f"),
}


def short_url(url: str) -> str:
    """What a link cell shows: ``example.org/posts/slug``, or a local page's file name."""
    parsed = urlsplit(url)
    if parsed.scheme == "file":
        return PurePosixPath(unquote(parsed.path)).name or url
    return (parsed.netloc + parsed.path.rstrip("/")) or url


@cache
def _dot(colour: str) -> QIcon:
    pixmap = QPixmap(24, 24)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(6, 6, 12, 12)
    painter.end()
    return QIcon(pixmap)


class OutboxDialog(QDialog):
    """Every publishing job: which draft, its state, when, and the post's link once it is out."""

    COLUMNS = ("Draft", "Action", "Target", "State", "Last change", "Tries", "Details")
    URL_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None, controller: PublishController) -> None:
        super().__init__(parent)
        self.setWindowTitle("Publishing outbox")
        self.setObjectName("outboxDialog")
        self.controller = controller
        heading = QLabel("<b>Outbox</b>", self)
        heading.setObjectName("outboxHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        heading.setFont(font)
        hint = QLabel("Posts on their way to your site. Failed sends are retried every minute.", self)
        hint.setObjectName("outboxHint")
        hint.setEnabled(False)  # drawn in the muted colour
        self.table = QTableWidget(0, len(self.COLUMNS), self)
        self.table.setObjectName("outboxTable")
        self.table.setHorizontalHeaderLabels(self.COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(True)  # a failure's whole reason, over lines if need be
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setMouseTracking(True)
        self.table.setIconSize(QSize(14, 14))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setMinimumSectionSize(64)  # room to breathe for short headings like Tries
        for col, mode in enumerate((QHeaderView.ResizeMode.Interactive, *[QHeaderView.ResizeMode.ResizeToContents] * 5,
                                    QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(col, mode)
        header.resizeSection(0, 190)  # most titles on one line
        self.table.cellClicked.connect(self._clicked)
        self.table.cellEntered.connect(self._hovered)
        self.empty = QLabel("Nothing waiting to be published.\nPress Ctrl+Shift+P to publish the open draft.", self)
        self.empty.setObjectName("outboxEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty)
        self.retry = QPushButton("Retry failed now", self)
        self.retry.clicked.connect(controller.retry_all)
        self.resend = QPushButton("Send again…", self)
        self.resend.setToolTip("For a post Writer cannot check on the site: send it again after you looked "
                               "and it is not there")
        self.resend.clicked.connect(self._resend)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._jobs: list[ob.Job] = []
        close = QPushButton("Close", self)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.resend)
        row.addWidget(self.retry)
        row.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addSpacing(4)
        layout.addWidget(self.pages, 1)
        layout.addLayout(row)
        self.resize(820, 340)
        self.ticker = QTimer(self, interval=30_000)  # keeps "2 minutes ago" true while open
        self.ticker.timeout.connect(self.refresh)
        self.ticker.start()
        controller.changed.append(self.refresh)
        self.refresh()

    def column(self, name: str) -> int:
        return self.COLUMNS.index(name)

    def cell(self, row: int, name: str) -> str:
        """The text shown in ``row`` under the column ``name``."""
        item = self.table.item(row, self.column(name))
        return item.text() if item is not None else ""

    def refresh(self) -> None:
        store = self.controller.store
        jobs = ob.list_jobs(store, limit=200)
        now = store.clock()
        titles: dict[int, str] = {}
        self.table.setRowCount(len(jobs))
        for row, job in enumerate(jobs):
            if job.draft_id not in titles:
                titles[job.draft_id] = self._title(job)
            self._fill(row, job, titles[job.draft_id], now)
        self.table.resizeRowsToContents()
        self.pages.setCurrentWidget(self.table if jobs else self.empty)
        self.retry.setEnabled(any(j.state == "failed" and not j.needs_a_look for j in jobs))
        self._jobs = jobs
        self._selection_changed()

    def selected_job(self) -> ob.Job | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return self._jobs[rows.pop()] if len(rows) == 1 and max(rows) < len(self._jobs) else None

    def _selection_changed(self) -> None:
        job = self.selected_job()
        self.resend.setEnabled(job is not None and job.state == "failed" and job.needs_a_look)

    def _resend(self) -> None:
        job = self.selected_job()
        if job is None:
            return
        answer = QMessageBox.question(self, "Send again?", f"Writer cannot tell whether this post reached "
                                      f"{job.target}. Send it again only if it is not on the site: otherwise it "
                                      "would be there twice.\n\nSend it again?")
        if answer == QMessageBox.StandardButton.Yes:
            self.controller.resend(job.id)

    def _title(self, job: ob.Job) -> str:
        try:
            draft = self.controller.store.get_draft(job.draft_id)
        except WriterError:  # deleted since: the job still knows what it sent
            return f"{job.payload.get('title') or 'Untitled'} (deleted)"
        return draft.title or "Untitled"

    def _fill(self, row: int, job: ob.Job, title: str, now: datetime) -> None:
        label, colour = STATES.get(job.state, (job.state.title(), "#8a877d"))
        when_tip = f"Queued {job.created.astimezone():%d %b %Y, %H:%M} · last change {job.updated.astimezone():%H:%M}"
        if job.state == "failed":
            label = "Unknown — look at the site" if job.needs_a_look else (
                "Failed — needs you" if job.permanent else "Failed — will retry")
            reason = job.reason or "No reason given"
            detail = reason if job.permanent else f"{reason} Next try {_until(job.next_attempt, now)}."
            tip = detail
        elif job.state == "done" and job.url:
            detail, tip = short_url(job.url), f"Open {job.url}"
        else:
            detail = tip = ""
        cells = [(title, title), (job.action.capitalize(), ""), (job.target, ""), (label, tip),
                 (ago(job.updated, now), when_tip), (str(job.attempts), ""), (detail, tip or detail)]
        for col, (text, tooltip) in enumerate(cells):
            item = QTableWidgetItem(text)
            if tooltip:
                item.setToolTip(tooltip)
            self.table.setItem(row, col, item)
        self.table.item(row, self.column("State")).setIcon(_dot(colour))
        self.table.item(row, self.column("Tries")).setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        details = self.table.item(row, self.column("Details"))
        if job.state == "done" and job.url:
            details.setData(self.URL_ROLE, job.url)
            details.setForeground(self.palette().color(QPalette.ColorRole.Link))
            font = details.font()
            font.setUnderline(True)
            details.setFont(font)
        elif job.state == "failed":
            details.setForeground(QColor(STATES["failed"][1]))

    def link_at(self, row: int) -> str | None:
        item = self.table.item(row, self.column("Details"))
        url = item.data(self.URL_ROLE) if item is not None else None
        return str(url) if url else None

    def _clicked(self, row: int, col: int) -> None:
        url = self.link_at(row) if col == self.column("Details") else None
        if url:
            open_or_copy(self, url)  # no browser: the path, copied and shown

    def _hovered(self, row: int, col: int) -> None:
        linked = col == self.column("Details") and self.link_at(row) is not None
        self.table.viewport().setCursor(Qt.CursorShape.PointingHandCursor if linked else Qt.CursorShape.ArrowCursor)


def _window_worker(widget: QWidget | None) -> Any:
    """The main window's background worker, from a dialog opened over it (or over Settings)."""
    while widget is not None:
        worker = getattr(widget, "worker", None)
        if worker is not None:
            return worker
        widget = widget.parentWidget()
    return None


def _click_channel(draft_id: int) -> str:
    """The worker channel of a Publish click for this draft (the outbox timer's is ``OUTBOX_CHANNEL``)."""
    return f"publish-{draft_id}"


def _until(when: datetime, now: datetime) -> str:
    """"in 3 minutes" / "any moment now": the next retry of a failed send."""
    seconds = (when - now).total_seconds()
    if seconds <= 30:
        return "any moment now"
    minutes = round(seconds / 60)
    return f"in {minutes} minute{'s' if minutes != 1 else ''}" if minutes < 90 else f"in {round(minutes / 60)} hours"


#: Flagged passages the publish warning names one by one; more are counted.
WARN_SHOWN = 6
PASSAGE_WORDS = 12


def _field(item: Any, name: str, default: Any = None) -> Any:
    return item.get(name, default) if isinstance(item, dict) else getattr(item, name, default)


def describe_flag(flag: Any) -> str:
    """“Title” by Author: “the first words of the passage…” (rich text, escaped)."""
    sources = _field(flag, "sources") or ([_field(flag, "source")] if _field(flag, "source") else [])
    source = sources[0] if sources else None
    title = (_field(source, "title") or "an unnamed work") if source is not None else "a training text"
    author = _field(source, "author") if source is not None else ""
    words = str(_field(flag, "text", "")).split()
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


def _utf16(text: str, index: int) -> int:
    """A Python string index as a QTextDocument position (UTF-16 code units)."""
    return len(text[:index].encode("utf-16-le")) // 2


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
        self.publish_action.triggered.connect(self.publish_current)
        self.outbox_action = QAction("Publishing Outbox…", window)
        self.outbox_action.setObjectName("outboxAction")
        self.outbox_action.triggered.connect(self.show_outbox)
        window.addAction(self.publish_action)
        _place_with_document_actions(window.toolbar, self.publish_action, after=window.new_action)
        self.address_action = QAction("Change Post Address…", window)
        self.address_action.setObjectName("changeAddressAction")
        self.address_action.setStatusTip("Give the published post a new address; the old one sends readers on")
        self.address_action.triggered.connect(self.change_address)
        file_menu = window.menus["file"]
        file_menu.addSeparator()
        file_menu.addActions([self.publish_action, self.address_action, self.outbox_action])
        self.copy_warning: CopyWarning | None = None  # while it is open
        self.published_label = QLabel(window.statusBar())
        self.published_label.setObjectName("publishedLabel")
        self.published_label.setTextFormat(Qt.TextFormat.RichText)
        self.published_label.linkActivated.connect(lambda url: open_or_copy(self.window, url))
        window.statusBar().addWidget(self.published_label, 1)
        self.published_label.hide()
        self._published_timer = QTimer(self, singleShot=True, interval=20_000)
        self._published_timer.timeout.connect(self.published_label.hide)
        self._tint_icon()
        window.installEventFilter(self)
        window.draftOpened.connect(lambda _id: self.update_action())
        window.draftSaved.connect(self._on_saved)
        self._pasted: dict[int, int] = {}  # words pasted into each draft since its last save
        window.editor.pasted.connect(self._on_pasted)
        self.timer = QTimer(self, interval=RETRY_MS)
        self.timer.timeout.connect(self.process_outbox)
        self.timer.start()
        self.outbox_dialog: OutboxDialog | None = None
        self._again = False  # an outbox run was asked for while one was going
        self._awaiting: set[int] = set()  # drafts whose Publish click has not been answered yet
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
        key = self.publish_action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        self.publish_action.setText("Update post" if published else "Publish")
        tip = "Send your changes to the published post" if published else "Publish this draft"
        self.publish_action.setToolTip(f"{tip} ({key})")
        self.publish_action.setStatusTip(tip)
        self.publish_action.setEnabled(draft_id is not None and not self.store.read_only)
        self.address_action.setEnabled(published and not self.store.read_only and self._static_post(draft_id))

    def _static_post(self, draft_id: int | None) -> bool:
        """Whether the draft is live on a static site (whose addresses Writer chooses)."""
        if draft_id is None:
            return False
        try:
            kinds = {t.name: t.kind for t in ob.list_targets(self.store)}
            return any(kinds.get(p.target) == "static" and p.remote_id for p in ob.publications(self.store, draft_id))
        except WriterError:
            return False

    def change_address(self) -> int | None:
        """Ask for the post's new address (proposed from its title) and move it on the worker (the
        site is rebuilt); returns the worker request id."""
        draft_id = self.window.current_draft_id
        if draft_id is None:
            return None
        self.window.autosave.flush()
        draft = self.store.get_draft(draft_id)
        current = PurePosixPath(unquote(urlsplit(draft.url).path)).stem
        slug, ok = QInputDialog.getText(
            self.window, "Change post address",
            f"The post is at “{current}”. New address (the old one will send readers there):",
            QLineEdit.EchoMode.Normal, slugify(draft.title or "post"))
        if not ok or not slug.strip():
            return None
        self.window.statusBar().showMessage("Moving the post…")

        def moved(url: str) -> None:
            self.window.model.update_draft(self.store.get_draft(draft_id))
            self.show_published(draft.title or "Untitled", url, verb="Moved")
            self._notify()

        def failed(exc: BaseException) -> None:
            self.window.statusBar().clearMessage()
            QMessageBox.warning(self.window, "Cannot change the address", str(exc))

        return self.window.worker.submit(self.publisher.change_address, draft_id, slug=slug.strip(),
                                         channel=f"address-{draft_id}", on_result=moved, on_error=failed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() == QEvent.Type.ApplicationPaletteChange:
            QTimer.singleShot(0, self._tint_icon)  # the window records its new palette just after
        return False

    def _tint_icon(self) -> None:
        """The toolbar icon in the theme's text colour, like the window's own actions."""
        palette = getattr(self.window, "palette_", None)
        colour = palette.text if palette is not None else self.window.palette().color(QPalette.ColorRole.WindowText)
        self.publish_action.setIcon(icons.icon("publish", colour))

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
            self.copy_warning = CopyWarning(self.window, list(exc.flags))
            try:
                self.copy_warning.exec()
                choice = self.copy_warning.choice()
            finally:
                self.copy_warning.deleteLater()
                self.copy_warning = None
            if choice == "review":
                self.review(exc.flags[0])
            return self.publish_current(force=True) if choice == "publish" else None
        except WriterError as exc:
            QMessageBox.warning(self.window, "Cannot publish", str(exc))
            return None
        return self._send(draft_id)

    def review(self, flag: Any) -> None:
        """Select ``flag``'s passage in the editor and bring up the Copy check panel."""
        editor = self.window.editor
        text = editor.toPlainText()
        start, end = int(_field(flag, "start", 0)), int(_field(flag, "end", 0))
        cursor = QTextCursor(editor.document())
        cursor.setPosition(min(_utf16(text, start), len(text.encode("utf-16-le")) // 2))
        cursor.setPosition(min(_utf16(text, end), len(text.encode("utf-16-le")) // 2),
                           QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        editor.centerCursor()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        copycheck = getattr(self.window, "copycheck", None)
        if copycheck is not None:
            copycheck.show_panel()

    def _setup(self) -> bool:
        dialog = TargetDialog(self.window, self.publisher)
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _send(self, draft_id: int) -> int:
        self.published_label.hide()
        self.window.statusBar().showMessage("Publishing…")
        self._awaiting.add(draft_id)
        return self.window.worker.submit(self.publisher.process, channel=_click_channel(draft_id), draft_id=draft_id,
                                         on_result=lambda jobs: self._sent(draft_id, jobs),
                                         on_error=lambda exc: self._sent(draft_id, [], exc))

    def _sent(self, draft_id: int, jobs: list[ob.Job], error: BaseException | None = None) -> None:
        if not jobs and error is None:
            if self.window.worker.busy(OUTBOX_CHANNEL):
                return  # the retry timer's run took the job first: it reports when it is done
            jobs = self._unfinished(draft_id)  # waiting behind an earlier try of the same post
        self._report(draft_id, jobs, error)

    def _unfinished(self, draft_id: int) -> list[ob.Job]:
        return [j for j in ob.list_jobs(self.store, states=("queued", "sending", "failed"), limit=500)
                if j.draft_id == draft_id]

    def _report(self, draft_id: int, jobs: list[ob.Job], error: BaseException | None = None) -> None:
        """Tell the writer how the publish they asked for went (whichever run sent it)."""
        self._awaiting.discard(draft_id)
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
        elif any(j.state in ("queued", "sending") for j in jobs):
            self.window.statusBar().showMessage("Queued: it goes out after an earlier try of this post "
                                                "(File ▸ Publishing Outbox).")
        elif draft.url:
            self.show_published(draft.title or "Untitled", draft.url)
        self.update_action()
        self._notify()

    def show_published(self, title: str, url: str, *, verb: str = "Published") -> None:
        """"Published “Title” — Open" in the status bar for a while; the URL sits in the tooltip."""
        bar = self.window.statusBar()
        bar.clearMessage()
        shown = title if len(title) <= 48 else title[:45].rstrip() + "…"
        self.published_label.setText(f"{verb} “{html.escape(shown)}” — "
                                     f"<a href=\"{html.escape(url, quote=True)}\">Open</a>")
        self.published_label.setToolTip(url)
        self.published_label.show()
        self._published_timer.start()

    def _on_pasted(self, text: str) -> None:
        draft_id = self.window.current_draft_id
        if draft_id is not None:
            self._pasted[draft_id] = self._pasted.get(draft_id, 0) + word_count(text)

    def _on_saved(self, draft_id: int) -> None:
        try:
            draft = self.store.get_draft(draft_id)
            machine = sum(word_count(draft.body[s.start:s.end]) for s in self.store.get_provenance(draft_id))
            stats.record_save(self.store, draft_id, draft.word_count, machine=min(machine, draft.word_count),
                              pasted=self._pasted.pop(draft_id, 0))
            if self.publisher.on_saved(draft_id):
                self.process_outbox()
        except WriterError:
            pass  # a failed stats write must never disturb saving

    def process_outbox(self) -> int | None:
        """Send what is due, in the background. While a run is going, another waits for it (a
        second request on the channel would drop the first's results)."""
        if self.window.worker.busy(OUTBOX_CHANNEL):
            self._again = True
            return None
        self._again = False
        return self.window.worker.submit(self.publisher.process, channel=OUTBOX_CHANNEL, on_result=self._processed,
                                         on_error=self._process_failed)

    def _process_failed(self, exc: BaseException) -> None:
        log.error("outbox run failed", exc_info=exc)
        for draft_id in list(self._awaiting):  # clicks that were waiting on this run
            if not self.window.worker.busy(_click_channel(draft_id)):
                self._report(draft_id, [], exc)
        if self._again:
            self.process_outbox()

    def _processed(self, jobs: list[ob.Job]) -> None:
        """Sends the retry timer finished: the list, the Publish action and the outbox show them."""
        if self._again:
            QTimer.singleShot(0, self.process_outbox)
        for draft_id in list(self._awaiting):  # clicks whose own request found the job taken by this run
            if not self.window.worker.busy(_click_channel(draft_id)):
                self._report(draft_id, [job for job in jobs if job.draft_id == draft_id] or self._unfinished(draft_id))
        for draft_id in {job.draft_id for job in jobs}:
            try:
                self.window.model.update_draft(self.store.get_draft(draft_id))
            except WriterError:
                continue  # deleted since: its delete job ran, nothing to show
        self.update_action()
        self._notify()

    def resend(self, job_id: int) -> None:
        """The writer looked: the post is not on the site, send it again without checking."""
        try:
            ob.resend(self.store, job_id)
        except WriterError as exc:
            QMessageBox.warning(self.window, "Cannot send again", str(exc))
            return
        self.process_outbox()
        self._notify()

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


def _place_with_document_actions(toolbar: QToolBar, action: QAction, *, after: QAction) -> None:
    """Put ``action`` right after ``after`` (New Draft) rather than stranded past the spacer."""
    actions = toolbar.actions()
    following = actions[actions.index(after) + 1] if after in actions and actions.index(after) + 1 < len(actions) \
        else None
    if following is None:
        toolbar.addAction(action)
    else:
        toolbar.insertAction(following, action)


def _copy_check(window: Any) -> Callable[[str], list[Any]]:
    """The copy check publishing runs first; without a usable index it says so and lets the post go."""
    def flags(text: str) -> list[Any]:
        from writer.copycheck.service import copy_flags_for_publish  # loads the index code on first publish

        return copy_flags_for_publish(text)

    return skip_when_unavailable(flags, lambda exc: window.statusBar().showMessage(
        f"Published without a copy check: {exc}", 8000))


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
