"""No borrowed names: tokens that would start a name from the pack's books are made unlikely.

A style pack knows its books' characters (Hendricks, Elinor…) better than anything else, and
puts them into drafts that never mention them. Each pack may list those names in
``names.json`` (built with the pack by ``models/names.py``: proper names its training books
use that general English does not, with counts and the shortest prefix that already singles
the name out). While generating, a token that would spell such a prefix, alone or after the
letters of the word being written, loses :data:`PENALTY` logits, unless the name occurs in
the draft or the memory note. A name spelt from an ambiguous start (" Ell" + "iot") can still
slip through: best-of ranking then puts such a candidate last (:meth:`NameGuard.uses`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

NAMES_FILE = "names.json"
PENALTY = 6.0  # logits: e^-6 ≈ 1/400 of the name's probability is left
_TAIL_LETTERS = re.compile(r"[^\W\d_]+$")


@dataclass(frozen=True)
class Name:
    name: str
    count: int
    prefix: int  # letters from which a spelling is surely this name and no English word


def load_names(folder: Path) -> list[Name]:
    """The pack's names, or none when it has no (readable) ``names.json``."""
    path = folder / NAMES_FILE
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return [Name(str(d["name"]), int(d["count"]), max(1, int(d.get("prefix", len(d["name"])))))
                for d in data["names"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("%s unreadable, names not avoided: %s", path, exc)
        return []


def _split(piece: str) -> tuple[str, str]:
    """(what precedes the first letter, the run of letters from there)."""
    i = 0
    while i < len(piece) and not piece[i].isalpha():
        i += 1
    j = i
    while j < len(piece) and piece[j].isalpha():
        j += 1
    return piece[:i], piece[i:j]


class NameGuard:
    """Which token ids to down-weight, given the end of a row's text."""

    def __init__(self, names: Iterable[Name], table: Sequence[bytes]) -> None:
        spaced: dict[str, list[int]] = {}
        plain: dict[str, list[int]] = {}
        for i, raw in enumerate(table):
            piece = raw.decode("utf-8", errors="ignore")
            lead, run = _split(piece)
            if run:
                (spaced if lead else plain).setdefault(run, []).append(i)
        start_spaced: set[int] = set()
        start_plain: set[int] = set()
        cont: dict[str, set[int]] = {}
        self.names = [n for n in names if n.name.isalpha()]
        for n in self.names:
            word = n.name
            for end in range(min(n.prefix, len(word)), len(word) + 1):
                start_spaced.update(spaced.get(word[:end], ()))
                start_plain.update(plain.get(word[:end], ()))
            for i in range(1, len(word)):
                for end in range(max(n.prefix, i + 1), len(word) + 1):
                    ids = plain.get(word[i:end])
                    if ids:
                        cont.setdefault(word[:i], set()).update(ids)
        self.start_spaced = np.asarray(sorted(start_spaced), dtype=np.int64)
        self.new_word = np.asarray(sorted(start_spaced | start_plain), dtype=np.int64)
        self.cont = {k: np.asarray(sorted(v | start_spaced), dtype=np.int64) for k, v in cont.items()}
        words = sorted((n.name for n in self.names), key=len, reverse=True)
        self._pattern = re.compile(rf"(?<![^\W\d_])(?:{'|'.join(map(re.escape, words))})(?![^\W\d_])") \
            if words else None

    def uses(self, text: str) -> bool:
        """Whether ``text`` has one of the guarded names (a candidate that slipped past the weights)."""
        return self._pattern is not None and self._pattern.search(text) is not None

    def penalised(self, text: str) -> np.ndarray:
        """Token ids that would start (or go on spelling) a guarded name after ``text``."""
        m = _TAIL_LETTERS.search(text[-40:])
        if m is None:
            return self.new_word
        return self.cont.get(m.group(), self.start_spaced)


_WORD = re.compile(r"\w+")


def mentioned(names: Sequence[Name], *texts: str) -> set[str]:
    """The names that occur as words in any of ``texts`` (those are the writer's own).

    A name of word characters occurs exactly when it is one of the texts' runs of word
    characters, so those are one set look-up each (a regular expression per name cost 10 ms
    on a 260-token prompt, before the first token); any other name is searched for.
    """
    joined = "\n".join(texts)
    words = set(_WORD.findall(joined))
    return {n.name for n in names
            if (n.name in words if _WORD.fullmatch(n.name) else re.search(rf"\b{re.escape(n.name)}\b", joined))}
