"""GitHub Actions workflow commands: one annotation per finding, plus a step summary.

Each active finding becomes a line such as::

    ::error title=tracklint (TL001),file=apps/web/cart.ts,line=12,endLine=12,col=5,endColumn=24::`purchase_completed` is not in the plan.

GitHub shows these on the pull request's diff. Event names, messages and paths come from the
scanned code: :mod:`tracklint.report.github_escape` builds every command, so a crafted name can
neither start a workflow command of its own on a new line nor drive the log viewer.

GitHub displays only 10 annotations of each kind per step (and 50 per job; see
actions/toolkit docs/problem-matchers.md), so findings are printed errors first, all of them,
followed by one notice that says how many will not be displayed. When ``GITHUB_STEP_SUMMARY``
is set, the Markdown report is appended to that file, within GitHub's 1 MiB limit.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any, TextIO

from tracklint.diagnostics import Diagnostic, Severity
from tracklint.fsutil import write_text
from tracklint.report.github_escape import append_summary, command, escape_data, escape_property, summary_budget
from tracklint.report.markdown import MarkdownReporter, ordered
from tracklint.report.paths import project_prefix
from tracklint.report.visible import visible
from tracklint.result import Result

__all__ = ["GithubReporter", "command", "escape_data", "escape_property"]

LOG = logging.getLogger(__name__)

#: Annotations GitHub displays per kind (error, warning, notice) in one step, and in one job.
PER_STEP_LIMIT = 10
PER_JOB_LIMIT = 50

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}
#: Notices about files (not findings of a rule) and the annotation kind that carries them.
_NOTICE_COMMAND = {"skipped": "notice"}


class GithubReporter:
    """Print GitHub annotations for the active findings and file notices.

    ``environ`` replaces ``os.environ`` (tests). Paths are made relative to
    ``GITHUB_WORKSPACE`` (the repository root on the runner) when the project root lies below
    it, because GitHub matches ``file=`` against repository paths.
    """

    def __init__(
        self,
        *,
        color: bool = False,
        show_suppressed: bool = False,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.color = color
        self.show_suppressed = show_suppressed
        self.environ = os.environ if environ is None else environ

    def report(self, result: Result, rules: Mapping[str, Any], stream: TextIO) -> None:
        prefix = project_prefix(result.root, self.environ.get("GITHUB_WORKSPACE"))
        lines: list[tuple[str, str]] = []  # (kind, command line)
        for diag in ordered(result.active):
            lines.append((_COMMAND[diag.severity], self._annotation(diag, prefix)))
        # A syntax-error notice the engine already turned into a finding (TL000) at the same
        # place is not annotated twice.
        reported = {(d.location.path, d.location.line) for d in result.diagnostics}
        for notice in result.notices:
            if notice.line and (notice.path, notice.line) in reported:
                continue
            kind = _NOTICE_COMMAND.get(notice.kind, "warning")
            props: dict[str, object] = {"title": f"tracklint ({notice.kind})", "file": _join(prefix, notice.path)}
            if notice.line:
                props["line"] = notice.line
                if notice.end_line:
                    props["endLine"] = notice.end_line
            lines.append((kind, command(kind, visible(notice.message), props)))
        # Errors first, then warnings, then notices (stable within each kind).
        rank = {"error": 0, "warning": 1, "notice": 2}
        lines.sort(key=lambda item: rank[item[0]])

        counts = {kind: sum(1 for k, _ in lines if k == kind) for kind in rank}
        hidden = sum(max(0, n - PER_STEP_LIMIT) for n in counts.values())
        overflow = None
        if hidden:
            # Our own notice takes one of the notice slots, so one more finding-notice is hidden.
            if counts["notice"] >= PER_STEP_LIMIT:
                hidden += 1
            overflow = command("notice", self._overflow_message(hidden, len(lines)), {"title": "tracklint"})

        out = [text for kind, text in lines if kind != "notice"]
        if overflow:
            # Printed before the notice-level annotations so that it is itself among the shown ones.
            out.append(overflow)
        out += [text for kind, text in lines if kind == "notice"]
        if out:
            write_text(stream, "\n".join(out) + "\n")
        self._write_summary(result, rules, prefix)

    # ----------------------------------------------------------------------------- helpers

    def _annotation(self, diag: Diagnostic, prefix: str) -> str:
        loc = diag.location
        props: dict[str, object] = {"title": f"tracklint ({diag.code})", "file": _join(prefix, loc.path)}
        if loc.line >= 1:
            props["line"] = loc.line
            props["endLine"] = max(loc.end_line, loc.line)
            # Columns only on single-line spans (as actions/toolkit documents). UTF-16 units,
            # which is what the browser that draws the annotation counts in.
            if loc.end_line == loc.line:
                props["col"] = loc.column_utf16
                props["endColumn"] = max(loc.end_column_utf16, loc.column_utf16)
        message = visible(diag.message)
        if diag.help:
            message += f"\nHint: {visible(diag.help)}"
        if diag.fix is not None:
            message += "\nFixable: `tracklint check --fix" + ("`" if diag.fix.safe else " --unsafe-fixes` (a guess)")
        return command(_COMMAND[diag.severity], message, props)

    def _overflow_message(self, hidden: int, total: int) -> str:
        where = "the step summary and the log above" if self.environ.get("GITHUB_STEP_SUMMARY") else "the log above"
        noun = "annotation" if hidden == 1 else "annotations"
        return (
            f"{hidden} of {total} tracklint {noun} will not be displayed: GitHub shows at most "
            f"{PER_STEP_LIMIT} of each kind per step and {PER_JOB_LIMIT} per job. All of them are in {where}."
        )

    def _write_summary(self, result: Result, rules: Mapping[str, Any], prefix: str) -> None:
        target = self.environ.get("GITHUB_STEP_SUMMARY")
        if not target:
            return
        budget = summary_budget(target)
        if budget <= 0:
            LOG.warning("GITHUB_STEP_SUMMARY is already full; tracklint's summary was not added")
            return
        markdown = MarkdownReporter(show_suppressed=False, path_prefix=prefix, environ=self.environ)
        problem = append_summary(target, markdown.render(result, rules, max_bytes=budget - 1) + "\n")
        if problem:
            LOG.warning("%s", problem)


def _join(prefix: str, path: str) -> str:
    if not prefix or path.startswith("/"):
        return path
    return f"{prefix}/{path}"
