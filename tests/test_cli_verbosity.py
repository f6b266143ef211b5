"""``-q/--quiet`` and ``-v/--verbose`` on every command, and typer's shell completion."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tracklint
from tracklint.cli import app

REPO = Path(tracklint.__file__).resolve().parent.parent
COMMANDS = ("check", "scan", "rule", "diff", "import", "export", "init", "lsp")


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_takes_quiet_and_verbose(command):
    text = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"}).stdout
    for flag in ("--quiet", "-q", "--verbose", "-v"):
        assert flag in text


def _project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "tracking-plan.yaml").write_text(
        "tracklint: 1\nevents:\n  Signed Up:\n    description: x\n    previous_names: [signup]\n")
    (tmp_path / "app.js").write_text("analytics.track('signup');\n")
    return tmp_path


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("TRACKLINT_OUTPUT_FORMAT", None)
    return subprocess.run([sys.executable, "-m", "tracklint", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_quiet_keeps_the_report_and_drops_the_notes(tmp_path):
    root = _project(tmp_path)
    quiet = _run(root, "check", "--no-cache", "--fix", "-q")
    assert quiet.returncode == 0 and quiet.stderr == ""
    (root / "app.js").write_text("analytics.track('signup');\n")
    loud = _run(root, "check", "--no-cache", "--fix")
    assert "tracklint: fixed 1 finding in 1 file" in loud.stderr


def test_verbose_says_what_the_run_used_and_did(tmp_path):
    root = _project(tmp_path)
    for command in ("check", "scan"):
        result = _run(root, command, "--no-cache", "-v", "-f", "json")
        assert "tracklint: root " in result.stderr and "1 file(s) listed" in result.stderr
        assert "root" not in result.stdout.splitlines()[0]  # the report is untouched
    assert _run(root, "check", "-q", "-v").returncode == 2


def test_shell_completion_is_enabled():
    env = {**os.environ, "PYTHONPATH": str(REPO), "_TRACKLINT_COMPLETE": "complete_bash",
           "COMP_WORDS": "tracklint check --unsafe", "COMP_CWORD": "2"}
    code = "from tracklint.cli import app; app(prog_name='tracklint')"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.split() == ["--unsafe-fixes"]
    assert "--install-completion" in CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
