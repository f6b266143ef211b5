"""``--output-format json``: the run as one JSON document (schema in docs/json-output.md)."""

from __future__ import annotations

from typing import IO, Any

from tracklint import __version__
from tracklint.fsutil import write_text
from tracklint.report.serialize import SCHEMA_VERSION, diagnostic_dict, dumps, notice_dict
from tracklint.result import Result


class JsonReporter:
    """Findings, notices and a summary, with a stable, versioned schema."""

    def __init__(self, *, color: bool = False, show_suppressed: bool = False, **_: Any) -> None:
        self.show_suppressed = show_suppressed

    def report(self, result: Result, rules: dict, stream: IO[str]) -> None:
        shown = result.diagnostics if self.show_suppressed else result.active
        doc = {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "tracklint", "version": __version__},
            "summary": {
                "errors": sum(1 for d in result.active if d.severity.value == "error"),
                "warnings": sum(1 for d in result.active if d.severity.value == "warning"),
                "notes": sum(1 for d in result.active if d.severity.value == "note"),
                "suppressed": sum(1 for d in result.diagnostics if d.suppressed),
                "files": result.stats.files_listed,
                "calls": result.call_count,
            },
            "diagnostics": [diagnostic_dict(d) for d in shown],
            "notices": [notice_dict(n) for n in result.notices],
        }
        write_text(stream, dumps(doc))
