"""--changed-since REF: only changed files are checked, and a renamed event says what it was."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from typer.testing import CliRunner

from tracklint.cli import app

PLAN = "tracklint: 1\nevents:\n  Purchase Completed:\n    description: Paid.\n  Signed Up:\n    description: New.\n"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args], cwd=root, check=True, capture_output=True)


def test_changed_since_checks_changed_files_and_reports_the_rename(tmp_path: Path) -> None:
    root = tmp_path
    git(root, "init", "-q", "-b", "main")
    (root / "tracking-plan.yaml").write_text(PLAN)
    (root / "checkout.js").write_text('analytics.track("Signed Up");\nanalytics.track("Purchase Completed", {});\n')
    (root / "legacy.js").write_text('analytics.track("Old Unplanned Thing");\n')
    git(root, "add", "-A")
    git(root, "commit", "-qm", "base")
    git(root, "checkout", "-qb", "feature")
    (root / "checkout.js").write_text('analytics.track("Signed Up");\n\nanalytics.track("purchase_completed", {});\n')
    old = os.getcwd()
    os.chdir(root)
    try:
        result = CliRunner().invoke(app, ["check", "--no-cache", "--changed-since", "main", "-f", "json"], catch_exceptions=False)
        whole = CliRunner().invoke(app, ["check", "--no-cache", "-f", "json"], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.output
    diags = json.loads(result.output)["diagnostics"]
    assert {d["path"] for d in diags} == {"checkout.js"}  # legacy.js did not change
    (d,) = [d for d in diags if d["code"] == "TL001"]
    assert d["line"] == 3
    assert "did you mean `Purchase Completed`?" in d["message"]
    assert "(was `Purchase Completed` on main)" in d["message"]
    assert "legacy.js" in {d["path"] for d in json.loads(whole.output)["diagnostics"]}


def test_unknown_ref_is_a_usage_error(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "tracking-plan.yaml").write_text(PLAN)
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = CliRunner().invoke(app, ["check", "--changed-since", "nope"], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 2 and "nope" in result.output and "Traceback" not in result.output
