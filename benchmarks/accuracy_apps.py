"""Extraction accuracy on eleven pinned application repositories (issue #13, "Done when"): direct SDK
calls found with default settings, lookalikes reported, and on the three facade apps whether ``init``
proposes the facade and how many facade calls are found with the right event name once declared.

The expected calls are the truth files in ``benchmarks/truth/`` (annotations by reading the code,
never by running tracklint; see ``corpus.md``, "Ground truth: application repositories"):

- ``<owner>+<name>.tsv``: every direct SDK call (path, line, sdk, kind, expected event or ``-``,
  ``test``); ``<owner>+<name>.lookalikes.tsv``: hits of SDK method names that are not SDK calls
  (reason ``mock`` = a mocking-DSL stub on an SDK-typed mock: counted apart, neither way);
- ``<owner>+<name>.facade.tsv`` and ``.wrappers.toml``: every call site of the in-house facade
  with the wire name the app sends, and the wrapper declarations a user would accept.

Runs, each ``tracklint scan -f json --no-cache`` from the repository's root:

1. *default*: ``--isolated`` (no configuration; ``scan`` reports test directories too).
   A reported call is *found* when an expected call starts on its line; every other reported
   call is a *lookalike* (split: labelled with an SDK, or ``sdk: unknown``). Recall counts the
   calls of SDKs tracklint has presets for; calls of other SDKs (Firebase, Automattic Tracks)
   are shown apart ("other"). Figures are given for all paths and without tests
   (the ``test`` column; lookalikes by tracklint's own test-path convention).
2. *facade* (facade apps): ``--config <app>.wrappers.toml``. Found = a reported call on the
   facade call's line; named = found with the expected event (over the calls whose event is
   a constant). If the tree does not know the ``transform`` key yet, the run is repeated without
   it and marked ``no-transform``.
3. *init* (facade apps): ``tracklint init -o <scratch>/plan.yaml --force --config
   <scratch>/tracklint.toml`` (empty; an init that declares wrappers appends them there); which of the declared
   wrapper functions its output (notes, or any TOML it writes beside the plan) proposes, and how
   many facade call sites those proposals cover (the ``function`` column of the facade truth).

    PYTHONPATH=$PWD python benchmarks/accuracy_apps.py [--only owner/name ...] [--json out.json]

The tracklint tree measured is the first entry of ``$PYTHONPATH`` (default: this checkout), so
``PYTHONPATH=/work/wt/rxjs python benchmarks/accuracy_apps.py`` measures another worktree with
these truth files. Trees are read from ``$TRACKLINT_CORPUS/<owner>+<name>/`` (default
``/work/corpus``; ``corpus.py`` writes them). Always exits 0: it measures, it does not gate.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TRUTH = HERE / "truth"

#: (owner/name, language family), in the order printed.
APPS = (
    ("formbricks/formbricks", "ts"), ("documenso/documenso", "ts"), ("langfuse/langfuse", "ts"),
    ("deepset-ai/haystack", "python"), ("mem0ai/mem0", "python"), ("browser-use/browser-use", "python"),
    ("element-hq/element-x-ios", "swift"), ("Automattic/pocket-casts-ios", "swift"),
    ("element-hq/element-x-android", "kotlin"), ("kickstarter/android-oss", "kotlin"),
    ("woocommerce/woocommerce-android", "kotlin"),
)
#: SDKs tracklint has presets for; other SDKs' calls are reported apart.
PRESET_SDKS = frozenset({"posthog", "segment", "rudderstack", "mixpanel", "amplitude"})


def _rows(path: Path) -> list[dict[str, str]]:
    """A truth TSV: ``#`` comments, one header row, then the rows as dicts."""
    if not path.is_file():
        return []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:]]


def _tree() -> Path:
    first = os.environ.get("PYTHONPATH", "").split(os.pathsep)[0]
    return Path(first).resolve() if first else HERE.parent


def _tracklint(tree: Path, args: list[str], cwd: Path, jobs: int) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(tree))
    command = ["nice", "-n", "10", sys.executable, "-m", "tracklint", *args]
    if args[0] == "scan":
        command += ["-j", str(jobs)]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env, check=False)


def scan(tree: Path, repo_dir: Path, config: Path | None, jobs: int) -> tuple[list[dict] | None, str]:
    """The reported calls (paths relative to ``repo_dir``), or None and the error text."""
    where = ["--config", str(config)] if config else ["--isolated"]
    done = _tracklint(tree, ["scan", "-f", "json", "--no-cache", "-q", *where, "."], repo_dir, jobs)
    if done.returncode not in (0, 1):
        return None, (done.stderr.strip().splitlines() or ["exit %d" % done.returncode])[-1]
    base = config.parent if config else repo_dir
    calls = json.loads(done.stdout)["calls"]
    for call in calls:  # paths are relative to the configuration's directory (the project root)
        call["path"] = os.path.relpath(os.path.join(base, call["path"]), repo_dir)
    return calls, ""


def _is_test(tree: Path, path: str) -> bool:
    sys.path.insert(0, str(tree))
    try:
        from tracklint.testpaths import is_test_path
    finally:
        sys.path.pop(0)
    return is_test_path(path)


def measure_direct(repo: str, calls: list[dict], tree: Path) -> dict:
    """Found / expected, names, lookalikes of the default run against the truth files."""
    stem = repo.replace("/", "+")
    truth = _rows(TRUTH / f"{stem}.tsv")
    mocks = {(r["path"], int(r["line"])) for r in _rows(TRUTH / f"{stem}.lookalikes.tsv") if r["reason"] == "mock"}
    reported = {}
    for call in calls:
        reported.setdefault((call["path"], call["line"]), call)
    out: dict = {"repo": repo}
    for scope, keep in (("all", lambda r: True), ("product", lambda r: r["test"] != "test")):
        rows = [r for r in truth if keep(r)]
        preset = [r for r in rows if r["sdk"] in PRESET_SDKS]
        found = [r for r in preset if (r["path"], int(r["line"])) in reported]
        named = [r for r in found if r["event"] != "-"]
        right = [r for r in named if reported[(r["path"], int(r["line"]))].get("event") == r["event"]]
        other = [r for r in rows if r["sdk"] not in PRESET_SDKS]
        out[scope] = {"found": len(found), "expected": len(preset), "named_right": len(right),
                      "named": len(named), "other_found": sum((r["path"], int(r["line"])) in reported for r in other),
                      "other": len(other),
                      "missed": [f"{r['path']}:{r['line']}" for r in preset if r not in found],
                      "wrong_name": [f"{r['path']}:{r['line']} {reported[(r['path'], int(r['line']))].get('event')!r}"
                                     f" != {r['event']!r}" for r in named if r not in right]}
    expected = {(r["path"], int(r["line"])) for r in truth}
    extra = [c for key, c in reported.items() if key not in expected and key not in mocks]
    out["lookalikes"] = [f"{c['path']}:{c['line']} {c.get('receiver')}.{c.get('method')} sdk={c.get('sdk')}" for c in extra]
    out["lookalikes_labelled"] = sum(c.get("sdk") != "unknown" for c in extra)
    out["lookalikes_unknown"] = sum(c.get("sdk") == "unknown" for c in extra)
    out["lookalikes_product"] = sum(not _is_test(tree, c["path"]) for c in extra)
    out["mocks_reported"] = sum(key in mocks for key in reported)
    return out


def measure_facade(repo: str, tree: Path, repo_dir: Path, jobs: int) -> dict | None:
    """Facade calls found and named right under the app's wrapper declarations."""
    stem = repo.replace("/", "+")
    truth, config = _rows(TRUTH / f"{stem}.facade.tsv"), TRUTH / f"{stem}.wrappers.toml"
    if not truth:
        return None
    calls, error = scan(tree, repo_dir, config, jobs)
    mode = "transform"
    if calls is None:  # a tree without the `transform` key: measure what it can do without it
        with tempfile.TemporaryDirectory() as scratch:
            plain = Path(scratch) / "tracklint.toml"
            plain.write_text(re.sub(r"(?m)^transform = .*\n", "", config.read_text(encoding="utf-8")), encoding="utf-8")
            calls, error2 = scan(tree, repo_dir, plain, jobs)
        mode = "no-transform: this tree rejects the key"
        if calls is None:
            return {"error": f"{error} / {error2}"}
    reported = {}
    for call in calls:
        reported.setdefault((call["path"], call["line"]), call)
    found = [r for r in truth if (r["path"], int(r["line"])) in reported]
    named = [r for r in truth if r["event"] != "-"]
    right = [r for r in named if reported.get((r["path"], int(r["line"])), {}).get("event") == r["event"]]
    wrong = [f"{r['path']}:{r['line']} {reported[(r['path'], int(r['line']))].get('event')!r} != {r['event']!r}"
             for r in named if r not in right and (r["path"], int(r["line"])) in reported]
    return {"mode": mode, "found": len(found), "expected": len(truth), "named_right": len(right),
            "named": len(named), "product_found": sum(r["test"] != "test" for r in found),
            "product": sum(r["test"] != "test" for r in truth),
            "missed": [f"{r['path']}:{r['line']}" for r in truth if r not in found], "wrong_name": wrong}


def measure_init(repo: str, tree: Path, repo_dir: Path, jobs: int) -> dict | None:
    """Which declared facade functions ``init`` proposes (in its notes or a TOML it writes)."""
    stem = repo.replace("/", "+")
    config = TRUTH / f"{stem}.wrappers.toml"
    if not config.is_file():
        return None
    wanted = re.findall(r'(?m)^function = "([^"]+)"', config.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as scratch:
        # an empty configuration of its own, so that an init that declares wrappers writes them
        # there (with --force), never into the checkout
        (Path(scratch) / "tracklint.toml").write_text("", encoding="utf-8")
        done = _tracklint(tree, ["init", "-o", str(Path(scratch) / "plan.yaml"), "--force",
                                 "--config", str(Path(scratch) / "tracklint.toml"), "."], repo_dir, jobs)
        text = done.stdout + done.stderr + "".join(p.read_text(encoding="utf-8") for p in Path(scratch).glob("*.toml"))
    proposed = set(re.findall(r'function\s*=\s*"([^"]+)"', text))
    want_transform = re.search(r'(?m)^transform = "([^"]+)"', config.read_text(encoding="utf-8"))
    transforms = set()  # the transform proposed with a wanted function (also as a comment)
    for block in re.split(r"\[\[(?:tool\.tracklint\.)?wrappers\]\]", text)[1:]:
        function = re.search(r'function\s*=\s*"([^"]+)"', block)
        if function and function.group(1) in wanted:
            transforms.update(re.findall(r'(#\s*)?transform\s*=\s*"([^"]+)"', block.split("[[")[0]))
    facade = _rows(TRUTH / f"{stem}.facade.tsv")
    covered = [r for r in facade if r["function"] in proposed or "*." + r["function"].rsplit(".", 1)[-1] in proposed]
    return {"exit": done.returncode, "proposed": sorted(proposed & set(wanted)), "wanted": wanted,
            "other_proposals": sorted(proposed - set(wanted)), "covered": len(covered), "calls": len(facade),
            "transform_wanted": want_transform.group(1) if want_transform else None,
            "transform_proposed": sorted(f"{value}{' (commented out)' if hash_ else ''}" for hash_, value in transforms)}


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} ({a / b:.0%})" if b else f"{a}/{b}"


def report(result: dict, verbose: bool) -> None:
    """Print one repository's figures (and, verbose, what was missed and what was extra)."""
    a, p = result["all"], result["product"]
    print(f"{result['repo']:33} direct {_pct(a['found'], a['expected']):14} names {_pct(a['named_right'], a['named']):11}"
          f" no-tests {_pct(p['found'], p['expected']):14} other-sdk {a['other_found']}/{a['other']}"
          f"  lookalikes {result['lookalikes_labelled']} (+{result['lookalikes_unknown']} unknown;"
          f" {result['lookalikes_product']} outside tests) mocks {result['mocks_reported']}")
    facade, init = result.get("facade"), result.get("init")
    if init:
        print(f"{'':33} init proposes {init['proposed'] or 'none'} (exit {init['exit']}), covering"
              f" {_pct(init['covered'], init['calls'])} facade calls; transform {init['transform_proposed'] or 'none'}"
              f" (wanted {init['transform_wanted']})"
              + (f"; also {init['other_proposals']}" if init["other_proposals"] else ""))
    if facade and "error" in facade:
        print(f"{'':33} facade run failed: {facade['error']}")
    elif facade:
        print(f"{'':33} facade found {_pct(facade['found'], facade['expected'])}, right name"
              f" {_pct(facade['named_right'], facade['named'])}, no-tests {_pct(facade['product_found'], facade['product'])}"
              f" [{facade['mode']}]")
    if verbose:
        details = a["missed"] + a["wrong_name"] + result["lookalikes"]
        details += (facade or {}).get("missed", [])[:20] + (facade or {}).get("wrong_name", [])[:20]
        for line in details:
            print(f"    {line}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", default=None, help="owner/name of the repositories")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="tracklint worker processes")
    parser.add_argument("--no-facade", action="store_true", help="skip the facade and init runs")
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses, wrong names, lookalikes")
    args = parser.parse_args(argv)
    corpus, tree = Path(os.environ.get("TRACKLINT_CORPUS", "/work/corpus")), _tree()
    print(f"tracklint tree: {tree}")
    results = []
    for repo, _family in APPS:
        if args.only and repo not in args.only:
            continue
        repo_dir = corpus / repo.replace("/", "+")
        calls, error = scan(tree, repo_dir, None, args.jobs)
        if calls is None:
            print(f"{repo:33} default scan failed: {error}")
            continue
        result = measure_direct(repo, calls, tree)
        if not args.no_facade:
            result["init"] = measure_init(repo, tree, repo_dir, args.jobs)
            result["facade"] = measure_facade(repo, tree, repo_dir, args.jobs)
        report(result, args.verbose)
        results.append(result)
    if args.json:
        args.json.write_text(json.dumps({"tree": str(tree), "results": results}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
