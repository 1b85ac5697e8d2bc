"""Toolbar and menu icons: small stroke SVGs from ``resources/icons/``, tinted per theme.

The SVGs draw in ``currentColor``; it is replaced with the theme's text colour so
one file serves light and dark. Rendering goes through Qt's SVG image plugin,
which avoids importing QtSvg on the startup path.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QColor, QIcon, QPixmap

from writer import paths


@cache
def _svg(name: str) -> bytes | None:
    try:
        return (paths.resources_dir() / "icons" / f"{name}.svg").read_bytes()
    except OSError:
        return None


@cache
def _icon(name: str, colour: str) -> QIcon:
    data = _svg(name)
    if data is None:
        return QIcon()
    icon = QIcon()
    for size in (24, 48):
        svg = data.replace(b"currentColor", colour.encode()).replace(
            b'width="24" height="24"', f'width="{size}" height="{size}"'.encode())
        pixmap = QPixmap()
        if pixmap.loadFromData(svg, "SVG"):
            icon.addPixmap(pixmap)
    return icon


def icon(name: str, colour: QColor) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` drawn in ``colour`` (empty icon if missing)."""
    return _icon(name, colour.name())
