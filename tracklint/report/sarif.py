"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

One run. ``tool.driver`` describes every rule from its docstring (short and full description,
help text and Markdown, help URI, default level); each result points at a repository-relative
URI under ``%SRCROOT%`` with a full region whose columns are UTF-16 code units, as the run's
``columnKind`` declares (CodeQL does the same; browsers and LSP count in that unit). Results
carry ``partialFingerprints["tracklint/v1"]``, the line-independent fingerprint the baseline also
uses, so code scanning keeps tracking an alert when lines are inserted above it. Files that could
not be (fully) read are reported as tool execution notifications, not as results.

Suppressed findings are left out unless ``show_suppressed``; then they carry
``suppressions: [{"kind": "inSource"}]`` (a ``tracklint: ignore`` comment) or ``"external"``
(the baseline).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, TextIO
from urllib.parse import quote

import tracklint
from tracklint.diagnostics import Diagnostic, Fix, Location
from tracklint.extract.base import Notice
from tracklint.fsutil import write_text
from tracklint.report.markdown import docs_url
from tracklint.report.serialize import dumps
from tracklint.result import Result

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://github.com/tracklint/tracklint"
FINGERPRINT_KEY = "tracklint/v1"
SRCROOT = "%SRCROOT%"
COLUMN_KIND = "utf16CodeUnits"

#: Notification level for each kind of file notice.
_NOTICE_LEVEL = {"unreadable": "error", "internal": "error", "skipped": "note"}
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
_SECTION = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.MULTILINE)


def artifact_location(path: str) -> dict[str, str]:
    """The ``artifactLocation`` of a path: a percent-encoded relative reference under
    ``%SRCROOT%``, or a ``file:`` URI for an absolute path outside the project."""
    if _WINDOWS_ABSOLUTE.match(path):
        return {"uri": PureWindowsPath(path).as_uri()}
    if PurePosixPath(path).is_absolute():
        return {"uri": PurePosixPath(path).as_uri()}
    # quote() keeps "/" and unreserved characters and percent-encodes the rest as UTF-8:
    # spaces, non-ASCII, "%", "#", "?" and ":" (which would otherwise read as a scheme).
    return {"uri": quote(path, safe="/"), "uriBaseId": SRCROOT}


def region(loc: Location) -> dict[str, int] | None:
    """A SARIF region (1-based; columns in UTF-16 units, end exclusive), or None without a line."""
    if loc.line < 1:
        return None
    start_col = max(loc.column_utf16, 1)
    end_line = max(loc.end_line, loc.line)
    end_col = max(loc.end_column_utf16, 1)
    if end_line == loc.line:
        end_col = max(end_col, start_col)
    return {"startLine": loc.line, "startColumn": start_col, "endLine": end_line, "endColumn": end_col}


def fix_object(fix: Fix) -> dict[str, Any]:
    """A SARIF ``fix`` (§3.55): the edits as replacements per file (regions in UTF-16 columns, as
    every region here). Whether ``check --fix`` applies it on its own is said in the text."""
    changes: dict[str, list[dict[str, Any]]] = {}
    for e in fix.edits:
        deleted = {"startLine": e.line, "startColumn": e.column_utf16, "endLine": e.end_line,
                   "endColumn": e.end_column_utf16}
        changes.setdefault(e.path, []).append({"deletedRegion": deleted, "insertedContent": {"text": e.replacement}})
    how = "safe: applied by `tracklint check --fix`" if fix.safe else "unsafe: applied with `--fix --unsafe-fixes`"
    return {
        "description": {"text": f"{fix.description} ({how})."},
        "artifactChanges": [{"artifactLocation": artifact_location(path), "replacements": replacements}
                            for path, replacements in changes.items()],
    }


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in ".!?:" else text + "."


def message_text(diag: Diagnostic) -> str:
    """The result message: the finding's sentence, then the hint."""
    return message_text_of(diag.message, diag.help)


def message_text_of(message: str, hint: str | None) -> str:
    """A message and its hint as one SARIF message text."""
    if not hint:
        return message
    return f"{_sentence(message)} Hint: {hint}"


def srcroot(root: str) -> dict[str, Any]:
    """The ``originalUriBaseIds`` entry of ``%SRCROOT%`` for a project root."""
    if not root:
        return {"description": {"text": "The project root tracklint ran in."}}
    uri = Path(root).resolve().as_uri()
    return {"uri": uri if uri.endswith("/") else uri + "/"}


def _doc_sections(doc: str) -> dict[str, str]:
    """Split a ruff-style docstring into its sections (``## What it does``, ...); lines inside
    fenced code blocks (a ``# comment`` in an example) are never headings."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    fenced = False
    for line in doc.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _SECTION.match(line)
        if heading:
            current = sections.setdefault(heading.group(1).strip().rstrip(":?").lower(), [])
        elif current is not None:
            current.append(line)
    return {title: "\n".join(lines).strip() for title, lines in sections.items()}


def _plain(markdown: str) -> str:
    """A plain-text rendering of rule docs: headings (outside code fences) lose their ``#``."""
    out = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else _SECTION.match(line)
        out.append(heading.group(1) if heading else line)
    return "\n".join(out)


def rule_descriptor(code: str, module: Any) -> dict[str, Any]:
    """A ``reportingDescriptor`` for one rule module of the registry."""
    name = getattr(module, "NAME", code)
    summary = getattr(module, "SUMMARY", "") or name
    doc = inspect.cleandoc(module.__doc__) if getattr(module, "__doc__", None) else ""
    sections = _doc_sections(doc)
    what = sections.get("what it does", "")
    full = " ".join(what.split()) if what else summary
    help_markdown = doc or summary
    descriptor: dict[str, Any] = {
        "id": code,
        "name": name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": full},
        "help": {"text": _plain(help_markdown), "markdown": help_markdown},
        "helpUri": docs_url(code),
        "defaultConfiguration": {"level": _level(getattr(module, "DEFAULT_SEVERITY", "warning"))},
    }
    return descriptor


def _level(severity: Any) -> str:
    """A SARIF level from a severity given as text or as :class:`Severity`."""
    return str(getattr(severity, "value", severity)).lower()


def _fallback_descriptor(diag: Diagnostic) -> dict[str, Any]:
    """A descriptor for a code the registry does not have (e.g. a syntax-error finding)."""
    return {
        "id": diag.code,
        "name": diag.name,
        "shortDescription": {"text": diag.name},
        "fullDescription": {"text": diag.name},
        "help": {"text": diag.name, "markdown": diag.name},
        "helpUri": docs_url(diag.code),
        "defaultConfiguration": {"level": diag.severity.value},
    }


def _notification(notice: Notice) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": artifact_location(notice.path)}
    if notice.line and notice.line >= 1:
        # Notices carry code-point columns, not the run's UTF-16 unit, so give lines only.
        physical["region"] = {"startLine": notice.line, "endLine": max(notice.end_line or notice.line, notice.line)}
    return {
        "descriptor": {"id": notice.kind},
        "level": _NOTICE_LEVEL.get(notice.kind, "warning"),
        "message": {"text": notice.message},
        "locations": [{"physicalLocation": physical}],
    }


class SarifReporter:
    """Write one SARIF 2.1.0 log (see the module docstring)."""

    def __init__(self, *, color: bool = False, show_suppressed: bool = False) -> None:
        self.color = color
        self.show_suppressed = show_suppressed

    def report(self, result: Result, rules: Mapping[str, Any], stream: TextIO) -> None:
        write_text(stream, dumps(self.build(result, rules), sort_keys=True))

    def build(self, result: Result, rules: Mapping[str, Any]) -> dict[str, Any]:
        """The SARIF log as a dict."""
        shown = [d for d in result.diagnostics if self.show_suppressed or d.suppressed is None]
        shown.sort(key=Diagnostic.sort_key)

        descriptors = [rule_descriptor(code, rules[code]) for code in sorted(rules)]
        index = {d["id"]: i for i, d in enumerate(descriptors)}
        for diag in shown:
            if diag.code not in index:
                index[diag.code] = len(descriptors)
                descriptors.append(_fallback_descriptor(diag))

        results = [self._result(diag, index[diag.code]) for diag in shown]
        invocation = {
            "executionSuccessful": not any(n.kind == "internal" for n in result.notices),
            "toolExecutionNotifications": [_notification(n) for n in result.notices],
        }
        run: dict[str, Any] = {
            "tool": {
                "driver": {
                    "name": "tracklint",
                    "version": tracklint.__version__,
                    "informationUri": INFORMATION_URI,
                    "rules": descriptors,
                }
            },
            "columnKind": COLUMN_KIND,
            "originalUriBaseIds": {SRCROOT: srcroot(result.root)},
            "invocations": [invocation],
            "results": results,
        }
        return {"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}

    def _result(self, diag: Diagnostic, rule_index: int) -> dict[str, Any]:
        physical: dict[str, Any] = {"artifactLocation": artifact_location(diag.location.path)}
        reg = region(diag.location)
        if reg is not None:
            physical["region"] = reg
        item: dict[str, Any] = {
            "ruleId": diag.code,
            "ruleIndex": rule_index,
            "level": diag.severity.value,
            "message": {"text": message_text(diag)},
            "locations": [{"physicalLocation": physical}],
            "partialFingerprints": {FINGERPRINT_KEY: diag.fingerprint},
        }
        if diag.fix is not None:
            item["fixes"] = [fix_object(diag.fix)]
        if self.show_suppressed:
            # An empty list says "known not to be suppressed" (SARIF §3.27.23).
            item["suppressions"] = [{"kind": diag.suppressed}] if diag.suppressed else []
        return item
