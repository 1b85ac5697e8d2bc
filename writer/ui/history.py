"""History: the open draft's revisions, what changed since each, and restore as one undo step.

The dialog is not modal, so New and Search keep working while it is open. Diffs are computed on
the window's worker (a pasted novel's diff is not instant) and shown with removed words struck
through in red and added words in green. Restoring replaces the editor's text in one edit block,
so Ctrl+Z takes it back, and gives the revision's machine-written spans back to the provenance
tracker; autosave then stores both, as for any edit.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from writer.errors import WriterError
from writer.provenance import to_utf16
from writer.store import Revision, Store
from writer.store.history import Change, diff, words_changed
from writer.store.timefmt import ago
from writer.ui.windows import lazy_window

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow
    from writer.ui.provenance import ProvenanceView

CHANNEL = "history"
REASONS = {"autosave": "while writing", "manual": "kept by you", "publish": "published",
           "before restore": "before a restore", "switch": "on leaving the draft"}


def when(moment: datetime, now: datetime) -> str:
    """"Today 14:02", "Yesterday 09:10" or "3 Dec 2026, 16:40", in local time."""
    local, today = moment.astimezone(), now.astimezone().date()
    clock = local.strftime("%H:%M")
    days = (today - local.date()).days
    if days == 0:
        return f"Today {clock}"
    if days == 1:
        return f"Yesterday {clock}"
    return f"{local.day} {local.strftime('%b %Y')}, {clock}"


def changes_html(changes: list[Change], colours: dict[str, str]) -> str:
    """A diff as HTML for a QTextBrowser: removed words struck through, added ones underlined."""
    parts = []
    for change in changes:
        text = html.escape(change.text).replace("\n", "<br>")
        if change.op == "added":
            parts.append(f'<span style="background:{colours["added"]}; text-decoration: underline">{text}</span>')
        elif change.op == "removed":
            parts.append(f'<span style="background:{colours["removed"]}; text-decoration: line-through">'
                         f"{text}</span>")
        else:
            parts.append(text)
    return "".join(parts)


def _compare(store: Store, revision_id: int, new: str) -> tuple[list[Change], int, int]:
    changes = diff(store.revision(revision_id).body, new)
    return (changes, *words_changed(changes))


class HistoryDialog(QDialog):
    """Revisions of the open draft, newest first, with a diff against the text as it is now."""

    def __init__(self, window: MainWindow, provenance: ProvenanceView | None = None) -> None:
        """``provenance``: where a restored version's model-written spans are tinted again."""
        super().__init__(window)
        self.main_window, self.provenance = window, provenance
        self.setObjectName("historyDialog")
        self.setWindowTitle("History")
        self.setModal(False)
        self.resize(860, 560)
        self.draft_id: int | None = None
        self.revisions: list[Revision] = []

        self.list = QListWidget(self)
        self.list.setObjectName("historyList")
        self.list.setSpacing(3)
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(self._show_selected)
        self.summary = QLabel(self)
        self.summary.setObjectName("historySummary")
        self.summary.setWordWrap(True)
        self.view = QTextBrowser(self)
        self.view.setObjectName("historyDiff")
        self.view.setOpenLinks(False)
        right = QWidget(self)
        rlay = QVBoxLayout(right)
        rlay.setContentsMargins(0, 0, 0, 0)
        rlay.addWidget(self.summary)
        rlay.addWidget(self.view, 1)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.addWidget(self.list)
        split.addWidget(right)
        split.setStretchFactor(1, 3)
        split.setSizes([260, 600])

        buttons = QDialogButtonBox(self)
        self.restore_button = QPushButton("&Restore This Version", self)
        self.restore_button.setObjectName("historyRestore")
        self.restore_button.setToolTip("Put this version's text back; Ctrl+Z in the editor undoes it")
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        self.heading = QLabel(self)
        self.heading.setObjectName("historyHeading")
        layout.addWidget(self.heading)
        body = QHBoxLayout()
        body.addWidget(split)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        window.draftOpened.connect(self._on_draft_opened)

    # -- loading -----------------------------------------------------------------------------
    def load(self, draft_id: int | None) -> None:
        """Show the revisions of ``draft_id`` (the open draft), newest first."""
        self.draft_id = draft_id
        self.list.clear()
        self.view.clear()
        self.revisions = []
        if draft_id is None:
            self.heading.setText("No draft is open.")
            self.restore_button.setEnabled(False)
            return
        try:
            self.revisions = self.main_window.store.revisions(draft_id, bodies=False)  # one body is read when shown
            title = self.main_window.store.get_draft(draft_id).title or "Untitled"
        except WriterError as exc:
            self.heading.setText(str(exc))
            self.restore_button.setEnabled(False)
            return
        now = datetime.now(UTC)
        self.heading.setText(f"<b>{html.escape(title)}</b> — {len(self.revisions)} "
                             f"version{'s' if len(self.revisions) != 1 else ''} kept "
                             "(all of today, hourly for a week, daily after that)")
        for rev in self.revisions:
            reason = REASONS.get(rev.reason, rev.reason)
            item = QListWidgetItem(f"{when(rev.created, now)}\n{rev.word_count:,} words · {reason}")
            item.setToolTip(f"{ago(rev.created)}: {rev.title}")
            self.list.addItem(item)
        self.restore_button.setEnabled(bool(self.revisions))
        if self.revisions:
            self.list.setCurrentRow(0)
        else:
            self.summary.setText("No earlier versions yet: one is kept every few minutes of writing.")

    def _on_draft_opened(self, draft_id: int) -> None:
        if self.isVisible():
            self.load(draft_id)

    def selected(self) -> Revision | None:
        row = self.list.currentRow()
        return self.revisions[row] if 0 <= row < len(self.revisions) else None

    def _show_selected(self, _row: int) -> None:
        rev = self.selected()
        doc = self.main_window.document(self.draft_id) if self.draft_id is not None else None
        if rev is None or doc is None:
            return
        self.summary.setText("Comparing with the text as it is now…")
        self.main_window.worker.submit(_compare, self.main_window.store, rev.id, doc.toPlainText(), channel=CHANNEL,
                                  on_result=lambda result, rev_id=rev.id: self._show_diff(rev_id, *result),
                                  on_error=lambda exc: self.summary.setText(f"Could not compare: {exc}"))

    def _show_diff(self, rev_id: int, changes: list[Change], added: int, removed: int) -> None:
        rev = self.selected()
        if rev is None or rev.id != rev_id:
            return  # another version was picked meanwhile
        if all(change.op == "same" for change in changes):
            self.summary.setText("This version is the same as the text now.")
        elif not added and not removed:
            self.summary.setText("Only line breaks or spacing changed since this version.")
        else:
            self.summary.setText(f"Since this version: <b>+{added:,}</b> words added, <b>−{removed:,}</b> removed "
                                 "(<u>added</u>, <s>removed</s>).")
        dark = self.palette().window().color().lightness() < 128
        colours = {"added": "#1f5130" if dark else "#d7f5dd", "removed": "#5c2326" if dark else "#fbd9d9"}
        self.view.setHtml(changes_html(changes, colours))

    # -- restoring ---------------------------------------------------------------------------
    def restore_selected(self) -> None:
        """Replace the editor's text with the selected version in one undoable edit."""
        rev = self.selected()
        if rev is None or self.draft_id is None or self.draft_id != self.main_window.current_draft_id:
            return
        self.main_window.autosave.flush()  # the text on screen, typing included, is what gets kept
        try:
            rev = self.main_window.store.revision(rev.id)  # the list holds no bodies
            spans = self.main_window.store.revision_provenance(rev.id)
            self.main_window.store.snapshot(self.draft_id, "before restore")
        except WriterError as exc:
            self.summary.setText(f"Could not restore: {exc}")
            return
        editor = self.main_window.editor
        cursor = QTextCursor(editor.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(rev.body)
        cursor.endEditBlock()
        if self.provenance is not None:
            for span in to_utf16(spans, rev.body):
                self.provenance.record(span.start, span.end, span.model, span.seed)
        self.main_window.autosave.flush()
        self.main_window.statusBar().showMessage(f"Restored the version of {when(rev.created, datetime.now(UTC))} "
                                            "(Ctrl+Z undoes it)", 8000)
        self.load(self.draft_id)


def _checkpoint(store: Store, draft_id: int) -> None:
    with contextlib.suppress(WriterError):  # a draft deleted meanwhile, or a read-only store
        store.checkpoint(draft_id, "switch")


def install_history(window: MainWindow, provenance: ProvenanceView | None = None) -> Callable[[], HistoryDialog]:
    """File ▸ History… (Ctrl+Shift+H) for the open draft; the draft is kept as a version when left.
    Returns what shows the dialog."""
    def prepare(dialog: HistoryDialog) -> None:
        window.autosave.flush()  # compare with what is on screen, saved
        dialog.load(window.current_draft_id)

    show = lazy_window(lambda: HistoryDialog(window, provenance), prepare)

    action = window.make_action("&History…", ["Ctrl+Shift+H"], show, tip="Earlier versions of this draft")
    action.setObjectName("historyAction")
    window.menus["file"].insertAction(window.delete_action, action)
    previous: dict[str, int | None] = {"id": window.current_draft_id}

    def keep_left_draft(draft_id: int) -> None:
        left = previous["id"]
        previous["id"] = draft_id
        if left is not None and left != draft_id:  # on the worker: comparing a 5 MB draft takes a while
            window.worker.submit(_checkpoint, window.store, left, channel=f"checkpoint-{left}")

    window.draftOpened.connect(keep_left_draft)
    return show


#: How often the app looks whether the daily backup is due (it is taken at most once a day).
BACKUP_CHECK_MS = 60 * 60 * 1000


def install_backups(window: MainWindow) -> QTimer:
    """The daily whole-database backup (Preferences ▸ Saving), taken on the worker on start and
    looked for hourly, so a writer who never quits still gets one a day."""

    def run() -> None:
        if not window.settings.get("backups.daily"):
            return
        keep = window.settings.get("backups.keep")
        window.worker.submit(window.store.backup_if_due, keep, channel="backup",
                             on_result=lambda path: path and window.statusBar().showMessage(
                                 f"Backed up your drafts to {path.name}", 4000),
                             on_error=lambda exc: window.statusBar().showMessage(f"Backup failed: {exc}", 15000))

    timer = QTimer(window)
    timer.setObjectName("backupTimer")
    timer.setInterval(BACKUP_CHECK_MS)
    timer.timeout.connect(run)
    timer.start()
    QTimer.singleShot(0, run)
    return timer
