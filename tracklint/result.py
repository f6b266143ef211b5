"""The result of one run, as every reporter sees it."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracklint.diagnostics import Diagnostic, Severity
from tracklint.extract.base import Notice, TrackCall
from tracklint.plan.model import Plan


@dataclass
class Stats:
    """Counters for the summary and the benchmark."""

    files_listed: int = 0
    files_parsed: int = 0
    files_cached: int = 0
    files_skipped: int = 0
    bytes_read: int = 0
    seconds: float = 0.0


@dataclass
class Result:
    """Everything a run produced.

    ``diagnostics`` is sorted by (path, line, column, code) and includes suppressed findings
    (``Diagnostic.suppressed`` set) so that SARIF can list them on request; reporters show only
    ``active`` ones by default. ``notices`` are files that could not be read, were skipped, or
    had regions the parser could not read. ``root`` is the directory paths are relative to.
    """

    root: str
    plan: Plan | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    calls: list[TrackCall] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    # Source lines shown by the terminal reporter: (path, line) -> text
    lines: dict[tuple[str, int], str] = field(default_factory=dict)
    # How many call sites were checked, when ``calls`` is not kept (a remembered result).
    calls_checked: int | None = None

    @property
    def call_count(self) -> int:
        return self.calls_checked if self.calls_checked is not None else len(self.calls)

    @property
    def files_checked(self) -> int:
        """Files whose calls were checked this run, read now or taken from the cache or the
        remembered result: the files listed, less those that could not be read or were skipped
        (a file with a syntax error still had its readable calls checked)."""
        unread = {n.path for n in self.notices if n.kind in ("skipped", "unreadable", "internal")}
        return max(0, self.stats.files_listed - len(unread))

    @property
    def active(self) -> list[Diagnostic]:
        """Findings that are not suppressed inline or by the baseline."""
        return [d for d in self.diagnostics if d.suppressed is None]

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.active if d.severity is severity)

    def worst(self) -> Severity | None:
        active = self.active
        return max((d.severity for d in active), key=lambda s: s.rank) if active else None
