"""## What it does
Reports an event name in code that is not in the plan and breaks the plan's event naming
convention (`conventions.event_name`).

## Why is this bad?
A team that agreed on `Title Case` events will not find `order_completed` in its dashboards, and
two spellings of one idea end up as two events.

## Example
```python
analytics.track(user_id, "order_shipped")  # conventions: {event_name: title-case}
```

## Use instead
```python
analytics.track(user_id, "Order Shipped")
```
"""

from __future__ import annotations

from typing import Iterable

from tracklint.diagnostics import normalise_name
from tracklint.extract.base import TrackCall
from tracklint.rules._common import call_span, name_index
from tracklint.rules.base import Finding, RuleContext

CODE = "TL002"
NAME = "event-naming-convention"
SCOPE = "call"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Event name breaks the plan's naming convention."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    conv = ctx.plan.conventions
    style = conv.event_name_pattern and {"pattern": conv.event_name_pattern} or conv.event_name
    if not style or call.event is None or call.kind != "track":
        return
    if call.event in ctx.plan.events:
        return  # planned names are the plan's business (TL104)
    folded = normalise_name(call.event)
    index = name_index(ctx.plan.events)
    if folded in index.folded or folded in index.folded_old:
        return  # unknown-event already names the planned spelling
    from tracklint import naming

    if naming.check_name(call.event, style):
        return
    suggestion = naming.to_style(call.event, style) if isinstance(style, str) else None
    yield Finding(
        f"`{call.event}` does not follow the plan's event naming convention ({naming.describe(style)}).",
        path=call.path,
        span=call_span(call),
        help=f"spell it `{suggestion}`" if suggestion and suggestion != call.event else None,
        event=call.event,
    )
