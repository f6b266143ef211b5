"""The console entry point builds only the command it runs; everything else sees every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import tracklint

REPO = Path(tracklint.__file__).resolve().parent.parent


def _run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "200", **(env or {})}
    full.pop("TRACKLINT_OUTPUT_FORMAT", None)
    return subprocess.run([sys.executable, "-m", "tracklint", *args], cwd=cwd, env=full,
                          capture_output=True, text=True, timeout=120)


def test_a_named_command_runs_as_before(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "tracking-plan.yaml").write_text(
        "tracklint: 1\nevents:\n  Signed Up:\n    description: x\n    previous_names: [signup]\n")
    (tmp_path / "app.js").write_text("analytics.track('signup');\n")
    done = _run(tmp_path, "check", "--no-cache", "-f", "concise")
    assert done.returncode == 1
    assert "app.js:1:17" in done.stdout and "Signed Up" in done.stdout


def test_help_without_a_command_lists_every_command(tmp_path: Path) -> None:
    text = _run(tmp_path, "--help").stdout
    for command in ("check", "scan", "coverage", "validate", "diff", "import", "export", "init", "lsp"):
        assert f" {command} " in text, command


def test_a_commands_help_shows_its_options(tmp_path: Path) -> None:
    text = _run(tmp_path, "check", "--help").stdout
    assert "tracklint check [OPTIONS]" in text and "--no-prefilter" in text


def test_a_misspelt_command_gets_one_suggestion(tmp_path: Path) -> None:
    done = _run(tmp_path, "chek")
    assert done.returncode == 2
    assert done.stderr.count("Did you mean 'check'") == 1, done.stderr


def test_completion_sees_every_command_even_when_argv_names_one(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO), "_TRACKLINT_COMPLETE": "complete_bash",
           "COMP_WORDS": "tracklint sc", "COMP_CWORD": "1"}
    code = "import sys; sys.argv = ['tracklint', 'check']; from tracklint.cli import main; main()"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.stdout.split() == ["scan"]
