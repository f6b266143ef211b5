"""## What it does
Reports planned event names and property names (shared, common, per event/page/screen, and
nested object keys) that break the plan's own `conventions`. Page and screen names are not
checked against `event_name`. Traits are checked only with `check-traits`, because the
Segment spec's reserved traits (`firstName`, `createdAt`) are camelCase.

## Why is this bad?
The plan is where new names come from: a plan that breaks its own convention teaches every
engineer the wrong spelling, and code-side convention checks then fight the plan.

## Example
```yaml
conventions: {event_name: title-case, property_name: snake_case}
events:
  order_completed:
    properties: {orderId: {type: string}}
```

## Use instead
```yaml
conventions: {event_name: title-case, property_name: snake_case}
events:
  Order Completed:
    previous_names: [order_completed]
    properties: {order_id: {type: string}}
```

## Options
- `check-traits` (bool, default false): also check `identify`/`group` trait names.
"""

from __future__ import annotations

from typing import Any, Iterable

from tracklint import naming
from tracklint.plan.model import Plan, PropertySpec
from tracklint.rules.base import Finding, RuleContext

CODE = "TL104"
NAME = "plan-naming-convention"
SCOPE = "plan"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Planned event or property name breaks the plan's naming convention."
OPTIONS: dict[str, type] = {"check-traits": bool}
DEFAULTS: dict[str, object] = {"check-traits": False}
#: The summary when there are many findings (see :func:`tracklint.diagnose.group_plan_findings`).
GROUPED = "{count} planned names break the plan's naming conventions"


def _help(name: str, style: Any, *, event: bool) -> str | None:
    if not isinstance(style, str):
        return None
    suggestion = naming.to_style(name, style)
    if suggestion == name:
        return None
    if event:
        return f"rename it to `{suggestion}` and list `{name}` in its `previous_names`"
    return f"rename it to `{suggestion}`"


def check_plan(plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
    event_style = naming.convention(plan.conventions, "event")
    property_style = naming.convention(plan.conventions, "property")
    if event_style:
        for event in plan.events.values():
            if naming.check_name(event.name, event_style):
                continue
            yield Finding(
                f"Event name `{event.name}` does not follow the plan's event naming convention "
                f"({naming.describe(event_style)}).",
                path=event.location.path if event.location else plan.path,
                plan_location=event.location,
                help=_help(event.name, event_style, event=True),
                event=event.name,
                key=f"event:{event.name}",
            )
    if not property_style:
        return
    seen: set[tuple] = set()  # one finding per place in the plan (shared specs are reused)

    def walk(specs: dict[str, PropertySpec], owner: str, event: str | None, prefix: str) -> Iterable[Finding]:
        stack = [(specs, prefix)]
        while stack:
            current, dotted = stack.pop()
            for name, spec in current.items():
                path = f"{dotted}{name}"
                if not naming.check_name(name, property_style):
                    loc = spec.location
                    ident = (loc.path, loc.line, loc.column) if loc else (owner, path)
                    if ident not in seen:
                        seen.add(ident)
                        yield Finding(
                            f"Property name `{name}` in {owner} does not follow the plan's property "
                            f"naming convention ({naming.describe(property_style)}).",
                            path=loc.path if loc else plan.path,
                            plan_location=loc,
                            help=_help(name, property_style, event=False),
                            event=event,
                            key=f"property:{owner}:{path}",
                        )
                nested = spec
                while nested.items is not None:
                    nested = nested.items
                if nested.properties:
                    stack.append((nested.properties, f"{path}."))
                if spec.properties and nested is not spec:
                    stack.append((spec.properties, f"{path}."))

    yield from walk(plan.shared_properties, "the shared properties", None, "")
    yield from walk(plan.common_properties, "common.properties", None, "")
    nouns = {"track": "event", "page": "page", "screen": "screen"}
    for event in plan.all_events():
        yield from walk(event.properties, f"{nouns.get(event.kind, 'event')} `{event.name}`", event.name, "")
    if ctx.options.get("check-traits", DEFAULTS["check-traits"]):
        for key in ("identify", "group"):
            traits = getattr(plan, key)
            if traits is not None:
                yield from walk(traits.traits, f"{key} traits", None, "")
