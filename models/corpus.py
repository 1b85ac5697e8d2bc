"""Step 1: turn Project Gutenberg files into clean training and held-out text.

Files are found by Gutenberg id and checked by sha256 against the corpus MANIFEST, so a
recipe always trains on exactly the books it names. Cleaning strips the PG header, footer
and licence, the BOM and CRLFs, and re-joins hard-wrapped lines into paragraphs.
The held-out part is whole blocks of consecutive paragraphs (chapter-sized), so evaluation
text is never interleaved with training text.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from models.clean import KINDS, clean_paragraphs
from writer.errors import WriterError

EOS = "<|endoftext|>"
_START = re.compile(r"^\*\*\*\s*START OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_END = re.compile(r"^\*\*\*\s*END OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_END_FALLBACK = re.compile(r"^End of (the )?Project Gutenberg", re.M | re.I)
BLOCK_WORDS = 2000  # size of a held-out unit: about a short chapter


@dataclass(frozen=True)
class Work:
    """One book of a corpus, as the MANIFEST describes it."""

    file: str
    set: str
    title: str
    author: str
    gutenberg_id: int
    bytes: int
    sha256: str


def default_corpus_dir() -> Path:
    """``$WRITER_CORPORA``, else ``../shared/corpora`` beside the checkout."""
    if os.environ.get("WRITER_CORPORA"):
        return Path(os.environ["WRITER_CORPORA"])
    return Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"


def load_manifest(corpus_dir: Path) -> list[Work]:
    manifest = corpus_dir / "MANIFEST.tsv"
    if not manifest.is_file():
        raise WriterError(f"no corpus MANIFEST.tsv in {corpus_dir} (use --corpus-dir)")
    works = []
    try:
        with manifest.open(encoding="utf-8", newline="") as fh:
            for line, r in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
                try:
                    works.append(Work(r["file"], r["set"], r["title"], r["author"], int(r["gutenberg_id"]),
                                      int(r["bytes"]), r["sha256"]))
                except (KeyError, TypeError, ValueError) as exc:
                    raise WriterError(f"{manifest}, line {line}: a row needs file, set, title, author, "
                                      f"gutenberg_id (a number), bytes (a number) and sha256 ({exc!r})") from None
    except UnicodeDecodeError as exc:
        raise WriterError(f"{manifest} is not UTF-8 text (byte offset {exc.start})") from None
    return works


def select_works(manifest: list[Work], *, sets: Iterable[str] = (), ids: Iterable[int] = ()) -> list[Work]:
    """The works of the named sets plus the named Gutenberg ids, in manifest order."""
    sets, ids = set(sets), set(ids)
    known = {w.gutenberg_id for w in manifest}
    missing = ids - known
    if missing:
        raise WriterError(f"Gutenberg id(s) not in the corpus manifest: {sorted(missing)}")
    unknown_sets = sets - {w.set for w in manifest}
    if unknown_sets:
        raise WriterError(f"unknown corpus set(s) {sorted(unknown_sets)}; "
                          f"known: {sorted({w.set for w in manifest})}")
    chosen = [w for w in manifest if w.set in sets or w.gutenberg_id in ids]
    if not chosen:
        raise WriterError("the recipe selects no corpus files")
    return chosen


def read_work(corpus_dir: Path, work: Work) -> str:
    """The file's text, after checking it is exactly the file the manifest names."""
    path = corpus_dir / work.file
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise WriterError(f"corpus file missing: {path} ({work.title}, PG #{work.gutenberg_id})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != work.sha256:
        raise WriterError(f"corpus file altered: {path} has sha256 {digest[:12]}…, "
                          f"the manifest expects {work.sha256[:12]}…")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WriterError(f"corpus file is not UTF-8: {path} ({exc})") from None


def strip_gutenberg(text: str) -> str:
    """The book between the PG START and END markers, without the producers' notes."""
    start = _START.search(text)
    begin = start.end() if start else 0
    ends = [m.start() for pat in (_END, _END_FALLBACK) for m in pat.finditer(text) if m.start() > begin]
    return text[begin:min(ends, default=len(text))]


def paragraphs(text: str) -> list[str]:
    """Normalised paragraphs: no BOM or CR, hard-wrapped lines joined, italics markers dropped."""
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        para = " ".join(lines)
        para = re.sub(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)", r"\1", para)
        para = re.sub(r"[ \t]+", " ", para).strip()
        out.append(para)
    return out


def clean_counted(text: str) -> tuple[list[str], dict[str, int]]:
    """The work's prose paragraphs (see :mod:`models.clean`) and what was removed, by kind."""
    paras, removed = clean_paragraphs(paragraphs(strip_gutenberg(text)))
    return paras, {k: removed[k] for k in KINDS if removed[k]}


def clean(text: str) -> list[str]:
    """The work's prose paragraphs, without Gutenberg's and the printers' additions."""
    return clean_counted(text)[0]


def split_blocks(paras: list[str], block_words: int = BLOCK_WORDS) -> list[list[str]]:
    """Consecutive paragraphs grouped into blocks of about ``block_words`` words."""
    blocks: list[list[str]] = [[]]
    count = 0
    for para in paras:
        blocks[-1].append(para)
        count += len(para.split())
        if count >= block_words:
            blocks.append([])
            count = 0
    return [b for b in blocks if b]


def is_heldout(work: Work, index: int, fraction: float) -> bool:
    """A stable choice of blocks: the same block is held out on every machine and run."""
    h = int.from_bytes(hashlib.sha256(f"{work.gutenberg_id}:{index}".encode()).digest()[:8], "big")
    return h / 2**64 < fraction


def prepare(corpus_dir: Path, works: list[Work], out_dir: Path, *, heldout: float = 0.05) -> dict:
    """Write ``train.txt``, ``eval.txt`` and ``works.json`` into ``out_dir``.

    Works are separated by the end-of-text token in both files; paragraphs by a blank line.
    Blocks are chapter-sized (a twentieth of a short story), and every work with at least two
    blocks gives at least one held-out block, so every work is represented in evaluation.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stats = []
    with (out_dir / "train.txt").open("w", encoding="utf-8") as train, \
            (out_dir / "eval.txt").open("w", encoding="utf-8") as held:
        for work in works:
            paras = clean(read_work(corpus_dir, work))
            words = sum(len(p.split()) for p in paras)
            blocks = split_blocks(paras, max(200, min(BLOCK_WORDS, words // 20)))
            chosen = [is_heldout(work, i, heldout) for i in range(len(blocks))]
            if len(blocks) >= 2 and not any(chosen):
                chosen[len(blocks) // 2] = True
            parts = {True: [], False: []}
            for block, pick in zip(blocks, chosen, strict=True):
                parts[pick].append("\n\n".join(block))
            for fh, key in ((train, False), (held, True)):
                if parts[key]:
                    fh.write("\n\n".join(parts[key]) + "\n" + EOS + "\n")
            stats.append({**asdict(work), "train_words": sum(len(p.split()) for p in parts[False]),
                          "heldout_words": sum(len(p.split()) for p in parts[True])})
    info = {"works": stats, "heldout_fraction": heldout}
    (out_dir / "works.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def iter_documents(path: Path) -> Iterable[str]:
    """The works of a prepared text file, split on the end-of-text token."""
    text = path.read_text(encoding="utf-8")
    for doc in text.split(EOS):
        if doc.strip():
            yield doc.strip("\n")
