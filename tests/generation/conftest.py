"""Fixtures: the tiny test packs (built once per process) and the shipped default packs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinypack import build, install

from writer import paths


@pytest.fixture(scope="session")
def tiny_build() -> dict[str, Path]:
    for module in ("torch", "transformers", "optimum.exporters.onnx"):
        pytest.importorskip(module)
    return build()


@pytest.fixture
def tiny_pack(tiny_build: dict[str, Path]):
    """The int8 tiny pack, installed as 'tiny' with a card (sizes and sampler preset)."""
    from writer.generation import packs

    dest = install(tiny_build["int8"], "tiny")
    card = {"name": "tiny", "display_name": "Tiny test", "format": 1, "base": "none",
            "files": {p.name: p.stat().st_size for p in dest.iterdir()},
            "sampler": {"temperature": 1.0, "top_k": 0, "top_p": 1.0, "repetition_penalty": 1.0,
                        "max_new_tokens": 12}}
    (dest / "card.json").write_text(json.dumps(card), encoding="utf-8")
    return packs.find("tiny")


@pytest.fixture
def fp32_pack(tiny_build: dict[str, Path]):
    from writer.generation import packs

    install(tiny_build["fp32"], "tiny32")
    return packs.find("tiny32")


@pytest.fixture
def shipped_pack():
    """The shipped vanilla pack, once the model factory has delivered it."""
    from writer.generation import packs

    folder = paths.resources_dir() / "models" / "vanilla"
    if not (folder / "model.onnx").is_file():
        pytest.skip("the default packs are not in resources/models yet")
    pack = packs.open_pack(folder, "shipped")
    if not pack.available:
        pytest.fail(f"shipped pack unavailable: {pack.reason}")
    return pack
