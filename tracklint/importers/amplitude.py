"""Amplitude Data (Ampli) ``schema.json`` -> tracking plan.

Shape: one JSON Schema whose root ``properties`` map each event's code name (and ``Context``,
``Identify``, ``Group``) to ``{$ref: "#/definitions/<Name>Properties"}``; each event definition
is a JSON Schema with ``$id: https://data.amplitude.com/<workspace>/event/<event name>/version/
<semver>`` (older files: ``iterative.ly/...``). The event's real name is the URL-decoded segment
of ``$id`` (``Event%20No%20Properties`` -> ``Event No Properties``); the code name is used when
there is no ``$id``. ``Identify`` and ``Group`` become the plan's traits, ``Context`` its common
properties. The event version in ``$id`` is not kept: it changes with every publish and says
nothing about the shape.

``ampli.json`` (the Ampli CLI settings file) holds no events; importing it is an error that says
where to find ``schema.json``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from tracklint.errors import PlanError
from tracklint.importers.base import Collector, expect_dict, finish, read_json
from tracklint.plan.jsonschema import escape_pointer, event_from_schema, properties_from_schema
from tracklint.plan.model import Plan, Traits

NAME = "amplitude"

_EVENT_ID = re.compile(r"/event/([^/]+)/version/([^/]+)/?$")
_SPECIAL = ("Context", "Identify", "Group")
_AMPLI_CONFIG_KEYS = {"OrgId", "WorkspaceId", "SourceId", "Runtime"}


def sniff(data: Any) -> bool:
    """Whether parsed ``data`` is an Ampli schema.json (or the ampli.json settings file)."""
    if not isinstance(data, dict):
        return False
    if _AMPLI_CONFIG_KEYS <= set(data):
        return True
    props = data.get("properties")
    return (
        isinstance(props, dict)
        and isinstance(data.get("definitions"), dict)
        and any(k in props for k in _SPECIAL)
        and all(isinstance(v, dict) and "$ref" in v for v in props.values())
    )


def event_name(code_name: str, definition: dict) -> str:
    """The event's display name from ``$id``, or its code name."""
    match = _EVENT_ID.search(str(definition.get("$id", "")))
    return unquote(match.group(1)) if match else code_name


def read(paths: list[Path], sink: Collector) -> Plan:
    """Import one Ampli schema.json (several files: the later ones add events)."""
    plan = Plan()
    for path in paths:
        if path.is_dir():
            candidate = path / "schema.json"
            if not candidate.is_file():
                raise PlanError("no schema.json in this directory", path=str(path))
            path = candidate
        doc = expect_dict(read_json(path), path, "an Ampli schema.json")
        if _AMPLI_CONFIG_KEYS <= set(doc):
            raise PlanError(
                "this is the Ampli CLI settings file (ampli.json); it holds no events",
                path=str(path),
                hint="import the schema.json that `ampli pull` writes next to the generated code",
            )
        props = doc.get("properties")
        if not isinstance(props, dict):
            raise PlanError("not an Ampli schema.json: no root `properties`", path=str(path))
        warn = sink.for_file(path)
        for code_name, ref in props.items():
            pointer = "/properties/" + escape_pointer(code_name)
            target = ref
            if isinstance(ref, dict) and isinstance(ref.get("$ref"), str):
                target_ptr = ref["$ref"]
                if target_ptr.startswith("#/definitions/"):
                    key = unquote(target_ptr[len("#/definitions/"):])
                    target = doc.get("definitions", {}).get(key)
                    pointer = "/definitions/" + escape_pointer(key)
            if not isinstance(target, dict):
                sink.add(f"{code_name}: its definition was not found; skipped", path=path,
                         pointer=pointer)
                continue
            if code_name in ("Identify", "Group"):
                traits, additional, _ = properties_from_schema(
                    target, warn=warn, root=doc, pointer=pointer
                )
                table = Traits(traits=traits, additional_properties=additional)
                if code_name == "Identify":
                    plan.identify = table
                else:
                    plan.group = table
                continue
            if code_name == "Context":
                common, _, _ = properties_from_schema(target, warn=warn, root=doc, pointer=pointer)
                plan.common_properties.update(common)
                continue
            name = event_name(code_name, target)
            if name in plan.events:
                sink.add(f"event {name!r} is defined twice; the later definition is kept",
                         path=path, pointer=pointer)
            plan.events[name] = event_from_schema(
                target, name=name, warn=warn, root=doc, pointer=pointer
            )
    return finish(plan)
