"""Segment importer: Config API v1, Public API, Typewriter local plans, common schema."""

from __future__ import annotations

import json
from pathlib import Path

from tracklint.importers import detect_format, import_plan


def _path(shared: Path, rel: str) -> Path:
    return shared / "data" / "plans" / "segment" / rel


def _count(plan) -> tuple[int, int]:
    return len(plan.events), sum(len(e.properties) for e in plan.events.values())


def test_config_api_v1(shared_dir: Path) -> None:
    path = _path(shared_dir, "typewriter-e2e/config_api_v1.json")
    assert detect_format(path) == "segment"
    result = import_plan([path])
    assert result.plan.name == "Typewriter E2E"
    assert _count(result.plan) == (24, 67)
    assert "Property Object Name Collision #1" in result.plan.events
    union = result.plan.events["Union Type"].properties["universe_name"]
    assert union.type == ("string", "null", "integer") and union.required
    assert result.plan.events["Union Type"].additional_properties is False


def test_public_api(shared_dir: Path) -> None:
    result = import_plan([_path(shared_dir, "typewriter-e2e/public_api.json")])
    assert _count(result.plan) == (25, 68)
    assert "NoID Type" in result.plan.events
    assert "Property Object Name Collision 1" in result.plan.events
    # Both spellings are real, distinct events in that plan.
    assert {"Event Collided", "event_collided"} <= set(result.plan.events)
    assert all(not e.deprecated for e in result.plan.events.values())  # zero deprecatedAt


def test_unanchored_alternation_is_kept_and_warned(shared_dir: Path) -> None:
    result = import_plan([_path(shared_dir, "typewriter-e2e/public_api.json")])
    prop = result.plan.events["Every Required Type"].properties["required string with regex"]
    assert prop.pattern == "Evil Morty|Lawyer Morty"
    assert any("unanchored" in w.message and w.pointer.endswith("/pattern") for w in result.warnings)


def test_typewriter_local_plans(shared_dir: Path) -> None:
    plan = import_plan([_path(shared_dir, "typewriter-local-legacy/tracking-plan.json")]).plan
    assert _count(plan) == (1, 11)
    products = plan.events["Order Completed"].properties["products"]
    assert products.items is not None and products.items.properties
    plan = import_plan([_path(shared_dir, "typewriter-local-legacy/tracking-plan-slothgram.json")]).plan
    assert _count(plan) == (3, 3)


def test_common_schema(shared_dir: Path) -> None:
    result = import_plan([_path(shared_dir, "segment-docs/protocols_common_json_schema.json")])
    assert list(result.plan.common_properties) == ["primary_business_unit"]
    assert result.plan.common_properties["primary_business_unit"].required
    fields = sorted(w.pointer.rsplit("/", 1)[1] for w in result.warnings)
    assert fields == ["anonymousId", "context", "traits", "userId"]


def _rule(key, version, props, rtype="TRACK", deprecated_at="0001-01-01T00:00:00.000Z", labels=None):
    return {
        "key": key,
        "type": rtype,
        "version": version,
        "deprecatedAt": deprecated_at,
        "jsonSchema": {
            "labels": labels or {},
            "properties": {"context": {}, "traits": {}, "properties": {"type": "object", "properties": props}},
        },
    }


def test_versions_labels_deprecation_and_rule_types(tmp_path: Path) -> None:
    doc = {
        "rules": [
            _rule("Signed Up", 1, {"a": {"type": "string"}}),
            _rule("Signed Up", 2, {"b": {"type": "string"}}, labels={"owner": "growth", "area": "x"}),
            _rule("Old", 1, {}, deprecated_at="2023-05-01T00:00:00.000Z"),
            _rule("Home", 1, {"path": {"type": "string"}}, rtype="PAGE"),
            _rule("Cart", 1, {}, rtype="SCREEN"),
            {"type": "IDENTIFY", "version": 1, "jsonSchema": {"properties": {"traits": {"properties": {"email": {"type": "string"}}}}}},
            {"type": "GROUP", "version": 1, "jsonSchema": {"properties": {"traits": {"properties": {"plan": {"type": "string"}}}}}},
            {"type": "COMMON", "version": 1, "jsonSchema": {"properties": {"properties": {"properties": {"app": {"type": "string"}}}}}},
        ]
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    result = import_plan([path], "segment")
    plan = result.plan
    assert list(plan.events["Signed Up"].properties) == ["b"]
    assert plan.events["Signed Up"].owner == "growth"
    assert plan.events["Old"].deprecated
    assert list(plan.pages) == ["Home"] and list(plan.screens) == ["Cart"]
    assert list(plan.identify.traits) == ["email"] and list(plan.group.traits) == ["plan"]
    assert list(plan.common_properties) == ["app"]
    messages = " ".join(w.message for w in result.warnings)
    assert "version 2 is kept" in messages and "area=x" in messages


# ---------------------------------------------------------------------------------------------
# what `tracklint import` writes, tracklint loads (issue #12)

from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from tracklint.cli import app  # noqa: E402
from tracklint.plan.load import load_plan  # noqa: E402

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20),
                     st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8))


def _schemas(names, *, sane: bool):
    """JSON Schemas as Segment stores them; ``sane`` keeps to what a tracklint plan can say."""
    leaf = st.fixed_dictionaries({}, optional={
        "type": st.one_of(st.sampled_from(["string", "number", "integer", "boolean", "null", "object", "array"]),
                          st.lists(st.sampled_from(["string", "number", "integer", "boolean", "null"]), max_size=3)),
        "enum": st.lists(_SCALARS, min_size=1 if sane else 0, max_size=4),
        "pattern": st.sampled_from(["^a+$", "[0-9]", "x|y"]) if sane else st.text(max_size=6),
        "format": st.sampled_from(["email", "date-time", "uri"]),
        "minimum": st.integers(-5, -1) if sane else st.integers(-5, 5),
        "maximum": st.integers(0, 5),
        "minLength": st.integers(0, 2) if sane else st.integers(-1, 5),
        "maxLength": st.integers(3, 5),
        "description": st.text(max_size=10),
    })
    return st.recursive(leaf, lambda inner: st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["object", "array"]),
        "properties": st.dictionaries(names, inner, max_size=3),
        "items": inner,
        "required": st.lists(names, max_size=3),
    }), max_leaves=8)


def _rules(*, sane: bool):
    names = st.text(min_size=1 if sane else 0, max_size=12)
    return st.lists(st.fixed_dictionaries({
        "key": names,
        "type": st.sampled_from(["TRACK", "PAGE", "SCREEN", "IDENTIFY", "GROUP"]),
        "version": st.integers(0, 3),
        "jsonSchema": st.fixed_dictionaries({"properties": st.fixed_dictionaries(
            {"properties": _schemas(names, sane=sane), "traits": _schemas(names, sane=sane)})}),
    }), max_size=4)


def _import(tmp_path: Path, rules: list) -> tuple[int, str, Path]:
    source, out = tmp_path / "segment.json", tmp_path / "plan.yaml"
    out.unlink(missing_ok=True)
    source.write_text(json.dumps({"rules": rules}))
    result = CliRunner().invoke(app, ["import", "segment", str(source), "-o", str(out)], catch_exceptions=False)
    return result.exit_code, result.output, out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rules=_rules(sane=False))
@example(rules=[_rule("", 1, {})])
@example(rules=[_rule("A", 1, {"a": {"type": "string", "minLength": -1}})])
@example(rules=[_rule("A", 1, {"a": {"enum": []}})])
def test_import_writes_only_plans_that_load(tmp_path: Path, rules: list) -> None:
    code, output, out = _import(tmp_path, rules)
    assert code in (0, 2) and "Traceback" not in output and "internal error" not in output, output
    if code == 0:
        load_plan(out)
    else:
        assert "segment.json" in output and not out.exists()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rules=_rules(sane=True))
def test_sane_segment_plans_import_and_load(tmp_path: Path, rules: list) -> None:
    code, output, out = _import(tmp_path, rules)
    assert code == 0, output
    load_plan(out)


def test_every_shared_sample_plan_imports_to_a_plan_that_loads(shared_dir: Path) -> None:
    """The round trip on real files of every format (the strict JSON reader accepts them all)."""
    from tracklint.errors import PlanError
    from tracklint.importers import FORMATS, ImportResult, plan_text
    from tracklint.plan.load import load_plan_text

    plans = shared_dir / "data" / "plans"
    inputs = [p for p in sorted(plans.rglob("*")) if p.is_file() and p.suffix in (".json", ".yaml", ".yml")]
    inputs += [plans / "rudderstack" / "rudder-typer-project", shared_dir / "data" / "iglu" / "schemas"]
    imported = 0
    for path in inputs:
        try:
            fmt = detect_format(path)
            if fmt not in FORMATS:
                continue
            result: ImportResult = import_plan([path], fmt)
        except PlanError:
            continue  # not a whole plan on its own (a RudderStack part file, ampli.json)
        load_plan_text(plan_text(result, str(path)), "roundtrip.yaml")
        imported += 1
    assert imported >= 15
