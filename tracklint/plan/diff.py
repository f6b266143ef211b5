"""Semantic diff of two tracking plans, with each change classified.

``diff_plans(old, new)`` compares two normalised :class:`~tracklint.plan.model.Plan` objects, so
key order, YAML style, comments and JSON Schema ``$id`` values never show up as changes. Every
:class:`Change` says what changed (``kind``), where (a JSON-pointer-like ``path`` such as
``events/Order Completed/properties/revenue``), the old and new values, its class
(``severity``), the SchemaVer level it maps to, the event, sources and destinations it touches,
and a position in the plan file.

Classification is about data, seen from both ends of the pipe:

* **breaking**: some payload that was valid before is now rejected (a narrowing, a new required
  property, a new constraint), or a consumer loses something it relied on (a removed event or
  property, a renamed event, a removed destination);
* **non-breaking**: every payload valid before stays valid and nothing is taken away (widening,
  optional additions, deprecation notices);
* **cosmetic**: nothing a producer or consumer can observe (descriptions, owners, PII labels,
  constraints already implied by other constraints).

A narrowing that cannot reject anything old is downgraded and says why in ``note``: a constraint
on strings under a property that could not hold strings before, ``maxLength`` already implied by
an anchored ``pattern``, a ``type`` already implied by an ``enum``.

``PlanDiff.version_verdict`` checks the plans' own version bump: semantic versions
(breaking => major, additive => minor, cosmetic => patch or none; for ``0.y.z`` a breaking change
needs a minor bump and an additive change a patch, as Cargo and npm read caret ranges) and
Snowplow SchemaVer ``MODEL-REVISION-ADDITION`` (breaking => MODEL, additive => ADDITION).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from tracklint.plan.model import Event, Plan, PlanLocation, PropertySpec, Traits

# --------------------------------------------------------------------------- classes

BREAKING = "breaking"
NON_BREAKING = "non-breaking"
COSMETIC = "cosmetic"

#: severity -> rank (higher is more serious)
SEVERITY_RANK = {COSMETIC: 0, NON_BREAKING: 1, BREAKING: 2}

MODEL = "MODEL"
REVISION = "REVISION"
ADDITION = "ADDITION"

#: Every change kind, with a short description (also the documentation of the JSON output).
KINDS: dict[str, str] = {
    "event_added": "a new event, page or screen",
    "event_removed": "an event, page or screen was removed",
    "event_renamed": "an event was renamed (the new event lists the old name in previous_names)",
    "property_added": "a property or trait was added (breaking when required)",
    "property_removed": "a property or trait was removed",
    "type_narrowed": "the property accepts fewer JSON types",
    "type_widened": "the property accepts more JSON types",
    "type_changed": "the property accepts different JSON types (some removed, some added)",
    "enum_narrowed": "fewer allowed values (enum/const introduced or values removed)",
    "enum_widened": "more allowed values (enum/const dropped or values added)",
    "enum_changed": "allowed values both removed and added",
    "pattern_narrowed": "a pattern was introduced",
    "pattern_widened": "a pattern was dropped",
    "pattern_changed": "the pattern changed",
    "format_narrowed": "a format was introduced",
    "format_widened": "a format was dropped",
    "format_changed": "the format changed",
    "range_narrowed": "a numeric bound (minimum/maximum/exclusive*) is tighter",
    "range_widened": "a numeric bound is looser",
    "length_narrowed": "a length bound (minLength/maxLength/minItems/maxItems) is tighter",
    "length_widened": "a length bound is looser",
    "required_added": "an existing property became required",
    "required_removed": "a required property became optional",
    "additional_properties_tightened": "unplanned properties are no longer allowed",
    "additional_properties_relaxed": "unplanned properties are now allowed",
    "deprecated": "the event or property was deprecated",
    "undeprecated": "the deprecation was withdrawn",
    "deprecation_changed": "the deprecation message changed",
    "sources_added": "more sources may send the event (or the plan declares a new source)",
    "sources_removed": "fewer sources may send the event (or the plan dropped a source)",
    "destinations_added": "the event is routed to more destinations",
    "destinations_removed": "the event is routed to fewer destinations",
    "description_changed": "a description changed",
    "owner_changed": "the owner changed",
    "pii_changed": "the PII label changed",
    "previous_names_changed": "the list of previous names changed (without a rename)",
    "name_changed": "the plan's name changed",
    "conventions_changed": "the naming conventions changed (checked in code, not in data)",
    "source_paths_changed": "the paths of a source's code changed",
}

_MAX_DEPTH = 64  # nested objects/arrays deeper than this are not compared (plans never get close)

# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Change:
    """One classified difference between two plans."""

    kind: str
    path: str
    severity: str
    message: str
    old: Any = None
    new: Any = None
    event: str | None = None
    #: what the path belongs to: plan | track | page | screen | common | identify | group
    scope: str = "track"
    sources: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    schemaver: str | None = None
    #: where the changed element is defined: in the new plan, or the old one for removals
    location: PlanLocation | None = None
    side: str = "new"
    #: the nearest position in the NEW plan (the element, or its closest surviving parent)
    anchor: PlanLocation | None = None
    #: why the class is not the obvious one (e.g. a narrowing that cannot reject old data)
    note: str | None = None

    @property
    def rank(self) -> int:
        return SEVERITY_RANK[self.severity]


@dataclass(frozen=True)
class VersionVerdict:
    """Whether the plan's own version bump is large enough for the changes."""

    scheme: str  # semver | schemaver
    old: str
    new: str
    required: str  # semver: major|minor|patch|none; schemaver: MODEL|REVISION|ADDITION|none
    actual: str  # the bump that was made (same words), or "downgrade"
    ok: bool
    minimal: str  # the smallest new version that would be correct
    message: str
    #: for SchemaVer: the level Snowplow's own definitions suggest (REVISION when an optional
    #: property was added where additional properties were allowed); advisory only
    suggested: str | None = None


@dataclass(frozen=True)
class CallSite:
    """A call in the code that a change affects (``tracklint diff --check-code``)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    method: str
    event: str | None
    #: why this call is affected, e.g. "sends `coupon`" or "does not send `order_id`"
    reason: str


@dataclass
class PlanDiff:
    """All changes between two plans, in plan order, and the version verdict."""

    changes: list[Change] = field(default_factory=list)
    old_path: str | None = None
    new_path: str | None = None
    old_version: str | None = None
    new_version: str | None = None
    version_verdict: VersionVerdict | None = None
    #: with ``--check-code``: change index -> the call sites it affects (None: not checked)
    impact: dict[int, list[CallSite]] | None = None

    def __bool__(self) -> bool:
        return bool(self.changes)

    def __len__(self) -> int:
        return len(self.changes)

    def __iter__(self):
        return iter(self.changes)

    @property
    def breaking(self) -> list[Change]:
        return [c for c in self.changes if c.severity == BREAKING]

    @property
    def non_breaking(self) -> list[Change]:
        return [c for c in self.changes if c.severity == NON_BREAKING]

    def counts(self) -> dict[str, int]:
        out = {BREAKING: 0, NON_BREAKING: 0, COSMETIC: 0}
        for change in self.changes:
            out[change.severity] += 1
        return out

    @property
    def verdict(self) -> str:
        """``breaking``, ``non-breaking``, ``cosmetic`` or ``none`` (no change at all)."""
        if not self.changes:
            return "none"
        return max(self.changes, key=lambda c: c.rank).severity

    @property
    def version_ok(self) -> bool:
        return self.version_verdict is None or self.version_verdict.ok


# --------------------------------------------------------------------------- paths


def escape_segment(name: str) -> str:
    """Escape one path segment as JSON Pointer does (``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return name.replace("~", "~0").replace("/", "~1")


# --------------------------------------------------------------------------- value helpers

_ALL_ATOMS = frozenset({"null", "boolean", "string", "integer", "fraction", "array", "object"})


def _atoms(types: Iterable[str]) -> frozenset[str]:
    """The JSON value classes a ``type`` list accepts (``number`` = integer + fraction)."""
    types = tuple(types)
    if not types:
        return _ALL_ATOMS
    out: set[str] = set()
    for name in types:
        if name == "number":
            out |= {"integer", "fraction"}
        else:
            out.add(name)
    return frozenset(out)


def _value_atom(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "fraction"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (list, tuple)):
        return "array"
    return "object"


def _value_key(value: Any) -> Any:
    """A hashable identity with JSON equality: ``1 == 1.0`` but ``True != 1``."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ("nan",)
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("z",)
    if isinstance(value, (list, tuple)):
        return ("a", tuple(_value_key(v) for v in value))
    if isinstance(value, dict):
        return ("o", tuple(sorted((str(k), _value_key(v)) for k, v in value.items())))
    return ("x", repr(value))


def _allowed_values(spec: PropertySpec) -> dict[Any, Any] | None:
    """The finite set of allowed values (enum and/or const, filtered by type), or None (any)."""
    values: dict[Any, Any] | None = None
    if spec.enum is not None:
        values = {_value_key(v): v for v in spec.enum}
    if spec.has_const:
        key = _value_key(spec.const)
        if values is None or key in values:
            values = {key: spec.const}
        else:
            values = {}
    if values is None:
        return None
    atoms = _atoms(spec.type)
    return {k: v for k, v in values.items() if _value_atom(v) in atoms}


def _same(a: Any, b: Any) -> bool:
    return _value_key(a) == _value_key(b)


def _fmt(value: Any) -> str:
    """A value as JSON would write it (lists as comma-separated values)."""
    if value is None:
        return "none"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value) if value else "nothing"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(value)


def _type_text(types: tuple[str, ...]) -> str:
    return "any" if not types else "|".join(types)


def _regex_width(pattern: str) -> tuple[int, int | None] | None:
    """Length bounds of every string an anchored ``pattern`` can match, or None when unknown
    (unanchored, unparsable, or not understood)."""
    try:
        import re._parser as sre  # Python 3.11+; the public alias sre_parse warns
    except ImportError:  # pragma: no cover
        return None
    try:
        parsed = sre.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    starts = (sre.AT_BEGINNING, sre.AT_BEGINNING_STRING)
    ends = (sre.AT_END, sre.AT_END_STRING)

    def anchored(seq: Any, first: bool, depth: int = 0) -> bool:
        items = list(seq)
        if not items or depth > 20:
            return False
        op, arg = items[0] if first else items[-1]
        if op == sre.AT:
            return arg in (starts if first else ends)
        if op == sre.BRANCH:
            return all(anchored(alt, first, depth + 1) for alt in arg[1])
        if op == sre.SUBPATTERN:
            return anchored(arg[-1], first, depth + 1)
        return False

    if not (anchored(parsed, True) and anchored(parsed, False)):
        return None
    low, high = parsed.getwidth()
    return low, (None if high >= sre.MAXREPEAT else high)


_FORMAT_WIDTH = {"uuid": (36, 36), "date": (10, 10)}


def _string_length_bounds(spec: PropertySpec) -> tuple[int, int | None]:
    """What the spec's other words already imply about string length (min, max or None)."""
    low = spec.min_length or 0
    high = spec.max_length
    bounds: list[tuple[int, int | None]] = []
    if spec.pattern:
        width = _regex_width(spec.pattern)
        if width:
            bounds.append(width)
    if spec.format in _FORMAT_WIDTH:
        bounds.append(_FORMAT_WIDTH[spec.format])
    allowed = _allowed_values(spec)
    if allowed is not None:
        strings = [v for v in allowed.values() if isinstance(v, str)]
        if len(strings) == len(allowed):
            lengths = [len(s) for s in strings] or [0]
            bounds.append((min(lengths), max(lengths)))
    for b_low, b_high in bounds:
        low = max(low, b_low)
        if b_high is not None:
            high = b_high if high is None else min(high, b_high)
    return low, high


def _numeric_bounds_from_values(spec: PropertySpec) -> tuple[float, float] | None:
    allowed = _allowed_values(spec)
    if allowed is None:
        return None
    numbers = [v for v in allowed.values() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) != len(allowed) or not numbers:
        return None
    return min(numbers), max(numbers)


# --------------------------------------------------------------------------- context


@dataclass(frozen=True)
class _Ctx:
    """What every change under one event (or traits block) shares."""

    scope: str
    event: str | None
    sources: tuple[str, ...]
    destinations: tuple[str, ...]


@dataclass(frozen=True)
class _Job:
    """One pair of property specs to compare (the explicit stack replaces recursion)."""

    ctx: _Ctx
    path: str
    label: str
    old: PropertySpec
    new: PropertySpec
    #: could the old data hold a value here at all? (False under a type that was impossible)
    live: bool
    anchor: PlanLocation | None
    depth: int
    is_items: bool = False


_ANY = PropertySpec(name="")


class _Differ:
    def __init__(self, old: Plan, new: Plan) -> None:
        self.old = old
        self.new = new
        self.changes: list[Change] = []
        self.all_sources = tuple(dict.fromkeys([*old.sources, *new.sources]))
        self.all_destinations = tuple(dict.fromkeys([*old.destinations, *new.destinations]))

    # ---- emit

    def add(
        self,
        ctx: _Ctx,
        kind: str,
        path: str,
        severity: str,
        message: str,
        *,
        old: Any = None,
        new: Any = None,
        location: PlanLocation | None = None,
        side: str = "new",
        anchor: PlanLocation | None = None,
        schemaver: str | None = "",
        note: str | None = None,
    ) -> None:
        if schemaver == "":
            schemaver = {BREAKING: MODEL, NON_BREAKING: ADDITION}.get(severity)
        self.changes.append(
            Change(
                kind=kind,
                path=path,
                severity=severity,
                message=message,
                old=old,
                new=new,
                event=ctx.event,
                scope=ctx.scope,
                sources=ctx.sources,
                destinations=ctx.destinations,
                schemaver=schemaver,
                location=location,
                side=side,
                anchor=anchor if anchor is not None else (location if side == "new" else None),
                note=note,
            )
        )

    # ---- plan level

    def run(self) -> list[Change]:
        self._plan_level()
        self._events("events", "track", self.old.events, self.new.events)
        common = _Ctx("common", None, self.all_sources, self.all_destinations)
        self._property_map(
            common,
            "common/properties",
            "common properties",
            self.old.common_properties,
            self.new.common_properties,
            old_open=True,
            live=True,
            anchor=None,
            depth=0,
        )
        self._traits("identify", self.old.identify, self.new.identify)
        self._traits("group", self.old.group, self.new.group)
        self._events("pages", "page", self.old.pages, self.new.pages)
        self._events("screens", "screen", self.old.screens, self.new.screens)
        return self.changes

    def _plan_level(self) -> None:
        old, new = self.old, self.new
        plan_ctx = _Ctx("plan", None, self.all_sources, self.all_destinations)
        if (old.name or None) != (new.name or None):
            self.add(plan_ctx, "name_changed", "name", COSMETIC, "The plan's name changed.", old=old.name, new=new.name)
        if old.conventions != new.conventions:
            self.add(
                plan_ctx,
                "conventions_changed",
                "conventions",
                COSMETIC,
                "The naming conventions changed; `tracklint check` applies them to code, payloads are unaffected.",
                old=_conventions_dict(old.conventions),
                new=_conventions_dict(new.conventions),
            )
        for name, source in old.sources.items():
            if name not in new.sources:
                ctx = _Ctx("plan", None, (name,), self.all_destinations)
                self.add(
                    ctx,
                    "sources_removed",
                    f"sources/{escape_segment(name)}",
                    BREAKING,
                    f"Source `{name}` was removed from the plan; events it sent are no longer planned from it.",
                    old=name,
                    location=source.location,
                    side="old",
                )
        for name, source in new.sources.items():
            old_source = old.sources.get(name)
            ctx = _Ctx("plan", None, (name,), self.all_destinations)
            if old_source is None:
                self.add(
                    ctx,
                    "sources_added",
                    f"sources/{escape_segment(name)}",
                    NON_BREAKING,
                    f"Source `{name}` was added to the plan.",
                    new=name,
                    location=source.location,
                )
            elif sorted(old_source.paths) != sorted(source.paths):
                self.add(
                    ctx,
                    "source_paths_changed",
                    f"sources/{escape_segment(name)}/paths",
                    COSMETIC,
                    f"The code paths of source `{name}` changed.",
                    old=list(old_source.paths),
                    new=list(source.paths),
                    location=source.location,
                )
        removed = [d for d in old.destinations if d not in new.destinations]
        added = [d for d in new.destinations if d not in old.destinations]
        for name in removed:
            self.add(
                _Ctx("plan", None, self.all_sources, (name,)),
                "destinations_removed",
                f"destinations/{escape_segment(name)}",
                BREAKING,
                f"Destination `{name}` was removed from the plan; it no longer receives any event.",
                old=name,
            )
        for name in added:
            self.add(
                _Ctx("plan", None, self.all_sources, (name,)),
                "destinations_added",
                f"destinations/{escape_segment(name)}",
                NON_BREAKING,
                f"Destination `{name}` was added to the plan.",
                new=name,
            )

    # ---- events

    def _effective(self, plan: Plan, event: Event, attr: str) -> tuple[str, ...] | None:
        """The event's sources/destinations, defaulting to all the plan declares (None: all,
        and the plan declares none)."""
        value = getattr(event, attr)
        if value is not None:
            return tuple(value)
        declared = tuple(plan.sources) if attr == "sources" else tuple(plan.destinations)
        return declared or None

    def _ctx(self, scope: str, name: str, old: Event | None, new: Event | None) -> _Ctx:
        sources: dict[str, None] = {}
        destinations: dict[str, None] = {}
        for plan, event in ((self.old, old), (self.new, new)):
            if event is None:
                continue
            src = self._effective(plan, event, "sources")
            dst = self._effective(plan, event, "destinations")
            sources.update(dict.fromkeys(src if src is not None else self.all_sources))
            destinations.update(dict.fromkeys(dst if dst is not None else self.all_destinations))
        return _Ctx(scope, name, tuple(sources), tuple(destinations))

    def _events(self, section: str, scope: str, old: dict[str, Event], new: dict[str, Event]) -> None:
        noun = {"track": "Event", "page": "Page", "screen": "Screen"}[scope]
        renamed_from: dict[str, str] = {}  # old name -> new name
        for name, event in new.items():
            for previous in event.previous_names:
                if previous in old and previous not in new and previous not in renamed_from:
                    renamed_from[previous] = name
        for name, event in old.items():
            if name in new or name in renamed_from:
                continue
            ctx = self._ctx(scope, name, event, None)
            self.add(
                ctx,
                "event_removed",
                f"{section}/{escape_segment(name)}",
                BREAKING,
                f"{noun} `{name}` was removed; producers sending it are now off-plan and consumers lose it.",
                old=name,
                location=event.location,
                side="old",
            )
        for name, event in new.items():
            path = f"{section}/{escape_segment(name)}"
            previous = next((p for p, n in renamed_from.items() if n == name), None)
            if name in old:
                self._event_pair(section, scope, name, old[name], event)
            elif previous is not None:
                ctx = self._ctx(scope, name, old[previous], event)
                self.add(
                    ctx,
                    "event_renamed",
                    path,
                    BREAKING,
                    f"{noun} `{previous}` was renamed to `{name}`; code sending the old name and "
                    f"consumers reading it must change.",
                    old=previous,
                    new=name,
                    location=event.location,
                )
                self._event_pair(section, scope, name, old[previous], event, renamed=True)
            else:
                ctx = self._ctx(scope, name, None, event)
                self.add(
                    ctx,
                    "event_added",
                    path,
                    NON_BREAKING,
                    f"{noun} `{name}` was added.",
                    new=name,
                    location=event.location,
                )
        # Extra old names merged into an event that already existed (renamed_from only holds
        # names whose target did not exist before; the rest were reported above as removals
        # unless listed here).
        for previous, name in renamed_from.items():
            if name in old:
                ctx = self._ctx(scope, name, old[previous], new[name])
                self.add(
                    ctx,
                    "event_renamed",
                    f"{section}/{escape_segment(name)}",
                    BREAKING,
                    f"{noun} `{previous}` was merged into `{name}`; code sending the old name must change.",
                    old=previous,
                    new=name,
                    location=new[name].location,
                )

    def _event_pair(
        self, section: str, scope: str, name: str, old: Event, new: Event, *, renamed: bool = False
    ) -> None:
        ctx = self._ctx(scope, name, old, new)
        path = f"{section}/{escape_segment(name)}"
        loc = new.location
        label = f"`{name}`"
        if (old.description or None) != (new.description or None):
            self.add(ctx, "description_changed", f"{path}/description", COSMETIC,
                     f"The description of {label} changed.", old=old.description, new=new.description, location=loc)
        if (old.owner or None) != (new.owner or None):
            self.add(ctx, "owner_changed", f"{path}/owner", COSMETIC,
                     f"The owner of {label} changed from {_fmt(old.owner)} to {_fmt(new.owner)}.",
                     old=old.owner, new=new.owner, location=loc)
        old_prev = set(old.previous_names) | ({old.name} if renamed else set())
        new_prev = set(new.previous_names)
        if not renamed and old_prev != new_prev:
            self.add(ctx, "previous_names_changed", f"{path}/previous_names", COSMETIC,
                     f"The previous names of {label} changed.",
                     old=sorted(old.previous_names), new=sorted(new.previous_names), location=loc)
        self._deprecation(ctx, f"{path}/deprecated", label, old.deprecated, new.deprecated, loc)
        self._routing(ctx, path, label, old, new, "sources", loc)
        self._routing(ctx, path, label, old, new, "destinations", loc)
        if old.additional_properties and not new.additional_properties:
            self.add(ctx, "additional_properties_tightened", f"{path}/additional_properties", BREAKING,
                     f"{label} no longer accepts unplanned properties.", old=True, new=False, location=loc)
        elif not old.additional_properties and new.additional_properties:
            self.add(ctx, "additional_properties_relaxed", f"{path}/additional_properties", NON_BREAKING,
                     f"{label} now accepts unplanned properties.", old=False, new=True, location=loc)
        self._property_map(
            ctx,
            f"{path}/properties",
            label,
            old.properties,
            new.properties,
            old_open=old.additional_properties,
            live=True,
            anchor=loc,
            depth=0,
        )

    def _routing(self, ctx: _Ctx, path: str, label: str, old: Event, new: Event, attr: str, loc) -> None:
        if getattr(old, attr) is None and getattr(new, attr) is None:
            return  # both default to "every": plan-level changes already say what moved
        old_eff = self._effective(self.old, old, attr)
        new_eff = self._effective(self.new, new, attr)
        universe = self.all_sources if attr == "sources" else self.all_destinations
        old_set = set(old_eff) if old_eff is not None else None
        new_set = set(new_eff) if new_eff is not None else None
        if old_set == new_set:
            return
        if old_set is None:  # every (undeclared) -> a list
            removed, added = ["*"], []
        elif new_set is None:
            removed, added = [], ["*"]
        else:
            removed = [x for x in (old_eff or ()) if x not in new_set]
            added = [x for x in (new_eff or ()) if x not in old_set]
        for items, kind_suffix, severity in ((removed, "removed", BREAKING), (added, "added", NON_BREAKING)):
            if not items:
                continue
            touched = tuple(x for x in items if x != "*") or universe
            sub = _Ctx(
                ctx.scope,
                ctx.event,
                touched if attr == "sources" else ctx.sources,
                touched if attr == "destinations" else ctx.destinations,
            )
            names = ", ".join(f"`{x}`" for x in items)
            message = {
                ("sources", "removed"): f"{label} may no longer be sent from {names}.",
                ("sources", "added"): f"{label} may now be sent from {names}.",
                ("destinations", "removed"): f"{label} is no longer routed to {names}.",
                ("destinations", "added"): f"{label} is now routed to {names}.",
            }[(attr, kind_suffix)]
            self.add(sub, f"{attr}_{kind_suffix}", f"{path}/{attr}", severity, message,
                     old=sorted(old_set) if old_set is not None else None,
                     new=sorted(new_set) if new_set is not None else None, location=loc)

    def _deprecation(self, ctx: _Ctx, path: str, label: str, old: bool | str, new: bool | str, loc) -> None:
        if bool(old) == bool(new):
            if old != new and bool(new):
                self.add(ctx, "deprecation_changed", path, COSMETIC,
                         f"The deprecation note of {label} changed.", old=old, new=new, location=loc)
            return
        if new:
            hint = f": {new}" if isinstance(new, str) else ""
            self.add(ctx, "deprecated", path, NON_BREAKING, f"{label} was deprecated{hint}.",
                     old=old, new=new, location=loc)
        else:
            self.add(ctx, "undeprecated", path, NON_BREAKING, f"{label} is no longer deprecated.",
                     old=old, new=new, location=loc)

    # ---- traits

    def _traits(self, section: str, old: Traits | None, new: Traits | None) -> None:
        if old is None and new is None:
            return
        old_t = old if old is not None else Traits()
        new_t = new if new is not None else Traits()
        ctx = _Ctx(section, None, self.all_sources, self.all_destinations)
        loc = new_t.location
        if old_t.additional_properties and not new_t.additional_properties:
            self.add(ctx, "additional_properties_tightened", f"{section}/additional_properties", BREAKING,
                     f"`{section}` no longer accepts unplanned traits.", old=True, new=False, location=loc)
        elif not old_t.additional_properties and new_t.additional_properties:
            self.add(ctx, "additional_properties_relaxed", f"{section}/additional_properties", NON_BREAKING,
                     f"`{section}` now accepts unplanned traits.", old=False, new=True, location=loc)
        self._property_map(
            ctx,
            f"{section}/traits",
            f"`{section}`",
            old_t.traits,
            new_t.traits,
            old_open=old_t.additional_properties,
            live=True,
            anchor=loc,
            depth=0,
            noun="trait",
        )

    # ---- properties

    def _property_map(
        self,
        ctx: _Ctx,
        base: str,
        owner: str,
        old: dict[str, PropertySpec],
        new: dict[str, PropertySpec],
        *,
        old_open: bool,
        live: bool,
        anchor: PlanLocation | None,
        depth: int,
        noun: str = "property",
    ) -> None:
        """Compare two property maps; nested maps are pushed on a stack, never recursed into."""
        stack: list[_Job] = []
        self._map_level(stack, ctx, base, owner, old, new, old_open, live, anchor, depth, noun)
        while stack:
            job = stack.pop()
            self._spec_pair(stack, job, noun)

    def _map_level(
        self,
        stack: list[_Job],
        ctx: _Ctx,
        base: str,
        owner: str,
        old: dict[str, PropertySpec],
        new: dict[str, PropertySpec],
        old_open: bool,
        live: bool,
        anchor: PlanLocation | None,
        depth: int,
        noun: str,
    ) -> None:
        not_live = (
            None
            if live
            else "the old plan did not allow an object here, so no old payload had this field"
        )
        for name, spec in old.items():
            if name in new:
                continue
            path = f"{base}/{escape_segment(name)}"
            self.add(
                ctx,
                "property_removed",
                path,
                BREAKING if live else NON_BREAKING,
                f"{noun.capitalize()} `{name}` was removed from {owner}; consumers lose it"
                + ("." if old_open else " and payloads that still send it are rejected."),
                old=_spec_summary(spec),
                location=spec.location,
                side="old",
                anchor=anchor,
                note=not_live,
            )
        jobs: list[_Job] = []
        for name, spec in new.items():
            path = f"{base}/{escape_segment(name)}"
            old_spec = old.get(name)
            if old_spec is None:
                if spec.required and live:
                    self.add(ctx, "property_added", path, BREAKING,
                             f"Required {noun} `{name}` was added to {owner}; payloads without it are rejected.",
                             new=_spec_summary(spec), location=spec.location, anchor=spec.location or anchor)
                else:
                    note = not_live if spec.required else None
                    schemaver = ADDITION
                    if old_open and live:
                        # Snowplow calls this a REVISION: an old payload may have carried the
                        # name as an unplanned property with a value the new spec rejects.
                        schemaver = REVISION
                        note = note or (
                            f"{owner} already allowed unplanned properties, so an old payload may have "
                            f"sent `{name}` with another shape (SchemaVer REVISION)"
                        )
                    self.add(ctx, "property_added", path, NON_BREAKING,
                             f"Optional {noun} `{name}` was added to {owner}.",
                             new=_spec_summary(spec), location=spec.location, anchor=spec.location or anchor,
                             schemaver=schemaver, note=note)
                continue
            jobs.append(
                _Job(ctx, path, f"`{name}`", old_spec, spec, live, spec.location or anchor, depth + 1)
            )
        # reversed so that popping from the stack visits properties in plan order
        stack.extend(reversed(jobs))

    def _spec_pair(self, stack: list[_Job], job: _Job, noun: str) -> None:
        """Compare one pair of property specs; nested pairs are pushed on ``stack``."""
        pair = _Pair.of(self, job)
        if not job.is_items:
            pair.cosmetic_words()
        pair.type_change()
        if pair.old_allowed is not None or pair.new_allowed is not None:
            pair.allowed_values()
        pair.string_words()
        pair.numeric_range()
        pair.lengths()
        if job.depth >= _MAX_DEPTH:
            return
        pair.nested_object(stack, noun)
        pair.alternatives(stack)
        pair.array_items(stack)


@dataclass(frozen=True)
class _Pair:
    """One pair of property specs under comparison, and the two ways it reports a change:
    :meth:`emit` (a narrowing, downgraded when no old payload can be affected) and
    :meth:`record` (reported as classified)."""

    differ: _Differ
    job: _Job
    old_atoms: frozenset[str]
    new_atoms: frozenset[str]
    #: the values an enum/const allows (None: not limited)
    old_allowed: dict[Any, Any] | None
    new_allowed: dict[Any, Any] | None

    @classmethod
    def of(cls, differ: _Differ, job: _Job) -> _Pair:
        return cls(differ, job, _atoms(job.old.type), _atoms(job.new.type),
                   _allowed_values(job.old), _allowed_values(job.new))

    @property
    def old(self) -> PropertySpec:
        return self.job.old

    @property
    def new(self) -> PropertySpec:
        return self.job.new

    @property
    def label(self) -> str:
        return self.job.label

    @property
    def location(self) -> PlanLocation | None:
        """Where the change is shown: the new spec, else the nearest enclosing position."""
        return self.new.location or self.job.anchor

    def record(self, kind: str, sub: str, severity: str, message: str, old_v: Any, new_v: Any,
               note: str | None = None) -> None:
        path = self.job.path
        self.differ.add(self.job.ctx, kind, f"{path}/{sub}" if sub else path, severity, message,
                        old=old_v, new=new_v, location=self.location, anchor=self.job.anchor, note=note)

    def emit(self, kind: str, sub: str, severity: str, message: str, *, domain: str | None = None,
             implied: str | None = None, old_v: Any = None, new_v: Any = None) -> None:
        note = None
        if severity == BREAKING:
            if not self.job.live:
                severity, note = NON_BREAKING, "the old plan did not allow a value here, so no old payload is affected"
            elif domain is not None and not (self.old_atoms & _DOMAINS[domain]):
                severity = NON_BREAKING
                note = f"the old type ({_type_text(self.old.type)}) allowed no {domain} values, so no old payload is affected"
            elif implied:
                severity, note = COSMETIC, f"no effect: {implied}"
        self.record(kind, sub, severity, message, old_v, new_v, note)

    def cosmetic_words(self) -> None:
        """Description, PII label, deprecation and ``required``."""
        old, new, label = self.old, self.new, self.label
        if (old.description or None) != (new.description or None):
            self.record("description_changed", "description", COSMETIC,
                        f"The description of {label} changed.", old.description, new.description)
        if bool(old.pii) != bool(new.pii):
            self.record("pii_changed", "pii", COSMETIC,
                        f"{label} is {'now' if new.pii else 'no longer'} labelled as PII.", old.pii, new.pii)
        self.differ._deprecation(self.job.ctx, f"{self.job.path}/deprecated", label, old.deprecated,
                                 new.deprecated, self.location)
        if not old.required and new.required:
            self.emit("required_added", "required", BREAKING,
                      f"{label} is now required; payloads without it are rejected.", old_v=False, new_v=True)
        elif old.required and not new.required:
            self.record("required_removed", "required", NON_BREAKING,
                        f"{label} is no longer required; consumers may now receive payloads without it.",
                        True, False)

    def type_change(self) -> None:
        """The JSON types allowed (a narrowing an enum/const already implied has no effect)."""
        old, new, label = self.old, self.new, self.label
        if self.old_atoms == self.new_atoms:
            return
        lost = self.old_atoms - self.new_atoms
        gained = self.new_atoms - self.old_atoms
        text = f"from {_type_text(old.type)} to {_type_text(new.type)}"
        implied = None
        if lost and self.old_allowed is not None:
            rejected = [v for v in self.old_allowed.values() if _value_atom(v) not in self.new_atoms]
            if not rejected:
                implied = "every value the old enum/const allowed has one of the new types"
        if lost and gained:
            self.emit("type_changed", "type", BREAKING, f"The type of {label} changed {text}.",
                      implied=implied, old_v=list(old.type), new_v=list(new.type))
        elif lost:
            self.emit("type_narrowed", "type", BREAKING, f"The type of {label} was narrowed {text}.",
                      implied=implied, old_v=list(old.type), new_v=list(new.type))
        else:
            severity = NON_BREAKING
            note = None
            if (self.new_allowed is not None and self.old_allowed is not None
                    and set(self.new_allowed) <= set(self.old_allowed)):
                severity, note = COSMETIC, "no effect: the enum/const still limits the values"
            self.record("type_widened", "type", severity, f"The type of {label} was widened {text}.",
                        list(old.type), list(new.type), note)

    def allowed_values(self) -> None:
        """``enum``/``const``: values removed or added (at least one side is limited)."""
        label, old_allowed, new_allowed = self.label, self.old_allowed, self.new_allowed
        old_v = _values_repr(self.old)
        new_v = _values_repr(self.new)
        if old_allowed is None and new_allowed is not None:
            self.emit("enum_narrowed", "enum", BREAKING,
                      f"{label} is now limited to {_fmt(list(new_allowed.values()))}.", old_v=old_v, new_v=new_v)
            return
        if new_allowed is None and old_allowed is not None:
            self.emit("enum_widened", "enum", NON_BREAKING, f"{label} is no longer limited to a list of values.",
                      old_v=old_v, new_v=new_v)
            return
        assert old_allowed is not None and new_allowed is not None
        # values the new type rejects are reported by the type change; compare what stays
        lost = [v for k, v in old_allowed.items() if k not in new_allowed and _value_atom(v) in self.new_atoms]
        gained = [v for k, v in new_allowed.items() if k not in old_allowed]
        if lost and gained:
            self.emit("enum_changed", "enum", BREAKING,
                      f"The allowed values of {label} changed: {_fmt(lost)} removed, {_fmt(gained)} added.",
                      old_v=old_v, new_v=new_v)
        elif lost:
            self.emit("enum_narrowed", "enum", BREAKING, f"{_fmt(lost)} removed from the allowed values of {label}.",
                      old_v=old_v, new_v=new_v)
        elif gained:
            self.emit("enum_widened", "enum", NON_BREAKING, f"{_fmt(gained)} added to the allowed values of {label}.",
                      old_v=old_v, new_v=new_v)

    def string_words(self) -> None:
        """``pattern`` and ``format``."""
        label = self.label
        for word in ("pattern", "format"):
            a, b = getattr(self.old, word), getattr(self.new, word)
            if (a or None) == (b or None):
                continue
            if a is None:
                implied = None
                if word == "pattern" and self.old_allowed is not None and _all_match(b, self.old_allowed):
                    implied = "every value the old enum/const allowed matches it"
                self.emit(f"{word}_narrowed", word, BREAKING, f"{label} now must match {word} {_fmt(b)}.",
                          domain="string", implied=implied, old_v=a, new_v=b)
            elif b is None:
                self.record(f"{word}_widened", word, NON_BREAKING,
                            f"{label} no longer has to match {word} {_fmt(a)}.", a, b)
            else:
                self.emit(f"{word}_changed", word, BREAKING,
                          f"The {word} of {label} changed from {_fmt(a)} to {_fmt(b)}.",
                          domain="string", old_v=a, new_v=b)

    def numeric_range(self) -> None:
        """The numeric bounds (one effective bound per side)."""
        old, new, label = self.old, self.new, self.label
        for side in ("lower", "upper"):
            a = _bound(old, side)
            b = _bound(new, side)
            if a == b:
                continue
            word = "minimum" if side == "lower" else "maximum"
            text = f"from {_bound_text(a, side)} to {_bound_text(b, side)}"
            old_v, new_v = _bound_words(old, side), _bound_words(new, side)
            if _tighter(b, a, side):
                implied = None
                vb = _numeric_bounds_from_values(old)
                if vb is not None and b is not None and _within_all(vb, b, side):
                    implied = "every value the old enum/const allowed is within it"
                self.emit("range_narrowed", word, BREAKING, f"The {word} of {label} tightened {text}.",
                          domain="number", implied=implied, old_v=old_v, new_v=new_v)
            else:
                self.record("range_widened", word, NON_BREAKING, f"The {word} of {label} loosened {text}.",
                            old_v, new_v)

    def lengths(self) -> None:
        """``minLength``/``maxLength`` of strings and ``minItems``/``maxItems`` of arrays."""
        for lo_attr, hi_attr, lo_word, hi_word, domain in (
            ("min_length", "max_length", "minLength", "maxLength", "string"),
            ("min_items", "max_items", "minItems", "maxItems", "array"),
        ):
            for attr, word, is_min in ((lo_attr, lo_word, True), (hi_attr, hi_word, False)):
                self._length(attr, word, is_min, domain)

    def _length(self, attr: str, word: str, is_min: bool, domain: str) -> None:
        old, label = self.old, self.label
        a, b = getattr(old, attr), getattr(self.new, attr)
        if is_min:
            a, b = a or None, b or None  # minLength 0 is no bound
        if a == b:
            return
        if is_min:
            tighter = b is not None and (a is None or b > a)
        else:
            tighter = b is not None and (a is None or b < a)
        if not tighter:
            self.record("length_widened", word, NON_BREAKING,
                        f"The {word} of {label} loosened from {_fmt(a)} to {_fmt(b)}.", a, b)
            return
        implied = None
        if domain == "string":
            low, high = _string_length_bounds(old)
            if (is_min and low >= b) or (not is_min and high is not None and high <= b):
                implied = f"the old {_implied_source(old)} already kept lengths within {b}"
        self.emit("length_narrowed", word, BREAKING, f"The {word} of {label} tightened from {_fmt(a)} to {_fmt(b)}.",
                  domain=domain, implied=implied, old_v=a, new_v=b)

    def nested_object(self, stack: list[_Job], noun: str) -> None:
        """``additional_properties`` and the nested properties (pushed on ``stack``)."""
        old, new, label, job = self.old, self.new, self.label, self.job
        if not (old.properties or new.properties or old.additional_properties != new.additional_properties):
            return
        if old.additional_properties and not new.additional_properties:
            self.emit("additional_properties_tightened", "additional_properties", BREAKING,
                      f"{label} no longer accepts unplanned nested properties.", domain="object",
                      old_v=True, new_v=False)
        elif not old.additional_properties and new.additional_properties:
            self.record("additional_properties_relaxed", "additional_properties", NON_BREAKING,
                        f"{label} now accepts unplanned nested properties.", False, True)
        obj_live = job.live and bool(self.old_atoms & _DOMAINS["object"])
        self.differ._map_level(stack, job.ctx, f"{job.path}/properties", label, old.properties, new.properties,
                               old.additional_properties, obj_live, self.location, job.depth, noun)

    def alternatives(self, stack: list[_Job]) -> None:
        """``anyOf`` alternatives: their number, then each pair in order (pushed on ``stack``).
        Read with getattr: only when the model carries them."""
        old_alts = tuple(getattr(self.old, "any_of", None) or ())
        new_alts = tuple(getattr(self.new, "any_of", None) or ())
        if not (old_alts or new_alts):
            return
        label, job = self.label, self.job
        if not old_alts:
            self.emit("type_narrowed", "anyOf", BREAKING, f"{label} must now match one of {len(new_alts)} alternatives.",
                      old_v=None, new_v=len(new_alts))
            return
        if not new_alts:
            self.record("type_widened", "anyOf", NON_BREAKING,
                        f"{label} no longer has to match one of {len(old_alts)} alternatives.", len(old_alts), None)
            return
        if len(new_alts) > len(old_alts):
            self.record("type_widened", "anyOf", NON_BREAKING,
                        f"{label} gained {len(new_alts) - len(old_alts)} alternative(s).", len(old_alts), len(new_alts))
        elif len(new_alts) < len(old_alts):
            self.emit("type_narrowed", "anyOf", BREAKING, f"{label} lost {len(old_alts) - len(new_alts)} alternative(s).",
                      old_v=len(old_alts), new_v=len(new_alts))
        for i, (a, b) in enumerate(zip(old_alts, new_alts)):
            stack.append(_Job(job.ctx, f"{job.path}/anyOf/{i}", f"alternative {i} of {label}", a, b, job.live,
                              b.location or self.location, job.depth + 1, is_items=True))

    def array_items(self, stack: list[_Job]) -> None:
        """The ``items`` of an array (pushed on ``stack``)."""
        old, new, job = self.old, self.new, self.job
        if old.items is None and new.items is None:
            return
        arr_live = job.live and bool(self.old_atoms & _DOMAINS["array"])
        stack.append(
            _Job(job.ctx, f"{job.path}/items", f"the items of {self.label}", old.items or _ANY, new.items or _ANY,
                 arr_live, (new.items.location if new.items else None) or self.location,
                 job.depth + 1, is_items=True)
        )


_DOMAINS = {
    "string": frozenset({"string"}),
    "number": frozenset({"integer", "fraction"}),
    "array": frozenset({"array"}),
    "object": frozenset({"object"}),
}


def _values_repr(spec: PropertySpec) -> Any:
    if spec.has_const:
        return {"const": spec.const}
    return list(spec.enum) if spec.enum is not None else None


def _all_match(pattern: str, allowed: dict[Any, Any]) -> bool:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return False
    return all(isinstance(v, str) and compiled.search(v) for v in allowed.values())


def _implied_source(spec: PropertySpec) -> str:
    if spec.pattern and _regex_width(spec.pattern):
        return "pattern"
    if spec.format in _FORMAT_WIDTH:
        return f"format {spec.format}"
    if spec.enum is not None or spec.has_const:
        return "allowed values"
    return "constraints"


Bound = tuple[float, bool]  # (value, exclusive)


def _bound(spec: PropertySpec, side: str) -> Bound | None:
    if side == "lower":
        candidates = [(spec.minimum, False), (spec.exclusive_minimum, True)]
    else:
        candidates = [(spec.maximum, False), (spec.exclusive_maximum, True)]
    best: Bound | None = None
    for value, exclusive in candidates:
        if value is None or isinstance(value, bool):
            continue
        bound = (value, exclusive)
        if best is None or _tighter(bound, best, side):
            best = bound
    return best


def _tighter(a: Bound | None, b: Bound | None, side: str) -> bool:
    """Is bound ``a`` strictly tighter than ``b`` (None = unbounded)?"""
    if a is None:
        return False
    if b is None:
        return True
    if a[0] != b[0]:
        return a[0] > b[0] if side == "lower" else a[0] < b[0]
    return a[1] and not b[1]


def _within(value: float, bound: Bound, side: str) -> bool:
    limit, exclusive = bound
    if side == "lower":
        return value > limit if exclusive else value >= limit
    return value < limit if exclusive else value <= limit


def _within_all(values: tuple[float, float], bound: Bound, side: str) -> bool:
    return _within(values[0], bound, side) and _within(values[1], bound, side)


def _bound_text(bound: Bound | None, side: str) -> str:
    if bound is None:
        return "none"
    op = (">" if bound[1] else ">=") if side == "lower" else ("<" if bound[1] else "<=")
    return f"{op} {_fmt(bound[0])}"


def _bound_words(spec: PropertySpec, side: str) -> dict[str, Any] | None:
    if side == "lower":
        words = {"minimum": spec.minimum, "exclusiveMinimum": spec.exclusive_minimum}
    else:
        words = {"maximum": spec.maximum, "exclusiveMaximum": spec.exclusive_maximum}
    words = {k: v for k, v in words.items() if v is not None}
    return words or None


def _conventions_dict(conv) -> dict[str, Any]:
    return {k: v for k, v in vars(conv).items() if v is not None}


def _spec_summary(spec: PropertySpec) -> dict[str, Any]:
    """A small JSON-able description of a property spec (for added/removed properties)."""
    out: dict[str, Any] = {}
    if spec.type:
        out["type"] = list(spec.type)
    if spec.required:
        out["required"] = True
    if spec.enum is not None:
        out["enum"] = list(spec.enum)
    if spec.has_const:
        out["const"] = spec.const
    for attr, word in (
        ("pattern", "pattern"), ("format", "format"), ("minimum", "minimum"), ("maximum", "maximum"),
        ("exclusive_minimum", "exclusiveMinimum"), ("exclusive_maximum", "exclusiveMaximum"),
        ("min_length", "minLength"), ("max_length", "maxLength"), ("min_items", "minItems"),
        ("max_items", "maxItems"),
    ):
        value = getattr(spec, attr)
        if value is not None:
            out[word] = value
    if spec.properties:
        out["properties"] = sorted(spec.properties)
    if spec.items is not None:
        out["items"] = _spec_summary(spec.items)
    return out


# --------------------------------------------------------------------------- versions

_SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
_SCHEMAVER = re.compile(r"^([1-9]\d*)-(0|[1-9]\d*)-(0|[1-9]\d*)$")
_LEVELS = ("none", "patch", "minor", "major")
_SV_LEVELS = ("none", ADDITION, REVISION, MODEL)


def _parse_semver(text: str) -> tuple[int, int, int, str | None] | None:
    match = _SEMVER.match(text.strip())
    if not match:
        # tolerate "2.3" and "2" (YAML numbers), read as 2.3.0 / 2.0.0
        short = re.match(r"^v?(\d+)(?:\.(\d+))?$", text.strip())
        if not short:
            return None
        return int(short.group(1)), int(short.group(2) or 0), 0, None
    return int(match.group(1)), int(match.group(2)), int(match.group(3)), match.group(4)


def version_verdict(
    old_version: Any, new_version: Any, changes: list[Change], *, scheme: str | None = None
) -> VersionVerdict | None:
    """Check a version bump against the changes; None when either side has no version.

    ``scheme`` is ``"semver"``, ``"schemaver"`` or None (guess: ``1-0-2`` is SchemaVer). With
    ``"schemaver"``, dotted versions (``1.0.2``, as the Iglu importer writes them) are read as
    MODEL.REVISION.ADDITION.
    """
    if old_version is None or new_version is None:
        return None
    old_text, new_text = str(old_version), str(new_version)
    severity = max((c.rank for c in changes), default=-1)
    if scheme == "schemaver":
        old_text, new_text = old_text.replace(".", "-"), new_text.replace(".", "-")
    old_sv, new_sv = _SCHEMAVER.match(old_text), _SCHEMAVER.match(new_text)
    if old_sv and new_sv and scheme != "semver":
        return _schemaver_verdict(old_text, new_text, old_sv, new_sv, severity, changes)
    old_p, new_p = _parse_semver(old_text), _parse_semver(new_text)
    if old_p is None or new_p is None:
        bad = old_text if old_p is None else new_text
        return VersionVerdict("semver", old_text, new_text, "unknown", "unknown", True, new_text,
                              f"Version {bad!r} is not a semantic version (MAJOR.MINOR.PATCH); the bump was not checked.")
    major, minor, patch, _pre = old_p
    if major == 0:
        # 0.y.z: the minor number is the compatibility boundary (Cargo, npm caret ranges)
        required = {2: "minor", 1: "patch"}.get(severity, "none")
    else:
        required = {2: "major", 1: "minor"}.get(severity, "none")
    if new_p[:3] < old_p[:3] or (new_p[:3] == old_p[:3] and new_p[3] is not None and old_p[3] is None):
        actual = "downgrade"
    elif new_p[0] != old_p[0]:
        actual = "major"
    elif new_p[1] != old_p[1]:
        actual = "minor"
    elif new_p[2] != old_p[2]:
        actual = "patch"
    else:
        actual = "none"
    if required == "major":
        minimal = f"{major + 1}.0.0"
    elif required == "minor":
        minimal = f"{major}.{minor + 1}.0"
    elif required == "patch":
        minimal = f"{major}.{minor}.{patch + 1}"
    else:
        minimal = old_text
    ok = actual != "downgrade" and _LEVELS.index(actual) >= _LEVELS.index(required)
    what = {2: "breaking", 1: "non-breaking", 0: "cosmetic", -1: "no"}[severity]
    if ok:
        message = f"Version {old_text} -> {new_text} ({actual} bump) is enough for {what} changes."
    elif actual == "downgrade":
        message = f"Version {old_text} -> {new_text} goes backwards; with {what} changes use at least {minimal}."
    else:
        message = (
            f"Version {old_text} -> {new_text} is a {actual} bump, but {what} changes need a "
            f"{required} bump: use at least {minimal}."
        )
    return VersionVerdict("semver", old_text, new_text, required, actual, ok, minimal, message)


def _schemaver_verdict(old_text, new_text, old_m, new_m, severity, changes) -> VersionVerdict:
    old_t = tuple(int(x) for x in old_m.groups())
    new_t = tuple(int(x) for x in new_m.groups())
    required = {2: MODEL, 1: ADDITION}.get(severity, "none")
    suggested = None
    if severity == 1 and any(c.schemaver == REVISION for c in changes):
        suggested = REVISION
    if new_t < old_t:
        actual = "downgrade"
    elif new_t[0] != old_t[0]:
        actual = MODEL
    elif new_t[1] != old_t[1]:
        actual = REVISION
    elif new_t[2] != old_t[2]:
        actual = ADDITION
    else:
        actual = "none"
    m, r, a = old_t
    minimal = {MODEL: f"{m + 1}-0-0", REVISION: f"{m}-{r + 1}-0", ADDITION: f"{m}-{r}-{a + 1}"}.get(required, old_text)
    ok = actual != "downgrade" and _SV_LEVELS.index(actual) >= _SV_LEVELS.index(required)
    what = {2: "breaking", 1: "non-breaking", 0: "cosmetic", -1: "no"}[severity]
    if ok:
        message = f"SchemaVer {old_text} -> {new_text} ({actual}) is enough for {what} changes."
        if suggested and actual == ADDITION:
            message += " Snowplow's definitions would call some of them a REVISION."
    elif actual == "downgrade":
        message = f"SchemaVer {old_text} -> {new_text} goes backwards; use at least {minimal}."
    else:
        message = (
            f"SchemaVer {old_text} -> {new_text} is {'no bump' if actual == 'none' else 'an ' + actual + ' bump'}, "
            f"but {what} changes need {required}: use at least {minimal}."
        )
    return VersionVerdict("schemaver", old_text, new_text, required, actual, ok, minimal, message, suggested)


# --------------------------------------------------------------------------- entry point


def diff_plans(old: Plan, new: Plan, *, version_scheme: str | None = None) -> PlanDiff:
    """Compare two plans and classify every change (see the module docstring).

    ``version_scheme`` (``"semver"`` / ``"schemaver"`` / None to guess) says how to read the
    plans' ``version`` for :attr:`PlanDiff.version_verdict`.
    """
    changes = _Differ(old, new).run()
    return PlanDiff(
        changes=changes,
        old_path=old.path,
        new_path=new.path,
        old_version=None if old.version is None else str(old.version),
        new_version=None if new.version is None else str(new.version),
        version_verdict=version_verdict(old.version, new.version, changes, scheme=version_scheme),
    )


# --------------------------------------------------------------------------- code impact

_CALL_METHODS = {"track": ("track",), "page": ("page",), "screen": ("screen",),
                 "identify": ("identify",), "group": ("group",), "common": ("track",)}


def _property_of(change: Change) -> str | None:
    """The top-level property or trait name a change is about (None for event-level changes)."""
    parts = change.path.split("/")
    for marker in ("properties", "traits"):
        if marker in parts:
            index = parts.index(marker)
            if index + 1 < len(parts):
                return parts[index + 1].replace("~1", "/").replace("~0", "~")
    return None


def code_impact(diff: PlanDiff, calls: Iterable[Any]) -> dict[int, list[CallSite]]:
    """Match breaking changes to the call sites they affect.

    ``calls`` are :class:`tracklint.extract.base.TrackCall` records (anything with ``path``,
    ``span``, ``method``/``kind``, ``event``, ``properties`` and ``source``). A change about an
    event touches the calls that send it (under its old name for renames and removals); a change
    about a property touches the calls that send that property, except new requirements, which
    touch the calls that do not send it. Calls whose properties are not known statically are
    included (they may be affected).
    """
    calls = list(calls)
    out: dict[int, list[CallSite]] = {}
    for index, change in enumerate(diff.changes):
        if change.severity != BREAKING or change.scope == "plan":
            continue
        kinds = _CALL_METHODS.get(change.scope, ())
        names: set[str] = set()
        if change.event is not None:
            names.add(change.event)
        if change.kind in ("event_renamed",) and isinstance(change.old, str):
            names = {change.old}
        prop = _property_of(change)
        wants_missing = change.kind in ("required_added",) or (
            change.kind == "property_added" and isinstance(change.new, dict) and change.new.get("required")
        )
        sites: list[CallSite] = []
        for call in calls:
            kind = getattr(call, "kind", None) or getattr(call, "method", "")
            if kind not in kinds:
                continue
            if change.scope in ("track", "page", "screen") and getattr(call, "event", None) not in names:
                continue
            if change.kind == "sources_removed" and getattr(call, "source", None) not in change.sources:
                continue
            if change.kind == "destinations_removed":
                continue  # routing is not in the code
            reason = f"sends `{call.event}`" if getattr(call, "event", None) else f"calls {kind}()"
            if prop is not None:
                value = getattr(call, "properties", None)
                keys = getattr(value, "properties", None) if value is not None else None
                is_open = keys is None or bool(getattr(value, "open", False))
                has = keys is not None and prop in keys
                if wants_missing:
                    if has:
                        continue
                    reason = f"may not send `{prop}`" if is_open else f"does not send `{prop}`"
                else:
                    if not has and not is_open:
                        continue
                    reason = f"sends `{prop}`" if has else f"may send `{prop}` (properties not known statically)"
            span = call.span
            sites.append(
                CallSite(
                    path=str(call.path),
                    line=span.line,
                    column=span.column,
                    end_line=span.end_line,
                    end_column=span.end_column,
                    method=str(getattr(call, "method", kind)),
                    event=getattr(call, "event", None),
                    reason=reason,
                )
            )
        if sites:
            out[index] = sorted(sites, key=lambda s: (s.path, s.line, s.column))
    return out
