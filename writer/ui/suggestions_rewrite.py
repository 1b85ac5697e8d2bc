"""Rewriting a card from an alternative the token view offers for one of its words.

One new continuation of the draft is written from the card's text up to that token and the
alternative in its place, streamed into the same card; the copy check looks at it again when done.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from writer.ui.suggestions import SuggestionsPanel


def rewrite_from(panel: SuggestionsPanel, row: int, token: int, choice: int) -> int | None:
    """Rewrite card ``row`` of the shown batch from its token ``token``, with alternative ``choice``
    there. Returns the request id, or None when there is nothing to rewrite."""
    batch = panel.history.current()
    if batch is None or panel.anchor is None:
        return None
    if not 0 <= row < len(batch.items) or batch.items[row].state != "done":
        return None
    if panel.requests.running is not None:
        panel.set_state("Wait for the suggestions being written, then choose a word.")
        return None
    item = batch.items[row]
    if not 0 <= token < len(item.tokens) or not 0 <= choice < len(item.tokens[token].alternatives):
        return None
    old = item.tokens[token]
    alternative = old.alternatives[choice]
    base = batch.request
    prompt = base.prompt + item.text[:old.start] + alternative.text
    request = replace(base, kind="branch", prompt=prompt, columns=(base.columns[batch.column_of(row)],), n=1,
                      parallel=False)
    request_id = panel.requests.submit(request)
    batch.branch(request_id, row, token, alternative)
    panel.history.badges.pop((batch.request_id, row), None)  # the copy check looks at the new text when done
    panel.list.set_badge(row, "")
    panel.paint(batch, range(row, row + 1))
    panel.ghost.refresh()
    panel.set_state("Writing suggestions…", busy=True)
    return request_id
