"""The GitLab Code Quality and JUnit XML outputs: valid against their published formats
(tests/schemas/SOURCES.md), and carrying what those CI systems show."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from helpers_report import RULES, diag, result
from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.report import get_reporter
from tracklint.report.gitlab import GitlabReporter
from tracklint.report.junit import JunitReporter

SCHEMAS = Path(__file__).parent / "schemas"
SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


@pytest.fixture(scope="module")
def gitlab_schema():
    schema = json.loads((SCHEMAS / "gitlab-codeclimate.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return schema


@pytest.fixture(scope="module")
def junit_schema():
    return xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd"))


@pytest.fixture
def sample():
    return result(
        [
            diag("TL001", "apps/web/cart.ts", 12, 5, help="did you mean `Purchase Completed`?"),
            diag("TL005", "apps/web/cart.ts", 20, 3, 24, 4, event="Order Completed", key="revenue",
                 message="`Order Completed` is missing the required property `revenue`."),
            diag("TL007", "services/my app/tëst.py", 3, 1, event="Old Event", message="`Old Event` is deprecated."),
            diag("TL009", "apps/ios/App.swift", 8, 1, event=None, message="The event name `name` cannot be known."),
            diag("TL001", "apps/web/cart.ts", 30, 5, event="ignored_event", suppressed="inSource"),
        ],
        root="/work/project",
    )


def gitlab(res, environ=None) -> list:
    stream = io.StringIO()
    GitlabReporter(environ=environ or {}).report(res, RULES, stream)
    return json.loads(stream.getvalue())


def junit(res) -> str:
    stream = io.StringIO()
    JunitReporter().report(res, RULES, stream)
    return stream.getvalue()


def check_gitlab(report: list, schema: dict) -> None:
    """The schema GitLab validates each entry with, plus what its documentation requires."""
    assert isinstance(report, list)
    for entry in report:
        jsonschema.validate(entry, schema, cls=jsonschema.Draft7Validator)
        assert entry["severity"] in SEVERITIES
        assert entry["check_name"] and entry["type"] == "issue"
        assert entry["location"]["lines"]["begin"] >= 1
    assert len({e["fingerprint"] for e in report}) == len(report), "GitLab tells issues apart by fingerprint"


# ----------------------------------------------------------------------------- GitLab


def test_gitlab_report_is_valid_and_lists_the_active_findings(sample, gitlab_schema):
    report = gitlab(sample)
    check_gitlab(report, gitlab_schema)
    assert [(e["location"]["path"], e["location"]["lines"]["begin"], e["check_name"]) for e in report] == [
        ("apps/ios/App.swift", 8, "TL009 unverifiable-call"),
        ("apps/web/cart.ts", 12, "TL001 unknown-event"),
        ("apps/web/cart.ts", 20, "TL005 missing-property"),
        ("services/my app/tëst.py", 3, "TL007 deprecated-event"),
    ]
    first = report[1]
    assert first["severity"] == "major"
    assert "did you mean `Purchase Completed`?" in first["description"]
    assert report[2]["location"]["lines"] == {"begin": 20, "end": 24}
    assert {e["severity"] for e in report} == {"major", "minor", "info"}


def test_gitlab_report_of_a_clean_run_is_an_empty_array(gitlab_schema):
    assert gitlab(result([])) == []


def test_gitlab_paths_are_relative_to_the_repository_checkout(sample):
    report = gitlab(sample, environ={"CI_PROJECT_DIR": "/work"})
    assert report[0]["location"]["path"] == "project/apps/ios/App.swift"
    assert gitlab(sample, environ={"CI_PROJECT_DIR": "/elsewhere"})[0]["location"]["path"] == "apps/ios/App.swift"


def test_gitlab_fingerprint_does_not_move_with_the_line(gitlab_schema):
    before = gitlab(result([diag("TL001", "a.ts", 3, 1)]))
    after = gitlab(result([diag("TL001", "a.ts", 9, 1)]))
    assert before[0]["fingerprint"] == after[0]["fingerprint"]


# ----------------------------------------------------------------------------- JUnit


def test_junit_report_is_valid_and_has_one_failure_per_finding(sample, junit_schema):
    text = junit(sample)
    junit_schema.validate(text)
    root = ET.fromstring(text)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["apps/ios/App.swift", "apps/web/cart.ts", "services/my app/tëst.py"]
    cart = suites[1]
    assert (cart.get("tests"), cart.get("failures")) == ("2", "2")
    failures = cart.findall("testcase/failure")
    assert [f.get("type") for f in failures] == ["TL001", "TL005"]
    assert "did you mean `Purchase Completed`?" in failures[0].get("message")
    assert failures[0].text.startswith("apps/web/cart.ts:12:5: TL001 [error]")
    assert "ignored_event" not in text


def test_junit_clean_run_is_one_passing_test(junit_schema):
    text = junit(result([]))
    junit_schema.validate(text)
    root = ET.fromstring(text)
    assert root.findall("testsuite/testcase/failure") == []
    assert len(root.findall("testsuite/testcase")) == 1


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=40), st.text(max_size=40))
def test_junit_stays_valid_xml_whatever_the_code_contains(junit_schema, event, path):
    """Names and paths come from the pull request: control characters, lone surrogates and
    markup must neither break the XML nor be read as markup."""
    res = result([diag("TL001", path or "a.ts", 2, 1, event=event, message=f"`{event}` <b>&</b> is not planned.")])
    text = junit(res)
    junit_schema.validate(text)
    failure = ET.fromstring(text).find("testsuite/testcase/failure")
    assert "<b>&</b>" in failure.get("message")


def test_both_formats_are_registered_for_check():
    assert get_reporter("gitlab") is GitlabReporter
    assert get_reporter("junit") is JunitReporter


def test_check_on_the_example_writes_valid_reports_with_the_rename(gitlab_schema, junit_schema, tmp_path):
    """End to end: the bundled example's rename, as both CI formats carry it."""
    from typer.testing import CliRunner

    from tracklint.cli import app

    example = Path(__file__).resolve().parent.parent / "examples" / "acme"
    env = {"TRACKLINT_OUTPUT_FORMAT": None, "CI_PROJECT_DIR": None}
    for fmt in ("gitlab", "junit"):
        out = tmp_path / f"report.{fmt}"
        result = CliRunner().invoke(app, ["check", str(example), "--no-cache", "-f", fmt, "-o", str(out)], env=env)
        assert result.exit_code == 1, result.output
        text = out.read_text()
        assert "purchase_completed" in text
        if fmt == "gitlab":
            check_gitlab(json.loads(text), gitlab_schema)
        else:
            junit_schema.validate(text)


# ----------------------------------------------------------------------------- failures


def test_a_broken_plan_is_reported_in_the_ci_formats(tmp_path, gitlab_schema, junit_schema):
    """CI reads the report file, not stderr: a plan error becomes an issue / a failing test case
    on the plan's line (exit 2), valid against each format's published schema."""
    import subprocess
    import sys

    (tmp_path / "tracking-plan.yaml").write_text("version: 1\nevents:\n  A:\n    format: emial\n")
    (tmp_path / "app.py").write_text("analytics.track('u', 'A')\n")
    outputs = {}
    for fmt in ("gitlab", "junit"):
        out = tmp_path / f"report.{fmt}"
        done = subprocess.run([sys.executable, "-m", "tracklint", "check", "-f", fmt, "-o", str(out),
                               "--no-cache"], cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        outputs[fmt] = out.read_text()
    report = json.loads(outputs["gitlab"])
    check_gitlab(report, gitlab_schema)
    assert [(e["location"]["path"], e["location"]["lines"]["begin"]) for e in report] == [("tracking-plan.yaml", 4)]
    junit_schema.validate(outputs["junit"])
    failure = ET.fromstring(outputs["junit"]).find("./testsuite/testcase/failure")
    assert failure is not None and "tracking-plan.yaml:4:" in failure.text
