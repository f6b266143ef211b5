"""## What it does
Reports a literal property value that breaks its plan definition: not one of the `enum` values,
not the `const`, not matching the `pattern` or `format`, outside `minimum`/`maximum`, or of the
wrong length. Patterns run on a linear-time engine, so no pattern can hang the check.

## Why is this bad?
Segmentation and dashboards filter on exact values. `currency: "usd"` is not `"USD"`, and an
order id that does not match `^ord_` breaks joins with the order system.

## Example
```ts
analytics.track("Order Completed", { order_id: "ord_1", currency: "usd" });
```

## Use instead
```ts
analytics.track("Order Completed", { order_id: "ord_1", currency: "USD" });
```
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules._common import _show, literal_target, planned_values, type_matches, value_problems
from tracklint.rules.base import Finding, RuleContext

CODE = "TL007"
NAME = "invalid-property-value"
SCOPE = "call"
DEFAULT_SEVERITY = "error"
SUMMARY = "Property value is outside its enum, pattern, format, range or length."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    found = literal_target(call, ctx.plan)
    if found is None:
        return
    target, props = found
    for name, value, spec in planned_values(props, target):
        if not type_matches(value, spec):
            continue  # wrong-property-type reports it
        for problem in value_problems(value, spec):
            yield Finding(
                f"`{name}` of {target.label}: {problem}.",
                path=call.path,
                span=value.span or value.key_span or call.span,
                help=_hint(spec),
                event=call.event,
                key=name,
            )


def _hint(spec) -> str | None:
    if spec.enum is not None:
        return "use one of: " + ", ".join(_show(e) for e in spec.enum[:10])
    if spec.pattern is not None:
        return f"match `{spec.pattern}`"
    return None
