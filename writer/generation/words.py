"""No invented words at the cursor: the word a suggestion completes must be a known word.

A small model misspells where the writer stopped typing: "corri" + "tates", "nunn" + "els",
or glues letters onto a whole word ("transparent" + "s"). The packs ship a list of the words
their corpora use (``resources/models/words.txt.xz``, shared; a user pack may add its own
``words.txt.xz``; built by ``models/words.py``). While a row is still spelling the word at
the cursor, a token that would take it off every known word (or end it on an unknown one) is
drawn again without that token (:meth:`Lexicon.step`); best-of ranking then puts a candidate
whose word is still unknown after the others (:func:`breaks`). A bisect per token for the
first few tokens of a row; nothing after its word ends.

The word at the cursor is the prompt's trailing letters plus the suggestion's leading letters
(up to the first non-letter, so "don" + "'t" checks "don"). Text in scripts written without
spaces is not checked, nor is anything when no list is at hand.
"""

from __future__ import annotations

import bisect
import functools
import logging
import lzma
import re
from pathlib import Path

from writer import paths
from writer.generation.streaming import is_cjk

log = logging.getLogger(__name__)

WORDS_FILE = "words.txt.xz"
_TAIL = re.compile(r"[^\W\d_]+$")
_HEAD = re.compile(r"[^\W\d_]+")
_CASE_SWITCH = re.compile(r"[a-z][^\W\d_]*[A-Z]")
#: Letters typed before the prompt's own words may decide how a word ends ("Musgr" → the story's "Musgrove").
OWN_STEM = 4


def shared_words_path() -> Path:
    """The list the shipped packs share."""
    return paths.resources_dir() / "models" / WORDS_FILE


@functools.lru_cache(maxsize=8)
def load_words(path: Path) -> frozenset[str]:
    """The lower-case words in ``path`` (one a line, xz); none when it is missing or unreadable."""
    if not path.is_file():
        return frozenset()
    try:
        return frozenset(lzma.decompress(path.read_bytes()).decode("utf-8").split())
    except (OSError, lzma.LZMAError, UnicodeDecodeError) as exc:
        log.warning("%s unreadable, words at the cursor not checked: %s", path, exc)
        return frozenset()


def pack_words(folder: Path) -> frozenset[str]:
    """The shared list and the pack's own."""
    own = load_words(folder / WORDS_FILE)
    shared = load_words(shared_words_path())
    return shared | own if own else shared


def forms(word: str) -> tuple[str, ...]:
    """The list's spellings that ``word`` as written may be: lower case; a capitalised word may
    also be a name ("Corrigan"), a lower-case one may not."""
    low = word.lower()
    return (low,) if not word or word[0].islower() else (low, low.capitalize())


def cursor_word(prompt: str, text: str) -> str | None:
    """The word a suggestion completes at the cursor, as written; None when it touches no word
    or is in a script written without spaces."""
    tail = _TAIL.search(prompt)
    head = _HEAD.match(text)
    word = (tail.group() if tail else "") + (head.group() if head else "")
    if not word or any(is_cjk(ch) for ch in word):
        return None
    return word


def breaks(prompt: str, text: str, known: frozenset[str]) -> bool:
    """Whether ``text`` leaves an unknown word at the cursor ("corri" + "tates", "corri" + " was",
    "transparent" + "s"); never when there is no list."""
    if not known:
        return False
    word = cursor_word(prompt, text)
    return word is not None and not any(f in known for f in forms(word))


class Lexicon:
    """The known words, sorted, for the per-token check while the word at the cursor is open."""

    OPEN, DONE, BAD = "open", "done", "bad"

    def __init__(self, known: frozenset[str]) -> None:
        self.known = known
        self.sorted = sorted(known)

    def _is_prefix(self, stem: str) -> bool:
        i = bisect.bisect_left(self.sorted, stem)
        return i < len(self.sorted) and self.sorted[i].startswith(stem)

    def is_prefix(self, stem: str) -> bool:
        """Whether some known word starts with ``stem`` (as written: "corri" is no "Corrigan")."""
        return any(self._is_prefix(f) for f in forms(stem))

    def endings(self, stem: str, limit: int = 2000) -> list[str]:
        """What completes ``stem`` (as written) into known words ("dor", "dors" for "corri"); none
        when more than ``limit`` words start with it."""
        out: list[str] = []
        for f in forms(stem):
            i = bisect.bisect_left(self.sorted, f)
            j = bisect.bisect_left(self.sorted, f + "\uffff", i, min(len(self.sorted), i + limit + 1))
            if j > i + limit:
                return []
            out += [w[len(f):] for w in self.sorted[i:j] if len(w) > len(f)]
        return out

    def for_prompt(self, prompt: str) -> Lexicon:
        """This lexicon, or, when the prompt already uses words that complete its half-typed last word
        (at least :data:`OWN_STEM` letters: "Musgr" where the story has "Musgrove"), only those: the
        writer's own spelling of a name or word beats another one the list knows ("Musgrave")."""
        match = _TAIL.search(prompt)
        stem = match.group() if match else ""
        if len(stem) < OWN_STEM or not self.known:
            return self
        before = prompt[: len(prompt) - len(stem)]
        own = {w for w in _HEAD.findall(before) if len(w) > len(stem) and w.startswith(stem)}
        if not own:
            return self
        return Lexicon(frozenset(f for w in own for f in forms(w)))

    def tail(self, prompt: str) -> str | None:
        """The prompt's trailing letters when a known word could complete them;
        None when no check can help (no list, a word it does not know, a script without spaces)."""
        match = _TAIL.search(prompt)
        tail = match.group() if match else ""
        if not self.known or any(is_cjk(ch) for ch in tail) or not self.is_prefix(tail):
            return None
        return tail

    def step(self, tail: str, text: str) -> str:
        """After ``text`` (what follows the cursor so far): :attr:`OPEN` while the word is a known
        word's beginning, :attr:`DONE` once it ended on a known word (or there was none), else :attr:`BAD`."""
        head = _HEAD.match(text)
        letters = head.group() if head else ""
        word = tail + letters
        if any(is_cjk(ch) for ch in letters):
            return self.DONE
        if _CASE_SWITCH.match(tail[-1:] + letters):
            return self.BAD  # "corri" + "E": a capital glued onto a lower-case word
        if len(letters) < len(text):
            return self.DONE if not word or any(f in self.known for f in forms(word)) else self.BAD
        return self.OPEN if self.is_prefix(word) else self.BAD
