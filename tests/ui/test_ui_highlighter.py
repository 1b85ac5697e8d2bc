"""Markdown colouring: the right spans get formats, and huge lines and pastes stay cheap."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QPlainTextDocumentLayout

from writer.ui.highlighter import INLINE_LIMIT, LINES_AT_ONCE, MarkdownHighlighter
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


def long_document(lines: list[str]) -> tuple[QTextDocument, MarkdownHighlighter]:
    doc = QTextDocument()
    doc.setDocumentLayout(QPlainTextDocumentLayout(doc))
    highlighter = MarkdownHighlighter(doc, LIGHT)
    QTextCursor(doc).insertText("\n".join(lines))
    return doc, highlighter


def formats(doc: QTextDocument, line: int) -> list[tuple[int, int, QTextCharFormat]]:
    return [(r.start, r.length, QTextCharFormat(r.format)) for r in doc.findBlockByNumber(line).layout().formats()]


def test_a_long_paste_is_coloured_where_it_is_shown_with_fences_right() -> None:
    """Past LINES_AT_ONCE lines only fence states are worked out; a line is coloured when shown."""
    lines = ["```"] + ["# in code"] * 1999 + ["```"] + ["# heading"] * 999
    doc, highlighter = long_document(lines)
    assert at(formats(doc, 10), 3).fontFixedPitch()  # the first lines at once
    assert formats(doc, 1500) == [] and formats(doc, 2500) == []  # the rest not yet
    highlighter.colour([doc.findBlockByNumber(1500), doc.findBlockByNumber(2500)])
    assert at(formats(doc, 1500), 3).fontFixedPitch() and not bold(at(formats(doc, 1500), 3))
    assert bold(at(formats(doc, 2500), 3)) and not at(formats(doc, 2500), 3).fontFixedPitch()


def test_a_fence_typed_above_thousands_of_lines_turns_them_into_code_when_shown() -> None:
    doc, highlighter = long_document(["# heading"] * (LINES_AT_ONCE * 3))
    QTextCursor(doc).insertText("```\n")
    far = doc.findBlockByNumber(LINES_AT_ONCE * 2)
    highlighter.colour([far])
    assert at(formats(doc, far.blockNumber()), 3).fontFixedPitch()
    assert not bold(at(formats(doc, far.blockNumber()), 3))


def test_a_theme_change_recolours_a_long_draft_as_it_is_shown() -> None:
    doc, highlighter = long_document(["# heading"] * (LINES_AT_ONCE * 2))
    highlighter.colour([doc.findBlockByNumber(1500)])
    assert at(formats(doc, 1500), 3).foreground().color() == LIGHT.heading
    highlighter.set_palette(DARK)
    highlighter.colour([doc.findBlockByNumber(1500)])
    assert at(formats(doc, 1500), 3).foreground().color() == DARK.heading


def test_the_window_colours_the_end_of_a_long_paste_it_scrolls_to(qtbot, make_window) -> None:
    from PySide6.QtWidgets import QApplication

    window = make_window()
    window.new_draft()
    QApplication.clipboard().setText("\n".join(["plain line"] * (LINES_AT_ONCE * 3) + ["# The end"]))
    window.editor.paste()
    last = window.editor.document().lastBlock()
    qtbot.waitUntil(lambda: bold(at(formats(window.editor.document(), last.blockNumber()), 5)), timeout=5_000)
