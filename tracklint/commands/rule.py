"""``tracklint rule``: a rule's documentation, or the list of rules (as text or JSON)."""

from __future__ import annotations

import difflib
import inspect
import json
from dataclasses import dataclass
from typing import Any

import typer

from tracklint.errors import EXIT_SUCCESS, UsageError

#: The formats ``tracklint rule`` writes.
RULE_FORMATS = ("text", "json")


@dataclass(frozen=True)
class RuleOptions:
    """``tracklint rule [CODE] [-f text|json]``."""

    code: str | None = None
    output_format: str = "text"


def run_rule(options: RuleOptions, target: Any = None) -> int:
    """Print one rule's documentation, or every rule; exit 0 (2 for an unknown rule)."""
    from tracklint.rules import RULES, docs_url, get

    if options.output_format not in RULE_FORMATS:
        raise UsageError(f"--output-format must be text or json, not {options.output_format!r}")
    if options.code is None:
        if options.output_format == "json":
            typer.echo(json.dumps([_rule_dict(r) for r in RULES.values()], indent=2))
        else:
            _table(RULES)
        return EXIT_SUCCESS
    code = options.code
    try:
        r = get(code)
    except KeyError:
        close = difflib.get_close_matches(code.upper(), list(RULES), n=1) or difflib.get_close_matches(code, [m.NAME for m in RULES.values()], n=1)
        raise UsageError(f"unknown rule `{code}`", hint=f"did you mean `{close[0]}`?" if close else "run `tracklint rule` to list the rules") from None
    if options.output_format == "json":
        typer.echo(json.dumps(_rule_dict(r), indent=2))
        return EXIT_SUCCESS
    typer.echo(f"# {r.CODE} {r.NAME}\n\n{r.SUMMARY}\n\nScope: {r.SCOPE}. Default severity: {r.DEFAULT_SEVERITY}.\n")
    typer.echo(rule_doc(r))
    typer.echo(f"\nDocumentation: {docs_url(r.CODE)}")
    return EXIT_SUCCESS


def _table(rules) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for col in ("code", "name", "scope", "default", "summary"):
        table.add_column(col)
    for r in rules.values():
        table.add_row(r.CODE, r.NAME, r.SCOPE, r.DEFAULT_SEVERITY, r.SUMMARY)
    Console(highlight=False).print(table)


def rule_doc(r) -> str:
    """A rule's documentation: its class docstring, dedented."""
    return inspect.cleandoc(r.__doc__ or "").strip()


def _rule_dict(r) -> dict:
    from tracklint.rules import docs_url

    return {
        "code": r.CODE,
        "name": r.NAME,
        "scope": r.SCOPE,
        "default_severity": r.DEFAULT_SEVERITY,
        "summary": r.SUMMARY,
        "documentation": rule_doc(r),
        "url": docs_url(r.CODE),
    }
