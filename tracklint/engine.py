"""The pipeline: files -> pre-filter -> parse -> call sites -> rules -> suppress/baseline -> Result.

:func:`run` is ``tracklint check``; :func:`scan` stops after extraction (``tracklint scan``,
``init``, ``diff --check-code``). Both are plain functions over :class:`~tracklint.config.Settings`
and return a :class:`~tracklint.result.Result`; the CLI turns that into output and an exit code.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tracklint.config import Settings
from tracklint.diagnostics import Diagnostic, Location, Severity, assign_occurrences
from tracklint.extract import extract_file, linking
from tracklint.extract.base import FileExtraction, Notice, TrackCall
from tracklint.listing import Listing, list_paths, remembered, stream_paths  # noqa: F401 - remembered: the engine's API too
from tracklint.plan.model import Plan
from tracklint.pool import Extraction, Progress, extract_one, extract_paths, specs_of
from tracklint.result import Result, Stats
from tracklint.rules.base import Finding, RuleContext


def submodule_notices(settings: Settings) -> list[Notice]:
    """A notice for each git submodule in the run's paths: its code is not checked."""
    from tracklint.files import submodules

    if settings.files_given:
        return []
    return [Notice(rel, "skipped", "git submodule: its files are not checked (run tracklint inside it to check them)")
            for rel in submodules(settings.root, settings.paths)]


# --------------------------------------------------------------------------------------------
# Cross-file constants and sources


def complete_exports(settings: Settings, ex: Extraction) -> None:
    """Parse, on demand, the files that the pre-filter skipped but that define constants used
    as event names elsewhere (see :func:`tracklint.extract.linking.wanted_files`)."""

    def read(path: str) -> bytes | None:
        try:
            return (settings.root / path).read_bytes()
        except OSError:
            return None

    wanted = linking.wanted_files(ex.files, ex.unparsed, read)
    if not wanted:
        return
    specs = specs_of(settings)

    def whole(path: str) -> FileExtraction:
        fx = extract_one(str(settings.root / path), path, specs, settings.max_file_size, windows=False,
                         root=os.path.realpath(settings.root))
        ex.notices.extend(fx.notices)
        return fx

    for i, f in enumerate(ex.files):
        if f.path in wanted:
            ex.files[i] = whole(f.path)
    for path in sorted(wanted & ex.unparsed.keys()):
        del ex.unparsed[path]
        ex.files.append(whole(path))
    ex.files.sort(key=lambda f: f.path)


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


# --------------------------------------------------------------------------------------------
# PR modes: what a change can affect


def pr_mode(settings: Settings) -> bool:
    """Whether the run checks a change (--changed-since, --affected / the per-file hook)."""
    return bool(settings.changed_since) or settings.changed_files is not None


@dataclass(frozen=True)
class ChangeScope:
    """The paths a change touched (repo-relative, deleted ones included) and whether it touched
    an input of every call: the plan or one of its included files, the config, the baseline."""

    changed: frozenset[str]
    everything: bool


#: Suffixes of files that can change a result without being source files (plan, config).
_INPUT_SUFFIXES = (".yaml", ".yml", ".toml")


def changed_paths(settings: Settings) -> frozenset[str] | None:
    """What the change touched, or None outside the PR modes."""
    if settings.changed_since:
        from tracklint.gitutil import changed_files

        return frozenset(changed_files(settings.root, settings.changed_since, deleted=True))
    if settings.changed_files is not None:
        return frozenset(settings.changed_files)
    return None


def may_matter(settings: Settings, changed: frozenset[str]) -> bool:
    """Whether any changed path can change a finding: a source file, a YAML/TOML file (the plan
    and config are among them), the baseline, a submodule (a directory). A change to a README
    needs no extraction."""
    from tracklint.files import _supported

    inputs = {_rel(str(p), settings.root) for p in (settings.plan, settings.config_file, settings.baseline) if p}
    return any(_supported(os.path.basename(p)) or p.lower().endswith(_INPUT_SUFFIXES) or p in inputs
               or os.path.isdir(settings.root / p) for p in changed)


def change_scope(settings: Settings, plan: Plan, changed: frozenset[str]) -> ChangeScope:
    inputs = {_rel(os.path.abspath(str(p)), settings.root)
              for p in (*plan.files, settings.plan, settings.baseline) if p}
    everything = bool(changed & inputs)
    if not everything and settings.config_file is not None:
        config = _rel(os.path.abspath(settings.config_file), settings.root)
        everything = config in changed and _config_changed(settings, config)
    return ChangeScope(changed, everything)


def _config_changed(settings: Settings, rel: str) -> bool:
    """Whether the change touched tracklint's configuration: any change to a tracklint.toml;
    in a pyproject.toml, only a change to its ``[tool.tracklint]`` table (a dependency bump
    must not re-report every call). Compared with the base of --changed-since, or with HEAD for
    --affected (the staged file against the last commit)."""
    import tomllib

    from tracklint.errors import TracklintError
    from tracklint.gitutil import file_at_ref, merge_base

    path = settings.config_file
    if path is None or path.name != "pyproject.toml":
        return True
    try:
        base = merge_base(settings.root, settings.changed_since) if settings.changed_since else "HEAD"
        old = file_at_ref(settings.root, base, rel)
        if old is None:
            return True
        tables = [tomllib.loads(text).get("tool", {}).get("tracklint")
                  for text in (old.decode("utf-8"), path.read_text(encoding="utf-8"))]
    except (TracklintError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return True
    return tables[0] != tables[1]


def affected(files: list[FileExtraction], scope: ChangeScope) -> tuple[list[TrackCall], set[str]]:
    """The calls whose findings the change can affect (every call in a changed file, and the
    calls elsewhere that resolve through one), and the paths of the files they are in."""
    families = linking.changed_families(scope.changed)
    calls: list[TrackCall] = []
    paths: set[str] = set()
    for f in files:
        whole = scope.everything or f.path in scope.changed
        picked = f.calls if whole else [c for c in f.calls if linking.depends_on(f, c, scope.changed, families)]
        if picked or whole:
            calls.extend(picked)
            paths.add(f.path)
    return calls, paths


def _within_scope(diagnostics: list[Diagnostic], scope: ChangeScope, calls: list[TrackCall]) -> list[Diagnostic]:
    """The findings of a whole run that the change can affect: all of them when the plan, config
    or baseline changed; else those in changed files and those on affected calls elsewhere
    (a suppression comment counts from the line above its call)."""
    if scope.everything:
        return diagnostics
    from tracklint.suppress import UNUSED_CODE

    ranges: dict[str, list[tuple[int, int]]] = {}
    for call in calls:
        if call.path not in scope.changed:
            ranges.setdefault(call.path, []).append((call.span.line, call.span.end_line))

    def kept(d: Diagnostic) -> bool:
        loc = d.location
        if loc.path in scope.changed:
            return True
        before = 1 if d.code == UNUSED_CODE else 0
        return any(start - before <= loc.line and loc.end_line <= end for start, end in ranges.get(loc.path, ()))

    return [d for d in diagnostics if kept(d)]


def _skipped_changes(notices: list[Notice], scope: ChangeScope, settings: Settings, codes: set[str]) -> list[Diagnostic]:
    """TL014 for each changed file that was skipped unread or unparsed (see the rule's docs)."""
    from tracklint.rules import skipped_change as rule

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


# --------------------------------------------------------------------------------------------
# Rules


def whole_project(settings: Settings) -> bool:
    """Whether this run sees the whole project, so that project rules (an event nobody sends)
    mean something: no file list, no --changed-since, and the paths cover the plan's directory."""
    if settings.files_given or pr_mode(settings):
        return False
    if not settings.paths:
        return True
    plan_dir = Path(settings.plan).resolve().parent if settings.plan else settings.root.resolve()
    return any(p.is_dir() and plan_dir.is_relative_to(p.resolve()) for p in settings.paths)


def enabled_codes(settings: Settings) -> set[str]:
    """The rule codes this run applies (select/ignore by code or prefix; project rules only on a
    whole-project run)."""
    from tracklint.rules import RULES

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


def apply_rules(
    calls: list[TrackCall],
    plan: Plan,
    settings: Settings,
    *,
    codes: set[str],
    renamed_from: dict[tuple[str, int], str] | None = None,
) -> list[Diagnostic]:
    """Run every enabled rule and stamp code, name and severity on its findings."""
    from tracklint.rules import RULES

    diagnostics: list[Diagnostic] = []
    for code in sorted(codes):
        rule = RULES[code]
        ctx = RuleContext(
            plan=plan,
            options={**getattr(rule, "DEFAULTS", {}), **settings.rule_options.get(code, {})},
            whole_project=whole_project(settings),
            renamed_from=renamed_from or {},
            since_ref=settings.changed_since,
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
            diagnostics.append(_diagnostic(rule, severity, finding, settings.root))
    return diagnostics


def _diagnostic(rule, severity: Severity, finding: Finding, root: Path) -> Diagnostic:
    if finding.span is not None:
        s = finding.span
        loc = Location(finding.path or "", s.line, s.column, s.end_line, s.end_column, s.column_utf16, s.end_column_utf16)
    else:
        pl = finding.plan_location
        path = pl.path if pl else (finding.path or "")
        path = _rel(path, root)
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


def _rel(path: str, root: Path) -> str:
    if not path or not os.path.isabs(path):
        return path
    rel = os.path.relpath(path, root)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _notice_diagnostics(notices: list[Notice], settings: Settings, codes: set[str]) -> list[Diagnostic]:
    from tracklint.rules import syntax_error

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


# --------------------------------------------------------------------------------------------
# Entry points


def scan(settings: Settings, *, progress: Progress | None = None, plan: Plan | None = None) -> Result:
    """Find every call site (no rules): ``tracklint scan``, ``init``, ``diff --check-code``."""
    started = time.perf_counter()
    files = list_paths(settings)
    ex = extract_paths(settings, files, progress=progress)
    ex.notices += submodule_notices(settings)
    complete_exports(settings, ex)
    linking.resolve_constants(ex.files)
    calls = [c for f in ex.files for c in f.calls]
    if plan is not None:
        assign_sources(calls, plan, settings.root)
    ex.stats.seconds = time.perf_counter() - started
    return Result(root=str(settings.root), plan=plan, calls=calls, notices=ex.notices, stats=ex.stats)


def scan_calls(settings: Settings) -> list[TrackCall]:
    """The call sites of a project, as a list (for ``init`` and ``diff --check-code``)."""
    return scan(settings).calls


def run(settings: Settings, plan: Plan | Callable[[], Plan], *, progress: Progress | None = None,
        listing: Listing | None = None, memo_checked: bool = False) -> Result:
    """``tracklint check``: scan, compare with the plan, suppress, baseline. A run that
    changes nothing since the last one returns the remembered result (see ``memo.py``).
    ``plan`` may be a function that loads it: it is then called while the workers extract.
    ``listing``: the files (and stats) :func:`remembered` already listed; ``memo_checked``: it
    found no remembered result, so the memo's key is computed after extraction, from the stats
    the extraction takes anyway (on a cold run, workers start without waiting for a stat pass)."""
    from tracklint import memo

    started = time.perf_counter()
    loader = plan if callable(plan) else None
    the_plan: Plan | None = None if loader is not None else plan

    def load() -> Plan:
        nonlocal the_plan
        if the_plan is None:
            the_plan = loader()
        return the_plan

    changed = changed_paths(settings)
    if changed is not None and not may_matter(settings, changed):
        return _nothing_to_check(settings, load(), started)
    memo_checked = memo_checked or changed is not None  # a PR mode's result is never remembered
    stats: dict[str, os.stat_result] = listing.stats if listing is not None else {}
    stream = stream_paths(settings) if listing is None and memo_checked else None
    key = None
    if stream is not None:
        # No memo to check: workers start on the tracked files while git still looks for
        # untracked ones, and the plan loads while they work. The stats are the workers'.
        ex = extract_paths(settings, stream, progress=progress, stats=stats, while_extracting=load,
                           missing_ok=True)
        gone = set(ex.gone)
        files = sorted(pair for pair in stream.collected if pair[0] not in gone)
    else:
        if listing is None:
            taken: dict[str, os.stat_result] = {}
            listing = Listing(list_paths(settings, None if memo_checked else taken), taken)
            stats = listing.stats
        files = listing.files
        if not memo_checked:
            key = memo.memo_key(settings, memo.PlanSources.of(load()), files, stats)
            if key is not None:
                remembered = memo.load(settings, key, load())
                if remembered is not None:
                    remembered.stats.seconds = time.perf_counter() - started
                    return remembered
        ex = extract_paths(settings, files, progress=progress, stats=stats, while_extracting=load)
    plan = load()
    ex.notices += submodule_notices(settings)
    if memo_checked and changed is None:
        key = memo.memo_key(settings, memo.PlanSources.of(plan), files, stats)  # stats taken before each read
    complete_exports(settings, ex)
    linking.resolve_constants(ex.files)
    calls = [c for f in ex.files for c in f.calls]
    assign_sources(calls, plan, settings.root)
    scope = change_scope(settings, plan, changed) if changed is not None else None
    diagnostics = _diagnose(settings, plan, ex, calls, scope)
    notices = ex.notices
    if scope is not None:
        # The rules ran on every call (so suppressions, baselines and occurrence counts are
        # those of a full run); the report keeps what the change can affect.
        calls, paths = affected(ex.files, scope)
        diagnostics = _within_scope(diagnostics, scope, calls)
        notices = [n for n in notices if n.path in paths or n.path in scope.changed]
    diagnostics.sort(key=Diagnostic.sort_key)
    result = Result(
        root=str(settings.root),
        plan=plan,
        diagnostics=diagnostics,
        calls=calls,
        notices=notices,
        stats=ex.stats,
    )
    result.lines = _source_lines(settings.root, diagnostics)
    if key is not None and not any(n.kind in ("unreadable", "internal") for n in ex.notices):
        memo.save(settings, key, result, memo.PlanSources.of(plan))
    result.stats.seconds = time.perf_counter() - started
    return result


def _diagnose(settings: Settings, plan: Plan, ex: Extraction, calls: list[TrackCall],
              scope: ChangeScope | None) -> list[Diagnostic]:
    """Rules, notices (and, in a PR mode, changed files that were skipped), then inline
    suppressions and the baseline."""
    from tracklint import suppress
    from tracklint.rules import unused_suppression

    codes = enabled_codes(settings)
    renamed = _renames(settings, ex.files, scope.changed) if settings.changed_since and scope else {}
    diagnostics = apply_rules(calls, plan, settings, codes=codes, renamed_from=renamed)
    diagnostics += _notice_diagnostics(ex.notices, settings, codes)
    if scope is not None:
        diagnostics += _skipped_changes(ex.notices, scope, settings, codes)
    diagnostics = assign_occurrences(diagnostics)
    directives = {f.path: f.directives for f in ex.files if f.directives}
    diagnostics, unused = suppress.apply_directives(diagnostics, directives, enabled_codes=codes)
    if unused_suppression.CODE in codes:
        sev = settings.severity.get(unused_suppression.CODE)
        diagnostics += [d.with_(severity=sev) if sev else d for d in unused]
    if settings.baseline is not None:
        diagnostics = suppress.apply_baseline(diagnostics, suppress.load_baseline(settings.baseline))
    return diagnostics


def _source_lines(root: Path, diagnostics: list[Diagnostic]) -> dict[tuple[str, int], str]:
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
        from tracklint.extract import decode

        data, _ = decode(data)
        rows = data.split(b"\n")
        for n in numbers:
            if 1 <= n <= len(rows):
                lines[(path, n)] = rows[n - 1].decode("utf-8", "replace").rstrip("\r")
    return lines


def _nothing_to_check(settings: Settings, plan: Plan, started: float) -> Result:
    """The result of a PR-mode run whose change touches nothing that can change a finding."""
    return Result(root=str(settings.root), plan=plan, stats=Stats(seconds=time.perf_counter() - started))


def _renames(settings: Settings, files: list[FileExtraction], changed: frozenset[str]) -> dict[tuple[str, int], str]:
    """For --changed-since: call sites in changed files whose event name changed since REF,
    keyed by (path, line) -> the old name."""
    import difflib

    from tracklint.gitutil import file_at_ref

    specs = specs_of(settings)
    out: dict[tuple[str, int], str] = {}
    for fx in files:
        if fx.path not in changed:
            continue
        new_calls = [c for c in fx.calls if c.event is not None]
        if not new_calls:
            continue
        old_bytes = file_at_ref(settings.root, settings.changed_since, fx.path)
        if old_bytes is None:
            continue
        old = extract_file(fx.path, old_bytes, specs, max_file_size=settings.max_file_size)
        old_calls = [c for c in old.calls if c.event is not None]
        matcher = difflib.SequenceMatcher(a=[c.event for c in old_calls], b=[c.event for c in new_calls], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "replace" and (i2 - i1) == (j2 - j1):
                for a, b in zip(old_calls[i1:i2], new_calls[j1:j2]):
                    out[(fx.path, b.span.line)] = a.event
    return out
