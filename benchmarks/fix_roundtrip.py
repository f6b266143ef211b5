"""``check --fix`` on real trees: rename every event the code sends, apply the fixes, check again.

For each tree (copied to a scratch directory first; the original is never written), the script
scans the calls, writes a plan in which every event read from a literal or a constant is planned
under another spelling (half as a case/separator variant, half as a new name that lists the old
one in ``previous_names``: both safe fixes), and reports per tree:

* ``calls``: call sites whose event name is known; ``findings``: TL001 findings;
* ``fixable``: findings with a safe fix; ``files``: files ``--fix`` rewrote;
* ``after``: TL001 findings left after ``--fix`` (those without a fix), ``renamed``: call
  sites that now send the planned name, ``broken``: syntax-error findings the fix added (must
  be 0), ``second``: files a second ``--fix`` changed (must be 0).

Usage: ``PYTHONPATH=$PWD python benchmarks/fix_roundtrip.py [--config wide.toml] TREE...``
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def tracklint(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TRACKLINT_OUTPUT_FORMAT": ""}
    return subprocess.run([sys.executable, "-m", "tracklint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=1800)


def as_json(proc: subprocess.CompletedProcess) -> dict:
    """The JSON document a run printed; its stderr in the error when it printed none."""
    try:
        return json.loads(proc.stdout)
    except ValueError:
        raise SystemExit(f"tracklint exited {proc.returncode} without a report: {proc.stderr[-2000:]}") from None


def planned_spelling(name: str, n: int) -> tuple[str, list[str]]:
    """Another spelling of ``name``: a separator variant (even ``n``) or a new name that lists
    ``name`` as its previous name (odd ``n``)."""
    if n % 2 == 0:
        folded = "".join(ch for ch in name if ch.isalnum())
        if folded and folded != name:
            variant = name.replace(" ", "_").replace("-", "_") if (" " in name or "-" in name) else name.upper()
            if variant != name:
                return variant, []
    return f"{name} v2", [name]


def write_plan(path: Path, events: list[str]) -> None:
    lines = ["tracklint: 1", "events:"]
    for n, name in enumerate(events):
        new, old = planned_spelling(name, n)
        lines.append(f"  {json.dumps(new)}:")
        lines.append("    description: renamed for the fix benchmark")
        lines.append("    additional_properties: true")
        if old:
            lines.append(f"    previous_names: [{json.dumps(old[0])}]")
    path.write_text("\n".join(lines) + "\n")


def run_tree(tree: Path, config: Path | None) -> dict[str, int]:
    scratch = Path(tempfile.mkdtemp(prefix="fixbench-"))
    root = scratch / tree.name
    shutil.copytree(tree, root, symlinks=True)
    if not (root / ".git").exists():
        (root / ".git").mkdir()
    cfg = []
    if config is not None:  # inside the copy: a configuration file outside would move the root
        shutil.copyfile(config, root / "bench-tracklint.toml")
        cfg = ["--config", str(root / "bench-tracklint.toml")]
    scan = as_json(tracklint(root, "scan", "-f", "json", "--no-cache", *cfg))
    known = [c for c in scan["calls"] if c["event"] is not None and c["kind"] == "track"]
    events = sorted({c["event"] for c in known})
    write_plan(root / "bench-plan.yaml", events)
    args = ["--plan", str(root / "bench-plan.yaml"), "--no-cache", "-f", "json", "--exit-zero", *cfg]
    before = as_json(tracklint(root, "check", *args))["diagnostics"]
    fixed = tracklint(root, "check", "--fix", *args)
    after = as_json(fixed)["diagnostics"]
    second = tracklint(root, "check", "--diff", "--plan", str(root / "bench-plan.yaml"), "--no-cache", *cfg)
    rescan = as_json(tracklint(root, "scan", "-f", "json", "--no-cache", *cfg))
    planned = {planned_spelling(e, n)[0] for n, e in enumerate(events)}
    shutil.rmtree(scratch)
    tl001 = [d for d in before if d["code"] == "TL001"]
    return {
        "calls": len(known),
        "findings": len(tl001),
        "fixable": sum(1 for d in tl001 if d["fix"] and d["fix"]["applicability"] == "safe"),
        "files": len({e["path"] for d in tl001 if d["fix"] for e in d["fix"]["edits"]}),
        "after": sum(1 for d in after if d["code"] == "TL001"),
        "renamed": sum(1 for c in rescan["calls"] if c["event"] in planned and c["kind"] == "track"),
        "broken": sum(1 for d in after if d["code"] == "TL000") - sum(1 for d in before if d["code"] == "TL000"),
        "second": sum(1 for line in second.stdout.splitlines() if line.startswith("+++ ")),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", type=Path)
    parser.add_argument("trees", nargs="+", type=Path)
    ns = parser.parse_args()
    print(f"{'tree':40} calls findings fixable files after renamed broken second")
    for tree in ns.trees:
        r = run_tree(tree.resolve(), ns.config.resolve() if ns.config else None)
        print(f"{tree.name:40} {r['calls']:5} {r['findings']:8} {r['fixable']:7} {r['files']:5} {r['after']:5} "
              f"{r['renamed']:7} {r['broken']:6} {r['second']:6}")


if __name__ == "__main__":
    main()
