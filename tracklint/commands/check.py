"""``tracklint check``: check the code against the tracking plan, the CI gate.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage, config, plan or internal
error (:mod:`tracklint.commands.common`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tracklint.commands.common import (
    Target, describe_run, emit, note, progress_callback, settings_for, start_listing, stop_listing, use_color,
    named,
)
from tracklint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_SUCCESS, UsageError
from tracklint.report import resolve_format
from tracklint.wording import plural


@dataclass(frozen=True)
class CheckOptions:
    """Everything ``tracklint check`` needs, parsed from the command line (None: not given, the
    configuration file or the default decides)."""

    paths: tuple[Path, ...] = ()
    plan: Path | None = None
    config: Path | None = None
    isolated: bool = False
    output_format: str | None = None
    output_file: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    exit_zero: bool = False
    baseline: Path | None = None
    write_baseline: Path | None = None
    changed_since: str | None = None
    affected: bool = False
    show_suppressed: bool = False
    color: str = "auto"
    jobs: int | None = None
    no_cache: bool = False
    exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    no_prefilter: bool = False
    stdin_filename: Path | None = None  # check stdin's text as this file (paths: "-" or none)
    fix: bool = False
    diff: bool = False
    unsafe_fixes: bool = False


def run_check(options: CheckOptions, target: Target | None = None) -> int:
    """Run ``tracklint check``; its exit code. ``target`` learns the report's format and file
    once the configuration is read (a later failure is reported there)."""
    target = target or Target("check")
    options = _stdin_paths(options)
    settings = _settings(options)
    target.format, target.output_file = settings.output_format, settings.output_file
    if options.affected:
        settings = _as_change(settings, options.paths)
    if settings.baseline is not None and not settings.baseline.is_file() and options.write_baseline is None:
        raise UsageError(f"baseline file not found: {settings.baseline}")
    if (options.fix or options.diff) and options.write_baseline is not None:
        raise UsageError("--fix and --diff cannot be combined with --write-baseline")
    if (options.fix or options.diff) and options.stdin_filename is not None:
        raise UsageError("--fix and --diff rewrite files, not stdin: with --stdin-filename, the fixes are the "
                         "quick fixes of `tracklint lsp`")
    result = _run_stdin(settings) if options.stdin_filename is not None else _run(settings)
    if options.fix or options.diff:
        return _fix(result, settings, options)
    if options.write_baseline is not None:
        from tracklint.suppress import write_baseline as write

        # Everything not silenced inline: findings the old baseline covered stay recorded.
        count = write(options.write_baseline, [d for d in result.diagnostics if d.suppressed != "inSource"])
        note(f"tracklint: recorded {plural(count, 'finding')} in {options.write_baseline}")
        return EXIT_SUCCESS
    from tracklint.diagnose import group_plan_findings

    # after the baseline was written: a baseline records each finding, never a summary
    result.diagnostics = group_plan_findings(result.diagnostics, settings.select)
    return _report(result, settings)


#: Most rounds of ``--fix``: a fix can reveal another (a renamed event's properties are checked
#: against the new event), so fixing repeats until nothing changes, as ruff does.
FIX_ROUNDS = 10


def _fix(result, settings, options: CheckOptions) -> int:
    """``--diff``: the edits as a unified diff, nothing written (exit 1 when there is something
    to fix). ``--fix``: every file's edits written at once, atomically, the project checked
    again (and fixed again, while a round changes something), then reported as usual."""
    from tracklint import fix as fixing
    from tracklint.fsutil import write_text

    fixed, touched = 0, set()
    for _ in range(FIX_ROUNDS):
        edits, count = fixing.plan_edits(result.diagnostics, unsafe=options.unsafe_fixes)
        contents = fixing.new_contents(settings.root, edits)
        if options.diff:
            emit(lambda stream: write_text(stream, fixing.unified_diff(contents)), settings.output_file)
            note(f"tracklint: would fix {_count(count, 'finding')} in {_count(len(contents), 'file')}"
                 if contents else "tracklint: nothing to fix")
            return EXIT_FINDINGS if contents else EXIT_SUCCESS
        if not contents:
            break
        fixing.apply(settings.root, contents)
        fixed += count
        touched |= contents.keys()
        result = _run(settings)
    if touched:
        note(f"tracklint: fixed {_count(fixed, 'finding')} in {_count(len(touched), 'file')}")
    return _report(result, settings)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def codes(values: tuple[str, ...]) -> tuple[str, ...] | None:
    """Rule codes from repeatable, comma-separated options (None when none are given)."""
    if not values:
        return None
    from tracklint.config import _codes as parse

    return parse([c for v in values for c in v.split(",")], "the command line", None)


def _settings(options: CheckOptions):
    from tracklint.diagnostics import Severity

    output_format = resolve_format("check", options.output_format, note=note)
    sev = None
    if options.fail_on is not None:
        try:
            sev = Severity.parse(options.fail_on)
        except ValueError as exc:
            raise UsageError(f"--fail-on: {exc}") from None
    return settings_for(
        paths=options.paths,
        config=options.config,
        isolated=options.isolated,
        plan=options.plan.resolve() if options.plan else None,
        output_format=output_format,
        output_file=options.output_file,
        select=codes(options.select),
        ignore=codes(options.ignore),
        fail_on=sev,
        exit_zero=options.exit_zero or None,
        baseline=options.baseline.resolve() if options.baseline else None,
        write_baseline=options.write_baseline,
        changed_since=options.changed_since,
        show_suppressed=options.show_suppressed or None,
        color=options.color,
        jobs=options.jobs,
        cache=False if options.no_cache else None,
        extend_exclude=tuple(options.exclude) if options.exclude else None,
        force_exclude=options.force_exclude or None,
        prefilter=False if options.no_prefilter else None,
    )


def _run(settings):
    """The run's :class:`~tracklint.result.Result`: the remembered one when nothing changed (then
    neither the plan nor the engine is loaded)."""
    start_listing(settings)  # git lists the files while the plan loads
    progress, stop = progress_callback(settings.progress and settings.output_format in ("full", "concise"))
    try:
        from tracklint.listing import check

        # the plan loads while the workers extract (a broken plan still exits 2)
        return check(settings, lambda: _load_plan(settings), progress=progress)
    finally:
        stop()
        stop_listing()


def _stdin_paths(options: CheckOptions) -> CheckOptions:
    """With ``--stdin-filename PATH``, the run's one path is PATH (its configuration and plan
    are found from there); stdin is named ``-`` or not at all. ``-`` needs a name."""
    from dataclasses import replace

    dash = Path("-")
    if options.stdin_filename is None:
        if dash in options.paths:
            raise UsageError("'-' reads the text to check from stdin: pass --stdin-filename PATH to say what file it is")
        return options
    if any(p != dash for p in options.paths):
        raise UsageError("--stdin-filename checks stdin: give no other path than '-'")
    if options.affected or options.changed_since:
        raise UsageError("--stdin-filename checks one text: --affected and --changed-since do not apply")
    return replace(options, paths=(options.stdin_filename,))


def _run_stdin(settings):
    """``check`` of stdin's text as the run's one path (see :func:`tracklint.engine.check_text`);
    a path the configuration excludes is not checked with ``--force-exclude``, as in a run
    over files."""
    import sys

    from tracklint.engine import check_text
    from tracklint.files import excluded
    from tracklint.result import Result

    data = sys.stdin.buffer.read()
    path = settings.paths[0]
    plan = _load_plan(settings)
    if settings.force_exclude and excluded(tuple(settings.exclude) + tuple(settings.extend_exclude), settings.root, path):
        return Result(root=str(settings.root), plan=plan)
    return check_text(settings, plan, path, data)


def _load_plan(settings):
    if settings.plan is None:
        raise UsageError(
            "no tracking plan found (looked for tracking-plan.yaml from here up to the repository root)",
            hint="pass --plan FILE, set `plan` in [tool.tracklint], or run `tracklint init` to write one",
        )
    if not Path(settings.plan).is_file():
        raise UsageError(f"tracking plan not found: {settings.plan}")
    from tracklint import memo

    return memo.load_checked_plan(settings)


def _as_change(settings, paths: tuple[Path, ...]):
    """``--affected``: the paths given are the change (any file: the plan, the config and the
    baseline count too); the run lists the whole project and reports what the change affects.
    The paths are taken as named (a symbolic link is a changed file of its own)."""
    from tracklint.files import relpath

    root = os.path.realpath(settings.root)
    rels = (relpath(named(Path(p)), root) for p in paths)
    changed = tuple(rel for rel in rels if not rel.startswith(("../", "/")) and rel != "..")
    return settings.with_(paths=(), files_given=False, changed_files=changed)


def _report(result, settings) -> int:
    """Print the result in the requested format; the exit code of the run."""
    from tracklint.report import get_reporter
    from tracklint.rules import RULES

    describe_run(settings, result)
    reporter = get_reporter(settings.output_format)(
        color=use_color(settings.color, settings.output_file), show_suppressed=settings.show_suppressed
    )
    emit(lambda stream: reporter.report(result, RULES, stream), settings.output_file)
    broken = [n for n in result.notices if n.kind == "internal"]
    if broken:
        # A file tracklint failed on is a file the gate did not check: never pass silently.
        note(
            f"tracklint: error: {plural(len(broken), 'file')} could not be analysed because of an internal error "
            f"(first: {broken[0].path}: {broken[0].message})"
        )
        return EXIT_ERROR
    worst = result.worst()
    if worst is None or worst.rank < settings.fail_on.rank:
        return EXIT_SUCCESS
    return EXIT_SUCCESS if settings.exit_zero else EXIT_FINDINGS
