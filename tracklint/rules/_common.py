"""Helpers shared by the call rules: which plan entry a call is checked against, and how a
statically known value is compared with a property spec."""

from __future__ import annotations

import difflib
import functools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable, Iterator

from tracklint.diagnostics import normalise_name
from tracklint.extract.base import Span, TrackCall, Value
from tracklint.plan.model import Event, Plan, PropertySpec

if TYPE_CHECKING:
    from tracklint.fix import Rename

#: Nested objects deeper than this are not compared (the extractors cap depth too).
MAX_DEPTH = 32


@dataclass
class Target:
    """What a call's properties are checked against."""

    label: str  # "event `Order Completed`", "identify traits", "page `Pricing`"
    properties: dict[str, PropertySpec]
    additional: bool
    event: Event | None = None
    noun: str = "property"  # "property" or "trait"


def planned_events(plan: Plan, kind: str) -> dict[str, Event] | None:
    """The planned names a call of ``kind`` is checked against, or None when the plan does not
    constrain that kind (a plan without ``pages:`` does not check page names)."""
    if kind == "track":
        return plan.events
    if kind == "page":
        return plan.pages or None
    if kind == "screen":
        return plan.screens or None
    return None


@functools.lru_cache(maxsize=4096)
def closest(name: str, candidates: tuple[str, ...]) -> tuple[str, ...]:
    """The candidates most like ``name`` (difflib ratio at least 0.75), best first: the best
    one and up to two more within :data:`NEAR_TIE` of it (``user_ids`` against ``user_id`` and
    ``users_id``: naming one would be a guess). Cached: the same name is usually sent from many
    call sites."""
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.75)
    return _near_ties(name, close)


def _near_ties(name: str, close: list[str]) -> tuple[str, ...]:
    """``close`` (difflib's best first) cut to those within :data:`NEAR_TIE` of the best."""
    if len(close) < 2:
        return tuple(close)
    ratios = [difflib.SequenceMatcher(None, name, c).ratio() for c in close]
    return tuple(c for c, r in zip(close, ratios) if r >= ratios[0] - NEAR_TIE)


#: Most candidates the fuzzy "did you mean" compares one unknown name with. Below this (every
#: plan of normal size) the suggestion is exactly difflib's over every planned name.
FUZZY_CAP = 500
#: How much less alike than the best suggestion another planned name may be and still be named
#: beside it ("`user_signed_in`": `user_signed_up` 0.83, `user_logged_in` 0.75).
NEAR_TIE = 0.1
_RARE_BIGRAMS = 4  # how many of a name's rarest bigrams select candidates past the cap


@dataclass
class NameIndex:
    """The planned names of one kind, indexed once per plan so that an unknown name costs
    dictionary lookups and a bounded fuzzy search, not a scan of every event."""

    renamed: dict[str, str]  # exact previous name -> planned name (first listed)
    folded: dict[str, str]  # normalised planned name -> its first spelling
    folded_old: dict[str, str]  # normalised previous name -> planned name (first listed)
    shown: dict[str, str]  # normalised planned name -> its last spelling (shown in hints)
    by_length: dict[int, list[str]]  # normalised planned names by length
    bigrams: dict[str, list[str]]  # two-character piece -> normalised names containing it
    suggestions: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def suggest(self, folded: str) -> tuple[str, ...]:
        """The normalised planned names most like ``folded`` (difflib ratio >= 0.75), best
        first: the best one, and up to two more that are nearly as close (within
        :data:`NEAR_TIE` of it), so that a guess between look-alikes is shown as one."""
        if folded not in self.suggestions:
            if len(self.suggestions) >= 16 * FUZZY_CAP:
                self.suggestions.clear()
            self.suggestions[folded] = self._suggest(folded)
        return self.suggestions[folded]

    def _suggest(self, folded: str) -> tuple[str, ...]:
        n = len(folded)
        # difflib's ratio is 2*M/(n+m) with M <= min(n, m): at least 0.75 needs 3n <= 5m <= 25n/3.
        candidates = [c for m in range((3 * n + 4) // 5, (5 * n) // 3 + 1) for c in self.by_length.get(m, ())]
        if len(candidates) > FUZZY_CAP:
            pieces = sorted({folded[i:i + 2] for i in range(n - 1)}, key=lambda b: len(self.bigrams.get(b, ())))
            window = set(candidates)
            chosen: dict[str, None] = {}
            for piece in pieces[:_RARE_BIGRAMS]:
                chosen.update((c, None) for c in self.bigrams.get(piece, ()) if c in window)
            candidates = list(chosen)[:FUZZY_CAP]
        return _near_ties(folded, difflib.get_close_matches(folded, candidates, n=3, cutoff=0.75))


def name_index(events: dict[str, Event]) -> NameIndex:
    """The :class:`NameIndex` of ``events`` (built on first use, kept while the dict lives)."""
    held = _INDEXES.get(id(events))
    if held is not None and held[0] is events:
        return held[1]
    index = NameIndex({}, {}, {}, {}, {}, {})
    for event in events.values():
        key = normalise_name(event.name)
        index.folded.setdefault(key, event.name)
        index.shown[key] = event.name
        for old in event.previous_names:
            index.renamed.setdefault(old, event.name)
            index.folded_old.setdefault(normalise_name(old), event.name)
    for key in index.shown:
        index.by_length.setdefault(len(key), []).append(key)
        for piece in {key[i:i + 2] for i in range(len(key) - 1)}:
            index.bigrams.setdefault(piece, []).append(key)
    if len(_INDEXES) >= 8:
        _INDEXES.clear()
    _INDEXES[id(events)] = (events, index)
    return index


_INDEXES: dict[int, tuple[dict[str, Event], NameIndex]] = {}

_TARGETS: list = [None, {}]  # [the plan the targets are of, {(kind, event): Target | None}]


def target_for(call: TrackCall, plan: Plan) -> Target | None:
    """The plan entry ``call`` is checked against, or None (unknown event, unconstrained kind).
    One Target per (kind, event) and plan: several rules ask for every call, and a Target
    copies the event's properties (rules only read it)."""
    if _TARGETS[0] is not plan:
        _TARGETS[0], _TARGETS[1] = plan, {}
    key = (call.kind, call.event)
    cached = _TARGETS[1]
    if key not in cached:
        cached[key] = _target_for(call, plan)
    return cached[key]


def _target_for(call: TrackCall, plan: Plan) -> Target | None:
    if call.kind in ("track", "page", "screen"):
        events = planned_events(plan, call.kind)
        if not events or call.event is None or call.event not in events:
            return None
        event = events[call.event]
        props = dict(event.properties)
        if call.kind == "track":
            for name, spec in plan.common_properties.items():
                props.setdefault(name, spec)
        label = {"track": "event", "page": "page", "screen": "screen"}[call.kind]
        return Target(f"{label} `{event.name}`", props, event.additional_properties, event)
    if call.kind in ("identify", "group"):
        traits = plan.identify if call.kind == "identify" else plan.group
        if traits is None:
            return None
        return Target(f"{call.kind} traits", dict(traits.traits), traits.additional_properties, None, "trait")
    return None


def literal_target(call: TrackCall, plan: Plan) -> tuple[Target, Value] | None:
    """The plan entry and the literal properties object of ``call``, when both exist (the
    rules that look at individual keys have nothing to say otherwise)."""
    target = target_for(call, plan)
    props = call.properties
    if target is None or props is None or props.properties is None:
        return None
    return target, props


def planned_values(props: Value, target: Target) -> Iterator[tuple[str, Value, PropertySpec]]:
    """(dotted name, value, spec) for every planned key of a literal object, nested ones and
    the elements of planned arrays included (``products[0].price``)."""
    for dotted, value, spec, _siblings, _parent in walk_properties(props, target.properties):
        if spec is None:
            continue
        yield dotted, value, spec
        if spec.items is not None and value.items:
            for i, item in enumerate(value.items):
                yield f"{dotted}[{i}]", item, spec.items


def call_span(call: TrackCall) -> Span:
    return call.event_span or call.span


def props_span(call: TrackCall) -> Span:
    if call.properties is not None and call.properties.span is not None:
        return call.properties.span
    return call.span


def walk_properties(
    value: Value, specs: dict[str, PropertySpec], *, prefix: str = ""
) -> Iterator[tuple[str, Value, PropertySpec | None, dict[str, PropertySpec], Value]]:
    """Yield (dotted key, value, spec or None, sibling specs, parent object) for every key of a
    literal object, descending into nested objects and arrays of objects that have specs.
    Iterative, with a depth cap."""
    stack: list[tuple[Value, dict[str, PropertySpec], str, int]] = [(value, specs, prefix, 0)]
    while stack:
        obj, obj_specs, pre, depth = stack.pop()
        for key, child in (obj.properties or {}).items():
            spec = obj_specs.get(key)
            dotted = f"{pre}{key}"
            yield dotted, child, spec, obj_specs, obj
            if spec is None or depth >= MAX_DEPTH:
                continue
            if child.properties is not None and spec.properties:
                stack.append((child, spec.properties, dotted + ".", depth + 1))
            elif child.items and spec.items is not None and spec.items.properties:
                for i, item in enumerate(child.items):
                    if item.properties is not None:
                        stack.append((item, spec.items.properties, f"{dotted}[{i}].", depth + 1))


def nested_objects(
    value: Value, specs: dict[str, PropertySpec], additional: bool
) -> Iterator[tuple[str, Value, dict[str, PropertySpec], bool]]:
    """Yield (dotted prefix, object value, its property specs, additional allowed) for the
    top-level properties object and every nested literal object that has planned properties."""
    yield "", value, specs, additional
    for dotted, child, spec, _siblings, _parent in walk_properties(value, specs):
        if spec is None:
            continue
        if child.properties is not None and spec.properties:
            yield dotted + ".", child, spec.properties, spec.additional_properties
        if child.items and spec.items is not None and spec.items.properties:
            for i, item in enumerate(child.items):
                if item.properties is not None:
                    yield (f"{dotted}[{i}].", item, spec.items.properties,
                           spec.items.additional_properties)


def type_matches(value: Value, spec: PropertySpec) -> bool:
    """Whether a value's static type is allowed by ``spec.type`` (unknown values always are)."""
    if not spec.type or value.type == "unknown":
        return True
    allowed = set(spec.type)
    vtype = value.type
    if vtype in allowed:
        return True
    if vtype == "integer" and "number" in allowed:
        return True
    if vtype == "number" and "integer" in allowed and value.known:
        v = value.value
        return isinstance(v, float) and math.isfinite(v) and v.is_integer()
    return False


def describe_types(types: tuple[str, ...]) -> str:
    if len(types) == 1:
        return types[0]
    return ", ".join(types[:-1]) + " or " + types[-1]


def value_problems(value: Value, spec: PropertySpec) -> list[str]:
    """Why a known literal breaks ``spec``'s enum, const, pattern, format, range or length
    (empty when it conforms or cannot be known)."""
    if not value.known and value.items is None:
        return []
    problems: list[str] = []
    v = value.value
    if value.known:
        if spec.enum is not None and not any(_same(v, e) for e in spec.enum):
            shown = ", ".join(_show(e) for e in spec.enum[:8]) + (", …" if len(spec.enum) > 8 else "")
            problems.append(f"{_show(v)} is not one of the allowed values ({shown})")
        if spec.has_const and not _same(v, spec.const):
            problems.append(f"{_show(v)} is not the required constant {_show(spec.const)}")
        if isinstance(v, str):
            if spec.pattern is not None:
                from tracklint.plan.patterns import compile_pattern

                if not compile_pattern(spec.pattern).search(v):
                    problems.append(f"{_show(v)} does not match the pattern `{spec.pattern}`")
            if spec.format is not None and not _format_ok(v, spec.format):
                problems.append(f"{_show(v)} is not a valid {spec.format}")
            if spec.min_length is not None and len(v) < spec.min_length:
                problems.append(f"{_show(v)} is shorter than {spec.min_length} characters")
            if spec.max_length is not None and len(v) > spec.max_length:
                problems.append(f"{_show(v)} is longer than {spec.max_length} characters")
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if spec.minimum is not None and v < spec.minimum:
                problems.append(f"{_show(v)} is less than the minimum {_num(spec.minimum)}")
            if spec.maximum is not None and v > spec.maximum:
                problems.append(f"{_show(v)} is greater than the maximum {_num(spec.maximum)}")
            if spec.exclusive_minimum is not None and v <= spec.exclusive_minimum:
                problems.append(f"{_show(v)} is not greater than {_num(spec.exclusive_minimum)}")
            if spec.exclusive_maximum is not None and v >= spec.exclusive_maximum:
                problems.append(f"{_show(v)} is not less than {_num(spec.exclusive_maximum)}")
    if value.items is not None and not value.open:
        n = len(value.items)
        if spec.min_items is not None and n < spec.min_items:
            problems.append(f"the array has {n} items, fewer than {spec.min_items}")
        if spec.max_items is not None and n > spec.max_items:
            problems.append(f"the array has {n} items, more than {spec.max_items}")
    return problems


def _same(a: object, b: object) -> bool:
    # True == 1 in Python, but not in JSON: compare types as JSON does.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def _show(v: object) -> str:
    if isinstance(v, str):
        text = v if len(v) <= 60 else v[:59] + "…"
        return '"' + text.replace("\n", "\\n") + '"'
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _format_ok(value: str, fmt: str) -> bool:
    # The loader accepts only formats with a checker (plan/formats.py), so every one is checked.
    from tracklint.plan.formats import conforms

    return conforms(value, fmt)


# --------------------------------------------------------------------------------------------
# Fixes (tracklint/fix.py): what a call's event name or a property key should be written as


def fold_unique(spellings: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The normalised spellings that lead to exactly one target, given (spelling, target)
    pairs (an event's name and previous names, all with the event's name as the target): only
    then is a case or separator variant of it a safe rename (two planned names that fold alike
    make it a guess)."""
    targets: dict[str, set[str]] = {}
    for spelling, target in spellings:
        targets.setdefault(normalise_name(spelling), set()).add(target)
    return frozenset(k for k, found in targets.items() if len(found) == 1)


def event_rename(call: TrackCall, new: str, *, safe: bool) -> "Rename | None":
    """The rename of ``call``'s event name to ``new``: at the literal, or at the definition of
    the constant it was read from."""
    from tracklint.fix import Rename

    if call.event is None or call.event_kind not in ("literal", "constant"):
        return None
    constant = call.event_kind == "constant"
    return Rename(call.path, call.event_span, call.event, new, safe, call.language, "event",
                  ref=call.event_ref if constant else None, ref_path=call.event_from if constant else None)


#: Languages whose bare-identifier keys are data (a JavaScript object's ``{orderId: 1}``, a Ruby
#: hash's ``{orderId: 1}``); in others a bare key is a parameter or field label (Swift, Kotlin
#: named arguments, Python keywords, Go struct fields) that a rename would break.
_DATA_IDENTIFIER_KEYS = frozenset({"javascript", "typescript", "tsx", "ruby"})


def key_rename(call: TrackCall, key: str, value: Value, new: str, *, safe: bool) -> "Rename | None":
    """The rename of the property key ``key`` (whose value is ``value``) to ``new``."""
    from tracklint.fix import Rename

    span = value.key_span
    if span is None or (value.span is not None and value.span.start_byte == span.start_byte):
        return None  # no key written, or a shorthand `{orderId}` (the key is the variable)
    return Rename(call.path, span, key, new, safe, call.language, "property",
                  identifier=call.language in _DATA_IDENTIFIER_KEYS)
