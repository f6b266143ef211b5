"""## What it does
Reports a property name that has different types in different places of the plan: in two
events (or pages/screens), in `common.properties`, or in its shared definition under
`properties:`. The minority spelling is reported, pointing at the majority. Nullability is
ignored (`[string, null]` and `string` agree), and so is `integer` versus `number` unless
`distinguish-integer` is set. Properties without a `type` are skipped; traits are not compared.

## Why is this bad?
Many destinations (Amplitude, Mixpanel, warehouse column types) keep one type per property name.
`revenue` as a number in one event and a string in another breaks charts and loads, or silently
casts values.

## Example
```yaml
events:
  Order Completed: {properties: {revenue: {type: number}}}
  Order Refunded:  {properties: {revenue: {type: string}}}
```

## Use instead
```yaml
properties:
  revenue: {type: number, minimum: 0}
events:
  Order Completed: {properties: {revenue: {}}}
  Order Refunded:  {properties: {revenue: {}}}
```

## Options
- `distinguish-integer` (bool, default false): treat `integer` and `number` as different types.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from tracklint.plan.model import Plan, PropertySpec
from tracklint.rules.base import Finding, RuleContext

CODE = "TL102"
NAME = "plan-conflicting-property-type"
SCOPE = "plan"
DEFAULT_SEVERITY = "warning"
SUMMARY = "One property name has different types in different places of the plan."
OPTIONS: dict[str, type] = {"distinguish-integer": bool}
DEFAULTS: dict[str, object] = {"distinguish-integer": False}
#: The summary when there are many findings (see :func:`tracklint.diagnose.group_plan_findings`).
GROUPED = "{count} planned properties have a type that conflicts with the same name elsewhere"


def _family(spec: PropertySpec, distinguish_integer: bool) -> frozenset[str]:
    types = {t for t in spec.type if t != "null"}
    if not distinguish_integer and "integer" in types:
        types = (types - {"integer"}) | {"number"}
    return frozenset(types)


def _show(types: frozenset[str]) -> str:
    return " or ".join(sorted(types))


def check_plan(plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
    distinguish = bool(ctx.options.get("distinguish-integer", DEFAULTS["distinguish-integer"]))
    # property name -> [(where, family, spec)] in plan order
    uses: dict[str, list[tuple[str, frozenset[str], PropertySpec]]] = {}

    def add(where: str, spec: PropertySpec) -> None:
        family = _family(spec, distinguish)
        if family:
            uses.setdefault(spec.name, []).append((where, family, spec))

    for spec in plan.shared_properties.values():
        add("its shared definition", spec)
    for spec in plan.common_properties.values():
        add("common.properties", spec)
    for event in plan.all_events():
        noun = {"track": "event", "page": "page", "screen": "screen"}.get(event.kind, "event")
        for spec in event.properties.values():
            add(f"{noun} `{event.name}`", spec)

    for name, entries in uses.items():
        counts = Counter(family for _, family, _ in entries)
        if len(counts) < 2:
            continue
        # Most common family wins; ties go to the one seen first.
        first_seen = {family: i for i, (_, family, _) in reversed(list(enumerate(entries)))}
        majority = max(counts, key=lambda fam: (counts[fam], -first_seen[fam]))
        example_where, _, example = next(entry for entry in entries if entry[1] == majority)
        at = f" at {example.location}" if example.location else ""
        others = counts[majority]
        for where, family, spec in entries:
            if family == majority:
                continue
            yield Finding(
                f"Property `{name}` is {_show(family)} in {where} but {_show(majority)} in "
                f"{others} other place{'s' if others != 1 else ''} (e.g. {example_where}{at}).",
                path=spec.location.path if spec.location else plan.path,
                plan_location=spec.location,
                help=f"give `{name}` one type everywhere, or use a different name for the {_show(family)} value",
                event=where.split("`")[1] if "`" in where else None,
                key=f"{name}:{where}",
            )
