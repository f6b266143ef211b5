"""``tracklint validate`` on a real public sample of Segment-format events: the example payloads
of Segment's own documentation (segmentio/segment-docs, CC BY 4.0), checked against a plan built
from the Segment Spec's property tables (``shared/data/segment-spec``, extracted from the same
docs commit). Nothing here is committed: the payloads and the plan are written under /tmp.

Every fenced ``json`` block of the docs that parses as a Segment message (``type`` track,
identify, page, screen, group or alias; batches too) becomes one line of the sample; blocks that
are not valid JSON (ellipses, comments) are counted and left out. The plan has one event per
Spec event with its documented properties and types, additional properties allowed (the Spec
marks nothing required and forbids nothing).

    python benchmarks/validate_sample.py [--mirror /work/.mirror/segmentio+segment-docs/repo]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = Path(os.environ.get("TRACKLINT_SHARED_DIR") or ROOT.parent / "shared") / "data" / "segment-spec"
TYPES = {"track", "identify", "page", "screen", "group", "alias"}
_BLOCK = re.compile(r"```json[^\n]*\n(.*?)```", re.S)


def payloads(mirror: Path) -> tuple[list[dict], Counter]:
    """The Segment messages of every ``json`` block in the docs, and counts of what was seen."""
    git = ["git", f"--git-dir={mirror}"]
    names = subprocess.run([*git, "ls-tree", "-r", "--name-only", "HEAD", "src"], capture_output=True,
                           text=True, check=True).stdout.split()
    seen: Counter = Counter()
    out: list[dict] = []
    for name in names:
        if not name.endswith(".md"):
            continue
        text = subprocess.run([*git, "show", f"HEAD:{name}"], capture_output=True, text=True).stdout
        for block in _BLOCK.findall(text):
            seen["json blocks"] += 1
            try:
                value = json.loads(block)
            except ValueError:
                seen["not valid JSON"] += 1
                continue
            if isinstance(value, dict) and (value.get("type") in TYPES or isinstance(value.get("batch"), list)):
                out.append(value)
                seen["Segment messages"] += 1
    return out, seen


def plan_from_spec(spec: Path) -> dict:
    """A tracklint plan from the Spec facts: events, their properties and JSON types."""
    events: dict[str, dict] = {}
    for path in sorted(spec.glob("*.json")):
        doc = json.loads(path.read_text())
        for event in doc.get("events", []):
            props: dict[str, dict] = {}
            for prop in event.get("properties", []):
                name = prop["name"]
                if "." in name or "[" in name:
                    continue  # array items and nested names: the top-level key is enough here
                entry: dict = {}
                if prop.get("json_type"):
                    entry["type"] = list(dict.fromkeys(prop["json_type"]))
                if prop.get("enum"):
                    entry["enum"] = prop["enum"]
                props[name] = entry
            events.setdefault(event["name"], {"additional_properties": True, "properties": props})
    return {"tracklint": 1, "name": "Segment Spec (from the docs' property tables)", "events": events}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror/segmentio+segment-docs/repo"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/segment-docs-sample"))
    args = parser.parse_args()
    if not SPEC.is_dir():
        print(f"{SPEC} not found (set TRACKLINT_SHARED_DIR)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    messages, seen = payloads(args.mirror)
    sample = args.out / "events.jsonl"
    sample.write_text("".join(json.dumps(m) + "\n" for m in messages))
    plan = args.out / "tracking-plan.yaml"
    plan.write_text(yaml.safe_dump(plan_from_spec(SPEC), sort_keys=False))
    print(", ".join(f"{n} {what}" for what, n in seen.items()), f"-> {sample}")
    run = subprocess.run([sys.executable, "-m", "tracklint", "validate", str(sample), "--plan", str(plan),
                          "--isolated", "-f", "json", "--examples", "0"], capture_output=True, text=True, cwd=args.out,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    if run.returncode not in (0, 1):
        print(run.stderr, file=sys.stderr)
        return run.returncode
    doc = json.loads(run.stdout)
    summary = doc["validate"]
    by_code = Counter(d["code"] for d in doc["diagnostics"])
    conforming = sum(e["conforming"] for e in summary["by_event"])
    print(f"records {summary['records']}, events checked {summary['events']}, conforming {conforming}, "
          f"unreadable {summary['bad_records']}, not checked {sum(summary['skipped'].values())}")
    print("findings by rule:", dict(sorted(by_code.items())))
    for d in doc["diagnostics"][:15]:
        print(f"  {d['path']}:{d['line']}:{d['column']} {d['code']} {d['message']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
