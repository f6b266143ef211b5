"""Time tracklint against ripgrep and ast-grep on the pinned real repositories (issue #14).

For every repository with role "speed" in ``corpus.toml`` (checkouts under ``$TRACKLINT_CORPUS``,
default ``/work/corpus``, written by ``corpus.py``), in one run, with medians over ``--repeats``:

* ripgrep, one pattern: ``\\.METHOD\\(`` where METHOD is ``capture`` for repositories whose SDK is
  PostHog and ``track`` otherwise (the floor: every file read once, the same ``.gitignore``);
* ast-grep, one rule per language (python, javascript, typescript, tsx, swift, kotlin) with the
  single pattern ``$X.METHOD($$$A)``, the same METHOD;
* ``tracklint check`` cold (``.tracklint_cache`` removed before each run), warm (nothing changed,
  after one untimed settling run) and on 10 changed files named on the command line (a comment
  line appended to each; 2 of them hold a METHOD call where there are any);
* once (``--slow-repeats``) ``tracklint check --no-cache --jobs 1 --no-prefilter``: the reference;
* once per run, before the repositories, the floor: ``tracklint check`` cold and warm in a git
  repository of one file (what starting the interpreter, importing, reading the configuration,
  validating the plan and reporting cost; no run on a real tree costs less).

The plan is empty (``events: {}``, committed as ``tracking-plan.yaml``), so every call tracklint
finds is a finding (TL001 unplanned event, or TL010 when the event name is not static): "the same
findings cold, warm and in the reference" is "the same calls", compared by path, line, column,
code and event, and the calls count of the report's summary is compared too.

The checkouts are plain directories; a CI gate runs in a git checkout, so each one is made a git
repository with one commit of every file (``git add --force``: the pinned tree's files were all
tracked) before anything is timed, and ``.tracklint_cache/`` goes to ``.git/info/exclude``.
Use a corpus directory of your own (``TRACKLINT_CORPUS=/tmp/corpus-bench python
benchmarks/corpus.py``) if others read ``/work/corpus`` as pristine checkouts.

Timing, CPU (user+sys of the process and every child it waited for, from ``wait4``) and peak RSS
come from ``run.py``.

    TRACKLINT_CORPUS=/work/corpus-bench python benchmarks/real.py --repeats 5 --json-out real.json
    python benchmarks/real.py --only formbricks/formbricks --repeats 3
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from run import (  # noqa: E402  (shared timing code: run.py)
    Row, ast_grep_cmd, bytecode_ready, clear_cache, fmt_s, measure, ratio, tracklint_cmd,
)

from tracklint.extract import LANGUAGE_BY_SUFFIX  # noqa: E402

AST_GREP_LANGUAGES = ("python", "javascript", "typescript", "tsx", "swift", "kotlin")
EMPTY_PLAN = "# written by benchmarks/real.py: every call found is a finding\nversion: 1\nevents: {}\n"


def speed_entries(only: list[str] | None) -> list[dict]:
    with open(HERE / "corpus.toml", "rb") as handle:
        entries = tomllib.load(handle)["repo"]
    return [e for e in entries if "speed" in e["roles"] and (not only or e["repo"] in only)]


def method_for(entry: dict) -> str:
    return "capture" if "posthog" in entry.get("sdks", []) else "track"


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=check)


def prepare(root: Path) -> None:
    """One commit of every file and an empty plan (untimed; idempotent)."""
    plan = root / "tracking-plan.yaml"
    if plan.exists() and plan.read_text() != EMPTY_PLAN and not (root / ".git").exists():
        raise SystemExit(f"{root}: has a tracking-plan.yaml of its own; not overwriting it")
    if not (root / ".git").exists():
        plan.write_text(EMPTY_PLAN)
        git(root, "init", "-q")
        (root / ".git" / "info").mkdir(exist_ok=True)
        (root / ".git" / "info" / "exclude").write_text(".tracklint_cache/\n")
        git(root, "add", "--force", "--all", ".")
        git(root, "-c", "user.name=bench", "-c", "user.email=bench@localhost", "-c", "commit.gpgsign=false",
            "commit", "-q", "-m", "pinned tree (benchmarks/real.py)")
    else:
        git(root, "checkout", "--", ".", check=False)  # undo an interrupted 10-files run


def tree_facts(root: Path) -> dict:
    names = [n for n in git(root, "ls-files", "-z").stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    total = src = src_bytes = 0
    for name in names:
        try:
            size = os.lstat(root / name).st_size
        except OSError:
            continue
        total += size
        dot = name.rfind(".")
        if dot > 0 and name[dot:].lower() in LANGUAGE_BY_SUFFIX:
            src += 1
            src_bytes += size
    return {"files": len(names), "bytes": total, "source_files": src, "source_bytes": src_bytes, "names": names}


def run_rg(root: Path, method: str, repeats: int) -> Row:
    row = Row(f"ripgrep `\\.{method}\\(`")
    rg = shutil.which("rg")
    if rg is None:
        row.note = "not installed (apt-get install ripgrep)"
        return row
    cmd = [rg, "-n", "--no-heading", "--no-config", "-e", rf"\.{method}\(", "."]
    measure(cmd, root)  # untimed: the page cache, for every tool alike
    for _ in range(repeats):
        row.samples.append(measure(cmd, root))
    lines = row.samples[-1].stdout.count(b"\n")
    row.found = f"{lines} lines"
    return row


def run_sg(root: Path, method: str, repeats: int) -> Row:
    row = Row(f"ast-grep `$X.{method}($$$A)`")
    exe = ast_grep_cmd()
    if exe is None:
        row.note = "not installed (pip install ast-grep-cli)"
        return row
    with tempfile.TemporaryDirectory(prefix="tl-real-sg-") as tmp:
        rules = Path(tmp) / "rules.yml"
        rules.write_text("---\n".join(
            f"id: {method}-{lang}\nlanguage: {lang}\nseverity: info\nmessage: call\n"
            f"rule:\n  pattern: $X.{method}($$$A)\n" for lang in AST_GREP_LANGUAGES))
        out = Path(tmp) / "out.jsonl"
        cmd = [exe, "scan", "--rule", str(rules), "--json=stream", "."]
        for _ in range(repeats):
            row.samples.append(measure(cmd, root, stdout_file=out))
        with open(out, "rb") as handle:
            row.found = f"{sum(1 for line in handle if line.strip())} matches"
    last = row.samples[-1] if row.samples else None
    if last and last.returncode not in (0, 1):
        row.note = f"exit {last.returncode}: {last.stderr[:200]!r}"
    return row


def report_of(path: Path) -> tuple[list | None, int | None]:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None, None
    keys = ("path", "line", "column", "code", "event")
    items = sorted(json.dumps([d.get(k) for k in keys]) for d in doc.get("diagnostics", []))
    return items, doc.get("summary", {}).get("calls")


def pick_changed(root: Path, names: list[str], method: str, count: int = 10) -> list[str]:
    sources = [n for n in names if n[n.rfind("."):].lower() in LANGUAGE_BY_SUFFIX and n != "tracking-plan.yaml"
               and not re.search(r"(^|/)(node_modules|vendor|build|dist)/|\.min\.", n)]
    needle = f".{method}(".encode()
    with_calls = []
    for n in sources:
        try:
            if needle in (root / n).read_bytes():
                with_calls.append(n)
        except OSError:
            pass
    picked = with_calls[:: max(1, len(with_calls) // 2)][:2]
    rest = [n for n in sources if n not in picked]
    step = max(1, len(rest) // (count - len(picked)))
    return picked + rest[::step][: count - len(picked)]


def touch(root: Path, files: list[str], stamp: int) -> None:
    for rel in files:
        marker = "#" if rel.endswith(".py") else "//"
        with open(root / rel, "a", encoding="utf-8") as handle:
            handle.write(f"\n{marker} edited by the benchmark ({stamp})\n")


def run_tracklint(root: Path, repeats: int, slow_repeats: int, changed: list[str]) -> tuple[list[Row], dict]:
    exe = tracklint_cmd()
    check = exe + ["check", "--output-format", "json", "--exit-zero"]
    tmp = Path(tempfile.mkdtemp(prefix="tl-real-"))
    rows: list[Row] = []
    facts: dict = {}

    cold = Row("tracklint check, cold (cache removed)")
    for k in range(repeats):
        clear_cache(root)
        cold.samples.append(measure(check + ["-o", str(tmp / f"cold{k}.json")], root))
    rows.append(cold)

    warm = Row("tracklint check, warm (nothing changed)")
    measure(check + ["-o", str(tmp / "settle.json")], root)
    for k in range(repeats):
        warm.samples.append(measure(check + ["-o", str(tmp / f"warm{k}.json")], root))
    rows.append(warm)

    ten = Row(f"tracklint check FILE x{len(changed)} (pre-commit)")
    try:
        for k in range(repeats):
            touch(root, changed, k)
            ten.samples.append(measure(check + ["-o", str(tmp / f"ten{k}.json"), *changed], root))
    finally:
        git(root, "checkout", "--", *changed, check=False)
    rows.append(ten)

    ref = Row("tracklint check --no-cache --jobs 1 --no-prefilter (reference)")
    for k in range(slow_repeats):
        ref.samples.append(measure(check + ["--no-cache", "--jobs", "1", "--no-prefilter",
                                            "-o", str(tmp / f"ref{k}.json")], root))
    rows.append(ref)

    reports = {name: report_of(tmp / f"{name}0.json") for name in ("cold", "warm", "ref")}
    for name, (items, calls) in reports.items():
        facts[f"{name}_findings"] = None if items is None else len(items)
        facts[f"{name}_calls"] = calls
    # every cold and warm repeat, not only the first, against the reference
    others = [report_of(tmp / f"{n}{k}.json") for n in ("cold", "warm") for k in range(repeats)]
    want = reports["ref"]
    facts["same_findings"] = want[0] is not None and all(o == want for o in others)
    for row in rows:
        bad = [s for s in row.samples if s.returncode not in (0, 1)]
        if bad:
            row.note = f"exit {bad[0].returncode}: {bad[0].stderr.decode(errors='replace').strip()[-300:]}"
    cold.found = warm.found = ref.found = f"{want[1]} calls, {facts['ref_findings']} findings"
    ten.found = "(10 files)"
    shutil.rmtree(tmp, ignore_errors=True)
    clear_cache(root)
    return rows, facts


def run_floor(repeats: int) -> dict:
    """What a run of tracklint costs before it reads any file: ``check`` cold and warm in a
    git repository holding one Python file and the empty plan (interpreter start, imports,
    configuration, plan validation, listing, report). No run on a real tree costs less."""
    exe = tracklint_cmd()
    check = exe + ["check", "--output-format", "json", "--exit-zero", "-o", os.devnull]
    with tempfile.TemporaryDirectory(prefix="tl-real-floor-") as tmp:
        root = Path(tmp)
        (root / "tracking-plan.yaml").write_text(EMPTY_PLAN)
        (root / "app.py").write_text("import os\n")
        git(root, "init", "-q")
        git(root, "add", ".")
        git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "floor")
        cold, warm = Row("tracklint check, cold, empty repository"), Row("tracklint check, warm, empty repository")
        for _ in range(repeats):
            clear_cache(root)
            cold.samples.append(measure(check, root))
        for _ in range(repeats):
            warm.samples.append(measure(check, root))
    print(repo_table([cold, warm]), flush=True)
    return {"cold_wall": cold.wall, "cold_cpu": cold.cpu, "warm_wall": warm.wall, "warm_cpu": warm.cpu}


def repo_table(rows: list[Row]) -> str:
    out = ["| tool | wall (median) | CPU (median) | peak RSS | runs | found | note |",
           "| --- | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in rows:
        rss = "n/a" if r.rss is None else f"{r.rss:.0f} MB"
        out.append(f"| {r.tool} | {fmt_s(r.wall)} | {fmt_s(r.cpu)} | {rss} | {len(r.samples)} | {r.found} | {r.note} |")
    return "\n".join(out)


def bench_repo(entry: dict, corpus: Path, args) -> dict:
    root = corpus / entry["repo"].replace("/", "+")
    if not root.is_dir():
        raise SystemExit(f"{root}: missing; write it with benchmarks/corpus.py (TRACKLINT_CORPUS={corpus})")
    prepare(root)
    clear_cache(root)
    facts = tree_facts(root)
    method = method_for(entry)
    load_before = os.getloadavg()
    print(f"\n### {entry['repo']} @ {entry['commit'][:12]} — {facts['files']:,} files, "
          f"{facts['bytes'] / 1e6:.1f} MB; {facts['source_files']:,} source files, "
          f"{facts['source_bytes'] / 1e6:.1f} MB; method `{method}`\n", flush=True)
    rows = [run_rg(root, method, args.repeats)]
    if not args.skip_ast_grep:
        rows.append(run_sg(root, method, args.repeats))
    changed = pick_changed(root, facts.pop("names"), method)
    tl_rows, tl_facts = run_tracklint(root, args.repeats, args.slow_repeats, changed)
    rows += tl_rows
    load_after = os.getloadavg()
    print(repo_table(rows))
    rg, sg = rows[0], (rows[1] if not args.skip_ast_grep else None)
    cold, warm, ten, ref = tl_rows
    print(f"\n- same findings cold x{args.repeats} / warm x{args.repeats} / reference: {tl_facts['same_findings']} "
          f"({tl_facts['ref_calls']} calls, {tl_facts['ref_findings']} findings)")
    print(f"- cold CPU / ast-grep CPU: {_x(ratio(cold.cpu, sg and sg.cpu))}; cold wall / ripgrep wall: "
          f"{_x(ratio(cold.wall, rg.wall))}; warm / ripgrep: {_x(ratio(warm.wall, rg.wall))}")
    print(f"- load average before / after: {load_before[0]:.2f} / {load_after[0]:.2f}", flush=True)
    return {
        "repo": entry["repo"], "commit": entry["commit"], "method": method, **facts,
        "changed_files": changed, "loadavg_before": load_before, "loadavg_after": load_after,
        "rows": [{"tool": r.tool, "wall": r.wall, "cpu": r.cpu, "rss_mb": r.rss, "runs": len(r.samples),
                  "walls": [s.wall for s in r.samples], "cpus": [s.cpu for s in r.samples],
                  "found": r.found, "note": r.note} for r in rows],
        **tl_facts,
        "rg_wall": rg.wall, "sg_wall": sg and sg.wall, "sg_cpu": sg and sg.cpu,
        "cold_wall": cold.wall, "cold_cpu": cold.cpu, "warm_wall": warm.wall, "warm_cpu": warm.cpu,
        "ten_wall": ten.wall, "ref_wall": ref.wall,
    }


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def summary_table(results: list[dict], floor: dict | None = None) -> str:
    floor_cpu = floor and floor["cold_cpu"]
    out = ["| repository | files (source) | MB (source) | rg wall | ast-grep wall / CPU | tracklint cold wall / CPU "
           "| warm wall | 10 files | reference wall | calls | cold CPU / ast-grep CPU | floor CPU / ast-grep CPU "
           "| cold / rg wall | warm / rg wall | same findings |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in results:
        out.append(
            f"| {r['repo']} | {r['files']:,} ({r['source_files']:,}) | {r['bytes'] / 1e6:.1f} ({r['source_bytes'] / 1e6:.1f}) "
            f"| {fmt_s(r['rg_wall'])} | {fmt_s(r['sg_wall'])} / {fmt_s(r['sg_cpu'])} "
            f"| {fmt_s(r['cold_wall'])} / {fmt_s(r['cold_cpu'])} | {fmt_s(r['warm_wall'])} | {fmt_s(r['ten_wall'])} "
            f"| {fmt_s(r['ref_wall'])} | {r['ref_calls']} | {_x(ratio(r['cold_cpu'], r['sg_cpu']))} "
            f"| {_x(ratio(floor_cpu, r['sg_cpu']))} "
            f"| {_x(ratio(r['cold_wall'], r['rg_wall']))} | {_x(ratio(r['warm_wall'], r['rg_wall']))} "
            f"| {'yes' if r['same_findings'] else 'NO'} |")
    return "\n".join(out)


def machine() -> dict:
    model = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    def version(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "n/a"
    sg = ast_grep_cmd()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
        "ripgrep": version(["rg", "--version"]) if shutil.which("rg") else "n/a",
        "ast-grep": version([sg, "--version"]) if sg else "n/a",
        "tracklint": version(tracklint_cmd() + ["--version"]),
        "git": version(["git", "--version"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="owner/name entries (default: every 'speed' repository)")
    parser.add_argument("--repeats", type=int, default=5, help="runs per measurement (median; default 5)")
    parser.add_argument("--slow-repeats", type=int, default=1, help="runs of the reference (default 1)")
    parser.add_argument("--skip-ast-grep", action="store_true")
    parser.add_argument("--json-out", type=Path)
    args = parser.parse_args(argv)
    corpus = Path(os.environ.get("TRACKLINT_CORPUS", "/work/corpus"))
    info = machine()
    print(f"# real repositories — {info['date']}, {info['nproc']} cores ({info['cpu']}), "
          f"{info['ripgrep']}, {info['ast-grep']}, {info['tracklint']}, Python {info['python']}; "
          f"load average {os.getloadavg()[0]:.2f}")
    bytecode_ready()
    print("\n### the floor: an empty repository\n")
    floor = run_floor(args.repeats)
    results = [bench_repo(e, corpus, args) for e in speed_entries(args.only)]
    print("\n## Summary (medians)\n")
    print(summary_table(results, floor))
    if args.json_out:
        args.json_out.write_text(json.dumps({"machine": info, "repeats": args.repeats, "floor": floor,
                                             "results": results}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
