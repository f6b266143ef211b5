"""``tracklint init``: a starting plan from the call sites found in the code.

``plan_from_calls(calls)`` is pure: it groups calls by event name, merges the property shapes
seen at every call site (types become unions), keeps the most frequent spelling of names that
are equal after :func:`tracklint.diagnostics.normalise_name` (the other spellings are not added
as events; they are what ``check`` will then report), infers the naming conventions, and
returns the calls whose event name could not be read, for a human to plan by hand.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from tracklint.diagnostics import normalise_name
from tracklint.extract.base import TrackCall, Value
from tracklint.naming import STYLES, check_name
from tracklint.plan.model import Conventions, Event, Plan, PropertySpec, Traits
from tracklint.wording import callee, one_line, plural

_EVENT_KINDS = {"track": "events", "page": "pages", "screen": "screens"}
_TRAIT_KINDS = ("identify", "group")


def infer_style(names: Iterable[str]) -> str | None:
    """The naming style every name follows, or None. Not the majority's: a convention that some
    of the plan's own names break makes the first ``check`` report the plan ``init`` just wrote
    (53 TL104 on one repository, issue #13)."""
    names = [n for n in names if n]
    if not names:
        return None
    return next((style for style in STYLES if all(check_name(n, style) for n in names)), None)


def style_note(names: Iterable[str], what: str) -> str | None:
    """Why no convention was written for ``what`` although most names follow one: the style,
    how many follow it, and the first names that do not (None when there is nothing to say)."""
    names = sorted({n for n in names if n})
    if not names or infer_style(names) is not None:
        return None
    counts = {style: sum(1 for n in names if check_name(n, style)) for style in STYLES}
    best = max(STYLES, key=lambda s: (counts[s], -STYLES.index(s)))
    if counts[best] * 2 <= len(names):
        return None
    odd = [n for n in names if not check_name(n, best)]
    shown = ", ".join(f"`{n}`" for n in odd[:3]) + (f" and {len(odd) - 3} more" if len(odd) > 3 else "")
    return (f"{counts[best]} of {len(names)} {what} are {best} but {shown} "
            f"{'is' if len(odd) == 1 else 'are'} not; no {what[:-1]} convention written")


def property_names(plan: Plan) -> list[str]:
    """Every property name of the plan's events, pages and screens, nested keys and array item
    keys included: the names ``TL104`` checks against ``conventions.property_name``."""
    names: list[str] = []
    stack = [e.properties for e in plan.all_events()]
    while stack:
        for name, spec in stack.pop().items():
            names.append(name)
            if spec.properties:
                stack.append(spec.properties)
            item = spec.items
            while item is not None:
                if item.properties:
                    stack.append(item.properties)
                item = item.items
    return names


def _merge_types(a: tuple[str, ...] | None, b: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """Union of observed types; ``()`` means "any" (an unknown value was seen)."""
    if a is None:
        return b
    if b is None:
        return a
    if a == () or b == ():
        return ()
    out = list(a)
    for t in b:
        if t not in out:
            out.append(t)
    if "integer" in out and "number" in out:
        out.remove("integer")
    return tuple(out)


class _Shape:
    """What was seen of one property across call sites."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.types: tuple[str, ...] | None = None
        self.seen = 0
        self.children: dict[str, _Shape] = {}
        self.children_calls = 0  # objects seen with a closed set of keys
        self.children_open = False
        self.items: _Shape | None = None

    def add(self, value: Value) -> None:
        self.seen += 1
        vtype = value.type if value.type != "unknown" else None
        self.types = _merge_types(self.types, (vtype,) if vtype else ())
        if value.properties is not None:
            self.children_calls += 1
            self.children_open |= value.open
            for key, sub in value.properties.items():
                self.children.setdefault(key, _Shape(key)).add(sub)
        if value.items is not None:
            for item in value.items:
                if self.items is None:
                    self.items = _Shape(f"{self.name}[]")
                self.items.add(item)

    def spec(self, *, required: bool) -> PropertySpec:
        spec = PropertySpec(name=self.name, required=required)
        spec.type = tuple(sorted(self.types or (), key=_type_order))
        if self.children:
            spec.properties = {
                key: child.spec(required=child.seen == self.children_calls and not self.children_open)
                for key, child in sorted(self.children.items())
            }
        if self.items is not None and self.items.types is not None:
            spec.items = self.items.spec(required=False)
        return spec


def _type_order(t: str) -> int:
    order = ("string", "number", "integer", "boolean", "object", "array", "null")
    return order.index(t) if t in order else len(order)


def _majority(spellings: Counter) -> str:
    return max(sorted(spellings), key=lambda s: spellings[s])


def plan_from_calls(calls: Iterable[TrackCall]) -> tuple[Plan, list[TrackCall]]:
    """A starting plan from ``calls`` and the calls whose event name is unknown.

    Properties present at every call site of an event (that passes a closed literal object)
    are marked required; an event called anywhere with a spread or a non-literal properties
    object gets ``additional_properties: true``. Variant spellings are left out of the plan.
    """
    calls = list(calls)
    unresolved: list[TrackCall] = []
    groups: dict[tuple[str, str], list[TrackCall]] = {}
    spellings: dict[tuple[str, str], Counter] = {}
    traits: dict[str, list[TrackCall]] = {k: [] for k in _TRAIT_KINDS}
    for call in calls:
        if call.kind in _TRAIT_KINDS:
            traits[call.kind].append(call)
            continue
        if call.kind == "message":  # a send call whose message (so its event) cannot be read
            unresolved.append(call)
            continue
        if call.kind not in _EVENT_KINDS:
            continue
        if call.event is None:
            if call.kind == "track" or call.event_kind == "dynamic":
                unresolved.append(call)
            continue
        key = (call.kind, normalise_name(call.event))
        groups.setdefault(key, []).append(call)
        spellings.setdefault(key, Counter())[call.event] += 1

    plan = Plan()
    for (kind, _norm), group in sorted(groups.items()):
        name = _majority(spellings[(kind, _norm)])
        event = Event(name=name, kind=kind)
        props, additional = _properties(group)
        event.properties = props
        event.additional_properties = additional
        getattr(plan, _EVENT_KINDS[kind])[name] = event
    for kind in _TRAIT_KINDS:
        if traits[kind]:
            props, additional = _properties(traits[kind])
            setattr(plan, kind, Traits(traits=props, additional_properties=True))

    plan.conventions = Conventions(
        event_name=infer_style(e.name for e in plan.events.values()),
        property_name=infer_style(property_names(plan)),
    )
    plan.events = dict(sorted(plan.events.items()))
    plan.pages = dict(sorted(plan.pages.items()))
    plan.screens = dict(sorted(plan.screens.items()))
    unresolved.sort(key=lambda c: (c.path, c.span.line if c.span else 0))
    return plan, unresolved


def _properties(group: list[TrackCall]) -> tuple[dict[str, PropertySpec], bool]:
    shapes: dict[str, _Shape] = {}
    closed = 0
    additional = False
    for call in group:
        kind = call.properties_kind
        if kind in ("dynamic", "open"):
            additional = True
        if call.properties is None or call.properties.properties is None:
            continue
        if kind == "literal":
            closed += 1
        for key, value in call.properties.properties.items():
            shapes.setdefault(key, _Shape(key)).add(value)
    props = {}
    for key, shape in sorted(shapes.items()):
        required = closed > 0 and closed == len(group) and shape.seen == len(group)
        props[key] = shape.spec(required=required)
    return props, additional


def unresolved_comments(unresolved: list[TrackCall]) -> list[str]:
    """Comment lines listing the calls whose event name is unknown, for the plan file."""
    if not unresolved:
        return []
    lines = [
        f"{plural(len(unresolved), 'call sends', 'calls send')} an event whose name tracklint cannot read; "
        f"plan {'it' if len(unresolved) == 1 else 'them'} by hand:",
    ]
    for call in unresolved:
        line = call.span.line if call.span else 0
        text = one_line(call.event_text or "?", 60)
        lines.append(f"  {one_line(call.path)}:{line}: {callee(call.receiver, call.method)}({text})")
    return lines
