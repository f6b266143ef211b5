"""What a new user's first run costs and shows, on the materialised corpus (issue #13).

For each repository: the scan's time and calls, the in-house tracker discovery's extra time
(forwarding functions and a text count over every listed file: it must stay a small fraction of
the scan) and what it proposes, which of the proposals ``init`` declares (those whose calls give
event names tracklint can read) and the calls they add, and the findings of ``check`` against
the configuration and plan ``init`` writes (a plan-lint flood, a TL104 on the plan init just
wrote, or a TL010 per undeclarable facade call would show here). Nothing is written to the tree.
It models init's first round only: the forwarders of the trackers just declared (init's second
round) and the property convention a wrapper's own call breaks are left to ``tracklint init``.

    PYTHONPATH=. python benchmarks/first_run.py [owner+name ...]   # default: every corpus tree
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

CORPUS = Path(os.environ.get("TRACKLINT_CORPUS", "/work/corpus"))


def measure(tree: Path) -> str:
    from tracklint import engine
    from tracklint.config import resolve_settings
    from tracklint.commands.imports import _readable
    from tracklint.discover import proposals, wrapper_entry
    from tracklint.forwarding import forwarding_calls
    from tracklint.importers.calls import plan_from_calls
    from tracklint.plan.dump import dump_plan
    from tracklint.plan.load import load_plan
    from tracklint.testpaths import is_test_path

    settings = resolve_settings(cwd=tree, overrides={"cache": False})
    started = time.perf_counter()
    calls = engine.scan(settings).calls
    scanned = time.perf_counter() - started
    started = time.perf_counter()
    facades = proposals(settings, calls)
    discovered = time.perf_counter() - started
    declared, _ = _readable(settings, facades) if facades else ([], [])
    if declared:
        entries = tuple(wrapper_entry(f) for f in declared)
        settings = settings.with_(wrappers=settings.wrappers + entries)
        calls = engine.scan(settings).calls
    inner = forwarding_calls(tree, calls, settings.wrappers)
    planned, _ = plan_from_calls(c for c in calls if not is_test_path(c.path) and (c.path, c.span.start_byte) not in inner)
    with tempfile.TemporaryDirectory() as tmp:
        plan_path = Path(tmp) / "tracking-plan.yaml"
        plan_path.write_text(dump_plan(planned), encoding="utf-8")
        result = engine.run(settings.with_(plan=plan_path), load_plan(plan_path))
    from tracklint.diagnose import group_plan_findings

    codes = Counter(d.code for d in group_plan_findings(result.active, ()))
    proposed = ", ".join(f"{f.function} x{f.calls}{'' if f in declared else ' (not declared)'}"
                         f"{f' transform={f.transform}' if f.transform else ''}" for f in facades) or "-"
    named = sum(1 for c in calls if c.sdk == "custom" and c.event is not None)
    return (f"{tree.name}: scan {scanned:.2f}s; discovery +{discovered:.2f}s: {proposed}; after init: "
            f"{len(calls)} calls ({named} through wrappers with an event name), {len(planned.events)} events planned; "
            f"check: {dict(sorted(codes.items())) or 'clean'}")


def main(argv: list[str]) -> int:
    trees = [CORPUS / name for name in argv] if argv else sorted(p for p in CORPUS.iterdir() if p.is_dir())
    for tree in trees:
        print(measure(tree), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
