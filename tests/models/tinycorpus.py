"""A tiny Gutenberg-style corpus and recipes made by the tests, so the factory runs anywhere in seconds."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

WORDS = ("the ship moved slowly through the dark while captain franco watched the strange wub eat "
         "another bowl of corn and the crew wondered what the animal was thinking about in its "
         "quiet way miss elinor said that her sister had never been so happy as on that morning").split()


def _book(title: str, seed: int, paragraphs: int = 60) -> str:
    rng = random.Random(seed)
    paras = []
    for _ in range(paragraphs):
        sentences = []
        for _ in range(rng.randint(2, 5)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(6, 14))]
            sentences.append(" ".join(words).capitalize() + ".")
        text = " ".join(sentences)
        # hard-wrap at ~60 columns with CRLF, the way Gutenberg files are
        lines, line = [], ""
        for w in text.split():
            if len(line) + len(w) > 60:
                lines.append(line)
                line = w
            else:
                line = f"{line} {w}".strip()
        lines.append(line)
        paras.append("\r\n".join(lines))
    return ("\ufeffThe Project Gutenberg EBook of " + title + "\r\n\r\nLicence words here.\r\n\r\n"
            "*** START OF THIS PROJECT GUTENBERG EBOOK " + title.upper() + " ***\r\n\r\n"
            "Produced by volunteers\r\n\r\n" + "\r\n\r\n".join(paras) +
            "\r\n\r\n*** END OF THIS PROJECT GUTENBERG EBOOK " + title.upper() + " ***\r\n\r\nMore licence.\r\n")


def make_tiny_corpus(where: Path) -> Path:
    """Four small books (two general, two in the style) in Gutenberg's layout, with a MANIFEST, in ``where/corpora``."""
    root = where / "corpora"
    rows = ["file\tset\ttitle\tauthor\tgutenberg_id\tbytes\tsha256\tsource"]
    for i, (folder, title) in enumerate([("general", "A Sea Tale"), ("general", "Another Tale"),
                                         ("style", "The Wub Stories"), ("style", "More Wub Stories")]):
        path = root / folder / f"book{i}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = _book(title, i).encode("utf-8")
        path.write_bytes(data)
        rows.append(f"{folder}/book{i}.txt\t{folder}\t{title}\tA. Writer\t{1000 + i}\t{len(data)}\t"
                    f"{hashlib.sha256(data).hexdigest()}\ttest")
    (root / "MANIFEST.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root


def write_tiny_recipes(where: Path) -> dict[str, Path]:
    """A from-scratch base recipe and a fine-tune of it, each trained for a few thousand tokens."""
    base = where / "tinybase.toml"
    base.write_text("""
name = "tinybase"
[corpus]
sets = ["general"]
[tokenizer]
vocab_size = 300
[model]
n_layer = 2
n_head = 2
n_embd = 32
n_positions = 64
[train]
seq_len = 32
batch_size = 4
max_minutes = 5
max_tokens = 6000
eval_every = 10
eval_batches = 2
checkpoint_every = 20
warmup_steps = 5
bf16 = false
[evaluate]
sets = ["general"]  # the style corpus is prepared later, by the fine-tune
unseen = []
""", encoding="utf-8")
    tune = where / "tinystyle.toml"
    tune.write_text("""
name = "tinystyle"
[corpus]
sets = ["style"]
heldout_works = [1003]  # a whole work never trained on: validation and the unseen-work figure
replay_sets = ["general"]
replay_fraction = 0.2
[model]
base = "tinybase"
[train]
seq_len = 32
batch_size = 4
max_tokens = 3000
eval_every = 10
eval_batches = 2
warmup_steps = 2
bf16 = false
[evaluate]
sets = ["general", "style"]
unseen = ["{tune}"]
regimes = ["| regime | unseen | general |", "|---|---:|---:|", "| replay 20% | 1.0 | 1.0 |"]
""".replace("{tune}", tune.as_posix()), encoding="utf-8")
    return {"base": base, "style": tune}
