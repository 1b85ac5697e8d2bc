"""Publishing in the main window: the Publish/Update action, the status-bar link, the outbox timer.

Sending runs on the window's worker (never the GUI thread); the outbox is retried on a timer and at
start-up. :func:`writer.ui.features.install_publishing` adds it to a window with nudges and stats.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QKeySequence,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QToolBar,
)

from writer.errors import WriterError
from writer.publishing import outbox as ob
from writer.publishing import stats
from writer.publishing.errors import CopyFlagged
from writer.publishing.publisher import Publisher, skip_when_unavailable
from writer.publishing.render import slugify
from writer.store.text import word_count
from writer.ui import icons
from writer.ui.copy_warning import CopyWarning, flag_field
from writer.ui.open_url import open_or_copy
from writer.ui.outbox_dialog import OutboxDialog
from writer.ui.publish_targets import TargetDialog

if TYPE_CHECKING:
    from writer.ui.copycheck import CopyCheck
    from writer.ui.main_window import MainWindow

log = logging.getLogger(__name__)

RETRY_MS = 60_000
OUTBOX_CHANNEL = "outbox"


def _click_channel(draft_id: int) -> str:
    """The worker channel of a Publish click for this draft (the outbox timer's is ``OUTBOX_CHANNEL``)."""
    return f"publish-{draft_id}"


def _utf16(text: str, index: int) -> int:
    """A Python string index as a QTextDocument position (UTF-16 code units)."""
    return len(text[:index].encode("utf-16-le")) // 2


class PublishController(QObject):
    """Wires publishing into one main window."""

    def __init__(self, window: MainWindow, publisher: Publisher, copycheck: CopyCheck | None = None) -> None:
        """``copycheck``: the panel that Review in the copy warning brings up."""
        super().__init__(window)
        self.window = window
        self.copycheck = copycheck
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
        self.publish_action.setIcon(icons.icon("publish", self.window.palette_.text))

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
        start, end = int(flag_field(flag, "start", 0)), int(flag_field(flag, "end", 0))
        cursor = QTextCursor(editor.document())
        cursor.setPosition(min(_utf16(text, start), len(text.encode("utf-16-le")) // 2))
        cursor.setPosition(min(_utf16(text, end), len(text.encode("utf-16-le")) // 2),
                           QTextCursor.MoveMode.KeepAnchor)
        editor.setTextCursor(cursor)
        editor.centerCursor()
        editor.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.copycheck is not None:
            self.copycheck.show_panel()

    def _setup(self) -> bool:
        dialog = TargetDialog(self.window, self.publisher, self.window.worker)
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


def copy_check_before_publishing(window: QMainWindow) -> Callable[[str], list[Any]]:
    """The copy check publishing runs first; without a usable index it says so and lets the post go."""
    def flags(text: str) -> list[Any]:
        from writer.copycheck.service import copy_flags_for_publish  # loads the index code on first publish

        return copy_flags_for_publish(text)

    return skip_when_unavailable(flags, lambda exc: window.statusBar().showMessage(
        f"Published without a copy check: {exc}", 8000))
