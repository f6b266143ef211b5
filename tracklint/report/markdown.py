"""Markdown output, for pull-request comments and GitHub step summaries.

One summary line, then a table of findings (errors first) with the file and line linked to the
code when the run knows where the code is hosted (``link_base``, or the ``GITHUB_*`` variables
of an Actions run). Long tables are folded into a ``<details>`` block.

Event names, property names and messages come from the scanned code: every piece of user text
goes through :mod:`tracklint.report.markdown_escape` before it reaches the page.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, TextIO
from urllib.parse import quote

from tracklint.diagnostics import Diagnostic, Severity
from tracklint.fsutil import write_text
from tracklint.report.markdown_escape import escape_text, format_message
from tracklint.report.visible import fixable_label
from tracklint.result import Result
from tracklint.wording import plural

__all__ = ["MarkdownReporter", "escape_text", "format_message", "docs_url", "ordered"]

#: Tables longer than this are folded into a ``<details>`` block.
COLLAPSE_AFTER = 20

#: Where rule documentation lives when the registry has no ``docs_url``.
DOCS_BASE = "https://github.com/tracklint/tracklint/blob/main/docs/rules"

_ICONS = {Severity.ERROR: ":x:", Severity.WARNING: ":warning:", Severity.NOTE: ":information_source:"}


def docs_url(code: str) -> str:
    """The documentation page of a rule (the registry's ``docs_url`` when it has one)."""
    try:
        from tracklint.rules import docs_url as registry_docs_url
    except ImportError:
        return f"{DOCS_BASE}/{code}.md"
    return registry_docs_url(code)


def _link(label: str, url: str | None) -> str:
    return f"[{label}]({url})" if url else label


def github_link_base(environ: Mapping[str, str]) -> str | None:
    """``https://github.com/OWNER/REPO/blob/SHA`` for the commit an Actions run checks."""
    server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    repo = environ.get("GITHUB_REPOSITORY")
    sha = environ.get("GITHUB_SHA")
    if not repo or not sha:
        return None
    return f"{server}/{repo}/blob/{sha}"


def ordered(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """Errors first, then warnings, then notes; each in (path, line, column, code) order."""
    return sorted(diagnostics, key=lambda d: (-d.severity.rank, d.sort_key()))


class MarkdownReporter:
    """Write a Markdown summary: a headline and a table of the active findings.

    ``link_base`` (``https://host/owner/repo/blob/REF``) links each location to the code; by
    default it is derived from ``GITHUB_SERVER_URL``/``GITHUB_REPOSITORY``/``GITHUB_SHA``.
    ``path_prefix`` is prepended to paths in links (when the project root is a subdirectory of
    the repository). ``environ`` replaces ``os.environ`` (tests).
    """

    def __init__(
        self,
        *,
        color: bool = False,
        show_suppressed: bool = False,
        link_base: str | None = None,
        path_prefix: str = "",
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.color = color
        self.show_suppressed = show_suppressed
        env = os.environ if environ is None else environ
        self.link_base = (link_base or github_link_base(env) or "").rstrip("/") or None
        self.path_prefix = path_prefix.strip("/")

    # ----------------------------------------------------------------------------- public

    def report(self, result: Result, rules: Mapping[str, Any], stream: TextIO) -> None:
        write_text(stream, self.render(result, rules))

    def render(self, result: Result, rules: Mapping[str, Any], *, max_bytes: int | None = None) -> str:
        """The whole document. With ``max_bytes``, rows are dropped from the end (and counted
        in a last line) so that the UTF-8 encoding fits."""
        active = ordered(result.active)
        suppressed = [d for d in result.diagnostics if d.suppressed is not None]
        head = self._headline(result, active, suppressed)
        rows = [self._row(d) for d in active]
        if self.show_suppressed:
            rows += [self._row(d) for d in ordered(suppressed)]
        notices = self._notices(result)
        if not rows and not notices:
            return head
        doc = self._assemble(head, rows, len(rows), notices)
        if max_bytes is None or len(doc.encode("utf-8")) <= max_bytes:
            return doc
        return self._fit(head, rows, notices, max_bytes)

    # ----------------------------------------------------------------------------- parts

    def _headline(self, result: Result, active: list[Diagnostic], suppressed: list[Diagnostic]) -> str:
        counts = {s: sum(1 for d in active if d.severity is s) for s in Severity}
        files = len({d.location.path for d in active})
        extra = []
        if suppressed:
            baseline = sum(1 for d in suppressed if d.suppressed == "external")
            inline = len(suppressed) - baseline
            parts = []
            if inline:
                parts.append(f"{inline} suppressed inline")
            if baseline:
                parts.append(f"{baseline} in the baseline")
            extra.append(", ".join(parts))
        if result.files_checked:
            extra.append(f"{plural(result.files_checked, 'file')} checked")
        tail = f" ({'; '.join(extra)})" if extra else ""
        if not active:
            return f"### :white_check_mark: tracklint: no findings{tail}\n"
        found = ", ".join(plural(counts[s], s.value) for s in Severity if counts[s])
        icon = _ICONS[Severity.ERROR] if counts[Severity.ERROR] else _ICONS[Severity.WARNING]
        if not counts[Severity.ERROR] and not counts[Severity.WARNING]:
            icon = _ICONS[Severity.NOTE]
        return f"### {icon} tracklint: {found} in {plural(files, 'file')}{tail}\n"

    def _row(self, diag: Diagnostic) -> str:
        severity = f"{_ICONS[diag.severity]} {diag.severity.value}"
        if diag.suppressed:
            severity += " (suppressed)"
        code = f"{_link(diag.code, docs_url(diag.code))} {escape_text(diag.name)}"
        loc = diag.location
        label = f"<code>{escape_text(f'{loc.path}:{loc.line}')}</code>"
        location = _link(label, self._url(loc.path, loc.line, loc.end_line))
        message = format_message(diag.message)
        if diag.help:
            message += f"<br>_{format_message(diag.help)}_"
        if diag.fix is not None:
            message += f" ({escape_text(fixable_label(diag))})"
        return f"| {severity} | {code} | {location} | {message} |"

    def _url(self, path: str, line: int, end_line: int) -> str | None:
        if not self.link_base or path.startswith("/"):
            return None
        full = f"{self.path_prefix}/{path}" if self.path_prefix else path
        anchor = f"#L{line}" if line >= 1 else ""
        if anchor and end_line > line:
            anchor += f"-L{end_line}"
        # quote() encodes spaces, parentheses, brackets and non-ASCII, so the link target
        # cannot end early or carry Markdown.
        return f"{self.link_base}/{quote(full, safe='/')}{anchor}"

    def _notices(self, result: Result) -> str:
        # Syntax errors the engine already reported as findings (TL000) are not listed again.
        reported = {(d.location.path, d.location.line) for d in result.diagnostics}
        notices = [n for n in result.notices if not (n.line and (n.path, n.line) in reported)]
        if not notices:
            return ""
        items = []
        for notice in notices:
            where = notice.path + (f":{notice.line}" if notice.line else "")
            items.append(f"- <code>{escape_text(where)}</code> ({escape_text(notice.kind)}): {format_message(notice.message)}")
        title = f"{plural(len(notices), 'file notice')} (files not fully checked)"
        return f"<details><summary>{title}</summary>\n\n" + "\n".join(items) + "\n\n</details>\n"

    @staticmethod
    def _table(rows: list[str]) -> str:
        return "| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n" + "\n".join(rows) + "\n"

    def _assemble(self, head: str, rows: list[str], total: int, notices: str, dropped: int = 0) -> str:
        parts = [head]
        if rows:
            table = self._table(rows)
            if dropped:
                table += f"\n_…and {plural(dropped, 'more finding')} not shown here (size limit); see the job log._\n"
            if total > COLLAPSE_AFTER:
                table = f"<details><summary>Show {plural(total, 'finding')}</summary>\n\n{table}\n</details>\n"
            parts.append("\n" + table)
        if notices:
            parts.append("\n" + notices)
        return "".join(parts)

    def _fit(self, head: str, rows: list[str], notices: str, max_bytes: int) -> str:
        total = len(rows)
        # Grow the table row by row; one pass, sizes in UTF-8 bytes.
        skeleton = self._assemble(head, ["| x |"], total, notices, dropped=total)
        budget = max_bytes - len(skeleton.encode("utf-8"))
        if budget < 0:
            notices = ""
            skeleton = self._assemble(head, ["| x |"], total, notices, dropped=total)
            budget = max_bytes - len(skeleton.encode("utf-8"))
        kept = 0
        for row in rows:
            size = len(row.encode("utf-8")) + 1
            if size > budget:
                break
            budget -= size
            kept += 1
        if budget < 0 or (kept == 0 and max_bytes < len(head.encode("utf-8"))):
            return head.encode("utf-8")[:max(max_bytes, 0)].decode("utf-8", "ignore")
        if kept == 0:
            return self._assemble(head, [], total, notices) + (
                f"\n_{plural(total, 'finding')} not shown here (size limit); see the job log._\n"
            )
        return self._assemble(head, rows[:kept], total, notices, dropped=total - kept)
