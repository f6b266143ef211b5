"""## What it does
Reports planned events whose names are equal once case, spaces and separators are ignored
(`Order Completed`, `order_completed`, `orderCompleted`), including an old spelling listed in
`previous_names` that is another event's name or another event's old spelling. Pages and screens
are compared among themselves.

## Why is this bad?
tracklint (and people) match misspelt calls to the plan by their normalised name. Two planned
events with one normalised name make that match ambiguous, and usually mean one idea was planned
twice: the data ends up split between two events.

## Example
```yaml
events:
  Order Completed: {description: Checkout succeeded.}
  order_completed: {description: Order done.}
```

## Use instead
```yaml
events:
  Order Completed:
    description: Checkout succeeded.
    previous_names: [order_completed]
```

## Options
None.
"""

from __future__ import annotations

from typing import Iterable

from tracklint.diagnostics import normalise_name
from tracklint.plan.model import Event, Plan
from tracklint.rules.base import Finding, RuleContext

CODE = "TL101"
NAME = "plan-duplicate-name"
SCOPE = "plan"
DEFAULT_SEVERITY = "error"
SUMMARY = "Two planned events have the same name after normalising case and separators."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}
#: The summary when there are many findings (see :func:`tracklint.diagnose.group_plan_findings`).
GROUPED = "{count} planned names are equal to another after normalisation"


def _order(event: Event) -> tuple:
    loc = event.location
    return (loc.path, loc.line, loc.column) if loc else ("", 0, 0)


def check_plan(plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
    groups = (("event", plan.events), ("page", plan.pages), ("screen", plan.screens))
    for noun, events in groups:
        # normalised name -> [(spelling, is_previous_name, event)], in plan order
        claims: dict[str, list[tuple[str, bool, Event]]] = {}
        for event in sorted(events.values(), key=_order):
            own = normalise_name(event.name)
            claims.setdefault(own, []).append((event.name, False, event))
            for old in event.previous_names:
                key = normalise_name(old)
                if key == own or any(e is event for _, _, e in claims.get(key, [])):
                    continue  # a case/spacing rename of itself, or listed twice: harmless
                claims.setdefault(key, []).append((old, True, event))
        for entries in claims.values():
            if len({id(e) for _, _, e in entries}) < 2:
                continue
            # The anchor is the first current name (else the first old spelling).
            anchor = next((entry for entry in entries if not entry[1]), entries[0])
            a_name, a_previous, a_event = anchor
            for name, previous, event in entries:
                if event is a_event:
                    continue
                yield _finding(noun, name, previous, event, a_name, a_previous, a_event, plan)


def _finding(noun: str, name: str, previous: bool, event: Event, a_name: str, a_previous: bool,
             a_event: Event, plan: Plan) -> Finding:
    where = f" (defined at {a_event.location})" if a_event.location else ""
    if not previous and not a_previous:
        message = (f"Planned {noun} `{name}` has the same name as `{a_name}`{where} once case, "
                   "spaces and separators are ignored.")
        help_ = f"merge them into one {noun} (list the other spelling in `previous_names`), or rename one"
    elif previous and not a_previous:
        message = (f"`{name}`, a previous name of {noun} `{event.name}`, is the name of another "
                   f"{noun}, `{a_name}`{where}.")
        help_ = f"remove `{name}` from `previous_names` of `{event.name}`, or rename `{a_name}`"
    elif not previous and a_previous:
        message = (f"Planned {noun} `{name}` has the same name as `{a_name}`, a previous name of "
                   f"`{a_event.name}`{where}.")
        help_ = f"remove `{a_name}` from `previous_names` of `{a_event.name}`, or rename `{name}`"
    else:
        message = (f"`{name}` is a previous name of both `{event.name}` and `{a_event.name}`{where}; "
                   "a call using it cannot be matched to one of them.")
        help_ = "keep the old spelling on one event only"
    path = event.location.path if event.location else plan.path
    return Finding(message, path=path, plan_location=event.location, help=help_, event=event.name,
                   key=f"{noun}:{name}")
