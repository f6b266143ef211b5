"""Snowplow Iglu self-describing JSON Schemas -> tracking plan.

Input: one schema file, or an Iglu registry directory laid out as
``schemas/<vendor>/<name>/jsonschema/<MODEL-REVISION-ADDITION>`` (files without an extension).

Each schema becomes one track event named ``<vendor>/<name>``: Snowplow identifies an event by its
schema URI, and bare names collide across vendors (``com.sendgrid/click`` vs
``com.mandrill/...``). When a directory holds several versions of one schema, the newest
SchemaVer is kept and the others are reported. The SchemaVer is recorded in the event's
description (``iglu:<vendor>/<name>/jsonschema/<version>``), and, when a single schema is
imported, as the plan's ``version`` (``1-0-2`` -> ``1.0.2``) so that ``tracklint diff`` can
check the bump.

Iglu schemas allow any extra property unless they say ``additionalProperties: false``; that
JSON Schema meaning is kept.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tracklint.errors import PlanError
from tracklint.importers.base import Collector, expect_dict, finish, read_json
from tracklint.plan.jsonschema import event_from_schema
from tracklint.plan.model import Plan

NAME = "iglu"

_SCHEMAVER = re.compile(r"^(\d+)-(\d+)-(\d+)$")


def sniff(data: Any) -> bool:
    """Whether parsed ``data`` looks like a self-describing schema."""
    if not isinstance(data, dict):
        return False
    self_block = data.get("self")
    return isinstance(self_block, dict) and {"vendor", "name", "version"} <= set(self_block)


def schemaver(version: str) -> tuple[int, int, int]:
    """``"1-0-2"`` -> ``(1, 0, 2)``; unparsable versions sort first."""
    match = _SCHEMAVER.match(version or "")
    if not match:
        return (-1, -1, -1)
    return tuple(int(g) for g in match.groups())  # type: ignore[return-value]


def _schema_files(root: Path) -> list[Path]:
    """Every file under ``root`` that may be a schema (hidden files and folders skipped)."""
    out = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or not path.is_file():
            continue
        if path.suffix.lower() in (".md", ".txt", ".jsonl", ".yaml", ".yml"):
            continue
        out.append(path)
    return out


def read(paths: list[Path], sink: Collector) -> Plan:
    """Import the schemas in ``paths`` (files and/or registry directories)."""
    files: list[Path] = []
    for path in paths:
        files.extend(_schema_files(path) if path.is_dir() else [path])
    found: dict[str, list[tuple[tuple[int, int, int], Path, dict]]] = {}
    for path in files:
        data = read_json(path)
        if not sniff(data):
            if len(files) == 1 or path in paths:
                raise PlanError(
                    "not a self-describing Iglu schema (no `self` block with vendor, name and "
                    "version)",
                    path=str(path),
                )
            sink.add("skipped: not a self-describing Iglu schema", path=path)
            continue
        schema = expect_dict(data, path, "an Iglu schema")
        meta = schema["self"]
        key = f"{meta['vendor']}/{meta['name']}"
        found.setdefault(key, []).append((schemaver(str(meta["version"])), path, schema))

    plan = Plan()
    for key in sorted(found):
        versions = sorted(found[key], key=lambda item: (item[0], str(item[1])))
        _, path, schema = versions[-1]
        meta = schema["self"]
        if len(versions) > 1:
            older = ", ".join(str(v[2]["self"]["version"]) for v in versions[:-1])
            sink.add(
                f"{key}: kept version {meta['version']}; older version(s) {older} not imported",
                path=path,
            )
        if meta.get("format", "jsonschema") != "jsonschema":
            sink.add(f"{key}: format {meta.get('format')!r} is not jsonschema", path=path)
        event = event_from_schema(schema, name=key, warn=sink.for_file(path), root=schema)
        uri = f"iglu:{key}/{meta.get('format', 'jsonschema')}/{meta['version']}"
        event.description = f"{event.description}\n\n{uri}" if event.description else uri
        plan.events[key] = event
    if len(found) == 1:
        only = next(iter(found.values()))
        version = max(only, key=lambda item: item[0])[0]
        if version[0] >= 0:
            plan.version = ".".join(str(n) for n in version)
    return finish(plan)
