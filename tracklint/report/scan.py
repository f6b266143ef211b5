"""Output of ``tracklint scan``: the call-site inventory as a table, concise lines or JSON.

The reporters are registered in :data:`tracklint.report.REGISTRIES` (``"scan"``)."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracklint import __version__
from tracklint.extract.base import TrackCall
from tracklint.fsutil import write_text
from tracklint.report.serialize import SCHEMA_VERSION, call_dict, dumps, notice_dict
from tracklint.report.visible import visible
from tracklint.result import Result
from tracklint.wording import callee, one_line, plural

_KIND_STYLE = {"literal": "green", "constant": "cyan", "dynamic": "yellow", "none": "yellow"}


def _event_text(c: TrackCall) -> Text:
    if c.event is not None:
        name = Text(visible(c.event))
    else:
        name = Text(f"<{visible(one_line(c.event_text or 'none', 80))}>", style="yellow")
    name.append(f"  {c.event_kind}", style=_KIND_STYLE.get(c.event_kind, ""))
    return name


def _props_text(c: TrackCall) -> str:
    props = c.properties
    if props is not None and props.properties is not None:
        shown = ", ".join(list(props.properties)[:6]) + (", …" if len(props.properties) > 6 else "")
        return visible(shown) + (" (+spread)" if props.open else "")
    if props is not None:
        return f"<{visible(props.brief())}>"
    return ""


class _ScanReporter:
    """A reporter of ``tracklint scan``: ``Reporter(color=..., event=...).report(calls, result, stream)``
    where ``calls`` are the call sites to list (already filtered by ``--event``)."""

    def __init__(self, *, color: bool = False, event: str | None = None, **_: Any) -> None:
        self.color = color
        self.event = event


class JsonScanReporter(_ScanReporter):
    """The inventory as one JSON document (docs/json-output.md)."""

    def report(self, calls: list[TrackCall], result: Result, stream: IO[str]) -> None:
        doc = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "tracklint", "version": __version__},
            "files": result.stats.files_listed,
            "calls": [call_dict(c) for c in calls],
            "notices": [notice_dict(n) for n in result.notices],
        }
        write_text(stream, dumps(doc))


class ConciseScanReporter(_ScanReporter):
    """One line per call site: ``path:line:col: sdk kind event``."""

    def report(self, calls: list[TrackCall], result: Result, stream: IO[str]) -> None:
        for c in calls:
            name = c.event if c.event is not None else (
                f"<{c.event_kind}: {one_line(c.event_text, 80)}>" if c.event_text else f"<{c.event_kind}>")
            stream.write(f"{visible(c.path)}:{c.span.line}:{c.span.column}: {visible(c.sdk)} {c.kind} {visible(name)}\n")


#: The widest a callee column is kept before it folds (``self._analytics_client.track``).
MAX_CALL_WIDTH = 36


class FullScanReporter(_ScanReporter):
    """Call sites grouped by file, as tables, then a count by kind of event name."""

    def report(self, calls: list[TrackCall], result: Result, stream: IO[str]) -> None:
        color = self.color
        console = Console(file=stream, force_terminal=color, no_color=not color,
                          color_system="auto" if color else None, highlight=False, soft_wrap=True, markup=False, emoji=False)
        # Grouped by file, as the check report is: the path is printed whole once (clickable in
        # editors and terminals), and the table keeps its width for what differs per call.
        by_file: dict[str, list[TrackCall]] = {}
        for c in calls:
            by_file.setdefault(c.path, []).append(c)
        for path, group in by_file.items():
            header = Text(visible(path), style="bold underline")
            if group[0].source:
                header.append(f"  ({visible(group[0].source)})", style="dim")
            console.print(header)
            rows = [(c, visible(callee(c.receiver, c.method))) for c in group]
            table = Table(box=None, header_style="bold", pad_edge=False, show_header=False)
            table.add_column("at", no_wrap=True, style="dim")
            table.add_column("sdk", no_wrap=True)
            # the callee keeps its width (up to a point); the event and properties wrap first
            table.add_column("call", overflow="fold", min_width=min(MAX_CALL_WIDTH, max(len(call) for _, call in rows)))
            for col in ("event", "properties"):
                table.add_column(col, overflow="fold")
            for c, call in rows:
                table.add_row(f"  {c.span.line}:{c.span.column}", visible(c.sdk), call, _event_text(c), _props_text(c))
            console.print(table)
        kinds = Counter(c.event_kind for c in calls)
        events = {c.event for c in calls if c.event is not None}
        what = f" sending `{visible(self.event)}`" if self.event else ""
        console.print(Text(
            f"\n{plural(len(calls), 'call site')}{what} in {plural(len({c.path for c in calls}), 'file')}: "
            f"{plural(len(events), 'distinct event name')}; "
            + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
            + f" ({plural(result.stats.files_listed, 'file')} listed, {result.stats.seconds:.2f}s)"
        ))
