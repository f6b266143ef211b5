"""Materialise the pinned corpus (benchmarks/corpus.toml) as plain directories.

Snapshots are bare git directories at ``$TRACKLINT_MIRROR/<owner>+<name>/repo`` (default
``/work/.mirror``), fetched beforehand by the session tooling; this writes the pinned commit's
files to ``$TRACKLINT_CORPUS/<owner>+<name>/`` (default ``/work/corpus``). Snapshots lack blobs of
4 MiB and more, so ``git archive`` can fail on them: files are written one by one and absent
blobs are skipped and reported.

    python benchmarks/corpus.py [--only owner/name ...] [--list]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load(path: Path = HERE / "corpus.toml") -> list[dict]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["repo"]


def _dirname(repo: str) -> str:
    return repo.replace("/", "+")


def materialise(entry: dict, mirror: Path, corpus: Path) -> tuple[int, list[str]]:
    """Write one repository's pinned tree; return (files written, paths skipped)."""
    git_dir = mirror / _dirname(entry["repo"]) / "repo"
    if not git_dir.is_dir():
        raise FileNotFoundError(f"{entry['repo']}: no snapshot at {git_dir}")
    git = ["git", f"--git-dir={git_dir}"]
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", entry["commit"]], check=True, capture_output=True
    ).stdout
    rows = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob":
            rows.append((mode, sha, name))
    batch = subprocess.Popen(
        [*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert batch.stdin and batch.stdout
    target = corpus / _dirname(entry["repo"])
    written, skipped = 0, []
    for mode, sha, name in rows:
        batch.stdin.write(sha + b"\n")
        batch.stdin.flush()
        header = batch.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            skipped.append(os.fsdecode(name))
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)  # the newline after each object
        if mode == b"160000":
            continue
        path = target / os.fsdecode(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if mode == b"120000":
            if not path.is_symlink():
                os.symlink(os.fsdecode(data), path)
        else:
            path.write_bytes(data)
        written += 1
    batch.stdin.close()
    batch.wait()
    return written, skipped


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="owner/name entries to write")
    parser.add_argument("--list", action="store_true", help="print entries and exit")
    args = parser.parse_args(argv)
    mirror = Path(os.environ.get("TRACKLINT_MIRROR", "/work/.mirror"))
    corpus = Path(os.environ.get("TRACKLINT_CORPUS", "/work/corpus"))
    entries = [e for e in load() if args.only is None or e["repo"] in args.only]
    for entry in entries:
        if args.list:
            print(entry["repo"], entry["commit"], entry["kind"], ",".join(entry["roles"]))
            continue
        written, skipped = materialise(entry, mirror, corpus)
        note = f", {len(skipped)} absent in the snapshot: {', '.join(skipped)}" if skipped else ""
        print(f"{entry['repo']}: {written} files{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
