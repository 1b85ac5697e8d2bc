"""Markdown to safe HTML: markdown-it-py renders, nh3 (ammonia) sanitises.

Raw HTML in a draft is allowed through markdown-it and then cleaned, so harmless
markup (``<sup>``, ``<kbd>``) survives while scripts, event handlers, ``style`` and
``javascript:`` URLs never do.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

URL_SCHEMES = {"http", "https", "mailto"}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@cache
def _markdown() -> MarkdownIt:
    """The renderer, built on first use: markdown-it's import is ~0.3 s the app's start-up need not pay."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False}) \
        .enable("table").enable("strikethrough")


def markdown_to_html(text: str) -> str:
    """Sanitised HTML for a draft body."""
    return sanitize(_markdown().render(text))


def sanitize(html: str) -> str:
    """Drop everything that could run code; links get ``rel="noopener noreferrer"``."""
    import nh3

    return nh3.clean(html, url_schemes=URL_SCHEMES, link_rel="noopener noreferrer")


def slugify(text: str, fallback: str = "post") -> str:
    """ASCII, lower-case, hyphenated: safe as a file name and in a URL on every system."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or fallback
