"""The drafts list: a model over store Drafts (or search hits) and a two-line delegate."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolTip,
    QWidget,
)

from writer.settings import SETTINGS
from writer.store import Draft, SearchHit
from writer.store.timefmt import ago
from writer.ui.theme import LIGHT, Palette

DraftRole = Qt.ItemDataRole.UserRole + 1
SnippetRole = Qt.ItemDataRole.UserRole + 2
MARKS = ("\u0002", "\u0003")  # snippet match delimiters that never occur in text
#: Markdown marks at the edges of words (```, **, #, >, _, ~~): noise in a one-line snippet.
_MARKUP = re.compile(r"(?<![\w\u0002])[`*_#>~]+|[`*_~]+(?![\w\u0003])")

_SORT_LABELS = next(dict(zip(s.choices or (), s.labels or (), strict=True)) for s in SETTINGS if s.key == "drafts.sort")
SORTS: dict[str, tuple[str, Callable[[Draft], Any], bool]] = {  # label (as in Settings), key, newest/largest first
    "updated": (_SORT_LABELS["updated"], lambda d: d.updated, True),
    "created": (_SORT_LABELS["created"], lambda d: d.created, True),
    "title": (_SORT_LABELS["title"], lambda d: (d.title or "").casefold(), False),
    "words": (_SORT_LABELS["words"], lambda d: d.word_count, True),
}

_Index = QModelIndex | QPersistentModelIndex


def meta_line(draft: Draft, now: datetime | None = None) -> str:
    """``edited 3 days ago · 1,204 words · draft``: the list's second line."""
    words = f"{draft.word_count:,} word{'s' if draft.word_count != 1 else ''}"
    return f"edited {ago(draft.updated, now)} · {words} · {draft.status}"


class DraftsModel(QAbstractListModel):
    """Drafts in the chosen order, or search hits in relevance order."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._drafts: list[Draft] = []
        self._snippets: dict[int, str] = {}
        self.sort_key = "updated"
        self.searching = False

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt API
        return 0 if parent.isValid() else len(self._drafts)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._drafts):
            return None
        draft = self._drafts[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return draft.title or "Untitled"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{draft.title or 'Untitled'}\n{meta_line(draft)}"
        if role == DraftRole:
            return draft
        if role == SnippetRole:
            return self._snippets.get(draft.id)
        return None

    def set_drafts(self, drafts: Sequence[Draft]) -> None:
        """Show all drafts, ordered by :attr:`sort_key`."""
        self.beginResetModel()
        self.searching = False
        self._snippets = {}
        self._drafts = self._sorted(drafts)
        self.endResetModel()

    def set_hits(self, hits: Sequence[SearchHit]) -> None:
        """Show search results, best first, with their snippets."""
        self.beginResetModel()
        self.searching = True
        self._drafts = [h.draft for h in hits]
        self._snippets = {h.draft.id: h.snippet for h in hits}
        self.endResetModel()

    def set_sort(self, key: str) -> None:
        self.sort_key = key if key in SORTS else "updated"
        if not self.searching:
            self.set_drafts(self._drafts)

    def update_draft(self, draft: Draft) -> None:
        """A draft was saved: refresh its row (and its place in the order)."""
        for row, existing in enumerate(self._drafts):
            if existing.id == draft.id:
                self._drafts[row] = draft
                break
        else:
            if self.searching:
                return
            self._drafts.append(draft)
        if self.searching:
            index = self.index(self._drafts.index(draft))
            self.dataChanged.emit(index, index)
        else:
            self.layoutAboutToBeChanged.emit()
            old = {d.id: i for i, d in enumerate(self._drafts)}
            self._drafts = self._sorted(self._drafts)
            moved_from = [self.index(old[d.id]) for d in self._drafts]
            moved_to = [self.index(i) for i in range(len(self._drafts))]
            self.changePersistentIndexList(moved_from, moved_to)
            self.layoutChanged.emit()

    def remove_draft(self, draft_id: int) -> None:
        row = self.row_of(draft_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._drafts[row]
            self._snippets.pop(draft_id, None)
            self.endRemoveRows()

    def row_of(self, draft_id: int) -> int | None:
        for row, draft in enumerate(self._drafts):
            if draft.id == draft_id:
                return row
        return None

    def draft_at(self, row: int) -> Draft:
        return self._drafts[row]

    def refresh_times(self) -> None:
        """Repaint the "edited … ago" lines (called once a minute)."""
        if self._drafts:
            self.dataChanged.emit(self.index(0), self.index(len(self._drafts) - 1))

    def _sorted(self, drafts: Sequence[Draft]) -> list[Draft]:
        _, key, reverse = SORTS[self.sort_key]
        return sorted(drafts, key=key, reverse=reverse)


class Badge(NamedTuple):
    """A small pill after a draft's title ("stalled"), with the tooltip that explains it."""

    text: str
    tooltip: str


class DraftDelegate(QStyledItemDelegate):
    """Title on the first line; "edited … · words · status" (or the search snippet) below.

    A subclass may return a :class:`Badge` from :meth:`badge`; the title then elides
    before it, so the pill is always whole and never covers the title.
    """

    PAD = 10
    BADGE_GAP = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.palette: Palette = LIGHT

    def badge(self, draft: Draft) -> Badge | None:
        """The badge to show after ``draft``'s title, if any (none here)."""
        return None

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        fm = QFontMetrics(option.font)
        lines = 3 if index.data(SnippetRole) else 2
        return QSize(200, self.PAD * 2 + fm.height() * lines + 4 * (lines - 1))

    @staticmethod
    def _fonts(option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        """The row's base, title (semi-bold) and small (meta, badge) fonts."""
        font = QFont(option.font)
        title = QFont(font)
        title.setWeight(QFont.Weight.DemiBold)
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        return font, title, small

    def _inner(self, option: QStyleOptionViewItem) -> QRect:
        rect: QRect = option.rect
        return rect.adjusted(self.PAD + 4, self.PAD, -self.PAD - 4, -self.PAD)

    def title_layout(self, option: QStyleOptionViewItem, index: _Index) -> tuple[str, QRect, QRect | None]:
        """The elided title, the rect its text covers, and the badge's rect (None without one)."""
        draft: Draft | None = index.data(DraftRole)
        font, title_font, small = self._fonts(option)
        inner = self._inner(option)
        line_h = QFontMetrics(font).height()
        badge = self.badge(draft) if isinstance(draft, Draft) else None
        badge_rect: QRect | None = None
        room = inner.width()
        if badge is not None:
            fm_badge = QFontMetrics(small)
            width = fm_badge.horizontalAdvance(badge.text) + 14
            height = fm_badge.height() + 2
            badge_rect = QRect(inner.right() - width + 1, inner.top() + (line_h - height) // 2, width, height)
            room = max(0, inner.width() - width - self.BADGE_GAP)
        fm_title = QFontMetrics(title_font)
        text = fm_title.elidedText(index.data() or "Untitled", Qt.TextElideMode.ElideRight, room)
        title_rect = QRect(inner.left(), inner.top(), min(room, fm_title.horizontalAdvance(text)), line_h)
        return text, title_rect, badge_rect

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        draft: Draft | None = index.data(DraftRole)
        if draft is None:
            return
        pal = self.palette
        painter.save()
        rect: QRect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect.adjusted(4, 2, -4, -2), pal.selection)
        elif option.state & QStyle.StateFlag.State_MouseOver:
            painter.fillRect(rect.adjusted(4, 2, -4, -2), pal.base)
        font, title_font, small = self._fonts(option)
        fm = QFontMetrics(font)
        inner = self._inner(option)
        line = fm.height() + 4

        title, _, badge_rect = self.title_layout(option, index)
        painter.setFont(title_font)
        painter.setPen(pal.text)
        painter.drawText(QRect(inner.left(), inner.top(), inner.width(), fm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        badge = self.badge(draft)
        if badge is not None and badge_rect is not None:
            self._draw_badge(painter, small, badge_rect, badge.text)

        painter.setFont(small)
        painter.setPen(pal.text if selected else pal.muted)  # muted on the selection colour is under 4.5:1
        meta = QFontMetrics(small).elidedText(meta_line(draft), Qt.TextElideMode.ElideRight, inner.width())
        painter.drawText(QRect(inner.left(), inner.top() + line, inner.width(), fm.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, meta)

        snippet: str | None = index.data(SnippetRole)
        if snippet:
            self._draw_snippet(painter, small, QRect(inner.left(), inner.top() + 2 * line, inner.width(),
                                                     fm.height()), snippet)
        painter.restore()

    def _draw_badge(self, painter: QPainter, font: QFont, rect: QRect, text: str) -> None:
        """A rounded pill in a muted orange that stays legible on light, dark and selected rows."""
        fill, ink = (QColor("#5c3b16"), QColor("#ffcf94")) if self.palette.dark else (QColor("#fbe2c4"),
                                                                                      QColor("#8a4a0c"))
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        radius = rect.height() / 2
        painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(ink)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def helpEvent(self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem,
                  index: _Index) -> bool:
        """Over a badge, say what it means; elsewhere the row's tooltip gains the same line."""
        draft = index.data(DraftRole)
        badge = self.badge(draft) if isinstance(draft, Draft) else None
        if badge is None or event is None or view is None:
            return super().helpEvent(event, view, option, index)
        _, _, badge_rect = self.title_layout(option, index)
        if badge_rect is not None and badge_rect.contains(event.pos()):
            text = badge.tooltip
        else:
            text = f"{index.data(Qt.ItemDataRole.ToolTipRole)}\n{badge.tooltip}"
        QToolTip.showText(event.globalPos(), text, view.viewport())
        return True

    def _draw_snippet(self, painter: QPainter, font: QFont, rect: QRect, snippet: str) -> None:
        """Draw the snippet with matches in bold accent colour on one line, the first match in view."""
        fm_plain = QFontMetrics(font)
        bold = QFont(font)
        bold.setWeight(QFont.Weight.Bold)
        fm_bold = QFontMetrics(bold)
        x = rect.left()
        right = rect.right()
        parts = snippet_parts(snippet)
        if len(parts) > 1 and (fm_plain.horizontalAdvance(parts[0][0])
                               + fm_bold.horizontalAdvance(parts[1][0])) > rect.width():
            # too much text before the match: keep the words nearest it
            parts[0] = (keep_tail(parts[0][0], lambda t: fm_plain.horizontalAdvance(t) <= rect.width() // 3), False)
        for text, is_hit in parts:
            if not text:
                continue
            fm = fm_bold if is_hit else fm_plain
            painter.setFont(bold if is_hit else font)
            painter.setPen(self.palette.accent if is_hit else self.palette.text)
            width = fm.horizontalAdvance(text)
            if x + width > right:
                text = fm.elidedText(text, Qt.TextElideMode.ElideRight, right - x)
                painter.drawText(QRect(x, rect.top(), right - x, rect.height()),
                                 Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
                break
            painter.drawText(QRect(x, rect.top(), width + 1, rect.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
            x += width


def snippet_parts(snippet: str) -> list[tuple[str, bool]]:
    """A search snippet as (text, is_match) pieces on one line, without Markdown's marks
    (a snippet of "```python print(" reads as "python print(")."""
    flat = _MARKUP.sub("", " ".join(snippet.split()))
    open_mark, close_mark = MARKS
    parts: list[tuple[str, bool]] = []
    for i, chunk in enumerate(flat.split(open_mark)):
        if i == 0:
            parts.append((chunk, False))
            continue
        hit, _, rest = chunk.partition(close_mark)
        parts += [(hit, True), (rest, False)]
    return parts


def keep_tail(text: str, fits: Callable[[str], bool]) -> str:
    """"…" and the last words of ``text`` that ``fits`` (at least one word)."""
    words = text.split(" ")
    while len(words) > 1 and not fits("…" + " ".join(words)):
        words.pop(0)
    return "…" + " ".join(words)


class DraftsView(QListView):
    """The list, with a friendly message when it is empty (first run, or no matches)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftsList")
        self.empty_text = ""
        self.palette_: Palette = LIGHT
        self.setUniformItemSizes(False)
        self.setMouseTracking(True)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette_.muted)
            rect = self.viewport().rect().adjusted(20, 40, -20, -20)
            painter.drawText(rect, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                                       | Qt.TextFlag.TextWordWrap), self.empty_text)
            painter.end()
