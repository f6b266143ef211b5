"""## What it does
Reports a property (or trait) sent from code that the plan does not define for the event, when
the event does not allow additional properties (`additional_properties: false`, the default for
events). Nested objects are checked the same way when the plan describes their properties.

A key listed in a planned property's `previous_names` is reported as renamed; that, or a key
that differs from exactly one planned key only in case and separators, is fixed by
`tracklint check --fix`.

## Why is this bad?
Unplanned properties are how drift starts: a typo (`reveune`) or a renamed key (`orderId` for
`order_id`) creates a new column that no report reads, while the planned one stays empty.

## Example
```kotlin
analytics.track("Order Completed", buildJsonObject { put("orderId", id) })
```

## Use instead
```kotlin
analytics.track("Order Completed", buildJsonObject { put("order_id", id) })
```
or add the property to the event in the tracking plan.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from tracklint.diagnostics import normalise_name
from tracklint.extract.base import TrackCall
from tracklint.rules._common import closest, fold_unique, key_rename, literal_target, nested_objects
from tracklint.rules.base import Finding, RuleContext

CODE = "TL005"
NAME = "unplanned-property"
SCOPE = "call"
DEFAULT_SEVERITY = "error"
SUMMARY = "Property is not defined for this event in the plan."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}


def check(call: TrackCall, ctx: RuleContext) -> Iterable[Finding]:
    found = literal_target(call, ctx.plan)
    if found is None:
        return
    target, props = found
    for prefix, obj, specs, additional in nested_objects(props, target.properties, target.additional):
        if additional:
            continue
        keys = obj.properties or {}
        hints = {key: _suggest(key, specs) for key in keys if key not in specs}
        # a rename that would collide with a key the object has, or that two keys would both
        # take, is not offered (the object would send one key twice)
        targets = Counter(new for _help, new, _safe in hints.values() if new is not None)
        for key, (help_text, new, safe) in hints.items():
            value = keys[key]
            dotted = prefix + key
            clash = new is None or new in keys or targets[new] > 1
            yield Finding(
                f"{target.noun.capitalize()} `{dotted}` is not in the plan for {target.label}.",
                path=call.path,
                span=value.key_span or value.span or call.span,
                help=help_text,
                event=call.event,
                key=dotted,
                rename=None if clash else key_rename(call, key, value, new, safe=safe),
            )


def _suggest(key: str, specs: dict) -> tuple[str, str | None, bool]:
    """The hint, the planned key to write instead (if any) and whether that rename is safe (an
    old spelling listed in one key's ``previous_names``, or a case or separator variant of
    exactly one planned key)."""
    renamed = [name for name, spec in specs.items() if key in spec.previous_names]
    if renamed:
        return f"`{key}` was renamed to `{renamed[0]}` in the plan; send `{renamed[0]}`", renamed[0], len(renamed) == 1
    folded = normalise_name(key)
    same = [name for name in specs if normalise_name(name) == folded]
    if same:
        return f"did you mean `{same[0]}`?", same[0], folded in fold_unique((n, n) for n in specs)
    close = closest(key, tuple(specs))
    if len(close) > 1:  # look-alikes: name them all rather than guess one
        shown = ", ".join(f"`{c}`" for c in close[:-1]) + f" and `{close[-1]}`"
        return f"the closest planned names are {shown}; otherwise add `{key}` to the plan", None, False
    if close:
        return f"did you mean `{close[0]}`? Otherwise add `{key}` to the plan", close[0], False
    return f"add `{key}` to the event in the tracking plan, or remove it", None, False
