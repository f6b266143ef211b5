"""A short run of the fuzzing campaign in ``benchmarks/fuzz.py``, so that CI exercises the script.

Each target gets a small, seeded budget (capped in seconds as well, so the whole file stays
under about a minute). A failure whose key is listed in ``KNOWN`` is a bug already pinned by an
``xfail`` test in ``tests/test_fuzz_regressions.py``; anything else fails the test and names the
folder holding the failing input. Remove an entry from ``KNOWN`` once its bug is fixed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def _load_fuzz():
    spec = importlib.util.spec_from_file_location("tracklint_fuzz", REPO / "benchmarks" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look the module up while the class is built
    spec.loader.exec_module(module)
    return module


fuzz = _load_fuzz()

#: target -> failure keys of known, pinned, not yet fixed bugs (see test_fuzz_regressions.py).
_UNSTABLE = "violation: extraction is not deterministic"
_DIRECTIVE = "violation: directive end column out of range"
_HANG = "hang: no progress for 15s"
KNOWN: dict[str, set[str]] = {
    "python": {_UNSTABLE},
    "javascript": {_UNSTABLE, _DIRECTIVE},
    "jsx": {_UNSTABLE, _DIRECTIVE},
    "typescript": {_UNSTABLE, _DIRECTIVE, _HANG},
    "tsx": {_UNSTABLE, _DIRECTIVE, _HANG},
    "swift": {_DIRECTIVE},
    "kotlin": {_UNSTABLE, _DIRECTIVE},
    "java": set(),
}

#: (inputs, seconds) per target: enough to run every generator and check, small enough for CI.
BUDGET = {"import": (60, 5.0), "engine": (40, 6.0)}
DEFAULT_BUDGET = (150, 4.0)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(fuzz.all_targets()))
def test_short_fuzz_campaign(name: str, tmp_path: Path) -> None:
    if name == "import" and fuzz.shared_plans_dir() is None:
        pytest.skip("../shared/data/plans is not beside this checkout (set TRACKLINT_SHARED_DIR)")
    examples, seconds = BUDGET.get(name, DEFAULT_BUDGET)
    summary = tmp_path / "summary.json"
    # Through main(): the campaign runs in a child process, so a hang or a crash in a grammar
    # is reported as a failure instead of stopping the test run.
    fuzz.main(["--target", name, "--examples", str(examples), "--seconds", str(seconds), "--seed", "0",
               "--hang", "15", "--max-memory", "2048", "--no-minimise", "--out", str(tmp_path / "out"),
               "--json", str(summary)])
    (report,) = json.loads(summary.read_text())
    assert report["inputs"] >= min(examples, 10)
    new = {key: entry["folder"] for key, entry in report["failures"].items() if key not in KNOWN.get(name, set())}
    assert not new, f"fuzzing {name} found: {new}"
