"""What the pack weighed at each token of a suggestion, for the token view.

A writer who hovers a word wants to know how sure the model was and what else it considered;
clicking one of those alternatives regenerates the rest of the suggestion from there. The
probabilities are the pack's own (its softmax before temperature, penalties or healing
constraints), so they are comparable across suggestions and packs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alternative:
    """One token the pack considered at a point, with its probability."""

    text: str
    prob: float


@dataclass(frozen=True)
class TokenInfo:
    """One token of a shown suggestion.

    ``start`` is the character offset of ``text`` in the suggestion's text; a row's tokens joined
    give exactly that text (a healed token's part before the cursor is not shown, so its
    ``text`` holds only what follows the cursor). ``alternatives`` are the pack's top choices at
    that point, most likely first (the chosen token may be among them).
    """

    text: str
    start: int
    prob: float
    alternatives: tuple[Alternative, ...]

    def as_dict(self) -> dict[str, object]:
        return {"text": self.text, "start": self.start, "prob": self.prob,
                "alternatives": [{"text": a.text, "prob": a.prob} for a in self.alternatives]}
