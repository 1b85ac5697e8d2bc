"""Nudges in the app: a start-up banner naming the oldest stalled draft (and how many more wait), a *stalled* badge
in the drafts list, and the posting rhythm in the status bar."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMenu, QPushButton, QToolBar, QToolButton, QWidget

from writer.errors import WriterError
from writer.publishing import nudges
from writer.publishing import outbox as ob
from writer.store import Draft
from writer.ui.drafts_list import Badge, DraftDelegate

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow
    from writer.ui.publish_controller import PublishController

SNOOZE = timedelta(days=3)


class StalledDelegate(DraftDelegate):
    """The drafts list's delegate plus a "stalled" badge on drafts waiting too long."""

    def __init__(self, parent: QWidget | None, is_stalled: Callable[[Draft], bool],
                 clock: Callable[[], datetime]) -> None:
        super().__init__(parent)
        self.is_stalled, self.clock = is_stalled, clock

    def badge(self, draft: Draft) -> Badge | None:
        if not self.is_stalled(draft):
            return None
        days = nudges.age_days(draft, self.clock())
        return Badge("stalled", f"Started {days} days ago and not published yet")


class NudgeBanner(QToolBar):
    """"“Title” has waited 12 days." with Open, Publish as-is, Snooze and Archive.

    Esc (while it has focus) or its close button dismisses it until the next start:
    a nudge that cannot be waved away becomes noise.
    """

    ACTIONS = (("Open", "&Open", "Open this draft"),
               ("Publish as-is", "&Publish as-is", "Publish this draft now, as it is"),
               ("Snooze", "S&nooze 3 days", "Ask again in 3 days"),
               ("Archive", "&Archive", "Archive this draft: it stays in the store but stops nagging"))

    def __init__(self, window: MainWindow, controller: PublishController, clock: Callable[[], datetime]) -> None:
        super().__init__("Reminder", window)
        self.setObjectName("nudgeBanner")
        self.setMovable(False)
        self.setFloatable(False)
        self.toggleViewAction().setVisible(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.window_, self.controller, self.clock = window, controller, clock
        self.draft_id: int | None = None
        self.dismissed = False
        box = QWidget(self)
        box.setObjectName("nudgeBox")
        row = QHBoxLayout(box)
        row.setContentsMargins(10, 4, 4, 4)
        row.setSpacing(6)
        self.label = QLabel(box)
        self.label.setObjectName("nudgeText")
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.linkActivated.connect(self.show_others)
        self.others: list[nudges.Stalled] = []
        row.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        slots = {"Open": self.open_draft, "Publish as-is": self.publish, "Snooze": self.snooze,
                 "Archive": self.archive}
        for name, text, tip in self.ACTIONS:
            button = QPushButton(text, box)
            button.setObjectName(f"nudge{name.split()[0]}")
            key = button.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(f"{tip} ({key})" if key else tip)
            button.setAccessibleName(text.replace("&", ""))
            button.setAccessibleDescription(tip)
            button.clicked.connect(slots[name])
            row.addWidget(button)
            self.buttons[name] = button
        self.close_button = QToolButton(box)
        self.close_button.setObjectName("nudgeClose")
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Dismiss until Writer starts again (Esc)")
        self.close_button.setAccessibleName("Dismiss reminder")
        self.close_button.clicked.connect(self.dismiss)
        row.addWidget(self.close_button)
        self.addWidget(box)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.dismiss)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.restyle()

    def restyle(self) -> None:
        """A warm, quiet strip in either theme (the colours come from the window's palette)."""
        dark = self.window_.palette_.dark
        fill, edge, ink = ("#33291c", "#4d3b22", "#f1e3cc") if dark else ("#fbf1e2", "#ecd9bb", "#4a3617")
        css = (
            f"QToolBar#nudgeBanner {{ background: {fill}; border: none; border-bottom: 1px solid {edge};"
            " padding: 0; spacing: 0; }"
            f" QLabel#nudgeText {{ color: {ink}; }}"
            f" QToolButton#nudgeClose {{ color: {ink}; border: none; padding: 2px 6px; }}"
            f" QToolButton#nudgeClose:hover {{ background: {edge}; border-radius: 4px; }}")
        if css != self.styleSheet():  # setting it again would re-trigger the palette change
            self.setStyleSheet(css)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange:
            QTimer.singleShot(0, self.restyle)  # the window records its new palette just after

    def refresh(self) -> None:
        store = self.window_.store
        stalled = [] if self.dismissed else nudges.stalled_drafts(store, self.clock(),
                                                                  self.window_.settings.get("nudges.stalled_days"))
        self.others = stalled[1:]
        if not stalled:
            self.draft_id = None
            self.hide()
            return
        found = stalled[0]
        self.draft_id = found.draft.id
        title = found.draft.title or "Untitled"
        shown = title if len(title) <= 60 else title[:57].rstrip() + "…"
        more = ""
        if self.others:
            n = len(self.others)
            more = f" <a href='more'>{n} more draft{'s' if n != 1 else ''} waiting…</a>"
        self.label.setText(f"<b>“{html.escape(shown)}”</b> has waited {found.age_days} days. "
                           f"Ship it, or let it go?{more}")
        listing = "\n".join(f"“{s.draft.title or 'Untitled'}”: {s.age_days} days" for s in stalled)
        self.label.setToolTip(listing if self.others else (title if shown != title else ""))
        self.label.setAccessibleName(f"Reminder: {len(stalled)} stalled draft{'s' if len(stalled) != 1 else ''}; "
                                     f"“{title}” has waited {found.age_days} days")
        self.show()

    def show_others(self, _link: str = "") -> QMenu:
        """The other stalled drafts, oldest first, each one click from being open."""
        menu = QMenu(self)
        menu.setObjectName("nudgeOthers")
        for item in self.others:
            action = menu.addAction(f"{item.draft.title or 'Untitled'} — {item.age_days} days")
            action.triggered.connect(lambda _=False, draft_id=item.draft.id: self.window_.open_draft(draft_id))
        menu.popup(self.label.mapToGlobal(self.label.rect().bottomLeft()))
        return menu

    def recheck(self) -> None:
        """While shown: its draft may have been published, archived or deleted meanwhile."""
        if self.isVisible():
            self.refresh()

    def dismiss(self) -> None:
        """Hide until the next start; focus goes back to the text."""
        self.dismissed = True
        self.hide()
        if self.window_.editor.isVisible():
            self.window_.editor.setFocus()

    def open_draft(self) -> None:
        if self.draft_id is not None:
            self.window_.open_draft(self.draft_id)
        self.hide()

    def publish(self) -> None:
        if self.draft_id is not None:
            self.window_.open_draft(self.draft_id)
            self.controller.publish_current()
        self.hide()

    def snooze(self) -> None:
        if self.draft_id is not None:
            ob.snooze(self.window_.store, self.draft_id, self.clock() + SNOOZE)
        self.refresh()
        self.window_.list.viewport().update()

    def archive(self) -> None:
        if self.draft_id is not None:
            try:
                draft = self.window_.store.save_draft(self.draft_id, status="archived")
                self.window_.model.update_draft(draft)
            except WriterError as exc:
                self.window_.statusBar().showMessage(str(exc))
        self.refresh()


class Nudges:
    """The reminder banner for a stalled draft, the writing rhythm in the status bar, and the
    drafts list's stalled marks, kept current as publishing changes things."""

    def __init__(self, window: MainWindow, controller: PublishController, clock: Callable[[], datetime]) -> None:
        self.window, self.clock = window, clock
        self.banner = NudgeBanner(window, controller, clock)
        window.addToolBarBreak()
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.rhythm_label = QLabel("", window.statusBar())
        self.rhythm_label.setObjectName("rhythmLabel")
        window.statusBar().addPermanentWidget(self.rhythm_label)
        self.delegate = StalledDelegate(window.list, self.is_stalled, clock)
        window.use_delegate(self.delegate)
        controller.changed.append(self.refresh_rhythm)
        controller.changed.append(self.banner.recheck)
        window.draftDeleted.connect(lambda _id: self.banner.recheck())
        self.refresh_rhythm()
        self.banner.refresh()

    def is_stalled(self, draft: Draft) -> bool:
        if draft.status != "draft" or not (draft.body.strip() or draft.title_is_set):
            return False
        return nudges.age_days(draft, self.clock()) >= self.window.settings.get("nudges.stalled_days")

    def refresh_rhythm(self) -> None:
        r = nudges.rhythm(self.window.store, self.clock(), weekly_goal=self.window.settings.get("nudges.weekly_goal"))
        self.rhythm_label.setText(nudges.describe(r))
