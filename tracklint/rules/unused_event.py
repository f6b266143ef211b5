"""## What it does
Reports a planned event (or named page/screen) that no call site in the project sends. It is a
project-wide rule: it runs only when the whole project is checked, never on a list of files
(such as a pre-commit run), where absence proves nothing. Deprecated events are not reported.

## Why is this bad?
A planned event that nothing sends is either dead weight in the plan or, worse, a call that was
renamed or deleted by mistake: the dashboard built on it is now empty.

## Example
The plan lists `Order Refunded`; no code sends it.

## Use instead
Send it where the refund happens, or remove it from the plan (or mark it `deprecated`).
"""

from __future__ import annotations

from typing import Iterable

from tracklint.extract.base import TrackCall
from tracklint.rules.base import Finding, RuleContext
from tracklint.wording import plural

CODE = "TL012"
NAME = "unused-event"
SCOPE = "project"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Planned event is not sent by any call site."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check_project(calls: list[TrackCall], ctx: RuleContext) -> Iterable[Finding]:
    if not ctx.whole_project:
        return
    sent: dict[str, set[str]] = {"track": set(), "page": set(), "screen": set()}
    for call in calls:
        if call.event is not None and call.kind in sent:
            sent[call.kind].add(call.event)
    dynamic = sum(1 for c in calls if c.kind == "track" and c.event is None)
    groups = (("track", "event", ctx.plan.events), ("page", "page", ctx.plan.pages),
              ("screen", "screen", ctx.plan.screens))
    for kind, noun, events in groups:
        for event in events.values():
            if event.deprecated or event.name in sent[kind]:
                continue
            note = f" ({plural(dynamic, 'call has a name', 'calls have names')} tracklint cannot read)" if dynamic else ""
            yield Finding(
                f"Planned {noun} `{event.name}` is not sent by any call site{note}.",
                plan_location=event.location,
                path=event.location.path if event.location else ctx.plan.path,
                help="send it, mark it deprecated, or remove it from the plan",
                event=event.name,
            )
