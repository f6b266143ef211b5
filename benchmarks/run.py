"""Time tracklint against ripgrep and ast-grep on generated monorepos (see ``generate.py``).

In one run, on the same tree, with medians over ``--repeats`` runs:

* ripgrep finding ``\\.track\\(|\\.capture\\(`` text (the floor: read every file once);
* ast-grep extracting the same calls with tree-sitter (rules written to a temporary directory);
* ``tracklint check`` cold (cache removed before each run), warm (nothing changed), and on 10
  changed files named on the command line (the pre-commit case);
* once each, ``tracklint check --no-cache --jobs 1 --no-prefilter`` (the reference for "same findings in every
  mode") and ``tracklint scan --output-format json`` (the calls found, against the ground truth).

Every command is a subprocess; wall time is measured around it, CPU time and peak RSS come from
``os.wait4`` (peak RSS is the largest single process of the tree: the command itself or one of
the workers it waited for). The machine's load average is printed too: on a shared machine wall
times are only comparable within one run.

    python benchmarks/run.py /tmp/tl-bench-20k
    python benchmarks/run.py /tmp/tl-bench-20k /tmp/tl-bench-100k --repeats 3 --json-out r.json

Missing tools are reported as ``n/a`` with how to install them (``apt-get install ripgrep``,
``pip install ast-grep-cli``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

PATTERN = r"\.track\(|\.capture\("
AST_GREP_LANGUAGES = ("python", "javascript", "typescript", "tsx", "swift", "kotlin")
CACHE_DIR = ".tracklint_cache"


@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    stdout: bytes = b""
    stderr: bytes = b""


@dataclass
class Row:
    tool: str
    samples: list[Sample] = field(default_factory=list)
    found: str = "n/a"
    note: str = ""

    @property
    def wall(self) -> float | None:
        return statistics.median(s.wall for s in self.samples) if self.samples else None

    @property
    def cpu(self) -> float | None:
        return statistics.median(s.cpu for s in self.samples) if self.samples else None

    @property
    def rss(self) -> float | None:
        return max(s.rss_mb for s in self.samples) if self.samples else None


def measure(cmd: list[str], cwd: Path, *, stdout_file: Path | None = None) -> Sample:
    """Run ``cmd``; wall clock around it, CPU and peak RSS from ``wait4``."""
    out = open(stdout_file, "wb") if stdout_file else subprocess.PIPE
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
    stdout, stderr = b"", b""
    if stdout_file is None:
        # Read both pipes to the end (a full pipe would block the child), then reap it ourselves.
        import threading

        chunks: dict[str, bytes] = {}

        def drain(name: str, pipe) -> None:
            chunks[name] = pipe.read()

        threads = [threading.Thread(target=drain, args=("out", proc.stdout)),
                   threading.Thread(target=drain, args=("err", proc.stderr))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        stdout, stderr = chunks["out"], chunks["err"]
    else:
        stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if stdout_file:
        out.close()
    rss_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024, proc.returncode, stdout, stderr)


def tracklint_cmd() -> list[str]:
    exe = shutil.which("tracklint")
    if exe is None:
        candidate = Path(sys.executable).with_name("tracklint")
        if candidate.exists():
            exe = str(candidate)
    return [exe] if exe else [sys.executable, "-m", "tracklint"]


def ast_grep_cmd() -> str | None:
    # /usr/bin/sg is shadow-utils' sg on Debian: only trust an ``ast-grep`` executable.
    exe = shutil.which("ast-grep")
    if exe is None:
        candidate = Path(sys.executable).with_name("ast-grep")
        exe = str(candidate) if candidate.exists() else None
    return exe


def load_truth(root: Path) -> tuple[set[tuple[str, int]], set[tuple[str, int, str]], dict]:
    doc = json.loads((root / "ground_truth.json").read_text())
    lines = {(c["path"], c["line"]) for c in doc["calls"]}
    events = {(c["path"], c["line"], c["event"]) for c in doc["calls"]}
    return lines, events, doc["meta"]


def found_text(got: set, want: set) -> str:
    hit = len(got & want)
    extra = len(got - want)
    text = f"{hit}/{len(want)}"
    if extra:
        text += f" (+{extra} other)"
    return text


# --- the tools ----------------------------------------------------------------------------------


def run_ripgrep(root: Path, repeats: int, truth_lines: set) -> Row:
    row = Row("ripgrep `\\.track\\(\\|\\.capture\\(`")
    rg = shutil.which("rg")
    if rg is None:
        row.note = "not installed (apt-get install ripgrep)"
        return row
    cmd = [rg, "-n", "--no-heading", "--null", "--no-config", "-e", PATTERN, "."]
    measure(cmd, root)  # untimed: bring the tree into the page cache for every tool alike
    for _ in range(repeats):
        row.samples.append(measure(cmd, root))
    got = set()
    for line in row.samples[-1].stdout.split(b"\n"):
        if b"\0" not in line:
            continue
        path, rest = line.split(b"\0", 1)
        number = rest.split(b":", 1)[0]
        rel = path.decode("utf-8", "surrogateescape")
        rel = rel[2:] if rel.startswith("./") else rel
        got.add((rel, int(number)))
    row.found = found_text(got, truth_lines) + " lines"
    return row


def ast_grep_rules(directory: Path) -> Path:
    docs = []
    for language in AST_GREP_LANGUAGES:
        docs.append(
            f"id: calls-{language}\nlanguage: {language}\nseverity: info\nmessage: analytics call\n"
            "rule:\n  any:\n    - pattern: $R.track($$$A)\n    - pattern: $R.capture($$$A)\n"
        )
    path = directory / "rules.yml"
    path.write_text("---\n".join(docs))
    return path


def run_ast_grep(root: Path, repeats: int, truth_lines: set) -> Row:
    row = Row("ast-grep (tree-sitter, Rust)")
    exe = ast_grep_cmd()
    if exe is None:
        row.note = "not installed (pip install ast-grep-cli)"
        return row
    with tempfile.TemporaryDirectory(prefix="tl-bench-sg-") as tmp:
        rules = ast_grep_rules(Path(tmp))
        out = Path(tmp) / "out.jsonl"
        cmd = [exe, "scan", "--rule", str(rules), "--json=stream", "."]
        for _ in range(repeats):
            row.samples.append(measure(cmd, root, stdout_file=out))
        got = set()
        with open(out, "rb") as handle:
            for line in handle:
                try:
                    match = json.loads(line)
                except ValueError:
                    continue
                rel = match["file"][2:] if match["file"].startswith("./") else match["file"]
                got.add((rel, match["range"]["start"]["line"] + 1))
    if row.samples and row.samples[-1].returncode not in (0, 1):
        row.note = f"exit {row.samples[-1].returncode}: {row.samples[-1].stderr[:200]!r}"
    row.found = found_text(got, truth_lines) + " calls"
    return row


def clear_cache(root: Path) -> None:
    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)


def findings_of(path: Path) -> list | None:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    items = doc.get("diagnostics", doc.get("findings"))
    if items is None:
        return None
    return sorted(json.dumps(d, sort_keys=True) for d in items)


def tracklint_ok(sample: Sample) -> bool:
    return sample.returncode in (0, 1)


def pick_changed_files(root: Path, truth: set, count: int = 10) -> list[str]:
    """Ten tracked source files spread over the languages, two of them with calls."""
    with_calls = sorted({p for p, _ in truth})
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-z"], capture_output=True, check=True)
    names = [n for n in listed.stdout.decode().split("\0")
             if n.endswith((".py", ".ts", ".tsx", ".js", ".swift", ".kt")) and "vendor" not in n
             and "static/" not in n and n not in with_calls]
    picked = with_calls[:: max(1, len(with_calls) // 2)][:2]
    step = max(1, len(names) // (count - len(picked)))
    picked += names[::step][: count - len(picked)]
    return picked


def touch_files(root: Path, files: list[str], stamp: int) -> None:
    comment = {".py": "#", ".swift": "//", ".kt": "//"}
    for rel in files:
        marker = comment.get(os.path.splitext(rel)[1], "//")
        with open(root / rel, "a", encoding="utf-8") as handle:
            handle.write(f"{marker} edited by the benchmark ({stamp})\n")


def restore_files(root: Path, files: list[str]) -> None:
    subprocess.run(["git", "-C", str(root), "checkout", "--", *files], capture_output=True)


def bytecode_ready() -> None:
    """Compile tracklint's modules to bytecode, untimed, as ``pip install`` does. From an editable
    checkout with PYTHONDONTWRITEBYTECODE set, Python would otherwise recompile every edited
    module on every run (about 40 ms per start), which an installed tracklint never does."""
    try:
        import compileall

        import tracklint

        compileall.compile_dir(str(Path(tracklint.__file__).parent), quiet=1)
    except Exception as exc:  # noqa: BLE001 - a benchmark aid, never a reason to stop
        print(f"  (could not byte-compile tracklint: {exc})", file=sys.stderr)


def run_tracklint(root: Path, repeats: int, slow_repeats: int, truth_events: set, truth_lines: set,
                  *, skip_reference: bool = False) -> tuple[list[Row], dict]:
    exe = tracklint_cmd()
    rows: list[Row] = []
    facts: dict = {}
    tmp = Path(tempfile.mkdtemp(prefix="tl-bench-"))
    check = exe + ["check", "--output-format", "json", "--exit-zero"]

    bytecode_ready()
    probe = measure(exe + ["check", "--help"], root)
    if probe.returncode != 0:
        for name in ("tracklint check, cold", "tracklint check, warm", "tracklint check, 10 changed files"):
            rows.append(Row(name, note="n/a: `tracklint check` is not available yet"))
        return rows, facts

    cold = Row("tracklint check, cold (no cache)")
    for k in range(repeats):
        clear_cache(root)
        cold.samples.append(measure(check + ["-o", str(tmp / f"cold{k}.json")], root))
    facts["cold_findings"] = findings_of(tmp / "cold0.json")
    rows.append(cold)

    warm = Row("tracklint check, warm (nothing changed)")
    measure(check + ["-o", str(tmp / "prewarm.json")], root)  # settle racily-clean entries
    for k in range(repeats):
        warm.samples.append(measure(check + ["-o", str(tmp / f"warm{k}.json")], root))
    facts["warm_findings"] = findings_of(tmp / "warm0.json")
    rows.append(warm)

    changed = pick_changed_files(root, truth_lines)
    ten = Row(f"tracklint check FILE x{len(changed)} (pre-commit)")
    try:
        for k in range(repeats):
            touch_files(root, changed, k)
            ten.samples.append(measure(check + ["-o", str(tmp / f"ten{k}.json"), *changed], root))
    finally:
        restore_files(root, changed)
    rows.append(ten)

    reference = Row("tracklint check --no-cache --jobs 1 --no-prefilter")
    for k in range(0 if skip_reference else slow_repeats):
        reference.samples.append(measure(check + ["--no-cache", "--jobs", "1", "--no-prefilter", "-o", str(tmp / f"ref{k}.json")], root))
    facts["reference_findings"] = findings_of(tmp / "ref0.json")
    rows.append(reference)

    scan_out = tmp / "scan.json"
    scan = measure(exe + ["scan", "--output-format", "json", "-o", str(scan_out)], root)
    if scan.returncode == 0 and scan_out.exists():
        try:
            calls = json.loads(scan_out.read_text())["calls"]
            got = {(c["path"], c["line"], c["event"]) for c in calls}
            text = found_text(got, truth_events) + " calls"
        except (ValueError, KeyError, TypeError):
            text = "n/a (scan JSON not understood)"
    else:
        text = "n/a (`tracklint scan --output-format json` unavailable)"
    for row in rows:
        row.found = text if row is not ten else "(10 files)"
    for row in rows:
        bad = [s for s in row.samples if not tracklint_ok(s)]
        if bad:
            row.note = f"exit {bad[0].returncode}: {bad[0].stderr.decode(errors='replace').strip()[-300:]}"
    same = [facts.get(k) for k in ("cold_findings", "warm_findings", "reference_findings")]
    if skip_reference:
        same = same[:2]
        rows.remove(reference)
    if all(f is not None for f in same):
        facts["same_findings"] = all(f == same[0] for f in same)
        facts["findings"] = len(same[0])
    shutil.rmtree(tmp, ignore_errors=True)
    return rows, facts


# --- report -------------------------------------------------------------------------------------


def fmt_s(value: float | None) -> str:
    return "n/a" if value is None else (f"{value:.3f} s" if value < 1 else f"{value:.2f} s")


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None or b == 0 else a / b


def table(rows: list[Row], repeats: int) -> str:
    out = [f"| tool | wall (median) | CPU (median) | peak RSS | runs | calls found vs ground truth | note |",
           "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for row in rows:
        rss = "n/a" if row.rss is None else f"{row.rss:.0f} MB"
        out.append(f"| {row.tool} | {fmt_s(row.wall)} | {fmt_s(row.cpu)} | {rss} | {len(row.samples)} | "
                   f"{row.found} | {row.note} |")
    return "\n".join(out)


def bench_tree(root: Path, args) -> dict:
    truth_lines, truth_events, meta = load_truth(root)
    load_before = os.getloadavg()
    print(f"\n## {root} — {meta['files']:,} files, {meta['bytes'] / 1e6:,.0f} MB, "
          f"{meta['calls']:,} planted calls in {meta['files_with_calls']:,} files", flush=True)
    rows = []
    rows.append(run_ripgrep(root, args.repeats, truth_lines))
    print(f"  ripgrep: {fmt_s(rows[-1].wall)}", flush=True)
    if not args.skip_ast_grep:
        rows.append(run_ast_grep(root, args.slow_repeats, truth_lines))
        print(f"  ast-grep: {fmt_s(rows[-1].wall)}", flush=True)
    tl_rows, facts = run_tracklint(root, args.repeats, args.slow_repeats, truth_events, truth_lines,
                                   skip_reference=args.skip_reference)
    rows += tl_rows
    load_after = os.getloadavg()
    print()
    print(table(rows, args.repeats))
    rg = next((r for r in rows if r.tool.startswith("ripgrep")), None)
    sg = next((r for r in rows if r.tool.startswith("ast-grep")), None)
    cold = next((r for r in rows if "cold" in r.tool), None)
    warm = next((r for r in rows if "warm" in r.tool), None)
    ten = next((r for r in rows if "pre-commit" in r.tool), None)
    result = {
        "root": str(root), "files": meta["files"], "bytes": meta["bytes"], "calls": meta["calls"],
        "loadavg_before": load_before, "loadavg_after": load_after,
        "rows": [{"tool": r.tool, "wall": r.wall, "cpu": r.cpu, "rss_mb": r.rss, "runs": len(r.samples),
                  "found": r.found, "note": r.note} for r in rows],
        "cold_vs_ripgrep": ratio(cold and cold.wall, rg and rg.wall),
        "ast_grep_vs_cold": ratio(sg and sg.wall, cold and cold.wall),
        "warm_vs_ripgrep": ratio(warm and warm.wall, rg and rg.wall),
        "ten_files": ten.wall if ten else None,
        "cold_wall": cold.wall if cold else None,
        "cold_rss": cold.rss if cold else None,
        "same_findings": facts.get("same_findings"),
        "findings": facts.get("findings"),
    }
    print()
    print(f"- cold `check` vs ripgrep: {_r(result['cold_vs_ripgrep'])} (target at most 5x)")
    print(f"- ast-grep vs cold `check`: {_r(result['ast_grep_vs_cold'])} (target at least 20x)")
    print(f"- warm `check` vs ripgrep: {_r(result['warm_vs_ripgrep'])} (target at most 1x)")
    print(f"- `check` of 10 changed files: {fmt_s(result['ten_files'])} (target under 0.3 s)")
    print(f"- same findings cold / warm / --no-cache --jobs 1 --no-prefilter: {result['same_findings']} "
          f"({result['findings']} findings)")
    print(f"- load average before/after: {load_before[0]:.1f} / {load_after[0]:.1f} on {os.cpu_count()} cores")
    return result


def _r(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark tracklint against ripgrep and ast-grep.")
    parser.add_argument("roots", type=Path, nargs="+", help="trees made by generate.py")
    parser.add_argument("--repeats", type=int, default=3, help="runs per fast measurement (median)")
    parser.add_argument("--slow-repeats", type=int, default=1,
                        help="runs of ast-grep and the uncached single-process reference (default 1)")
    parser.add_argument("--skip-ast-grep", action="store_true")
    parser.add_argument("--skip-reference", action="store_true",
                        help="skip the uncached single-process run (findings are then compared cold vs warm)")
    parser.add_argument("--json-out", type=Path, help="also write the results as JSON")
    args = parser.parse_args(argv)
    if not shutil.which("rg"):
        print("ripgrep is missing: apt-get install ripgrep (its row is skipped)", file=sys.stderr)
    if not ast_grep_cmd():
        print("ast-grep is missing: pip install ast-grep-cli (its row is skipped)", file=sys.stderr)
    results = []
    for root in args.roots:
        if not (root / "ground_truth.json").exists():
            print(f"{root}: no ground_truth.json; make it with benchmarks/generate.py", file=sys.stderr)
            return 2
        results.append(bench_tree(root.resolve(), args))
    if len(results) > 1:
        print("\n## Scaling")
        base = results[0]
        for other in results[1:]:
            files = other["files"] / base["files"]
            grow = ratio(other["cold_wall"], base["cold_wall"])
            print(f"- {base['files']:,} -> {other['files']:,} files ({files:.1f}x): cold `check` "
                  f"{fmt_s(base['cold_wall'])} -> {fmt_s(other['cold_wall'])} ({_r(grow)}; "
                  f"{'no worse than linear' if grow is not None and grow <= files * 1.1 else 'worse than linear'}), "
                  f"peak RSS {other['cold_rss'] or 0:.0f} MB (target under 300 MB)")
    if args.json_out:
        args.json_out.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
