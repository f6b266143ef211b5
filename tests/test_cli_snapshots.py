"""Snapshot tests of the CLI: for every command in its main formats, the exit code, stdout and
stderr (and the file a command writes) are compared with a stored expected file under
``tests/fixtures/snapshots/``. Any change of the output fails here; when the change is meant,
regenerate the files and review the diff:

    TRACKLINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_cli_snapshots.py

Only timings (``0.12s``) and absolute paths (the repository, the test's temporary directory)
are normalised.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracklint.cli import app

ROOT = Path(__file__).resolve().parent.parent
ACME = ROOT / "examples" / "acme"
SNAPSHOTS = Path(__file__).resolve().parent / "fixtures" / "snapshots"
INPUTS = SNAPSHOTS / "inputs"
DIFF = Path(__file__).resolve().parent / "fixtures" / "diff"
UPDATE = os.environ.get("TRACKLINT_UPDATE_SNAPSHOTS") == "1"

#: Environment variables that change what the commands write; unset for every case.
_ENVIRONMENT = ("TRACKLINT_OUTPUT_FORMAT", "NO_COLOR", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE",
                "GITHUB_ACTIONS", "CI", "TRACKLINT_DEBUG", "FORCE_COLOR")


@dataclass(frozen=True)
class Case:
    """One command line, run in ``cwd``; ``{tmp}`` in an argument is the test's temporary
    directory, and ``writes`` names the file (under it) whose content is part of the snapshot.
    Paths are always given, so that files added elsewhere in the repository change nothing."""

    name: str
    args: tuple[str, ...]
    cwd: Path = ROOT
    writes: str | None = None


def _cases() -> list[Case]:
    plan = str(ACME / "tracking-plan.yaml")
    cases = [Case(f"check-acme-{fmt}", ("check", "--no-cache", "-f", fmt, "."), ACME)
             for fmt in ("full", "concise", "json", "github", "markdown")]
    cases += [Case(f"check-app-{fmt}", ("check", "--no-cache", "-f", fmt, "--plan", plan, str(INPUTS / "app")))
              for fmt in ("concise", "sarif")]
    cases += [
        Case("check-acme-write-baseline", ("check", "--no-cache", "--write-baseline", "{tmp}/baseline.json", "."), ACME,
             writes="baseline.json"),
        Case("check-usage-error", ("check", "--no-cache", "-f", "json", "--fail-on", "fatal", str(INPUTS / "app"))),
    ]
    cases += [Case(f"scan-acme-{fmt}", ("scan", "--no-cache", "-f", fmt, "."), ACME) for fmt in ("full", "concise")]
    cases.append(Case("scan-app-json", ("scan", "--no-cache", "-f", "json", "--plan", plan, str(INPUTS / "app"))))
    cases.append(Case("scan-acme-event", ("scan", "--no-cache", "-f", "concise", "--event", "order completed", "."), ACME))
    cases += [Case(f"diff-{fmt}", ("diff", "-f", fmt, str(DIFF / "old.yaml"), str(DIFF / "new.yaml")))
              for fmt in ("full", "json", "markdown", "github")]
    cases += [
        Case("diff-same", ("diff", str(DIFF / "old.yaml"), str(DIFF / "same.yaml"))),
        Case("diff-usage-error", ("diff", "-f", "json", str(DIFF / "old.yaml"))),
        Case("rule-list-text", ("rule",)),
        Case("rule-list-json", ("rule", "-f", "json")),
        Case("rule-TL001", ("rule", "TL001")),
        Case("rule-unknown", ("rule", "TL999")),
        Case("init-app", ("init", str(INPUTS / "app"), "-o", "{tmp}/tracking-plan.yaml"), writes="tracking-plan.yaml"),
        Case("import-segment", ("import", "segment", str(INPUTS / "segment-rules.json"))),
        Case("import-segment-file", ("import", "auto", str(INPUTS / "segment-rules.json"), "-o", "{tmp}/plan.yaml"),
             writes="plan.yaml"),
        Case("export-jsonschema", ("export", "jsonschema", "--plan", plan)),
        Case("export-segment", ("export", "segment", "--plan", plan)),
        Case("export-unknown-format", ("export", "yaml", "--plan", plan)),
    ]
    return cases


CASES = _cases()


def _normalise(text: str, tmp: Path) -> str:
    for path, name in ((tmp, "<TMP>"), (ROOT, "<ROOT>")):
        for form in dict.fromkeys((str(path), os.path.realpath(path))):
            text = text.replace(form, name)
    return re.sub(r"\b\d+\.\d+s\b", "<SECONDS>s", text)


def _render(case: Case, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    for name in _ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.chdir(case.cwd)
    args = [a.replace("{tmp}", str(tmp)) for a in case.args]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    parts = [f"$ tracklint {' '.join(case.args)}", f"exit: {result.exit_code}", "--- stdout", result.stdout,
             "--- stderr", result.stderr]
    if case.writes is not None:
        written = tmp / case.writes
        parts += [f"--- {case.writes}", written.read_text(encoding="utf-8") if written.exists() else "<not written>"]
    return _normalise("\n".join(parts), tmp)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_cli_output_matches_snapshot(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    actual = _render(case, tmp_path, monkeypatch)
    expected_file = SNAPSHOTS / f"{case.name}.txt"
    if UPDATE:
        expected_file.write_text(actual, encoding="utf-8", newline="\n")
    assert expected_file.exists(), f"no snapshot {expected_file.name}; run with TRACKLINT_UPDATE_SNAPSHOTS=1"
    expected = expected_file.read_text(encoding="utf-8")
    assert actual == expected, f"{case.name}: output changed; if meant, regenerate with TRACKLINT_UPDATE_SNAPSHOTS=1"


def test_every_snapshot_file_belongs_to_a_case() -> None:
    """A removed case leaves no stale file behind."""
    names = {f"{c.name}.txt" for c in CASES}
    assert sorted(p.name for p in SNAPSHOTS.glob("*.txt") if p.name not in names) == []
