"""## What it does
Reports planned events, pages and screens without a `description` (or with a blank one). With
`require-owner`, also reports those without an `owner`.

## Why is this bad?
The tracking plan is the contract between product, engineering and data. An event without a
description leaves the analyst guessing when it fires and what it means; one without an owner has
nobody to ask when it breaks.

## Example
```yaml
events:
  Order Completed:
    properties: {revenue: {type: number}}
```

## Use instead
```yaml
events:
  Order Completed:
    description: Checkout succeeded and payment was captured.
    owner: growth
    properties: {revenue: {type: number}}
```

## Options
- `require-owner` (bool, default false): also report events without an `owner`.
"""

from __future__ import annotations

from typing import Iterable

from tracklint.plan.model import Plan
from tracklint.rules.base import Finding, RuleContext

CODE = "TL103"
NAME = "plan-missing-description"
SCOPE = "plan"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Planned event has no description (or no owner, with require-owner)."
OPTIONS: dict[str, type] = {"require-owner": bool}
DEFAULTS: dict[str, object] = {"require-owner": False}
#: The summary when there are many findings (see :func:`tracklint.diagnose.group_plan_findings`).
GROUPED = "{count} descriptions (or owners) are missing from the plan"

_NOUNS = {"track": "event", "page": "page", "screen": "screen"}


def check_plan(plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
    require_owner = bool(ctx.options.get("require-owner", DEFAULTS["require-owner"]))
    for event in plan.all_events():
        noun = _NOUNS.get(event.kind, "event")
        path = event.location.path if event.location else plan.path
        if not (event.description or "").strip():
            yield Finding(
                f"Planned {noun} `{event.name}` has no description.",
                path=path,
                plan_location=event.location,
                help="add `description:` saying when it is sent and what it means",
                event=event.name,
                key="description",
            )
        if require_owner and not (event.owner or "").strip():
            yield Finding(
                f"Planned {noun} `{event.name}` has no owner.",
                path=path,
                plan_location=event.location,
                help="add `owner:` naming the team responsible for it",
                event=event.name,
                key="owner",
            )
