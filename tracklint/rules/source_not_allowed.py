"""## What it does
Reports a call that sends an event from a source (web, ios, android, backend…, matched by the
`paths` globs of the plan's `sources`) that the event's `sources` list does not include.

## Why is this bad?
An event planned for the backend but sent from the browser is counted twice, or carries client
data that is easy to spoof (a `Payment Captured` event sent by the web app, say).

## Example
```yaml
sources:
  web: {paths: ["apps/web/**"]}
  backend: {paths: ["services/**"]}
events:
  Payment Captured: {sources: [backend]}
```
```ts
// apps/web/src/checkout.ts
analytics.track("Payment Captured", { order_id });
```

## Use instead
Send it from the backend, or add `web` to the event's `sources`.
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules._common import call_span, target_for
from tracklint.rules.base import Finding, RuleContext

CODE = "TL009"
NAME = "source-not-allowed"
SCOPE = "call"
DEFAULT_SEVERITY = "error"
SUMMARY = "Event is sent from a source the plan does not list for it."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    target = target_for(call, ctx.plan)
    if target is None or target.event is None or call.source is None:
        return
    allowed = target.event.sources
    if allowed is None or call.source in allowed:
        return
    yield Finding(
        f"{target.label[0].upper() + target.label[1:]} is not planned for source `{call.source}` (planned: {', '.join(allowed) or 'none'}).",
        path=call.path,
        span=call_span(call),
        help=f"send it from {', '.join(allowed)}, or add `{call.source}` to its sources in the plan" if allowed else f"add `{call.source}` to its sources in the plan",
        event=call.event,
        key=call.source,
    )
