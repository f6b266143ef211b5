"""JSON Schema <-> PropertySpec conversion."""

from __future__ import annotations

from tracklint.plan.jsonschema import (
    event_from_schema,
    event_to_schema,
    plan_to_schema,
    property_from_schema,
    property_to_schema,
)
from tracklint.plan.model import Event, Plan, PropertySpec, Traits


def _read(schema, **kw):
    warnings: list[tuple[str, str]] = []
    spec = property_from_schema(schema, name="p", warn=lambda m, p: warnings.append((p, m)), **kw)
    return spec, warnings


def test_scalar_words() -> None:
    spec, warnings = _read(
        {"type": ["string", "null"], "enum": ["a", None], "pattern": "^a", "format": "email",
         "minLength": 1, "maxLength": 5, "description": "d"}
    )
    assert spec.type == ("string", "null") and spec.enum == ("a", None)
    assert (spec.pattern, spec.format, spec.min_length, spec.max_length) == ("^a", "email", 1, 5)
    assert spec.description == "d" and warnings == []


def test_ranges_and_draft4_exclusive() -> None:
    spec, _ = _read({"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 9})
    assert spec.exclusive_minimum == 0 and spec.minimum is None and spec.maximum == 9
    spec, _ = _read({"type": "number", "exclusiveMaximum": 5})
    assert spec.exclusive_maximum == 5


def test_const_items_nested_required_additional() -> None:
    spec, _ = _read(
        {"type": "array", "minItems": 1, "items": {"type": "object", "properties": {"sku": {"type": "string"}},
                                                   "required": ["sku", "qty"], "additionalProperties": False}}
    )
    assert spec.min_items == 1
    assert spec.items.properties["sku"].required and spec.items.properties["qty"].required
    assert spec.items.additional_properties is False
    spec, _ = _read({"const": False})
    assert spec.has_const and spec.const is False


def test_nullable_combinators_are_simplified() -> None:
    spec, warnings = _read({"anyOf": [{"type": "null"}, {"type": "string", "maxLength": 3}]})
    assert spec.type == ("string", "null") and spec.max_length == 3 and warnings == []
    spec, warnings = _read({"oneOf": [{"type": "string"}, {"type": "integer"}]})
    assert spec.type == ("string", "integer") and warnings == []


def test_local_refs_definitions_and_defs() -> None:
    root = {"$defs": {"id": {"type": "string", "pattern": "^x"}},
            "definitions": {"n": {"type": "integer"}},
            "properties": {"a": {"$ref": "#/$defs/id"}, "b": {"$ref": "#/definitions/n", "description": "b"}}}
    a, _ = _read(root["properties"]["a"], root=root)
    b, _ = _read(root["properties"]["b"], root=root)
    assert a.pattern == "^x" and b.type == ("integer",) and b.description == "b"


def test_inexpressible_constructs_warn_with_pointer() -> None:
    _, warnings = _read(
        {"type": "object", "patternProperties": {"^x": {}},
         "properties": {"v": {"oneOf": [{"type": "object", "properties": {"a": {}}}, {"type": "object", "properties": {"b": {}}}]},
                        "r": {"$ref": "https://example.com/s.json"},
                        "c": {"if": {}, "then": {}}}},
        pointer="/x",
    )
    pointers = sorted(p for p, _ in warnings)
    assert pointers == ["/x/patternProperties", "/x/properties/c/if", "/x/properties/c/then",
                        "/x/properties/r/$ref", "/x/properties/v/oneOf"]
    assert any("remote" in m for _, m in warnings)


def test_recursive_ref_does_not_loop() -> None:
    root = {"definitions": {"node": {"type": "object", "properties": {"next": {"$ref": "#/definitions/node"}}}}}
    spec, warnings = _read({"$ref": "#/definitions/node"}, root=root)
    assert "next" in spec.properties and any("recursive" in m for _, m in warnings)


def test_literal_alternation_pattern_warns() -> None:
    spec, warnings = _read({"type": "string", "pattern": "fall|winter"})
    assert spec.pattern == "fall|winter" and "unanchored" in warnings[0][1]
    _, warnings = _read({"type": "string", "pattern": "^(fall|winter)$"})
    assert warnings == []


def test_property_round_trip() -> None:
    spec = PropertySpec(
        name="p", type=("object", "null"), description="d", deprecated="use q", pii=True,
        properties={"a": PropertySpec(name="a", type=("integer",), minimum=0, exclusive_maximum=9, required=True),
                    "b": PropertySpec(name="b", type=("array",), items=PropertySpec(name="b[]", type=("string",), enum=("x",)))},
        additional_properties=False,
    )
    back = property_from_schema(property_to_schema(spec), name="p")
    assert back == spec


def test_event_round_trip_and_bundle() -> None:
    event = Event(name="Order Completed", description="d", additional_properties=False,
                  properties={"id": PropertySpec(name="id", type=("string",), required=True)})
    assert event_from_schema(event_to_schema(event), name="Order Completed") == event
    plan = Plan(name="P", events={"Order Completed": event}, identify=Traits(),
                pages={"Home": Event(name="Home", kind="page")})
    bundle = plan_to_schema(plan)
    assert list(bundle["$defs"]) == ["@identify", "Order Completed", "page:Home"]
    assert bundle["$defs"]["Order Completed"]["required"] == ["id"]


def test_a_format_tracklint_cannot_check_is_dropped_with_a_warning() -> None:
    # A plan naming such a format would be refused by the loader; an import must not write one.
    spec, warnings = _read({"type": "string", "format": "int64"}, pointer="/p")
    assert spec.format is None
    assert warnings == [("/p/format", "format 'int64' cannot be checked by tracklint; dropped")]
    spec, warnings = _read({"type": "string", "format": "date-time"})
    assert (spec.format, warnings) == ("date-time", [])
