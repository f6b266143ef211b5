"""RudderStack rudder-cli data-catalog YAML -> tracking plan.

A project is a set of YAML documents ``{version: rudder/v0.1 | rudder/v1, kind, metadata, spec}``
(given as a directory or as files): ``events``, ``properties``, ``custom-types``,
``categories`` and the tracking plan (``tp`` in v0.1, ``tracking-plan`` in v1).

References: v0.1 ``{$ref: "#/events/<group>/<id>"}``, ``#/properties/<group>/<id>``,
``#/custom-types/<group>/<id>``; v1 ``"#event:<id>"``, ``"#property:<id>"``,
``"#custom-type:<id>"``. They are resolved by id. A property's name in the plan is its ``name``
(the key sent in the payload). Custom types are inlined into each property that uses them.
Nested ``properties`` of a rule become nested object properties. ``allow_unplanned`` /
``additional_properties`` map to ``additional_properties``.

Not expressible, reported as warnings: discriminator ``variants`` (properties that depend on
another property's value), ``multipleOf``, unresolved references. Categories have no place in a
tracklint plan and are ignored.

``{{ .NAME }}`` placeholders are filled from ``*.vars.yaml`` files given among the inputs or
lying in an input directory or its parent (rudder-cli's ``--var-file``); environment variables,
which rudder-cli lets override them, are deliberately not read, so the import is reproducible.
Rules of ``identify``/``group`` events become the plan's traits; ``page``/``screen`` rules
become named pages/screens (named after the event, or its id).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tracklint.errors import PlanError
from tracklint.importers.base import Collector, finish, read_yaml
from tracklint.plan.jsonschema import JSON_TYPES, is_literal_alternation
from tracklint.plan.model import Event, Plan, PropertySpec, Traits

NAME = "rudderstack"

_PLACEHOLDER = re.compile(r"\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
_REF = re.compile(r"^#(?:/([\w-]+)/[^/]+/([^/]+)|([\w-]+):(.+))$")
_KIND_ALIASES = {"custom-types": "custom-types", "customtypes": "custom-types", "tp": "tp",
                 "tracking-plan": "tp", "tracking-plans": "tp"}
# v0.1 propConfig / v1 config keys -> PropertySpec attributes.
_CONFIG = {
    "enum": "enum",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusive_minimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "exclusive_maximum": "exclusive_maximum",
    "minLength": "min_length",
    "min_length": "min_length",
    "maxLength": "max_length",
    "max_length": "max_length",
    "minItems": "min_items",
    "min_items": "min_items",
    "maxItems": "max_items",
    "max_items": "max_items",
    "pattern": "pattern",
    "format": "format",
}
_ITEM_KEYS = ("itemTypes", "item_types", "item_type")


def sniff(data: Any) -> bool:
    """Whether parsed ``data`` is a rudder-cli YAML document."""
    return isinstance(data, dict) and str(data.get("version", "")).startswith("rudder/")


def _ref_id(ref: Any) -> tuple[str, str] | None:
    """``"#/properties/grp/id"`` or ``"#property:id"`` -> (kind, id)."""
    if not isinstance(ref, str):
        return None
    match = _REF.match(ref.strip())
    if not match:
        return None
    if match.group(1):
        return match.group(1), match.group(2)
    kind = {"event": "events", "property": "properties", "custom-type": "custom-types",
            "category": "categories"}.get(match.group(3), match.group(3))
    return kind, match.group(4)


class _Project:
    def __init__(self, sink: Collector, variables: dict[str, str]) -> None:
        self.sink = sink
        self.vars = variables
        self.events: dict[str, tuple[dict, Path, str]] = {}
        self.properties: dict[str, tuple[dict, Path, str]] = {}
        self.types: dict[str, tuple[dict, Path, str]] = {}
        self.plans: list[tuple[dict, Path]] = []

    def subst(self, value: Any, path: Path, pointer: str) -> Any:
        if not isinstance(value, str) or "{{" not in value:
            return value

        def fill(match: re.Match) -> str:
            name = match.group(1)
            if name in self.vars:
                return self.vars[name]
            self.sink.add(f"placeholder {{{{ .{name} }}}} has no value in a .vars.yaml file; "
                          "kept as written", path=path, pointer=pointer)
            return match.group(0)

        return _PLACEHOLDER.sub(fill, value)

    def add_document(self, doc: Any, path: Path) -> None:
        if not sniff(doc):
            return
        kind = _KIND_ALIASES.get(str(doc.get("kind", "")), str(doc.get("kind", "")))
        spec = doc.get("spec")
        if not isinstance(spec, dict):
            spec = {}
        if kind == "events":
            for i, item in enumerate(spec.get("events") or []):
                if isinstance(item, dict) and "id" in item:
                    self.events[str(item["id"])] = (item, path, f"/spec/events/{i}")
        elif kind == "properties":
            for i, item in enumerate(spec.get("properties") or []):
                if isinstance(item, dict) and "id" in item:
                    self.properties[str(item["id"])] = (item, path, f"/spec/properties/{i}")
        elif kind == "custom-types":
            for i, item in enumerate(spec.get("types") or []):
                if isinstance(item, dict) and "id" in item:
                    self.types[str(item["id"])] = (item, path, f"/spec/types/{i}")
        elif kind == "tp":
            self.plans.append((spec, path))
        elif kind != "categories":
            self.sink.add(f"document kind {doc.get('kind')!r} is not read", path=path)

    # -- properties ------------------------------------------------------------------------

    def apply_type(self, spec: PropertySpec, raw: Any, path: Path, pointer: str,
                   stack: tuple[str, ...]) -> None:
        """Set ``spec.type`` from a type string/list, inlining custom types."""
        names: list[str] = []
        values = raw if isinstance(raw, list) else [raw] if raw is not None else []
        for value in values:
            for part in (str(value).split(",") if not str(value).startswith("#") else [value]):
                part = str(part).strip()
                if not part:
                    continue
                ref = _ref_id(part)
                if ref and ref[0] == "custom-types":
                    self.inline_type(spec, ref[1], path, pointer, stack)
                    names.extend(t for t in spec.type if t not in names)
                elif part in JSON_TYPES:
                    if part not in names:
                        names.append(part)
                else:
                    self.sink.add(f"unknown type {part!r} ignored", path=path, pointer=pointer)
        if names:
            spec.type = tuple(names)

    def inline_type(self, spec: PropertySpec, type_id: str, path: Path, pointer: str,
                    stack: tuple[str, ...]) -> None:
        if type_id in stack:
            self.sink.add(f"custom type {type_id!r} refers to itself; not expanded", path=path,
                          pointer=pointer)
            return
        found = self.types.get(type_id)
        if found is None:
            self.sink.add(f"custom type {type_id!r} is not defined", path=path, pointer=pointer)
            return
        item, tpath, tptr = found
        self.apply_type(spec, item.get("type"), tpath, tptr + "/type", (*stack, type_id))
        self.apply_config(spec, item, tpath, tptr, stack)
        if isinstance(item.get("properties"), list):
            spec.properties.update(
                self.prop_list(item["properties"], tpath, tptr + "/properties", (*stack, type_id))
            )
        if item.get("variants"):
            self.variants_warning(f"custom type {type_id!r}", tpath, tptr + "/variants")
        if spec.description is None and isinstance(item.get("description"), str):
            spec.description = item["description"] or None

    def apply_config(self, spec: PropertySpec, item: dict, path: Path, pointer: str,
                     stack: tuple[str, ...]) -> None:
        for key in ("propConfig", "config"):
            config = item.get(key)
            if not isinstance(config, dict):
                continue
            for word, value in config.items():
                ptr = f"{pointer}/{key}/{word}"
                if word in _CONFIG:
                    attr = _CONFIG[word]
                    setattr(spec, attr, tuple(value) if attr == "enum" and isinstance(value, list)
                            else value)
                    if attr == "pattern" and isinstance(value, str) and is_literal_alternation(value):
                        self.sink.add(
                            f"pattern {value!r} is an unanchored alternation: RudderStack "
                            "accepts any value that contains one of the words; kept as written",
                            path=path, pointer=ptr,
                        )
                elif word in _ITEM_KEYS:
                    spec.items = self.items_spec(spec.name, value, path, ptr, stack)
                else:
                    self.sink.add(f"`{word}` cannot be expressed in a tracklint plan and is not "
                                  "checked", path=path, pointer=ptr)
        for word in _ITEM_KEYS:
            if word in item:
                spec.items = self.items_spec(spec.name, item[word], path, f"{pointer}/{word}",
                                             stack)

    def items_spec(self, name: str, value: Any, path: Path, pointer: str,
                   stack: tuple[str, ...]) -> PropertySpec:
        items = PropertySpec(name=f"{name}[]")
        self.apply_type(items, value, path, pointer, stack)
        return items

    def property_spec(self, prop_id: str, path: Path, pointer: str,
                      stack: tuple[str, ...] = ()) -> PropertySpec | None:
        found = self.properties.get(prop_id)
        if found is None:
            self.sink.add(f"property {prop_id!r} is not defined", path=path, pointer=pointer)
            return None
        item, ppath, pptr = found
        name = self.subst(item.get("name") or prop_id, ppath, pptr + "/name")
        spec = PropertySpec(name=str(name))
        desc = self.subst(item.get("description"), ppath, pptr + "/description")
        spec.description = desc if isinstance(desc, str) and desc else None
        self.apply_type(spec, item.get("types", item.get("type")), ppath, pptr + "/type", stack)
        self.apply_config(spec, item, ppath, pptr, stack)
        return spec

    def prop_list(self, entries: list, path: Path, pointer: str,
                  stack: tuple[str, ...] = ()) -> dict[str, PropertySpec]:
        out: dict[str, PropertySpec] = {}
        for i, entry in enumerate(entries):
            ptr = f"{pointer}/{i}"
            if not isinstance(entry, dict):
                continue
            ref = _ref_id(entry.get("$ref", entry.get("property")))
            if ref is None or ref[0] != "properties":
                self.sink.add("property reference not understood; skipped", path=path,
                              pointer=ptr)
                continue
            spec = self.property_spec(ref[1], path, ptr, stack)
            if spec is None:
                continue
            spec.required = entry.get("required") is True
            if isinstance(entry.get("properties"), list):
                if spec.type and "object" not in spec.type:
                    self.sink.add(f"nested properties under non-object {spec.name!r}", path=path,
                                  pointer=ptr)
                spec.properties.update(self.prop_list(entry["properties"], path,
                                                      ptr + "/properties", stack))
            if "additional_properties" in entry and isinstance(entry["additional_properties"], bool):
                spec.additional_properties = entry["additional_properties"]
            if spec.name in out:
                self.sink.add(f"property {spec.name!r} is listed twice; the later one is kept",
                              path=path, pointer=ptr)
            out[spec.name] = spec
        return out

    def variants_warning(self, what: str, path: Path, pointer: str) -> None:
        self.sink.add(
            f"{what}: discriminator variants (properties that depend on another property's "
            "value) cannot be expressed in a tracklint plan; their properties are added as "
            "optional",
            path=path, pointer=pointer,
        )

    # -- tracking plans --------------------------------------------------------------------

    def build(self) -> Plan:
        plan = Plan()
        if not self.plans:
            raise PlanError("no tracking plan (kind: tp / tracking-plan) among the inputs")
        if len(self.plans) > 1:
            names = ", ".join(sorted(str(s.get("display_name") or s.get("id")) for s, _ in
                                     self.plans))
            self.sink.add(f"{len(self.plans)} tracking plans found ({names}); their rules are "
                          "merged into one plan")
        for spec, path in sorted(self.plans, key=lambda p: (str(p[1]), str(p[0].get("id")))):
            plan.name = plan.name or spec.get("display_name") or spec.get("id")
            for i, rule in enumerate(spec.get("rules") or []):
                if isinstance(rule, dict):
                    self.rule(plan, rule, path, f"/spec/rules/{i}")
        return finish(plan)

    def rule(self, plan: Plan, rule: dict, path: Path, pointer: str) -> None:
        if rule.get("type", "event_rule") != "event_rule":
            self.sink.add(f"rule type {rule.get('type')!r} is not read", path=path,
                          pointer=pointer)
            return
        event_ref = rule.get("event")
        additional = rule.get("additional_properties")
        if isinstance(event_ref, dict):
            if additional is None:
                additional = event_ref.get("allow_unplanned")
            event_ref = event_ref.get("$ref")
        ref = _ref_id(event_ref)
        if ref is None or ref[0] != "events" or ref[1] not in self.events:
            self.sink.add(f"event reference {event_ref!r} does not resolve; rule skipped",
                          path=path, pointer=pointer + "/event")
            return
        item, epath, eptr = self.events[ref[1]]
        etype = str(item.get("event_type", "track"))
        props = self.prop_list(rule.get("properties") or [], path, pointer + "/properties")
        variants = rule.get("variants")
        if variants:
            self.variants_warning(f"rule {rule.get('id')!r}", path, pointer + "/variants")
            for v, variant in enumerate(variants if isinstance(variants, list) else []):
                if not isinstance(variant, dict):
                    continue
                extra: list = list(variant.get("default") or [])
                for case in variant.get("cases") or []:
                    if isinstance(case, dict):
                        extra.extend(case.get("properties") or [])
                for name, spec in self.prop_list(extra, path,
                                                 f"{pointer}/variants/{v}").items():
                    if name not in props:
                        spec.required = False
                        props[name] = spec
        name = self.subst(item.get("name"), epath, eptr + "/name") or ref[1]
        desc = self.subst(item.get("description"), epath, eptr + "/description")
        allow = additional if isinstance(additional, bool) else False
        if etype in ("identify", "group"):
            traits = Traits(traits=props, additional_properties=allow)
            setattr(plan, etype, traits)
            return
        if etype not in ("track", "page", "screen"):
            self.sink.add(f"event type {etype!r} is not read", path=epath, pointer=eptr)
            return
        if etype != "track" and not item.get("name"):
            self.sink.add(
                f"{etype} rule {ref[1]!r} applies to every {etype} call; tracklint plans "
                f"{etype}s by name, so it is imported as the {etype} named {name!r}",
                path=path, pointer=pointer,
            )
        event = Event(
            name=str(name),
            description=desc if isinstance(desc, str) and desc else None,
            properties=props,
            additional_properties=allow,
            kind=etype,
        )
        table = {"track": plan.events, "page": plan.pages, "screen": plan.screens}[etype]
        if event.name in table:
            self.sink.add(f"{etype} {event.name!r} has two rules; the later one is kept",
                          path=path, pointer=pointer)
        table[event.name] = event


def _yaml_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")
                  and not any(part.startswith(".") for part in p.relative_to(path).parts))


def read(paths: list[Path], sink: Collector) -> Plan:
    """Import a rudder-cli project (directories and/or YAML files)."""
    files: list[Path] = []
    var_files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in _yaml_files(path) if not p.name.endswith(".vars.yaml"))
            var_files.extend(sorted(path.glob("*.vars.yaml")))
            var_files.extend(sorted(path.parent.glob("*.vars.yaml")))
        elif path.name.endswith(".vars.yaml"):
            var_files.append(path)
        else:
            files.append(path)
            var_files.extend(sorted(path.parent.glob("*.vars.yaml")))
            var_files.extend(sorted(path.parent.parent.glob("*.vars.yaml")))
    variables: dict[str, str] = {}
    for vf in dict.fromkeys(var_files):
        data = read_yaml(vf)
        if isinstance(data, dict):
            variables.update({str(k): str(v) for k, v in data.items() if v is not None})
    project = _Project(sink, variables)
    for path in dict.fromkeys(files):
        data = read_yaml(path)
        if not sniff(data):
            if path in paths:
                raise PlanError("not a rudder-cli YAML document (no `version: rudder/...`)",
                                path=str(path))
            continue
        project.add_document(data, path)
    if project.plans and not project.events:
        # Only the tracking plan was given: read the rest of its project (same folder, same
        # spec version), as rudder-cli would.
        docs = [read_yaml(p) for p in files if p.is_file()]
        versions = {str(d.get("version")) for d in docs if isinstance(d, dict)}
        for folder in sorted({p.parent for p in files if p.is_file()}):
            for sibling in sorted(folder.glob("*.y*ml")):
                if sibling in files or sibling.name.endswith(".vars.yaml"):
                    continue
                data = read_yaml(sibling)
                if sniff(data) and str(data.get("version")) in versions and \
                        _KIND_ALIASES.get(str(data.get("kind"))) != "tp":
                    project.add_document(data, sibling)
    return project.build()
