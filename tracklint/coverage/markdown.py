"""``coverage -f markdown``: for a pull-request comment or a step summary.

First what the change did (with ``--changed-since``), then coverage per source, then the matrix
(folded in ``<details>``, at most :data:`MAX_ROWS` rows so the comment stays under GitHub's
65,536 characters), then what needs attention. Every name from the code or the plan is escaped
(:mod:`tracklint.report.markdown_escape`).
"""

from __future__ import annotations

from typing import IO, Any

from tracklint.coverage.change import Change
from tracklint.coverage.model import IMPLEMENTED, MISSING, UNPLANNED, UNVERIFIABLE, Coverage, Totals
from tracklint.report.markdown_escape import escape_text

MARKS = {IMPLEMENTED: "✅", UNVERIFIABLE: "❓", MISSING: "❌", UNPLANNED: "➕", None: "·"}
WORDS = {IMPLEMENTED: "implemented", UNVERIFIABLE: "present but unverifiable", MISSING: "planned but missing",
         UNPLANNED: "sent but unplanned", None: "not planned"}
#: Most matrix rows and listed cells in one comment.
MAX_ROWS = 150


def _percent(totals: Totals) -> str:
    return "–" if totals.percent is None else f"{totals.percent:g}%"


def _status(status: str | None) -> str:
    return f"{MARKS[status]} {WORDS[status]}"


def _change(change: Change, coverage: Coverage) -> list[str]:
    lines = [f"**Since `{escape_text(change.ref)}`** ({change.base[:12]}): covered "
             f"{_percent(change.before)} → {_percent(coverage.totals())}", ""]
    if not change.cells:
        return lines + ["No coverage cell changed.", ""]
    lines += ["| | event | source | before | after |", "| --- | --- | --- | --- | --- |"]
    for c in change.cells[:MAX_ROWS]:
        sign = "🟢" if c.gained else "🔴" if c.lost else "⚪"
        lines.append(f"| {sign} | {escape_text(c.event)} | {escape_text(c.source)} | {_status(c.before)} | {_status(c.after)} |")
    if len(change.cells) > MAX_ROWS:
        lines.append(f"\n…and {len(change.cells) - MAX_ROWS} more changed cells (`-f json` lists them all).")
    return lines + [""]


def _sources(coverage: Coverage) -> list[str]:
    lines = ["| source | covered | ✅ | ❓ | ❌ | ➕ |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for source in [*coverage.sources, None]:
        t = coverage.totals(source)
        name = "**all**" if source is None else escape_text(source)
        lines.append(f"| {name} | {_percent(t)} | {t.implemented} | {t.unverifiable} | {t.missing} | {t.unplanned} |")
    return lines + [""]


def _matrix(coverage: Coverage) -> list[str]:
    head = "| event | " + " | ".join(escape_text(s) for s in coverage.sources) + " |"
    lines = ["<details><summary>Matrix: events × sources</summary>", "", head,
             "| --- |" + " :---: |" * len(coverage.sources)]
    for row in coverage.rows[:MAX_ROWS]:
        name = escape_text(row.name) if row.planned else f"*{escape_text(row.name)}*"
        cells = (f"{MARKS[row.cells[s].status]} {len(row.cells[s].sites) or ''}".strip() for s in coverage.sources)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if len(coverage.rows) > MAX_ROWS:
        lines.append(f"\n…and {len(coverage.rows) - MAX_ROWS} more events (`-f html` or `-f json` shows them all).")
    legend = " · ".join(f"{MARKS[s]} {WORDS[s]}" for s in MARKS)
    return lines + ["", legend, "", "</details>", ""]


def _attention(coverage: Coverage) -> list[str]:
    items = []
    for row in coverage.rows:
        for source, cell in row.cells.items():
            if cell.status in (MISSING, UNPLANNED, UNVERIFIABLE):
                where = f" (first at {escape_text(cell.sites[0].path)}:{cell.sites[0].line})" if cell.sites else ""
                items.append(f"- {MARKS[cell.status]} **{escape_text(row.name)}** in {escape_text(source)}: "
                             f"{WORDS[cell.status]}{where}")
        for prop in row.properties:
            if prop.missing:
                first = prop.missing[0]
                items.append(f"- ❌ **{escape_text(row.name)}**: required {escape_text(prop.name)} left out at "
                             f"{len(prop.missing)} of {prop.sites} call sites (first at "
                             f"{escape_text(first.path)}:{first.line})")
    if len(items) > MAX_ROWS:
        items = items[:MAX_ROWS] + [f"- …and {len(items) - MAX_ROWS} more"]
    return items


class MarkdownCoverageReporter:
    """``coverage -f markdown``."""

    def __init__(self, **_: Any) -> None:
        pass

    def report(self, coverage: Coverage, change: Change | None, stream: IO[str]) -> None:
        title = escape_text(coverage.plan_name or "tracking plan")
        lines = [f"### tracklint coverage: {title}", ""]
        if change is not None:
            lines += _change(change, coverage)
        lines += _sources(coverage) + _matrix(coverage)
        attention = _attention(coverage)
        if attention:
            lines += ["**Needs attention**", "", *attention, ""]
        stream.write("\n".join(lines).rstrip("\n") + "\n")
