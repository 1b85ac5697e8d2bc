"""Markdown syntax colouring for the editor.

Kept cheap on purpose: one pass of a few precompiled patterns per line, and very
long lines (a pasted megabyte without newlines) only get their line-level style,
so typing stays responsive in huge drafts.

Qt colours every changed line at once, on the GUI thread: for a 5 MB paste, a long
draft opened, or a ``` typed above 70,000 lines, that is seconds of frozen window.
So one edit colours at most ``LINES_AT_ONCE`` lines on the spot; for the rest only
the fenced-code state is worked out (a regex per line, which later lines need), and
they are coloured in the background a few milliseconds at a time, those on screen first.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextBlock, QTextCharFormat, QTextCursor, QTextDocument

from writer.ui.theme import Palette

#: Lines longer than this get only heading/quote/list styling, not inline spans.
INLINE_LIMIT = 4000
#: Lines one edit colours on the spot (about 25 ms); the rest are coloured in the background.
LINES_AT_ONCE = 1000
#: How long one background step may hold the GUI thread.
SLICE_SECONDS = 0.008

_NORMAL = -1  # Qt's state of a line never coloured, so new lines start out normal
_IN_FENCE = 1
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_SETEXT = re.compile(r"^(=+|-+)\s*$")
_QUOTE = re.compile(r"^\s{0,3}>")
_LIST = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_RULE = re.compile(r"^\s{0,3}(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$")
_INLINE = re.compile(
    r"(?P<code>`[^`\n]+`)"
    r"|(?P<image>!\[[^\]\n]*\]\([^)\n]*\))"
    r"|(?P<link>\[[^\]\n]+\]\([^)\n]*\)|<https?://[^>\s]+>)"
    r"|(?P<strong>(\*\*|__)(?=\S)[^\n]*?\S\5)"
    r"|(?P<em>(?<![\w*])\*(?=[^\s*])[^*\n]*?[^\s*]\*(?![\w*])|(?<!\w)_(?=\S)[^_\n]*?\S_(?!\w))"
)


def _fmt(color: QColor | None = None, *, bold: bool = False, italic: bool = False,
         mono: bool = False, underline: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if color is not None:
        fmt.setForeground(color)
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    if italic:
        fmt.setFontItalic(True)
    if mono:
        fmt.setFontFamilies(["monospace"])
        fmt.setFontFixedPitch(True)
    if underline:
        fmt.setFontUnderline(True)
    return fmt


class MarkdownHighlighter(QSyntaxHighlighter):
    """Headings, emphasis, code (inline and fenced), links, quotes, lists and rules."""

    def __init__(self, document: QTextDocument, palette: Palette) -> None:
        super().__init__(document)
        self.set_palette(palette, rehighlight=False)
        #: The blocks the editor shows (set by the window): coloured first after a big change.
        self.visible_blocks: Callable[[], list[QTextBlock]] | None = None
        self._depth = 0  # nesting of contentsChange signals
        self._budget: int | None = None  # lines this edit may still colour on the spot
        self._skipping = False
        self._skip_fence: bool | None = None
        self._skip_start = 0
        self._skipped = 0
        self._todo: tuple[QTextCursor, QTextCursor] | None = None
        self._shown: tuple[int, int] | None = None
        self._timer = QTimer(self, interval=0)
        self._timer.timeout.connect(self._work)
        # Qt's own handler must run between these two: detach it, and attach it again in the middle.
        self.setDocument(None)
        document.contentsChange.connect(self._before_change)
        self.setDocument(document)
        document.contentsChange.connect(self._after_change)
        if document.blockCount() > LINES_AT_ONCE:
            self._start_skipping()
            self.rehighlight()  # fence states only; this also cancels Qt's queued full pass
            self._finish_skipping()

    @property
    def pending(self) -> bool:
        """Whether some lines still wait for their colours."""
        return self._todo is not None

    def set_palette(self, palette: Palette, *, rehighlight: bool = True) -> None:
        """Recolour for a light or dark theme."""
        self.formats = {
            "heading": _fmt(palette.heading, bold=True),
            "marker": _fmt(palette.muted),
            "quote": _fmt(palette.quote, italic=True),
            "code": _fmt(palette.code, mono=True),
            "link": _fmt(palette.link, underline=True),
            "image": _fmt(palette.link),
            "strong": _fmt(bold=True),
            "em": _fmt(italic=True),
        }
        if not rehighlight:
            return
        doc = self.document()
        if doc is not None and doc.blockCount() > LINES_AT_ONCE:
            self._queue(doc.begin(), doc.blockCount())  # the old colours stay until each line's turn
        else:
            self.rehighlight()

    # -- big changes: states now, colours in the background ----------------------------------

    def _before_change(self, _position: int, _removed: int, _added: int) -> None:
        self._depth += 1
        if self._depth == 1:
            self._budget = LINES_AT_ONCE

    def _after_change(self, _position: int, _removed: int, _added: int) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._budget = None
            if self._skipping:
                self._finish_skipping()

    def _start_skipping(self) -> None:
        self._skipping = True
        self._skip_fence = None
        self._skipped = 0

    def _finish_skipping(self) -> None:
        self._skipping = False
        doc = self.document()
        if doc is not None and self._skipped:
            self._queue(doc.findBlock(self._skip_start), self._skipped)
        self._skipped = 0

    def _skip(self, text: str) -> None:
        """Work out only whether the line is inside a fenced code block (the next lines need it)."""
        if self._skip_fence is None:
            self._skip_fence = self.previousBlockState() == _IN_FENCE
            self._skip_start = self.currentBlock().position()
        self._skipped += 1
        if _FENCE.match(text):
            self._skip_fence = not self._skip_fence
        self.setCurrentBlockState(_IN_FENCE if self._skip_fence else _NORMAL)

    def _queue(self, first: QTextBlock, count: int) -> None:
        """Colour ``count`` blocks from ``first`` in the background (merged with what already waits)."""
        doc = self.document()
        last = doc.findBlockByNumber(min(first.blockNumber() + count - 1, doc.blockCount() - 1))
        start, end = first.position(), last.position()
        if self._todo is not None:
            start, end = min(start, self._todo[0].position()), max(end, self._todo[1].position())
        self._todo = (QTextCursor(doc), QTextCursor(doc))
        self._todo[0].setPosition(start)
        self._todo[1].setPosition(end)
        self._shown = None
        self._timer.start()

    def _work(self) -> None:
        """One slice of background colouring: the lines on screen, then the next lines in order."""
        doc = self.document()
        if self._todo is None or doc is None:
            self._timer.stop()
            return
        deadline = time.perf_counter() + SLICE_SECONDS
        self._colour_visible()
        block = doc.findBlock(self._todo[0].position())
        end = self._todo[1].position()
        while block.isValid() and block.position() <= end and time.perf_counter() < deadline:
            self.rehighlightBlock(block)
            block = block.next()
        if block.isValid() and block.position() <= end:
            self._todo[0].setPosition(block.position())
        else:
            self._todo = None
            self._timer.stop()

    def _colour_visible(self) -> None:
        blocks = self.visible_blocks() if self.visible_blocks is not None else []
        shown = (blocks[0].position(), len(blocks)) if blocks else None
        if shown != self._shown:
            self._shown = shown
            for block in blocks:
                self.rehighlightBlock(block)  # ignores another document's blocks

    # -- colouring one line ---------------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:
        if self._budget is not None and not self._skipping:
            self._budget -= 1
            if self._budget < 0:
                self._start_skipping()
        if self._skipping:
            self._skip(text)
            return
        formats = self.formats
        in_fence = self.previousBlockState() == _IN_FENCE
        if _FENCE.match(text):
            self.setFormat(0, len(text), formats["code"])
            self.setCurrentBlockState(_NORMAL if in_fence else _IN_FENCE)
            return
        if in_fence:
            self.setFormat(0, len(text), formats["code"])
            self.setCurrentBlockState(_IN_FENCE)
            return
        self.setCurrentBlockState(_NORMAL)
        if not text:
            return
        if heading := _HEADING.match(text):
            self.setFormat(0, len(text), formats["heading"])
            self.setFormat(0, len(heading.group(1)), formats["marker"])
            return
        if _RULE.match(text):
            self.setFormat(0, len(text), formats["marker"])
            return
        if _SETEXT.match(text) and self.currentBlock().previous().text().strip():
            self.setFormat(0, len(text), formats["marker"])
            return
        if _QUOTE.match(text):
            self.setFormat(0, len(text), formats["quote"])
        elif bullet := _LIST.match(text):
            self.setFormat(0, bullet.end(), formats["marker"])
        if len(text) > INLINE_LIMIT:
            return
        for match in _INLINE.finditer(text):
            kind = match.lastgroup
            if kind is not None:
                self.setFormat(match.start(), match.end() - match.start(), formats[kind])
