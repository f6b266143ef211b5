"""``--output-format concise``: one line per finding, ``path:line:col: CODE message``."""

from __future__ import annotations

from typing import IO, Any

from tracklint.result import Result


class ConciseReporter:
    """Grep- and editor-friendly lines (the format of ruff's and flake8's default output)."""

    def __init__(self, *, color: bool = False, show_suppressed: bool = False, **_: Any) -> None:
        self.show_suppressed = show_suppressed

    def report(self, result: Result, rules: dict, stream: IO[str]) -> None:
        shown = result.diagnostics if self.show_suppressed else result.active
        for d in shown:
            loc = d.location
            hint = f" ({d.help})" if d.help else ""
            sup = f" [suppressed: {d.suppressed}]" if d.suppressed else ""
            stream.write(f"{loc.path}:{loc.line}:{loc.column}: {d.code} [{d.severity.value}] {_one_line(d.message)}{hint}{sup}\n")
        for n in result.notices:
            where = f"{n.path}:{n.line}:{n.column}" if n.line else n.path
            if n.kind != "syntax-error":
                stream.write(f"{where}: note: {n.message}\n")
        errors = sum(1 for d in result.active if d.severity.value == "error")
        warnings = sum(1 for d in result.active if d.severity.value == "warning")
        stream.write(f"Found {errors} error(s), {warnings} warning(s) in {result.stats.files_listed} file(s).\n")


def _one_line(text: str) -> str:
    return text.replace("\r", "\\r").replace("\n", "\\n")
