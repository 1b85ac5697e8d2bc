"""``python -m models corpus fetch``: download the training books the recipes name, for anyone
without the team's ``shared/corpora`` folder.

The list is ``models/corpora/MANIFEST.tsv`` (a copy of the corpora's manifest: titles, Gutenberg
ids, sha256 and the exact GITenberg file and commit each book came from; no book text). Every file
is checked against its sha256, so a recipe trains on the same bytes whoever fetched them. Books
that exist only as ISO-8859-1 (``<id>-8.txt``) are re-encoded to UTF-8, as the manifest's sums
describe.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
from pathlib import Path

from models.corpus import Work, default_corpus_dir, load_manifest
from writer.errors import WriterError

MANIFEST = Path(__file__).resolve().parent / "corpora" / "MANIFEST.tsv"
#: Where GITenberg's files are served raw, as ``{base}/{owner}/{repo}/{commit}/{path}``.
RAW_BASE = "https://raw.githubusercontent.com"


def source_url(source: str, base: str = RAW_BASE) -> str:
    """``owner/repo:path@commit`` → the address of that file at that commit."""
    try:
        repo, rest = source.split(":", 1)
        path, commit = rest.rsplit("@", 1)
    except ValueError:
        raise WriterError(f"manifest source '{source}' is not owner/repo:path@commit") from None
    return f"{base.rstrip('/')}/{repo}/{commit}/{path}"


def _sources(manifest: Path) -> dict[str, str]:
    import csv

    with manifest.open(encoding="utf-8", newline="") as fh:
        return {row["file"]: row["source"] for row in csv.DictReader(fh, delimiter="\t")}


def fetch_work(work: Work, source: str, dest: Path, *, base: str = RAW_BASE, timeout: float = 60.0) -> bool:
    """Download one book into ``dest/work.file`` unless it is there already; True if downloaded."""
    import httpx

    target = dest / work.file
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == work.sha256:
        return False
    url = source_url(source, base)
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
        response.raise_for_status()
    except httpx.HTTPError as exc:
        raise WriterError(f"could not download {work.title} ({url}): {exc}") from None
    data = response.content
    if source.split("@", 1)[0].endswith("-8.txt"):
        data = data.decode("latin-1").encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    if digest != work.sha256:
        raise WriterError(f"{work.title} ({url}) has sha256 {digest[:12]}…, the manifest says {work.sha256[:12]}…; "
                          "the file was not saved")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, target)
    return True


def fetch(dest: Path, sets: list[str], *, manifest: Path | None = None, base: str = RAW_BASE) -> tuple[int, int]:
    """Fetch every book of ``sets`` (all sets when empty) into ``dest``; (downloaded, already there)."""
    manifest = manifest or MANIFEST
    works = load_manifest(manifest.parent)
    chosen = [w for w in works if not sets or w.set in sets]
    unknown = set(sets) - {w.set for w in works}
    if unknown:
        known = ", ".join(sorted({w.set for w in works}))
        raise WriterError(f"no corpus set {', '.join(sorted(unknown))}; sets: {known}")
    sources = _sources(manifest)
    dest.mkdir(parents=True, exist_ok=True)
    got = kept = 0
    for i, work in enumerate(chosen, 1):
        if fetch_work(work, sources[work.file], dest, base=base):
            got += 1
            print(f"[{i}/{len(chosen)}] {work.file}", flush=True)
        else:
            kept += 1
    _write_manifest(manifest, dest)
    return got, kept


def _write_manifest(manifest: Path, dest: Path) -> None:
    """The manifest of the books now in ``dest`` (this fetch's and earlier ones'): a corpus folder
    lists only what it holds, so tests and recipes see exactly the sets that were fetched."""
    lines = manifest.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    present = [row for row in rows if _holds(dest, row)]
    tmp = dest / "MANIFEST.tsv.part"
    tmp.write_text(header + "".join(present), encoding="utf-8")
    os.replace(tmp, dest / "MANIFEST.tsv")


def _holds(dest: Path, row: str) -> bool:
    fields = row.rstrip("\n").split("\t")
    target = dest / fields[0]
    return target.is_file() and target.stat().st_size == int(fields[5])


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="python -m models corpus fetch", description=__doc__.split("\n\n")[0])
    p.add_argument("sets", nargs="*", help="pkd, ja, general, library (default: all)")
    p.add_argument("--corpus-dir", type=Path, default=None, help="where to put them (default: ../shared/corpora)")
    p.add_argument("--base-url", default=RAW_BASE, help=argparse.SUPPRESS)  # tests serve the files locally
    args = p.parse_args(argv)
    dest = args.corpus_dir or default_corpus_dir()
    try:
        got, kept = fetch(dest, args.sets, base=args.base_url)
    except WriterError as exc:
        print(f"models: {exc}", file=sys.stderr)
        return 2
    print(f"{got} downloaded, {kept} already there, in {dest}")
    return 0
