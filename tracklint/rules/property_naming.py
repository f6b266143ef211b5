"""## What it does
Reports a property (or trait) name sent from code that the plan does not define and that breaks
the plan's property naming convention (`conventions.property_name`).

## Why is this bad?
Warehouses and destinations treat `orderId` and `order_id` as two columns; a convention keeps
every source writing the same one.

## Example
```ts
analytics.track("Order Completed", { orderId: "ord_1" }); // conventions: {property_name: snake_case}
```

## Use instead
```ts
analytics.track("Order Completed", { order_id: "ord_1" });
```
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules._common import target_for, walk_properties
from tracklint.rules.base import Finding, RuleContext

CODE = "TL003"
NAME = "property-naming-convention"
SCOPE = "call"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Property name breaks the plan's naming convention."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    conv = ctx.plan.conventions
    style = conv.property_name_pattern and {"pattern": conv.property_name_pattern} or conv.property_name
    props = call.properties
    if not style or props is None or props.properties is None:
        return
    from tracklint import naming

    target = target_for(call, ctx.plan)
    specs = target.properties if target else {}
    for dotted, value, spec, _siblings, _parent in walk_properties(props, specs):
        if spec is not None:
            continue
        key = dotted.rsplit(".", 1)[-1]
        if "[" in key or naming.check_name(key, style):
            continue
        suggestion = naming.to_style(key, style) if isinstance(style, str) else None
        yield Finding(
            f"Property `{dotted}` does not follow the plan's property naming convention ({naming.describe(style)}).",
            path=call.path,
            span=value.key_span or value.span or call.span,
            help=f"spell it `{suggestion}`" if suggestion and suggestion != key else None,
            event=call.event,
            key=dotted,
        )
