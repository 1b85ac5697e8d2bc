"""The generation engine: runs a GPT-2 ONNX pack with its KV cache and streams K continuations.

Design, and why (the measured figures behind each choice, with the script and machine that gave
them, are in ``docs/benchmarks.md``):

* One prefill, shared. The prompt is encoded and run once at batch 1; its key/value cache is
  then repeated to the K rows, which only differ from the first sampled token on.
* Prefix reuse. The editor asks again after every pause in typing, with a prompt that mostly
  repeats the last one. The prompt's cache is kept, and prefill runs in fixed chunks
  (:data:`CHUNK` tokens, aligned to the start of the prompt), so a new prompt only recomputes
  from the chunk where it first differs. Fixed chunk boundaries also keep results exact: int8
  dynamic quantisation scales depend on what is run together, and aligned chunks make the
  prompt's cache the same whatever ran before, so a seed always reproduces its suggestion.
  Chunking costs a cold prefill nothing measurable against one pass (``benchmarks/generation.py``);
  a cold prompt misses the first-token target on shared cores, which is met after an edit, when
  only the changed chunk is recomputed.
* Own decode loop in numpy rather than onnxruntime-genai, which measured several times slower
  on the vanilla pack: genai has to prefill the prompt once per row, needs a hand-written
  ``genai_config.json`` passing optimum's GPT-2 export off as ``llama`` with
  ``past_present_share_buffer: false``, and brings a second native runtime; it offers neither
  the shared prefill nor the prefix reuse nor per-row stop rules used here. The time is in
  ``session.run`` (nearly all of it in a profile); the Python around it is small. The loop
  itself, one generation's state step by step, is :mod:`writer.generation.decoding`.
* Session options (:mod:`~writer.generation.graph`, which runs both kinds of graph): graph
  optimisation ALL; ``session.disable_quant_qdq`` lets constant folding
  dequantise the tied int8 embedding once at load instead of on every step (faster steps in a
  profile); thread spinning off, because the cores are shared with the UI and other work (under
  load, spinning 2 threads made steps slower than 1 thread); CPU arena on (no difference beyond
  noise). I/O binding for optimum graphs (present outputs bound as the next step's inputs)
  gained nothing: the graph concatenates past and new keys itself, so every step allocates
  fresh outputs anyway. Plain ``run`` is kept for them.
* Compact graphs (``models/optimize.py``: fused SkipLayerNorm / GroupQueryAttention / FastGelu,
  ~60 nodes instead of ~600, int8). Their key/value buffers are preallocated for the whole
  generation and bound with I/O binding as both ``past`` and ``present``, so a step writes one
  position in place instead of copying the cache, and they compute logits for the last
  position only: about half the time of optimum's int8 graph a step, a prefill and a batch
  (``benchmarks/generation.py``).
* Background prefill: :meth:`Engine.prefill_prompt` fills the prefix cache while the writer
  types (the suggestions panel calls it on a worker), so the trigger only computes the last
  chunk. It also copies the prompt into the row caches the next generation will use (kept from
  the last one; a prompt's cache depends only on its tokens, so the chunks already there stay)
  and makes the names guard, so the trigger copies one chunk instead of the whole cache and
  builds nothing (``benchmarks/responsiveness.py``'s first words).
* Polish (:class:`~writer.generation.polish.Polish`, on in the panel and ``writer suggest``):
  the prompt is backed up over the word at the cursor and the first tokens re-spell it
  (:mod:`~writer.generation.healing`); rows end cleanly (:mod:`~writer.generation.streaming`),
  junk is cut, the books' names are down-weighted (:mod:`~writer.generation.names`), and 2K
  candidates run in the one batch, of which the best K by the pack's own mean log-probability
  are returned, those with an invented word at the cursor (:mod:`~writer.generation.words`)
  or a borrowed name last. The extra rows ride on the same forward passes, so best of 2K costs
  far less than twice plain K (``benchmarks/generation.py``).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from writer.errors import WriterError
from writer.generation import names as names_mod
from writer.generation.decoding import Decoding, OnStep
from writer.generation.graph import Graph
from writer.generation.healing import TokenIndex, back_up
from writer.generation.junk import junk_token_ids
from writer.generation.packs import EOS, MODEL_FILE, Pack, load_tokenizer
from writer.generation.polish import Polish
from writer.generation.sampling import SamplerSettings
from writer.generation.streaming import Stop, Trim
from writer.generation.token_info import TokenInfo
from writer.generation.tokens import TokenBytes
from writer.generation.words import Lexicon, pack_words

log = logging.getLogger(__name__)

CHUNK = 32  # prefill granularity: smaller re-runs less after an edit, larger prefills faster cold
ROOM_HEADROOM = 64  # positions of typing the kept row caches allow for before they are made anew


@dataclass
class Generation:
    """K continuations of one prompt, and what it took to make them."""

    texts: list[str]
    seed: int
    finish_reasons: list[str]
    token_ids: list[list[int]]
    settings: dict[str, Any]
    prompt_tokens: int
    prompt_truncated: bool
    cancelled: bool = False
    timings: dict[str, float] = field(default_factory=dict)
    scores: list[float] = field(default_factory=list)  # mean log-probability per token, the pack's own
    tokens: list[list[TokenInfo]] = field(default_factory=list)  # per shown text, when asked for (token view)

    def as_dict(self) -> dict[str, Any]:
        return {
            "texts": self.texts, "scores": self.scores, "seed": self.seed, "finish_reasons": self.finish_reasons,
            "settings": self.settings, "prompt_tokens": self.prompt_tokens,
            "prompt_truncated": self.prompt_truncated, "cancelled": self.cancelled, "timings": self.timings,
        }


class Engine(Graph):
    """One loaded pack. Create through :class:`EngineCache`; safe to share between threads."""

    def __init__(self, pack: Pack, threads: int = 2, *, arena: bool = True, spin: bool = False,
                 chunk: int = CHUNK) -> None:
        pack.require_available()
        super().__init__(threads, arena=arena, spin=spin)
        self.pack = pack
        self.chunk = max(1, chunk)
        self._lock = threading.Lock()  # guards loading and the prefix cache, never a whole generation
        self._prefix: tuple[list[int], list[np.ndarray], np.ndarray] | None = None
        # the last generation's row caches, reused by the next: fresh 36 MB arrays page-fault on first
        # write, which cost 10-30 ms before the second token (compact graphs only)
        self._spare: list[np.ndarray] | None = None
        self._spare_ids: list[int] = []  # the prompt whose cache every row of the spare holds

    # -- loading ---------------------------------------------------------------------------
    @property
    def loaded(self) -> bool:
        return self._session is not None

    def load(self) -> Engine:
        """Open the ONNX session and tokenizer (slow: call it from a worker thread)."""
        with self._lock:
            if self._session is None:
                self._load()
        return self

    def _load(self) -> None:
        name = self.pack.name
        try:
            self.tokenizer = load_tokenizer(self.pack.path)
        except WriterError as exc:
            raise WriterError(f"Model pack '{name}': {exc}") from None
        # "<|endoftext|>" typed in a draft is text, not the end of a document (that is
        # inserted by id where a document starts)
        self.tokenizer.encode_special_tokens = True
        session = self._open(self.pack.path / MODEL_FILE, f"Model pack '{name}': {MODEL_FILE}")
        self.vocab_size = int(self.pack.config.get("vocab_size") or self.tokenizer.get_vocab_size())
        self.n_positions = self.pack.n_positions
        eos = self.tokenizer.token_to_id(EOS)
        self.eos_id = eos if eos is not None else self.pack.eos_token_id
        self.token_bytes = TokenBytes(self.tokenizer, self.vocab_size)
        self.token_index = TokenIndex(self.token_bytes.table)
        self.junk_ids = np.asarray(junk_token_ids(self.token_bytes.table), dtype=np.int64)
        self.opening_junk_ids = np.asarray(junk_token_ids(self.token_bytes.table, opening=True), dtype=np.int64)
        self.names = names_mod.load_names(self.pack.path)
        self.words = pack_words(self.pack.path)
        self.lexicon = Lexicon(self.words)
        self._guard: tuple[frozenset[str], names_mod.NameGuard] | None = None
        banned = set(self.token_bytes.special_ids) | set(range(self.tokenizer.get_vocab_size(), self.vocab_size))
        banned.discard(self.eos_id)
        self.banned = np.array(sorted(banned), dtype=np.int64)
        self.textless = np.array([i for i, b in enumerate(self.token_bytes.table) if not b], dtype=np.int64)
        self._session = session

    def _require(self) -> None:
        if self._session is None:
            self.load()

    # -- model calls -----------------------------------------------------------------------
    def row_caches(self, ids: list[int], past: Sequence[np.ndarray], capacity: int,
                   rows: int) -> tuple[list[np.ndarray], list[np.ndarray] | None]:
        """``rows`` caches each holding the prompt ``ids``' cache ``past`` (batch 1), with room for
        ``capacity`` positions, and the buffers to give back (:meth:`give_back`) once done.

        A compact graph's come from the kept ones, which already hold the prompt the last
        generation or the background prefill left there: only the positions after the part
        shared with it are copied (one chunk after a prefill instead of ~36 MB).
        """
        if not self.compact:
            return self.with_room(past, len(ids), capacity, rows), None
        with self._lock:
            spare, held = self._spare, self._spare_ids
            self._spare, self._spare_ids = None, []
        if spare is None or spare[0].shape[0] < rows or spare[0].shape[2] < capacity:
            spare, held = self._new_rows(rows, capacity), []
        self._sync(spare, held, ids, past)
        return [buf[:rows] for buf in spare], spare

    def _new_rows(self, rows: int, capacity: int) -> list[np.ndarray]:
        size = min(self.n_positions, capacity + ROOM_HEADROOM)
        return [np.empty((rows, self.n_head, size, self.head_dim), np.float32) for _ in self.past_names]

    def _sync(self, spare: list[np.ndarray], held: list[int], ids: list[int], past: Sequence[np.ndarray]) -> None:
        """In place: every row of ``spare`` (holding the cache of ``held``) comes to hold ``past``, the
        cache of ``ids``. A prompt's cache depends only on its tokens, computed in chunks aligned to
        its start, so the chunks both share whole are already right."""
        begin = len(ids) if held == ids else _common(held, ids) // self.chunk * self.chunk
        for buf, p in zip(spare, past, strict=True):
            buf[:, :, begin: len(ids)] = p[:, :, begin: len(ids)]

    def give_back(self, room: list[np.ndarray] | None, ids: list[int]) -> None:
        """Keep a finished generation's row caches for the next one; every row still holds the
        cache of the prompt ``ids`` (generated tokens were written after it)."""
        if room is not None:
            with self._lock:
                self._spare, self._spare_ids = room, list(ids)

    def _prepare_rows(self, extra: int, rows: int) -> None:
        """Bring the kept row caches up to the prompt cache (on the prefill's worker, so the
        trigger copies next to nothing); room for ``extra`` new tokens. Before any generation
        kept some, ``rows`` of them are made (none when 0)."""
        with self._lock:
            prefix, spare, held = self._prefix, self._spare, self._spare_ids
            if prefix is None or (spare is None and rows < 1):
                return
            self._spare, self._spare_ids = None, []
        ids, past, _ = prefix
        if spare is None or spare[0].shape[2] < len(ids) + extra:
            spare, held = self._new_rows(spare[0].shape[0] if spare else rows, len(ids) + extra), []
        self._sync(spare, held, ids, past)
        self.give_back(spare, ids)

    def _failed(self, exc: Exception) -> WriterError:
        return WriterError(f"Model pack '{self.pack.name}' failed while generating: "
                           f"{str(exc).splitlines()[0][:300]}")

    def logits(self, ids: np.ndarray) -> np.ndarray:
        """Logits for every position of ``ids`` [batch, length] from an empty cache (for scoring)."""
        self._require()
        ids = np.asarray(ids)
        return self.run(ids, self.empty_past(len(ids), ids.shape[1]), 0)[0]

    def prefill(self, ids: list[int],
                cancel: threading.Event | None = None) -> tuple[np.ndarray, list[np.ndarray], int]:
        """Cache for ``ids`` and the logits after its last token; reuses the last prompt's chunks.

        Returns (last logits [vocab], cache at batch 1, tokens actually computed). Setting
        ``cancel`` stops between chunks (the logits are then those of the last chunk done); the
        chunks done so far are kept for the next call.
        """
        self._require()
        if not ids:
            raise ValueError("prefill needs at least one token")
        with self._lock:
            cached = self._prefix
        start = 0
        if cached is not None:
            old_ids, old_past, old_logits = cached
            if old_ids == ids:
                return old_logits, old_past, 0
            start = min(_common(old_ids, ids), len(ids) - 1) // self.chunk * self.chunk
        past = self.with_room(old_past, start, len(ids)) if start else self.empty_past(1, len(ids))
        logits = None
        end = start
        for begin in range(start, len(ids), self.chunk):
            if cancel is not None and cancel.is_set() and logits is not None:
                break
            piece = np.asarray([ids[begin: begin + self.chunk]])
            logits, past = self.run(piece, past, begin, last_only=True)
            end = begin + piece.shape[1]
        assert logits is not None
        last = logits[0, -1].copy()
        with self._lock:
            self._prefix = (list(ids[:end]), past, last)
        return last, past, end - start

    def prefill_prompt(self, text: str, *, memory: str = "", max_new_tokens: int = 40,
                       cancel: threading.Event | None = None, polish: Polish | None = None, rows: int = 0) -> int:
        """Prefill the prompt ``generate`` would build for ``text`` into the prefix cache.

        Called from a background worker while the writer types, so that when suggestions are
        asked for only the last few tokens remain to compute. The kept row caches get the prompt
        too (``rows``: how many the request will use, ``n`` × ``polish.best_of``, so the first
        request of a session finds them made too), and the names guard is made for the draft's
        names. Returns tokens computed.
        """
        if polish is not None:
            max_new_tokens = polish.cap(max_new_tokens)
        ids, _ = self.prompt_ids(text, memory, max_new_tokens)
        if polish is not None and polish.heal:
            ids = self.heal(ids, text)[0]
        computed = self.prefill(ids, cancel)[2]
        if cancel is not None and cancel.is_set():
            return computed
        if self.compact:
            self._prepare_rows(max_new_tokens, rows)
        if polish is not None and polish.avoid_names:
            self.name_guard(text, memory)  # made anew when the names the draft uses change: 10-30 ms
        return computed

    def forget_prompt(self) -> None:
        """Drop the cached prompt (memory, or to time a cold start)."""
        with self._lock:
            self._prefix = None
            self._spare_ids = []  # the kept row caches are buffers now, as for a new draft

    # -- prompts ---------------------------------------------------------------------------
    def encode(self, text: str) -> list[int]:
        self._require()
        return self.tokenizer.encode(text, add_special_tokens=False).ids

    def decode(self, ids: Sequence[int]) -> str:
        self._require()
        return self.tokenizer.decode(list(ids), skip_special_tokens=True)

    def prompt_ids(self, text: str, memory: str = "", max_new_tokens: int = 40) -> tuple[list[int], bool]:
        """Token ids for the text before the cursor (and the memory note), cut to fit the context.

        Cuts fall on token boundaries, keeping the end of the text (nearest the cursor); the
        memory note is kept from its start, using at most half the room. The start of a
        document (nothing cut) begins with ``<|endoftext|>``, as every work did in training.
        """
        self._require()
        if max_new_tokens >= self.n_positions:
            raise WriterError(f"At most {self.n_positions - 1} new tokens fit this model's context.")
        room = self.n_positions - max_new_tokens
        mem = self.encode(memory.strip() + "\n\n") if memory.strip() else []
        mem = mem[: room // 2]
        room -= len(mem)
        ids, truncated = self._tail_tokens(text, room)
        if not truncated and room > len(ids) and self.eos_id is not None:
            ids = [self.eos_id, *ids]
            if mem:
                ids = [self.eos_id, *mem, *ids[1:]]
                mem = []
        ids = [*mem, *ids]
        if not ids:  # nothing at all: an unconditional sample
            ids = [self.eos_id if self.eos_id is not None else 0]
        return ids, truncated

    def heal(self, ids: list[int], text: str) -> tuple[list[int], bytes]:
        """``ids`` (a prompt ending with ``text``) backed up over the word at the cursor, and the
        bytes the first generated tokens must re-spell (see :mod:`writer.generation.healing`)."""
        tail = text[-80:]
        space = tail.find(" ", 0, len(tail) - 1)  # byte-level BPE splits before a space: tokens match from there
        tail = tail[space:] if space > 0 and len(text) > len(tail) else tail
        enc = self.tokenizer.encode(tail, add_special_tokens=False)
        n = len(enc.ids)
        if not n or ids[-n:] != enc.ids:
            return ids, b""  # the tail's tokens depend on what came before: leave it whole
        kept, removed = back_up(enc.ids, enc.offsets, tail, self.token_bytes.table, keep=0)
        ids = ids[: len(ids) - n + len(kept)]
        if not ids:
            if self.eos_id is None:
                return [*ids, *enc.ids[len(kept):]], b""
            ids = [self.eos_id]
        return ids, removed

    def _canonical(self, remainder: bytes) -> int | None:
        """The tokenizer's own first token for ``remainder`` (None when it is not whole characters)."""
        try:
            text = remainder.decode("utf-8")
        except UnicodeDecodeError:
            return None
        ids = self.tokenizer.encode(text, add_special_tokens=False).ids
        return ids[0] if ids and remainder.startswith(self.token_bytes.table[ids[0]]) else None

    def name_guard(self, *texts: str) -> names_mod.NameGuard | None:
        """The guard for this pack's names less those the writer uses in ``texts`` (cached)."""
        if not self.names:
            return None
        own = frozenset(names_mod.mentioned(self.names, *texts))
        with self._lock:
            cached = self._guard
        if cached is not None and cached[0] == own:
            return cached[1]
        guard = names_mod.NameGuard([n for n in self.names if n.name not in own], self.token_bytes.table)
        with self._lock:
            self._guard = (own, guard)
        return guard

    def _tail_tokens(self, text: str, room: int) -> tuple[list[int], bool]:
        """The last ``room`` tokens of ``text``, encoding only as much of the end as needed."""
        window = max(room * 8, 256)
        while True:
            if window >= len(text):
                ids = self.encode(text)
                return (ids[-room:], True) if len(ids) > room else (ids, False)
            part = text[-window:]
            space = next((i for i, ch in enumerate(part) if ch.isspace()), 0)
            ids = self.encode(part[space:])  # start on a word so the first tokens are the real ones
            if len(ids) > room:
                return ids[-room:], True
            window *= 2

    # -- generation ------------------------------------------------------------------------
    def generate(self, prompt: str = "", *, n: int = 3, settings: SamplerSettings | None = None,
                 seed: int | None = None, memory: str = "", stop: Stop = None, trim: Trim = "word",
                 on_step: OnStep | None = None, cancel: threading.Event | None = None,
                 polish: Polish | None = None, alternatives: int = 0) -> Generation:
        """K = ``n`` continuations of ``prompt``, streamed to ``on_step(step, deltas)``.

        ``deltas[i]`` is row i's new text at this step ("" when it has nothing new); joined, a
        row's deltas equal its final text. Setting ``cancel`` stops at the next token and
        returns what was shown, marked ``cancelled``.

        ``polish`` (:class:`~writer.generation.polish.Polish`) turns on the decoder's care:
        token healing, clean endings, junk cuts, names down-weighted, best of several. The
        deltas then stream the first ``n`` candidates as a preview; the returned texts are the
        best ``n`` and may differ from it.

        ``alternatives`` > 0 fills :attr:`Generation.tokens` for the token view: each returned
        text's tokens with the pack's probability of each and its top ``alternatives`` there
        (:mod:`~writer.generation.token_trace`).
        """
        if n < 1 or n > 16:
            raise WriterError(f"Between 1 and 16 continuations at once, not {n}.")
        settings = settings or SamplerSettings.from_dict(self.pack.sampler)
        t0 = time.perf_counter()
        self._require()
        seed = secrets.randbelow(2**31) if seed is None else int(seed)
        return Decoding(self, prompt, n=n, settings=settings, seed=seed, memory=memory, stop=stop, trim=trim,
                        cancel=cancel, polish=polish, alternatives=alternatives, t0=t0).run(on_step)


def _common(a: Sequence[int], b: Sequence[int]) -> int:
    """The length of the prefix ``a`` and ``b`` share."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


class EngineCache:
    """One engine per pack for the life of the process, created lazily and thread-safely."""

    def __init__(self, threads: int = 2) -> None:
        self.threads = threads
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def get(self, pack: Pack | str, *, load: bool = True) -> Engine:
        from writer.generation.packs import find

        pack = find(pack) if isinstance(pack, str) else pack
        pack.require_available()
        key = str(pack.path.resolve())
        with self._lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = self._engines[key] = Engine(pack, self.threads)
        return engine.load() if load else engine

    def clear(self) -> None:
        with self._lock:
            self._engines.clear()


_default_cache: EngineCache | None = None
_default_lock = threading.Lock()


def engines() -> EngineCache:
    """The process-wide cache, sized by the ``generation.threads`` setting."""
    global _default_cache
    with _default_lock:
        if _default_cache is None:
            from writer.settings import Settings

            try:
                threads = int(Settings.load().get("generation.threads"))
            except WriterError:
                threads = 2
            _default_cache = EngineCache(threads)
        return _default_cache
