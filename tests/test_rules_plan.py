"""Tests for the plan lint rules (TL101-TL104): positive and negative cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracklint.plan import load_plan, load_plan_text
from tracklint.rules import (
    plan_conflicting_property_type,
    plan_duplicate_name,
    plan_missing_description,
    plan_naming_convention,
)
from tracklint.rules.base import RuleContext

PLANS = Path(__file__).resolve().parent / "fixtures" / "plans"
MODULES = (plan_duplicate_name, plan_conflicting_property_type, plan_missing_description, plan_naming_convention)


def _run(module, plan, **options):
    return list(module.check_plan(plan, RuleContext(plan=plan, options=options)))


def _where(findings):
    return [(f.plan_location.line, f.plan_location.column) for f in findings]


@pytest.fixture(scope="module")
def lint_plan():
    return load_plan(PLANS / "lint.yaml")


@pytest.fixture(scope="module")
def clean_plan():
    return load_plan(PLANS / "acme.yaml")


@pytest.mark.parametrize("module", MODULES)
def test_rule_module_contract(module):
    assert module.CODE.startswith("TL1") and len(module.CODE) == 5
    assert module.SCOPE == "plan"
    assert module.DEFAULT_SEVERITY in ("error", "warning", "note")
    assert module.NAME.startswith("plan-") and module.SUMMARY.endswith(".")
    assert set(module.OPTIONS) == set(module.DEFAULTS)
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Options"):
        assert section in module.__doc__


@pytest.mark.parametrize("module", [plan_duplicate_name, plan_conflicting_property_type, plan_naming_convention])
def test_clean_plan_has_no_findings(module, clean_plan):
    assert _run(module, clean_plan) == []


def test_every_finding_points_into_the_plan(lint_plan):
    for module in MODULES:
        for finding in _run(module, lint_plan, **{"require-owner": True, "check-traits": True}):
            assert finding.plan_location is not None
            assert finding.plan_location.path == str(PLANS / "lint.yaml")
            assert finding.message.endswith(".")


# TL101 -----------------------------------------------------------------------------------------


def test_duplicate_names(lint_plan):
    findings = _run(plan_duplicate_name, lint_plan)
    messages = [f.message for f in findings]
    assert _where(findings) == [(20, 3), (7, 3), (27, 3), (32, 3)]
    assert "`order_completed` has the same name as `Order Completed` (defined at" in messages[0]
    assert "`Completed Order`, a previous name of event `Order Completed`, is the name of another event" in messages[1]
    assert "`Completed Order`, a previous name of event `Old Thing`" in messages[2]
    assert "Planned page `home` has the same name as `Home`" in messages[3]
    assert findings[0].event == "order_completed"
    assert findings[0].help


def test_previous_name_claimed_by_two_events():
    plan = load_plan_text(
        "events:\n  A: {previous_names: [Old]}\n  B: {previous_names: [old]}\n", "p.yaml"
    )
    findings = _run(plan_duplicate_name, plan)
    assert len(findings) == 1
    assert "is a previous name of both `B` and `A`" in findings[0].message
    assert _where(findings) == [(3, 3)]


def test_own_previous_spelling_is_not_a_duplicate():
    plan = load_plan_text("events:\n  Order Completed: {previous_names: [order_completed, ORDER COMPLETED]}\n", "p.yaml")
    assert _run(plan_duplicate_name, plan) == []


# TL102 -----------------------------------------------------------------------------------------


def test_conflicting_types(lint_plan):
    findings = _run(plan_conflicting_property_type, lint_plan)
    assert len(findings) == 1
    finding = findings[0]
    assert _where(findings) == [(22, 7)]
    assert finding.message.startswith("Property `revenue` is string in event `order_completed` but number in 3 other places")
    assert "its shared definition at" in finding.message
    assert finding.event == "order_completed"


def test_integer_and_number_distinguished_on_request(lint_plan):
    findings = _run(plan_conflicting_property_type, lint_plan, **{"distinguish-integer": True})
    assert sorted(_where(findings)) == [(22, 7), (26, 7)]


def test_nullability_and_untyped_are_not_conflicts():
    plan = load_plan_text(
        "events:\n  A: {properties: {x: {type: string}}}\n  B: {properties: {x: {type: [string, null]}}}\n"
        "  C: {properties: {x: {}}}\n",
        "p.yaml",
    )
    assert _run(plan_conflicting_property_type, plan) == []


# TL103 -----------------------------------------------------------------------------------------


def test_missing_description(lint_plan):
    findings = _run(plan_missing_description, lint_plan)
    assert _where(findings) == [(20, 3), (23, 3)]  # no description, blank description
    assert findings[0].message == "Planned event `order_completed` has no description."


def test_require_owner(lint_plan):
    findings = _run(plan_missing_description, lint_plan, **{"require-owner": True})
    owners = [f for f in findings if f.key == "owner"]
    # every event, page and screen but Order Completed lacks an owner
    assert len(owners) == 6
    assert "has no owner" in owners[0].message


def test_described_plan_is_clean():
    plan = load_plan_text("events:\n  A: {description: x, owner: y}\npages:\n  P: {description: z, owner: y}\n", "p.yaml")
    assert _run(plan_missing_description, plan, **{"require-owner": True}) == []


# TL104 -----------------------------------------------------------------------------------------


def test_naming_convention(lint_plan):
    findings = _run(plan_naming_convention, lint_plan)
    by_name = {f.message.split("`")[1]: f for f in findings}
    assert set(by_name) == {"order_completed", "orderId", "skuId"}
    event = by_name["order_completed"]
    assert _where([event]) == [(20, 3)]
    assert event.help == "rename it to `Order Completed` and list `order_completed` in its `previous_names`"
    assert by_name["orderId"].help == "rename it to `order_id`"
    assert _where([by_name["skuId"]]) == [(19, 13)]
    assert "in event `Order Completed`" in by_name["skuId"].message


def test_naming_convention_traits_on_request(lint_plan):
    findings = _run(plan_naming_convention, lint_plan, **{"check-traits": True})
    assert any("`firstName` in identify traits" in f.message for f in findings)


def test_naming_convention_pattern():
    plan = load_plan_text(
        "conventions: {event_name: {pattern: '^[A-Z][a-z]+:'}}\nevents:\n  'Checkout: Done': {}\n  Bad: {}\n", "p.yaml"
    )
    findings = _run(plan_naming_convention, plan)
    assert [f.event for f in findings] == ["Bad"]
    assert findings[0].help is None
    assert "names must match the pattern" in findings[0].message


def test_no_conventions_no_findings():
    plan = load_plan_text("events:\n  whatever_Name: {properties: {AnyThing: {}}}\n", "p.yaml")
    assert _run(plan_naming_convention, plan) == []


def test_shared_spec_reported_once_per_place():
    plan = load_plan_text(
        "conventions: {property_name: snake_case}\n"
        "properties:\n  obj: {type: object, properties: {badKey: {}}}\n"
        "events:\n  A: {properties: {obj: {}}}\n  B: {properties: {obj: {}}}\n",
        "p.yaml",
    )
    findings = _run(plan_naming_convention, plan)
    assert _where(findings) == [(3, 36)]


def _diagnostics(count: int, code: str = "TL103", severity: str = "warning", suppressed: str | None = None):
    from tracklint.diagnostics import Diagnostic, Location, Severity

    return [Diagnostic(code, "x", Severity(severity), f"Planned event `E{i}` has no description.",
                       Location("tracking-plan.yaml", 10 + i, 3, 10 + i, 5), event=f"E{i}", key="description",
                       suppressed=suppressed) for i in range(count)]


def test_many_plan_findings_of_one_rule_become_one_summary():
    from tracklint.diagnose import group_plan_findings

    (summary,) = group_plan_findings(_diagnostics(5), select=())
    assert summary.message == ("5 descriptions (or owners) are missing from the plan: "
                               "`E0`, `E1`, `E2` and 2 more.")
    assert summary.location.line == 10 and "--select TL103" in summary.help
    # a summary's identity does not change with the count (a baseline never holds one)
    assert summary.fingerprint == group_plan_findings(_diagnostics(9), select=())[0].fingerprint


@pytest.mark.parametrize("found, select", [
    (_diagnostics(3), ()),  # a few are shown one by one
    (_diagnostics(5), ("TL103",)),  # asked for by code: each one
    (_diagnostics(5, "TL101", "error"), ()),  # errors stay findings of their own
    (_diagnostics(5, suppressed="external"), ()),  # baselined ones are left as the baseline left them
    (_diagnostics(5, "TL001"), ()),  # findings about the code are never grouped
])
def test_plan_findings_kept_one_by_one(found, select):
    from tracklint.diagnose import group_plan_findings

    assert group_plan_findings(found, select=select) == found
