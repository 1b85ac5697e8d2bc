"""The sampler's settings: no numpy here, so the UI can show and validate them without loading it."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from writer.errors import WriterError


@dataclass(frozen=True)
class SamplerSettings:
    """How adventurous the continuations are; ``temperature`` 0 means always the likeliest token."""

    temperature: float = 0.8
    top_k: int = 40
    top_p: float = 0.95
    repetition_penalty: float = 1.1
    max_new_tokens: int = 40

    def __post_init__(self) -> None:
        if not 0 <= self.temperature <= 5:
            raise WriterError(f"temperature must be between 0 and 5, not {self.temperature}")
        if self.top_k < 0:
            raise WriterError(f"top-k must be 0 (off) or more, not {self.top_k}")
        if not 0 < self.top_p <= 1:
            raise WriterError(f"top-p must be above 0 and at most 1, not {self.top_p}")
        if not 0 < self.repetition_penalty <= 10:
            raise WriterError(f"repetition penalty must be above 0 and at most 10, not {self.repetition_penalty}")
        if self.max_new_tokens < 1:
            raise WriterError(f"max new tokens must be at least 1, not {self.max_new_tokens}")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SamplerSettings:
        """From a card's ``sampler`` block; unknown keys are ignored, values coerced."""
        known = {f.name: f.type for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key in known and value is not None:
                kwargs[key] = int(value) if key in ("top_k", "max_new_tokens") else float(value)
        return cls(**kwargs)

    def with_overrides(self, **overrides: Any) -> SamplerSettings:
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
