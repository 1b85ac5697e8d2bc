"""The writing stats view: words and active minutes per day (QtCharts), posts and total hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QPainter
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from writer.publishing import stats

DAYS = 14


class StatsDialog(QDialog):
    def __init__(self, parent: QWidget | None, store: Any, clock: Callable[[], datetime]) -> None:
        super().__init__(parent)
        self.setWindowTitle("Writing stats")
        self.store, self.clock = store, clock
        self.summary = QLabel(self)
        self.summary.setObjectName("statsSummary")
        self.chart = QChart()
        self.view = QChartView(self.chart, self)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)
        self.resize(720, 420)
        self.refresh()

    def refresh(self) -> None:
        data = stats.writing_stats(self.store, self.clock(), DAYS)
        self.data = data
        words, minutes = QBarSet("Words written"), QBarSet("Active minutes")
        for day in data.days:
            words.append(day.words)
            minutes.append(round(day.active.total_seconds() / 60))
        series = QBarSeries()
        series.append(words)
        series.append(minutes)
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
        self.chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append([f"{d.day:%d %b}" for d in data.days])
        values = QValueAxis()
        values.setRange(0, max([1, *(d.words for d in data.days), *(d.active.total_seconds() / 60 for d in data.days)]))
        self.chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        self.chart.setTitle(f"Last {DAYS} days")
        posts = sum(d.posts for d in data.days)
        self.summary.setText(f"{sum(d.words for d in data.days):,} words and {posts} post{'s' if posts != 1 else ''} "
                             f"in {DAYS} days · {data.total_hours:.1f} hours of writing in all")


def install_stats(window: Any, controller: Any, clock: Callable[[], datetime]) -> QAction:
    action = QAction("Writing Stats…", window)
    action.setObjectName("statsAction")

    def show() -> StatsDialog:
        dialog = StatsDialog(window, window.store, clock)
        window.stats_dialog = dialog
        dialog.show()
        return dialog

    action.triggered.connect(show)
    window.menus["view"].addAction(action)
    window.show_stats = show
    return action
