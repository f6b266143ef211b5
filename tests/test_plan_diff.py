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


def test_event_removed_and_added_pages_and_screens():
    old = Plan(pages={"Home": ev("Home")}, screens={})
    new = Plan(pages={}, screens={"Cart": ev("Cart", kind="screen")})
    d = diff_plans(old, new)
    assert [(c.kind, c.path, c.scope, c.severity) for c in d.changes] == [
        ("event_removed", "pages/Home", "page", BREAKING),
        ("event_added", "screens/Cart", "screen", NON_BREAKING),
    ]


# ------------------------------------------------------------------ properties


def test_optional_property_added_to_closed_event_is_non_breaking_addition():
    old = plan(ev("E", additional_properties=False))
    new = plan(ev("E", P("coupon", type=("string",)), additional_properties=False))
    change = only(diff_plans(old, new), "property_added")
    assert change.severity == NON_BREAKING and change.schemaver == ADDITION
    assert change.path == "events/E/properties/coupon"


def test_optional_property_added_to_open_event_is_a_revision():
    old = plan(ev("E", additional_properties=True))
    new = plan(ev("E", P("coupon", type=("string",)), additional_properties=True))
    change = only(diff_plans(old, new), "property_added")
    assert change.severity == NON_BREAKING and change.schemaver == REVISION
    assert "unplanned" in change.note


def test_required_property_added_is_breaking():
    old = plan(ev("E"))
    new = plan(ev("E", P("order_id", type=("string",), required=True)))
    change = only(diff_plans(old, new), "property_added")
    assert change.severity == BREAKING and change.schemaver == MODEL


def test_property_removed_is_breaking_for_consumers_even_when_open():
    for additional in (False, True):
        old = plan(ev("E", P("coupon"), additional_properties=additional))
        new = plan(ev("E", additional_properties=additional))
        change = only(diff_plans(old, new), "property_removed")
        assert change.severity == BREAKING and change.side == "old"


@pytest.mark.parametrize(
    "old_type, new_type, kind, severity",
    [
        (("object",), ("null", "object"), "type_widened", NON_BREAKING),
        (("null", "object"), ("object",), "type_narrowed", BREAKING),
        (("integer",), ("number",), "type_widened", NON_BREAKING),
        (("number",), ("integer",), "type_narrowed", BREAKING),
        (("integer", "null"), ("null", "number"), "type_widened", NON_BREAKING),
        (("string",), ("integer",), "type_changed", BREAKING),
        (("string",), (), "type_widened", NON_BREAKING),
        ((), ("string",), "type_narrowed", BREAKING),
    ],
)
def test_type_changes(old_type, new_type, kind, severity):
    change = only(pair(P("x", type=old_type), P("x", type=new_type)), kind)
    assert change.severity == severity
    assert change.path == "events/Order Completed/properties/x/type"


def test_type_order_is_no_change():
    assert pair(P("x", type=("string", "null")), P("x", type=("null", "string"))).changes == []


def test_type_narrowing_implied_by_enum_is_cosmetic():
    change = only(pair(P("x", enum=("a", "b")), P("x", type=("string",), enum=("a", "b"))), "type_narrowed")
    assert change.severity == COSMETIC and "no effect" in change.note


@pytest.mark.parametrize(
    "old_enum, new_enum, kind, severity",
    [
        (("a", "b"), ("a",), "enum_narrowed", BREAKING),
        (("a",), ("a", "b"), "enum_widened", NON_BREAKING),
        (("a", "b"), ("a", "c"), "enum_changed", BREAKING),
        (None, ("a",), "enum_narrowed", BREAKING),
        (("a",), None, "enum_widened", NON_BREAKING),
    ],
)
def test_enum_changes(old_enum, new_enum, kind, severity):
    change = only(pair(P("x", type=("string",), enum=old_enum), P("x", type=("string",), enum=new_enum)), kind)
    assert change.severity == severity


def test_enum_order_and_json_equality_are_no_change():
    assert pair(P("x", enum=("b", "a")), P("x", enum=("a", "b"))).changes == []
    assert pair(P("x", enum=(1,)), P("x", enum=(1.0,))).changes == []
    # true is not 1 in JSON
    assert pair(P("x", enum=(True,)), P("x", enum=(1,))).changes[0].kind == "enum_changed"


def test_const_introduced_is_narrowing():
    change = only(pair(P("x", type=("string",)), P("x", type=("string",), const="web", has_const=True)))
    assert change.kind == "enum_narrowed" and change.severity == BREAKING


@pytest.mark.parametrize(
    "old, new, kind, severity",
    [
        (None, "^a", "pattern_narrowed", BREAKING),
        ("^a", None, "pattern_widened", NON_BREAKING),
        ("^a", "^b", "pattern_changed", BREAKING),
    ],
)
def test_pattern_changes(old, new, kind, severity):
    change = only(pair(P("x", type=("string",), pattern=old), P("x", type=("string",), pattern=new)), kind)
    assert change.severity == severity


def test_equal_pattern_is_no_change():
    assert pair(P("x", pattern="^a$"), P("x", pattern="^a$")).changes == []


@pytest.mark.parametrize(
    "old, new, kind, severity",
    [
        (None, "email", "format_narrowed", BREAKING),
        ("email", None, "format_widened", NON_BREAKING),
        ("email", "uri", "format_changed", BREAKING),
    ],
)
def test_format_changes(old, new, kind, severity):
    change = only(pair(P("x", type=("string",), format=old), P("x", type=("string",), format=new)), kind)
    assert change.severity == severity


@pytest.mark.parametrize(
    "old_kw, new_kw, kind, severity",
    [
        ({}, {"minimum": 0}, "range_narrowed", BREAKING),
        ({"minimum": 0}, {}, "range_widened", NON_BREAKING),
        ({"minimum": 0}, {"minimum": 1}, "range_narrowed", BREAKING),
        ({"minimum": 1}, {"minimum": 0}, "range_widened", NON_BREAKING),
        ({"maximum": 10}, {"maximum": 5}, "range_narrowed", BREAKING),
        ({"maximum": 5}, {"maximum": 10}, "range_widened", NON_BREAKING),
        ({"minimum": 0}, {"exclusive_minimum": 0}, "range_narrowed", BREAKING),
        ({"exclusive_maximum": 5}, {"maximum": 5}, "range_widened", NON_BREAKING),
    ],
)
def test_range_changes(old_kw, new_kw, kind, severity):
    change = only(pair(P("x", type=("number",), **old_kw), P("x", type=("number",), **new_kw)), kind)
    assert change.severity == severity


@pytest.mark.parametrize(
    "old_kw, new_kw, kind, severity",
    [
        ({}, {"max_length": 10}, "length_narrowed", BREAKING),
        ({"max_length": 10}, {"max_length": 20}, "length_widened", NON_BREAKING),
        ({"min_length": 1}, {}, "length_widened", NON_BREAKING),
        ({"min_length": 1}, {"min_length": 3}, "length_narrowed", BREAKING),
    ],
)
def test_string_length_changes(old_kw, new_kw, kind, severity):
    change = only(pair(P("x", type=("string",), **old_kw), P("x", type=("string",), **new_kw)), kind)
    assert change.severity == severity


def test_item_count_changes_and_zero_minimum_is_no_bound():
    change = only(pair(P("x", type=("array",)), P("x", type=("array",), max_items=3)), "length_narrowed")
    assert change.path.endswith("/maxItems")
    assert pair(P("x", type=("array",)), P("x", type=("array",), min_items=0)).changes == []


def test_max_length_implied_by_anchored_pattern_is_cosmetic():
    uuid = "^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$|^[0-9a-f]{16}$"
    change = only(pair(P("x", type=("string",), pattern=uuid), P("x", type=("string",), pattern=uuid, max_length=36)))
    assert change.kind == "length_narrowed" and change.severity == COSMETIC
    # an unanchored pattern says nothing about length
    change = only(pair(P("x", type=("string",), pattern="[a-z]{3}"), P("x", type=("string",), pattern="[a-z]{3}", max_length=36)))
    assert change.severity == BREAKING


def test_string_constraint_under_a_non_string_type_cannot_break():
    change = only(pair(P("x", type=("integer",)), P("x", type=("integer",), max_length=3)))
    assert change.kind == "length_narrowed" and change.severity == NON_BREAKING and "no string values" in change.note


def test_required_added_and_removed():
    change = only(pair(P("x"), P("x", required=True)), "required_added")
    assert change.severity == BREAKING and change.path.endswith("/x/required")
    change = only(pair(P("x", required=True), P("x")), "required_removed")
    assert change.severity == NON_BREAKING


def test_additional_properties_tightened_and_relaxed():
    old, new = plan(ev("E", additional_properties=True)), plan(ev("E", additional_properties=False))
    assert only(diff_plans(old, new), "additional_properties_tightened").severity == BREAKING
    assert only(diff_plans(new, old), "additional_properties_relaxed").severity == NON_BREAKING


def test_deprecation():
    old, new = plan(ev("E")), plan(ev("E", deprecated="use F"))
    change = only(diff_plans(old, new), "deprecated")
    assert change.severity == NON_BREAKING and "use F" in change.message
    assert only(diff_plans(new, old), "undeprecated").severity == NON_BREAKING
    assert only(diff_plans(new, plan(ev("E", deprecated="use G"))), "deprecation_changed").severity == COSMETIC
    change = only(pair(P("x"), P("x", deprecated=True)), "deprecated")
    assert change.path.endswith("/x/deprecated")


def test_cosmetic_words():
    d = diff_plans(
        plan(ev("E", P("x", description="a", pii=False), description="a", owner="growth"), name="A"),
        plan(ev("E", P("x", description="b", pii=True), description="b", owner="data"), name="B"),
    )
    assert {c.kind for c in d.changes} == {"name_changed", "description_changed", "owner_changed", "pii_changed"}
    assert all(c.severity == COSMETIC for c in d.changes) and d.verdict == COSMETIC


def test_sources_and_destinations_of_an_event():
    old = plan(ev("E", sources=("web", "ios"), destinations=("warehouse",)))
    new = plan(ev("E", sources=("web",), destinations=("warehouse", "amplitude")))
    d = diff_plans(old, new)
    by_kind = {c.kind: c for c in d.changes}
    assert set(by_kind) == {"sources_removed", "destinations_added"}
    assert by_kind["sources_removed"].severity == BREAKING and by_kind["sources_removed"].sources == ("ios",)
    assert by_kind["destinations_added"].severity == NON_BREAKING
    assert by_kind["destinations_added"].destinations == ("amplitude",)


def test_default_sources_compare_with_the_plan_declared_ones():
    old = plan(ev("E"))  # every source: web, ios
    new = plan(ev("E", sources=("web",)))
    change = only(diff_plans(old, new), "sources_removed")
    assert change.sources == ("ios",)
    # listing every source explicitly is no change
    assert diff_plans(old, plan(ev("E", sources=("ios", "web")))).changes == []


def test_plan_level_sources_and_destinations():
    old = plan(destinations=("warehouse", "braze"))
    new = plan(destinations=("warehouse",), sources={"web": Source("web"), "ios": Source("ios"), "android": Source("android")})
    d = diff_plans(old, new)
    assert [(c.kind, c.path, c.severity) for c in d.changes] == [
        ("sources_added", "sources/android", NON_BREAKING),
        ("destinations_removed", "destinations/braze", BREAKING),
    ]


def test_nested_objects_and_array_items_recurse():
    def products(sku_required: bool, price_type: tuple[str, ...]):
        item = P("", type=("object",), properties={
            "sku": P("sku", type=("string",), required=sku_required),
            "price": P("price", type=price_type),
        })
        return P("products", type=("array",), items=item)

    d = pair(products(False, ("number",)), products(True, ("integer",)))
    assert [(c.kind, c.path) for c in d.changes] == [
        ("required_added", "events/Order Completed/properties/products/items/properties/sku/required"),
        ("type_narrowed", "events/Order Completed/properties/products/items/properties/price/type"),
    ]
    assert all(c.event == "Order Completed" for c in d.changes)


def test_items_introduced_is_a_narrowing():
    change = only(pair(P("x", type=("array",)), P("x", type=("array",), items=P("", type=("string",)))))
    assert change.kind == "type_narrowed" and change.path.endswith("/x/items/type")


def test_object_form_newly_allowed_cannot_break():
    # redshift_config 2-0-0 -> 2-1-0: string -> string|object with a required key inside the object
    old = P("password", type=("string",))
    new = P("password", type=("object", "string"), properties={"ec2": P("ec2", type=("object",), required=True)})
    d = pair(old, new)
    assert d.verdict == NON_BREAKING
    added = [c for c in d.changes if c.kind == "property_added"][0]
    assert added.severity == NON_BREAKING and "did not allow" in added.note


def test_deep_nesting_does_not_recurse():
    def deep(n: int, leaf_type: str) -> PropertySpec:
        spec = P("leaf", type=(leaf_type,))
        for i in range(n):
            spec = P(f"p{i}", type=("object",), properties={spec.name: spec})
        return spec

    d = pair(deep(50, "string"), deep(50, "integer"))
    assert len(d.changes) == 1 and d.changes[0].kind == "type_changed"
    d = pair(deep(2000, "string"), deep(2000, "integer"))  # beyond the depth cap: not compared, no crash
    assert d.changes == []


def test_common_properties_and_traits():
    old = plan(common_properties={"app_version": P("app_version", type=("string",))},
               identify=Traits(traits={"email": P("email", type=("string",))}))
    new = plan(common_properties={"app_version": P("app_version", type=("string",), required=True)},
               identify=Traits(traits={"email": P("email", type=("string",), format="email")}, additional_properties=False),
               group=Traits(traits={"plan": P("plan", type=("string",))}))
    d = diff_plans(old, new)
    assert [(c.scope, c.kind, c.path, c.severity) for c in d.changes] == [
        ("common", "required_added", "common/properties/app_version/required", BREAKING),
        ("identify", "additional_properties_tightened", "identify/additional_properties", BREAKING),
        ("identify", "format_narrowed", "identify/traits/email/format", BREAKING),
        ("group", "property_added", "group/traits/plan", NON_BREAKING),
    ]
    assert d.changes[0].sources == ("web", "ios")


def test_path_segments_are_escaped():
    d = diff_plans(plan(), plan(ev("a/b~c")))
    assert d.changes[0].path == "events/a~1b~0c"


def test_location_and_anchor():
    new_loc, prop_loc = PlanLocation("new.yaml", 3, 3), PlanLocation("new.yaml", 5, 7)
    old = plan(ev("E", P("gone", location=PlanLocation("old.yaml", 9, 7))))
    new = plan(ev("E", P("kept", type=("string",), location=prop_loc), location=new_loc))
    d = diff_plans(old, new)
    removed = next(c for c in d.changes if c.kind == "property_removed")
    added = next(c for c in d.changes if c.kind == "property_added")
    assert removed.location.path == "old.yaml" and removed.side == "old" and removed.anchor == new_loc
    assert added.location == prop_loc and added.anchor == prop_loc


# ------------------------------------------------------------------ versions


@pytest.mark.parametrize(
    "old, new, severity, ok, minimal",
    [
        ("2.3.0", "3.0.0", BREAKING, True, "3.0.0"),
        ("2.3.0", "2.4.0", BREAKING, False, "3.0.0"),
        ("2.3.0", "2.4.0", NON_BREAKING, True, "2.4.0"),
        ("2.3.0", "2.3.1", NON_BREAKING, False, "2.4.0"),
        ("2.3.0", "2.3.1", COSMETIC, True, "2.3.0"),
        ("2.3.0", "2.3.0", COSMETIC, True, "2.3.0"),
        ("2.3.0", "2.2.0", COSMETIC, False, "2.3.0"),
        ("0.3.0", "0.4.0", BREAKING, True, "0.4.0"),
        ("0.3.0", "0.3.1", BREAKING, False, "0.4.0"),
        ("v1.0.0", "v2.0.0", BREAKING, True, "2.0.0"),
    ],
)
def test_semver_verdict(old, new, severity, ok, minimal):
    from tracklint.plan.diff import Change

    change = Change(kind="x", path="p", severity=severity, message="m")
    verdict = version_verdict(old, new, [change])
    assert verdict.ok is ok and verdict.minimal == minimal and verdict.scheme == "semver"


def test_schemaver_verdict():
    from tracklint.plan.diff import Change

    breaking = Change(kind="x", path="p", severity=BREAKING, message="m")
    verdict = version_verdict("1-0-0", "1-0-1", [breaking])
    assert verdict.scheme == "schemaver" and not verdict.ok and verdict.minimal == "2-0-0"
    assert version_verdict("1.0.0", "2.0.0", [breaking], scheme="schemaver").ok
    additive = Change(kind="x", path="p", severity=NON_BREAKING, message="m", schemaver=REVISION)
    verdict = version_verdict("1-0-0", "1-0-1", [additive])
    assert verdict.ok and verdict.suggested == REVISION


def test_no_version_no_verdict_and_unparsable_is_not_a_failure():
    assert diff_plans(plan(version="1.0.0"), plan()).version_verdict is None
    verdict = diff_plans(plan(version="spring"), plan(version="summer")).version_verdict
    assert verdict.ok and "not a semantic version" in verdict.message


def test_plan_diff_verdict_reaches_plan_diff():
    d = diff_plans(plan(ev("E"), version="1.2.0"), plan(version="1.3.0"))
    assert d.verdict == BREAKING and not d.version_ok and d.version_verdict.minimal == "2.0.0"


# ------------------------------------------------------------------ real data: Iglu pairs

#: Pairs where our verdict differs from ``expected`` (or ``expected`` is "debatable"), with why.
IGLU_DISAGREEMENTS = {
    # debatable: our reading
    ("schedule_update", "1-0-0", "1-0-1"): (
        "breaking",
        "debatable: a new maxLength 65535 narrows /schedule (and the bump, ADDITION, is flagged too small); "
        "the removed minLength 1 widens",
    ),
    ("summary", "1-0-0", "1-1-0"): (
        "non-breaking",
        "debatable: optional /campaignId added where additional properties were allowed; "
        "non-breaking, SchemaVer REVISION (the authors' label)",
    ),
    ("system_webhook", "1-0-1", "2-0-0"): (
        "non-breaking",
        "debatable: every modelled change widens (email optional, nullable, no format, 55 optional "
        "properties); minProperties 3 -> 2 is not in the plan model (importer warns)",
    ),
}

#: Pairs whose authors' bump is smaller than the changes need.
IGLU_TOO_SMALL = {
    ("bot_detection_enrichment_config", "1-0-0", "1-0-1"),  # new required property labelled ADDITION
    ("schedule_update", "1-0-0", "1-0-1"),  # new maxLength labelled ADDITION
}


def _iglu_pairs(shared_dir):
    import json

    root = shared_dir / "data" / "iglu"
    return root, [json.loads(line) for line in (root / "pairs.jsonl").read_text().splitlines() if line.strip()]


def _iglu_diff(root, pair_):
    from tracklint.importers import load_any

    old = load_any(root / pair_["old_path"], "iglu")
    new = load_any(root / pair_["new_path"], "iglu")
    return diff_plans(old, new, version_scheme="schemaver")


def _structural(d) -> str:
    return d.verdict if d.verdict in (BREAKING, NON_BREAKING) else "none"


def test_iglu_pairs_agree_with_expected(shared_dir):
    root, pairs = _iglu_pairs(shared_dir)
    assert len(pairs) == 39
    agree, disagreements, debatable = 0, {}, 0
    for p in pairs:
        key = (p["name"], p["old"], p["new"])
        got = _structural(_iglu_diff(root, p))
        if p["expected"] == "debatable":
            debatable += 1
            assert key in IGLU_DISAGREEMENTS, f"debatable pair {key} not listed (we say {got})"
            assert IGLU_DISAGREEMENTS[key][0] == got, key
            continue
        if got == p["expected"]:
            agree += 1
            assert key not in IGLU_DISAGREEMENTS, f"{key} now agrees: drop it from the list"
        else:
            disagreements[key] = got
            assert key in IGLU_DISAGREEMENTS and IGLU_DISAGREEMENTS[key][0] == got, (key, p["expected"], got)
    assert debatable == 3
    # Every decided pair agrees now that object-shaped anyOf alternatives are kept and compared.
    assert agree == 36, (agree, disagreements)
    assert agree + len(disagreements) == 36


def test_iglu_too_small_bumps_are_flagged(shared_dir):
    root, pairs = _iglu_pairs(shared_dir)
    flagged = set()
    for p in pairs:
        verdict = _iglu_diff(root, p).version_verdict
        assert verdict is not None and verdict.scheme == "schemaver"
        if not verdict.ok:
            flagged.add((p["name"], p["old"], p["new"]))
    assert flagged == IGLU_TOO_SMALL


def test_iglu_bot_detection_change_is_a_required_property(shared_dir):
    root, pairs = _iglu_pairs(shared_dir)
    p = next(p for p in pairs if p["name"] == "bot_detection_enrichment_config")
    d = _iglu_diff(root, p)
    assert [(c.kind, c.path.rsplit("/properties/", 2)[-2:]) for c in d.breaking] == [
        ("property_added", ["parameters", "useClientSideDetection"])
    ]
    assert d.version_verdict.minimal == "2-0-0"


# ------------------------------------------------------------------ real data: Ampli history


def test_ampli_history_matches_versions_jsonl(shared_dir):
    import json

    from tracklint.importers import load_any

    root = shared_dir / "data" / "plans"
    rows = [json.loads(l) for l in (root / "amplitude-ampli/schema-history/versions.jsonl").read_text().splitlines() if l.strip()]
    assert len(rows) == 5
    for row in rows:
        d = diff_plans(load_any(root / row["old_path"]), load_any(root / row["new_path"]))
        if row["expected"] == "no-change":
            # $id prefixes, key order, required order, minItems: 0 are no change at all; the
            # last pair also rewrites property descriptions, which are cosmetic
            assert not d.breaking and not d.non_breaking, (row["note"], d.changes)
            assert {c.kind for c in d.changes} <= {"description_changed"}, row["note"]
        else:
            assert d.verdict == row["expected"] == NON_BREAKING
            assert {c.kind for c in d.changes} == {"type_widened"}
            assert any(c.event == "Event Object Types" and c.path.endswith("/requiredObject/type") for c in d.changes)
    first = rows[0]
    d = diff_plans(load_any(root / first["old_path"]), load_any(root / first["new_path"]))
    assert d.changes == []


# ------------------------------------------------------------------ real data: RudderStack


def test_rudderstack_create_to_update(shared_dir):
    from tracklint.importers import load_any

    root = shared_dir / "data" / "plans" / "rudderstack" / "rudder-iac-e2e"
    old, new = load_any(root / "create"), load_any(root / "update")
    d = diff_plans(old, new)
    # the api_tracking event's name comes from a substitution variable; find it by its rule
    api = next(n for n, e in new.events.items() if "API Method" in e.properties and n != "API Error")
    A = f"events/{api}"
    got = {(c.severity, c.kind, c.path) for c in d.changes}
    expected = {
        # events.yaml: logout dropped, api_error added, login described differently
        (BREAKING, "event_removed", "events/Logout Event"),
        (NON_BREAKING, "event_added", "events/API Error"),
        (COSMETIC, "description_changed", "events/Login Event/description"),
        # trackingplan.yaml, login_event: username -> user_mail, remember-me now required,
        # captcha_attempts required inside captcha_info
        (BREAKING, "property_removed", "events/Login Event/properties/Username"),
        (BREAKING, "property_added", "events/Login Event/properties/User Email"),
        (BREAKING, "required_added",
         "events/Login Event/properties/Signin Info/properties/Remember Me Checkbox Clicked/required"),
        (BREAKING, "property_added",
         "events/Login Event/properties/Signin Info/properties/Captcha/properties/Captcha Info/properties/Captcha Attempts"),
        # the api_tracking rule: allow_unplanned false -> true, username -> user_mail, the
        # variants' referrer and content_type now planned, HEAD added to api_method
        (NON_BREAKING, "additional_properties_relaxed", f"{A}/additional_properties"),
        (BREAKING, "property_removed", f"{A}/properties/Username"),
        (BREAKING, "property_added", f"{A}/properties/User Email"),
        (NON_BREAKING, "property_added", f"{A}/properties/Content Type"),
        (NON_BREAKING, "property_added", f"{A}/properties/Referrer"),
        (NON_BREAKING, "enum_widened", f"{A}/properties/API Method/enum"),
        # the v1 files: checkout gets a rule, signup gains user_email, email min_length 5 -> 3,
        # three descriptions reworded
        (NON_BREAKING, "event_added", "events/Checkout"),
        (NON_BREAKING, "property_added", "events/Signup/properties/User Email"),
        (NON_BREAKING, "length_widened", "events/Signup/properties/Email Address/minLength"),
        (COSMETIC, "description_changed", "events/Signup/description"),
        (COSMETIC, "description_changed", "pages/page_view/description"),
    }
    assert got == expected, (sorted(got - expected), sorted(expected - got))
    assert d.verdict == BREAKING


# ------------------------------------------------------------------ properties (hypothesis)

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_NAME = st.text(alphabet="abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=10).filter(lambda s: s[0] != "_")
_EVENT = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ abc", min_size=1, max_size=12).map(str.strip).filter(bool)


@st.composite
def _spec(draw, depth: int = 0) -> dict:
    kind = draw(st.sampled_from(["string", "number", "integer", "boolean", "array", "object", "nullable"]))
    spec: dict = {}
    if kind == "nullable":
        spec["type"] = draw(st.permutations(["string", "null"]))
    else:
        spec["type"] = kind
    if kind == "string":
        if draw(st.booleans()):
            spec["enum"] = draw(st.lists(_NAME, min_size=1, max_size=4, unique=True))
        if draw(st.booleans()):
            spec["maxLength"] = draw(st.integers(1, 100))
        if draw(st.booleans()):
            spec["pattern"] = draw(st.sampled_from(["^[a-z]+$", "^ord_[0-9]+$", "x"]))
    if kind in ("number", "integer") and draw(st.booleans()):
        spec["minimum"] = draw(st.integers(-5, 5))
    if kind == "array" and depth < 2 and draw(st.booleans()):
        spec["items"] = draw(_spec(depth + 1))
    if kind == "object" and depth < 2:
        props = draw(st.dictionaries(_NAME, _spec(depth + 1), max_size=3))
        if props:
            spec["properties"] = props
    if draw(st.booleans()):
        spec["description"] = draw(st.text(alphabet="abc xyz.", max_size=20))
    if depth == 0 and draw(st.booleans()):
        spec["required"] = True
    return spec


@st.composite
def _plan_doc(draw) -> dict:
    events = draw(
        st.dictionaries(
            _EVENT,
            st.fixed_dictionaries(
                {"properties": st.dictionaries(_NAME, _spec(), max_size=4)},
                optional={
                    "description": st.text(alphabet="abc ", max_size=10),
                    "sources": st.sets(st.sampled_from(["web", "ios"]), min_size=1).map(sorted),
                    "additional_properties": st.booleans(),
                },
            ),
            max_size=4,
        )
    )
    doc = {
        "tracklint": 1,
        "name": "generated",
        "version": "1.2.3",
        "sources": {"web": {"paths": ["web/**"]}, "ios": {"paths": ["ios/**"]}},
        "destinations": ["warehouse"],
        "events": events,
    }
    if draw(st.booleans()):
        doc["identify"] = {"traits": draw(st.dictionaries(_NAME, _spec(), max_size=3))}
    return doc


def _reorder(value, reverse: bool):
    if isinstance(value, dict):
        keys = list(value)
        if reverse:
            keys.reverse()
        return {k: _reorder(value[k], reverse) for k in keys}
    if isinstance(value, list):
        return [_reorder(v, reverse) for v in value]
    return value


def _reorder_sets(value):
    """Reverse lists whose order carries no meaning (enum, type, sources)."""
    if isinstance(value, dict):
        return {
            k: (list(reversed(v)) if k in ("enum", "type", "sources") and isinstance(v, list) else _reorder_sets(v))
            for k, v in value.items()
        }
    return value


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_plan_doc())
@example({"tracklint": 1, "events": {"A": {"properties": {"x": {"type": ["string", "null"], "enum": ["a", "b"]}}}}})
def test_reformatted_and_reordered_yaml_is_no_change(doc):
    import json

    import yaml

    from tracklint.plan.load import load_plan_text

    block = yaml.safe_dump(doc, sort_keys=False, default_flow_style=False, allow_unicode=True)
    flow = "# a comment that changes nothing\n" + yaml.safe_dump(
        _reorder_sets(_reorder(doc, True)), sort_keys=True, default_flow_style=True, width=40, indent=4
    )
    as_json = json.dumps(_reorder(doc, True), indent=1)
    plans = [load_plan_text(text, f"plan{i}.yaml") for i, text in enumerate((block, flow, as_json))]
    assert diff_plans(plans[0], plans[0]).changes == []
    for other in plans[1:]:
        d = diff_plans(plans[0], other)
        assert d.changes == [], [(c.kind, c.path) for c in d.changes]
        assert d.version_ok


@settings(max_examples=60, deadline=None)
@given(_plan_doc())
def test_diff_with_itself_is_empty_and_with_nothing_is_all_removals(doc):
    from tracklint.plan.load import load_plan_text

    p = load_plan_text(__import__("yaml").safe_dump(doc), "plan.yaml")
    assert diff_plans(p, copy.deepcopy(p)).changes == []
    removed = diff_plans(p, Plan(sources=p.sources, destinations=p.destinations))
    assert all(c.severity == BREAKING for c in removed.changes if c.kind == "event_removed")
    assert len([c for c in removed.changes if c.kind == "event_removed"]) == len(p.events)


# ------------------------------------------------------------------ code impact


def test_code_impact_matches_calls_to_breaking_changes():
    from types import SimpleNamespace as NS

    from tracklint.plan.diff import code_impact

    def call(event, props, *, open_=False, line=1, source="web"):
        value = NS(properties=None if props is None else {k: None for k in props}, open=open_)
        span = NS(line=line, column=1, end_line=line, end_column=10)
        return NS(path="app.ts", span=span, method="track", kind="track", event=event, properties=value, source=source)

    old = plan(ev("Order Completed", P("coupon"), P("revenue")), ev("Old Name"))
    new = plan(ev("Order Completed", P("revenue"), P("order_id", required=True)),
               ev("New Name", previous_names=("Old Name",)))
    d = diff_plans(old, new)
    calls = [
        call("Order Completed", ["coupon", "revenue"], line=1),
        call("Order Completed", ["revenue", "order_id"], line=2),
        call("Order Completed", None, line=3),  # properties unknown: may be affected by both
        call("Old Name", [], line=4),
        call("Signed Up", ["coupon"], line=5),
    ]
    impact = code_impact(d, calls)
    by_kind = {d.changes[i].kind: [s.line for s in sites] for i, sites in impact.items()}
    assert by_kind == {"property_removed": [1, 3], "property_added": [1, 3], "event_renamed": [4]}
