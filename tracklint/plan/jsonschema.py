"""JSON Schema <-> tracking-plan model conversion.

Every importer (Segment, RudderStack, Iglu, Amplitude, mParticle) ends up reading JSON Schema, and
``tracklint export jsonschema`` writes it, so the translation lives here, once.

Reading is lossless where the plan model can say the same thing. What it cannot say (``oneOf``
between object shapes, ``patternProperties``, ``if``/``then``, remote ``$ref``, ``multipleOf``...)
is reported through the ``warn(message, pointer)`` callback with the JSON pointer of the construct,
never dropped silently. The result is then *looser* than the source schema (the construct is
ignored), which is the safe direction for a linter: it may miss a finding, never invent one.
"""

from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import unquote

from tracklint.plan.formats import FORMATS
from tracklint.plan.model import Event, Plan, PlanLocation, PropertySpec, Traits

#: ``warn(message, pointer)``: called once per construct that the plan model cannot express.
Warn = Callable[[str, str], None]

JSON_TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")

#: Draft used for exported schemas.
SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Validation keywords the plan model cannot express: reported, never dropped silently. Other
# unknown keywords carry no validation in JSON Schema (annotations, vendor metadata such as
# Segment's ``labels`` or Iglu's ``self``) and are read quietly.
#: Where :meth:`simplify_combinators` leaves the alternatives it cannot express.
_ANY_OF_KEY = "\x00tracklint-any-of"

_INEXPRESSIBLE = frozenset(
    {
        "multipleOf",
        "minProperties",
        "maxProperties",
        "propertyNames",
        "patternProperties",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "contains",
        "minContains",
        "maxContains",
        "not",
        "if",
        "then",
        "else",
        "additionalItems",
        "prefixItems",
        "unevaluatedProperties",
        "unevaluatedItems",
        "contentSchema",
        "$dynamicRef",
        "$recursiveRef",
    }
)

_LITERAL_ALTERNATION = re.compile(r"^[\w \-.@/]+(\|[\w \-.@/]+)+$")


def escape_pointer(token: str) -> str:
    """Escape one JSON pointer token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def _child(pointer: str, *tokens: str | int) -> str:
    return pointer + "".join("/" + escape_pointer(str(t)) for t in tokens)


def _resolve_pointer(root: Any, ref: str) -> Any:
    """Follow a local ``#/a/b`` reference inside ``root``; KeyError when it does not resolve."""
    node = root
    path = ref[1:].lstrip("/")
    if not path:
        return root
    for raw in path.split("/"):
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict):
            node = node[token]
        else:
            raise KeyError(token)
    return node


def is_literal_alternation(pattern: str) -> bool:
    """Whether ``pattern`` is a bare alternation of words such as ``fall|winter``.

    Such patterns are often meant as an enum, but JSON Schema patterns are unanchored, so
    ``fall|winter`` also accepts ``"waterfall"``.
    """
    return bool(_LITERAL_ALTERNATION.match(pattern))


class _Reader:
    """One conversion: the document root (for ``$ref``) and the warning sink."""

    def __init__(self, root: Any, warn: Warn) -> None:
        self.root = root
        self.warn = warn
        self._stack: list[str] = []

    # -- $ref and combinators ---------------------------------------------------------------

    def deref(self, schema: dict, pointer: str) -> tuple[dict, str] | None:
        """Inline a local ``$ref`` (merging sibling keywords); None for unresolvable refs."""
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema, pointer
        if not ref.startswith("#"):
            self.warn(
                f"remote $ref {ref!r} cannot be resolved; the property accepts any value",
                _child(pointer, "$ref"),
            )
            return None
        if ref in self._stack:
            self.warn(
                f"recursive $ref {ref!r} cannot be expressed; the nested value accepts anything",
                _child(pointer, "$ref"),
            )
            return None
        try:
            target = _resolve_pointer(self.root, ref)
        except (KeyError, IndexError, ValueError):
            self.warn(f"$ref {ref!r} does not resolve in this document", _child(pointer, "$ref"))
            return None
        if not isinstance(target, dict):
            self.warn(f"$ref {ref!r} does not point at a schema", _child(pointer, "$ref"))
            return None
        self._stack.append(ref)
        try:
            resolved = self.deref(target, ref[1:])
        finally:
            self._stack.pop()
        if resolved is None:
            return None
        merged = dict(resolved[0])
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
        return merged, pointer

    def simplify_combinators(self, schema: dict, pointer: str) -> dict:
        """Rewrite the combinator patterns the model can express; warn about the rest.

        Expressible: ``anyOf``/``oneOf`` whose branches only name types (``[{type: string},
        {type: null}]``), a nullable wrapper (``[{type: null}, {...}]``), and ``allOf`` with one
        branch.
        """
        out = dict(schema)
        for word in ("anyOf", "oneOf"):
            branches = out.get(word)
            if not isinstance(branches, list):
                continue
            resolved = []
            for i, branch in enumerate(branches):
                got = self.deref(branch, _child(pointer, word, i)) if isinstance(branch, dict) else None
                resolved.append(got[0] if got else branch)
            if all(isinstance(b, dict) and set(b) <= {"type", "description"} for b in resolved):
                types: list[str] = []
                for b in resolved:
                    bt = b.get("type", [])
                    for t in [bt] if isinstance(bt, str) else bt:
                        if t not in types:
                            types.append(t)
                if types:
                    del out[word]
                    out["type"] = _merge_types(out.get("type"), types)
                    continue
            nulls = [b for b in resolved if isinstance(b, dict) and b.get("type") == "null" and len(b) == 1]
            rest = [b for b in resolved if not (isinstance(b, dict) and b.get("type") == "null" and len(b) == 1)]
            if nulls and len(rest) == 1 and isinstance(rest[0], dict):
                del out[word]
                inner = dict(rest[0])
                inner_type = inner.get("type")
                if inner_type is not None:
                    inner["type"] = _merge_types(inner_type, ["null"])
                else:
                    inner["nullable"] = True
                for key, value in inner.items():
                    out.setdefault(key, value)
                continue
            del out[word]
            out[_ANY_OF_KEY] = (word, resolved)
            self.warn(
                f"{word} with {len(branches)} alternative schemas cannot be expressed in a "
                "tracklint plan; check accepts any of them unchecked (diff still compares them)",
                _child(pointer, word),
            )
        branches = out.get("allOf")
        if isinstance(branches, list):
            del out["allOf"]
            if len(branches) == 1 and isinstance(branches[0], dict):
                got = self.deref(branches[0], _child(pointer, "allOf", 0))
                if got:
                    for key, value in got[0].items():
                        out.setdefault(key, value)
            else:
                self.warn(
                    f"allOf with {len(branches)} schemas cannot be expressed in a tracklint plan; "
                    "the property is checked against none of them",
                    _child(pointer, "allOf"),
                )
        return out

    # -- properties ------------------------------------------------------------------------

    def prop(
        self, schema: Any, *, name: str, pointer: str, location: PlanLocation | None
    ) -> PropertySpec:
        spec = PropertySpec(name=name, location=location)
        if schema is True or schema == {}:
            return spec
        if schema is False:
            self.warn("the schema `false` (no value allowed) cannot be expressed", pointer)
            return spec
        if not isinstance(schema, dict):
            self.warn(f"expected a schema object, found {type(schema).__name__}", pointer)
            return spec
        got = self.deref(schema, pointer)
        if got is None:
            desc = schema.get("description")
            spec.description = desc if isinstance(desc, str) else None
            return spec
        ref = schema.get("$ref") if isinstance(schema.get("$ref"), str) else None
        # Keep the reference on the stack while its subtree is read, so that a schema that
        # refers to itself further down is caught instead of expanded forever.
        if ref:
            self._stack.append(ref)
        try:
            return self._prop_body(spec, got[0], name=name, pointer=pointer, location=location)
        finally:
            if ref:
                self._stack.pop()

    def _prop_body(
        self, spec: PropertySpec, schema: dict, *, name: str, pointer: str,
        location: PlanLocation | None,
    ) -> PropertySpec:
        schema = self.simplify_combinators(schema, pointer)
        self._warn_inexpressible(schema, pointer)
        self._read_type(spec, schema, pointer)
        self._read_values(spec, schema, pointer)
        _read_bounds(spec, schema)
        self._read_items(spec, schema, name=name, pointer=pointer, location=location)
        spec.properties, spec.additional_properties = self.object_parts(schema, pointer, location)
        _read_annotations(spec, schema)
        alternatives = schema.get(_ANY_OF_KEY)
        if alternatives:
            word, branches = alternatives
            spec.any_of = tuple(
                self.prop(branch, name=name, pointer=_child(pointer, word, i), location=location)
                for i, branch in enumerate(branches)
            )
        return spec

    def _warn_inexpressible(self, schema: dict, pointer: str) -> None:
        """Warn once per validation keyword the plan model cannot say."""
        for key in sorted(set(schema) & _INEXPRESSIBLE):
            self.warn(
                f"`{key}` cannot be expressed in a tracklint plan and is not checked",
                _child(pointer, key),
            )
        if schema.get("uniqueItems") is True:
            self.warn(
                "`uniqueItems` cannot be expressed in a tracklint plan and is not checked",
                _child(pointer, "uniqueItems"),
            )

    def _read_type(self, spec: PropertySpec, schema: dict, pointer: str) -> None:
        """``type`` (unknown names dropped with a warning) and OpenAPI's ``nullable``."""
        raw_type = schema.get("type")
        if isinstance(raw_type, str):
            spec.type = (raw_type,)
        elif isinstance(raw_type, list):
            spec.type = tuple(dict.fromkeys(t for t in raw_type if isinstance(t, str)))
        unknown = [t for t in spec.type if t not in JSON_TYPES]
        if unknown:
            self.warn(f"unknown JSON type(s) {', '.join(unknown)} ignored", _child(pointer, "type"))
            spec.type = tuple(t for t in spec.type if t in JSON_TYPES)
        if schema.get("nullable") is True and spec.type and "null" not in spec.type:
            spec.type = (*spec.type, "null")

    def _read_values(self, spec: PropertySpec, schema: dict, pointer: str) -> None:
        """``enum``, ``const``, ``pattern`` and ``format`` (formats tracklint cannot check are dropped)."""
        if isinstance(schema.get("enum"), list):
            spec.enum = tuple(schema["enum"])
        if "const" in schema:
            spec.const = schema["const"]
            spec.has_const = True
        pattern = schema.get("pattern")
        if isinstance(pattern, str):
            spec.pattern = pattern
            if is_literal_alternation(pattern):
                self.warn(
                    f"pattern {pattern!r} is an unanchored alternation: in the source system it "
                    "matches any value that contains one of the words; kept as written "
                    f"(use an enum, or '^({pattern})$', for exact values)",
                    _child(pointer, "pattern"),
                )
        if isinstance(schema.get("format"), str):
            if schema["format"] in FORMATS:
                spec.format = schema["format"]
            else:
                self.warn(f"format {schema['format']!r} cannot be checked by tracklint; dropped",
                          _child(pointer, "format"))

    def _read_items(
        self, spec: PropertySpec, schema: dict, *, name: str, pointer: str,
        location: PlanLocation | None,
    ) -> None:
        """``items`` as one schema (a list, tuple validation, is warned about)."""
        items = schema.get("items")
        if isinstance(items, list):
            self.warn(
                "tuple validation (`items` as a list) cannot be expressed; items are not checked",
                _child(pointer, "items"),
            )
        elif isinstance(items, (dict, bool)) and items not in ({}, True):
            spec.items = self.prop(
                items, name=f"{name}[]", pointer=_child(pointer, "items"), location=location
            )

    def object_parts(
        self, schema: dict, pointer: str, location: PlanLocation | None
    ) -> tuple[dict[str, PropertySpec], bool]:
        """``properties`` (with ``required`` folded in) and ``additionalProperties``."""
        out: dict[str, PropertySpec] = {}
        raw = schema.get("properties")
        if isinstance(raw, dict):
            for key, sub in raw.items():
                out[key] = self.prop(
                    sub, name=key, pointer=_child(pointer, "properties", key), location=location
                )
        required = schema.get("required")
        if isinstance(required, list):
            for key in required:
                if not isinstance(key, str):
                    continue
                if key not in out:
                    # Required but not described: any value, but it must be present.
                    out[key] = PropertySpec(name=key, location=location)
                out[key].required = True
        additional = schema.get("additionalProperties", True)
        if isinstance(additional, dict):
            if additional:
                self.warn(
                    "a schema for additionalProperties cannot be expressed; additional "
                    "properties are allowed and not checked",
                    _child(pointer, "additionalProperties"),
                )
            additional = True
        elif not isinstance(additional, bool):
            additional = True
        return out, additional


def _read_bounds(spec: PropertySpec, schema: dict) -> None:
    """Numeric bounds (draft-04 boolean ``exclusiveMinimum``/``exclusiveMaximum`` included) and
    string/array lengths."""
    spec.minimum = _number(schema.get("minimum"))
    spec.maximum = _number(schema.get("maximum"))
    for word, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = schema.get(word)
        attr = "exclusive_" + bound
        if isinstance(value, bool):  # draft-04: a flag on minimum/maximum
            if value and getattr(spec, bound) is not None:
                setattr(spec, attr, getattr(spec, bound))
                setattr(spec, bound, None)
        elif _number(value) is not None:
            setattr(spec, attr, _number(value))
    spec.min_length = _int(schema.get("minLength"))
    spec.max_length = _int(schema.get("maxLength"))
    spec.min_items = _int(schema.get("minItems"))
    spec.max_items = _int(schema.get("maxItems"))


def _read_annotations(spec: PropertySpec, schema: dict) -> None:
    """``description``, deprecation (``x-deprecated`` reason or ``deprecated: true``) and ``x-pii``."""
    desc = schema.get("description")
    if isinstance(desc, str) and desc:
        spec.description = desc
    reason = schema.get("x-deprecated")
    if isinstance(reason, str) and reason:
        spec.deprecated = reason
    elif schema.get("deprecated") is True:
        spec.deprecated = True
    if schema.get("x-pii") is True:
        spec.pii = True


def _merge_types(current: Any, extra: list[str]) -> list[str]:
    types = [current] if isinstance(current, str) else list(current or [])
    for t in extra:
        if t not in types:
            types.append(t)
    return types


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _quiet(message: str, pointer: str) -> None:
    """A ``warn`` that discards."""


# -- public API: reading ------------------------------------------------------------------------


def property_from_schema(
    schema: Any,
    *,
    name: str,
    location: PlanLocation | None = None,
    warn: Warn = _quiet,
    root: Any = None,
    pointer: str = "",
) -> PropertySpec:
    """Convert one property schema to a :class:`PropertySpec`.

    ``root`` is the whole document, for local ``$ref`` (defaults to ``schema`` itself);
    ``pointer`` is where ``schema`` sits in it, used in warnings.
    """
    reader = _Reader(schema if root is None else root, warn)
    return reader.prop(schema, name=name, pointer=pointer, location=location)


def properties_from_schema(
    schema: Any,
    *,
    warn: Warn = _quiet,
    root: Any = None,
    pointer: str = "",
    location: PlanLocation | None = None,
) -> tuple[dict[str, PropertySpec], bool, str | None]:
    """Read an object schema: (properties with ``required`` folded in, additionalProperties,
    description). ``$ref``/``allOf`` at the top are resolved first."""
    reader = _Reader(schema if root is None else root, warn)
    if not isinstance(schema, dict):
        return {}, True, None
    got = reader.deref(schema, pointer)
    if got is None:
        return {}, True, None
    schema = reader.simplify_combinators(got[0], pointer)
    for key in sorted(set(schema) & _INEXPRESSIBLE):
        reader.warn(
            f"`{key}` cannot be expressed in a tracklint plan and is not checked",
            _child(pointer, key),
        )
    raw_type = schema.get("type")
    if raw_type not in (None, "object") and raw_type != ["object"]:
        reader.warn(
            f"the event schema has type {raw_type!r}, expected an object", _child(pointer, "type")
        )
    props, additional = reader.object_parts(schema, pointer, location)
    desc = schema.get("description")
    return props, additional, desc if isinstance(desc, str) and desc else None


def event_from_schema(
    schema: Any,
    *,
    name: str,
    warn: Warn = _quiet,
    root: Any = None,
    pointer: str = "",
    location: PlanLocation | None = None,
    kind: str = "track",
) -> Event:
    """Convert an event's properties schema (an object schema) to an :class:`Event`.

    ``additionalProperties`` keeps its JSON Schema meaning: absent means unplanned properties are
    allowed. Importers whose source system treats unplanned properties as violations (Segment
    Protocols) override this.
    """
    props, additional, desc = properties_from_schema(
        schema, warn=warn, root=root, pointer=pointer, location=location
    )
    deprecated: bool | str = False
    if isinstance(schema, dict):
        if isinstance(schema.get("x-deprecated"), str) and schema["x-deprecated"]:
            deprecated = schema["x-deprecated"]
        elif schema.get("deprecated") is True:
            deprecated = True
    return Event(
        name=name,
        description=desc,
        properties=props,
        additional_properties=additional,
        deprecated=deprecated,
        kind=kind,
        location=location,
    )


# -- public API: writing ------------------------------------------------------------------------


def property_to_schema(spec: PropertySpec) -> dict[str, Any]:
    """Convert a :class:`PropertySpec` to a JSON Schema (``required`` goes on the parent)."""
    out: dict[str, Any] = {}
    if spec.description:
        out["description"] = spec.description
    if spec.type:
        out["type"] = spec.type[0] if len(spec.type) == 1 else list(spec.type)
    if spec.enum is not None:
        out["enum"] = list(spec.enum)
    if spec.has_const:
        out["const"] = spec.const
    if spec.pattern is not None:
        out["pattern"] = spec.pattern
    if spec.format is not None:
        out["format"] = spec.format
    for attr, word in (
        ("minimum", "minimum"),
        ("maximum", "maximum"),
        ("exclusive_minimum", "exclusiveMinimum"),
        ("exclusive_maximum", "exclusiveMaximum"),
        ("min_length", "minLength"),
        ("max_length", "maxLength"),
        ("min_items", "minItems"),
        ("max_items", "maxItems"),
    ):
        value = getattr(spec, attr)
        if value is not None:
            out[word] = value
    if spec.items is not None:
        out["items"] = property_to_schema(spec.items)
    if spec.properties:
        out["properties"] = {k: property_to_schema(v) for k, v in spec.properties.items()}
        required = [k for k, v in spec.properties.items() if v.required]
        if required:
            out["required"] = required
    if not spec.additional_properties:
        out["additionalProperties"] = False
    if spec.deprecated:
        out["deprecated"] = True
        if isinstance(spec.deprecated, str):
            out["x-deprecated"] = spec.deprecated
    if spec.pii:
        out["x-pii"] = True
    return out


def properties_to_schema(
    properties: dict[str, PropertySpec], *, additional_properties: bool, description: str | None
) -> dict[str, Any]:
    """An object schema for a set of properties (an event, traits, common properties)."""
    out: dict[str, Any] = {}
    if description:
        out["description"] = description
    out["type"] = "object"
    out["properties"] = {k: property_to_schema(v) for k, v in properties.items()}
    required = [k for k, v in properties.items() if v.required]
    if required:
        out["required"] = required
    out["additionalProperties"] = bool(additional_properties)
    return out


def event_to_schema(event: Event, *, standalone: bool = False) -> dict[str, Any]:
    """The JSON Schema of an event's properties object.

    ``standalone`` adds ``$schema`` and ``title`` (one file per event).
    """
    body = properties_to_schema(
        event.properties,
        additional_properties=event.additional_properties,
        description=event.description,
    )
    if event.deprecated:
        body["deprecated"] = True
        if isinstance(event.deprecated, str):
            body["x-deprecated"] = event.deprecated
    if not standalone:
        return body
    return {"$schema": SCHEMA_DRAFT, "title": event.name, **body}


def _traits_schema(traits: Traits) -> dict[str, Any]:
    return properties_to_schema(
        traits.traits, additional_properties=traits.additional_properties, description=None
    )


#: ``$defs`` keys of the bundle for what is not a track event.
BUNDLE_IDENTIFY = "@identify"
BUNDLE_GROUP = "@group"
BUNDLE_COMMON = "@common"
BUNDLE_PAGE_PREFIX = "page:"
BUNDLE_SCREEN_PREFIX = "screen:"


def plan_to_schema(plan: Plan) -> dict[str, Any]:
    """The whole plan as one JSON Schema bundle.

    ``$defs`` holds one schema per track event under its name, pages and screens under
    ``page:<name>`` / ``screen:<name>``, and identify traits, group traits and common properties
    under ``@identify``, ``@group`` and ``@common``. Keys are sorted, so the output is stable.
    """
    defs: dict[str, Any] = {}
    for event in plan.events.values():
        defs[event.name] = event_to_schema(event)
    for prefix, table in ((BUNDLE_PAGE_PREFIX, plan.pages), (BUNDLE_SCREEN_PREFIX, plan.screens)):
        for event in table.values():
            defs[prefix + event.name] = event_to_schema(event)
    if plan.identify is not None:
        defs[BUNDLE_IDENTIFY] = _traits_schema(plan.identify)
    if plan.group is not None:
        defs[BUNDLE_GROUP] = _traits_schema(plan.group)
    if plan.common_properties:
        defs[BUNDLE_COMMON] = properties_to_schema(
            plan.common_properties, additional_properties=True, description=None
        )
    bundle: dict[str, Any] = {"$schema": SCHEMA_DRAFT}
    if plan.name:
        bundle["title"] = plan.name
    if plan.version:
        bundle["x-plan-version"] = plan.version
    bundle["$defs"] = dict(sorted(defs.items()))
    return bundle
