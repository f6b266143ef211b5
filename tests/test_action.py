"""The composite GitHub Action: its metadata, and its shell steps run locally with a simulated
runner environment (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, ...)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
EXAMPLE = REPO / "examples" / "acme"
INPUTS = {"version", "paths", "config", "args", "sarif", "sarif-category", "python-version"}
BASH = shutil.which("bash")


@pytest.fixture(scope="module")
def action() -> dict:
    return yaml.safe_load(ACTION.read_text())


def steps(action: dict) -> dict[str, dict]:
    return {step.get("id") or step["name"]: step for step in action["runs"]["steps"]}


# --------------------------------------------------------------------------- metadata


def test_metadata(action):
    assert action["name"] == "tracklint"
    assert action["description"]
    assert set(action["branding"]) == {"icon", "color"}
    assert action["runs"]["using"] == "composite"


def test_inputs(action):
    inputs = action["inputs"]
    assert set(inputs) == INPUTS
    for name, spec in inputs.items():
        assert name == name.lower()
        assert spec["description"].strip(), name
        assert isinstance(spec["default"], str), f"{name}: defaults must be strings"
    assert inputs["version"]["default"] == ""
    assert inputs["sarif"]["default"] == "false"


def test_run_steps_use_bash_and_never_interpolate_inputs(action):
    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue
        assert step.get("shell") == "bash", step["name"]
        # Not only inputs: no expression at all is expanded into a script's text.
        assert "${{" not in step["run"], step["name"]
        for value in step.get("env", {}).values():
            assert isinstance(value, str)
    text = ACTION.read_text()
    for match in re.finditer(r"\$\{\{\s*inputs\.", text):
        line = text[: match.start()].rsplit("\n", 1)[-1]
        if line.lstrip().startswith("#"):
            continue  # a comment about the rule itself
        assert re.match(r"\s+[A-Za-z_-]+:\s*$", line), f"inputs used outside env/with: {line!r}"


def test_setup_python_keeps_the_job_environment(action):
    setup = steps(action)["python"]
    assert setup["uses"].startswith("actions/setup-python@")
    assert str(setup["with"]["update-environment"]).lower() == "false"
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"


def test_check_uses_github_format_and_sarif_is_optional(action):
    by_id = steps(action)
    assert "--output-format github" in by_id["check"]["run"]
    assert "--output-format sarif" in by_id["sarif"]["run"]
    assert by_id["sarif"]["if"] == "inputs.sarif == 'true'"
    upload = by_id["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["if"] == "inputs.sarif == 'true'"
    assert upload["with"]["category"] == "${{ inputs.sarif-category }}"
    assert "steps.sarif.outputs.sarif-file" in upload["with"]["sarif_file"]
    install = by_id["install"]["run"]
    assert "$RUNNER_TEMP/tracklint-venv" in install and "$GITHUB_ACTION_PATH" in install


# --------------------------------------------------------------------------- steps, run locally


class Runner:
    """Just enough of a GitHub runner to run the action's bash steps."""

    def __init__(self, tmp: Path, action: dict) -> None:
        self.tmp = tmp
        self.action = action
        self.temp = tmp / "runner-temp"
        self.temp.mkdir()
        self.workspace = tmp / "workspace"
        self.summary = tmp / "summary.md"
        self.summary.touch()
        self.outputs: dict[str, dict[str, str]] = {}

    def run(self, step_id: str, env: dict[str, str]) -> subprocess.CompletedProcess:
        step = steps(self.action)[step_id]
        output = self.tmp / f"output-{step_id}"
        output.write_text("")
        full_env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.tmp),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_SHA": "0123abc",
            **env,
        }
        # `shell: bash` is `bash --noprofile --norc -eo pipefail {0}` on the runner.
        script = self.tmp / f"{step_id}.sh"
        script.write_text(step["run"])
        done = subprocess.run(
            [BASH, "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=self.workspace, env=full_env, capture_output=True, text=True, timeout=300,
        )
        self.outputs[step_id] = dict(
            line.split("=", 1) for line in output.read_text().splitlines() if "=" in line
        )
        return done


@pytest.fixture
def runner(tmp_path, action) -> Runner:
    if BASH is None:
        pytest.skip("bash is not installed")
    r = Runner(tmp_path, action)
    shutil.copytree(EXAMPLE, r.workspace)
    return r


FAKE_PYTHON = r"""#!/usr/bin/env bash
# Stands in for setup-python's interpreter: `-m venv DIR` makes a venv whose python logs pip.
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/usr/bin/env bash\nprintf "%%s\\n" "$@" >> "%s"\n' "$PIP_LOG" > "$3/bin/python"
  printf '#!/usr/bin/env bash\necho "tracklint 0.0.0-fake"\n' > "$3/bin/tracklint"
  chmod +x "$3/bin/python" "$3/bin/tracklint"
fi
"""


@pytest.mark.parametrize(
    ("version", "expected"),
    [("", str(REPO)), ("0.1.0", "tracklint==0.1.0"), ("v1.2.3rc1", "tracklint==1.2.3rc1")],
)
def test_install_step(runner, version, expected):
    fake = runner.tmp / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    log = runner.tmp / "pip.log"
    done = runner.run("install", {"PYTHON": str(fake), "INPUT_VERSION": version, "PIP_LOG": str(log)})
    assert done.returncode == 0, done.stderr
    args = log.read_text().splitlines()
    assert args[:3] == ["-m", "pip", "install"]
    assert args[-1] == expected
    venv = runner.temp / "tracklint-venv"
    assert runner.outputs["install"] == {"tracklint": f"{venv}/bin/tracklint", "python": f"{venv}/bin/python"}


@pytest.mark.parametrize("version", ["1.0; touch pwned", "--index-url=http://evil", "$(touch pwned)", "1.0\n2.0"])
def test_install_step_rejects_odd_versions(runner, version):
    fake = runner.tmp / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    log = runner.tmp / "pip.log"
    done = runner.run("install", {"PYTHON": str(fake), "INPUT_VERSION": version, "PIP_LOG": str(log)})
    assert done.returncode == 2
    assert "::error title=tracklint action::" in done.stdout
    assert not log.exists()
    assert not list(runner.tmp.rglob("pwned"))


def _tracklint_env(**inputs: str) -> dict[str, str]:
    exe = shutil.which("tracklint", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("no installed tracklint executable")
    try:
        import tracklint.cli  # noqa: F401
    except ImportError as exc:
        pytest.skip(f"tracklint CLI not importable yet: {exc}")
    env = {"TRACKLINT": exe, "TRACKLINT_PYTHON": sys.executable, "INPUT_PATHS": "", "INPUT_CONFIG": "", "INPUT_ARGS": "--no-cache"}
    env.update(inputs)
    return env


def test_check_step_annotates_and_defers_the_failure(runner):
    done = runner.run("check", _tracklint_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["check"]["exit-code"] == "1"
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert any(line.startswith("::error title=tracklint (TL001),file=apps/web/src/checkout.ts,line=14") for line in annotations)
    summary = runner.summary.read_text()
    assert summary.startswith("### :x: tracklint:")
    assert "https://github.com/acme/shop/blob/0123abc/apps/web/src/checkout.ts#L14" in summary

    fail = runner.run("Fail on findings", {"EXIT_CODE": runner.outputs["check"]["exit-code"]})
    assert fail.returncode == 1
    assert runner.run("Fail on findings", {"EXIT_CODE": "0"}).returncode == 0


def test_check_step_with_paths_config_and_quoted_args(runner):
    (runner.workspace / "dir with space").mkdir()
    (runner.workspace / "dir with space" / "ok.ts").write_text('analytics.track("Order Refunded", {});\n')
    env = _tracklint_env(INPUT_PATHS='"dir with space" services', INPUT_ARGS="--no-cache --select 'TL001'")
    done = runner.run("check", env)
    assert done.returncode == 0, done.stdout + done.stderr
    options = (runner.temp / "tracklint-options").read_bytes().split(b"\0")[:-1]
    assert options == [b"--no-cache", b"--select", b"TL001", b"--", b"dir with space", b"services"]
    assert runner.outputs["check"]["exit-code"] == "0"


@pytest.mark.parametrize(
    "hostile",
    [
        "--no-cache $(touch pwned) `touch pwned2`",
        "--no-cache; touch pwned",
        "--no-cache && touch pwned",
        "--no-cache\ntouch pwned",
        "--no-cache *",
    ],
)
def test_hostile_args_are_arguments_not_shell(runner, hostile):
    done = runner.run("check", _tracklint_env(INPUT_ARGS=hostile, INPUT_PATHS="$(touch pwned3)"))
    assert not list(runner.tmp.rglob("pwned*")), done.stdout + done.stderr
    # tracklint sees odd arguments and says so (usage error, exit 2), nothing else happens.
    assert done.returncode == 2, done.stdout + done.stderr
    assert runner.outputs["check"]["exit-code"] == "2"


def test_unbalanced_quotes_are_a_clear_error(runner):
    done = runner.run("check", _tracklint_env(INPUT_ARGS="--select 'TL001"))
    assert done.returncode == 2
    assert "cannot parse the 'args' input" in done.stdout


def test_sarif_step_reuses_the_options(runner):
    assert runner.run("check", _tracklint_env(INPUT_ARGS="--no-cache --select TL001")).returncode == 0
    done = runner.run("sarif", {"TRACKLINT": _tracklint_env()["TRACKLINT"]})
    assert done.returncode == 0, done.stdout + done.stderr
    sarif_file = Path(runner.outputs["sarif"]["sarif-file"])
    assert sarif_file == runner.temp / "tracklint.sarif"
    log = json.loads(sarif_file.read_text())
    results = log["runs"][0]["results"]
    assert results and {r["ruleId"] for r in results} == {"TL001"}
