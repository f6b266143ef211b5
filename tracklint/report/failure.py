"""A failure of the run itself (a broken plan or configuration, a bad command line, an output
file that cannot be written), reported in the format the run was asked for.

A CI job reads the report, not stderr: under ``github`` the failure is an error annotation on
the offending file and line (and a section of the step summary), under ``sarif`` a run with a
result on that file and ``invocations[0].executionSuccessful: false``, under ``json`` a document
whose ``diagnostics`` hold the failure with the same fields as a finding, under ``markdown`` a
headline and the message; a format whose reporter sets ``REPORTS_FAILURES`` (GitLab Code
Quality, JUnit) gets the failure as one error finding on the offending file, written by that
reporter. ``full`` and ``concise`` leave it to the message on stderr, which every format also
gets. The exit code stays 2.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import tracklint
from tracklint.diagnostics import Diagnostic, Location, Severity
from tracklint.errors import OutputError, TracklintError
from tracklint.fsutil import write_text
from tracklint.report.serialize import SCHEMA_VERSION, dumps
from tracklint.result import Result

#: Formats that write the failure their own way (below). A reporter class whose
#: ``REPORTS_FAILURES`` is true (GitLab, JUnit) reports it as one error finding instead.
FAILURE_FORMATS = ("json", "sarif", "github", "markdown")


def _as_finding(err: TracklintError) -> Diagnostic:
    """The failure as an error finding on the offending file (line 1 when it has no line)."""
    line = err.line if err.line is not None and err.line >= 1 else 1
    column = err.column if err.column is not None and err.column >= 1 else 1
    return Diagnostic(code=err.CODE, name=err.CODE, severity=Severity.ERROR, message=err.message,
                      location=Location(err.path or "", line, column, line, column), help=err.hint,
                      key=err.message)


def _reporter_of(fmt: str) -> Any:
    """The reporter class of ``fmt`` when it reports failures as a finding, else None."""
    from tracklint.report import REGISTRIES, get_reporter

    if fmt not in REGISTRIES["check"]:
        return None
    reporter = get_reporter(fmt)
    return reporter if getattr(reporter, "REPORTS_FAILURES", False) else None


def failure_dict(err: TracklintError) -> dict[str, Any]:
    """The failure with the fields of a finding (``docs/json-output.md``)."""
    line = err.line if err.line is not None else None
    column = err.column if err.column is not None else (1 if line is not None else None)
    identity = f"{err.CODE}\0{err.path or ''}\0{err.message}".encode("utf-8", "surrogatepass")
    return {
        "code": err.CODE,
        "name": err.CODE,
        "severity": "error",
        "message": err.message,
        "help": err.hint,
        "path": err.path,
        "line": line,
        "column": column,
        "end_line": line,
        "end_column": column,
        "event": None,
        "fingerprint": hashlib.md5(identity, usedforsecurity=False).hexdigest(),
        "suppressed": None,
        "fix": None,
    }


def _json(err: TracklintError) -> str:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tracklint", "version": tracklint.__version__},
        "summary": {"errors": 1, "warnings": 0, "notes": 0, "suppressed": 0, "files": 0, "calls": 0},
        "diagnostics": [failure_dict(err)],
        "notices": [],
    }
    return dumps(doc)


def _sarif(err: TracklintError, root: str) -> str:
    from tracklint.report import sarif

    message = sarif.message_text_of(err.message, err.hint)
    locations: list[dict[str, Any]] = []
    if err.path:
        physical: dict[str, Any] = {"artifactLocation": sarif.artifact_location(err.path)}
        if err.line is not None and err.line >= 1:
            physical["region"] = {"startLine": err.line, "startColumn": max(err.column or 1, 1)}
        locations.append({"physicalLocation": physical})
    result = {
        "ruleId": err.CODE,
        "ruleIndex": 0,
        "level": "error",
        "message": {"text": message},
        "locations": locations,
        "partialFingerprints": {sarif.FINGERPRINT_KEY: failure_dict(err)["fingerprint"]},
    }
    descriptor = {
        "id": err.CODE,
        "name": err.CODE,
        "shortDescription": {"text": f"tracklint could not run: {err.CODE.replace('-', ' ')}."},
        "defaultConfiguration": {"level": "error"},
    }
    notification = {"level": "error", "message": {"text": message}, "locations": locations}
    run = {
        "tool": {"driver": {"name": "tracklint", "version": tracklint.__version__,
                            "informationUri": sarif.INFORMATION_URI, "rules": [descriptor]}},
        "columnKind": sarif.COLUMN_KIND,
        "originalUriBaseIds": {sarif.SRCROOT: sarif.srcroot(root)},
        "invocations": [{"executionSuccessful": False, "toolExecutionNotifications": [notification]}],
        "results": [result],
    }
    return dumps({"$schema": sarif.SCHEMA_URI, "version": sarif.SARIF_VERSION, "runs": [run]}, sort_keys=True)


def _where(err: TracklintError) -> str:
    where = err.path or ""
    if where and err.line is not None:
        where += f":{err.line}"
    return where


def _markdown(err: TracklintError) -> str:
    from tracklint.report.markdown_escape import code, format_message

    where = _where(err)
    text = f"### :x: tracklint could not run ({err.CODE})\n\n"
    text += (f"{code(where)}: " if where else "") + format_message(err.message) + "\n"
    if err.hint:
        text += f"\n_Hint: {format_message(err.hint)}_\n"
    return text


def _github(err: TracklintError, environ: Mapping[str, str]) -> str:
    from tracklint.report.github_escape import append_summary, command
    from tracklint.report.visible import visible

    props: dict[str, object] = {"title": f"tracklint ({err.CODE})", "file": err.path}
    if err.path and err.line is not None:
        props["line"] = err.line
        if err.column is not None:
            props["col"] = err.column
    message = visible(err.message) + (f"\nHint: {visible(err.hint)}" if err.hint else "")
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        append_summary(summary, _markdown(err) + "\n")  # the annotation and stderr still say it
    return command("error", message, props) + "\n"


def failure_text(fmt: str, err: TracklintError, *, root: str = "", environ: Mapping[str, str] | None = None) -> str | None:
    """The report of ``err`` in ``fmt``, or None for a format that leaves it to stderr."""
    env = os.environ if environ is None else environ
    if fmt == "json":
        return _json(err)
    if fmt == "sarif":
        return _sarif(err, root)
    if fmt == "github":
        return _github(err, env)
    if fmt == "markdown":
        return _markdown(err)
    reporter = _reporter_of(fmt)
    if reporter is None:
        return None
    buffer = io.StringIO()
    reporter().report(Result(root=root, diagnostics=[_as_finding(err)]), {}, buffer)
    return buffer.getvalue()


def report_failure(fmt: str | None, err: TracklintError, *, output_file: Path | None,
                   stream: IO[str] | None = None, environ: Mapping[str, str] | None = None) -> None:
    """Write the report of ``err`` where the run's report would have gone (``output_file``,
    atomically, else ``stream``/stdout). Paths are as the user reads them: relative to the
    GitHub workspace under ``github``, else to the working directory. Never raises for I/O."""
    if (fmt not in FAILURE_FORMATS and (fmt is None or _reporter_of(fmt) is None)) or (
            isinstance(err, OutputError) and output_file is not None):
        return  # the report's own file cannot be written: the message on stderr says so
    env = os.environ if environ is None else environ
    if err.path and os.path.isabs(err.path):
        base = env.get("GITHUB_WORKSPACE") if fmt == "github" else None
        rel = os.path.relpath(err.path, base or os.getcwd())
        if not rel.startswith(".."):
            err = dataclasses.replace(err, path=rel.replace(os.sep, "/"))
    text = failure_text(fmt, err, root=os.getcwd(), environ=env)
    if text is None:
        return
    if output_file is not None:
        from tracklint.fsutil import write_atomic

        try:
            write_atomic(output_file, text, what="the report")
        except TracklintError:
            pass  # the message on stderr is all that can be said
        return
    out = stream or sys.stdout
    try:
        write_text(out, text)
        out.flush()
    except (OSError, ValueError):
        pass
