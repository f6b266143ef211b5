"""## What it does
Reports a property whose literal value has a type the plan does not allow (a string where the
plan says `number`, an object where it says `array`, `null` where the property is not nullable).
Only values known statically are checked; variables are not guessed.

## Why is this bad?
Destinations cast or drop mistyped values: `revenue: "49.90"` sums to zero in the warehouse and
breaks revenue reporting in ad tools.

## Example
```python
analytics.track(user_id, "Order Completed", {"revenue": "49.90"})
```

## Use instead
```python
analytics.track(user_id, "Order Completed", {"revenue": 49.90})
```
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules._common import describe_types, target_for, type_matches, walk_properties
from tracklint.rules.base import Finding, RuleContext

CODE = "TL006"
NAME = "wrong-property-type"
SCOPE = "call"
DEFAULT_SEVERITY = "error"
SUMMARY = "Property value has a type the plan does not allow."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    target = target_for(call, ctx.plan)
    props = call.properties
    if target is None or props is None or props.properties is None:
        return
    for dotted, value, spec, _siblings, _parent in walk_properties(props, target.properties):
        if spec is not None:
            yield from _check_value(call, dotted, value, spec, target.label)
            if spec.items is not None and value.items:
                for i, item in enumerate(value.items):
                    yield from _check_value(call, f"{dotted}[{i}]", item, spec.items, target.label)


def _check_value(call, dotted, value, spec, label) -> Iterable[Finding]:
    if type_matches(value, spec):
        return
    yield Finding(
        f"`{dotted}` of {label} is {_article(value.type)} {value.type} ({value.brief()}), but the plan says {describe_types(spec.type)}.",
        path=call.path,
        span=value.span or value.key_span or call.span,
        help=f"send {describe_types(spec.type)}",
        event=call.event,
        key=dotted,
    )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
