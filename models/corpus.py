"""Step 1: turn Project Gutenberg files into clean training, validation and held-out text.

Files are found by Gutenberg id and checked by sha256 against the corpus MANIFEST, so a
recipe always trains on exactly the books it names. Cleaning strips the PG header, footer
and licence, the BOM and CRLFs, re-joins hard-wrapped lines into paragraphs and removes
what is not the author's prose (:mod:`models.clean`). Validation is whole works never
trained on (``corpus.heldout_works``); the in-book held-out part is whole blocks of
consecutive paragraphs (chapter-sized), so evaluation text is never interleaved with training text.
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


def replay_blocks(corpus_dir: Path, works: list[Work], words: int, seed: str = "replay") -> list[str]:
    """About ``words`` words of whole blocks drawn evenly from ``works``, the same on every run.

    Replay mixes the base's own kind of text into a fine-tune so that it learns the author's
    manner without forgetting general English (the general-text penalty) or over-fitting the
    few books it has.
    """
    if words <= 0 or not works:
        return []
    pool, size = [], max(50, min(400, words // 20))  # blocks of a few paragraphs: many works, each a little
    for work in works:
        for i, block in enumerate(split_blocks(clean(read_work(corpus_dir, work)), size)):
            rank = hashlib.sha256(f"{seed}:{work.gutenberg_id}:{i}".encode()).digest()[:8]
            pool.append((rank, "\n\n".join(block)))
    pool.sort()
    out, count = [], 0
    for _, text in pool:
        if count >= words:
            break
        out.append(text)
        count += len(text.split())
    return out


def prepare(corpus_dir: Path, works: list[Work], out_dir: Path, *, heldout: float = 0.05,
            heldout_works: Iterable[int] = (), replay: list[Work] | None = None,
            replay_fraction: float = 0.0, log: bool = False) -> dict:
    """Write ``train.txt``, ``eval.txt``, ``valid.txt`` and ``works.json`` into ``out_dir``.

    ``valid.txt`` holds the ``heldout_works`` whole: works never trained on, the honest measure
    of style (and what training early-stops on). ``eval.txt`` holds chapter-sized blocks held
    out *inside* the training works, which share their names and plots: a second, kinder
    figure. Works are separated by the end-of-text token; paragraphs by a blank line. Every
    training work with at least two blocks gives at least one in-book block. ``replay`` works
    add ``replay_fraction`` of the training text as whole blocks of general prose.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    unseen = set(heldout_works)
    if not 0.0 <= replay_fraction < 1.0:
        raise WriterError(f"corpus.replay_fraction must be at least 0 and below 1, not {replay_fraction}")
    stats = []
    with (out_dir / "train.txt").open("w", encoding="utf-8") as train, \
            (out_dir / "eval.txt").open("w", encoding="utf-8") as held, \
            (out_dir / "valid.txt").open("w", encoding="utf-8") as valid:
        for work in works:
            paras, removed = clean_counted(read_work(corpus_dir, work))
            words = sum(len(p.split()) for p in paras)
            if log:
                print(f"  {work.title[:40]} (PG #{work.gutenberg_id}): {words:,} words kept; removed "
                      + (", ".join(f"{n} {k}" for k, n in removed.items()) or "nothing"), flush=True)
            if work.gutenberg_id in unseen:
                valid.write("\n\n".join(paras) + "\n" + EOS + "\n")
                stats.append({**asdict(work), "train_words": 0, "heldout_words": 0, "unseen_words": words,
                              "removed": removed})
                continue
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
                          "heldout_words": sum(len(p.split()) for p in parts[True]), "unseen_words": 0,
                          "removed": removed})
        own = sum(w["train_words"] for w in stats)
        extra = replay_blocks(corpus_dir, [w for w in (replay or []) if w.gutenberg_id not in unseen],
                              round(own * replay_fraction / (1 - replay_fraction)) if replay_fraction else 0)
        for text in extra:
            train.write(text + "\n" + EOS + "\n")
    missing = unseen - {w.gutenberg_id for w in works}
    if missing:
        raise WriterError(f"corpus.heldout_works names works the recipe does not select: {sorted(missing)} "
                          "(add their set or id to corpus.sets / corpus.ids)")
    info = {"works": stats, "heldout_fraction": heldout, "heldout_works": sorted(unseen),
            "replay_words": sum(len(t.split()) for t in extra), "replay_fraction": replay_fraction}
    (out_dir / "works.json").write_text(json.dumps(info, indent=1), encoding="utf-8")
    return info


def iter_documents(path: Path) -> Iterable[str]:
    """The works of a prepared text file, split on the end-of-text token."""
    text = path.read_text(encoding="utf-8")
    for doc in text.split(EOS):
        if doc.strip():
            yield doc.strip("\n")
