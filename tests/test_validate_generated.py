"""``validate`` on payloads generated from the example plan: records built to conform pass, and
each record broken on purpose (one way, chosen by hypothesis) is reported, at its line and
with the rule that fits, whichever vendor's shape carries it."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracklint.config import Settings
from tracklint.plan.load import load_plan
from tracklint.plan.model import PropertySpec
from tracklint.validate.run import validate

PLAN_PATH = Path(__file__).resolve().parent.parent / "examples" / "acme" / "tracking-plan.yaml"
PLAN = load_plan(PLAN_PATH)
UNPLANNED = "Zz Unplanned Event"


def value_of(spec: PropertySpec) -> st.SearchStrategy:
    """Values that conform to ``spec`` (the kinds of spec the example plan uses)."""
    if spec.enum is not None:
        return st.sampled_from(spec.enum)
    kinds = [t for t in spec.type] or ["string"]
    return st.one_of(*[_typed(kind, spec) for kind in kinds])


def _typed(kind: str, spec: PropertySpec) -> st.SearchStrategy:
    if kind == "string":
        if spec.pattern:
            return st.from_regex(spec.pattern, fullmatch=True)
        if spec.format == "email":
            return st.from_regex(r"[a-z]{1,8}@example\.com", fullmatch=True)
        assert spec.format is None, spec.format
        return st.text(max_size=12)
    if kind == "integer":
        return st.integers(min_value=None if spec.minimum is None else int(spec.minimum), max_value=10**9)
    if kind == "number":
        low = 0 if spec.minimum is None else spec.minimum
        return st.floats(min_value=low, max_value=1e9, allow_nan=False) | st.integers(min_value=int(low), max_value=10**6)
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "array":
        return st.lists(value_of(spec.items) if spec.items else st.integers(), max_size=3)
    assert kind == "object", kind
    return properties_of(spec.properties)


def properties_of(specs: dict[str, PropertySpec]) -> st.SearchStrategy:
    required = {k: value_of(s) for k, s in specs.items() if s.required}
    optional = {k: value_of(s) for k, s in specs.items() if not s.required}
    return st.fixed_dictionaries(required, optional=optional)


EVENTS = sorted(PLAN.events)
COMMON = PLAN.common_properties


@st.composite
def event(draw) -> tuple[str, dict]:
    name = draw(st.sampled_from(EVENTS))
    specs = {**COMMON, **PLAN.events[name].properties}
    return name, draw(properties_of(specs))


@st.composite
def broken(draw, name: str, props: dict) -> tuple[str, dict, str]:
    """One way to break an event, and the rule that must report it."""
    specs = {**COMMON, **PLAN.events[name].properties}
    required = [k for k, s in PLAN.events[name].properties.items() if s.required]
    typed = [k for k in props if specs[k].type and set(specs[k].type) <= {"string", "integer", "number"}]
    ways = ["unknown", "unplanned"] + (["missing"] if required else []) + (["type"] if typed else [])
    way = draw(st.sampled_from(ways))
    props = dict(props)
    if way == "unknown":
        return UNPLANNED, props, "TL001"
    if way == "unplanned":
        props["zz_extra"] = draw(st.integers())
        return name, props, "TL005"
    if way == "missing":
        del props[draw(st.sampled_from(required))]
        return name, props, "TL004"
    key = draw(st.sampled_from(typed))
    props[key] = [1] if "string" in specs[key].type else "not a number"
    return name, props, "TL006"


def shaped(vendor: str, name: str, props: dict) -> dict:
    """The event as ``vendor`` sends it."""
    if vendor == "segment":
        return {"type": "track", "event": name, "properties": props, "context": {"library": {"name": "analytics.js"}}}
    if vendor == "posthog":
        return {"event": name, "distinct_id": "d1", "properties": {**props, "$lib": "web", "$current_url": "https://x/"}}
    if vendor == "amplitude":
        return {"event_type": name, "user_id": "u1", "event_properties": props}
    inner = {"schema": f"iglu:com.acme/{name}/jsonschema/1-0-0", "data": props}
    return {"schema": "iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0", "data": inner}


@st.composite
def records(draw) -> tuple[list[dict], dict[int, str]]:
    out: list[dict] = []
    expected: dict[int, str] = {}
    for i in range(draw(st.integers(min_value=1, max_value=12))):
        name, props = draw(event())
        if draw(st.booleans()):
            name, props, code = draw(broken(name, props))
            expected[i + 1] = code
        out.append(shaped(draw(st.sampled_from(["segment", "posthog", "amplitude", "snowplow"])), name, props))
    return out, expected


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(records(), st.sampled_from(["jsonl", "array"]))
def test_exactly_the_broken_records_are_reported(tmp_path, generated, layout):
    rows, expected = generated
    path = tmp_path / "events.json"
    if layout == "jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    else:  # one record a line inside an array: the record's line is its row + 1
        path.write_text("[\n" + ",\n".join(json.dumps(r) for r in rows) + "\n]\n")
        expected = {line + 1: code for line, code in expected.items()}
    result, summary = validate(Settings(root=tmp_path, plan=PLAN_PATH), PLAN, [("events.json", path)], examples=0)
    found: dict[int, set[str]] = {}
    for d in result.diagnostics:
        found.setdefault(d.location.line, set()).add(d.code)
    assert set(found) == set(expected), (found, expected)
    for line, code in expected.items():
        assert code in found[line], (line, found[line])
    assert summary.events == len(rows)
    assert sum(t.conforming for t in summary.tallies.values()) == len(rows) - len(expected)
