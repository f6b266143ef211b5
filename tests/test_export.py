"""export (JSON Schema, Segment) round trips, dump_plan round trip, and the import/export CLI."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tracklint.cli import app as cli_app
from tracklint.importers import import_plan
from tracklint.importers.segment import export_rules
from tracklint.plan.dump import dump_plan
from tracklint.plan.load import load_plan_text
from tracklint.plan.model import Event, Plan, PropertySpec, Traits

PLAN = """\
tracklint: 1
name: Shop
version: 1.2.0
events:
  Order Completed:
    description: Paid.
    owner: growth
    deprecated: use Checkout Finished
    properties:
      order_id: {type: string, pattern: "^ord_", required: true}
      revenue: {type: number, minimum: 0}
      tags: {type: array, items: {type: string, enum: [a, b]}}
      products:
        type: array
        items:
          type: object
          additional_properties: false
          properties:
            sku: {type: string, required: true}
  Signed Up:
    additional_properties: true
identify:
  traits:
    email: {type: string, format: email, pii: true}
group:
  additional_properties: false
  traits: {}
common:
  properties:
    app_version: {type: [string, "null"]}
pages:
  Home: {}
screens:
  Cart:
    properties:
      items: {type: integer, maximum: 99}
"""


def _strip(plan: Plan) -> Plan:
    """The plan without positions and file bookkeeping (which a round trip cannot keep)."""

    def clean(obj):
        if isinstance(obj, PropertySpec):
            return dataclasses.replace(
                obj, location=None, shared=None,
                items=clean(obj.items) if obj.items else None,
                properties={k: clean(v) for k, v in obj.properties.items()},
            )
        if isinstance(obj, Event):
            return dataclasses.replace(obj, location=None, properties={k: clean(v) for k, v in obj.properties.items()})
        if isinstance(obj, Traits):
            return dataclasses.replace(obj, location=None, traits={k: clean(v) for k, v in obj.traits.items()})
        return obj

    return dataclasses.replace(
        plan, path=None, files=(), root=None,
        events={k: clean(v) for k, v in plan.events.items()},
        pages={k: clean(v) for k, v in plan.pages.items()},
        screens={k: clean(v) for k, v in plan.screens.items()},
        common_properties={k: clean(v) for k, v in plan.common_properties.items()},
        shared_properties={k: clean(v) for k, v in plan.shared_properties.items()},
        identify=clean(plan.identify) if plan.identify else None,
        group=clean(plan.group) if plan.group else None,
    )


def _segment_view(plan: Plan) -> Plan:
    """What a Segment plan can hold: no version, sources, destinations, conventions."""
    return dataclasses.replace(_strip(plan), version=None)


def test_segment_export_round_trip(tmp_path: Path) -> None:
    plan = load_plan_text(PLAN)
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(export_rules(plan)))
    back = import_plan([path], "segment").plan
    assert _strip(back) == _segment_view(plan)


def test_dump_round_trip_of_fixture_plan() -> None:
    plan = load_plan_text(PLAN)
    text = dump_plan(plan)
    assert text.startswith("# yaml-language-server: $schema=")
    assert "&" not in text and "*" not in text  # no anchors or aliases
    assert _strip(load_plan_text(text)) == _strip(plan)
    assert dump_plan(load_plan_text(text)) == text


def test_shared_properties_dump_as_overrides() -> None:
    text = "tracklint: 1\nproperties:\n  currency: {type: string, enum: [USD, EUR]}\nevents:\n  A:\n    properties:\n      currency: {required: true}\n"
    plan = load_plan_text(text)
    dumped = dump_plan(plan)
    assert "currency: {required: true}" in dumped
    again = load_plan_text(dumped).events["A"].properties["currency"]
    want = plan.events["A"].properties["currency"]
    assert dataclasses.replace(again, location=None) == dataclasses.replace(want, location=None)


_names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)
_scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=6))


def _as_items(spec: PropertySpec, name: str) -> PropertySpec:
    """``spec`` used as array items: load_plan names items ``<parent>[]`` (recursively)."""
    items = _as_items(spec.items, f"{name}[]") if spec.items is not None else None
    return dataclasses.replace(spec, name=name, required=False, items=items)


@st.composite
def _props(draw, depth: int = 0) -> PropertySpec:
    name = draw(_names)
    kind = draw(st.sampled_from(["string", "number", "integer", "boolean", "array", "object", "null", None]))
    spec = PropertySpec(name=name, type=(kind,) if kind else ())
    spec.required = draw(st.booleans())
    spec.description = draw(st.none() | st.text(min_size=1, max_size=20).filter(lambda s: s.strip() == s))
    spec.pii = draw(st.booleans())
    spec.deprecated = draw(st.sampled_from([False, True, "use x"]))
    if kind == "string":
        spec.enum = draw(st.none() | st.lists(st.text(max_size=5), min_size=1, max_size=3, unique=True).map(tuple))
        spec.min_length = draw(st.none() | st.integers(0, 3))
        spec.format = draw(st.none() | st.sampled_from(["email", "uuid"]))
    if kind in ("number", "integer"):
        spec.minimum = draw(st.none() | st.integers(-10, 0))
        spec.exclusive_maximum = draw(st.none() | st.integers(1, 10))
    if kind == "null" or kind is None:
        if draw(st.booleans()):
            spec.const, spec.has_const = draw(_scalars), True
    if kind == "array" and depth < 2:
        item = draw(_props(depth + 1))
        spec.items = _as_items(item, f"{name}[]")
    if kind == "object" and depth < 2:
        children = draw(st.lists(_props(depth + 1), max_size=3, unique_by=lambda p: p.name))
        spec.properties = {c.name: c for c in children}
        spec.additional_properties = draw(st.booleans())
    return spec


@st.composite
def _plans(draw) -> Plan:
    plan = Plan(name=draw(st.none() | _names), version=draw(st.none() | st.just("1.0.0")))
    for _ in range(draw(st.integers(0, 3))):
        name = draw(_names)
        props = draw(st.lists(_props(), max_size=3, unique_by=lambda p: p.name))
        plan.events[name] = Event(
            name=name,
            description=draw(st.none() | st.just("An event.")),
            owner=draw(st.none() | st.just("team")),
            deprecated=draw(st.sampled_from([False, True, "gone"])),
            additional_properties=draw(st.booleans()),
            previous_names=tuple(draw(st.lists(_names, max_size=2, unique=True))),
            properties={p.name: p for p in props},
        )
    if draw(st.booleans()):
        traits = draw(st.lists(_props(), max_size=2, unique_by=lambda p: p.name))
        plan.identify = Traits(traits={p.name: p for p in traits}, additional_properties=draw(st.booleans()))
    return plan


@settings(max_examples=60, deadline=None)
@given(_plans())
def test_dump_then_load_is_identity(plan: Plan) -> None:
    assert _strip(load_plan_text(dump_plan(plan))) == _strip(plan)


def _app() -> typer.Typer:
    return cli_app


def test_cli_export_jsonschema_and_segment(tmp_path: Path) -> None:
    plan = tmp_path / "tracking-plan.yaml"
    plan.write_text(PLAN)
    runner = CliRunner()
    result = runner.invoke(_app(), ["export", "jsonschema", "--plan", str(plan)])
    assert result.exit_code == 0, result.output
    bundle = json.loads(result.stdout)
    assert bundle["$defs"]["Order Completed"]["required"] == ["order_id"]
    out = tmp_path / "rules.json"
    result = runner.invoke(_app(), ["export", "segment", "--plan", str(plan), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert {r["type"] for r in json.loads(out.read_text())["rules"]} == {"TRACK", "PAGE", "SCREEN", "IDENTIFY", "GROUP", "COMMON"}
    result = runner.invoke(_app(), ["import", "segment", str(out), "-o", str(tmp_path / "back.yaml")])
    assert result.exit_code == 0, result.output
    assert "Order Completed" in (tmp_path / "back.yaml").read_text()


def test_cli_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    result = runner.invoke(_app(), ["import", "segment", str(bad)])
    assert result.exit_code == 2
    assert "bad.json:1:2: invalid JSON" in result.output and "Traceback" not in result.output
    result = runner.invoke(_app(), ["import", "nosuch", str(bad)])
    assert result.exit_code == 2 and "unknown import format" in result.output
    result = runner.invoke(_app(), ["export", "xml", "--plan", str(bad)])
    assert result.exit_code == 2


def test_cli_import_is_deterministic(shared_dir: Path) -> None:
    path = shared_dir / "data" / "plans" / "segment" / "typewriter-e2e" / "public_api.json"
    runner = CliRunner()
    first = runner.invoke(_app(), ["import", "auto", str(path)])
    second = runner.invoke(_app(), ["import", "auto", str(path)])
    assert first.exit_code == 0 and first.stdout == second.stdout
