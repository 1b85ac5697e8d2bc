"""Model packs: folders holding an ONNX GPT-2, its tokenizer and a card a person can read.

Packs are found in the shipped ``resources/models/`` and in the user's models folder. A pack
with a missing or damaged file is still listed, marked unavailable with the reason naming the
file, so one broken pack never hides the others. A plain ``optimum-cli export onnx --task
text-generation-with-past`` folder (no card) is accepted too: its card is made up from
``config.json``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer, decoders, models, pre_tokenizers

from writer import paths
from writer.errors import WriterError
from writer.generation.sampler_settings import SamplerSettings
from writer.settings import Settings

MODEL_FILE = "model.onnx"
CONFIG_FILE = "config.json"
CARD_FILE = "card.json"
TOKENIZER_FILE = "tokenizer.json"
EOS = "<|endoftext|>"
ONNX_MIN_BYTES = 1024  # anything smaller cannot hold a GPT-2 graph: a truncated or empty file
HASHES_FILE = ".writer-hashes.json"  # SHA-256 of each file, written by `writer models add`
HASH_CACHE = "pack-hashes.json"  # in the data folder: hashes already computed, by path, size and mtime
#: Sane bounds for config.json: a pack outside them is damaged, and a huge context would try to
#: allocate its whole KV cache up front.
CONFIG_LIMITS = {"n_layer": 256, "n_head": 256, "n_embd": 65536, "vocab_size": 1 << 22, "n_positions": 1 << 17}

DEFAULT_SAMPLER: dict[str, Any] = {
    "temperature": 0.8, "top_k": 40, "top_p": 0.95, "repetition_penalty": 1.1, "max_new_tokens": 40,
}
_NAME_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass
class Pack:
    """One pack folder as found on disk; ``available`` is False (with ``reason``) when it cannot run."""

    name: str
    path: Path
    card: dict[str, Any]
    config: dict[str, Any] = field(default_factory=dict)
    available: bool = True
    reason: str = ""
    source: str = "shipped"  # or "user"

    @property
    def display_name(self) -> str:
        return str(self.card.get("display_name") or self.name)

    @property
    def base(self) -> str:
        return str(self.card.get("base") or "")

    @property
    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.path.rglob("*") if p.is_file())

    @property
    def sampler(self) -> dict[str, Any]:
        """The card's sampler preset, filled in with defaults for anything it leaves out."""
        preset = self.card.get("sampler")
        return {**DEFAULT_SAMPLER, **(preset if isinstance(preset, dict) else {})}

    @property
    def n_positions(self) -> int:
        return int(self.config.get("n_positions") or self.config.get("n_ctx") or 1024)

    @property
    def eos_token_id(self) -> int | None:
        value = self.config.get("eos_token_id")
        return int(value) if isinstance(value, int) else None

    def require_available(self) -> None:
        if not self.available:
            raise WriterError(f"Model pack '{self.name}' cannot be used: {self.reason}")


PackInfo = Pack  # the name the UI and the brief use for a listed pack


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise WriterError(f"{path.name} is missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WriterError(f"{path.name} is not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise WriterError(f"{path.name} does not hold a JSON object")
    return data


def display_name(folder: Path) -> str:
    """A pack's name as the app shows it, from its card alone (no tokenizer read): the folder's
    name when there is no usable card."""
    try:
        card = _read_json(folder / CARD_FILE)
    except WriterError:
        card = {}
    return Pack(folder.name, folder, card).display_name


def load_tokenizer(folder: Path) -> Tokenizer:
    """``tokenizer.json``, or GPT-2's older ``vocab.json`` + ``merges.txt`` pair."""
    tj = folder / TOKENIZER_FILE
    try:
        if tj.is_file():
            return Tokenizer.from_file(str(tj))
        vocab, merges = folder / "vocab.json", folder / "merges.txt"
        if vocab.is_file() and merges.is_file():
            tok = Tokenizer(models.BPE.from_file(str(vocab), str(merges)))
            tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
            tok.decoder = decoders.ByteLevel()
            return tok
    except Exception as exc:  # tokenizers raises plain Exception for bad files
        name = TOKENIZER_FILE if tj.is_file() else "vocab.json/merges.txt"
        raise WriterError(f"{name} could not be loaded ({str(exc).splitlines()[0][:200]})") from None
    raise WriterError(f"{TOKENIZER_FILE} is missing")


def synthesise_card(name: str, config: dict[str, Any], folder: Path) -> dict[str, Any]:
    """A card for a bare optimum export, so it lists and runs like any other pack."""
    arch = {
        "type": config.get("model_type", "gpt2"),
        "n_layer": config.get("n_layer"), "n_head": config.get("n_head"), "n_embd": config.get("n_embd"),
        "n_positions": config.get("n_positions"), "vocab_size": config.get("vocab_size"), "parameters": None,
    }
    return {
        "name": name, "display_name": name, "format": 1,
        "description": "A GPT-2 ONNX export without a card; details come from its config.json.",
        "architecture": arch, "base": str(config.get("_name_or_path") or "unknown"), "trained_here": False,
        "works": [], "sampler": dict(DEFAULT_SAMPLER),
        "files": {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()},
        "note": "No card.json: synthesised by Writer.",
    }


def _check(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (card, config) or raise ``WriterError`` naming the file that is wrong."""
    model = folder / MODEL_FILE
    if not model.is_file():
        raise WriterError(f"{MODEL_FILE} is missing")
    config = _checked_config(folder)
    card = _checked_card(folder, config)
    _check_model_size(model, card)
    _verify_hashes(folder, card)
    _check_tokenizer(folder, config)
    return card, config


def _checked_config(folder: Path) -> dict[str, Any]:
    """``config.json`` with the sizes the engine needs, each a whole number within its limit."""
    config = _read_json(folder / CONFIG_FILE)
    for key in ("n_layer", "n_head", "n_embd", "vocab_size"):
        if not isinstance(config.get(key), int):
            raise WriterError(f"{CONFIG_FILE} lacks '{key}'")
    for key, most in CONFIG_LIMITS.items():
        value = config.get(key)
        if key in config and value is not None and not (isinstance(value, int) and 1 <= value <= most):
            raise WriterError(f"{CONFIG_FILE}: '{key}' is {value!r}, not a whole number from 1 to {most:,}")
    return config


def _checked_card(folder: Path, config: dict[str, Any]) -> dict[str, Any]:
    """``card.json`` (or one synthesised from the config) whose tables and lists have their right shapes."""
    if (folder / CARD_FILE).exists():
        card = _read_json(folder / CARD_FILE)
    else:
        card = synthesise_card(folder.name, config, folder)
    for key, kind in (("architecture", dict), ("files", dict), ("sha256", dict), ("works", list),
                      ("evaluation", dict), ("samples", list)):
        if card.get(key) is not None and not isinstance(card[key], kind):
            raise WriterError(f"{CARD_FILE}: '{key}' must be a {'table' if kind is dict else 'list'}")
    _check_sampler(card.get("sampler"))
    return card


def _check_model_size(model: Path, card: dict[str, Any]) -> None:
    """A model file of the size its card records, and not a stub: a cheap catch for a cut-off download."""
    size = model.stat().st_size
    expected = card.get("files", {}).get(MODEL_FILE) if isinstance(card.get("files"), dict) else None
    if isinstance(expected, int) and expected != size:
        raise WriterError(f"{MODEL_FILE} is {size:,} bytes but the card says {expected:,} (truncated or replaced)")
    if size < ONNX_MIN_BYTES:
        raise WriterError(f"{MODEL_FILE} is only {size} bytes (truncated)")


def _check_tokenizer(folder: Path, config: dict[str, Any]) -> None:
    """A tokenizer with tokens, none of whose ids the model lacks."""
    tok = load_tokenizer(folder)
    if tok.get_vocab_size() == 0:
        raise WriterError(f"{TOKENIZER_FILE} has no tokens")
    if tok.get_vocab_size() > int(config["vocab_size"]):
        raise WriterError(f"{TOKENIZER_FILE} has {tok.get_vocab_size()} tokens but the model only "
                          f"{config['vocab_size']}")


def record_hashes(folder: Path) -> None:
    """Write each file's SHA-256 beside it, so a file garbled later (even at the same size) is noticed."""
    hashes = {p.relative_to(folder).as_posix(): _sha256(p) for p in sorted(folder.rglob("*"))
              if p.is_file() and p.name != HASHES_FILE}
    (folder / HASHES_FILE).write_text(json.dumps(hashes, indent=1), encoding="utf-8")


def expected_hashes(folder: Path, card: dict[str, Any]) -> dict[str, str]:
    """The hashes a pack's files must have: from its card's ``sha256`` table and from ``models add``."""
    expected = {str(k): str(v) for k, v in (card.get("sha256") or {}).items()}
    with contextlib.suppress(WriterError):
        expected.update({str(k): str(v) for k, v in _read_json(folder / HASHES_FILE).items()})
    return expected


def _verify_hashes(folder: Path, card: dict[str, Any]) -> None:
    """Compare each file with its recorded SHA-256, hashing only files whose size or mtime changed
    since the last check (the cache in the data folder), so listing packs stays quick."""
    expected = expected_hashes(folder, card)
    if not expected:
        return
    cache_file = paths.data_dir() / HASH_CACHE
    try:
        cache = json.loads(cache_file.read_text(encoding="utf-8"))
        cache = cache if isinstance(cache, dict) else {}
    except (OSError, ValueError):
        cache = {}
    changed = False
    try:
        for name, want in expected.items():
            path = folder / name
            try:
                stat = path.stat()
            except OSError:
                raise WriterError(f"{name} is missing") from None
            key = str(path.resolve())
            hit = cache.get(key)
            if isinstance(hit, list) and hit[:2] == [stat.st_size, stat.st_mtime_ns]:
                got = hit[2]
            else:
                got = _sha256(path)
                cache[key] = [stat.st_size, stat.st_mtime_ns, got]
                changed = True
            if got != want:
                raise WriterError(f"{name} is not the file this pack was made with (its SHA-256 differs: garbled "
                                  "or replaced); reinstall the pack")
    finally:
        if changed:
            with contextlib.suppress(OSError):
                tmp = cache_file.with_name(cache_file.name + ".tmp")
                tmp.write_text(json.dumps(cache), encoding="utf-8")
                os.replace(tmp, cache_file)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_sampler(preset: Any) -> None:
    """A card's sampler preset must make valid settings: a pack whose preset fails is unavailable, with why."""
    if preset is None:
        return
    if not isinstance(preset, dict):
        raise WriterError(f"{CARD_FILE}: 'sampler' must be a table of settings")
    try:
        SamplerSettings.from_dict(preset)
    except (TypeError, ValueError) as exc:
        raise WriterError(f"{CARD_FILE}: a 'sampler' value is not a number ({exc})") from None
    except WriterError as exc:
        raise WriterError(f"{CARD_FILE}: 'sampler' {exc}") from None


def open_pack(folder: Path, source: str = "user") -> Pack:
    """Inspect one folder; never raises for a damaged pack, it comes back unavailable instead."""
    folder = Path(folder)
    try:
        card, config = _check(folder)
    except WriterError as exc:
        card = {"name": folder.name}
        with contextlib.suppress(WriterError):
            card = _read_json(folder / CARD_FILE)
        return Pack(folder.name, folder, card, available=False, reason=str(exc), source=source)
    return Pack(folder.name, folder, card, config, source=source)


def _pack_dirs() -> list[tuple[Path, str]]:
    roots: list[tuple[Path, str]] = []
    with contextlib.suppress(FileNotFoundError):
        roots.append((paths.resources_dir() / "models", "shipped"))
    roots.append((paths.data_dir() / "models", "user"))  # not created: listing must work on a read-only disk
    return roots


def _pack_folders() -> list[tuple[Path, str]]:
    """Every pack's folder and source, shipped first; a user pack with a shipped pack's name is
    shadowed by the shipped one."""
    found: dict[str, tuple[Path, str]] = {}
    for root, source in _pack_dirs():
        if not root.is_dir():
            continue
        for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            found.setdefault(folder.name, (folder, source))
    return list(found.values())


def discover() -> list[Pack]:
    """Every pack, checked (model size, hashes, tokenizer): tens of ms, for a worker thread."""
    return [open_pack(folder, source) for folder, source in _pack_folders()]


def display_names() -> dict[str, str]:
    """Name → display name of every pack, from the cards alone: cheap enough for the GUI thread."""
    return {folder.name: display_name(folder) for folder, _ in _pack_folders()}


def find(name: str) -> Pack:
    """The pack called ``name``; a ``WriterError`` listing the known names when there is none."""
    packs = discover()
    for pack in packs:
        if pack.name == name:
            return pack
    known = ", ".join(p.name for p in packs) or "none installed"
    raise WriterError(f"No model pack called '{name}' (known: {known}).")


def add_pack(source: Path, name: str | None = None) -> Pack:
    """Validate ``source`` fully (the model must load), then copy it into the user models folder."""
    source = Path(source).expanduser()
    try:
        is_folder = source.is_dir()
    except OSError as exc:  # a name too long for the file system
        raise WriterError(f"{source} cannot be read ({exc.strerror or exc}).") from None
    if not is_folder:
        raise WriterError(f"{source} is not a folder; a model pack is a folder holding {MODEL_FILE}.")
    name = name or source.name
    if not _NAME_OK.match(name):
        raise WriterError(f"'{name}' is not a usable pack name (letters, digits, '.', '_' or '-').")
    if any(p.name == name for p in discover()):
        raise WriterError(f"A model pack called '{name}' already exists; pass --name to add it under another name.")
    pack = open_pack(source)
    if not pack.available:
        raise WriterError(f"{source} is not a usable model pack: {pack.reason}")
    from writer.generation.engine import Engine

    Engine(pack, threads=1).load()  # raises a WriterError naming the file when the graph is broken
    dest = paths.user_models_dir() / name
    try:
        tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=dest.parent))
    except OSError as exc:
        raise WriterError(f"Cannot add the pack to {dest.parent} ({exc.strerror or exc}).") from None
    try:
        shutil.copytree(source, tmp, dirs_exist_ok=True)
        record_hashes(tmp)
        tmp.rename(dest)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, shutil.Error):  # copytree gathers one error per file: the first says why
            first = exc.args[0][0] if exc.args and isinstance(exc.args[0], list) and exc.args[0] else None
            exc = OSError(str(first[2]) if first else str(exc))
        if isinstance(exc, OSError):
            raise WriterError(f"Cannot copy the pack into {dest.parent} ({exc.strerror or exc}); nothing was "
                              "added. Free some space and try again.") from None
        raise
    return open_pack(dest, "user")


def remove_pack(name: str, settings: Settings | None = None) -> Path:
    """Delete a user pack's folder (shipped packs cannot be removed); returns the folder removed.

    The folder is looked up among the user's packs directly, so a pack hidden behind a shipped
    pack of the same name can still be removed. It is renamed aside first and then deleted: a
    pack half-removed by a crash is a hidden folder that :func:`discover` skips. With ``settings``,
    suggestions stop pointing at a default pack that is gone (saved at once).
    """
    if not _NAME_OK.match(name):
        raise WriterError(f"None of your model packs is called '{name}'.")
    folder = paths.user_models_dir() / name
    if not folder.is_dir():
        if (paths.resources_dir() / "models" / name).is_dir():
            raise WriterError(f"'{display_name(paths.resources_dir() / 'models' / name)}' ships with Writer "
                              "and cannot be removed.")
        raise WriterError(f"None of your model packs is called '{name}'.")
    aside = folder.with_name(f".removing-{folder.name}-{os.getpid()}")
    try:
        folder.rename(aside)
    except OSError as exc:
        raise WriterError(f"Could not remove {folder}: {exc.strerror or exc}") from None
    shutil.rmtree(aside, ignore_errors=True)
    if settings is not None and settings.get("suggest.default_model") == name:
        settings.reset("suggest.default_model")
        settings.save()
    return folder
