"""## What it does
Reports a region of a source file that the parser could not read and that may contain an
analytics call (the region mentions a tracked method name). Calls in the rest of the file are
still checked.

## Why is this bad?
A call inside an unreadable region cannot be checked; staying silent would let it through the
gate. Usually the file really has a syntax error; sometimes the grammar lags the language.

## Example
```js
function broken( {
  analytics.track("Order Completed");
```

## Use instead
Fix the syntax error. If the code is valid and the grammar is wrong, suppress with
`// tracklint: ignore[TL000]` and report it to us.
"""

from __future__ import annotations

CODE = "TL000"
NAME = "syntax-error"
SCOPE = "engine"
DEFAULT_SEVERITY = "warning"
SUMMARY = "Source region cannot be parsed and may hide an analytics call."
OPTIONS: dict[str, type] = {}
DEFAULTS: dict[str, object] = {}
