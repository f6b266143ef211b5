"""## What it does
Reports an analytics call whose event name cannot be known statically: a variable, a function
result, a template literal or f-string with substitutions, or a constant tracklint could not
resolve. The expression is quoted in the message. For message-style SDKs (Go's
`client.Enqueue(msg)`, Java's `analytics.enqueue(builder)`), a message whose type and event
cannot be read at the call is reported the same way. A call inside the definition of a wrapper
declared in the configuration that passes on the wrapper's own parameter is not reported: the
wrapper's call sites are checked instead.

## Why is this bad?
Every other check depends on the name. A call tracklint cannot read is a call the tracking plan
cannot protect; it is reported (never silently dropped) so that a person decides.

## Example
```ts
analytics.track(`${feature} Clicked`);
```

## Use instead
Use literal names or constants (`Events.FEATURE_CLICKED`), or suppress the finding with
`// tracklint: ignore[TL010]` where a dynamic name is intended.

## Options
Severity is configurable (`[tool.tracklint.severity] TL010 = "note"`).
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules._common import call_span
from tracklint.rules.base import Finding, RuleContext
from tracklint.wording import callee, one_line

CODE = "TL010"
NAME = "unverifiable-event"
SCOPE = "call"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Event name cannot be known statically."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}

#: Call kinds whose name tracklint expects (identify/group/alias have no event name; a
#: ``message`` is a send call whose message, and so its event, is not visible at the call).
_NAMED = ("track", "message")


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    if call.kind not in _NAMED or call.event is not None:
        return
    if (call.path, call.span.start_byte) in ctx.forwarding:
        return  # a configured wrapper's own body, passing its parameter on: its callers are checked
    if call.event_kind == "none":
        message = f"`{callee(call.receiver, call.method)}(…)` has no event name that tracklint can read."
    else:
        expr = one_line(call.event_text, 60)
        what = "The message" if call.kind == "message" else "The event name"
        message = f"{what} `{expr}` cannot be known statically, so this call cannot be checked against the plan."
    yield Finding(
        message,
        path=call.path,
        span=call_span(call),
        help="use a literal or a constant defined in the repository",
        event=call.event_text or None,
        key=call.event_text,
    )
