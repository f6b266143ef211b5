"""## What it does
Reports a call to a planned event whose properties cannot be fully known statically: a variable
or function result instead of a literal object, or a literal with a spread (`...base`,
`**extra`) that hides keys. Keys that are visible are still checked by the other rules; a
required property that is not visible is reported here as unverifiable, not as missing. A call
inside the definition of a wrapper declared in the configuration that passes on the wrapper's
own parameter is not reported: the wrapper's call sites are checked instead.

## Why is this bad?
Properties assembled at run time are where drift hides. The finding tells the reviewer which
guarantees the gate could not give for this call.

## Example
```python
analytics.track(user_id, "Order Completed", build_props(order))
```

## Use instead
Pass a literal dictionary (`{"order_id": order.id, "revenue": order.total}`), or suppress with
`# tracklint: ignore[TL011]` where the shape is verified elsewhere.

## Options
Severity is configurable (`[tool.tracklint.severity] TL011 = "note"`).
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules._common import props_span, target_for
from tracklint.rules.base import Finding, RuleContext

CODE = "TL011"
NAME = "unverifiable-properties"
SCOPE = "call"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Properties cannot be fully known statically."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    if (call.path, call.span.start_byte) in ctx.forwarding:
        return  # a configured wrapper's own body, passing its parameter on: its callers are checked
    target = target_for(call, ctx.plan)
    if target is None:
        return
    kind = call.properties_kind
    props = call.properties
    if kind == "dynamic" and props is not None:
        required = [n for n, s in target.properties.items() if s.required]
        extra = f"; required: {', '.join(f'`{n}`' for n in required)}" if required else ""
        yield Finding(
            f"The {target.noun} object `{props.brief()}` of {target.label} cannot be known statically{extra}.",
            path=call.path,
            span=props_span(call),
            help="pass a literal object so the plan can be checked",
            event=call.event,
        )
    elif kind == "open" and props is not None:
        visible = set(props.properties or {})
        hidden = [n for n, s in target.properties.items() if s.required and n not in visible]
        if hidden:
            yield Finding(
                f"Required {'properties' if target.noun == 'property' else 'traits'} {', '.join(f'`{n}`' for n in hidden)} of {target.label} may come from a spread and cannot be verified.",
                path=call.path,
                span=props_span(call),
                help="list them literally in the call",
                event=call.event,
                key="|".join(hidden),
            )
