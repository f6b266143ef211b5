"""## What it does
Reports a call that sends an event (or a named page or screen, when the plan lists them) whose
name is not in the tracking plan.

When the name equals a planned name, or one of its `previous_names`, after folding case,
separators and spacing, the message names the planned spelling; when it is an old name listed in
`previous_names`, it says the event was renamed. Otherwise the hint names the closest planned
name, or the two or three that are about equally close (a guess between look-alikes such as
`user_signed_up` and `user_logged_in` is shown as one, not made for you). With
`--changed-since`, a name the change removed from the plan is reported as such, with the name
the change added in its place as the rename (no guess by spelling).

`tracklint check --fix` rewrites an old name from `previous_names`, or a case/separator variant
of exactly one planned name, to the planned spelling (in the string literal, or in the
definition of the constant it comes from); with `--unsafe-fixes` it also takes a single close
suggestion.

## Why is this bad?
An unplanned name creates a new event in every destination. A rename such as
`"Purchase Completed"` -> `"purchase_completed"` splits one metric in two, and the tools that only
know the old name silently stop receiving it.

## Example
```js
analytics.track("purchase_completed", { order_id: "ord_1" });
```

## Use instead
```js
analytics.track("Purchase Completed", { order_id: "ord_1" });
```
or add the event to the tracking plan first.
"""

from __future__ import annotations

from typing import Iterable

from tracklint.diagnostics import normalise_name
from tracklint.extract.base import TrackCall
from tracklint.rules._common import call_span, event_rename, fold_unique, name_index, planned_events
from tracklint.rules.base import Finding, RuleContext

CODE = "TL001"
NAME = "unknown-event"
SCOPE = "call"
DEFAULT_SEVERITY = "error"
SUMMARY = "Event name is not in the tracking plan."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    events = planned_events(ctx.plan, call.kind)
    if events is None or call.event is None or call.event in events:
        return
    noun = {"track": "event", "page": "page", "screen": "screen"}[call.kind]
    name = call.event
    was = ctx.renamed_from.get((call.path, call.span.line))
    where = f"on {ctx.since_ref}" if ctx.since_ref else "before this change"
    was_text = f" (was `{was}` {where})" if was and was != name else ""
    index = name_index(events)
    renamed_to = index.renamed.get(name)
    if renamed_to is not None:
        yield Finding(
            f"`{name}` was renamed to `{renamed_to}` in the tracking plan{was_text}.",
            path=call.path,
            span=call_span(call),
            help=f"send `{renamed_to}` instead",
            event=name,
            rename=event_rename(call, renamed_to, safe=True),
        )
        return
    folded = normalise_name(name)
    same = index.folded.get(folded) or index.folded_old.get(folded)
    if same:
        yield Finding(
            f"`{name}` is not in the plan; did you mean `{same}`?{was_text}",
            path=call.path,
            span=call_span(call),
            help=f"replace `{name}` with `{same}`",
            event=name,
            rename=event_rename(call, same, safe=folded in _unique_folds(events)),
        )
        return
    removed = _removed_since_base(name, folded, events, call.kind, ctx)
    if removed is not None:
        message, help_text = removed
        yield Finding(message + was_text, path=call.path, span=call_span(call), help=help_text, event=name)
        return
    suggested = [index.shown[c] for c in index.suggest(folded)]
    close = [f"`{c}`" for c in suggested]
    if len(close) > 1:
        help_text = (f"the closest planned {noun}s are {', '.join(close[:-1])} and {close[-1]}; "
                     f"if `{name}` is new, add it to the plan")
    elif close:
        help_text = f"the closest planned {noun} is {close[0]}; if `{name}` is new, add it to the plan"
    else:
        help_text = f"add `{name}` to the tracking plan, or send a planned {noun}"
    yield Finding(
        f"{noun.capitalize()} `{name}` is not in the tracking plan.{was_text}",
        path=call.path,
        span=call_span(call),
        help=help_text,
        event=name,
        # one close name is a guess worth offering (unsafe); near-ties are not picked for you
        rename=event_rename(call, suggested[0], safe=False) if len(suggested) == 1 else None,
    )


def _unique_folds(events: dict) -> frozenset[str]:
    """The folded spellings exactly one planned name or previous name of ``events`` has (kept
    while the dict lives, as the name index is)."""
    held = _UNIQUE.get(id(events))
    if held is None or held[0] is not events:
        pairs = [(n, e.name) for e in events.values() for n in (e.name, *e.previous_names)]
        held = _UNIQUE[id(events)] = (events, fold_unique(pairs))
        if len(_UNIQUE) > 8:
            _UNIQUE.clear()
            _UNIQUE[id(events)] = held
    return held[1]


_UNIQUE: dict[int, tuple[dict, frozenset[str]]] = {}


def _removed_since_base(name: str, folded: str, events: dict, kind: str, ctx: RuleContext) -> tuple[str, str] | None:
    """With --changed-since, when ``name`` was planned on the base and the change removed it:
    the message and hint naming what the change added instead (the rename, when it added one)."""
    base = (ctx.base_names or {}).get(kind)
    if not base or folded not in base:
        return None
    noun = {"track": "event", "page": "page", "screen": "screen"}[kind]
    added = [e for e in events if normalise_name(e) not in base]
    ref = ctx.since_ref
    if len(added) == 1:
        return (f"`{name}` was removed from the plan since {ref}, and `{added[0]}` was added: renamed?",
                f"send `{added[0]}` (and list `{name}` in its `previous_names`), or restore `{name}` in the plan")
    shown = ", ".join(f"`{e}`" for e in added[:3]) + (f" and {len(added) - 3} more" if len(added) > 3 else "")
    also = f"; planned since then: {shown}" if added else ""
    return (f"{noun.capitalize()} `{name}` was removed from the plan since {ref}.",
            f"remove this call, send a planned {noun}, or restore `{name}` in the plan{also}")
