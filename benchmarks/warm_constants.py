"""Time the unchanged run of a repository whose events are constants of other files (#13 item 8).

An app that sends enum cases through a declared wrapper (``Analytics.track(.episodeDownloaded)``,
``.track(screen: .Home)``) makes the engine look, on every run, for the files that may define
those constants, and read their exports. This script copies a checkout to a temporary git
repository (one commit of every file; the copy is never committed anywhere), writes a wrapper
configuration and an empty plan, and times, medians over ``--repeats``:

* ``scan`` cold (the cache removed before each run) and warm (nothing changed; ``scan`` keeps no
  memo, so this is the path of every run whose remembered result does not apply);
* ``check`` cold, warm (nothing changed: the remembered result), and warm with one file changed
  (a comment appended to a file without calls: the remembered result misses, the cache answers);

with the files parsed per run (``--verbose``'s "N parsed": the pool's parses plus the whole-file
parses made for cross-file constants). ``--code DIR`` runs the tracklint found in ``DIR`` (put
first on ``PYTHONPATH``) instead of this checkout's, to compare two builds on the same copy.

    nice -n 10 python benchmarks/warm_constants.py /work/corpus/Automattic+pocket-casts-ios \\
        --wrappers facade --repeats 5
    nice -n 10 python benchmarks/warm_constants.py /work/corpus/element-hq+element-x-ios \\
        --wrappers catch-all --repeats 5 --code /tmp/before
    nice -n 10 python benchmarks/warm_constants.py examples/acme --wrappers none
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import measure  # noqa: E402  (shared timing code: run.py)

#: Wrapper configurations by name: an in-house facade (``Analytics.track(.case, properties:)``)
#: and catch-all wrappers that send enum cases (``.track(screen: .Home)``).
WRAPPERS = {
    "none": "",
    "facade": '[[wrappers]]\nfunction = "Analytics.track"\nevent = 0\nproperties = "properties"\n',
    "catch-all": "".join(
        f'[[wrappers]]\nfunction = "*.{method}"\nevent = [0, "{label}"]\nproperties = 1\n\n'
        for method, label in (("track", "screen"), ("capture", "event"), ("screen", "screen"))),
}
EMPTY_PLAN = "# written by benchmarks/warm_constants.py: every call found is a finding\nversion: 1\nevents: {}\n"
PARSED = re.compile(rb"(\d+) parsed")


def prepare(source: Path, where: Path, wrappers: str) -> Path:
    """A git repository in ``where`` holding a copy of ``source``, the configuration and the plan."""
    root = where / "repo"
    shutil.copytree(source, root, symlinks=True, ignore=shutil.ignore_patterns(".git", ".tracklint_cache"))
    if wrappers:
        (root / "tracklint.toml").write_text(wrappers)
    (root / "tracking-plan.yaml").write_text(EMPTY_PLAN)
    for args in (["init", "-q"], ["add", "-A", "--force"],
                 ["-c", "user.name=bench", "-c", "user.email=bench@localhost", "commit", "-qm", "bench"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    return root


def quiet_file(root: Path) -> Path:
    """The file the memo-miss runs change: a source file with no analytics word in it, else
    (a tree of nothing but analytics code) the smallest source file."""
    sources = sorted(p for p in root.rglob("*") if p.suffix in (".swift", ".kt", ".py", ".ts", ".js") and p.is_file())
    for path in sources:
        if not re.search(rb"track|capture|screen|identify|Analytics|analytics", path.read_bytes()):
            return path
    if not sources:
        raise SystemExit(f"{root}: no source file")
    return min(sources, key=lambda p: p.stat().st_size)


def timed(cmd: list[str], root: Path, env: dict[str, str]) -> dict:
    """One run: wall and CPU seconds, files parsed."""
    old = os.environ.copy()
    os.environ.update(env)
    try:
        sample = measure(cmd + ["-v", "-f", "json", "-o", os.devnull], root)
    finally:
        os.environ.clear()
        os.environ.update(old)
    if sample.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({sample.returncode}): {sample.stderr.decode(errors='replace')}")
    parsed = PARSED.search(sample.stderr)
    return {"wall": sample.wall, "cpu": sample.cpu, "parsed": int(parsed.group(1)) if parsed else None}


def series(name: str, repeats: int, run, before=None) -> dict:
    """``repeats`` runs of ``run`` (``before`` called untimed before each): medians."""
    samples = []
    for k in range(repeats):
        if before is not None:
            before(k)
        samples.append(run())
    return {"mode": name, "wall": statistics.median(s["wall"] for s in samples),
            "cpu": statistics.median(s["cpu"] for s in samples),
            "parsed": sorted({s["parsed"] for s in samples}, key=str), "runs": repeats}


def bench(root: Path, repeats: int, env: dict[str, str]) -> list[dict]:
    tracklint = [sys.executable, "-m", "tracklint"]
    scan, check = tracklint + ["scan"], tracklint + ["check"]
    cache = root / ".tracklint_cache"
    cold = lambda _k: shutil.rmtree(cache, ignore_errors=True)  # noqa: E731
    rows = [series("scan, cold", repeats, lambda: timed(scan, root, env), cold)]
    timed(scan, root, env)  # settle
    rows.append(series("scan, warm (nothing changed)", repeats, lambda: timed(scan, root, env)))
    rows.append(series("check, cold", repeats, lambda: timed(check, root, env), cold))
    timed(check, root, env)
    remembered = series("check, warm (nothing changed: remembered)", repeats, lambda: timed(check, root, env))
    remembered["parsed"] = ["0 (result remembered)"]  # its --verbose repeats the stats of the run it remembers
    rows.append(remembered)
    quiet = quiet_file(root)
    original = quiet.read_bytes()

    def change(k: int) -> None:
        quiet.write_bytes(original + f"\n// benchmark {k}\n".encode())

    try:
        rows.append(series(f"check, warm, 1 file changed ({quiet.relative_to(root)})", repeats,
                           lambda: timed(check, root, env), change))
    finally:
        quiet.write_bytes(original)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="the checkout to copy")
    parser.add_argument("--wrappers", default="none", help=f"one of {', '.join(WRAPPERS)}, or a TOML file")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--code", type=Path, help="the tracklint checkout to run (default: this one)")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    wrappers = WRAPPERS.get(args.wrappers)
    if wrappers is None:
        wrappers = Path(args.wrappers).read_text()
    code = (args.code or HERE.parent).resolve()
    import compileall

    compileall.compile_dir(str(code / "tracklint"), quiet=1)  # as an installed tracklint has it
    env = {"PYTHONPATH": os.pathsep.join([str(code), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    with tempfile.TemporaryDirectory(prefix="tl-warm-") as where:
        root = prepare(args.source.resolve(), Path(where), wrappers)
        rows = bench(root, args.repeats, env)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"{args.source} (wrappers: {args.wrappers}; tracklint from {code}; load {load:.2f}; "
          f"medians of {args.repeats})")
    print("| run | wall | CPU | files parsed |\n| --- | ---: | ---: | ---: |")
    for row in rows:
        print(f"| {row['mode']} | {row['wall']:.3f} s | {row['cpu']:.3f} s | {'/'.join(map(str, row['parsed']))} |")
    if args.json_out:
        args.json_out.write_text(json.dumps({"source": str(args.source), "wrappers": args.wrappers,
                                             "code": str(code), "load": load, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
