"""One :meth:`Engine.generate` call: the rows' state and the decoding loop, step by step.

A step constrains each row's logits (token healing, the books' names, junk, the word at the
cursor), samples, takes the chosen tokens into the rows' texts and runs the rows still going
through the model. Each of those is a method here so that each rule reads on its own; the
engine keeps the model, the prompt cache and the vocabulary tables they use.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from writer.generation import names as names_mod
from writer.generation.healing import choices
from writer.generation.junk import JUNK_PENALTY
from writer.generation.polish import Polish, rank
from writer.generation.sampling import SamplerSettings, sample
from writer.generation.streaming import RowText, Stop, Trim
from writer.generation.token_info import TokenInfo
from writer.generation.token_trace import TokenTrace, top_alternatives, top_among
from writer.generation.tokens import TextDecoder
from writer.generation.words import Lexicon, breaks, forms

if TYPE_CHECKING:
    from writer.generation.engine import Engine, Generation

_TRAILING_LETTERS = re.compile(r"[^\W\d_]+$")
WORD_CHOICES = 256  # tokens checked against the word list while the word at the cursor is open
OnStep = Callable[[int, list[str]], None]


@dataclass
class Row:
    """One candidate continuation as it is decoded."""

    text: RowText
    decoder: TextDecoder
    remainder: bytes  # healing: bytes the next tokens must re-spell (the word at the cursor)
    in_word: bool  # still spelling the word at the cursor
    trace: TokenTrace | None  # for the token view, when asked for
    tokens: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)  # the pack's own, per token
    ends: list[int] = field(default_factory=list)  # stream offset just past each token's text

    def score(self) -> float:
        """Mean log-probability of the tokens that made the final text (the ones cut off do not count)."""
        length = self.text.dropped + len(self.text.text)
        inside = [lp for lp, end in zip(self.logprobs, self.ends, strict=False) if end <= length] \
            or self.logprobs[:1]
        return sum(inside) / len(inside) if inside else float("-inf")


class Decoding:
    """The state of one generation: its prompt, rows, sampler and row caches."""

    def __init__(self, engine: Engine, prompt: str, *, n: int, settings: SamplerSettings, seed: int, memory: str,
                 stop: Stop, trim: Trim, cancel: threading.Event | None, polish: Polish | None,
                 alternatives: int, t0: float) -> None:
        self.t0 = t0
        self.engine = e = engine
        self.prompt, self.n, self.settings, self.seed = prompt, n, settings, seed
        self.cancel, self.polish, self.alternatives = cancel, polish, alternatives
        self.rng = np.random.default_rng(seed)
        self.cap = polish.cap(settings.max_new_tokens) if polish else settings.max_new_tokens
        self.ids, self.truncated = e.prompt_ids(prompt, memory, self.cap)
        heal = b""
        if polish and polish.heal and prompt:
            self.ids, heal = e.heal(self.ids, prompt)
        self.guard = e.name_guard(prompt, memory) if polish and polish.avoid_names else None
        self.words = polish.words(settings.max_new_tokens) if polish and polish.clean_endings else None
        self.rows_n = n * (polish.best_of if polish else 1)
        self.lex = e.lexicon.for_prompt(prompt)  # a half-typed word the text already uses is spelt as it does
        tail = self.lex.tail(prompt) if polish and polish.known_words else None
        self.tail = tail or ""
        whole = self._first_word_whole if self.words is not None and polish and polish.known_words and e.words \
            else None
        self.rows = [Row(RowText(stop, trim, self.words, whole), e.token_bytes.decoder(), heal, tail is not None,
                         TokenTrace() if alternatives > 0 else None) for _ in range(self.rows_n)]
        self.seen = np.zeros((self.rows_n, e.vocab_size), dtype=bool)
        self.seen[:, np.asarray(self.ids)] = True
        self.first_ban = np.append(e.banned, e.eos_id) if e.eos_id is not None else e.banned
        self.verdicts: dict[tuple[str, bytes, int], bool] = {}  # see _fits
        self.word_before = prompt[-40:]
        self.typed_letters = typed.group() if (typed := _TRAILING_LETTERS.search(self.word_before)) else ""
        self.active = list(range(self.rows_n))
        self.timings: dict[str, float] = {}
        self.cancelled = False
        self.pos = len(self.ids)
        self.past1: list[np.ndarray] = []  # the prompt's cache, batch 1
        self.past: list[np.ndarray] | None = None  # the active rows' caches
        self.room: list[np.ndarray] | None = None  # the row caches this call allocates (or reuses)

    # -- the loop ------------------------------------------------------------------------------
    def run(self, on_step: OnStep | None) -> Generation:
        last, self.past1, computed = self.engine.prefill(self.ids, self.cancel)  # cancelled: the loop stops at once
        self.timings.update(prefill_tokens=computed, prompt_tokens=len(self.ids))
        logits = np.repeat(last[None, :], self.rows_n, axis=0)
        for step in range(self.cap):
            if self._cancelled():
                break
            deltas = self._step(step, logits)
            last_step = step == self.cap - 1
            if last_step:
                for r in self.active:
                    deltas[r] += self._finish(self.rows[r], "length")
            if on_step is not None:
                on_step(step, deltas[: self.n])
            if last_step or not self._narrow() or self._cancelled():
                break
            logits = self._forward()
        if self.cancelled:
            for r in self.active:
                self.rows[r].text.finish("cancel")
        self.engine.give_back(self.room, self.ids)
        return self._result()

    def _cancelled(self) -> bool:
        if self.cancel is not None and self.cancel.is_set():
            self.cancelled = True
        return self.cancelled

    def _step(self, step: int, logits: np.ndarray) -> list[str]:
        """Choose each active row's next token and take it in; returns the rows' new text."""
        e = self.engine
        logits = logits[:, : e.vocab_size]
        raw_lp = logits - _logsumexp(logits)
        for i, r in enumerate(self.active):
            self._constrain(self.rows[r], logits[i], raw_lp[i])
        healing = any(self.rows[r].remainder for r in self.active)
        banned = self.first_ban if step == 0 or healing else e.banned
        alts = self._alternatives(raw_lp) if self.alternatives > 0 else None
        chosen = sample(logits, self.settings, self.rng, self.seen[self.active], banned)
        if step == 0:
            self.timings["first_token_ms"] = (time.perf_counter() - self.t0) * 1000
        deltas = [""] * self.rows_n
        for i, (r, tok) in enumerate(zip(self.active, chosen.tolist(), strict=True)):
            deltas[r] = self._take(r, tok, float(raw_lp[i, tok]), alts[i] if alts is not None else None)
        return deltas

    def _narrow(self) -> bool:
        """Keep only the rows still going (their caches too); False when none is."""
        still = [r for r in self.active if not self.rows[r].text.done]
        if not still:
            return False
        keep = [i for i, r in enumerate(self.active) if not self.rows[r].text.done]
        if self.past is None:  # room for every token this call may add
            self.past, self.room = self.engine.row_caches(self.ids, self.past1, self.pos + self.cap, len(still))
        elif len(keep) < len(self.active):
            self.past = [p[keep] for p in self.past]
        self.active = still
        return True

    def _forward(self) -> np.ndarray:
        """The active rows' last tokens through the model: the next logits."""
        assert self.past is not None
        feed = np.asarray([[self.rows[r].tokens[-1]] for r in self.active])
        logits, self.past = self.engine.run(feed, self.past, self.pos, last_only=True)
        self.pos += 1
        return logits[:, -1, :]

    # -- one row -------------------------------------------------------------------------------
    def _constrain(self, row: Row, logits: np.ndarray, raw_lp: np.ndarray) -> None:
        """In place, one row's logits: healing's choices, else the names' and junk's penalties;
        then the word at the cursor kept a known word's."""
        e = self.engine
        if row.remainder:
            mask = np.full(logits.shape[0], -np.inf, np.float32)
            mask[choices(e.token_index, row.remainder, e._canonical(row.remainder), np.exp(raw_lp))] = 0.0
            logits += mask
        else:
            if self.guard is not None:
                logits[self.guard.penalised(self.word_before + row.text.raw)] -= names_mod.PENALTY
            if self.words is not None:
                opening = not self.prompt.strip() and not row.text.raw.strip()  # an unprompted sample's start
                logits[e.opening_junk_ids if opening else e.junk_ids] -= JUNK_PENALTY
        if row.in_word:
            self._keep_known_word(row.text.raw, row.remainder, logits)

    def _take(self, r: int, tok: int, logprob: float, alts: tuple[np.ndarray, np.ndarray] | None) -> str:
        """Row ``r`` takes token ``tok``; returns the text it may show now."""
        e, row = self.engine, self.rows[r]
        if tok == e.eos_id:
            return self._finish(row, "eos")
        if row.in_word:
            row.in_word = self._still_in_word(row.text.raw, row.remainder, tok)
        row.tokens.append(tok)
        row.logprobs.append(logprob)
        self.seen[r, tok] = True
        piece = e.token_bytes.table[tok]
        healed, pending = row.remainder, row.decoder.pending
        if row.remainder:
            used = min(len(row.remainder), len(piece))
            row.remainder, piece = row.remainder[used:], piece[used:]
        decoded = row.decoder.feed_bytes(piece)
        if row.trace is not None and alts is not None and piece:  # not one that only re-spells the prompt
            row.trace.add(logprob, alts, pending, healed, len(decoded))
        delta = row.text.push(decoded)
        row.ends.append(row.text.dropped + len(row.text.raw))
        return delta

    @staticmethod
    def _finish(row: Row, reason: str) -> str:
        flushed = row.decoder.flush()
        if row.trace is not None:
            row.trace.more(len(flushed))
        return row.text.finish(reason, flushed)

    def _first_word_whole(self, raw: str) -> bool:
        """Whether ``raw`` (a row's text so far) ends on a known word, the prompt's trailing letters
        included when ``raw`` continues them."""
        letters = _TRAILING_LETTERS.search(raw)
        if letters is None:
            return False
        word = self.typed_letters + letters.group() if letters.start() == 0 else letters.group()
        return any(f in self.engine.words for f in forms(word))

    # -- the word at the cursor ----------------------------------------------------------------
    def _after(self, raw: str, remainder: bytes, tok: int) -> str | None:
        """A row's text after the cursor once ``tok`` is added; None when the token ends mid-character."""
        piece = self.engine.token_bytes.table[tok][len(remainder):]
        try:
            return raw + piece.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def _still_in_word(self, raw: str, remainder: bytes, tok: int) -> bool:
        after = self._after(raw, remainder, tok)
        return after is not None and tok != self.engine.eos_id and self.lex.step(self.tail, after) == Lexicon.OPEN

    def _keep_known_word(self, raw: str, remainder: bytes, logits: np.ndarray) -> None:
        """In place: only the likeliest :data:`WORD_CHOICES` tokens that keep the word at the cursor a
        known word's beginning, or end it on a known word (:mod:`~writer.generation.words`), stay
        possible; nothing changes when none of them does."""
        top = np.argpartition(-logits, WORD_CHOICES)[:WORD_CHOICES]
        top = top[np.isfinite(logits[top])]
        fine = [t for t in top.tolist() if self._fits(raw, remainder, t)]
        if not fine and not remainder:
            fine = self._spelling_on(self.tail + raw, logits)
        if fine:
            keep = logits[fine]
            logits[:] = -np.inf
            logits[fine] = keep

    def _fits(self, raw: str, remainder: bytes, tok: int) -> bool:
        """Whether ``tok`` after a row's ``raw`` keeps the word at the cursor possible; remembered,
        since the rows start alike (the first step checks the same 256 tokens for all of them)."""
        key = (raw, remainder, tok)
        fits = self.verdicts.get(key)
        if fits is None:
            fits = self.verdicts[key] = tok == self.engine.eos_id or (after := self._after(raw, remainder, tok)) \
                is None or self.lex.step(self.tail, after) != Lexicon.BAD
        return fits

    def _spelling_on(self, word: str, logits: np.ndarray) -> list[int]:
        """The tokens that spell on towards a known word from ``word`` (its case kept), for when
        none of the likeliest does; none when too many words start with it to list."""
        upper = word.isupper() and len(word) > 1
        by_bytes = self.engine.token_index.by_bytes
        found = {by_bytes.get((e[:n].upper() if upper else e[:n]).encode())
                 for e in self.lex.endings(word) for n in range(1, len(e) + 1)}
        return [t for t in found if t is not None and np.isfinite(logits[t])]

    # -- the result ----------------------------------------------------------------------------
    def _alternatives(self, logprobs: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per active row, the likeliest tokens by the pack's own ``logprobs`` (ids, log-probs);
        while a row re-spells the word at the cursor, the likeliest of those that spell past it."""
        e, k = self.engine, self.alternatives
        ids, lps = top_alternatives(logprobs, k, e.textless)
        remainders = [self.rows[r].remainder for r in self.active]
        return [top_among(logprobs[i], k, e.token_index.starting_with(rem)) if rem else (ids[i], lps[i])
                for i, rem in enumerate(remainders)]

    def _unwanted(self) -> Callable[[str], bool] | None:
        """What best-of ranking puts last: a borrowed name, an invented word at the cursor."""
        known = self.engine.words if self.polish is not None and self.polish.known_words else frozenset()
        guard, prompt = self.guard, self.prompt
        if guard is None and not known:
            return None
        return lambda text: (guard is not None and guard.uses(text)) or breaks(prompt, text, known)

    def _tokens(self, r: int) -> list[TokenInfo]:
        row = self.rows[r]
        assert row.trace is not None
        return row.trace.infos(row.text.text, row.text.dropped, self.engine.token_bytes.table)

    def _result(self) -> Generation:
        from writer.generation.engine import Generation

        texts = [row.text.text for row in self.rows]
        scores = [row.score() for row in self.rows]
        order = rank(texts, scores, self.n, clean=self.words is not None, unwanted=self._unwanted()) \
            if self.rows_n > self.n else list(range(self.n))
        self.timings["total_ms"] = (time.perf_counter() - self.t0) * 1000
        rows = [self.rows[r] for r in order]
        return Generation(
            texts=[texts[r] for r in order], seed=self.seed,
            finish_reasons=[row.text.reason or "cancel" for row in rows],
            token_ids=[row.tokens for row in rows], settings=self.settings.as_dict(), prompt_tokens=len(self.ids),
            prompt_truncated=self.truncated, cancelled=self.cancelled, timings=self.timings,
            scores=[round(scores[r], 4) for r in order],
            tokens=[self._tokens(r) for r in order] if self.alternatives > 0 else [],
        )


def _logsumexp(logits: np.ndarray) -> np.ndarray:
    top = logits.max(axis=1, keepdims=True)
    return top + np.log(np.exp(logits - top).sum(axis=1, keepdims=True))
