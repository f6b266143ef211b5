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
from tracklint.rules._common import describe_types, literal_target, planned_values, type_matches
from tracklint.rules.base import Finding, RuleContext

CODE = "TL006"
NAME = "wrong-property-type"
SCOPE = "call"
DEFAULT_SEVERITY = "error"
SUMMARY = "Property value has a type the plan does not allow."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    found = literal_target(call, ctx.plan)
    if found is None:
        return
    target, props = found
    for dotted, value, spec in planned_values(props, target):
        yield from _check_value(call, dotted, value, spec, target.label)


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
