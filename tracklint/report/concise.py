"""``--output-format concise``: one line per finding, ``path:line:col: CODE message``.

Text from the scanned code is shown through :func:`~tracklint.report.visible.visible`: one
finding is always one line, and nothing in it reaches the terminal as a control."""

from __future__ import annotations

from typing import IO, Any

from tracklint.report.visible import fixable_label, visible
from tracklint.result import Result
from tracklint.wording import plural


class ConciseReporter:
    """Grep- and editor-friendly lines (the format of ruff's and flake8's default output)."""

    def __init__(self, *, color: bool = False, show_suppressed: bool = False, **_: Any) -> None:
        self.show_suppressed = show_suppressed

    def report(self, result: Result, rules: dict, stream: IO[str]) -> None:
        shown = result.diagnostics if self.show_suppressed else result.active
        for d in shown:
            loc = d.location
            hint = f" ({visible(d.help)})" if d.help else ""
            if d.fix is not None:
                hint += f" [{fixable_label(d)}]"
            sup = f" [suppressed: {d.suppressed}]" if d.suppressed else ""
            stream.write(f"{visible(loc.path)}:{loc.line}:{loc.column}: {d.code} [{d.severity.value}] {visible(d.message)}{hint}{sup}\n")
        for n in result.notices:
            where = f"{visible(n.path)}:{n.line}:{n.column}" if n.line else visible(n.path)
            if n.kind != "syntax-error":
                stream.write(f"{where}: note: {visible(n.message)}\n")
        errors = sum(1 for d in result.active if d.severity.value == "error")
        warnings = sum(1 for d in result.active if d.severity.value == "warning")
        stream.write(f"Found {plural(errors, 'error')}, {plural(warnings, 'warning')} in {plural(result.stats.files_listed, 'file')}.\n")
