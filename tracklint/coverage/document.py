"""The coverage report as plain data: what ``coverage -f json`` writes (schema in
docs/coverage.md and tests/schemas/coverage.schema.json) and what the HTML page embeds.

Paths are relative to the project root (POSIX), as in ``check``'s JSON; lines and columns are
1-based.
"""

from __future__ import annotations

from typing import Any

from tracklint import __version__
from tracklint.coverage.change import Change
from tracklint.coverage.model import STATUSES, Coverage, Row, Site, Totals

#: Bumped when a field changes meaning or goes away (adding a field keeps it).
COVERAGE_SCHEMA_VERSION = 1


def document(coverage: Coverage, change: Change | None = None) -> dict[str, Any]:
    """The whole report as JSON-ready data."""
    return {
        "schema_version": COVERAGE_SCHEMA_VERSION,
        "tool": {"name": "tracklint", "version": __version__},
        "plan": {"name": coverage.plan_name, "version": coverage.plan_version, "path": coverage.plan_path},
        "statuses": list(STATUSES),
        "sources": list(coverage.sources),
        "groups": coverage.groups,
        "totals": {
            "all": totals_dict(coverage.totals()),
            "sources": {s: totals_dict(coverage.totals(s)) for s in coverage.sources},
            "groups": {g: {s: totals_dict(coverage.totals(s, g)) for s in coverage.sources} for g in coverage.groups},
        },
        "events": [_row(row) for row in coverage.rows],
        "change": _change(change) if change is not None else None,
    }


def totals_dict(totals: Totals) -> dict[str, Any]:
    return {"planned": totals.planned, "implemented": totals.implemented, "unverifiable": totals.unverifiable,
            "missing": totals.missing, "unplanned": totals.unplanned, "percent": totals.percent}


def site_dict(site: Site) -> dict[str, Any]:
    return {"path": site.path, "line": site.line, "column": site.column, "properties_kind": site.properties_kind}


def _row(row: Row) -> dict[str, Any]:
    return {
        "name": row.name,
        "kind": row.kind,
        "planned": row.planned,
        "owner": row.owner,
        "renamed_to": row.renamed_to,
        "cells": {
            source: {"status": cell.status, "count": len(cell.sites),
                     "first": site_dict(cell.sites[0]) if cell.sites else None,
                     "sites": [site_dict(s) for s in cell.sites]}
            for source, cell in row.cells.items()
        },
        "properties": [
            {"name": p.name, "status": p.status, "sites": p.sites,
             "missing": [site_dict(s) for s in p.missing], "unknown": [site_dict(s) for s in p.unknown]}
            for p in row.properties
        ],
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "ref": change.ref,
        "base": change.base,
        "before": totals_dict(change.before),
        "cells": [{"event": c.event, "kind": c.kind, "source": c.source, "before": c.before, "after": c.after}
                  for c in change.cells],
    }


class JsonCoverageReporter:
    """``coverage -f json``: the document, indented, keys in a stable order."""

    def __init__(self, **_: Any) -> None:
        pass

    def report(self, coverage: Coverage, change: Change | None, stream) -> None:
        from tracklint.fsutil import write_text
        from tracklint.report.serialize import dumps

        write_text(stream, dumps(document(coverage, change)))
