"""A style pack from a writer's own texts: the factory's chain, started on their files.

``writer models train NAME --from FILES…`` (and the app's Models window) land here. The files
become a corpus folder with its own manifest, so the factory's steps run unchanged: the same
cleaning, the same whole-work validation (when there are two or more files, the ones picked as
unseen are never trained on and training early-stops on them), the base pack's tokenizer, export,
int8, a copy index and a card. The base is a shipped or user pack, rebuilt into PyTorch by
:mod:`models.frompack` (or a folder holding a PyTorch GPT-2 with its ``tokenizer.json``).

Everything lives in ``<data>/training/NAME/``; running the same command again resumes from the
last checkpoint, and the finished pack is installed into the user's packs.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from models.recipe import load_recipe
from writer import paths
from writer.errors import WriterError

#: Synthetic "Gutenberg ids" for a writer's files: far above any real one.
FIRST_ID = 2_000_000_000
#: Share of the words held out as whole files to judge style on (when there are two or more files).
UNSEEN_SHARE = 0.15
MAX_UNSEEN_SHARE = 0.35
SUFFIXES = (".txt", ".md", ".markdown", ".text")
STEPS = ("corpus", "tokenizer", "tokenize", "train", "export", "optimize", "index", "card")
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_NAME_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

Progress = Callable[[dict[str, Any]], None]


def training_dir(name: str) -> Path:
    return paths.training_dir() / name


def collect(sources: Sequence[Path]) -> list[Path]:
    """The text files named, or found in the folders named (sorted, so the choice is repeatable)."""
    found: list[Path] = []
    for source in sources:
        source = Path(source).expanduser()
        if source.is_dir():
            found += sorted(p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
        elif source.is_file():
            found.append(source)
        else:
            raise WriterError(f"{source} does not exist.")
    if not found:
        raise WriterError("No text files to train on (.txt or .md files, or folders holding them).")
    return found


def _text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # old files from a word processor: every byte is some letter
    return _FRONT_MATTER.sub("", text.replace("\r\n", "\n"))


def make_corpus(files: Sequence[Path], set_name: str, dest: Path) -> list[dict[str, Any]]:
    """Copy ``files`` (as UTF-8, front matter dropped) into ``dest`` with a factory manifest; the rows."""
    (dest / set_name).mkdir(parents=True, exist_ok=True)
    rows = []
    for i, path in enumerate(files):
        data = _text(path).encode("utf-8")
        rel = f"{set_name}/{i + 1:04d}-{re.sub(r'[^A-Za-z0-9._-]+', '-', path.stem)[:60]}.txt"
        (dest / rel).write_bytes(data)
        rows.append({"file": rel, "set": set_name, "title": path.stem, "author": "you",
                     "gutenberg_id": FIRST_ID + i, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                     "source": str(path), "words": len(data.split())})
    header = "file\tset\ttitle\tauthor\tgutenberg_id\tbytes\tsha256\tsource\n"
    body = "".join("\t".join(str(r[k]).replace("\t", " ") for k in ("file", "set", "title", "author",
                                                                    "gutenberg_id", "bytes", "sha256", "source"))
                   + "\n" for r in rows)
    (dest / "MANIFEST.tsv").write_text(header + body, encoding="utf-8")
    return rows


def choose_unseen(rows: Sequence[dict[str, Any]], share: float = UNSEEN_SHARE) -> list[int]:
    """Whole files to hold out, about ``share`` of the words: the smallest files first, never all of them,
    none when there is only one file (then the in-book blocks judge training)."""
    if len(rows) < 2:
        return []
    total = sum(r["words"] for r in rows)
    chosen, words = [], 0
    for row in sorted(rows, key=lambda r: (r["words"], r["gutenberg_id"])):
        if words >= share * total or len(chosen) == len(rows) - 1:
            break
        if chosen and words + row["words"] > MAX_UNSEEN_SHARE * total:
            break  # one more file would take too much from training: judge on what is held out already
        chosen.append(row["gutenberg_id"])
        words += row["words"]
    return chosen


def base_model(base: str, work: Path) -> Path:
    """A folder with the base as a PyTorch GPT-2 and its tokenizer: a folder given as is, or a pack rebuilt."""
    given = Path(base).expanduser()
    if (given / "config.json").is_file() and (given / "tokenizer.json").is_file() \
            and any(given.glob("*.safetensors")):
        return given
    from models.frompack import rebuild
    from writer.generation.packs import find

    pack = find(base)
    pack.require_available()
    out = work / "base"
    if not (out / "model" / "config.json").is_file():
        rebuild(pack.path, out)
    shutil.copyfile(out / "tokenizer.json", out / "model" / "tokenizer.json")  # the tokenizer step looks there
    return out / "model"


def write_recipe(name: str, base: str, base_dir: Path, unseen: list[int], work: Path, *, max_minutes: float,
                 display_name: str = "") -> Path:
    """The recipe of this pack, kept in its training folder (a rerun resumes with it)."""
    import tomli_w

    config = json.loads((base_dir / "config.json").read_text(encoding="utf-8"))
    seq_len = min(256, int(config.get("n_positions") or 256))
    recipe: dict[str, Any] = {
        "name": name, "display_name": display_name or name,
        "description": f"Your own style pack: {base} fine-tuned on this computer on texts you chose.",
        "corpus": {"sets": [name], "heldout_works": unseen},
        "model": {"base": str(base_dir)},
        "train": {"lr": 3e-4, "min_lr": 3e-5, "warmup_steps": 20, "max_minutes": float(max_minutes),
                  "seq_len": seq_len, "batch_size": 8, "eval_every": 25, "eval_batches": 8,
                  "checkpoint_every": 25, "patience": 4},
        "evaluate": {"sets": [name], "unseen": [str(work / "recipe.toml")] if unseen else [], "regimes": []},
        "index": {"mode": "exact"},
        # a pack tuned for minutes from an int8-rebuilt base loses a little more to int8 than the shipped
        # ones; its card records both losses
        "export": {"int8_gate": 0.05},
    }
    path = work / "recipe.toml"
    path.write_text(tomli_w.dumps(recipe), encoding="utf-8")
    load_recipe(path)  # the factory's own check of every key
    return path


def train_pack(name: str, sources: Sequence[Path], *, base: str = "vanilla", max_minutes: float = 15.0,
               display_name: str = "", cpu: bool = True, progress: Progress | None = None) -> Path:
    """Build (or resume building) the pack ``name`` from ``sources``; returns the installed pack folder."""
    from models import build

    if not _NAME_OK.match(name):
        raise WriterError(f"'{name}' is not a usable pack name (letters, digits, '.', '_' or '-').")
    target = paths.user_models_dir() / name
    if target.exists():
        raise WriterError(f"You already have a model pack called '{name}'; choose another name or remove it.")
    work = training_dir(name)
    work.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda event: None)
    corpus_dir, runs = work / "corpus", work / "runs"
    recipe_path = work / "recipe.toml"
    if not recipe_path.is_file():  # a first run; a rerun keeps its files, split and settings
        files = collect(sources)
        rows = make_corpus(files, name, corpus_dir)
        say({"event": "corpus", "files": len(rows), "words": sum(r["words"] for r in rows)})
        write_recipe(name, base, base_model(base, work), choose_unseen(rows), work, max_minutes=max_minutes,
                     display_name=display_name)
    recipe = load_recipe(recipe_path)
    rd = build.run_dir(recipe, runs)
    for step in STEPS:
        say({"event": "step", "step": step})
        build.run_step(step, recipe, rd, corpus_dir=corpus_dir, runs_dir=runs, pack_dir=target,
                       max_minutes=max_minutes, cpu=cpu, on_progress=say)
    card = _compare_with_base(target, base, recipe_path, corpus_dir)
    say({"event": "done", "pack": str(target), "evaluation": card.get("evaluation", {}),
         "evaluation_unseen": card.get("evaluation_unseen", {}), "base_unseen": card.get("base_unseen", {})})
    return target


def _compare_with_base(pack: Path, base: str, recipe_path: Path, corpus_dir: Path) -> dict[str, Any]:
    """Put the base's perplexity on the same unseen files on the card: the figure that says whether
    the pack learned the style (lower than its base) or only the texts."""
    from models.card import unseen_text
    from writer.generation.packs import find
    from writer.generation.perplexity import score_text

    card = json.loads((pack / "card.json").read_text(encoding="utf-8"))
    text, titles, _ = unseen_text(str(recipe_path), corpus_dir)
    try:
        base_pack = find(base)
    except WriterError:
        return card  # a base given as a PyTorch folder has no pack to score
    card["base"] = base_pack.name  # the pack it grew from, not the folder it was rebuilt into
    if text:
        scores = score_text(base_pack, text)
        card["base_unseen"] = {"base": base_pack.name, "perplexity": round(float(scores["perplexity"]), 4),
                               "tokens": scores["tokens"], "works": titles}
    (pack / "card.json").write_text(json.dumps(card, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return card
