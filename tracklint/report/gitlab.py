"""``--output-format gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

The report is a JSON array of issues in the subset of the Code Climate format that GitLab reads
(docs.gitlab.com, "Code Quality", "Implement a custom tool"): ``description``, ``check_name``,
``fingerprint``, ``severity`` (``info | minor | major | critical | blocker``) and
``location.path`` with ``location.lines.begin``. Each issue also carries the Code Climate fields
``type`` and ``categories`` so that other Code Climate readers accept it. GitLab matches
``location.path`` against repository paths, so paths are made relative to ``CI_PROJECT_DIR``
(the repository root on the runner) when the project root lies below it. ``fingerprint`` is the
finding's line-independent fingerprint: GitLab compares the issues of a merge request with
those of its target branch by fingerprint, so a finding that only moved is not reported as new.

GitLab has no notion of a suppressed issue: suppressed findings are never written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TextIO

from tracklint.diagnostics import Diagnostic, Severity
from tracklint.fsutil import write_text
from tracklint.report.paths import project_prefix
from tracklint.report.serialize import dumps
from tracklint.report.visible import fixable_label
from tracklint.result import Result

#: The Code Quality severity of each tracklint severity.
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}


class GitlabReporter:
    """The active findings as a Code Quality JSON array. ``environ`` replaces ``os.environ``."""

    #: A broken plan or config is reported as one error finding on the file (report/failure.py).
    REPORTS_FAILURES = True

    def __init__(self, *, color: bool = False, show_suppressed: bool = False,
                 environ: Mapping[str, str] | None = None, **_: Any) -> None:
        self.environ = os.environ if environ is None else environ

    def report(self, result: Result, rules: Mapping[str, Any], stream: TextIO) -> None:
        prefix = project_prefix(result.root, self.environ.get("CI_PROJECT_DIR"))
        write_text(stream, dumps([issue(d, rules, prefix) for d in result.active]))


def issue(diag: Diagnostic, rules: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """One finding as a Code Quality issue."""
    loc = diag.location
    rule = rules.get(diag.code)
    check = f"{diag.code} {rule.NAME}" if rule is not None else diag.code
    description = diag.message + (f" ({diag.help})" if diag.help else "")
    if diag.fix is not None:
        description += f" [{fixable_label(diag)}]"
    path = loc.path if not prefix or loc.path.startswith("/") else f"{prefix}/{loc.path}"
    begin = max(loc.line, 1)
    return {
        "type": "issue",
        "check_name": check,
        "description": description,
        "categories": ["Bug Risk"],
        "severity": SEVERITY[diag.severity],
        "fingerprint": diag.fingerprint,
        "location": {"path": path, "lines": {"begin": begin, "end": max(loc.end_line, begin)}},
    }

