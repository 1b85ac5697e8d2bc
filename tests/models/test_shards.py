"""Token shards for the GPU machine: whole works, within the byte budget, restored exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models import shards
from writer.errors import WriterError


def _token_file(path: Path, docs: int = 40, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    parts = [np.append(rng.integers(1, 8192, size=rng.integers(500, 3000)), 0) for _ in range(docs)]
    data = np.concatenate(parts).astype(np.uint16)
    data.tofile(path)
    return data


def test_pack_keeps_whole_works_within_the_budget_and_unpacks_exactly(tmp_path: Path) -> None:
    data = _token_file(tmp_path / "train.bin")
    budget = 40_000
    info = shards.pack(tmp_path / "train.bin", tmp_path / "train.bin.xz", budget=budget)
    assert (tmp_path / "train.bin.xz").stat().st_size <= budget
    assert 0 < info["documents"] < info["of_documents"] == 40
    tokens = shards.unpack(tmp_path / "train.bin.xz", tmp_path / "back.bin")
    back = np.fromfile(tmp_path / "back.bin", dtype=np.uint16)
    assert tokens == len(back) == info["tokens"] and back[-1] == 0
    originals = {d.tobytes() for d in shards.documents(data, 0)}
    assert all(d.tobytes() in originals for d in shards.documents(back, 0)), "only whole works travel"
    again = shards.pack(tmp_path / "train.bin", tmp_path / "again.xz", budget=budget)
    assert again == {**info, "bytes": again["bytes"]}, "the same works on every run"


def test_a_budget_too_small_for_any_whole_work_is_a_clear_error(tmp_path: Path) -> None:
    _token_file(tmp_path / "train.bin", docs=3)
    with pytest.raises(WriterError, match=r"no whole work of .* fits in 300 bytes"):
        shards.pack(tmp_path / "train.bin", tmp_path / "t.xz", budget=300)
