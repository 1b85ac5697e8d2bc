"""One continuation's text as it streams: where to stop, and what is safe to show yet.

With a soft length target (``words``) a row ends cleanly: at the first sentence end after
half the target, at a paragraph break, or, when the token cap comes first, at the last
sentence end, else the last clause boundary, else the last whole word; corpus junk cuts it
(:mod:`writer.generation.junk`). The streamed text is then a preview the final text may
shorten.

What has been shown is never taken back, so everything shown, joined, is exactly the final
suggestion. To make that possible the tail that may still be cut is held back: the word being
spelt (its next token may continue it), or with ``trim="sentence"`` everything after the last
full stop. When the token budget runs out, the held-back part is trimmed instead of shown. With a
soft length target, a first word known to be whole shows without waiting for the next token (it
may still grow: "The" then "re"); the final text is cut cleanly from what was generated.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Literal

from writer.generation.junk import junk_start

Stop = Literal["sentence", "paragraph"] | None
Trim = Literal["word", "sentence"]

_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "mt", "jr", "sr", "vs", "etc", "prof", "rev", "gen", "col",
                  "capt", "lt", "no", "vol", "ch", "fig", "e.g", "i.e"}
# spaced scripts: the full stop counts once whitespace follows; CJK stops count at once
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)|[。！？]+[」』）”’]*")
_OPENERS = "\"'“‘([{«「『"
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?…]*[\"'”’)\]]*$")


def is_cjk(ch: str) -> bool:
    """Scripts written without spaces, where every character is a whole word for trimming."""
    o = ord(ch)
    return (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0xFF00 <= o <= 0xFFEF
            or 0x20000 <= o <= 0x3FFFF or 0x3000 <= o <= 0x303F)


def _wordish(ch: str) -> bool:
    return (ch.isalnum() or unicodedata.category(ch).startswith("M") or ch in "'’-_") and not is_cjk(ch)


def partial_word_start(text: str) -> int:
    """Where the tail that may still change starts: the last word being spelt and the space before it."""
    i = len(text)
    while i > 0 and _wordish(text[i - 1]):
        i -= 1
    if i == len(text) and text and is_cjk(text[-1]):
        return len(text) - 1  # a combining mark may still follow it
    while i > 0 and text[i - 1] in _OPENERS and (i == 1 or text[i - 2].isspace()):
        i -= 1  # an opening quote or bracket belongs to the word after it
    while i > 0 and text[i - 1].isspace():  # and the space before it, so a trimmed end has none
        i -= 1
    return i


def sentence_ends(text: str, final: bool = False) -> list[int]:
    """Offsets just past each sentence end in ``text``, skipping abbreviations and initials."""
    probe = text + " " if final else text
    ends = []
    for m in _SENTENCE_END.finditer(probe):
        if m.group().startswith("."):
            w = _WORD_BEFORE.search(probe[: m.end()])
            word = w.group(1).rstrip(".").lower() if w else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        if any(ch.isalnum() for ch in text[: m.start()]):
            ends.append(min(m.end(), len(text)))
    return ends


def paragraph_end(text: str) -> int | None:
    """The first line break after some text (paragraphs are separated by blank lines)."""
    start = len(text) - len(text.lstrip())
    i = text.find("\n", start)
    return i if i >= 0 else None


_CLAUSE = re.compile(r"\s*(?:[,;:—–]|\s-\s|--)")
_DANGLING = re.compile(r"\s*(?:--|[—–:;,])\s*$")


def word_count(text: str) -> int:
    return sum(1 if not is_cjk(w[0]) else len(w) // 2 + 1 for w in text.split())


def clean_end(text: str, final: bool = True) -> int:
    """Where ``text`` ends cleanly: its last sentence end, else its last clause boundary, else its
    last whole word (``final``: the text ended by itself, so its last word is whole)."""
    ends = sentence_ends(text, final=True)
    if ends:
        return ends[-1]
    body = text if final else text[: partial_word_start(text)]
    clauses = [m.start() for m in _CLAUSE.finditer(body) if word_count(body[: m.start()]) >= 2]
    if clauses:
        return clauses[-1]
    if final:
        return len(text.rstrip())
    return len(text[: partial_word_start(text)].rstrip())


class RowText:
    """The text of one row: fed decoded deltas, hands back what may be shown now."""

    def __init__(self, stop: Stop = None, trim: Trim = "word", words: int | None = None,
                 whole: Callable[[str], bool] | None = None) -> None:
        self.stop = stop
        self.trim = trim
        self.words = words  # a soft length target: end cleanly (see the module docstring)
        # with ``words``: whether the text so far ends on a whole word, so the first one may show
        # before the next token confirms it (the final text is cut cleanly whatever was shown)
        self.whole = whole
        self.raw = ""
        self.shown = 0
        self.done = False
        self.reason = ""
        self.dropped = 0  # characters of leading junk removed from the front of ``raw``

    @property
    def text(self) -> str:
        """Everything shown so far (the final suggestion once :attr:`done`)."""
        return self.raw[: self.shown]

    def _show(self, upto: int) -> str:
        upto = max(upto, self.shown)
        delta = self.raw[self.shown: upto]
        self.shown = upto
        return delta

    def push(self, delta: str) -> str:
        """Add freshly decoded text; returns the part that is now safe to show."""
        if self.done or not delta:
            return ""
        self.raw += delta.replace("\xa0", " ")  # the books' no-break spaces: the editor stores plain ones
        if self.words is not None:
            return self._push_clean(self.words)
        cut = self._stop_at()
        if cut is not None:
            self.raw = self.raw[: max(cut, self.shown)]
            return self.finish("stop")
        if self.trim == "sentence":
            ends = sentence_ends(self.raw)
            return self._show(ends[-1]) if ends else ""
        return self._show(partial_word_start(self.raw))

    def _push_clean(self, words: int) -> str:
        junk = junk_start(self.raw)
        if junk is not None:
            if self.raw[:junk].strip():
                self.raw = self.raw[:junk]
                return self.finish("junk")
            # junk before any text (a title page in an unprompted sample): drop its line, go on after it
            line_end = self.raw.find("\n", junk)
            if line_end < 0:
                return ""
            rest = self.raw[line_end:].lstrip()
            self.dropped += len(self.raw) - len(rest)
            self.raw, self.shown = rest, 0
        para = paragraph_end(self.raw)
        if para is not None:
            self.raw = self.raw[:para]
            return self.finish("paragraph")
        for end in sentence_ends(self.raw):
            if word_count(self.raw[:end]) * 2 >= words:
                self.raw = self.raw[:end]
                return self.finish("stop")
        cut = partial_word_start(self.raw)
        if not self.shown and cut < len(self.raw) and self.whole is not None and self.whole(self.raw):
            cut = len(self.raw)  # the first word, known whole: the preview need not wait for the next token
        return self._show(cut)

    def _stop_at(self) -> int | None:
        if self.stop == "sentence":
            ends = sentence_ends(self.raw)
            return ends[0] if ends else None
        if self.stop == "paragraph":
            return paragraph_end(self.raw)
        return None

    def finish(self, reason: str, extra: str = "") -> str:
        """End the row. ``"length"`` trims a dangling word or sentence; ``"cancel"`` shows nothing more."""
        if self.done:
            return ""
        self.raw += extra.replace("\xa0", " ")
        self.done, self.reason = True, reason
        if reason == "cancel":
            self.raw = self.raw[: self.shown]
            return ""
        if self.words is not None:
            junk = junk_start(self.raw)
            if junk is not None:
                self.raw = self.raw[:junk]
            if reason not in ("stop", "paragraph"):
                self.raw = self.raw[: clean_end(self.raw, final=reason not in ("length", "junk"))]
            elif reason == "paragraph" and (dash := _DANGLING.search(self.raw)):
                # "…said nothing--", "then she said:": cut off mid-thought
                self.raw = self.raw[: clean_end(self.raw[: dash.start()])]
            self.shown = min(self.shown, len(self.raw))
            return self._show(len(self.raw))
        if reason == "length":
            end = len(self.raw)
            ends = sentence_ends(self.raw, final=True) if self.trim == "sentence" else []
            if ends:
                end = ends[-1]
            else:
                cut = partial_word_start(self.raw)
                if self.raw[:cut].strip() and cut < end and not is_cjk(self.raw[cut:].strip()[:1] or "a"):
                    end = cut
            if end < len(self.raw):
                end = max(len(self.raw[:end].rstrip()), self.shown)
            self.raw = self.raw[:end]
        return self._show(len(self.raw))
