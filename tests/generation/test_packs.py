"""Finding packs, and damaged packs listed as unavailable with the file to blame."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tinypack import install

from writer import paths
from writer.errors import WriterError
from writer.generation import packs
from writer.generation.engine import Engine

pytestmark = pytest.mark.train


def _by_name() -> dict[str, packs.Pack]:
    return {p.name: p for p in packs.discover()}


def _edit_card(folder: Path, **changes: object) -> None:
    card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
    (folder / "card.json").write_text(json.dumps({**card, **changes}), encoding="utf-8")


def test_damaged_files_make_only_that_pack_unavailable(tiny_pack: packs.Pack, tiny_build: dict[str, Path]) -> None:
    broken = {
        "no-model": lambda d: (d / "model.onnx").unlink(),
        "bad-config": lambda d: (d / "config.json").write_text("{not json", encoding="utf-8"),
        "bad-card": lambda d: (d / "card.json").write_text("[1, 2", encoding="utf-8"),
        "bad-tokenizer": lambda d: (d / "tokenizer.json").write_text('{"model": 3}', encoding="utf-8"),
        "truncated": lambda d: (d / "model.onnx").write_bytes((d / "model.onnx").read_bytes()[:5000]),
        "bad-sampler": lambda d: _edit_card(d, sampler={"temperature": "warm"}),
        "out-of-range-sampler": lambda d: _edit_card(d, sampler={"top_p": 3}),
    }
    for name, damage in broken.items():
        dest = install(tiny_pack.path, name)
        damage(dest)
    found = _by_name()
    assert found["tiny"].available
    expected_file = {"no-model": "model.onnx", "bad-config": "config.json", "bad-card": "card.json",
                     "bad-tokenizer": "tokenizer.json", "truncated": "model.onnx", "bad-sampler": "card.json",
                     "out-of-range-sampler": "card.json"}
    for name, file in expected_file.items():
        assert not found[name].available, name
        assert file in found[name].reason, (name, found[name].reason)
    with pytest.raises(WriterError, match="truncated"):
        found["truncated"].require_available()
    # the good pack still generates after the broken ones were looked at
    assert Engine(found["tiny"], threads=1).generate("The quick", n=1, seed=1).texts


def test_truncated_model_without_card_fails_to_load_with_the_file_named(tiny_build: dict[str, Path]) -> None:
    dest = install(tiny_build["fp32"], "cut")
    data = (dest / "model.onnx").read_bytes()
    (dest / "model.onnx").write_bytes(data[: len(data) // 2])
    pack = packs.find("cut")
    with pytest.raises(WriterError, match=r"'cut'.*model\.onnx"):
        Engine(pack, threads=1).load()
    with pytest.raises(WriterError, match=r"model\.onnx"):
        packs.add_pack(dest, "cut2")
    assert not (paths.user_models_dir() / "cut2").exists()


def test_plain_optimum_export_is_accepted_with_a_card_made_from_its_config(tiny_build: dict[str, Path]) -> None:
    raw = tiny_build["raw"]
    assert not (raw / "card.json").exists()
    pack = packs.add_pack(raw, "exported")
    assert pack.available, pack.reason
    assert pack.source == "user"
    assert pack.card["architecture"]["n_layer"] == 2
    assert pack.card["architecture"]["n_embd"] == 64
    assert pack.card["sampler"]["max_new_tokens"] > 0
    assert (paths.user_models_dir() / "exported" / "model.onnx").is_file()
    result = Engine(pack, threads=1).generate("Is it raining?", n=2, seed=3)
    assert len(result.texts) == 2


def test_add_refuses_duplicates_and_non_packs(tiny_pack: packs.Pack, tmp_path: Path) -> None:
    with pytest.raises(WriterError, match="already exists"):
        packs.add_pack(tiny_pack.path)
    with pytest.raises(WriterError, match="not a folder"):
        packs.add_pack(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(WriterError, match=r"model\.onnx is missing"):
        packs.add_pack(tmp_path / "empty")


def test_unknown_pack_name_lists_the_known_ones(tiny_pack: packs.Pack) -> None:
    with pytest.raises(WriterError, match="tiny"):
        packs.find("no-such-pack")


def test_card_sampler_preset_is_used(tiny_pack: packs.Pack) -> None:
    assert tiny_pack.sampler["max_new_tokens"] == 12
    assert json.loads((tiny_pack.path / "card.json").read_text())["display_name"] == tiny_pack.display_name


def test_shipped_packs_are_available() -> None:
    root = paths.resources_dir() / "models"
    shipped = [p for p in packs.discover() if p.source == "shipped"]
    if not shipped:
        pytest.skip(f"no packs in {root} yet")
    for pack in shipped:
        assert pack.available, f"{pack.name}: {pack.reason}"
        assert pack.n_positions >= 128


def test_shipped_packs_record_their_hashes_so_a_garbled_model_is_caught(tmp_path: Path) -> None:
    import shutil

    from writer.generation.packs import open_pack

    shipped = paths.resources_dir() / "models" / "pkd"
    if not (shipped / "model.onnx").is_file():
        pytest.skip("the shipped packs are not in resources/models")
    copy = tmp_path / "pkd"
    shutil.copytree(shipped, copy)
    assert open_pack(copy).available
    data = bytearray((copy / "model.onnx").read_bytes())
    data[len(data) // 2] ^= 0xFF  # one byte flipped: same size, same name
    (copy / "model.onnx").write_bytes(bytes(data))
    pack = open_pack(copy)
    assert not pack.available and "SHA-256 differs" in pack.reason
