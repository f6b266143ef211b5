"""## What it does
Reports a call whose literal properties lack a property (or trait) that the plan marks
`required: true` — on the event itself, in `common.properties`, or inside a nested object.

When the properties are not fully known (a spread, `**kwargs`, a variable), a missing required
key cannot be proven and is reported by `unverifiable-properties` instead.

## Why is this bad?
Downstream reports, audiences and revenue attribution rely on required properties; an event
without them is dropped by strict destinations or silently counted as zero.

## Example
```swift
analytics.track(name: "Order Completed", properties: ["currency": "EUR"])
```

## Use instead
```swift
analytics.track(name: "Order Completed", properties: ["order_id": id, "revenue": total, "currency": "EUR"])
```
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules._common import nested_objects, props_span, target_for
from tracklint.rules.base import Finding, RuleContext

CODE = "TL004"
NAME = "missing-required-property"
SCOPE = "call"
DEFAULT_SEVERITY = "error"
SUMMARY = "A property the plan requires is missing."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    target = target_for(call, ctx.plan)
    if target is None:
        return
    required = [name for name, spec in target.properties.items() if spec.required]
    if call.properties_kind == "none":
        if required:
            names = ", ".join(f"`{n}`" for n in required)
            yield Finding(
                f"{target.label.capitalize()} requires {_plural(target.noun, len(required))} {names}, but the call sends none.",
                path=call.path,
                span=call.span,
                help=f"add {names} to the call",
                event=call.event,
                key="|".join(required),
            )
        return
    props = call.properties
    if props is None or props.properties is None:
        return
    for prefix, obj, specs, _additional in nested_objects(props, target.properties, target.additional):
        if obj.open:
            continue
        for name, spec in specs.items():
            if spec.required and name not in (obj.properties or {}):
                dotted = prefix + name
                yield Finding(
                    f"Required {target.noun} `{dotted}` of {target.label} is missing.",
                    path=call.path,
                    span=obj.span or props_span(call),
                    help=f"add `{name}`" + (f" ({'/'.join(spec.type)})" if spec.type else ""),
                    event=call.event,
                    key=dotted,
                )


def _plural(noun: str, n: int) -> str:
    if n == 1:
        return noun
    return "properties" if noun == "property" else noun + "s"
