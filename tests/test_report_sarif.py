"""SARIF 2.1.0 output: schema-valid, and what GitHub code scanning needs."""

from __future__ import annotations

import io
import json

import jsonschema
import pytest
from helpers_report import RULES, diag, result

import tracklint
from tracklint.diagnostics import Severity, assign_occurrences
from tracklint.extract.base import LineIndex, Notice
from tracklint.report import get_reporter
from tracklint.report.sarif import SarifReporter, artifact_location


def render(res, *, show_suppressed=False, rules=RULES) -> dict:
    stream = io.StringIO()
    SarifReporter(show_suppressed=show_suppressed).report(res, rules, stream)
    text = stream.getvalue()
    return json.loads(text)


def validate(log: dict, schema: dict) -> None:
    validator_cls = jsonschema.validators.validator_for(schema)
    validator_cls.check_schema(schema)
    errors = sorted(validator_cls(schema).iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.fixture
def sample():
    return result(
        [
            diag("TL001", "apps/web/cart.ts", 12, 5, 12, 25, help="did you mean `Purchase Completed`?"),
            diag("TL005", "apps/web/cart.ts", 20, 3, 24, 4, event="Order Completed", key="revenue",
                 message="`Order Completed` is missing the required property `revenue`."),
            diag("TL007", "services/my app/tëst.py", 3, 1, event="Old Event", message="`Old Event` is deprecated."),
            diag("TL001", "tracking-plan.yaml", 40, 3, 40, 20, event="Order completed",
                 message="Event `Order completed` equals `Order Completed` after normalisation."),
            diag("TL001", "apps/web/cart.ts", 30, 5, event="ignored_event", suppressed="inSource"),
            diag("TL007", "apps/web/cart.ts", 31, 5, event="Old Event", suppressed="external",
                 message="`Old Event` is deprecated."),
        ],
        root="/work/project",
        notices=[
            Notice("vendor/bundle.min.js", "skipped", "Skipped a minified file (12 MB)."),
            Notice("apps/ios/App.swift", "syntax-error", "Could not parse line 8; calls there may be missed.", line=8, column=3),
            Notice("apps/web/bad.ts", "unreadable", "Permission denied."),
        ],
    )


def test_valid_against_the_sarif_schema(sample, sarif_schema):
    validate(render(sample), sarif_schema)
    validate(render(sample, show_suppressed=True), sarif_schema)
    validate(render(result([])), sarif_schema)


def test_top_level_and_driver(sample):
    log = render(sample)
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "tracklint"
    assert driver["version"] == tracklint.__version__
    assert driver["informationUri"].startswith("https://")
    assert run["columnKind"] == "utf16CodeUnits"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == "file:///work/project/"


def test_rules_from_the_registry(sample):
    rules = render(sample)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(RULES)
    tl001 = rules[0]
    assert tl001["name"] == "unknown-event"
    assert tl001["shortDescription"]["text"] == "Events must be in the tracking plan."
    assert tl001["fullDescription"]["text"] == "Reports event is planned."
    assert "## Why is this bad?" in tl001["help"]["markdown"]
    assert "# tracklint-expect: TL001" in tl001["help"]["markdown"]  # code comments survive
    assert "## " not in tl001["help"]["text"] and "Why is this bad?" in tl001["help"]["text"]
    assert "# tracklint-expect: TL001" in tl001["help"]["text"]
    assert tl001["helpUri"].startswith("https://") and "TL001" in tl001["helpUri"]
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules}
    assert levels == {"TL001": "error", "TL005": "error", "TL007": "warning", "TL009": "note", "TL013": "warning"}


def test_default_severity_may_be_an_enum(sample):
    import types

    rules = {"TL001": types.SimpleNamespace(CODE="TL001", NAME="unknown-event", SUMMARY="s.",
                                            DEFAULT_SEVERITY=Severity.ERROR, __doc__="Doc.")}
    driver = render(sample, rules=rules)["runs"][0]["tool"]["driver"]
    assert driver["rules"][0]["defaultConfiguration"]["level"] == "error"
    assert driver["rules"][0]["fullDescription"]["text"] == "s."


def test_results(sample):
    run = render(sample)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == 4  # suppressed findings are left out by default
    first = results[0]
    assert first["ruleId"] == "TL001"
    assert rules[first["ruleIndex"]]["id"] == first["ruleId"]
    assert first["level"] == "error"
    assert first["message"]["text"] == "`purchase_completed` is not in the plan. Hint: did you mean `Purchase Completed`?"
    (location,) = first["locations"]
    physical = location["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "apps/web/cart.ts", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12, "startColumn": 5, "endLine": 12, "endColumn": 25}
    assert set(first["partialFingerprints"]) == {"tracklint/v1"}
    assert "suppressions" not in first
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["level"] in {"error", "warning", "note"}


def test_multiline_region_and_plan_file_finding(sample):
    results = render(sample)["runs"][0]["results"]
    by_uri = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r for r in results}
    multi = next(r for r in results if r["ruleId"] == "TL005")
    assert multi["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 20, "startColumn": 3, "endLine": 24, "endColumn": 4}
    plan = by_uri["tracking-plan.yaml"]
    assert plan["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert plan["locations"][0]["physicalLocation"]["region"]["startLine"] == 40


def test_uris_are_percent_encoded(sample):
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in render(sample)["runs"][0]["results"]}
    assert "services/my%20app/t%C3%ABst.py" in uris


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("a b/c.py", "a%20b/c.py"),
        ("100%/x#1?.ts", "100%25/x%231%3F.ts"),
        ("http:x/a.py", "http%3Ax/a.py"),  # relative, not a scheme: the colon is encoded
        ("日本/アプリ.kt", "%E6%97%A5%E6%9C%AC/%E3%82%A2%E3%83%97%E3%83%AA.kt"),
    ],
)
def test_artifact_location_encoding(path, uri):
    assert artifact_location(path) == {"uri": uri, "uriBaseId": "%SRCROOT%"}


def test_absolute_paths_become_file_uris():
    assert artifact_location("/tmp/x y.py") == {"uri": "file:///tmp/x%20y.py"}
    assert artifact_location("C:\\src\\a.py") == {"uri": "file:///C:/src/a.py"}


def test_suppressed_findings_on_request(sample):
    results = render(sample, show_suppressed=True)["runs"][0]["results"]
    assert len(results) == 6
    kinds = {r["partialFingerprints"]["tracklint/v1"]: r["suppressions"] for r in results}
    suppressed = {d.fingerprint: d.suppressed for d in sample.diagnostics}
    for fp, suppressions in kinds.items():
        assert suppressions == ([{"kind": suppressed[fp]}] if suppressed[fp] else [])
    assert sorted(s[0]["kind"] for s in kinds.values() if s) == ["external", "inSource"]


def test_notices_are_tool_execution_notifications(sample):
    (invocation,) = render(sample)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["skipped", "syntax-error", "unreadable"]
    assert [n["level"] for n in notes] == ["note", "warning", "error"]
    swift = notes[1]["locations"][0]["physicalLocation"]
    assert swift["artifactLocation"] == {"uri": "apps/ios/App.swift", "uriBaseId": "%SRCROOT%"}
    assert swift["region"]["startLine"] == 8
    internal = result([], notices=[Notice("x.py", "internal", "Extractor crashed.")])
    assert render(internal)["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_unregistered_code_gets_a_descriptor():
    res = result([diag("TL000", "broken.py", 2, message="Syntax error.", severity=Severity.ERROR, event=None)])
    run = render(res)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    (item,) = run["results"]
    assert rules[item["ruleIndex"]]["id"] == "TL000"
    assert rules[item["ruleIndex"]]["name"] == "syntax-error"


def test_fingerprints_do_not_change_when_lines_are_inserted():
    def findings(offset):
        return result([
            diag("TL001", "a.py", 3 + offset, event="purchase_completed"),
            diag("TL001", "a.py", 9 + offset, event="purchase_completed"),
            diag("TL005", "a.py", 9 + offset, event="Order Completed", key="revenue"),
        ])

    def prints(res):
        return [r["partialFingerprints"]["tracklint/v1"] for r in render(res)["runs"][0]["results"]]

    before, after = prints(findings(0)), prints(findings(7))
    assert before == after
    assert len(set(before)) == 3


def test_columns_are_utf16_code_units_with_an_emoji_before_the_span(sarif_schema):
    # `analytics.track("🎉", "x")` — the event string starts after an astral emoji: one code
    # point, two UTF-16 units, four UTF-8 bytes.
    line = 'x = "🎉"; analytics.track("Signed Up")\n'
    data = line.encode("utf-8")
    start = data.index(b'"Signed Up"')
    span = LineIndex(data).span(start, start + len(b'"Signed Up"'))
    assert (span.column, span.column_utf16) == (26, 27)
    finding = diag("TL001", "e.ts", span.line, span.column, span.end_line, span.end_column,
                   column_utf16=span.column_utf16, end_column_utf16=span.end_column_utf16)
    log = render(result([finding]))
    validate(log, sarif_schema)
    reg = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert (reg["startColumn"], reg["endColumn"]) == (27, 38)
    # Check against what a UTF-16 consumer (a browser) would compute.
    u16 = line.encode("utf-16-le")
    assert u16[(reg["startColumn"] - 1) * 2 : (reg["endColumn"] - 1) * 2].decode("utf-16-le") == '"Signed Up"'


def test_output_is_sorted_indented_json(sample):
    stream = io.StringIO()
    SarifReporter().report(sample, RULES, stream)
    text = stream.getvalue()
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_registered_under_its_format_name(sample):
    assert get_reporter("sarif") is SarifReporter
    reporter = get_reporter("sarif")(color=True, show_suppressed=False)
    reporter.report(sample, RULES, io.StringIO())


def test_occurrences_make_same_event_findings_distinct():
    res = result(assign_occurrences([diag("TL001", "a.py", n) for n in (1, 2, 3)]))
    prints = [r["partialFingerprints"]["tracklint/v1"] for r in render(res)["runs"][0]["results"]]
    assert len(set(prints)) == 3
