"""Load a tracking plan: YAML (safe, positioned) -> JSON Schema validation -> typed model.

``load_plan(path)`` is the only way commands get a :class:`~tracklint.plan.model.Plan`. Every
problem becomes a :class:`~tracklint.errors.PlanError` naming the file, 1-based line and column
and what was expected; when a plan has several problems they are all reported in one error
(one per line), so a user fixes them in one round.

Steps:

1. read and decode the file (size cap, UTF-8), compose YAML with positions
   (:mod:`tracklint.plan.yaml_loader`: duplicate keys, alias bombs, unsupported tags);
2. validate against ``schema.json`` (``$defs/fragment`` for included files) and turn each
   jsonschema error into a positioned message ("did you mean" for misspelt keys and values);
3. follow ``include:`` (globs relative to the including file, inside the plan's directory tree,
   no cycles);
4. build the normalised model: shared property definitions merged into their uses, ``type``
   as a tuple, defaults filled in, a :class:`PlanLocation` on every element;
5. semantic checks: undeclared sources/destinations, invalid regular expressions, ranges whose
   minimum exceeds their maximum, the same name defined in two files.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import functools
import glob
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

from tracklint.errors import PlanError
from tracklint.plan import formats, patterns
from tracklint.plan.model import (
    SCHEMA_WORDS,
    Conventions,
    Event,
    Plan,
    PlanLocation,
    PropertySpec,
    Source,
    Traits,
)
from tracklint.plan.yaml_loader import (
    MAX_BYTES,
    Problem,
    YamlDocument,
    YamlProblems,
    decode,
    read_yaml,
)

LOG = logging.getLogger(__name__)

SCHEMA_PATH = Path(__file__).with_name("schema.json")

#: Most problems listed in one error message (the rest are counted).
MAX_LISTED_PROBLEMS = 100
#: Most files one plan may pull in through ``include:``.
MAX_INCLUDED_FILES = 1000
#: Most directory entries one ``include:`` glob may look at (directory symlinks are not followed).
MAX_INCLUDE_ENTRIES = 20_000
#: Most bytes of the main plan and every file it includes, together.
MAX_TOTAL_BYTES = 4 * MAX_BYTES

# Property-spec words -> model fields.
_FIELDS = {
    "type": "type",
    "enum": "enum",
    "pattern": "pattern",
    "format": "format",
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minItems": "min_items",
    "maxItems": "max_items",
    "items": "items",
    "properties": "properties",
    "additional_properties": "additional_properties",
    "required": "required",
    "description": "description",
    "pii": "pii",
    "deprecated": "deprecated",
    "previous_names": "previous_names",
}
_RANGES = (("minimum", "maximum"), ("minLength", "maxLength"), ("minItems", "maxItems"))


# --------------------------------------------------------------------------------------------
# Public API


def load_plan(path: str | Path, *, schema_checked: bool = False) -> Plan:
    """Read, validate and normalise the plan at ``path`` (following its ``include:``).

    Raises :class:`PlanError` (positioned; several problems are listed one per line).
    ``schema_checked``: these exact bytes passed the JSON Schema before (the caller verified
    their digests), so the schema pass, the slowest part of loading, is skipped; every other
    check still runs.
    """
    display = str(path)
    data = _read_bytes(Path(path), display)
    return load_plan_text(data, display, schema_checked=schema_checked)


def load_plan_text(text: str | bytes, path: str | Path = "<plan>", *, schema_checked: bool = False) -> Plan:
    """Like :func:`load_plan` for text already in memory; ``path`` names it in messages and
    anchors relative ``include:`` paths and the plan's ``root``."""
    display = str(path)
    loader = _Loader(display, schema_checked=schema_checked)
    return loader.run(text)


class _NoValidator:
    """Stands in for the JSON Schema validators when the plan's bytes were checked before."""

    @staticmethod
    def iter_errors(_data: Any) -> Iterator[Any]:
        return iter(())


@functools.cache
def plan_schema() -> dict[str, Any]:
    """The plan JSON Schema shipped in the package."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@functools.cache
def _validators() -> tuple[Any, Any]:
    from jsonschema import Draft202012Validator

    schema = plan_schema()
    fragment = {"$schema": schema["$schema"], "$defs": schema["$defs"], "$ref": "#/$defs/fragment"}
    return Draft202012Validator(schema), Draft202012Validator(fragment)


# --------------------------------------------------------------------------------------------
# Errors


class PlanProblems(PlanError):
    """A :class:`PlanError` that lists several positioned problems (``problems``)."""

    problems: tuple[Problem, ...] = ()


def _raise(problems: list[Problem], main_path: str) -> None:
    problems = sorted(set(problems), key=Problem.sort_key)
    if len(problems) == 1:
        only = problems[0]
        error = PlanProblems(only.message, path=only.path, line=only.line, column=only.column, hint=only.hint)
    else:
        lines = [f"the plan has {len(problems)} problems:"]
        lines += [f"  {problem.render()}" for problem in problems[:MAX_LISTED_PROBLEMS]]
        if len(problems) > MAX_LISTED_PROBLEMS:
            lines.append(f"  ... and {len(problems) - MAX_LISTED_PROBLEMS} more")
        error = PlanProblems("\n".join(lines), path=main_path)
    error.problems = tuple(problems)
    raise error


def _read_bytes(path: Path, display: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PlanError(
                f"the plan file is too large ({size / 1024 / 1024:.1f} MB; the limit is {MAX_BYTES // (1024 * 1024)} MB)",
                path=display,
            )
        with path.open("rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise PlanError("the plan file does not exist", path=display, hint="pass --plan FILE or set `plan` in the configuration") from None
    except IsADirectoryError:
        raise PlanError("the plan path is a directory, not a file", path=display) from None
    except OSError as exc:
        raise PlanError(f"cannot read the plan file: {exc.strerror or exc}", path=display) from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{_json_type(value)} {text}"


def _where(jpath: Iterable[Any]) -> str:
    parts: list[str] = []
    for part in jpath:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        elif part and all(ch.isalnum() or ch in "_-$" for ch in part):
            parts.append(f".{part}" if parts else part)
        else:
            text = f"'{part}'"
            parts.append(f".{text}" if parts else text)
    return "".join(parts) or "the plan"


def _at(jpath: Iterable[Any]) -> str:
    """``"events.A: "`` -- the prefix of a message about the value at ``jpath`` (none at the top)."""
    jpath = tuple(jpath)
    return f"{_where(jpath)}: " if jpath else ""


def _did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else None


def _expected_types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return list(declared)
    return []


def _article(types: list[str]) -> str:
    names = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
             "number": "a number", "boolean": "true or false", "null": "nothing (null)"}
    words = [names.get(t, t) for t in types]
    return " or ".join(words) if words else "something else"


def _schema_problems(doc: YamlDocument, error: Any) -> list[Problem]:
    """Turn one jsonschema error into positioned, human problems."""
    jpath = tuple(error.absolute_path)
    at = _at(jpath)
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    instance = error.instance
    if kind in ("anyOf", "oneOf") and error.context:
        # Drop the branches whose type did not fit; the errors of a fitting branch are specific.
        by_branch: dict[Any, list[Any]] = {}
        for sub in error.context:
            by_branch.setdefault(sub.relative_schema_path[0] if sub.relative_schema_path else None, []).append(sub)
        fitting = [
            sub
            for subs in by_branch.values()
            if not any(s.validator == "type" and not s.relative_path for s in subs)
            for sub in subs
        ]
        if fitting:
            deepest = max(fitting, key=lambda sub: len(sub.absolute_path))
            return _schema_problems(doc, deepest)
        types: list[str] = []
        for branch in error.schema.get(kind, []):
            target = branch
            if "$ref" in branch:
                target = _resolve(branch["$ref"])
            for t in _expected_types(target) or (["string"] if "enum" in target else []):
                if t not in types:
                    types.append(t)
        return [doc.problem(f"{at}expected {_article(types)}, got {_show(instance)}", jpath)]
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        extra = [key for key in instance if key not in allowed]
        out = []
        for key in extra:
            hint = _did_you_mean(key, allowed) or (f"expected one of: {', '.join(allowed)}" if allowed else None)
            out.append(doc.problem(f"{at}unknown key {key!r}", (*jpath, key), key=True, hint=hint))
        return out
    if kind == "type":
        return [doc.problem(f"{at}expected {_article(_expected_types(schema))}, got {_show(instance)}", jpath)]
    if kind == "enum":
        choices = [c for c in error.validator_value if c is not None]
        hint = _did_you_mean(instance, [str(c) for c in choices]) if isinstance(instance, str) else None
        listed = ", ".join(str(c) for c in choices)
        return [doc.problem(f"{at}{_show(instance)} is not one of {listed}", jpath, hint=hint)]
    if kind == "const":
        if jpath == ("tracklint",):
            return [doc.problem(f"unsupported plan format version {instance!r}; this tracklint reads format {error.validator_value}", jpath)]
        return [doc.problem(f"{at}expected {error.validator_value!r}, got {_show(instance)}", jpath)]
    if kind == "required":
        missing = [key for key in error.validator_value if isinstance(instance, dict) and key not in instance]
        return [doc.problem(f"{at}missing required key {key!r}", jpath, key=bool(jpath)) for key in missing]
    if kind == "uniqueItems":
        return [doc.problem(f"{at}the list has duplicate items", jpath)]
    if kind == "minItems":
        return [doc.problem(f"{at}expected at least {error.validator_value} item(s)", jpath)]
    if kind == "minLength" and "propertyNames" in error.schema_path:
        return [doc.problem(f"{at}an empty name is not allowed", jpath)]
    if kind == "minLength" and not instance:
        return [doc.problem(f"{at}expected a non-empty string", jpath)]
    if kind == "minimum":
        return [doc.problem(f"{at}expected a number >= {error.validator_value}, got {_show(instance)}", jpath)]
    return [doc.problem(f"{at}{error.message}", jpath)]


def _resolve(ref: str) -> dict[str, Any]:
    node: Any = plan_schema()
    for part in ref.lstrip("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, dict) else {}


# --------------------------------------------------------------------------------------------
# The loader


@dataclass
class _Origin:
    """Where a named definition came from (for duplicates across files)."""

    doc: YamlDocument
    jpath: tuple


@dataclass
class _Loader:
    main_path: str
    schema_checked: bool = False
    docs: list[YamlDocument] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    shared_raw: dict[str, tuple[Any, _Origin]] = field(default_factory=dict)
    total_bytes: int = 0  # of the plan files read so far
    globs: list[str] = field(default_factory=list)  # include: patterns with wildcards (absolute)

    # ---- reading ----------------------------------------------------------------------

    def _read(self, text: str | bytes, display: str) -> YamlDocument | None:
        try:
            if isinstance(text, bytes):
                text = decode(text, display)
            elif len(text) > MAX_BYTES:
                raise YamlProblems([Problem(f"the plan file is too large (the limit is {MAX_BYTES // (1024 * 1024)} MB)", display)])
            if text.startswith("\ufeff"):
                text = text[1:]
            doc = read_yaml(text, display)
        except YamlProblems as exc:
            self.problems.extend(exc.problems)
            return None
        self.problems.extend(doc.problems)
        return doc

    def run(self, text: str | bytes) -> Plan:
        self.total_bytes = len(text)
        main = self._read(text, self.main_path)
        if main is None:
            _raise(self.problems, self.main_path)
        assert main is not None
        if main.data is None:
            self.problems.append(Problem("the plan is empty; expected a mapping with at least `events:`", self.main_path, 1, 1))
            _raise(self.problems, self.main_path)
        plan_validator, fragment_validator = (_NoValidator, _NoValidator) if self.schema_checked else _validators()
        self._validate(main, plan_validator)
        self.docs.append(main)
        if self.problems:
            # Do not follow includes of a plan whose own structure is wrong.
            _raise(self.problems, self.main_path)
        main_real = Path(os.path.realpath(os.path.abspath(self.main_path)))
        root = main_real.parent
        self._follow_includes(main, main_real, root, [main_real], {main_real}, fragment_validator)
        if self.problems:
            _raise(self.problems, self.main_path)
        plan = self._build(main, root)
        if self.problems:
            _raise(self.problems, self.main_path)
        return plan

    def _validate(self, doc: YamlDocument, validator: Any) -> None:
        if not isinstance(doc.data, dict):
            self.problems.append(doc.problem(f"expected the plan to be a mapping (key: value lines), got {_show(doc.data)}", ()))
            return
        for error in validator.iter_errors(doc.data):
            self.problems.extend(_schema_problems(doc, error))

    def _follow_includes(
        self,
        doc: YamlDocument,
        real: Path,
        root: Path,
        chain: list[Path],
        seen: set[Path],
        validator: Any,
    ) -> None:
        includes = doc.data.get("include") if isinstance(doc.data, dict) else None
        if not includes:
            return
        base_display = os.path.dirname(doc.path)
        for index, entry in enumerate(includes):
            jpath = ("include", index)
            targets = self._expand(doc, jpath, entry, real.parent, root)
            for target in targets:
                target_real = Path(os.path.realpath(target))
                try:
                    target_real.relative_to(root)
                except ValueError:
                    self.problems.append(
                        doc.problem(
                            f"include {entry!r} resolves to {target_real}, outside the plan's directory {root}",
                            jpath,
                            hint="included files must live in the main plan's directory or below it (symlinks are resolved)",
                        )
                    )
                    continue
                if target_real in chain and glob.has_magic(entry):
                    continue  # `include: ["*.yaml"]` beside the plan does not mean the plan itself
                if target_real in chain:
                    cycle = " -> ".join(str(p.relative_to(root)) for p in [*chain[chain.index(target_real):], target_real])
                    self.problems.append(doc.problem(f"include cycle: {cycle}", jpath))
                    continue
                if target_real in seen:
                    continue  # included twice (diamond): read once
                if len(seen) >= MAX_INCLUDED_FILES:
                    self.problems.append(doc.problem(f"too many included files (the limit is {MAX_INCLUDED_FILES})", jpath))
                    return
                seen.add(target_real)
                display = os.path.normpath(os.path.join(base_display, os.path.relpath(target, real.parent)))
                try:
                    data = _read_bytes(Path(target), display)
                except PlanError as exc:
                    self.problems.append(doc.problem(f"cannot include {entry!r}: {exc.message}", jpath))
                    continue
                self.total_bytes += len(data)
                if self.total_bytes > MAX_TOTAL_BYTES:
                    self.problems.append(doc.problem(
                        f"the plan and its included files are larger than {MAX_TOTAL_BYTES // (1024 * 1024)} MB together", jpath))
                    return
                child = self._read(data, display)
                if child is None:
                    continue
                if child.data is None:
                    continue  # an empty fragment adds nothing
                if not isinstance(child.data, dict):
                    self.problems.append(child.problem(f"expected an included plan file to be a mapping, got {_show(child.data)}", ()))
                    continue
                before = len(self.problems)
                for error in validator.iter_errors(child.data):
                    self.problems.extend(_schema_problems(child, error))
                if len(self.problems) > before:
                    continue
                self.docs.append(child)
                self._follow_includes(child, target_real, root, [*chain, target_real], seen, validator)

    def _expand(self, doc: YamlDocument, jpath: tuple, entry: str, directory: Path, root: Path) -> list[str]:
        if not glob.has_magic(entry):
            pattern = os.path.join(str(directory), entry)
            if not os.path.isfile(pattern):
                self.problems.append(doc.problem(f"included file {entry!r} does not exist", jpath))
                return []
            return [pattern]
        if os.path.isabs(entry):
            self.problems.append(doc.problem(f"include pattern {entry!r} is absolute", jpath,
                                             hint="include patterns are relative to the file that includes them"))
            return []
        self.globs.append(os.path.join(str(directory), entry))  # the run memo notices a file that starts to match
        walk = _GlobWalk(root)
        try:
            matches = sorted({m for m in walk.match(str(directory), _glob_parts(entry)) if os.path.isfile(m)})
        except _OutsideRoot as exc:
            self.problems.append(doc.problem(f"include pattern {entry!r} reaches {exc}, outside the plan's directory {root}", jpath,
                                             hint="included files must live in the main plan's directory or below it (symlinks are resolved)"))
            return []
        except _TooManyEntries:
            self.problems.append(doc.problem(f"include pattern {entry!r} looks at more than {MAX_INCLUDE_ENTRIES} directory entries",
                                             jpath, hint="narrow the pattern to the directory that holds the plan files"))
            return []
        if not matches:
            self.problems.append(doc.problem(f"include pattern {entry!r} matches no file", jpath))
        return matches

    # ---- building ---------------------------------------------------------------------

    def _loc(self, doc: YamlDocument, jpath: tuple) -> PlanLocation | None:
        pos = doc.key_pos(jpath)
        if pos is None:
            return None
        return PlanLocation(doc.path, pos.line, pos.column, pos.end_line, pos.end_column)

    def _duplicate(self, kind: str, name: str, first: _Origin, doc: YamlDocument, jpath: tuple) -> None:
        loc = self._loc(first.doc, first.jpath)
        self.problems.append(
            doc.problem(f"{kind} {name!r} is defined twice: here and at {loc}", jpath, key=True, hint="keep one definition")
        )

    def _build(self, main: YamlDocument, root: Path) -> Plan:
        data = main.data
        plan = Plan(
            name=data.get("name"),
            version=_version_text(main, data.get("version")),
            description=data.get("description"),
            format_version=data.get("tracklint", 1),
            path=self.main_path,
            files=tuple(doc.path for doc in self.docs),
            include_globs=tuple(self.globs),
            root=str(root),
        )
        plan.conventions = self._conventions(main, data.get("conventions") or {})
        for name, raw in (data.get("sources") or {}).items():
            plan.sources[name] = Source(name, tuple(raw.get("paths") or ()), self._loc(main, ("sources", name)))
        plan.destinations = tuple(data.get("destinations") or ())

        # Shared definitions first (from every file), so that uses anywhere can merge them.
        for doc in self.docs:
            for name, raw in (doc.data.get("properties") or {}).items():
                if name in self.shared_raw:
                    self._duplicate("shared property", name, self.shared_raw[name][1], doc, ("properties", name))
                    continue
                self.shared_raw[name] = (raw, _Origin(doc, ("properties", name)))
        for name, (raw, origin) in self.shared_raw.items():
            plan.shared_properties[name] = self._property(origin.doc, origin.jpath, name, raw)

        plan.common_properties = self._property_map(main, ("common", "properties"), (data.get("common") or {}).get("properties"), plan)
        for key, kind, target in (("events", "track", plan.events), ("pages", "page", plan.pages), ("screens", "screen", plan.screens)):
            origins: dict[str, _Origin] = {}
            for doc in self.docs:
                for name, raw in (doc.data.get(key) or {}).items():
                    jpath = (key, name)
                    if name in origins:
                        self._duplicate(kind if kind != "track" else "event", name, origins[name], doc, jpath)
                        continue
                    origins[name] = _Origin(doc, jpath)
                    target[name] = self._event(doc, jpath, name, raw or {}, kind, plan)
        for key in ("identify", "group"):
            if key in data:
                raw = data.get(key) or {}
                traits = Traits(
                    traits=self._property_map(main, (key, "traits"), raw.get("traits"), plan),
                    additional_properties=raw.get("additional_properties", True),
                    location=self._loc(main, (key,)),
                )
                setattr(plan, key, traits)
        return plan

    def _conventions(self, doc: YamlDocument, raw: dict[str, Any]) -> Conventions:
        conventions = Conventions()
        for key in ("event_name", "property_name"):
            value = raw.get(key)
            if isinstance(value, str):
                setattr(conventions, key, value)
            elif isinstance(value, dict):
                setattr(conventions, f"{key}_pattern", value["pattern"])
                self._check_pattern(doc, ("conventions", key, "pattern"), value["pattern"])
        return conventions

    def _check_pattern(self, doc: YamlDocument, jpath: tuple, pattern: str) -> None:
        reason = patterns.pattern_error(pattern)
        if reason is not None:
            self.problems.append(doc.problem(f"{_where(jpath)}: {reason}", jpath))

    def _event(self, doc: YamlDocument, jpath: tuple, name: str, raw: dict[str, Any], kind: str, plan: Plan) -> Event:
        event = Event(
            name=name,
            description=raw.get("description"),
            owner=raw.get("owner"),
            sources=tuple(raw["sources"]) if "sources" in raw else None,
            destinations=tuple(raw["destinations"]) if "destinations" in raw else None,
            previous_names=tuple(raw.get("previous_names") or ()),
            deprecated=raw.get("deprecated", False),
            additional_properties=raw.get("additional_properties", False),
            kind=kind,
            location=self._loc(doc, jpath),
        )
        for field_name, declared, label in (("sources", tuple(plan.sources), "source"), ("destinations", plan.destinations, "destination")):
            for index, item in enumerate(getattr(event, field_name) or ()):
                if item not in declared:
                    listed = f"({', '.join(declared)})" if declared else "(the plan declares none)"
                    self.problems.append(
                        doc.problem(
                            f"{_where((*jpath, field_name))}: {label} {item!r} is not declared in `{field_name}:` {listed}",
                            (*jpath, field_name, index),
                            hint=_did_you_mean(item, declared) or f"declare it in the plan's top-level `{field_name}:`",
                        )
                    )
        event.properties = self._property_map(doc, (*jpath, "properties"), raw.get("properties"), plan)
        return event

    def _property_map(self, doc: YamlDocument, jpath: tuple, raw: dict[str, Any] | None, plan: Plan) -> dict[str, PropertySpec]:
        """Top-level properties of an event/page/screen/common/traits: merged with shared definitions."""
        out: dict[str, PropertySpec] = {}
        for name, spec_raw in (raw or {}).items():
            local = self._property(doc, (*jpath, name), name, spec_raw or {})
            shared = plan.shared_properties.get(name)
            if shared is None and plan.shared_properties and not any(word in (spec_raw or {}) for word in SCHEMA_WORDS):
                self._unknown_reference(doc, (*jpath, name), name, plan)
            if shared is not None:
                present = {_FIELDS[key] for key in (spec_raw or {}) if key in _FIELDS}
                overrides = {f: getattr(local, f) for f in present}
                if spec_raw and "const" in spec_raw:
                    overrides.update(const=local.const, has_const=True)
                local = dataclasses.replace(shared, **overrides, shared=name, location=local.location, name=name)
                self._check_ranges_model(doc, (*jpath, name), local, spec_raw or {})
            out[name] = local
        return out

    def _unknown_reference(self, doc: YamlDocument, jpath: tuple, name: str, plan: Plan) -> None:
        """A property that sets no JSON Schema word refers to the shared definition of its name."""
        hint = _did_you_mean(name, plan.shared_properties) or (
            "define it under the top-level `properties:`, or give it a `type` (a list of every type accepts any value)"
        )
        self.problems.append(
            doc.problem(f"{_where(jpath)}: refers to the shared property {name!r}, which `properties:` does not define",
                        jpath, key=True, hint=hint)
        )

    def _check_format(self, doc: YamlDocument, jpath: tuple, name: str) -> None:
        if name not in formats.FORMATS:
            hint = _did_you_mean(name, formats.FORMATS) or f"expected one of: {', '.join(formats.FORMATS)}"
            self.problems.append(doc.problem(f"{_where(jpath)}: unknown format {name!r}", jpath, hint=hint))
            return
        package = formats.missing_package(name)
        if package is not None:
            self.problems.append(
                doc.problem(f"{_where(jpath)}: format {name!r} cannot be checked: the package {package!r} is not installed",
                            jpath, hint="reinstall tracklint with its dependencies")
            )

    def _property(self, doc: YamlDocument, jpath: tuple, name: str, raw: dict[str, Any] | None) -> PropertySpec:
        raw = raw or {}
        spec = PropertySpec(name=name, location=self._loc(doc, jpath))
        if "type" in raw:
            value = raw["type"]
            values = value if isinstance(value, list) else [value]
            spec.type = tuple("null" if t is None else t for t in values)
        if "enum" in raw:
            spec.enum = tuple(raw["enum"])
        if "const" in raw:
            spec.const, spec.has_const = raw["const"], True
        for key in ("pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                    "minLength", "maxLength", "minItems", "maxItems", "additional_properties",
                    "required", "description", "pii", "deprecated"):
            if key in raw:
                setattr(spec, _FIELDS[key], raw[key])
        if "previous_names" in raw:
            spec.previous_names = tuple(raw["previous_names"] or ())
        if spec.pattern is not None:
            self._check_pattern(doc, (*jpath, "pattern"), spec.pattern)
        if spec.format is not None:
            self._check_format(doc, (*jpath, "format"), spec.format)
        if "items" in raw:
            spec.items = self._property(doc, (*jpath, "items"), f"{name}[]", raw["items"])
        for child, child_raw in (raw.get("properties") or {}).items():
            spec.properties[child] = self._property(doc, (*jpath, "properties", child), child, child_raw)
        self._check_ranges_raw(doc, jpath, raw)
        return spec

    def _check_ranges_raw(self, doc: YamlDocument, jpath: tuple, raw: dict[str, Any]) -> None:
        for low, high in _RANGES:
            if low in raw and high in raw and raw[low] > raw[high]:
                self.problems.append(
                    doc.problem(f"{_where(jpath)}: {low} {raw[low]} is greater than {high} {raw[high]}", (*jpath, low))
                )

    def _check_ranges_model(self, doc: YamlDocument, jpath: tuple, spec: PropertySpec, raw: dict[str, Any]) -> None:
        for raw_low, raw_high in _RANGES:
            if raw_low in raw and raw_high in raw:
                continue  # already checked on the local definition
            low, high = _FIELDS[raw_low], _FIELDS[raw_high]
            a, b = getattr(spec, low), getattr(spec, high)
            if a is not None and b is not None and a > b:
                self.problems.append(
                    doc.problem(f"{_where(jpath)}: with its shared definition, {raw_low} {a} is greater than {raw_high} {b}", jpath, key=True)
                )


class _TooManyEntries(Exception):
    """An include glob looked at more than :data:`MAX_INCLUDE_ENTRIES` directory entries."""


class _OutsideRoot(Exception):
    """An include glob's literal part leads out of the plan's directory (the path is the message)."""


def _glob_parts(pattern: str) -> list[str]:
    return [part for part in pattern.replace(os.sep, "/").split("/") if part not in ("", ".")]


@dataclass
class _GlobWalk:
    """Expands one include glob inside ``root``: ``**`` and wildcards never descend into a
    symlinked directory (no loops, no escape), literal parts must stay inside ``root`` once
    resolved, and the directory entries looked at are counted against a budget."""

    root: Path
    entries: int = 0

    def _scan(self, directory: str) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(directory) as listing:
                found = []
                for entry in listing:
                    self.entries += 1
                    if self.entries > MAX_INCLUDE_ENTRIES:
                        raise _TooManyEntries
                    found.append(entry)
                return found
        except OSError:
            return []

    def match(self, base: str, parts: list[str]) -> Iterator[str]:
        if not parts:
            yield base
            return
        head, rest = parts[0], parts[1:]
        if head == "**":
            if rest:  # ** as zero directories; a trailing ** matches the files below, not base
                yield from self.match(base, rest)
            for entry in self._scan(base):
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    yield from self.match(entry.path, parts)
                elif not rest:
                    yield entry.path  # a trailing ** matches files at any depth
            return
        if not glob.has_magic(head):
            path = os.path.join(base, head)
            real = Path(os.path.realpath(path))
            if rest and real != self.root and self.root not in real.parents:
                raise _OutsideRoot(str(real))
            if os.path.lexists(path):
                yield from self.match(path, rest)
            return
        for entry in self._scan(base):
            if entry.name.startswith(".") and not head.startswith("."):
                continue
            if fnmatch.fnmatchcase(entry.name, head) and (not rest or entry.is_dir(follow_symlinks=False)):
                yield from self.match(entry.path, rest)


def _version_text(doc: YamlDocument, value: Any) -> str | None:
    """``version: 2.10`` is a float to YAML; keep the digits as written."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    return doc.scalar_text.get(("version",), str(value))
