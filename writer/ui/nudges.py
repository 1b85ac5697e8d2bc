"""Nudges in the app: a start-up banner naming the oldest stalled draft, a *stalled* badge
in the drafts list, and the posting rhythm in the status bar."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QStyleOptionViewItem, QToolBar, QWidget

from writer.errors import WriterError
from writer.publishing import nudges
from writer.store import Draft
from writer.store import outbox as ob
from writer.ui.drafts_list import DraftDelegate, DraftRole

SNOOZE = timedelta(days=3)


class StalledDelegate(DraftDelegate):
    """The drafts list's delegate plus a small "stalled" badge on drafts waiting too long."""

    def __init__(self, parent: QWidget | None, is_stalled: Callable[[Draft], bool]) -> None:
        super().__init__(parent)
        self.is_stalled = is_stalled

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        super().paint(painter, option, index)
        draft = index.data(DraftRole)
        if not isinstance(draft, Draft) or not self.is_stalled(draft):
            return
        rect: QRect = option.rect  # type: ignore[attr-defined]
        badge = QRect(rect.right() - 64, rect.top() + 8, 52, 16)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#d9822b"))
        painter.drawRoundedRect(badge, 8, 8)
        painter.setPen(QColor("white"))
        font = painter.font()
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.75))
        painter.setFont(font)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, "stalled")
        painter.restore()


class NudgeBanner(QToolBar):
    """"“Title” has waited 12 days." with Open, Publish as-is, Snooze and Archive."""

    def __init__(self, window: Any, controller: Any, clock: Callable[[], datetime]) -> None:
        super().__init__("Nudge", window)
        self.setObjectName("nudgeBanner")
        self.setMovable(False)
        self.window_, self.controller, self.clock = window, controller, clock
        self.draft_id: int | None = None
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(8, 2, 8, 2)
        self.label = QLabel(box)
        row.addWidget(self.label, 1)
        self.buttons: dict[str, QPushButton] = {}
        for name, slot in (("Open", self.open_draft), ("Publish as-is", self.publish), ("Snooze", self.snooze),
                           ("Archive", self.archive)):
            button = QPushButton(name, box)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        self.addWidget(box)

    def refresh(self) -> None:
        store = self.window_.store
        found = nudges.oldest_stalled(store, self.clock(), self.window_.settings.get("nudges.stalled_days"))
        if found is None:
            self.draft_id = None
            self.hide()
            return
        self.draft_id = found.draft.id
        self.label.setText(f"“{found.draft.title or 'Untitled'}” has waited {found.age_days} days. "
                           "Ship it, or let it go?")
        self.show()

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
    def __init__(self, window: Any, controller: Any, clock: Callable[[], datetime]) -> None:
        self.window, self.clock = window, clock
        self.banner = NudgeBanner(window, controller, clock)
        window.addToolBarBreak()
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.rhythm_label = QLabel("", window.statusBar())
        self.rhythm_label.setObjectName("rhythmLabel")
        window.statusBar().addPermanentWidget(self.rhythm_label)
        self.delegate = StalledDelegate(window.list, self.is_stalled)
        self.delegate.palette = window.delegate.palette
        window.list.setItemDelegate(self.delegate)
        window.delegate = self.delegate
        controller.changed.append(self.refresh_rhythm)
        self.refresh_rhythm()
        self.banner.refresh()

    def is_stalled(self, draft: Draft) -> bool:
        if draft.status != "draft" or not (draft.body.strip() or draft.title_is_set):
            return False
        return nudges.age_days(draft, self.clock()) >= self.window.settings.get("nudges.stalled_days")

    def refresh_rhythm(self) -> None:
        r = nudges.rhythm(self.window.store, self.clock(), weekly_goal=self.window.settings.get("nudges.weekly_goal"))
        self.rhythm_label.setText(nudges.describe(r))


def install_nudges(window: Any, controller: Any, clock: Callable[[], datetime]) -> Nudges:
    window.nudges = Nudges(window, controller, clock)
    return window.nudges
