"""mParticle data plan version documents -> tracking plan.

Shape: ``{data_plan_id, version, version_document: {data_points: [{description, match: {type,
criteria}, validator: {type: "json_schema", definition}}]}}`` (a bare ``version_document`` or a
``{data_points: [...]}`` object is accepted too).

Mapping: ``custom_event`` -> a track event named ``criteria.event_name``; ``screen_view`` -> a
screen named ``criteria.screen_name``; their properties are the validator's
``data.custom_attributes`` schema. ``user_attributes`` -> identify traits. Other match types
(``product_action``, ``user_identities``, ``commerce_event``, ``session_start``...) have no
tracklint counterpart and are reported, not imported. The plan's ``version`` is the data plan
version (``3`` -> ``3.0.0``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracklint.errors import PlanError
from tracklint.importers.base import Collector, expect_dict, finish, read_json
from tracklint.plan.jsonschema import properties_from_schema
from tracklint.plan.model import Event, Plan, Traits

NAME = "mparticle"


def sniff(data: Any) -> bool:
    """Whether parsed ``data`` is an mParticle data plan (version) document."""
    if not isinstance(data, dict):
        return False
    doc = data.get("version_document", data)
    return isinstance(doc, dict) and isinstance(doc.get("data_points"), list)


def _dict(value: Any) -> dict:
    """``value`` if it is a mapping, else an empty one (hand-edited plans hold anything)."""
    return value if isinstance(value, dict) else {}


def _custom_attributes(definition: Any) -> tuple[dict | None, dict]:
    """(the ``custom_attributes`` schema or None, the ``data`` schema)."""
    if not isinstance(definition, dict):
        return None, {}
    data = _dict(definition.get("properties")).get("data")
    if not isinstance(data, dict):
        return None, {}
    attrs = _dict(data.get("properties")).get("custom_attributes")
    return (attrs if isinstance(attrs, dict) else None), data


def read(paths: list[Path], sink: Collector) -> Plan:
    """Import mParticle data plan documents (several: merged, later files win)."""
    plan = Plan()
    for path in paths:
        data = expect_dict(read_json(path), path, "an mParticle data plan")
        if not sniff(data):
            raise PlanError("not an mParticle data plan: no `version_document.data_points`",
                            path=str(path))
        prefix = "/version_document" if "version_document" in data else ""
        doc = data.get("version_document", data)
        plan_id = data.get("data_plan_id")
        plan.name = plan.name or (plan_id if isinstance(plan_id, str) else None) or None
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            plan.version = f"{version}.0.0"
        warn = sink.for_file(path)
        for i, point in enumerate(doc["data_points"]):
            pointer = f"{prefix}/data_points/{i}"
            if not isinstance(point, dict):
                continue
            match = _dict(point.get("match"))
            mtype = match.get("type")
            criteria = _dict(match.get("criteria"))
            validator = _dict(point.get("validator"))
            definition = validator.get("definition")
            if validator and validator.get("type", "json_schema") != "json_schema":
                sink.add(f"validator type {validator.get('type')!r} is not read", path=path,
                         pointer=f"{pointer}/validator")
                definition = None
            def_ptr = f"{pointer}/validator/definition"
            if mtype in ("custom_event", "screen_view"):
                name = criteria.get("event_name" if mtype == "custom_event" else "screen_name")
                if not isinstance(name, str) or not name:
                    sink.add(f"{mtype} data point without a name; skipped", path=path,
                             pointer=pointer)
                    continue
                attrs, data_schema = _custom_attributes(definition)
                for other in sorted(set(_dict(data_schema.get("properties"))) - {"custom_attributes"}):
                    sink.add(
                        f"{name!r}: rules on `data.{other}` cannot be expressed in a tracklint "
                        "plan and are not checked",
                        path=path, pointer=f"{def_ptr}/properties/data/properties/{other}",
                    )
                attr_ptr = f"{def_ptr}/properties/data/properties/custom_attributes"
                props, additional, desc = properties_from_schema(
                    attrs or {}, warn=warn, root=definition, pointer=attr_ptr
                )
                kind = "track" if mtype == "custom_event" else "screen"
                table = plan.events if kind == "track" else plan.screens
                if name in table:
                    sink.add(f"{mtype} {name!r} is planned twice; the later data point is kept",
                             path=path, pointer=pointer)
                table[name] = Event(
                    name=name,
                    description=point.get("description") or desc or None,
                    properties=props,
                    additional_properties=additional if attrs is not None else True,
                    kind=kind,
                )
            elif mtype == "user_attributes":
                traits, additional, _ = properties_from_schema(
                    definition or {}, warn=warn, root=definition, pointer=def_ptr
                )
                plan.identify = Traits(traits=traits, additional_properties=additional)
            else:
                what = ", ".join(f"{k}={v}" for k, v in sorted(criteria.items()))
                sink.add(
                    f"{mtype} data point{f' ({what})' if what else ''} has no equivalent in a "
                    "tracklint plan; not imported",
                    path=path, pointer=pointer,
                )
    return finish(plan)
