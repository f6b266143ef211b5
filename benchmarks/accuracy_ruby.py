"""Ruby extraction accuracy on the pinned corpus: found / expected SDK calls and lookalikes.

The expected calls are data (``accuracy_ruby.toml``: per repository, per file, the lines where
an SDK call starts), counted by reading every occurrence of each SDK method name in the
repository (see ``corpus.md``, "Ruby"). This runs ``tracklint scan -f json --no-cache`` over
every file of each materialised tree (named explicitly, so that a repository's ``.gitignore``
does not hide files that its git tracks: rudder-sdk-ruby ignores ``example/*.rb`` and tracks
``example/example.rb``) and prints, per repository, the calls found, the calls expected, the
calls missed and the lookalikes (reported calls that are not SDK calls).

    python benchmarks/accuracy_ruby.py [--only owner/name ...] [--show]

Exit status 1 when a repository is under 98% or has a lookalike.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 0.98


def expected_calls(path: Path = HERE / "accuracy_ruby.toml") -> dict[str, set[tuple[str, int]]]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return {repo: {(file, line) for file, lines in files.items() for line in lines}
            for repo, files in data.items()}


def reported_calls(tree: Path) -> dict[tuple[str, int], dict]:
    """Every call ``tracklint scan`` reports over every file of ``tree`` (path, line) -> call."""
    files = sorted(str(p) for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    run = subprocess.run(
        # the tree first: the first path given is the root that reported paths are relative to
        [sys.executable, "-m", "tracklint", "scan", "--isolated", "-f", "json", "--no-cache",
         str(tree), *files],
        capture_output=True, cwd=tree, env=env, check=False)
    if run.returncode not in (0, 1):
        raise RuntimeError(f"{tree}: scan failed: {run.stderr.decode(errors='replace')[-400:]}")
    calls = json.loads(run.stdout)["calls"]
    return {(c["path"], c["line"]): c for c in calls if c["language"] == "ruby"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None)
    parser.add_argument("--show", action="store_true", help="list the missed calls and lookalikes")
    args = parser.parse_args(argv)
    corpus = Path(os.environ.get("TRACKLINT_CORPUS", "/work/corpus"))
    status = 0
    print(f"{'repository':32} {'found':>5} {'expected':>8} {'recall':>7} {'lookalikes':>10}")
    for repo, expected in expected_calls().items():
        if args.only and repo not in args.only:
            continue
        tree = corpus / repo.replace("/", "+")
        if not tree.is_dir():
            print(f"{repo:32} not materialised (python benchmarks/corpus.py --only {repo})")
            status = 1
            continue
        reported = reported_calls(tree)
        found = expected & reported.keys()
        lookalikes = sorted(reported.keys() - expected)
        recall = len(found) / len(expected) if expected else 1.0
        print(f"{repo:32} {len(found):5} {len(expected):8} {recall:7.1%} {len(lookalikes):10}")
        if args.show:
            for path, line in sorted(expected - found):
                print(f"    missed    {path}:{line}")
            for key in lookalikes:
                call = reported[key]
                print(f"    lookalike {key[0]}:{key[1]} {call['receiver']}.{call['method']}")
        if recall < TARGET or lookalikes:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
