"""Segment Protocols tracking plans -> tracking plan (and the rules payload for ``export``).

Accepted shapes (all JSON):

* **Public API** tracking plan with ``rules: [{key, type, version, jsonSchema, deprecatedAt}]``
  (``TRACK``, ``IDENTIFY``, ``GROUP``, ``PAGE``, ``SCREEN``, ``COMMON``), also wrapped as
  ``{"data": {"trackingPlan": ...}}`` / ``{"data": {"rules": [...]}}`` like the API responses;
* **Config API v1** (``rules: {events: [{name, description, version, rules}], identify, group,
  global, identify_traits, group_traits}``);
* **Typewriter's local plan** (``{name, events: [{name, description, rules}]}``), also a list of
  such plans under ``trackingPlans``;
* the **Protocols common JSON schema**: one schema for the whole payload of every call.

The event properties sit under ``properties.properties`` of the rule's JSON Schema (Config API,
Terraform, what ``export segment`` writes) or directly under ``properties`` (some Public API
exports); both are read. Several versions of one event: the newest is kept, with a warning.
``deprecatedAt`` marks a rule deprecated unless it is Segment's zero date (``0001-01-01...``).
Protocols reports properties that are not in the plan, so a rule without
``additionalProperties`` imports as ``additional_properties: false``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracklint.errors import PlanError
from tracklint.importers.base import Collector, expect_dict, finish, read_json
from tracklint.plan.jsonschema import (
    escape_pointer,
    event_to_schema,
    properties_from_schema,
    properties_to_schema,
)
from tracklint.plan.model import Event, Plan, Traits

NAME = "segment"

RULE_TYPES = ("TRACK", "IDENTIFY", "GROUP", "PAGE", "SCREEN", "COMMON")
_PAYLOAD_KEYS = {"context", "traits", "properties"}
_OWNER_LABELS = ("owner", "team")
# Segment's own keys on a rule's JSON Schema (read separately, not validation).
_RULE_METADATA = ("labels", "eventMetadata")


def sniff(data: Any) -> bool:
    """Whether parsed ``data`` is one of the Segment shapes."""
    if not isinstance(data, dict):
        return False
    data = _unwrap(data)
    rules = data.get("rules")
    if isinstance(rules, list) and all(isinstance(r, dict) and "type" in r for r in rules):
        return True
    if isinstance(rules, dict) and ("events" in rules or "identify" in rules):
        return True
    events = data.get("events")
    if isinstance(events, list) and events and all(
        isinstance(e, dict) and "rules" in e for e in events
    ):
        return True
    if isinstance(data.get("trackingPlans"), list):
        return True
    return _is_common_schema(data)


def _unwrap(data: dict) -> dict:
    inner = data.get("data")
    if isinstance(inner, dict):
        data = inner
    for key in ("trackingPlan", "tracking_plan"):
        if isinstance(data.get(key), dict):
            rules = data.get("rules")
            data = dict(data[key])
            if rules is not None and "rules" not in data:
                data["rules"] = rules
    return data


def _is_common_schema(data: dict) -> bool:
    props = data.get("properties")
    return (
        isinstance(props, dict)
        and "properties" in props
        and bool({"context", "traits", "anonymousId", "userId"} & set(props))
        and "rules" not in data
    )


def _is_zero_date(value: Any) -> bool:
    return not value or str(value).startswith("0001-01-01")


def _nested_shape(schema: dict) -> bool:
    """Whether the schema wraps the payload (``properties.properties``) or holds the event
    properties directly."""
    props = schema.get("properties")
    if not isinstance(props, dict) or "properties" not in props:
        return False
    if not set(props) <= _PAYLOAD_KEYS:
        return False
    inner = props["properties"]
    return isinstance(inner, dict) and (
        inner == {} or "properties" in inner or inner.get("type") in ("object", ["object"])
    )


class _Reader:
    def __init__(self, path: Path, sink: Collector) -> None:
        self.path = path
        self.sink = sink
        self.warn = sink.for_file(path)

    def payload_part(self, schema: dict, part: str, pointer: str) -> tuple[dict, str]:
        """The schema of ``properties`` / ``traits`` in a rule, in either layout."""
        if _nested_shape(schema) or (
            part == "traits"
            and isinstance(schema.get("properties"), dict)
            and isinstance(schema["properties"].get("traits"), dict)
            and set(schema["properties"]) <= _PAYLOAD_KEYS
        ):
            body = schema["properties"]
            for other in sorted(set(body) - {part}):
                sub = body[other]
                if isinstance(sub, dict) and (sub.get("properties") or sub.get("required")):
                    self.sink.add(
                        f"rules on the payload's `{other}` cannot be expressed in a tracklint "
                        "plan and are not checked",
                        path=self.path,
                        pointer=f"{pointer}/properties/{other}",
                    )
            sub = body.get(part)
            return (sub if isinstance(sub, dict) else {}), f"{pointer}/properties/{part}"
        return schema, pointer

    def event(self, name: str, schema: dict, pointer: str, *, kind: str,
              description: str | None = None) -> Event:
        labels = schema.get("labels")
        schema = {k: v for k, v in schema.items() if k not in _RULE_METADATA}
        body, body_ptr = self.payload_part(schema, "properties", pointer)
        props, _, desc = properties_from_schema(
            body, warn=self.warn, root=schema, pointer=body_ptr
        )
        additional = body.get("additionalProperties", False)
        event = Event(
            name=name,
            description=schema.get("description") or desc or description or None,
            properties=props,
            additional_properties=additional if isinstance(additional, bool) else True,
            kind=kind,
        )
        if isinstance(schema.get("x-deprecated"), str) and schema["x-deprecated"]:
            event.deprecated = schema["x-deprecated"]
        elif schema.get("deprecated") is True:
            event.deprecated = True
        self.labels(event, labels, pointer)
        return event

    def labels(self, event: Event, labels: Any, pointer: str) -> None:
        if not isinstance(labels, dict) or not labels:
            return
        rest = {}
        for key, value in labels.items():
            if key.lower() in _OWNER_LABELS and isinstance(value, str) and event.owner is None:
                event.owner = value
            else:
                rest[key] = value
        if rest:
            text = ", ".join(f"{k}={v}" for k, v in sorted(rest.items()))
            self.sink.add(
                f"event {event.name!r}: labels ({text}) have no place in a tracklint plan",
                path=self.path,
                pointer=f"{pointer}/labels",
            )

    def traits(self, schema: dict, pointer: str) -> Traits:
        body, body_ptr = self.payload_part(schema, "traits", pointer)
        traits, _, _ = properties_from_schema(body, warn=self.warn, root=schema, pointer=body_ptr)
        additional = body.get("additionalProperties", True)
        return Traits(traits=traits, additional_properties=additional is not False)

    def common(self, plan: Plan, schema: dict, pointer: str) -> None:
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        nested = _nested_shape(schema) or _is_common_schema(schema)
        if nested:
            for other in sorted(set(props) - {"properties"}):
                self.sink.add(
                    f"the common schema's rule on `{other}` applies to the whole payload; "
                    "tracklint plans do not describe payload fields, so it is not checked",
                    path=self.path,
                    pointer=f"{pointer}/properties/{escape_pointer(other)}",
                )
            for key in schema.get("required", []) if isinstance(schema.get("required"), list) else []:
                if isinstance(key, str) and key != "properties" and key not in props:
                    self.sink.add(f"the common schema requires payload field `{key}`; not checked",
                                  path=self.path, pointer=f"{pointer}/required")
            body = props.get("properties", {})
            body_ptr = f"{pointer}/properties/properties"
        else:
            body, body_ptr = schema, pointer
        common, _, _ = properties_from_schema(
            body if isinstance(body, dict) else {}, warn=self.warn, root=schema, pointer=body_ptr
        )
        plan.common_properties.update(common)


def _rule_list(data: dict) -> list[tuple[str, dict, str]] | None:
    """Public API rules as (type, rule, pointer), or None for other shapes."""
    rules = data.get("rules")
    if not isinstance(rules, list):
        return None
    return [(str(r.get("type", "TRACK")).upper(), r, f"/rules/{i}") for i, r in enumerate(rules)
            if isinstance(r, dict)]


def read(paths: list[Path], sink: Collector) -> Plan:
    """Import Segment plan files (several files are merged; later files win)."""
    plan = Plan()
    for path in paths:
        data = expect_dict(read_json(path), path, "a Segment tracking plan")
        _read_one(plan, path, data, sink)
    return finish(plan)


def _read_one(plan: Plan, path: Path, data: dict, sink: Collector, prefix: str = "") -> None:
    reader = _Reader(path, sink)
    if isinstance(data.get("trackingPlans"), list):
        for i, sub in enumerate(data["trackingPlans"]):
            if isinstance(sub, dict):
                _read_one(plan, path, sub, sink, f"{prefix}/trackingPlans/{i}")
        return
    data = _unwrap(data)
    name = data.get("display_name") or data.get("name")
    plan.name = plan.name or (name if isinstance(name, str) else None) or None
    if plan.name and plan.name.startswith("workspaces/"):
        plan.name = None
    rules = _rule_list(data)
    if rules is not None:
        _read_public(plan, reader, rules, prefix)
        return
    if isinstance(data.get("rules"), dict):
        _read_config(plan, reader, data["rules"], f"{prefix}/rules")
        return
    if isinstance(data.get("events"), list):
        _read_events(plan, reader, data["events"], f"{prefix}/events", kind="track")
        return
    if _is_common_schema(data):
        reader.common(plan, data, prefix)
        return
    raise PlanError("not a Segment tracking plan: no `rules` or `events`", path=str(path))


def _version(rule: dict) -> int:
    value = rule.get("version", 0)
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _read_public(plan: Plan, reader: _Reader, rules: list[tuple[str, dict, str]],
                 prefix: str) -> None:
    newest: dict[tuple[str, str], tuple[dict, str]] = {}
    for rtype, rule, pointer in rules:
        pointer = prefix + pointer
        if rtype not in RULE_TYPES:
            reader.sink.add(f"unknown rule type {rtype!r}; skipped", path=reader.path,
                            pointer=pointer)
            continue
        schema = rule.get("jsonSchema", rule.get("json_schema"))
        if not isinstance(schema, dict):
            reader.sink.add("rule without a jsonSchema; skipped", path=reader.path, pointer=pointer)
            continue
        key = rule.get("key") or (schema.get("eventMetadata") or {}).get("name") or ""
        ident = (rtype, str(key))
        if ident in newest:
            old, old_ptr = newest[ident]
            keep_new = _version(rule) >= _version(old)
            kept, dropped = (rule, old) if keep_new else (old, rule)
            reader.sink.add(
                f"{rtype} rule {key!r} has versions {_version(dropped)} and {_version(kept)}; "
                f"version {_version(kept)} is kept",
                path=reader.path,
                pointer=pointer if keep_new else old_ptr,
            )
            if not keep_new:
                continue
        newest[ident] = (rule, pointer)
    for (rtype, key), (rule, pointer) in sorted(newest.items()):
        schema = rule.get("jsonSchema", rule.get("json_schema"))
        ptr = pointer + "/jsonSchema"
        if rtype in ("TRACK", "PAGE", "SCREEN"):
            kind = rtype.lower()
            event = reader.event(key, schema, ptr, kind=kind)
            deprecated_at = rule.get("deprecatedAt", rule.get("deprecated_at"))
            if not _is_zero_date(deprecated_at) and not event.deprecated:
                event.deprecated = f"deprecated in Segment on {str(deprecated_at)[:10]}"
            table = {"track": plan.events, "page": plan.pages, "screen": plan.screens}[kind]
            table[key] = event
        elif rtype == "IDENTIFY":
            plan.identify = reader.traits(schema, ptr)
        elif rtype == "GROUP":
            plan.group = reader.traits(schema, ptr)
        else:
            reader.common(plan, schema, ptr)


def _read_events(plan: Plan, reader: _Reader, events: list, pointer: str, *, kind: str) -> None:
    newest: dict[str, tuple[dict, str]] = {}
    for i, item in enumerate(events):
        ptr = f"{pointer}/{i}"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            reader.sink.add("event without a name; skipped", path=reader.path, pointer=ptr)
            continue
        name = item["name"]
        if name in newest:
            old, old_ptr = newest[name]
            keep_new = _version(item) >= _version(old)
            kept, dropped = (item, old) if keep_new else (old, item)
            reader.sink.add(
                f"event {name!r} has versions {_version(dropped)} and {_version(kept)}; "
                f"version {_version(kept)} is kept",
                path=reader.path,
                pointer=ptr if keep_new else old_ptr,
            )
            if not keep_new:
                continue
        newest[name] = (item, ptr)
    for name, (item, ptr) in newest.items():
        schema = item.get("rules") if isinstance(item.get("rules"), dict) else {}
        event = reader.event(name, schema, ptr + "/rules", kind=kind,
                             description=item.get("description"))
        if item.get("description"):
            event.description = item["description"]
        table = {"track": plan.events, "page": plan.pages, "screen": plan.screens}[kind]
        table[name] = event


def _read_config(plan: Plan, reader: _Reader, rules: dict, pointer: str) -> None:
    if isinstance(rules.get("events"), list):
        _read_events(plan, reader, rules["events"], f"{pointer}/events", kind="track")
    for key, attr in (("identify", "identify"), ("group", "group")):
        if isinstance(rules.get(key), dict) and rules[key]:
            setattr(plan, attr, reader.traits(rules[key], f"{pointer}/{key}"))
    for key, attr in (("identify_traits", "identify"), ("group_traits", "group")):
        value = rules.get(key)
        if isinstance(value, list) and value:
            traits: dict = {}
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    got, _, _ = properties_from_schema(
                        item, warn=reader.warn, root=item, pointer=f"{pointer}/{key}/{i}"
                    )
                    traits.update(got)
            setattr(plan, attr, Traits(traits=traits))
    if isinstance(rules.get("global"), dict) and rules["global"]:
        reader.common(plan, rules["global"], f"{pointer}/global")


# -- export ---------------------------------------------------------------------------------


def _wrap(part: str, body: dict) -> dict:
    """A rule's JSON Schema with ``body`` under ``properties.<part>`` (the payload layout)."""
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "properties": {"context": {}, "traits": {}, "properties": {}, part: body},
    }


def export_rules(plan: Plan) -> dict[str, Any]:
    """The plan as a Segment Public API rules payload (``{"rules": [...]}``).

    Event properties go under ``properties.properties``; owners become the ``owner`` label;
    deprecation is written as the ``deprecated`` / ``x-deprecated`` annotations of the event's
    schema, because ``deprecatedAt`` is read-only in the API. Sources, destinations, previous
    names and naming conventions have no Segment equivalent and are not written.
    """
    rules: list[dict[str, Any]] = []
    for rtype, table in (("TRACK", plan.events), ("PAGE", plan.pages), ("SCREEN", plan.screens)):
        for name in sorted(table):
            event = table[name]
            body = event_to_schema(event)
            body.pop("description", None)
            deprecated = body.pop("deprecated", None)
            reason = body.pop("x-deprecated", None)
            schema = _wrap("properties", body)
            if event.description:
                schema["description"] = event.description
            if deprecated:
                schema["deprecated"] = True
            if reason:
                schema["x-deprecated"] = reason
            schema["labels"] = {"owner": event.owner} if event.owner else {}
            rules.append({"key": name, "type": rtype, "version": 1, "jsonSchema": schema})
    for rtype, traits in (("IDENTIFY", plan.identify), ("GROUP", plan.group)):
        if traits is not None:
            body = properties_to_schema(
                traits.traits, additional_properties=traits.additional_properties,
                description=None,
            )
            rules.append({"type": rtype, "version": 1, "jsonSchema": _wrap("traits", body)})
    if plan.common_properties:
        body = properties_to_schema(plan.common_properties, additional_properties=True,
                                    description=None)
        rules.append({"type": "COMMON", "version": 1, "jsonSchema": _wrap("properties", body)})
    out: dict[str, Any] = {}
    if plan.name:
        out["name"] = plan.name
    out["rules"] = rules
    return out
