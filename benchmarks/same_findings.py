"""Do two versions of tracklint report the same thing? (for refactors: byte for byte)

Exports ``--base`` (a git ref of this repository, default ``HEAD``) into a temporary folder and
runs it and the working tree side by side on each given tree, with ``scan -f json`` (every
call, every tree) and, where the tree has a plan, ``check -f json``; both with ``--no-cache``.
Timing fields are removed before comparing; anything else that differs is printed as a
unified diff and the script exits 1.

    python benchmarks/same_findings.py examples/acme /tmp/bench-tree /work/corpus/element-hq+element-x-android
    python benchmarks/same_findings.py --base main~3 examples/acme
    python benchmarks/same_findings.py --config wide.toml /work/corpus/element-hq+element-x-ios
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
_TIMINGS = ("elapsed", "duration", "seconds", "time", "timing", "timings")


def _export(ref: str, into: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(HERE), "archive", ref, "tracklint"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def _scrub(value: object) -> object:
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items() if k not in _TIMINGS}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _run(code: Path, args: list[str], cwd: Path) -> str:
    env = dict(os.environ, PYTHONPATH=str(code), NO_COLOR="1")
    env.pop("TRACKLINT_OUTPUT_FORMAT", None)
    done = subprocess.run([sys.executable, "-m", "tracklint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    try:
        body = json.dumps(_scrub(json.loads(done.stdout)), indent=1, sort_keys=True)
    except json.JSONDecodeError:
        body = done.stdout
    return f"exit {done.returncode}\n{body}\n{done.stderr}"


def _has_plan(tree: Path) -> bool:
    return any((tree / name).is_file() for name in ("tracking-plan.yaml", "tracklint.toml"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--base", default="HEAD", help="git ref to compare the working tree with")
    parser.add_argument("--config", type=Path,
                        help="a tracklint.toml for scan (e.g. catch-all wrappers such as `*.track`, "
                             "so that real code yields many calls to compare)")
    options = parser.parse_args()
    differ = 0
    with tempfile.TemporaryDirectory() as scratch:
        base = _export(options.base, Path(scratch))
        for tree in options.trees:
            tree = tree.resolve()
            scan = ["scan", "-f", "json", "--no-cache", "."]
            commands = [scan + (["--config", str(options.config.resolve())] if options.config else [])]
            if _has_plan(tree):
                commands.append(["check", "-f", "json", "--no-cache", "."])
            for args in commands:
                before = _run(base, args, tree)
                after = _run(HERE, args, tree)
                what = "calls" if args[0] == "scan" else "findings"
                count = before.count('"method"' if what == "calls" else '"code"')
                if before == after:
                    print(f"same      {args[0]:5} {tree} ({len(before):,} bytes, {count:,} {what})")
                    continue
                differ += 1
                print(f"DIFFERENT {args[0]:5} {tree}")
                sys.stdout.writelines(list(difflib.unified_diff(
                    before.splitlines(True), after.splitlines(True), options.base, "working tree"))[:200])
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
