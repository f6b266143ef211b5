"""Builders shared by the reporter and suppression tests: a fake rule registry, findings and
results, so those tests do not depend on the real rules or the engine."""

from __future__ import annotations

import types

from tracklint.diagnostics import Diagnostic, Location, Severity, assign_occurrences
from tracklint.extract.base import Notice
from tracklint.result import Result

_DOC = """Checks that every {what}.

## What it does
Reports {what}.

## Why is this bad?
Downstream tools drop data they do not expect.

## Example
```python
# tracklint-expect: {code}
analytics.track("purchase_completed")
```

## Use instead
```python
analytics.track("Purchase Completed")
```
"""


def _rule(code: str, name: str, summary: str, severity: str, what: str) -> types.SimpleNamespace:
    return types.SimpleNamespace(
        CODE=code,
        NAME=name,
        SUMMARY=summary,
        DEFAULT_SEVERITY=severity,
        SCOPE="call",
        __doc__=_DOC.format(what=what, code=code),
    )


#: A small registry in the shape of ``tracklint.rules.RULES``.
RULES = {
    "TL001": _rule("TL001", "unknown-event", "Events must be in the tracking plan.", "error", "event is planned"),
    "TL005": _rule("TL005", "missing-property", "Required properties must be sent.", "error", "required property is sent"),
    "TL007": _rule("TL007", "deprecated-event", "Deprecated events should not be sent.", "warning", "event is current"),
    "TL009": _rule("TL009", "unverifiable-call", "Event names should be known statically.", "note", "call can be verified"),
    "TL013": _rule("TL013", "unused-suppression", "Suppressions must suppress something.", "warning", "suppression is used"),
}

_SEVERITY = {"TL001": Severity.ERROR, "TL005": Severity.ERROR, "TL007": Severity.WARNING, "TL009": Severity.NOTE}


def diag(
    code: str = "TL001",
    path: str = "app.py",
    line: int = 1,
    column: int = 1,
    end_line: int | None = None,
    end_column: int | None = None,
    *,
    event: str | None = "purchase_completed",
    key: str = "",
    message: str | None = None,
    help: str | None = None,
    severity: Severity | None = None,
    column_utf16: int = 0,
    end_column_utf16: int = 0,
    suppressed: str | None = None,
    occurrence: int = 0,
) -> Diagnostic:
    """A finding with sensible defaults."""
    end_line = line if end_line is None else end_line
    end_column = column + 10 if end_column is None else end_column
    name = RULES[code].NAME if code in RULES else "syntax-error"
    return Diagnostic(
        code=code,
        name=name,
        severity=severity or _SEVERITY.get(code, Severity.WARNING),
        message=message or f"`{event}` is not in the plan.",
        location=Location(path, line, column, end_line, end_column, column_utf16, end_column_utf16),
        help=help,
        event=event,
        key=key,
        occurrence=occurrence,
        suppressed=suppressed,
    )


def result(diagnostics: list[Diagnostic], *, root: str = "/repo", notices: list[Notice] | None = None) -> Result:
    """A Result as the engine would build it (occurrences numbered, sorted)."""
    diags = sorted(assign_occurrences(diagnostics), key=Diagnostic.sort_key)
    return Result(root=root, diagnostics=diags, notices=list(notices or []))
