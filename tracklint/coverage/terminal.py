"""``coverage`` on a terminal (rich): the matrix with a totals row, a legend, where the sent
but unplanned and unverifiable calls are, the required properties some call site leaves out,
and (with ``--changed-since``) what the change did. Fits 80 columns: event names wrap, cells
are a symbol and a count."""

from __future__ import annotations

from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracklint.coverage.change import Change
from tracklint.coverage.model import IMPLEMENTED, MISSING, UNPLANNED, UNVERIFIABLE, Coverage, Row, Site, Totals
from tracklint.report.visible import visible
from tracklint.wording import plural

#: status -> (symbol, style, words in the legend)
MARKS = {
    IMPLEMENTED: ("✓", "green", "implemented (call sites)"),
    UNVERIFIABLE: ("?", "yellow", "present but unverifiable"),
    MISSING: ("✗", "bold red", "planned but missing"),
    UNPLANNED: ("+", "magenta", "sent but unplanned"),
    None: ("·", "dim", "not planned here"),
}
#: Most locations listed per section before the rest are counted.
MAX_LISTED = 20


def _percent(totals: Totals) -> str:
    return "–" if totals.percent is None else f"{totals.percent:g}%"


def _cell(status: str | None, count: int) -> Text:
    symbol, style, _ = MARKS[status]
    return Text(f"{symbol} {count}" if count else symbol, style=style)


def _name(row: Row) -> Text:
    text = Text(visible(row.name), style="" if row.planned else "italic")
    if row.kind in ("page", "screen"):
        text.append(f" ({row.kind})", style="dim")
    if row.renamed_to:
        text.append(f" → {visible(row.renamed_to)}", style="dim")
    return text


def matrix(coverage: Coverage) -> Table:
    """The events × sources table with a totals row."""
    table = Table(show_edge=False, pad_edge=False, show_footer=True, footer_style="bold")
    table.add_column("event", footer="covered", overflow="fold", ratio=1, min_width=16)
    for source in coverage.sources:
        table.add_column(visible(source), footer=_percent(coverage.totals(source)), justify="center",
                         overflow="fold", min_width=5)
    for row in coverage.rows:
        table.add_row(_name(row), *(_cell(row.cells[s].status, len(row.cells[s].sites)) for s in coverage.sources))
    return table


def _where(site: Site) -> str:
    return visible(f"{site.path}:{site.line}:{site.column}")


def _notes(coverage: Coverage) -> list[Text]:
    """Where the unplanned and unverifiable calls are; the required properties left out."""
    lines: list[Text] = []
    for row in coverage.rows:
        for source, cell in row.cells.items():
            if cell.status in (UNPLANNED, UNVERIFIABLE):
                symbol, style, words = MARKS[cell.status]
                line = Text(f"{symbol} ", style=style)
                line.append(f"{visible(row.name)} [{visible(source)}]: {words.split(' (')[0]}, ")
                line.append(f"{plural(len(cell.sites), 'call site')}, first at {_where(cell.sites[0])}")
                lines.append(line)
        for prop in row.properties:
            if prop.missing:
                line = Text("✗ ", style="bold red")
                line.append(f"{visible(row.name)}: required `{visible(prop.name)}` left out at "
                            f"{len(prop.missing)} of {plural(prop.sites, 'call site')}, first at {_where(prop.missing[0])}")
                lines.append(line)
    return lines


def _change_lines(change: Change, coverage: Coverage) -> list[Text]:
    before, after = change.before, coverage.totals()
    head = Text(f"Since {visible(change.ref)} ({change.base[:12]}): covered {_percent(before)} → {_percent(after)}",
                style="bold")
    lines = [head]
    for c in change.cells:
        style = "green" if c.gained else "red" if c.lost else ""
        lines.append(Text(f"  {visible(c.event)} [{visible(c.source)}]: {c.before or 'not planned here'} → "
                          f"{c.after or 'not planned here'}", style=style))
    if not change.cells:
        lines.append(Text("  no cell changed"))
    return lines


def legend() -> Text:
    text = Text()
    for status, (symbol, style, words) in MARKS.items():
        text.append(symbol, style=style)
        text.append(f" {words}   " if status is not None else f" {words}")
    return text


class FullCoverageReporter:
    """``coverage`` (the default format): the matrix and what needs attention."""

    def __init__(self, *, color: bool = False, **_: Any) -> None:
        self.color = color

    def report(self, coverage: Coverage, change: Change | None, stream: IO[str]) -> None:
        console = Console(file=stream, force_terminal=self.color, no_color=not self.color, highlight=False,
                          width=None if stream.isatty() else 80, soft_wrap=False, emoji=False)
        console.print(matrix(coverage))
        console.print(legend())
        totals = coverage.totals()
        console.print(f"{totals.implemented} implemented, {totals.unverifiable} unverifiable, {totals.missing} "
                      f"missing, {totals.unplanned} unplanned: {_percent(totals)} of "
                      f"{plural(totals.planned, 'planned cell')} covered", markup=False)
        notes = _notes(coverage)
        if notes:
            console.print()
            for line in notes[:MAX_LISTED]:
                console.print(line)
            if len(notes) > MAX_LISTED:
                console.print(f"… and {len(notes) - MAX_LISTED} more (-f json lists them all)", markup=False)
        if change is not None:
            console.print()
            for line in _change_lines(change, coverage):
                console.print(line)
