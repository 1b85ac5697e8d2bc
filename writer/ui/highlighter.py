"""Markdown syntax colouring for the editor.

Kept cheap on purpose: one pass of a few precompiled patterns per line, and very
long lines (a pasted megabyte without newlines) only get their line-level style,
so typing stays responsive in huge drafts.

Qt colours every changed line at once, on the GUI thread: for a 5 MB paste, a long
draft opened, or a ``` typed above 70,000 lines, that is seconds of frozen window.
So one edit colours at most ``LINES_AT_ONCE`` lines on the spot; for the rest only
the fenced-code state is worked out (a regex per line, which later lines need), and
a line is coloured when it comes into view (:meth:`MarkdownHighlighter.colour`).
Colouring lines nobody looks at in the background was tried: re-laying out tens of
thousands of lines cost the editor stalls of ~100 ms while typing for ~15 s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtGui import (
    QColor,
    QFont,
    QSyntaxHighlighter,
    QTextBlock,
    QTextBlockUserData,
    QTextCharFormat,
    QTextDocument,
)

from writer.ui.theme import Palette

#: Lines longer than this get only heading/quote/list styling, not inline spans.
INLINE_LIMIT = 4000
#: Lines one edit colours on the spot (about 25 ms); the rest are coloured when they come into view.
LINES_AT_ONCE = 1000

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


class _Coloured(QTextBlockUserData):
    """Set on a line coloured with palette number ``generation``."""

    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation


class MarkdownHighlighter(QSyntaxHighlighter):
    """Headings, emphasis, code (inline and fenced), links, quotes, lists and rules."""

    def __init__(self, document: QTextDocument, palette: Palette) -> None:
        super().__init__(document)
        self._generation = 0
        self.set_palette(palette, rehighlight=False)
        self._depth = 0  # nesting of contentsChange signals
        self._budget: int | None = None  # lines this edit may still colour on the spot
        self._skipping = False
        self._skip_fence: bool | None = None
        self._partial = False  # some lines may wait for their colours
        self._unmark = False
        # Qt's own handler must run between these two: detach it, and attach it again in the middle.
        self.setDocument(None)
        document.contentsChange.connect(self._before_change)
        self.setDocument(document)
        document.contentsChange.connect(self._after_change)
        if document.blockCount() > LINES_AT_ONCE:
            self._start_skipping()
            self.rehighlight()  # fence states only; this also cancels Qt's queued full pass
            self._skipping = False

    def set_palette(self, palette: Palette, *, rehighlight: bool = True) -> None:
        """Recolour for a light or dark theme (a long draft: the lines in view, the rest when shown)."""
        self._generation += 1
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
            self._partial = True
        else:
            self.rehighlight()

    @property
    def waiting(self) -> bool:
        """Whether some lines may wait for their colours (else :meth:`colour` has nothing to do)."""
        return self._partial

    def colour(self, blocks: Iterable[QTextBlock]) -> None:
        """Colour those of ``blocks`` (the lines on screen) that wait for it."""
        if not self._partial:
            return
        for block in blocks:
            mark = block.userData()
            if not isinstance(mark, _Coloured) or mark.generation != self._generation:
                self.rehighlightBlock(block)  # ignores another document's blocks

    # -- big changes: fence states now, colours when shown -----------------------------------

    def _before_change(self, _position: int, _removed: int, _added: int) -> None:
        self._depth += 1
        if self._depth == 1:
            self._budget = LINES_AT_ONCE

    def _after_change(self, _position: int, _removed: int, _added: int) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._budget = None
            self._skipping = False

    def _start_skipping(self) -> None:
        self._skipping = True
        self._skip_fence = None
        self._unmark = self._partial  # only lines coloured since the first skip carry marks
        self._partial = True

    def _skip(self, text: str) -> None:
        """Work out only whether the line is inside a fenced code block (the next lines need it)."""
        if self._skip_fence is None:
            self._skip_fence = self.previousBlockState() == _IN_FENCE
        if _FENCE.match(text):
            self._skip_fence = not self._skip_fence
        self.setCurrentBlockState(_IN_FENCE if self._skip_fence else _NORMAL)
        if self._unmark:
            self.setCurrentBlockUserData(None)  # its colours are gone: colour it when shown

    # -- colouring one line ---------------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:
        if self._over_budget():
            self._skip(text)
            return
        if self._partial:
            self.setCurrentBlockUserData(_Coloured(self._generation))
        if self._colour_fence(text) or not text or self._colour_whole_line(text):
            return
        if _QUOTE.match(text):
            self.setFormat(0, len(text), self.formats["quote"])
        elif bullet := _LIST.match(text):
            self.setFormat(0, bullet.end(), self.formats["marker"])
        if len(text) <= INLINE_LIMIT:
            self._colour_inline(text)

    def _over_budget(self) -> bool:
        """True while lines are skipped: a long paste colours only what the budget allows."""
        if self._budget is not None and not self._skipping:
            self._budget -= 1
            if self._budget < 0:
                self._start_skipping()
        return self._skipping

    def _colour_fence(self, text: str) -> bool:
        """A fence line or a line inside a fenced block is code; True when ``text`` was one."""
        in_fence = self.previousBlockState() == _IN_FENCE
        if _FENCE.match(text):
            self.setFormat(0, len(text), self.formats["code"])
            self.setCurrentBlockState(_NORMAL if in_fence else _IN_FENCE)
            return True
        if in_fence:
            self.setFormat(0, len(text), self.formats["code"])
            self.setCurrentBlockState(_IN_FENCE)
            return True
        self.setCurrentBlockState(_NORMAL)
        return False

    def _colour_whole_line(self, text: str) -> bool:
        """Headings and rules take the whole line (no inline marks); True when ``text`` was one."""
        formats = self.formats
        if heading := _HEADING.match(text):
            self.setFormat(0, len(text), formats["heading"])
            self.setFormat(0, len(heading.group(1)), formats["marker"])
            return True
        if _RULE.match(text) or (_SETEXT.match(text) and self.currentBlock().previous().text().strip()):
            self.setFormat(0, len(text), formats["marker"])
            return True
        return False

    def _colour_inline(self, text: str) -> None:
        for match in _INLINE.finditer(text):
            kind = match.lastgroup
            if kind is not None:
                self.setFormat(match.start(), match.end() - match.start(), self.formats[kind])
