"""Light and dark looks, following the system unless the ``theme`` setting says otherwise.

Qt's own palettes differ by platform (and offscreen/Xvfb have no dark palette),
so Writer sets a small palette of its own and a stylesheet template from
``resources/styles/`` with ``@name`` placeholders filled from it.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from writer import paths


@dataclass(frozen=True)
class Palette:
    """The handful of colours every widget and the highlighter draw with."""

    dark: bool
    window: QColor
    base: QColor
    panel: QColor
    text: QColor
    muted: QColor
    border: QColor
    accent: QColor
    accent_text: QColor
    selection: QColor
    heading: QColor
    quote: QColor
    code: QColor
    link: QColor
    error: QColor  # messages that something failed: readable (≥ 4.5:1) on ``base`` and ``window``


LIGHT = Palette(
    dark=False,
    window=QColor("#f4f3f0"), base=QColor("#fffefb"), panel=QColor("#ecebe7"),
    text=QColor("#26251f"), muted=QColor("#6b6860"), border=QColor("#dcdad3"),
    accent=QColor("#2f6fdb"), accent_text=QColor("#ffffff"), selection=QColor("#cfe0fb"),
    heading=QColor("#1d3f7a"), quote=QColor("#6b6a62"), code=QColor("#a0432a"), link=QColor("#2a62c4"),
    error=QColor("#b3261e"),
)

DARK = Palette(
    dark=True,
    window=QColor("#1f2023"), base=QColor("#26272b"), panel=QColor("#2c2d31"),
    text=QColor("#e4e2dc"), muted=QColor("#a3a29c"), border=QColor("#3a3b40"),
    accent=QColor("#6ea1ff"), accent_text=QColor("#101114"), selection=QColor("#34496e"),
    heading=QColor("#9ec1ff"), quote=QColor("#a9a7a0"), code=QColor("#f0a07d"), link=QColor("#7fb0ff"),
    error=QColor("#ff6b5e"),
)


def system_is_dark() -> bool:
    """What the desktop asks for (Qt 6.5+); unknown counts as light."""
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def palette_for(theme: str) -> Palette:
    """The palette for the ``theme`` setting: ``system``, ``light`` or ``dark``."""
    if theme == "dark" or (theme == "system" and system_is_dark()):
        return DARK
    return LIGHT


@cache
def _stylesheet_template() -> str:
    try:
        return (paths.resources_dir() / "styles" / "app.qss").read_text(encoding="utf-8")
    except OSError:
        return ""


def stylesheet(palette: Palette) -> str:
    """The app stylesheet with ``@colour`` placeholders filled in (longest names first),
    ``@styles`` with the folder of its images and ``@tone`` with ``dark`` or ``light``."""
    css = (_stylesheet_template().replace("@styles", (paths.resources_dir() / "styles").as_posix())
           .replace("@tone", "dark" if palette.dark else "light"))
    names = sorted((f.name for f in fields(palette) if f.name != "dark"), key=len, reverse=True)
    for name in names:
        css = css.replace(f"@{name}", getattr(palette, name).name())
    return css


def apply(app: QApplication, palette: Palette) -> None:
    """Install ``palette`` app-wide: Qt palette (for native-drawn bits) and stylesheet."""
    qp = QPalette()
    roles = {
        QPalette.ColorRole.Window: palette.window,
        QPalette.ColorRole.WindowText: palette.text,
        QPalette.ColorRole.Base: palette.base,
        QPalette.ColorRole.AlternateBase: palette.panel,
        QPalette.ColorRole.Text: palette.text,
        QPalette.ColorRole.Button: palette.panel,
        QPalette.ColorRole.ButtonText: palette.text,
        QPalette.ColorRole.ToolTipBase: palette.base,
        QPalette.ColorRole.ToolTipText: palette.text,
        QPalette.ColorRole.PlaceholderText: palette.muted,
        QPalette.ColorRole.Highlight: palette.selection,
        QPalette.ColorRole.HighlightedText: palette.text,
        QPalette.ColorRole.Link: palette.link,
        QPalette.ColorRole.Mid: palette.border,
    }
    for role, colour in roles.items():
        qp.setColor(role, colour)
    qp.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, palette.muted)
    qp.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, palette.muted)
    qp.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, palette.muted)
    app.setPalette(qp)
    app.setStyleSheet(stylesheet(palette))
