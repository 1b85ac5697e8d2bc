"""Markdown syntax colouring for the editor.

Kept cheap on purpose: one pass of a few precompiled patterns per line, and very
long lines (a pasted megabyte without newlines) only get their line-level style,
so typing stays responsive in huge drafts.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument

from writer.ui.theme import Palette

#: Lines longer than this get only heading/quote/list styling, not inline spans.
INLINE_LIMIT = 4000

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
        if rehighlight:
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        formats = self.formats
        in_fence = self.previousBlockState() == _IN_FENCE
        if _FENCE.match(text):
            self.setFormat(0, len(text), formats["code"])
            self.setCurrentBlockState(0 if in_fence else _IN_FENCE)
            return
        if in_fence:
            self.setFormat(0, len(text), formats["code"])
            self.setCurrentBlockState(_IN_FENCE)
            return
        self.setCurrentBlockState(0)
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
