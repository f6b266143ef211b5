"""## What it does
Reports a property (or trait) sent from code that the plan does not define for the event, when
the event does not allow additional properties (`additional_properties: false`, the default for
events). Nested objects are checked the same way when the plan describes their properties.

## Why is this bad?
Unplanned properties are how drift starts: a typo (`reveune`) or a renamed key (`orderId` for
`order_id`) creates a new column that no report reads, while the planned one stays empty.

## Example
```kotlin
analytics.track("Order Completed", buildJsonObject { put("orderId", id) })
```

## Use instead
```kotlin
analytics.track("Order Completed", buildJsonObject { put("order_id", id) })
```
or add the property to the event in the tracking plan.
"""

from __future__ import annotations

from typing import Iterable

from tracklint.diagnostics import normalise_name
from tracklint.extract.base import TrackCall
from tracklint.rules._common import closest, literal_target, nested_objects
from tracklint.rules.base import Finding, RuleContext

CODE = "TL005"
NAME = "unplanned-property"
SCOPE = "call"
DEFAULT_SEVERITY = "error"
SUMMARY = "Property is not defined for this event in the plan."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    found = literal_target(call, ctx.plan)
    if found is None:
        return
    target, props = found
    for prefix, obj, specs, additional in nested_objects(props, target.properties, target.additional):
        if additional:
            continue
        for key, value in (obj.properties or {}).items():
            if key in specs:
                continue
            dotted = prefix + key
            yield Finding(
                f"{target.noun.capitalize()} `{dotted}` is not in the plan for {target.label}.",
                path=call.path,
                span=value.key_span or value.span or call.span,
                help=_suggest(key, specs),
                event=call.event,
                key=dotted,
            )


def _suggest(key: str, specs: dict) -> str:
    folded = normalise_name(key)
    same = [name for name in specs if normalise_name(name) == folded]
    if same:
        return f"did you mean `{same[0]}`?"
    close = closest(key, tuple(specs))
    if len(close) > 1:  # look-alikes: name them all rather than guess one
        shown = ", ".join(f"`{c}`" for c in close[:-1]) + f" and `{close[-1]}`"
        return f"the closest planned names are {shown}; otherwise add `{key}` to the plan"
    if close:
        return f"did you mean `{close[0]}`? Otherwise add `{key}` to the plan"
    return f"add `{key}` to the event in the tracking plan, or remove it"
