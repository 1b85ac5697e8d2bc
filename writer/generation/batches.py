"""The suggestions panel's generation state, without Qt: batches, their items, and applying events.

The job (:func:`writer.generation.requests.run_request`) reports typed events; a :class:`Batch`
applies them to its items and says which rows changed and whether they should be painted at
once (:class:`Update`), so the panel only paints and wires. A batch also owns the *branches*
started from it: a card rewritten from one of its tokens (the token view's alternatives) by a
request of its own, whose events land on that one card. The panel's :class:`History` keeps the
batches written for one place in the text, the one shown, and the copy check's badges on them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from writer.generation.requests import Done, Event, Failed, Generating, Loading, Request, Step
from writer.generation.token_info import Alternative, TokenInfo


@dataclass
class Item:
    """One suggestion as the panel shows it."""

    model: str
    display: str
    text: str = ""
    state: str = "waiting"  # waiting, loading, generating, done, error
    error: str = ""
    score: float | None = None  # mean log-probability per token, the pack's own
    tokens: tuple[TokenInfo, ...] = ()  # what the pack weighed at each token, once done (token view)


@dataclass(frozen=True)
class Update:
    """What one event changed: ``rows`` of the batch; ``urgent`` when they should be painted now
    (a state change, the first text, the end) rather than at the next repaint tick."""

    rows: range
    urgent: bool


@dataclass(frozen=True)
class Branch:
    """Card ``row`` being rewritten from a token: it keeps ``prefix`` (its text up to that token,
    then the chosen alternative) and ``tokens`` (theirs); the new rest streams after them."""

    row: int
    prefix: str
    tokens: tuple[TokenInfo, ...]
    before: Item  # the card as it was: put back if the rewrite never finishes


@dataclass
class Batch:
    """A request's suggestions; kept in the panel's history for ← / →."""

    request_id: int
    request: Request
    items: list[Item] = field(default_factory=list)
    error: str = ""
    branches: dict[int, Branch] = field(default_factory=dict)  # request id → the card it rewrites

    @property
    def seed(self) -> int:
        return self.request.seed

    @property
    def done(self) -> bool:
        return all(item.state in ("done", "error") for item in self.items)

    def index(self, column: int, row: int) -> int:
        return column * self.request.n + row

    def column_of(self, index: int) -> int:
        return index // self.request.n

    def owns(self, request_id: int) -> bool:
        """``request_id`` is this batch's request or one of its branches."""
        return request_id == self.request_id or request_id in self.branches

    @classmethod
    def start(cls, request_id: int, request: Request) -> Batch:
        items = [Item(c.pack.name, c.pack.display_name) for c in request.columns for _ in range(request.n)]
        return cls(request_id, request, items)

    def branch(self, request_id: int, row: int, token: int, alternative: Alternative) -> str:
        """Start rewriting card ``row`` from its token ``token`` with ``alternative`` in its place,
        by request ``request_id``. Returns the card's text the new rest continues."""
        item = self.items[row]
        old = item.tokens[token]
        prefix = item.text[:old.start] + alternative.text
        kept = (*item.tokens[:token], TokenInfo(alternative.text, old.start, alternative.prob, old.alternatives))
        self.branches[request_id] = Branch(row, prefix, kept, replace(item))
        item.text, item.tokens, item.state, item.score, item.error = prefix, kept, "generating", None, ""
        return prefix

    def abandon(self, request_id: int) -> int | None:
        """A rewrite stopped before its end (a new batch, a failure): its card gets back the text
        it had, so nothing the writer saw is lost half-written. Returns that card's row."""
        branch = self.branches.pop(request_id, None)
        if branch is None:
            return None
        self.items[branch.row] = replace(branch.before)
        return branch.row

    def rows_for(self, request_id: int, col: int) -> range:
        """The items an event of request ``request_id`` about column ``col`` speaks for."""
        branch = self.branches.get(request_id)
        if branch is not None:
            return range(branch.row, branch.row + 1)
        return range(self.index(col, 0), self.index(col + 1, 0))

    def apply(self, request_id: int, event: Event) -> Update:
        """Apply one event of request ``request_id`` (this batch's or a branch's) to the items."""
        rows = self.rows_for(request_id, event.col)
        items = [self.items[i] for i in rows]
        if isinstance(event, Step):
            first = not any(item.text for item in items)
            for item, delta in zip(items, event.deltas, strict=False):
                item.text += delta
            return Update(rows, urgent=first)
        if isinstance(event, Done):
            self._finish(request_id, items, event)
        elif isinstance(event, Failed):
            for item in items:
                item.state, item.error = "error", event.message
        elif isinstance(event, (Loading, Generating)):
            for item in items:
                item.state = "loading" if isinstance(event, Loading) else "generating"
        return Update(rows, urgent=True)

    def _finish(self, request_id: int, items: list[Item], event: Done) -> None:
        branch = self.branches.get(request_id)
        prefix, kept = (branch.prefix, branch.tokens) if branch is not None else ("", ())
        for row, (item, text) in enumerate(zip(items, event.texts, strict=False)):
            item.text, item.state = prefix + text, "done"
            item.score = event.scores[row] if row < len(event.scores) and branch is None else None
            rest = event.tokens[row] if row < len(event.tokens) else ()
            item.tokens = kept + tuple(replace(t, start=t.start + len(prefix)) for t in rest) if rest or kept else ()


@dataclass
class History:
    """The batches written for one place in the text (← / → go through them), the one shown, and
    the badges the copy check gave their cards, kept per batch so paging back shows them again."""

    batches: list[Batch] = field(default_factory=list)
    shown: int = -1  # index into batches; -1: none
    badges: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)  # (request id, row) → badge

    def current(self) -> Batch | None:
        return self.batches[self.shown] if self.shown >= 0 else None

    def add(self, batch: Batch, *, keep: bool) -> None:
        """Add ``batch`` last; without ``keep`` the earlier batches and their badges go."""
        if not keep:
            self.batches.clear()
            self.badges.clear()
        self.batches.append(batch)

    def owner(self, request_id: int) -> Batch | None:
        """The batch that request ``request_id`` (its own or a branch's) writes into."""
        return next((b for b in self.batches if b.owns(request_id)), None)

    def badge(self, request_id: int, row: int) -> tuple[str, str]:
        """Card ``row`` of batch ``request_id``'s badge and its tooltip (empty when none)."""
        return self.badges.get((request_id, row), ("", ""))

    def copy(self) -> History:
        """A copy that later batches and badges leave as it is (what undoing an accept brings back)."""
        return History(list(self.batches), self.shown, dict(self.badges))
