"""``--output-format full`` (the default on a terminal): findings grouped by file, with the code
line and a caret under the span, the rule code, the message and the hint; then a summary.

Paths, messages and code lines come from the scanned code and are shown through
:func:`~tracklint.report.visible.visible` (control and bidirectional characters as escapes)."""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from tracklint.diagnostics import Diagnostic, Severity
from tracklint.report.visible import fixable_label, visible
from tracklint.result import Result
from tracklint.wording import plural

#: Code lines longer than this are shown as a window around the span (minified code).
MAX_SHOWN = 120

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow", Severity.NOTE: "bold cyan"}


def _fixable(d: Diagnostic) -> Text:
    label = fixable_label(d)
    return Text(f" [{label}]", style="green" if d.fix is not None and d.fix.safe else "yellow") if label else Text()


class FullReporter:
    """The rich, human view."""

    def __init__(self, *, color: bool = False, show_suppressed: bool = False, **_: Any) -> None:
        self.color = color
        self.show_suppressed = show_suppressed

    def report(self, result: Result, rules: dict, stream: IO[str]) -> None:
        console = Console(
            file=stream,
            force_terminal=self.color,
            no_color=not self.color,
            color_system="auto" if self.color else None,
            highlight=False,
            soft_wrap=True,
            emoji=False,
            markup=False,
        )
        shown = result.diagnostics if self.show_suppressed else result.active
        current = None
        for diag in shown:
            if diag.location.path != current:
                current = diag.location.path
                console.print()
                console.print(Text(visible(current) if current else "<plan>", style="bold underline"))
            self._diagnostic(console, diag, result.lines.get((diag.location.path, diag.location.line)))
        self._notices(console, result)
        self._summary(console, result, rules)

    def _diagnostic(self, console: Console, d: Diagnostic, line_text: str | None) -> None:
        loc = d.location
        head = Text()
        head.append(f"  {loc.line}:{loc.column}", style="dim")
        head.append("  ")
        head.append(f"{d.severity.value:<7}", style=_STYLE[d.severity])
        head.append(" ")
        head.append(d.code, style="bold")
        head.append(" ")
        head.append(visible(d.message))
        if d.suppressed:
            head.append(f"  (suppressed: {d.suppressed})", style="dim")
        console.print(head)
        if line_text is not None:
            gutter = str(loc.line)
            shown, caret_start, caret_len = _window(line_text, loc.column, loc.end_column if loc.end_line == loc.line else None)
            pad = " " * (len(gutter) + 4)
            console.print(Text(f"   {gutter} │ ", style="dim") + Text(shown))
            console.print(Text(f"{pad}│ ", style="dim") + Text(" " * caret_start + "^" * max(1, caret_len), style=_STYLE[d.severity]))
        if d.help:
            console.print(Text("      = help: ", style="cyan") + Text(visible(d.help)) + _fixable(d))

    def _notices(self, console: Console, result: Result) -> None:
        notices = [n for n in result.notices if n.kind != "syntax-error"]
        if not notices:
            return
        console.print()
        console.print(Text(f"{plural(len(notices), 'file')} not fully analysed:", style="bold"))
        for n in notices[:20]:
            where = f"{visible(n.path)}:{n.line}" if n.line else visible(n.path)
            console.print(Text(f"  {where}: ", style="dim") + Text(visible(n.message)))
        if len(notices) > 20:
            console.print(Text(f"  … and {len(notices) - 20} more (see --output-format json)", style="dim"))

    def _summary(self, console: Console, result: Result, rules: dict) -> None:
        active = result.active
        console.print()
        if active:
            counts = Counter((d.code, d.severity) for d in active)
            table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
            table.add_column("count", justify="right")
            table.add_column("code")
            table.add_column("rule")
            table.add_column("severity")
            for (code, sev), n in sorted(counts.items(), key=lambda kv: (-kv[0][1].rank, -kv[1], kv[0][0])):
                rule = rules.get(code)
                table.add_row(str(n), code, getattr(rule, "NAME", ""), Text(sev.value, style=_STYLE[sev]))
            console.print(table)
            console.print()
        errors = sum(1 for d in active if d.severity is Severity.ERROR)
        warnings = sum(1 for d in active if d.severity is Severity.WARNING)
        notes = sum(1 for d in active if d.severity is Severity.NOTE)
        suppressed = sum(1 for d in result.diagnostics if d.suppressed)
        parts = [f"{errors} error{'s' * (errors != 1)}", f"{warnings} warning{'s' * (warnings != 1)}"]
        if notes:
            parts.append(f"{notes} note{'s' * (notes != 1)}")
        tail = (
            f" in {result.stats.files_listed} file{'s' * (result.stats.files_listed != 1)}"
            f" ({result.call_count} call{'s' * (result.call_count != 1)} checked"
            + (f", {suppressed} suppressed" if suppressed else "")
            + f", {result.stats.seconds:.2f}s)"
        )
        mark, style = ("✗", "bold red") if errors else (("!", "bold yellow") if warnings else ("✓", "bold green"))
        console.print(Text(f"{mark} ", style=style) + Text(", ".join(parts) + tail, style=style if errors else ""))
        safe = sum(1 for d in active if d.fix is not None and d.fix.safe)
        unsafe = sum(1 for d in active if d.fix is not None and not d.fix.safe)
        if safe or unsafe:
            line = f"{safe} fixable with `tracklint check --fix`" if safe else "none fixable with `tracklint check --fix`"
            console.print(Text(line + (f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""), style="dim"))


def _window(line: str, column: int, end_column: int | None) -> tuple[str, int, int]:
    """The part of ``line`` to show and where the caret goes, in terminal cells."""
    line = line.replace("\t", " ")
    start = max(0, column - 1)
    end = end_column - 1 if end_column and end_column > column else start + 1
    end = min(end, len(line)) if line else end
    offset = 0
    if len(line) > MAX_SHOWN:
        offset = max(0, min(start - 30, len(line) - MAX_SHOWN))
        shown = line[offset : offset + MAX_SHOWN]
        prefix = "…" if offset else ""
        suffix = "…" if offset + MAX_SHOWN < len(line) else ""
        caret_start = _cells(prefix + line[offset:start])
        caret_len = _cells(line[start:min(end, offset + MAX_SHOWN)])
        return prefix + visible(shown) + suffix, caret_start, caret_len
    return visible(line), _cells(line[:start]), _cells(line[start:end])


def _cells(text: str) -> int:
    """Terminal cells ``text`` takes once shown (control characters as their escapes)."""
    return cell_len(visible(text))
