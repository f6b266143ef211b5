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
