"""The command line as a user meets it: exit codes, messages, options and configuration."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracklint.cli import app

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "examples" / "acme"

PLAN = textwrap.dedent(
    """\
    tracklint: 1
    name: CLI test plan
    conventions: {event_name: title-case}
    events:
      Purchase Completed:
        description: Paid.
        properties:
          order_id: {type: string, required: true}
      Signed Up:
        description: New account.
    """
)

RENAMED = {
    "app.py": ('import segment.analytics as analytics\n\nanalytics.track("u1", "purchase_completed", {"order_id": "o1"})\n', 3, 23),
    "app.js": ('window.analytics.track("purchase_completed", { order_id: "o1" });\n', 1, 24),
    "app.ts": ('const n: number = 1;\nanalytics.track("purchase_completed", { order_id: "o1" } as const);\n', 2, 17),
    "App.tsx": ('export const B = () => <button onClick={() => analytics.track("purchase_completed", { order_id: "o" })} />;\n', 1, 63),
    "App.swift": ('func pay() {\n    analytics.track(name: "purchase_completed", properties: ["order_id": "o1"])\n}\n', 2, 27),
    "App.kt": ('fun pay() {\n    analytics.track("purchase_completed", mapOf("order_id" to "o1"))\n}\n', 2, 21),
}


def invoke(*args: str, cwd: Path | None = None, env: dict | None = None):
    runner = CliRunner()
    if cwd is None:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return runner.invoke(app, list(args), env=env, catch_exceptions=False)
    finally:
        os.chdir(old)


def project(tmp_path: Path, files: dict[str, str], plan: str = PLAN) -> Path:
    (tmp_path / ".git").mkdir()  # marks the project root for discovery
    (tmp_path / "tracking-plan.yaml").write_text(plan)
    for name, text in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    return tmp_path


def test_example_fails_on_the_rename_with_the_fix() -> None:
    result = invoke("check", str(EXAMPLE), "--no-cache", "--output-format", "concise")
    assert result.exit_code == 1, result.output
    line = next(l for l in result.output.splitlines() if "TL001" in l)
    assert line.startswith("examples/acme/apps/web/src/checkout.ts:14:19: TL001")
    assert "did you mean `Purchase Completed`?" in line


def test_example_full_output_shows_code_line_and_caret() -> None:
    result = invoke("check", str(EXAMPLE), "--no-cache", "--color", "never")
    assert result.exit_code == 1
    out = result.output
    assert "examples/acme/apps/web/src/checkout.ts" in out
    assert '14 │   analytics.track("purchase_completed", {' in out
    caret_line = out.splitlines()[out.splitlines().index(next(l for l in out.splitlines() if '14 │   analytics.track("purchase_completed"' in l)) + 1]
    assert caret_line.endswith("^" * len('"purchase_completed"'))
    assert "help: replace `purchase_completed` with `Purchase Completed`" in out
    assert "1 error" in out and "\x1b[" not in out


@pytest.mark.parametrize("name", sorted(RENAMED))
def test_rename_is_caught_in_every_language(tmp_path: Path, name: str) -> None:
    text, line, column = RENAMED[name]
    root = project(tmp_path, {name: text})
    result = invoke("check", "--no-cache", "-f", "json", cwd=root)
    assert result.exit_code == 1, result.output
    doc = json.loads(result.output)
    found = [d for d in doc["diagnostics"] if d["code"] == "TL001"]
    assert len(found) == 1, doc
    d = found[0]
    assert (d["path"], d["line"], d["column"]) == (name, line, column)
    assert d["end_column"] == column + len('"purchase_completed"')
    assert "Purchase Completed" in d["message"]


@pytest.mark.parametrize("name", sorted(RENAMED))
def test_conforming_code_exits_zero(tmp_path: Path, name: str) -> None:
    text = RENAMED[name][0].replace("purchase_completed", "Purchase Completed")
    root = project(tmp_path, {name: text})
    result = invoke("check", "--no-cache", "--select", "TL0", "--ignore", "TL012", cwd=root)
    assert result.exit_code == 0, result.output


def test_malformed_plan_exits_2_with_position(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.py": "x = 1\n"}, plan="tracklint: 1\nevents:\n  A: {description: [unclosed\n")
    result = invoke("check", "--no-cache", cwd=root)
    assert result.exit_code == 2
    assert "tracking-plan.yaml:" in result.output
    assert "Traceback" not in result.output


def test_invalid_plan_key_is_positioned(tmp_path: Path) -> None:
    root = project(tmp_path, {}, plan="tracklint: 1\nevents:\n  A:\n    descripton: typo\n")
    result = invoke("check", "--no-cache", cwd=root)
    assert result.exit_code == 2
    assert "tracking-plan.yaml:4:" in result.output
    assert "description" in result.output


def test_exit_zero_hides_findings_but_not_errors(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": RENAMED["app.js"][0]})
    assert invoke("check", "--no-cache", "--exit-zero", cwd=root).exit_code == 0
    (root / "tracking-plan.yaml").write_text("tracklint: [\n")
    assert invoke("check", "--no-cache", "--exit-zero", cwd=root).exit_code == 2


def test_fail_on_warning(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": "analytics.track(name);\n"})
    assert invoke("check", "--no-cache", "--ignore", "TL012", cwd=root).exit_code == 0
    assert invoke("check", "--no-cache", "--ignore", "TL012", "--fail-on", "warning", cwd=root).exit_code == 1


def test_select_and_ignore(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": RENAMED["app.js"][0]})
    assert invoke("check", "--no-cache", "--ignore", "TL001", cwd=root).exit_code == 0
    out = invoke("check", "--no-cache", "--select", "unknown-event", "-f", "json", cwd=root).output
    assert {d["code"] for d in json.loads(out)["diagnostics"]} == {"TL001"}
    bad = invoke("check", "--no-cache", "--select", "TL9999", cwd=root)
    assert bad.exit_code == 2 and "unknown rule" in bad.output


def test_color_flags(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": RENAMED["app.js"][0]})
    assert "\x1b[" in invoke("check", "--no-cache", "--color", "always", cwd=root).output
    assert "\x1b[" not in invoke("check", "--no-cache", "--color", "auto", cwd=root, env={"NO_COLOR": "1"}).output


def test_output_format_from_environment(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": RENAMED["app.js"][0]})
    result = invoke("check", "--no-cache", cwd=root, env={"TRACKLINT_OUTPUT_FORMAT": "json"})
    assert json.loads(result.output)["schema_version"] == 1
    result = invoke("check", "--no-cache", cwd=root, env={"TRACKLINT_OUTPUT_FORMAT": "xml"})
    assert result.exit_code == 2


def test_output_file(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": RENAMED["app.js"][0]})
    result = invoke("check", "--no-cache", "-f", "json", "-o", "report.json", cwd=root)
    assert result.exit_code == 1
    assert json.loads((root / "report.json").read_text())["summary"]["errors"] == 1


def test_config_in_pyproject_and_cli_override(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": RENAMED["app.js"][0]})
    (root / "pyproject.toml").write_text('[tool.tracklint]\nignore = ["TL001"]\n')
    assert invoke("check", "--no-cache", cwd=root).exit_code == 0
    # the nearest file wins: a tracklint.toml in the same directory outranks pyproject.toml
    (root / "tracklint.toml").write_text('select = ["TL001"]\n')
    assert invoke("check", "--no-cache", cwd=root).exit_code == 1
    assert invoke("check", "--no-cache", "--isolated", "--ignore", "TL001,TL012", cwd=root).exit_code == 0


def test_unknown_config_key_suggests(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    (root / "tracklint.toml").write_text('selct = ["TL001"]\n')
    result = invoke("check", "--no-cache", cwd=root)
    assert result.exit_code == 2
    assert "unknown option `selct`" in result.output and "did you mean `select`" in result.output


def test_missing_plan_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.py").write_text("x = 1\n")
    result = invoke("check", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no tracking plan found" in result.output


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    result = invoke("check", "nope/", "--no-cache", cwd=root)
    assert result.exit_code == 2 and "does not exist" in result.output


def test_file_list_runs_skip_project_rules(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": 'analytics.track("Signed Up");\n'})
    whole = json.loads(invoke("check", "--no-cache", "-f", "json", cwd=root).output)
    assert any(d["code"] == "TL012" for d in whole["diagnostics"])  # Purchase Completed unused
    files = json.loads(invoke("check", "app.js", "--no-cache", "-f", "json", cwd=root).output)
    assert not any(d["code"] == "TL012" for d in files["diagnostics"])


def test_rule_command() -> None:
    result = invoke("rule", "TL001")
    assert result.exit_code == 0
    assert "unknown-event" in result.output and "## Why is this bad?" in result.output
    assert invoke("rule", "unknown-event").exit_code == 0
    listing = invoke("rule")
    assert listing.exit_code == 0 and "TL013" in listing.output
    bad = invoke("rule", "TL0O1")
    assert bad.exit_code == 2 and "did you mean" in bad.output


def test_scan_event_answers_where_it_is_sent() -> None:
    result = invoke("scan", str(EXAMPLE), "--event", "product viewed", "-f", "json", "--no-cache")
    assert result.exit_code == 0, result.output
    calls = json.loads(result.output)["calls"]
    assert {c["source"] for c in calls} == {"web", "ios", "android"}
    assert all(c["event"] == "Product Viewed" for c in calls)
    web = next(c for c in calls if c["source"] == "web")
    assert web["event_kind"] == "constant"


def test_scan_lists_dynamic_calls(tmp_path: Path) -> None:
    root = project(tmp_path, {"a.ts": "analytics.track(`${x} Clicked`, props);\n"})
    doc = json.loads(invoke("scan", "-f", "json", "--no-cache", cwd=root).output)
    (call,) = doc["calls"]
    assert call["event"] is None and call["event_kind"] == "dynamic"
    assert call["event_expression"] == "`${x} Clicked`"
    assert call["properties_kind"] == "dynamic"


def test_version() -> None:
    from tracklint import __version__

    result = invoke("--version")
    assert result.exit_code == 0 and __version__ in result.output


def test_project_rules_only_when_the_paths_cover_the_plan(tmp_path: Path) -> None:
    root = project(tmp_path, {"web/app.js": 'analytics.track("Signed Up");\n', "api/app.py": "x = 1\n"})
    sub = json.loads(invoke("check", "web", "--no-cache", "-f", "json", cwd=root).output)
    assert not any(d["code"] == "TL012" for d in sub["diagnostics"])
    whole = json.loads(invoke("check", ".", "--no-cache", "-f", "json", cwd=root).output)
    assert [d["event"] for d in whole["diagnostics"] if d["code"] == "TL012"] == ["Purchase Completed"]


def test_internal_error_on_a_file_fails_the_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tracklint.pool as engine_module

    real = engine_module.extract_file

    def broken(path, data, specs, **kw):
        if path.endswith("b.js"):
            raise RuntimeError("simulated extractor bug")
        return real(path, data, specs, **kw)

    monkeypatch.setattr(engine_module, "extract_file", broken)
    root = project(tmp_path, {"a.js": 'analytics.track("Signed Up");\n', "b.js": 'analytics.track("Signed Up");\n'})
    result = invoke("check", "--no-cache", "--jobs", "1", cwd=root)
    assert result.exit_code == 2
    assert "could not be analysed" in result.output and "b.js" in result.output


def test_rewriting_a_baseline_keeps_the_findings_it_covered(tmp_path: Path) -> None:
    root = project(tmp_path, {"app.js": RENAMED["app.js"][0]})
    assert invoke("check", "--no-cache", "--write-baseline", "base.txt", cwd=root).exit_code == 0
    assert invoke("check", "--no-cache", "--baseline", "base.txt", cwd=root).exit_code == 0
    assert invoke("check", "--no-cache", "--baseline", "base.txt", "--write-baseline", "again.txt", cwd=root).exit_code == 0
    assert invoke("check", "--no-cache", "--baseline", "again.txt", cwd=root).exit_code == 0
    (root / "app.js").write_text(RENAMED["app.js"][0] + 'analytics.track("signed_up");\n')
    assert invoke("check", "--no-cache", "--baseline", "again.txt", cwd=root).exit_code == 1


def test_init_on_the_example_yields_a_plan_that_flags_only_the_odd_spelling(tmp_path: Path) -> None:
    out = tmp_path / "plan.yaml"
    result = invoke("init", str(EXAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.output
    check = invoke("check", str(EXAMPLE), "--plan", str(out), "--no-cache", "-f", "json", "--ignore", "TL103")
    doc = json.loads(check.output)
    assert [(d["code"], d["path"], d["line"]) for d in doc["diagnostics"]] == [
        ("TL001", "examples/acme/apps/web/src/checkout.ts", 14)
    ]
    assert "did you mean `Purchase Completed`?" in doc["diagnostics"][0]["message"]


def test_the_early_listing_knows_which_options_take_a_value() -> None:
    # ``tracklint check`` starts git's listing of the current directory before parsing its
    # arguments, unless they name paths; it must know which options swallow the next argument.
    import click
    import typer.main

    from tracklint.__main__ import VALUE_OPTIONS, _names_paths

    group = typer.main.get_command(app)
    taking = set()
    for name in ("check", "scan"):
        for param in group.commands[name].params:
            if isinstance(param, click.Option) and not param.is_flag and not param.count:
                taking.update(param.opts + param.secondary_opts)
    assert taking == set(VALUE_OPTIONS)
    assert not _names_paths(["-o", "report.json", "--exit-zero", "--select=TL001", "-f", "json"])
    assert _names_paths(["--exit-zero", "src/app.ts"])
    assert _names_paths(["-o", "r.json", "a.py", "b.py"])
    assert not _names_paths([])
