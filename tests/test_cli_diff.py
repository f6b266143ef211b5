"""CLI tests for ``tracklint diff``: exit codes, every output format, ``--base`` on a temporary
git repository (with ``include:`` files), environment variables and usage errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from tracklint.cli import app as cli_app

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "diff"


@pytest.fixture
def app() -> typer.Typer:
    return cli_app


@pytest.fixture
def runner(monkeypatch) -> CliRunner:
    monkeypatch.delenv("TRACKLINT_OUTPUT_FORMAT", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    try:
        return CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2 always separates stderr
        return CliRunner()


def invoke(runner, app, *args, **kw):
    result = runner.invoke(app, ["diff", *map(str, args)], catch_exceptions=False, **kw)
    return result


def test_breaking_change_exits_1_with_full_output(runner, app):
    result = invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "new.yaml")
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "Property `coupon` was removed" in out
    assert '"GBP" removed from the allowed values of `currency`' in out
    assert "Optional property `referrer` was added" in out
    assert "2 breaking, 1 non-breaking, 1 cosmetic (4 changes)." in out
    assert "use at least 2.0.0" in out
    # breaking group first
    assert out.index("Event Order Completed") < out.index("Event Signed Up")
    assert "\x1b[" not in out  # not a terminal: no colour


def test_reordered_plan_exits_0_and_says_no_changes(runner, app):
    result = invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "same.yaml")
    assert result.exit_code == 0, result.output
    assert "No changes." in result.stdout


@pytest.mark.parametrize("fail_on, code", [("breaking", 0), ("any", 1), ("never", 0)])
def test_fail_on_with_additive_changes(runner, app, tmp_path, fail_on, code):
    new = tmp_path / "new.yaml"
    new.write_text((FIXTURES / "old.yaml").read_text().replace("1.4.0", "1.5.0").replace(
        "      method: {type: string}", "      method: {type: string}\n      plan: {type: string}"))
    result = invoke(runner, app, FIXTURES / "old.yaml", new, "--fail-on", fail_on)
    assert result.exit_code == code, result.output


def test_fail_on_never_and_too_small_bump(runner, app, tmp_path):
    assert invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "new.yaml", "--fail-on", "never").exit_code == 0
    # additive change with a patch bump: the version verdict alone fails the run
    new = tmp_path / "new.yaml"
    new.write_text((FIXTURES / "old.yaml").read_text().replace("1.4.0", "1.4.1").replace(
        "      method: {type: string}", "      method: {type: string}\n      plan: {type: string}"))
    result = invoke(runner, app, FIXTURES / "old.yaml", new)
    assert result.exit_code == 1, result.output
    assert "need a minor bump: use at least 1.5.0" in result.stdout


def test_json_output_schema(runner, app, tmp_path):
    out_file = tmp_path / "diff.json"
    result = invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "new.yaml", "--output-format", "json",
                    "--output-file", out_file)
    assert result.exit_code == 1
    assert result.stdout == ""
    doc = json.loads(out_file.read_text())
    assert doc["schema_version"] == 1
    assert doc["verdict"] == "breaking" and doc["failed"] is True and doc["fail_on"] == "breaking"
    assert doc["summary"] == {"breaking": 2, "non_breaking": 1, "cosmetic": 1, "total": 4}
    assert doc["version_check"]["ok"] is False and doc["version_check"]["minimal"] == "2.0.0"
    removed = next(c for c in doc["changes"] if c["kind"] == "property_removed")
    assert removed["path"] == "events/Order Completed/properties/coupon"
    assert removed["severity"] == "breaking" and removed["schemaver"] == "MODEL"
    assert removed["location_side"] == "old" and removed["location"]["path"].endswith("old.yaml")
    assert removed["location"]["line"] == 13
    assert removed["anchor"]["path"].endswith("new.yaml")
    assert removed["sources"] == ["web", "ios"] and removed["destinations"] == ["warehouse", "amplitude"]
    keys = {"kind", "severity", "schemaver", "path", "scope", "event", "message", "note", "old", "new",
            "sources", "destinations", "location", "location_side", "anchor"}
    assert all(set(c) == keys for c in doc["changes"])


def test_env_output_format_and_unknown_env_format(runner, app):
    result = invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "new.yaml",
                    env={"TRACKLINT_OUTPUT_FORMAT": "json"})
    assert json.loads(result.stdout)["schema_version"] == 1
    result = invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "new.yaml",
                    env={"TRACKLINT_OUTPUT_FORMAT": "sarif"})
    assert result.exit_code == 1
    assert "diff cannot write" in result.stderr and "using full" in result.stderr and "tracklint diff" in result.stdout


def test_markdown_escapes_user_text(runner, app, tmp_path):
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text('tracklint: 1\nevents:\n  "<b>Evil</b> | *x*":\n    properties: {}\n')
    new.write_text("tracklint: 1\nevents: {}\n")
    result = invoke(runner, app, old, new, "--output-format", "markdown")
    assert result.exit_code == 1
    md = result.stdout
    assert "### :x: tracklint diff: 1 breaking, 0 non-breaking, 0 cosmetic" in md
    assert "<code>\\<b\\>Evil\\</b\\> \\| \\*x\\*</code>" in md  # code, with the table pipe escaped
    assert "#### Event \\<b\\>Evil\\</b\\> \\| \\*x\\*" in md  # no HTML, no emphasis, no column break
    import re

    ours = re.sub(r"</?code>|<br>", "", md)
    assert not re.search(r"(?<!\\)<", ours)


def test_github_annotations_and_step_summary(runner, app, tmp_path):
    summary = tmp_path / "summary.md"
    result = invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "new.yaml", "--output-format", "github",
                    env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::error title=tracklint diff (version bump too small),file=")
    errors = [l for l in lines if l.startswith("::error")]
    notices = [l for l in lines if l.startswith("::notice")]
    assert len(errors) == 3 and len(notices) == 1
    assert lines.index(errors[-1]) < lines.index(notices[0])  # errors first
    coupon = next(l for l in errors if "coupon" in l)
    assert "title=tracklint diff (breaking%3A property_removed)" in coupon
    assert ",line=" in coupon and "new.yaml" in coupon  # annotated on the new plan
    assert "tracklint diff" in summary.read_text()


def test_github_escaping():
    from tracklint.report.github_escape import command as workflow_command, escape_data, escape_property

    assert escape_data("50% off\r\nnow") == "50%25 off%0D%0Anow"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert workflow_command("error", "m", {"file": "a,b.yaml", "line": 3}) == "::error file=a%2Cb.yaml,line=3::m"


def test_color_always_and_no_color(runner, app, monkeypatch):
    result = invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "new.yaml", "--color", "always")
    assert "\x1b[" in result.stdout
    result = invoke(runner, app, FIXTURES / "old.yaml", FIXTURES / "new.yaml", "--color", "never")
    assert "\x1b[" not in result.stdout


def test_use_color_honours_no_color(monkeypatch):
    import sys

    from tracklint.commands.common import use_color

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color("auto", None) is False
    assert use_color("always", Path("report.txt")) is True
    monkeypatch.delenv("NO_COLOR")
    assert use_color("auto", None) is True and use_color("auto", Path("report.txt")) is False


# ------------------------------------------------------------------ errors: exit 2, no traceback


@pytest.mark.parametrize(
    "args, message",
    [
        ([FIXTURES / "old.yaml"], "expected two plan files"),
        ([FIXTURES / "old.yaml", FIXTURES / "missing.yaml"], "no such file"),
        ([FIXTURES / "old.yaml", FIXTURES / "new.yaml", "--fail-on", "warning"], "--fail-on must be one of"),
        ([FIXTURES / "old.yaml", FIXTURES / "new.yaml", "--output-format", "sarif"], "--output-format must be one of"),
        ([FIXTURES / "old.yaml", FIXTURES / "new.yaml", "--color", "maybe"], "--color must be one of"),
    ],
)
def test_usage_errors_exit_2(runner, app, args, message):
    result = invoke(runner, app, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr


def test_invalid_plan_exits_2_with_position(runner, app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("tracklint: 1\nevents:\n  A:\n    propertees: {}\n")
    result = invoke(runner, app, FIXTURES / "old.yaml", bad)
    assert result.exit_code == 2
    assert "bad.yaml:4:5" in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------------------ --base on a git repository


def _git_repo(tmp_path: Path):
    git = pytest.importorskip("git")
    repo = git.Repo.init(tmp_path)
    with repo.config_writer() as config:
        config.set_value("user", "name", "t")
        config.set_value("user", "email", "t@example.com")
    return repo


def test_base_ref_with_includes(runner, app, tmp_path, monkeypatch):
    repo = _git_repo(tmp_path)
    shutil.copytree(FIXTURES / "split", tmp_path / "plan")
    repo.index.add(["plan/tracking-plan.yaml", "plan/events/orders.yaml", "plan/events/users.yaml"])
    repo.index.commit("plan v1")
    repo.create_tag("v1")
    # on the branch: an included file changes (revenue loses its minimum; a new event file)
    orders = tmp_path / "plan" / "events" / "orders.yaml"
    orders.write_text(orders.read_text().replace("{type: number, minimum: 0}", "{type: integer}"))
    (tmp_path / "plan" / "events" / "pages.yaml").write_text("events:\n  Page Viewed: {}\n")
    monkeypatch.chdir(tmp_path / "plan")
    result = invoke(runner, app, "--base", "v1", "--output-format", "json")
    assert result.exit_code == 1, result.output + result.stderr
    doc = json.loads(result.stdout)
    assert doc["old"]["path"] == "v1:plan/tracking-plan.yaml"
    assert doc["new"]["path"] == "tracking-plan.yaml"
    got = {(c["kind"], c["path"], c["severity"]) for c in doc["changes"]}
    assert got == {
        ("type_narrowed", "events/Order Completed/properties/revenue/type", "breaking"),
        ("range_widened", "events/Order Completed/properties/revenue/minimum", "non-breaking"),
        ("event_added", "events/Page Viewed", "non-breaking"),
    }
    narrowed = next(c for c in doc["changes"] if c["kind"] == "type_narrowed")
    assert narrowed["location"]["path"].endswith("events/orders.yaml")
    # the version stayed 1.0.0
    assert doc["version_check"]["ok"] is False and doc["version_check"]["minimal"] == "2.0.0"
    # the same comparison with an explicit plan argument, and a ref that is HEAD (no change)
    result = invoke(runner, app, "--base", "HEAD", "tracking-plan.yaml")
    assert result.exit_code == 1  # HEAD is the v1 commit; the working tree differs
    repo.index.add(["plan/events/orders.yaml", "plan/events/pages.yaml"])
    repo.index.commit("plan v2")
    result = invoke(runner, app, "--base", "HEAD")
    assert result.exit_code == 0 and "No changes." in result.stdout


def test_base_plan_removed_event_points_at_ref(runner, app, tmp_path, monkeypatch):
    repo = _git_repo(tmp_path)
    shutil.copy(FIXTURES / "old.yaml", tmp_path / "tracking-plan.yaml")
    repo.index.add(["tracking-plan.yaml"])
    repo.index.commit("v1")
    text = (tmp_path / "tracking-plan.yaml").read_text()
    (tmp_path / "tracking-plan.yaml").write_text(text.split("  Signed Up:")[0])
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, app, "--base", "HEAD", "--output-format", "json")
    doc = json.loads(result.stdout)
    removed = next(c for c in doc["changes"] if c["kind"] == "event_removed")
    assert removed["location"]["path"] == "HEAD:tracking-plan.yaml" and removed["location_side"] == "old"


def test_base_new_plan_is_all_additions(runner, app, tmp_path, monkeypatch):
    repo = _git_repo(tmp_path)
    (tmp_path / "README").write_text("x")
    repo.index.add(["README"])
    repo.index.commit("init")
    shutil.copy(FIXTURES / "old.yaml", tmp_path / "tracking-plan.yaml")
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, app, "--base", "HEAD")
    assert result.exit_code == 0, result.output
    assert "Event `Order Completed` was added." in result.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["--base", "no-such-ref"], "unknown git ref"),
        (["--base", "HEAD", "a.yaml", "b.yaml"], "at most one plan"),
    ],
)
def test_base_usage_errors(runner, app, tmp_path, monkeypatch, args, message):
    repo = _git_repo(tmp_path)
    shutil.copy(FIXTURES / "old.yaml", tmp_path / "tracking-plan.yaml")
    repo.index.add(["tracking-plan.yaml"])
    repo.index.commit("v1")
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, app, *args)
    assert result.exit_code == 2 and message in result.stderr, result.stderr


def test_base_outside_a_repository(runner, app, tmp_path, monkeypatch):
    shutil.copy(FIXTURES / "old.yaml", tmp_path / "tracking-plan.yaml")
    monkeypatch.chdir(tmp_path)
    result = invoke(runner, app, "--base", "HEAD", "tracking-plan.yaml")
    assert result.exit_code == 2 and "git repository" in result.stderr


def test_iglu_files_use_schemaver(runner, app, shared_dir):
    root = shared_dir / "data" / "iglu" / "schemas" / "com.snowplowanalytics.snowplow.enrichments" / "bot_detection_enrichment_config" / "jsonschema"
    result = invoke(runner, app, root / "1-0-0", root / "1-0-1", "--output-format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["version_check"]["scheme"] == "schemaver" and doc["version_check"]["minimal"] == "2-0-0"


# ------------------------------------------------------------------ --base: hostile or partial history (issue #12)


def test_base_in_a_shallow_clone_says_to_fetch_more_history(runner, app, tmp_path, monkeypatch):
    import subprocess

    upstream = _git_repo(tmp_path / "upstream")
    plan = tmp_path / "upstream" / "tracking-plan.yaml"
    for text in ((FIXTURES / "old.yaml").read_text(), (FIXTURES / "new.yaml").read_text()):
        plan.write_text(text)
        upstream.index.add(["tracking-plan.yaml"])
        upstream.index.commit("plan")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", (tmp_path / "upstream").as_uri(), str(clone)], check=True)
    monkeypatch.chdir(clone)
    for ref in ("HEAD~1", "HEAD~3"):
        result = invoke(runner, app, "--base", ref)
        assert result.exit_code == 2, result.output
        assert f"the base revision {ref} is not in this clone (shallow clone)" in result.stderr
        assert "git fetch --deepen" in result.stderr and "internal error" not in result.stderr
    result = invoke(runner, app, "--base", "no-such-branch")
    assert result.exit_code == 2 and "unknown git ref 'no-such-branch'" in result.stderr


def _commit_big(tmp_path: Path, name: str, size: int):
    repo = _git_repo(tmp_path)
    # many small mappings: slow to parse, so reading it before refusing it would show
    line = "  Event {:07d}: {{description: an event that is here only to make the file large}}\n"
    count = size // len(line.format(0)) + 1
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text("events:\n" + "".join(line.format(i) for i in range(count)))
    return repo


@pytest.mark.parametrize("name", ["tracking-plan.yaml", "events/big.yaml"])
def test_base_refuses_an_oversize_plan_file_before_reading_it(runner, app, tmp_path, monkeypatch, name):
    import time

    from tracklint.plan.yaml_loader import MAX_BYTES

    repo = _commit_big(tmp_path, name, MAX_BYTES + 1)
    if name != "tracking-plan.yaml":
        (tmp_path / "tracking-plan.yaml").write_text("tracklint: 1\ninclude: [events/big.yaml]\n")
    repo.index.add([name, "tracking-plan.yaml"])
    repo.index.commit("big")
    (tmp_path / "tracking-plan.yaml").write_text("tracklint: 1\nevents: {}\n")
    monkeypatch.chdir(tmp_path)
    started = time.perf_counter()
    result = invoke(runner, app, "--base", "HEAD")
    elapsed = time.perf_counter() - started
    assert result.exit_code == 2, result.output
    assert f"HEAD:{name}: the plan file is too large at HEAD" in result.stderr
    assert elapsed < 5, elapsed
