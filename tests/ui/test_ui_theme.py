"""Both themes are readable: WCAG contrast of the palette's text colours on its backgrounds."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from writer.ui import theme


def _luminance(colour: QColor) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.redF()) + 0.7152 * channel(colour.greenF()) + 0.0722 * channel(colour.blueF())


def contrast(a: QColor, b: QColor) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("palette", [theme.LIGHT, theme.DARK], ids=["light", "dark"])
def test_text_colours_are_readable_on_every_background(palette: theme.Palette) -> None:
    for background in (palette.window, palette.base, palette.panel):
        assert contrast(palette.text, background) >= 7
        for name in ("muted", "error", "link", "heading", "code", "quote"):
            assert contrast(getattr(palette, name), background) >= 4.5, (name, background.name())
    assert contrast(palette.text, palette.selection) >= 4.5  # a selected row's text
