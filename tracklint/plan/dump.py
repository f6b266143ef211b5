"""Write a :class:`Plan` as tracklint YAML (used by ``import`` and ``init``).

The output is the format of SPEC.md: an editor ``$schema`` header, ``tracklint: 1``, then name,
version, conventions, sources, destinations, shared properties, common properties, events,
identify, group, pages and screens. Tables are sorted by name and defaults are omitted, so the
same plan always gives the same bytes and ``load_plan_text(dump_plan(plan))`` gives the plan
back. No YAML anchors or aliases are written; short property specs use the flow style
(``{type: string}``) to stay readable.
"""

from __future__ import annotations

import re

from typing import Any

import yaml

from tracklint.plan.model import Conventions, Event, Plan, PropertySpec, Traits

#: The JSON Schema that editors use to validate a plan (``plan/schema.json``'s ``$id``).
PLAN_SCHEMA_URL = "https://raw.githubusercontent.com/tracklint/tracklint/main/tracklint/plan/schema.json"

_FLOW_WIDTH = 88

# (model attribute, YAML word) for the scalar parts of a property spec, in output order.
_SCALARS = (
    ("enum", "enum"),
    ("pattern", "pattern"),
    ("format", "format"),
    ("minimum", "minimum"),
    ("exclusive_minimum", "exclusiveMinimum"),
    ("maximum", "maximum"),
    ("exclusive_maximum", "exclusiveMaximum"),
    ("min_length", "minLength"),
    ("max_length", "maxLength"),
    ("min_items", "minItems"),
    ("max_items", "maxItems"),
)


class _Flow(dict):
    """A mapping written in flow style (``{type: string, required: true}``)."""


class _Dumper(yaml.SafeDumper):
    """Safe dumper without anchors/aliases and with indented block sequences."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


def _represent_flow(dumper: yaml.SafeDumper, data: _Flow) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=True)


def _represent_dict(dumper: yaml.SafeDumper, data: dict) -> Any:
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=False)


def _represent_str(dumper: yaml.SafeDumper, data: str) -> Any:
    style = None
    # YAML reads NEL and the Unicode line/paragraph separators as line breaks; escape them (and
    # other control characters) in a double-quoted scalar so that they survive a reload.
    if any(ch in "\x85\u2028\u2029\ufeff" or (ord(ch) < 32 and ch not in "\n") or 0x7F <= ord(ch) <= 0x9F
           for ch in data):
        style = '"'
    elif "\n" in data and all(line == line.rstrip() for line in data.split("\n")):
        style = "|"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _represent_list(dumper: yaml.SafeDumper, data: list) -> Any:
    flow = all(not isinstance(i, (dict, list)) and not (isinstance(i, str) and "\n" in i)
               for i in data) and len(repr(data)) <= _FLOW_WIDTH
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_Dumper.add_representer(_Flow, _represent_flow)
_Dumper.add_representer(list, _represent_list)
_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(str, _represent_str)


def _flow_if_short(data: dict[str, Any]) -> dict[str, Any]:
    """Flow style for small specs made only of scalars and short lists of scalars."""
    simple = all(
        not isinstance(v, dict)
        and (not isinstance(v, list) or all(not isinstance(i, (dict, list)) for i in v))
        and not (isinstance(v, str) and "\n" in v)
        for v in data.values()
    )
    if not simple:
        return data
    text = yaml.dump(data, Dumper=_Dumper, default_flow_style=True, width=10_000, allow_unicode=True)
    return _Flow(data) if len(text) <= _FLOW_WIDTH else data


def property_to_yaml(spec: PropertySpec, *, base: PropertySpec | None = None) -> dict[str, Any]:
    """A property spec as plan YAML data; with ``base`` (its shared definition), only what
    differs from it."""
    full = _property_fields(spec)
    if base is None:
        return _flow_if_short(full)
    inherited = _property_fields(base)
    out: dict[str, Any] = {}
    for key, value in full.items():
        if inherited.get(key, _MISSING) != value:
            out[key] = value
    for key in inherited:
        if key not in full and key in _RESETTABLE:
            out[key] = _RESETTABLE[key]
    return _flow_if_short(out)


_MISSING = object()
# Values that switch an inherited word back to its default in a local override.
_RESETTABLE: dict[str, Any] = {
    "description": None,
    "required": False,
    "pii": False,
    "deprecated": False,
    "additional_properties": True,
}


def _property_fields(spec: PropertySpec) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if spec.description:
        out["description"] = spec.description
    if spec.type:
        out["type"] = spec.type[0] if len(spec.type) == 1 else list(spec.type)
    for attr, word in _SCALARS:
        value = getattr(spec, attr)
        if value is None:
            continue
        out[word] = list(value) if isinstance(value, tuple) else value
    if spec.has_const:
        out["const"] = spec.const
    if spec.required:
        out["required"] = True
    if spec.pii:
        out["pii"] = True
    if spec.deprecated:
        out["deprecated"] = spec.deprecated
    if not spec.additional_properties:
        out["additional_properties"] = False
    if spec.items is not None:
        out["items"] = property_to_yaml(spec.items)
    if spec.properties:
        out["properties"] = {
            name: property_to_yaml(spec.properties[name]) for name in sorted(spec.properties)
        }
    return out


def _property_map(props: dict[str, PropertySpec], plan: Plan) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(props):
        spec = props[name]
        base = plan.shared_properties.get(spec.shared) if spec.shared == name else None
        out[name] = property_to_yaml(spec, base=base)
    return out


def _event(event: Event, plan: Plan) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if event.description:
        out["description"] = event.description
    if event.owner:
        out["owner"] = event.owner
    if event.sources is not None:
        out["sources"] = list(event.sources)
    if event.destinations is not None:
        out["destinations"] = list(event.destinations)
    if event.previous_names:
        out["previous_names"] = list(event.previous_names)
    if event.deprecated:
        out["deprecated"] = event.deprecated
    if event.additional_properties:
        out["additional_properties"] = True
    if event.properties:
        out["properties"] = _property_map(event.properties, plan)
    return out


def _traits(traits: Traits, plan: Plan) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if not traits.additional_properties:
        out["additional_properties"] = False
    out["traits"] = _property_map(traits.traits, plan)
    return out


def _conventions(conv: Conventions) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in ("event_name", "property_name"):
        pattern = getattr(conv, f"{key}_pattern")
        style = getattr(conv, key)
        if pattern is not None:
            out[key] = _Flow(pattern=pattern)
        elif style:
            out[key] = style
    return out


def plan_to_yaml_data(plan: Plan) -> dict[str, Any]:
    """The plan as the data of a tracklint YAML file (without the header comment)."""
    data: dict[str, Any] = {"tracklint": plan.format_version or 1}
    if plan.name:
        data["name"] = plan.name
    if plan.version:
        data["version"] = str(plan.version)
    if plan.description:
        data["description"] = plan.description
    conventions = _conventions(plan.conventions)
    if conventions:
        data["conventions"] = conventions
    if plan.sources:
        data["sources"] = {
            name: _Flow(paths=list(plan.sources[name].paths)) for name in sorted(plan.sources)
        }
    if plan.destinations:
        data["destinations"] = list(plan.destinations)
    if plan.shared_properties:
        data["properties"] = {
            name: property_to_yaml(plan.shared_properties[name])
            for name in sorted(plan.shared_properties)
        }
    if plan.common_properties:
        data["common"] = {"properties": _property_map(plan.common_properties, plan)}
    if plan.events:
        data["events"] = {name: _event(plan.events[name], plan) for name in sorted(plan.events)}
    if plan.identify is not None:
        data["identify"] = _traits(plan.identify, plan)
    if plan.group is not None:
        data["group"] = _traits(plan.group, plan)
    if plan.pages:
        data["pages"] = {name: _event(plan.pages[name], plan) for name in sorted(plan.pages)}
    if plan.screens:
        data["screens"] = {name: _event(plan.screens[name], plan) for name in sorted(plan.screens)}
    return data


def dump_yaml(data: Any) -> str:
    """YAML text for plan data (no anchors, unicode kept, long lines not folded)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )


def dump_plan(plan: Plan, *, comments: list[str] | None = None) -> str:
    """The plan as tracklint YAML text. ``comments`` are appended as ``#`` lines (``init``
    lists the calls it could not read there)."""
    text = f"# yaml-language-server: $schema={PLAN_SCHEMA_URL}\n"
    text += dump_yaml(plan_to_yaml_data(plan))
    if comments:
        # Every piece of every line is commented: a line break inside a comment (a receiver
        # written over several lines, U+2028, U+0085, which YAML also ends lines at) must not
        # let the rest of it become YAML.
        # A character YAML refuses even in a comment (a control character in an expression)
        # is written as its escape.
        text += "\n" + "".join(f"# {_NOT_YAML.sub(_escape, piece)}".rstrip() + "\n"
                               for line in comments for piece in line.splitlines() or [""])
    return text


#: What YAML does not allow anywhere in a file (YAML 1.1/1.2 "printable" characters' complement).
_NOT_YAML = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")


def _escape(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")
