"""## What it does
Reports a call that sends an event the plan marks `deprecated` (with the plan's own sentence,
e.g. "use 'Checkout Finished'"), or a property the plan marks deprecated.

## Why is this bad?
Deprecated events are on their way out of dashboards and destinations; new code that sends them
keeps a migration from ever finishing.

## Example
```yaml
events:
  Checkout Started: {deprecated: "use 'Checkout Began'"}
```
```js
analytics.track("Checkout Started");
```

## Use instead
```js
analytics.track("Checkout Began");
```
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules._common import call_span, target_for, walk_properties
from tracklint.rules.base import Finding, RuleContext

CODE = "TL008"
NAME = "deprecated-event"
SCOPE = "call"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Event or property is deprecated in the plan."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    target = target_for(call, ctx.plan)
    if target is None:
        return
    event = target.event
    if event is not None and event.deprecated:
        reason = event.deprecated if isinstance(event.deprecated, str) else None
        yield Finding(
            f"{target.label[0].upper() + target.label[1:]} is deprecated" + (f": {reason}" if reason else "."),
            path=call.path,
            span=call_span(call),
            help=reason or "stop sending it, or remove `deprecated` from the plan",
            event=call.event,
        )
    props = call.properties
    if props is None or props.properties is None:
        return
    for dotted, value, spec, _siblings, _parent in walk_properties(props, target.properties):
        if spec is not None and spec.deprecated:
            reason = spec.deprecated if isinstance(spec.deprecated, str) else None
            yield Finding(
                f"{target.noun.capitalize()} `{dotted}` of {target.label} is deprecated" + (f": {reason}" if reason else "."),
                path=call.path,
                span=value.key_span or value.span or call.span,
                help=reason,
                event=call.event,
                key=dotted,
            )
