"""Markdown colouring: the right spans get formats, and huge lines stay cheap."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

from writer.ui.highlighter import INLINE_LIMIT, MarkdownHighlighter
from writer.ui.theme import DARK, LIGHT, Palette

pytestmark = pytest.mark.usefixtures("qapp")


def highlighted(text: str, palette: Palette = LIGHT) -> list[list[tuple[int, int, QTextCharFormat]]]:
    """Per line: (start, length, format) ranges the highlighter set."""
    doc = QTextDocument()
    doc.setDocumentLayout(QPlainTextDocumentLayout(doc))
    MarkdownHighlighter(doc, palette)
    doc.setPlainText(text)
    out = []
    block = doc.begin()
    while block.isValid():
        out.append([(r.start, r.length, QTextCharFormat(r.format)) for r in block.layout().formats()])
        block = block.next()
    return out


def at(line: list[tuple[int, int, QTextCharFormat]], pos: int) -> QTextCharFormat:
    for start, length, fmt in line:
        if start <= pos < start + length:
            return fmt
    return QTextCharFormat()


def bold(fmt: QTextCharFormat) -> bool:
    return fmt.fontWeight() == QFont.Weight.Bold


def test_heading_quote_list_and_inline_spans() -> None:
    item = "- item with **bold** and *it* and `code` and [link](http://a.b)"
    heading, quote, listed, plain = highlighted(f"# Title\n> quoted\n{item}\nplain *text")
    assert bold(at(heading, 3)) and at(heading, 3).foreground().color() == LIGHT.heading
    assert at(heading, 0).foreground().color() == LIGHT.muted  # the # marker is quieter
    assert at(quote, 4).fontItalic()
    assert at(listed, 0).foreground().color() == LIGHT.muted
    assert bold(at(listed, item.index("bold")))
    assert not bold(at(listed, item.index("and")))
    assert at(listed, item.index("it*")).fontItalic()
    assert at(listed, item.index("code")).fontFixedPitch()
    assert at(listed, item.index("link")).fontUnderline()
    assert at(listed, item.index("http")).fontUnderline()
    assert plain == []  # an unclosed * is not emphasis


def test_fenced_code_spans_lines_until_closed() -> None:
    lines = highlighted("```\n# not a heading\n```\n# heading")
    assert at(lines[1], 3).fontFixedPitch() and not bold(at(lines[1], 3))
    assert bold(at(lines[3], 3)) and not at(lines[3], 3).fontFixedPitch()


def test_colours_follow_the_theme() -> None:
    assert at(highlighted("# Title")[0], 3).foreground().color() == LIGHT.heading
    assert at(highlighted("# Title", DARK)[0], 3).foreground().color() == DARK.heading


def test_very_long_lines_skip_inline_parsing() -> None:
    assert highlighted("*word* " * (INLINE_LIMIT // 7 + 10)) == [[]]
    assert highlighted("*word* " * 10) != [[]]
