"""The writing stats view: words written (bars) and minutes at the desk (a line) per day, QtCharts.

Words and minutes differ by an order of magnitude, so each has its own whole-number axis;
the chart takes its colours from the app's palette so it reads in the dark theme too.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, QPointF, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from writer.publishing import stats
from writer.ui.theme import Palette

if TYPE_CHECKING:
    from writer.ui.main_window import MainWindow

DAYS = 14
MINUTES_COLOUR = {False: QColor("#d9822b"), True: QColor("#f0a860")}


def duration(span: timedelta) -> str:
    """``45 min``, ``3 h 05 min``: time at the desk as a person says it."""
    minutes = round(span.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def day_labels(days: list[date]) -> list[str]:
    """Bare day numbers: they fit under a bar at any width; :func:`span_title` names the months."""
    return [str(day.day) for day in days]


def span_title(days: list[date]) -> str:
    """``13 – 26 February 2030`` or ``24 February – 9 March 2030``: the months, once, under the days."""
    first, last = days[0], days[-1]
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day} – {last.day} {last:%B %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%B} – {last.day} {last:%B %Y}"
    return f"{first.day} {first:%B %Y} – {last.day} {last:%B %Y}"


def whole_axis(top: float, title: str) -> QValueAxis:
    """A value axis from 0 with whole-number ticks at round steps."""
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    axis.setRange(0, max(5.0, float(top)))
    axis.setTickCount(6)
    axis.applyNiceNumbers()
    axis.setMinorTickCount(0)
    axis.setTitleText(title)
    return axis


def _share(share: float) -> str:
    """``0.4%``, ``12%``: small shares keep a decimal so the first hours show progress."""
    percent = share * 100
    return f"{percent:.1f}%" if percent < 10 else f"{percent:.0f}%"


class StatsDialog(QDialog):
    """The last weeks' words typed and minutes writing, in the window's theme."""

    def __init__(self, window: MainWindow, clock: Callable[[], datetime]) -> None:
        super().__init__(window)
        self.setWindowTitle("Writing stats")
        self.setObjectName("statsDialog")
        self.window_, self.store, self.clock = window, window.store, clock
        heading = QLabel("Writing stats", self)
        heading.setObjectName("statsHeading")
        bold = heading.font()
        bold.setPointSizeF(bold.pointSizeF() * 1.25)
        bold.setWeight(QFont.Weight.Bold)
        heading.setFont(bold)
        self.summary = QLabel(self)
        self.summary.setObjectName("statsSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.chart = QChart()
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(6)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        self.view = QChartView(self.chart, self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(280)
        close = QPushButton("Close", self)
        close.setDefault(True)
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addSpacing(4)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        self.resize(760, 460)
        self.refresh()

    def _theme(self) -> Palette:
        return self.window_.palette_

    def refresh(self) -> None:
        data = stats.writing_stats(self.store, self.clock(), DAYS)
        self.data = data
        words = QBarSet("Words typed")
        minutes = QLineSeries()
        minutes.setName("Minutes writing")
        for i, day in enumerate(data.days):
            words.append(day.words)
            minutes.append(QPointF(i, round(day.active.total_seconds() / 60)))
        bars = QBarSeries()
        bars.setBarWidth(0.6)
        bars.append(words)
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        self.chart.addSeries(bars)
        self.chart.addSeries(minutes)
        self.days_axis = QBarCategoryAxis()
        self.days_axis.append(day_labels([d.day for d in data.days]))
        self.days_axis.setTitleText(span_title([d.day for d in data.days]))
        self.days_axis.setGridLineVisible(False)
        self.words_axis = whole_axis(max(d.words for d in data.days), "Words")
        self.minutes_axis = whole_axis(max(p.y() for p in minutes.points()), "Minutes")
        self.chart.addAxis(self.days_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.words_axis, Qt.AlignmentFlag.AlignLeft)
        self.chart.addAxis(self.minutes_axis, Qt.AlignmentFlag.AlignRight)
        self.minutes_axis.setGridLineVisible(False)
        for series, axis in ((bars, self.words_axis), (minutes, self.minutes_axis)):
            series.attachAxis(self.days_axis)
            series.attachAxis(axis)
        minutes.setPointsVisible(True)
        self.words_set, self.minutes_series = words, minutes
        self._colour()
        self.summary.setText(self._summary(data))
        self.summary.setAccessibleName(self.summary.text().replace("<b>", "").replace("</b>", ""))

    @staticmethod
    def _summary(data: stats.Stats) -> str:
        total = sum(d.words for d in data.days)
        posts = sum(d.posts for d in data.days)
        writing_days = sum(1 for d in data.days if d.words or d.active)
        return (f"<b>{total:,}</b> word{'s' if total != 1 else ''} typed on <b>{writing_days}</b> of the last "
                f"{DAYS} days · <b>{posts}</b> post{'s' if posts != 1 else ''} published<br>"
                f"<b>{html.escape(duration(data.total_active))}</b> of writing in all: "
                f"{_share(data.mastery_share)} of the way to {stats.MASTERY_HOURS:,} hours"
                "<br><small>Only words you typed count, not pasted text or suggestions you accepted.</small>")

    def _colour(self) -> None:
        """Chart colours from the app palette (QChart themes ignore it)."""
        pal = self._theme()
        self.chart.setBackgroundBrush(QBrush(pal.base))
        self.chart.setBackgroundPen(QPen(pal.border))
        self.chart.legend().setLabelColor(pal.text)
        self.words_set.setColor(pal.accent)
        self.words_set.setBorderColor(pal.accent)
        pen = QPen(MINUTES_COLOUR[pal.dark], 2.5)
        self.minutes_series.setPen(pen)
        self.minutes_series.setColor(MINUTES_COLOUR[pal.dark])
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.9))
        for axis in self.chart.axes():
            axis.setLabelsBrush(QBrush(pal.text))
            axis.setLabelsFont(small)
            axis.setTitleBrush(QBrush(pal.muted))
            axis.setTitleFont(small)
            axis.setLinePen(QPen(pal.border))
            axis.setGridLinePen(QPen(pal.border))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.ApplicationPaletteChange and self.chart.axes():
            QTimer.singleShot(0, self._colour)  # the window records its new palette just after


class WritingStats:
    """View ▸ Writing Stats…: a fresh :class:`StatsDialog` each time (the numbers move while writing)."""

    def __init__(self, window: MainWindow, clock: Callable[[], datetime]) -> None:
        self.window, self.clock = window, clock
        self.dialog: StatsDialog | None = None
        self.action = QAction("Writing Stats…", window)
        self.action.setObjectName("statsAction")
        self.action.triggered.connect(lambda *_: self.show())
        window.menus["view"].addAction(self.action)

    def show(self) -> StatsDialog:
        self.dialog = StatsDialog(self.window, self.clock)
        self.dialog.show()
        return self.dialog
