"""## What it does
Reports a `tracklint: ignore[CODE]` or `tracklint: ignore-file[CODE]` comment that suppresses
nothing (the finding it was written for is gone), or that names a code tracklint does not know.

## Why is this bad?
Stale suppressions hide the next real problem on that line and make the code harder to read.

## Example
```python
analytics.track(user_id, "Order Completed", props)  # tracklint: ignore[TL001]
```
(`Order Completed` is planned, so TL001 never fires here.)

## Use instead
Remove the comment.
"""

from __future__ import annotations

CODE = "TL013"
NAME = "unused-suppression"
SCOPE = "engine"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Suppression comment suppresses nothing."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}
