"""Tests for ``tracklint.plan.diff``: one test per change kind and class, version verdicts,
and the real schema histories in ``../shared/data`` (Iglu pairs, Ampli, RudderStack)."""

from __future__ import annotations

import copy

import pytest

from tracklint.plan.diff import (
    ADDITION,
    BREAKING,
    COSMETIC,
    MODEL,
    NON_BREAKING,
    REVISION,
    diff_plans,
    version_verdict,
)
from tracklint.plan.model import Event, Plan, PlanLocation, PropertySpec, Source, Traits


def P(name: str, **kw) -> PropertySpec:
    return PropertySpec(name=name, **kw)


def plan(*events: Event, **kw) -> Plan:
    kw.setdefault("sources", {"web": Source("web"), "ios": Source("ios")})
    kw.setdefault("destinations", ("warehouse", "amplitude"))
    return Plan(events={e.name: e for e in events}, **kw)


def ev(name: str, *props: PropertySpec, **kw) -> Event:
    return Event(name=name, properties={p.name: p for p in props}, **kw)


def only(diff, kind: str | None = None):
    assert len(diff.changes) == 1, [(c.kind, c.path) for c in diff.changes]
    change = diff.changes[0]
    if kind:
        assert change.kind == kind, change
    return change


def pair(old_spec: PropertySpec, new_spec: PropertySpec, *, additional: bool = False):
    old = plan(ev("Order Completed", old_spec, additional_properties=additional))
    new = plan(ev("Order Completed", new_spec, additional_properties=additional))
    return diff_plans(old, new)


# ------------------------------------------------------------------ identity


def test_same_plan_is_no_change():
    p = plan(ev("Order Completed", P("revenue", type=("number",), minimum=0, required=True)))
    assert diff_plans(p, copy.deepcopy(p)).changes == []
    assert diff_plans(p, p).verdict == "none"


# ------------------------------------------------------------------ events


def test_event_added_is_non_breaking():
    change = only(diff_plans(plan(), plan(ev("Signed Up"))), "event_added")
    assert change.severity == NON_BREAKING and change.schemaver == ADDITION
    assert change.path == "events/Signed Up"
    assert change.event == "Signed Up"
    assert change.sources == ("web", "ios") and change.destinations == ("warehouse", "amplitude")


def test_event_removed_is_breaking_and_points_at_old_plan():
    loc = PlanLocation("old.yaml", 7, 3)
    change = only(diff_plans(plan(ev("Signed Up", location=loc)), plan()), "event_removed")
    assert change.severity == BREAKING and change.schemaver == MODEL
    assert change.location == loc and change.side == "old"


def test_event_renamed_keeps_property_diff():
    old = plan(ev("Completed Order", P("revenue", type=("number",))))
    new = plan(ev("Order Completed", P("revenue", type=("integer",)), previous_names=("Completed Order",)))
    d = diff_plans(old, new)
    kinds = [(c.kind, c.path) for c in d.changes]
    assert kinds == [
        ("event_renamed", "events/Order Completed"),
        ("type_narrowed", "events/Order Completed/properties/revenue/type"),
    ]
    assert d.changes[0].old == "Completed Order" and d.changes[0].new == "Order Completed"
    assert all(c.severity == BREAKING for c in d.changes)
