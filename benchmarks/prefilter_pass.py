"""How much of a tree the pre-filter sends to the parser, per language (issue #14).

For every file ``git ls-files`` lists in a tree whose suffix tracklint reads, this applies
``tracklint.extract.prefilter.Prefilter`` with the default presets (what ``check`` does with
no configuration) and counts the files, and their bytes, that it passes. Minified bundles and
generated files are counted like any other (``check`` skips them later, after the pre-filter).

    python benchmarks/prefilter_pass.py /work/corpus-bench/owner+name ...
    TRACKLINT_CORPUS=/work/corpus-bench python benchmarks/prefilter_pass.py --speed-corpus
    python benchmarks/prefilter_pass.py --json-out out.json TREE   # with the files that pass

Compare two builds by running it with ``PYTHONPATH`` set to each.
"""

from __future__ import annotations

import argparse
import collections
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from density import speed_corpus  # noqa: E402  (the speed repositories of corpus.toml)
from tracklint.extract import language_for  # noqa: E402
from tracklint.extract.prefilter import Prefilter  # noqa: E402
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs  # noqa: E402


def listed(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True).stdout
    return [name for name in out.decode("utf-8", "surrogateescape").split("\0") if name]


def measure(root: Path, prefilter: Prefilter) -> dict:
    files = passed = size = passed_size = 0
    by_language: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    passing: list[str] = []
    for name in listed(root):
        language = language_for(name)
        if language is None:
            continue
        try:
            data = (root / name).read_bytes()
        except OSError:
            continue
        files += 1
        size += len(data)
        by_language[language][0] += 1
        if prefilter.may_contain(data, language):
            passed += 1
            passed_size += len(data)
            by_language[language][1] += 1
            passing.append(name)
    return {"tree": root.name, "files": files, "bytes": size, "passed": passed, "passed_bytes": passed_size,
            "by_language": {k: {"files": v[0], "passed": v[1]} for k, v in sorted(by_language.items())},
            "passing": passing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*", type=Path)
    parser.add_argument("--speed-corpus", action="store_true", help="the 'speed' repositories of corpus.toml")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    trees = list(args.trees) + (speed_corpus() if args.speed_corpus else [])
    if not trees:
        parser.error("name a tree or pass --speed-corpus")
    prefilter = Prefilter(build_specs(DEFAULT_PRESETS))
    print("| tree | source files | passed | share | source MB | passed MB | passed by language |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    results = []
    for root in trees:
        if not root.is_dir():
            print(f"{root}: missing", file=sys.stderr)
            continue
        r = measure(root, prefilter)
        results.append(r)
        langs = ", ".join(f"{k} {v['passed']}/{v['files']}" for k, v in r["by_language"].items() if v["passed"])
        share = r["passed"] / r["files"] if r["files"] else 0.0
        print(f"| {r['tree']} | {r['files']:,} | {r['passed']:,} | {share:.1%} | {r['bytes'] / 1e6:.1f} "
              f"| {r['passed_bytes'] / 1e6:.2f} | {langs} |", flush=True)
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
