"""From call sites to diagnostics: which rules a run applies, the rules themselves, notices
that are findings (a syntax error, a skipped changed file), inline suppressions and the baseline.

:func:`diagnose` is what ``check`` does after extraction; the pipeline around it is
:mod:`tracklint.engine`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

from tracklint import suppress
from tracklint.change import ChangeScope, project_path, whole_project
from tracklint.config import Settings
from tracklint.diagnostics import Diagnostic, Location, Severity, assign_occurrences
from tracklint.extract import decode
from tracklint.extract.base import FileExtraction, Notice, TrackCall
from tracklint.fix import Fixer, Reader
from tracklint.plan.model import Plan
from tracklint.rules import (
    RULES, skipped_change, syntax_error, unused_suppression, unverifiable_event, unverifiable_properties,
)
from tracklint.rules.base import Finding, RuleContext


def diagnose(settings: Settings, plan: Plan, files: list[FileExtraction], notices: list[Notice],
             calls: list[TrackCall], scope: ChangeScope | None = None,
             renamed: dict[tuple[str, int], str] | None = None, *,
             base_names: dict[str, dict[str, str]] | None = None, read: Reader | None = None) -> list[Diagnostic]:
    """Rules, notices (and, in a PR mode, changed files that were skipped), then inline
    suppressions and the baseline. ``renamed``: see :func:`tracklint.change.renames`;
    ``base_names``: :func:`tracklint.change.planned_at_base`. ``read`` gives a file's text as
    extraction read it, for the fixes (default: from disk; an editor passes its unsaved buffers)."""
    codes = enabled_codes(settings)
    diagnostics = apply_rules(calls, plan, settings, codes=codes, renamed_from=renamed, base_names=base_names,
                              read=read)
    diagnostics += _notice_diagnostics(notices, settings, codes)
    if scope is not None:
        diagnostics += _skipped_changes(notices, scope, settings, codes)
    diagnostics = assign_occurrences(diagnostics)
    directives = {f.path: f.directives for f in files if f.directives}
    diagnostics, unused = suppress.apply_directives(diagnostics, directives, enabled_codes=codes)
    if unused_suppression.CODE in codes:
        sev = settings.severity.get(unused_suppression.CODE)
        diagnostics += [d.with_(severity=sev) if sev else d for d in unused]
    if settings.baseline is not None:
        diagnostics = suppress.apply_baseline(diagnostics, suppress.load_baseline(settings.baseline))
    return diagnostics


#: A plan rule (below error severity) with more findings than this in one run is shown as one
#: summary finding: a plan written by ``init`` has no descriptions, and one TL103 per event
#: buried the findings about the code (issue #13).
GROUP_OVER = 3
_NAMED = re.compile(r"`([^`]+)`")


def group_plan_findings(diagnostics: list[Diagnostic], select: tuple[str, ...]) -> list[Diagnostic]:
    """``diagnostics`` with each plan rule's findings folded into one summary finding when
    there are more than :data:`GROUP_OVER` of them, unless ``select`` names the rule by its
    exact code (``--select TL103`` lists each one). Errors and suppressed findings are kept as
    they are; a baseline applies to the single findings (before this step)."""
    groups: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        rule = RULES.get(d.code)
        if (rule is not None and rule.SCOPE == "plan" and d.suppressed is None
                and d.severity.rank < Severity.ERROR.rank and d.code not in select):
            groups.setdefault(d.code, []).append(d)
    folded = {code: found for code, found in groups.items() if len(found) > GROUP_OVER}
    if not folded:
        return diagnostics
    gone = {id(d) for found in folded.values() for d in found}
    out = [d for d in diagnostics if id(d) not in gone]
    for code, found in folded.items():
        out.append(_summary(RULES[code], sorted(found, key=Diagnostic.sort_key)))
    return sorted(out, key=Diagnostic.sort_key)


def _summary(rule, found: list[Diagnostic]) -> Diagnostic:
    named = (_NAMED.search(d.message) for d in found)
    names = list(dict.fromkeys(m.group(1) for m in named if m))
    shown = ", ".join(f"`{n}`" for n in names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    first = found[0]
    return first.with_(
        message=f"{rule.GROUPED.format(count=len(found))}: {shown}.",
        help=f"list each one with `tracklint check --select {rule.CODE}`",
        event=None,
        key="grouped",
        occurrence=0,
    )


def enabled_codes(settings: Settings) -> set[str]:
    """The rule codes this run applies (select/ignore by code or prefix; project rules only on a
    whole-project run)."""
    def listed(code: str, patterns: tuple[str, ...]) -> bool:
        return any(p == "ALL" or code.startswith(p) for p in patterns)

    codes = set()
    everything = whole_project(settings)
    for code, rule in RULES.items():
        if settings.select and not listed(code, settings.select):
            continue
        if listed(code, settings.ignore):
            continue
        if rule.SCOPE == "project" and not everything:
            continue
        codes.add(code)
    return codes


#: The rules that do not apply to a wrapper's own forwarding call (TL010, TL011).
_FORWARDING_RULES = {unverifiable_event.CODE, unverifiable_properties.CODE}


def apply_rules(
    calls: list[TrackCall],
    plan: Plan,
    settings: Settings,
    *,
    codes: set[str],
    renamed_from: dict[tuple[str, int], str] | None = None,
    base_names: dict[str, dict[str, str]] | None = None,
    read: Reader | None = None,
) -> list[Diagnostic]:
    """Run every enabled rule and stamp code, name and severity on its findings (and the fix,
    where the rule knows one: :mod:`tracklint.fix`)."""
    diagnostics: list[Diagnostic] = []
    fixer = Fixer(read or disk_reader(settings.root))
    forwarding = frozenset()
    if codes & _FORWARDING_RULES and settings.wrappers:
        from tracklint.forwarding import forwarding_calls

        forwarding = forwarding_calls(settings.root, calls, settings.wrappers)
    for code in sorted(codes):
        rule = RULES[code]
        ctx = RuleContext(
            plan=plan,
            options={**getattr(rule, "DEFAULTS", {}), **settings.rule_options.get(code, {})},
            whole_project=whole_project(settings),
            renamed_from=renamed_from or {},
            since_ref=settings.changed_since,
            forwarding=forwarding,
            base_names=base_names,
        )
        severity = settings.severity.get(code) or Severity.parse(rule.DEFAULT_SEVERITY)
        if rule.SCOPE == "call":
            findings = (f for call in calls for f in rule.check(call, ctx))
        elif rule.SCOPE == "project":
            findings = rule.check_project(calls, ctx)
        elif rule.SCOPE == "plan":
            findings = rule.check_plan(plan, ctx)
        else:
            continue
        for finding in findings:
            diagnostic = _diagnostic(rule, severity, finding, settings.root)
            if finding.rename is not None:
                diagnostic = diagnostic.with_(fix=fixer.fix(finding.rename))
            diagnostics.append(diagnostic)
    return diagnostics


def disk_reader(root: Path) -> Callable[[str], bytes | None]:
    """Reads a project file as extraction does (UTF-8, byte order mark removed)."""

    def read(path: str) -> bytes | None:
        full = Path(path) if os.path.isabs(path) else root / path
        try:
            data, problem = decode(full.read_bytes())
        except OSError:
            return None
        return None if problem else data

    return read


def _diagnostic(rule, severity: Severity, finding: Finding, root: Path) -> Diagnostic:
    if finding.span is not None:
        s = finding.span
        loc = Location(finding.path or "", s.line, s.column, s.end_line, s.end_column, s.column_utf16, s.end_column_utf16)
    else:
        pl = finding.plan_location
        path = pl.path if pl else (finding.path or "")
        path = project_path(path, root)
        line = pl.line if pl else 1
        col = pl.column if pl else 1
        end_line = (pl.end_line if pl and pl.end_line else line)
        end_col = (pl.end_column if pl and pl.end_column else col + 1)
        loc = Location(path, line, col, end_line, end_col)
    return Diagnostic(
        code=rule.CODE,
        name=rule.NAME,
        severity=severity,
        message=finding.message,
        location=loc,
        help=finding.help,
        event=finding.event,
        key=finding.key,
    )


def _notice_diagnostics(notices: list[Notice], settings: Settings, codes: set[str]) -> list[Diagnostic]:
    if syntax_error.CODE not in codes:
        return []
    severity = settings.severity.get(syntax_error.CODE) or Severity.parse(syntax_error.DEFAULT_SEVERITY)
    out = []
    for n in notices:
        if n.kind != "syntax-error":
            continue
        line = n.line or 1
        col = n.column or 1
        out.append(
            Diagnostic(
                code=syntax_error.CODE,
                name=syntax_error.NAME,
                severity=severity,
                message=n.message,
                location=Location(n.path, line, col, n.end_line or line, n.end_column or col + 1),
                help="fix the syntax error; calls inside this region are not checked",
            )
        )
    return out


def _skipped_changes(notices: list[Notice], scope: ChangeScope, settings: Settings, codes: set[str]) -> list[Diagnostic]:
    """TL014 for each changed file that was skipped unread or unparsed (see the rule's docs)."""
    rule = skipped_change
    if not settings.fail_on_skipped_changes or rule.CODE not in codes:
        return []
    severity = settings.severity.get(rule.CODE) or Severity.parse(rule.DEFAULT_SEVERITY)
    return [
        Diagnostic(code=rule.CODE, name=rule.NAME, severity=severity,
                   message=f"this change touches a file that was not checked: {n.message}",
                   location=Location(n.path, 1, 1, 1, 2),
                   help="keep calls in files tracklint reads, or set fail-on-skipped-changes = false")
        for n in notices if n.kind == "skipped" and n.path in scope.changed
    ]


def assign_sources(calls: list[TrackCall], plan: Plan, root: Path) -> None:
    """Set ``call.source`` from the plan's ``sources.*.paths`` globs (relative to the plan)."""
    if not plan.sources:
        return
    import pathspec

    plan_root = Path(plan.root or root).resolve()
    specs = [
        (name, pathspec.GitIgnoreSpec.from_lines(list(src.paths)))
        for name, src in plan.sources.items()
        if src.paths
    ]
    cache: dict[str, str | None] = {}
    for call in calls:
        if call.path not in cache:
            rel = os.path.relpath(root / call.path, plan_root).replace(os.sep, "/")
            cache[call.path] = next((name for name, spec in specs if spec.match_file(rel)), None)
        call.source = cache[call.path]


def source_lines(root: Path, diagnostics: list[Diagnostic]) -> dict[tuple[str, int], str]:
    """The text of every line a finding points at (for the terminal reporter)."""
    wanted: dict[str, set[int]] = {}
    for d in diagnostics:
        if d.suppressed is None and d.location.path:
            wanted.setdefault(d.location.path, set()).add(d.location.line)
    lines: dict[tuple[str, int], str] = {}
    for path, numbers in wanted.items():
        full = Path(path) if os.path.isabs(path) else root / path
        try:
            data = full.read_bytes()
        except OSError:
            continue
        data, _ = decode(data)
        rows = data.split(b"\n")
        for n in numbers:
            if 1 <= n <= len(rows):
                lines[(path, n)] = rows[n - 1].decode("utf-8", "replace").rstrip("\r")
    return lines
