"""What an unchanged run still costs: ``scan`` skips the plan's schema pass for bytes that passed
it before (as ``check`` does), and the warm path imports nothing it does not use."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PLAN = "tracklint: 1\nevents:\n  Signed Up:\n    description: New account.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "tracking-plan.yaml").write_text(PLAN)
    (tmp_path / "a.js").write_text('analytics.track("Signed Up");\n')
    past = time.time() - 60
    for path in tmp_path.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))
    return tmp_path


def run(project: Path, *args: str):
    from typer.testing import CliRunner

    from tracklint.cli import app

    old = os.getcwd()
    os.chdir(project)
    try:
        return CliRunner().invoke(app, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def test_scan_skips_the_schema_pass_for_a_plan_checked_before(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tracklint.plan import load as load_module

    assert run(project, "scan", "-f", "concise").exit_code == 0  # validates and remembers the plan's bytes
    monkeypatch.setattr(load_module, "_validators", lambda: (_ for _ in ()).throw(AssertionError("schema pass ran")))
    assert run(project, "scan", "-f", "concise").exit_code == 0
    monkeypatch.undo()
    # changed bytes are validated again: a misspelt key is an error with its position
    (project / "tracking-plan.yaml").write_text(PLAN + "    descripton: typo\n")
    result = run(project, "scan", "-f", "concise")
    assert result.exit_code == 2 and "tracking-plan.yaml:5:" in result.output
    # and without a cache, every run validates
    monkeypatch.setattr(load_module, "_validators", lambda: (_ for _ in ()).throw(AssertionError("schema pass ran")))
    (project / "tracking-plan.yaml").write_text(PLAN)
    result = run(project, "scan", "--no-cache", "-f", "concise")
    assert result.exit_code == 2 and "schema pass ran" in result.output


@pytest.mark.parametrize("command", ["scan", "check"])
def test_an_unchanged_run_imports_no_schema_validator(project: Path, command: str) -> None:
    """jsonschema (and what it pulls in) is a tenth of a second of a warm run's start."""
    probe = ("import runpy, sys\nsys.argv = ['tracklint', %r, '-q', '-f', 'json', '-o', %r]\n"
             "try:\n    runpy.run_module('tracklint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('jsonschema', 'referencing')))\n"
             % (command, os.devnull))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    first = subprocess.run([sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True)
    assert first.stdout.strip() != "[]", first.stderr  # the first run validates the plan
    again = subprocess.run([sys.executable, "-c", probe], cwd=project, env=env, capture_output=True, text=True)
    assert again.stdout.strip() == "[]", again.stderr
