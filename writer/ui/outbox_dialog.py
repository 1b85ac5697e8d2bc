"""The publishing outbox: every job, its state and its post's link, with resend and retry."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import (
    QColor,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.store.timefmt import ago
from writer.ui.open_url import open_or_copy

if TYPE_CHECKING:
    from writer.ui.publish_controller import PublishController

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


def _until(when: datetime, now: datetime) -> str:
    """"in 3 minutes" / "any moment now": the next retry of a failed send."""
    seconds = (when - now).total_seconds()
    if seconds <= 30:
        return "any moment now"
    minutes = round(seconds / 60)
    return f"in {minutes} minute{'s' if minutes != 1 else ''}" if minutes < 90 else f"in {round(minutes / 60)} hours"


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
