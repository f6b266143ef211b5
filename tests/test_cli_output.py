"""What every command writes, in every format: failures where CI looks, one handling of
TRACKLINT_OUTPUT_FORMAT, the same options everywhere, counts of what was checked, text from a
hostile pull request shown and never obeyed, and files written whole or not at all."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import click
import jsonschema
import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import tracklint
from tracklint.cli import app

#: The code under test (the subprocess runs the same checkout).
REPO = Path(tracklint.__file__).resolve().parent.parent

#: What each command writes (the registries of tracklint.report must say the same).
FORMATS = {
    "check": ("full", "concise", "json", "sarif", "github", "markdown", "gitlab", "junit"),
    "scan": ("full", "concise", "json"),
    "diff": ("full", "json", "markdown", "github"),
    "validate": ("full", "concise", "json", "sarif", "github", "markdown", "gitlab", "junit"),
    "coverage": ("full", "json", "markdown", "html"),
}
ALL_FORMATS = FORMATS["check"]

PLAN = "tracklint: 1\nevents:\n  Order Completed:\n    description: Paid.\n"
#: A plan whose line 4 is not YAML.
BROKEN_PLAN = "tracklint: 1\nevents:\n  Order Completed:\n    description: [unclosed\n"
GOOD_CALL = 'analytics.track("Order Completed", {});\n'
BAD_CALL = 'analytics.track("Order Complete", {});\n'

#: Event names and a file name from a hostile pull request: a workflow command on a new line,
#: ESC (screen clear, OSC title, OSC 8 hyperlink), C1 CSI, a bidi override, a lone surrogate.
HOSTILE_EVENTS = [
    "a\\n::warning::FAKE",
    "x\\u001b[2J\\u001b]0;TITLE\\u0007",
    "\\u001b]8;;https://evil.example\\u001b\\\\link\\u001b]8;;\\u001b\\\\",
    "y\\u009b2J\\u202eevil",
]
HOSTILE_FILE = "b\n::error file=x.py,line=1::INJECTED\x1b[2J.js"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def invoke(cwd: Path, *args: str, env: dict | None = None):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        base = {"TRACKLINT_OUTPUT_FORMAT": None, "GITHUB_STEP_SUMMARY": None, "GITHUB_WORKSPACE": None}
        return CliRunner().invoke(app, list(args), env={**base, **(env or {})}, catch_exceptions=False)
    finally:
        os.chdir(old)


def project(tmp_path: Path, files: dict[str, str], plan: str = PLAN) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    (tmp_path / "tracking-plan.yaml").write_text(plan)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


# --------------------------------------------------------------------------- failures in the format


def test_broken_plan_under_github_is_an_annotation_on_the_plan_line_and_a_step_summary(tmp_path):
    root = project(tmp_path, {"app.js": GOOD_CALL}, plan=BROKEN_PLAN)
    summary = tmp_path / "summary.md"
    result = invoke(root, "check", "--no-cache", "-f", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 2
    annotation = next(line for line in result.stdout.splitlines() if line.startswith("::error "))
    assert "title=tracklint (plan-error)" in annotation
    assert "file=tracking-plan.yaml,line=" in annotation
    line = int(re.search(r",line=(\d+)", annotation).group(1))
    assert line >= 4
    assert "tracklint: error: tracking-plan.yaml:" in result.stderr  # the log says it too
    text = summary.read_text()
    assert "tracklint could not run (plan-error)" in text and "tracking-plan.yaml:" in text


def test_broken_plan_under_sarif_is_a_schema_valid_failed_run_with_a_result_on_the_plan(tmp_path, sarif_schema):
    root = project(tmp_path, {"app.js": GOOD_CALL}, plan=BROKEN_PLAN)
    result = invoke(root, "check", "--no-cache", "-f", "sarif")
    assert result.exit_code == 2
    log = json.loads(result.stdout)
    jsonschema.validate(log, sarif_schema)
    run = log["runs"][0]
    assert run["invocations"][0]["executionSuccessful"] is False
    (res,) = run["results"]
    assert res["level"] == "error" and res["ruleId"] == "plan-error"
    location = res["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "tracking-plan.yaml"
    assert location["region"]["startLine"] >= 4


def test_broken_plan_under_json_has_the_fields_of_a_finding(tmp_path):
    finding = invoke(project(tmp_path / "a", {"app.js": BAD_CALL}), "check", "--no-cache", "-f", "json")
    fields = set(json.loads(finding.stdout)["diagnostics"][0])
    root = project(tmp_path / "b", {"app.js": GOOD_CALL}, plan=BROKEN_PLAN)
    result = invoke(root, "check", "--no-cache", "-f", "json", "-o", "report.json")
    assert result.exit_code == 2
    doc = json.loads((root / "report.json").read_text())
    (error,) = doc["diagnostics"]
    assert set(error) == fields
    assert error["code"] == "plan-error" and error["severity"] == "error"
    assert error["path"] == "tracking-plan.yaml" and error["line"] >= 4
    assert doc["summary"]["errors"] == 1


@pytest.mark.parametrize("fmt", ["json", "sarif", "github"])
def test_config_and_usage_errors_are_reported_in_the_format(tmp_path, fmt):
    root = project(tmp_path, {"app.js": GOOD_CALL})
    (root / "tracklint.toml").write_text("[tool.tracklint]\nfail-on = 3\n")
    result = invoke(root, "check", "--no-cache", "-f", fmt)
    assert result.exit_code == 2
    assert "config-error" in result.stdout and "tracklint.toml" in result.stdout
    (root / "tracklint.toml").unlink()
    result = invoke(root, "check", "--no-cache", "-f", fmt, "--fail-on", "sometimes")
    assert result.exit_code == 2
    assert "usage-error" in result.stdout


@pytest.mark.parametrize("command", ["scan", "diff"])
def test_scan_and_diff_report_a_broken_plan_in_json(tmp_path, command):
    root = project(tmp_path, {"app.js": GOOD_CALL}, plan=BROKEN_PLAN)
    (root / "old.yaml").write_text(PLAN)
    args = ["scan", "-f", "json"] if command == "scan" else ["diff", "-f", "json", "old.yaml", "tracking-plan.yaml"]
    result = invoke(root, *args)
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["diagnostics"]
    assert error["code"] == "plan-error" and error["path"] == "tracking-plan.yaml"


# --------------------------------------------------------------------------- one resolution of the variable


def _run_with_env(root: Path, command: str, value: str):
    args = {"check": ["check", "--no-cache"], "scan": ["scan", "--no-cache"], "diff": ["diff", "old.yaml", "tracking-plan.yaml"]}
    return invoke(root, *args[command], env={"TRACKLINT_OUTPUT_FORMAT": value})


@pytest.mark.parametrize("command", ["check", "scan", "diff"])
@pytest.mark.parametrize("value", ALL_FORMATS)
def test_every_command_resolves_the_environment_variable_the_same_way(tmp_path, command, value):
    root = project(tmp_path, {"app.js": GOOD_CALL})
    (root / "old.yaml").write_text(PLAN)
    result = _run_with_env(root, command, value)
    assert result.exit_code == 0, result.stderr
    if value in FORMATS[command]:
        assert "note:" not in result.stderr
        if value == "json":
            assert json.loads(result.stdout)["schema_version"] == 1
    else:
        assert f"{command} cannot write TRACKLINT_OUTPUT_FORMAT='{value}'" in result.stderr
        assert "using full" in result.stderr


@pytest.mark.parametrize("command", ["check", "scan", "diff"])
def test_an_unknown_format_in_the_variable_is_an_error_for_every_command(tmp_path, command):
    root = project(tmp_path, {"app.js": GOOD_CALL})
    (root / "old.yaml").write_text(PLAN)
    result = _run_with_env(root, command, "xml")
    assert result.exit_code == 2
    assert "TRACKLINT_OUTPUT_FORMAT must be one of" in result.stderr


def test_formats_help_and_config_derive_from_the_registries():
    from tracklint import config
    from tracklint.report import REGISTRIES, formats

    assert {command: formats(command) for command in REGISTRIES} == FORMATS
    assert config.OUTPUT_FORMATS == formats("check")
    for command in REGISTRIES:
        text = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "400", "TERM": "dumb"}).output
        for name in formats(command):
            assert name in text, (command, name)


# --------------------------------------------------------------------------- the same options


def _commands() -> dict[str, click.Command]:
    group = typer.main.get_command(app)
    return dict(group.commands)


SHORT = {"--output-format": "-f", "--output-file": "-o", "--plan": "-p", "--jobs": "-j"}


def test_every_command_has_the_same_short_options():
    for name, command in _commands().items():
        for param in command.params:
            longs = [o for o in param.opts if o.startswith("--")]
            for long in longs:
                if long in SHORT:
                    assert SHORT[long] in param.opts, f"`tracklint {name} {long}` has no {SHORT[long]}"


def test_diff_takes_f_and_o(tmp_path):
    root = project(tmp_path, {})
    (root / "old.yaml").write_text(PLAN)
    result = invoke(root, "diff", "-f", "json", "-o", "diff.json", "old.yaml", "tracking-plan.yaml")
    assert result.exit_code == 0, result.output
    assert json.loads((root / "diff.json").read_text())["summary"]["total"] == 0


# --------------------------------------------------------------------------- counts


def test_step_summary_counts_every_checked_file_on_a_warm_run(tmp_path):
    root = project(tmp_path, {f"f{i}.js": GOOD_CALL for i in range(3)})
    first = invoke(root, "check", "-f", "markdown")
    assert "(3 files checked)" in first.stdout
    (root / "f0.js").write_text(GOOD_CALL + "\n")  # one file changes, two come from the cache
    warm = invoke(root, "check", "-f", "markdown")
    assert warm.exit_code == 0
    assert "(3 files checked)" in warm.stdout
    again = invoke(root, "check", "-f", "markdown")  # nothing changed: the remembered result
    assert "(3 files checked)" in again.stdout


# --------------------------------------------------------------------------- hostile text


def _hostile_project(tmp_path: Path) -> Path:
    calls = "".join(f'analytics.track("{event}", {{}});\n' for event in HOSTILE_EVENTS)
    return project(tmp_path, {"app.js": calls, HOSTILE_FILE: BAD_CALL})


@pytest.mark.parametrize("args", [
    ["check", "-f", "full", "--color", "never"],
    ["check", "-f", "full", "--color", "always"],
    ["check", "-f", "concise"],
    ["check", "-f", "github"],
    ["check", "-f", "markdown"],
    ["check", "-f", "json"],
    ["check", "-f", "sarif"],
    ["scan", "-f", "full", "--color", "never"],
    ["scan", "-f", "concise"],
    ["scan", "-f", "json"],
    ["coverage", "-f", "full", "--color", "never"],
    ["coverage", "-f", "markdown"],
    ["coverage", "-f", "json"],
    ["coverage", "-f", "html"],
])
def test_hostile_names_are_shown_escaped_never_obeyed(tmp_path, args):
    root = _hostile_project(tmp_path)
    result = invoke(root, *args, "--no-cache")
    assert result.exit_code in (0, 1), result.stderr
    out = result.stdout
    if "--color" in args and "always" in args:
        out = re.sub(r"\x1b\[[0-9;]*m", "", out)  # our own colours are fine
    assert not RAW.search(out), repr(RAW.search(out))
    commands = [line for line in out.splitlines() if line.startswith("::")]
    if "github" in args:
        # one annotation per finding (five unknown events, one unsent planned event), all ours
        assert len(commands) == 6
        assert all(re.match(r"::(error|warning) title=tracklint \(TL0\d\d\),file=", line) for line in commands)
        assert sum("INJECTED" in line for line in commands) == 1
    else:
        assert commands == []
    if "markdown" not in args:  # (Markdown shows a line break as <br>)
        assert "\\n::warning::FAKE" in out  # shown, escaped


@given(st.text())
def test_visible_text_holds_no_control_and_keeps_safe_text(text):
    from tracklint.report.visible import UNSAFE, visible

    shown = visible(text)
    assert UNSAFE.search(shown) is None
    assert "\n" not in shown
    if UNSAFE.search(text) is None:
        assert shown == text
    shown.encode("utf-8")


@given(st.recursive(st.text(), lambda inner: st.dictionaries(st.text(), inner, max_size=3), max_leaves=6))
def test_json_keeps_exact_text_and_shows_no_raw_control(value):
    from tracklint.report.serialize import dumps

    text = dumps({"value": value})
    assert json.loads(text) == {"value": value}
    assert not RAW.search(text)
    text.encode("utf-8")


# --------------------------------------------------------------------------- lone surrogates


@pytest.mark.parametrize("command", ["check", "scan"])
def test_a_lone_surrogate_is_reported_in_every_format(tmp_path, command, sarif_schema):
    root = project(tmp_path, {"app.js": 'analytics.track("\\ud800", {});\n'})
    (root / "raw.js").write_bytes(b'analytics.track("r\xff\xfe", {});\n')
    for fmt in FORMATS[command]:
        result = invoke(root, command, "--no-cache", "-f", fmt)
        assert result.exit_code == (1 if command == "check" else 0), (fmt, result.stderr)
        assert "internal error" not in result.stderr
        if fmt in ("json", "sarif"):
            doc = json.loads(result.stdout)
            if fmt == "sarif":
                jsonschema.validate(doc, sarif_schema)
            elif command == "check":
                assert "\ud800" in {d["event"] for d in doc["diagnostics"]}  # exact data
            else:
                assert "\ud800" in {c["event"] for c in doc["calls"]}
        else:
            assert "\\ud800" in result.stdout


# --------------------------------------------------------------------------- writing files


def _cli(cwd: Path, *args: str, fsize: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("TRACKLINT_OUTPUT_FORMAT", None)
    return subprocess.run([sys.executable, "-m", "tracklint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, preexec_fn=limit, timeout=120)


WRITERS = {
    "check -o": ["check", "--no-cache", "-f", "sarif", "-o", "{out}"],
    "check --write-baseline": ["check", "--no-cache", "--write-baseline", "{out}"],
    "diff -o": ["diff", "-f", "json", "-o", "{out}", "old.yaml", "tracking-plan.yaml"],
    "export -o": ["export", "jsonschema", "-o", "{out}"],
    "import -o": ["import", "segment", "segment.json", "-o", "{out}"],
}


def _writer_project(tmp_path: Path) -> Path:
    big_plan = "tracklint: 1\nevents:\n" + "".join(f"  Event {i}:\n    description: Number {i}.\n" for i in range(150))
    root = project(tmp_path, {"app.js": BAD_CALL * 40}, plan=big_plan)
    (root / "old.yaml").write_text(PLAN)
    events = [{"name": f"Event {i}", "description": "x" * 40, "rules": {}} for i in range(150)]
    (root / "segment.json").write_text(json.dumps({"name": "p", "rules": {"events": events}}))
    return root


@pytest.mark.parametrize("writer", list(WRITERS))
def test_past_ulimit_is_a_clear_error_and_the_old_file_stays_whole(tmp_path, writer):
    root = _writer_project(tmp_path)
    out = root / "out.txt"
    out.write_text("previous\n")
    args = [a.replace("{out}", "out.txt") for a in WRITERS[writer]]
    result = _cli(root, *args, fsize=3000)
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert "out.txt" in result.stderr and "cannot write" in result.stderr
    assert out.read_text() == "previous\n"  # nothing half-written
    assert [p.name for p in root.iterdir() if p.name.startswith(".out.txt")] == []


@pytest.mark.parametrize("writer", list(WRITERS))
def test_an_unwritable_folder_is_a_clear_error(tmp_path, writer):
    root = _writer_project(tmp_path)
    target = "/proc/tracklint-out.txt"  # a folder nobody, root included, can create files in
    args = [a.replace("{out}", target) for a in WRITERS[writer]]
    result = _cli(root, *args)
    assert result.returncode == 2, result.stderr
    assert "internal error" not in result.stderr
    assert target in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_is_a_clear_error(tmp_path):
    root = _writer_project(tmp_path)
    locked = root / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        result = _cli(root, "check", "--no-cache", "-o", "locked/report.txt")
    finally:
        locked.chmod(0o755)
    assert result.returncode == 2 and "internal error" not in result.stderr
    assert "locked/report.txt" in result.stderr


def test_written_reports_keep_the_umask_permissions(tmp_path):
    root = project(tmp_path, {"app.js": GOOD_CALL})
    result = invoke(root, "check", "--no-cache", "-f", "json", "-o", "r.json")
    assert result.exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert (root / "r.json").stat().st_mode & 0o777 == 0o666 & ~umask


@pytest.mark.parametrize("fmt", ["full", "github", "markdown", "json"])
def test_diff_shows_hostile_plan_names_escaped(tmp_path, fmt):
    root = project(tmp_path, {})
    (root / "old.yaml").write_text(
        'tracklint: 1\nevents:\n  "x\\e[2J\\e]0;T\\a\\u202e\\nz::warning::FAKE @octocat #12":\n    description: Old.\n'
    )
    result = invoke(root, "diff", "--output-format", fmt, "old.yaml", "tracking-plan.yaml")
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert not RAW.search(out), repr(RAW.search(out))
    assert [line for line in out.splitlines() if line.startswith("::") and "title=tracklint diff" not in line] == []
    if fmt == "json":
        assert "x\x1b[2J\x1b]0;T\x07\u202e\nz::warning::FAKE @octocat #12" in {c["event"] for c in json.loads(out)["changes"]}
    if fmt == "markdown":  # the same mention and reference guard as check's Markdown
        assert "@\u2060octocat" in out and "#\u20601" in out


def test_failure_annotations_name_the_file_from_the_workspace_root(tmp_path):
    root = project(tmp_path / "repo" / "sub", {"app.js": GOOD_CALL}, plan=BROKEN_PLAN)
    result = invoke(root, "check", "--no-cache", "-f", "github", env={"GITHUB_WORKSPACE": str(tmp_path / "repo")})
    assert result.exit_code == 2
    assert "file=sub/tracking-plan.yaml,line=" in result.stdout


@pytest.mark.parametrize("args, env", [
    (["check", "--no-such-option", "-f", "json"], {}),
    (["check", "--output-format=json", "--fail-on"], {}),
    (["diff", "--nope"], {"TRACKLINT_OUTPUT_FORMAT": "json"}),
    (["scan", "-fjson", "--bogus"], {}),
])
def test_a_command_line_click_rejects_is_a_usage_error_in_the_format(tmp_path, args, env):
    root = project(tmp_path, {"app.js": GOOD_CALL})
    result = invoke(root, *args, env=env)
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["diagnostics"]
    assert error["code"] == "usage-error" and error["message"]
    assert "Usage:" in result.stderr or "Error" in result.stderr  # click's own message stays


def test_scan_keeps_a_callee_on_one_line_in_an_80_column_terminal(tmp_path):
    """The callee column keeps its width; the event and properties columns wrap first."""
    root = project(tmp_path, {"telemetry.py": (
        "import posthog\n\nclass T:\n    def __init__(self):\n        self.posthog = posthog.Posthog('k')\n\n"
        "    def send(self, event_name, props):\n"
        "        self.posthog.capture(distinct_id='u', event=event_name, properties=props)\n\n"
        "    def ident(self):\n        self.posthog.capture(distinct_id='u', event='$identify',"
        " properties={'$anon_distinct_id': 1, 'client_source': 2})\n")})
    out = invoke(root, "scan", "--no-cache", env={"COLUMNS": "80"}).output
    assert out.count("self.posthog.capture") == 2, out
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    assert rows and all(len(line.rstrip()) <= 80 for line in rows), out
