"""The ``validate`` pipeline: every record of every file through the plan's call rules, with the
findings kept as examples (the first few of each kind) and everything counted.

A record is first checked in its quick form (:func:`~tracklint.validate.values.quick_call`);
only a record with findings is built again with positions to say where each finding is: the
line of the record (of the value, in a pretty-printed file), the column of the value or key,
and the JSON pointer, which ends the message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tracklint import suppress
from tracklint.config import Settings
from tracklint.diagnose import enabled_codes
from tracklint.diagnostics import Diagnostic, Location, Severity, assign_occurrences
from tracklint.extract.base import Notice
from tracklint.plan.model import Plan
from tracklint.result import Result, Stats
from tracklint.rules import RULES, syntax_error
from tracklint.rules.base import Finding, RuleContext
from tracklint.validate.locate import locate
from tracklint.validate.payloads import Payload, Skipped, payloads
from tracklint.validate.read import BadRecord, Record, open_source
from tracklint.validate.summary import Summary, Tally, Violation
from tracklint.validate.values import Pointers, exact_call, quick_call

Progress = Callable[[int, int], None]
#: Records between two progress updates.
_EVERY = 4096


@dataclass
class _Run:
    """The state of one run."""

    settings: Settings
    plan: Plan
    summary: Summary
    rules: list[tuple[Any, RuleContext, Severity]]
    bad_severity: Severity | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    lines: dict[tuple[str, int], str] = field(default_factory=dict)
    bad_kept: dict[str, int] = field(default_factory=dict)


def validate(settings: Settings, plan: Plan, files: list[tuple[str, Path]], *, examples: int = 3,
             progress: Progress | None = None) -> tuple[Result, Summary]:
    """Check every record of ``files`` ((shown path, path) pairs) against ``plan``.
    ``examples``: findings kept per event, rule and property (0: all)."""
    started = time.perf_counter()
    run = _start(settings, plan, examples)
    total = sum(_size(p) for _, p in files)
    done = 0
    for shown, path in files:
        done = _file(run, shown, path, done, total, progress)
        run.summary.files += 1
    diagnostics = assign_occurrences(run.diagnostics)
    if settings.baseline is not None:
        diagnostics = suppress.apply_baseline(diagnostics, suppress.load_baseline(settings.baseline))
    diagnostics.sort(key=Diagnostic.sort_key)
    stats = Stats(files_listed=len(files), seconds=time.perf_counter() - started)
    result = Result(root=str(settings.root), plan=plan, diagnostics=diagnostics, notices=run.notices,
                    stats=stats, lines=run.lines, calls_checked=run.summary.events)
    return result, run.summary


def _start(settings: Settings, plan: Plan, examples: int) -> _Run:
    codes = enabled_codes(settings)
    rules = []
    for code in sorted(codes):
        rule = RULES[code]
        if rule.SCOPE != "call":
            continue
        ctx = RuleContext(plan=plan, options={**getattr(rule, "DEFAULTS", {}), **settings.rule_options.get(code, {})})
        rules.append((rule, ctx, settings.severity.get(code) or Severity.parse(rule.DEFAULT_SEVERITY)))
    bad = None
    if syntax_error.CODE in codes:
        bad = settings.severity.get(syntax_error.CODE) or Severity.parse(syntax_error.DEFAULT_SEVERITY)
    return _Run(settings, plan, Summary(examples=examples), rules, bad)


def _file(run: _Run, shown: str, path: Path, done: int, total: int, progress: Progress | None) -> int:
    try:
        source = open_source(str(path))
    except OSError as exc:
        run.notices.append(Notice(shown, "unreadable", f"cannot read the file: {exc.strerror or exc}"))
        return done
    count = 0
    try:
        for member, items in source.parts():
            # a member of a zip archive is shown as a path inside it: export.zip/123_2026-11-30_5#0.json.gz
            where = f"{shown}/{member}" if member else shown
            for item in items:
                _record(run, where, item)
                count += 1
                if progress is not None and count % _EVERY == 0:
                    progress((done + source.done) >> 20, total >> 20)  # in MiB
        return done + source.size
    finally:
        source.close()


def _record(run: _Run, shown: str, item: Record | BadRecord) -> None:
    if type(item) is BadRecord:
        _bad_record(run, shown, item)
        return
    run.summary.records += 1
    for payload in payloads(item.value, run.plan.events.__contains__):
        if type(payload) is Skipped:
            run.summary.skipped[payload.reason] += 1
        else:
            _event(run, shown, item, payload)


def _bad_record(run: _Run, shown: str, bad: BadRecord) -> None:
    run.summary.bad += 1
    if run.bad_severity is None:
        return
    kept = run.bad_kept.get(shown, 0)
    examples = run.summary.examples
    if examples and kept >= examples:
        return
    run.bad_kept[shown] = kept + 1
    rule = syntax_error
    run.diagnostics.append(Diagnostic(
        code=rule.CODE, name=rule.NAME, severity=run.bad_severity,
        message=f"Record cannot be read: {bad.message}.", location=Location(shown, bad.line, 1, bad.line, 2),
        help="fix or drop the record; the rest of the file is still checked", key="record"))


def _event(run: _Run, shown: str, record: Record, payload: Payload) -> None:
    call = quick_call(payload, shown)
    tally = run.summary.tally(_label(payload))
    tally.records += 1
    run.summary.events += 1
    for rule, ctx, _severity in run.rules:
        for _finding in rule.check(call, ctx):
            _findings(run, shown, record, payload, tally)
            return
    tally.conforming += 1


def _findings(run: _Run, shown: str, record: Record, payload: Payload, tally: Tally) -> None:
    """A record with findings: build it again with positions, and keep the first examples."""
    pointers = Pointers()
    call = exact_call(payload, shown, record.line, pointers)
    text = record.text.decode("utf-8", "replace") if isinstance(record.text, bytes) else record.text
    # A record that starts inside its line (several on one line) is padded to its column, so
    # that columns count from the start of the line.
    text = " " * (record.column - 1) + text
    examples = run.summary.examples
    for rule, ctx, severity in run.rules:
        for finding in rule.check(call, ctx):
            violation = tally.violations.get((rule.CODE, finding.key))
            if violation is None:
                violation = tally.violations[(rule.CODE, finding.key)] = Violation(rule.CODE, finding.key)
            violation.count += 1
            if examples and violation.count > examples:
                continue
            diag = _diagnostic(rule, severity, finding, shown, record.line, text, pointers)
            if len(violation.examples) < (examples or 3):
                violation.examples.append(f"{shown}:{diag.location.line}")
            run.diagnostics.append(diag)
            line = diag.location.line
            if (shown, line) not in run.lines:
                run.lines[(shown, line)] = _line_text(text, line - record.line)


def _diagnostic(rule: Any, severity: Severity, finding: Finding, shown: str, line: int, text: str,
                pointers: Pointers) -> Diagnostic:
    pointer, is_key = pointers.of(finding.span) if finding.span is not None else ("", False)
    found = locate(text.lstrip(" "), pointer, key=is_key)
    if found is not None:
        pad = len(text) - len(text.lstrip(" "))
        found = (found[0] + pad, found[1] + pad)
    if found is None:
        loc = Location(shown, line, 1, line, 2)
    else:
        loc = _location(shown, line, text, *found)
    where = f" (at `{pointer}`)" if pointer else ""
    return Diagnostic(code=rule.CODE, name=rule.NAME, severity=severity, message=finding.message + where,
                      location=loc, help=finding.help, event=finding.event, key=finding.key)


def _location(shown: str, first_line: int, text: str, start: int, end: int) -> Location:
    """The location of ``text[start:end]``, ``text`` starting at ``first_line``; a span that runs
    over several lines ends at the end of its first line."""
    before = text.rfind("\n", 0, start) + 1
    line = first_line + text.count("\n", 0, start)
    stop = text.find("\n", start)
    if 0 <= stop < end:
        end = stop
    head, part = text[before:start], text[start:end]
    col16 = _utf16(head) + 1
    return Location(shown, line, len(head) + 1, line, len(head) + len(part) + 1, col16, col16 + _utf16(part))


def _utf16(text: str) -> int:
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2


def _line_text(text: str, index: int) -> str:
    lines = text.split("\n")
    return lines[index].rstrip("\r") if 0 <= index < len(lines) else ""


def _label(payload: Payload) -> str:
    name = payload.name if isinstance(payload.name, str) else None
    if payload.kind == "track":
        return f"event `{name}`" if name is not None else "track without an event name"
    if payload.kind in ("page", "screen"):
        return f"{payload.kind} `{name}`" if name is not None else payload.kind
    return payload.kind


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
