"""``tracklint coverage``: which planned events each source sends, which are missing, which
calls the plan does not know, and (``--changed-since``) what a change did to that.

Exit codes: 0, or 1 when ``--fail-under PCT`` is given and less than PCT percent of the planned
(event, source) cells are sent; 2 on a usage, configuration or plan error (no plan included).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from tracklint.commands.common import (
    Target, describe_run, emit, note, progress_callback, settings_for, start_listing, stop_listing, use_color,
)
from tracklint.errors import EXIT_FINDINGS, EXIT_SUCCESS, UsageError
from tracklint.report import resolve_format


@dataclass(frozen=True)
class CoverageOptions:
    """Everything ``tracklint coverage`` needs, parsed from the command line."""

    paths: tuple[Path, ...] = ()
    plan: Path | None = None
    config: Path | None = None
    isolated: bool = False
    output_format: str | None = None
    output_file: Path | None = None
    changed_since: str | None = None
    fail_under: float | None = None
    color: str = "auto"
    jobs: int | None = None
    no_cache: bool = False
    exclude: tuple[str, ...] = ()


def run_coverage(options: CoverageOptions, target: Target | None = None) -> int:
    """Run ``tracklint coverage``; its exit code."""
    target = target or Target("coverage", output_file=options.output_file)
    fmt = resolve_format("coverage", options.output_format, note=note) or "full"
    target.format = fmt
    if options.fail_under is not None and not (math.isfinite(options.fail_under) and 0 <= options.fail_under <= 100):
        raise UsageError(f"--fail-under must be a percentage from 0 to 100, not {options.fail_under:g}")
    settings = settings_for(
        paths=options.paths, config=options.config, isolated=options.isolated,
        plan=options.plan.resolve() if options.plan else None, jobs=options.jobs,
        cache=False if options.no_cache else None,
        extend_exclude=tuple(options.exclude) if options.exclude else None,
    )
    from tracklint.commands.check import _load_plan
    from tracklint.coverage.model import build

    plan = _load_plan(settings)  # no plan, or a broken one: exit 2 with the loader's message
    result = _scan(settings, plan, progress=fmt == "full")
    describe_run(settings, result)
    coverage = build(plan, result.calls, plan_path=_shown_path(settings.plan, settings.root))
    change = None
    if options.changed_since:
        from tracklint.coverage.change import base_coverage, compare

        commit, before = base_coverage(settings, options.changed_since, plan)
        change = compare(options.changed_since, commit, before, coverage)
    from tracklint.report import get_reporter

    reporter = get_reporter(fmt, "coverage")(color=use_color(options.color, options.output_file),
                                             root=str(settings.root), output_file=options.output_file)
    emit(lambda stream: reporter.report(coverage, change, stream), options.output_file)
    percent = coverage.totals().percent
    if options.fail_under is not None and percent is not None and percent < options.fail_under:
        note(f"tracklint: coverage {percent:g}% is below --fail-under {options.fail_under:g}%")
        return EXIT_FINDINGS
    return EXIT_SUCCESS


def _shown_path(plan: Path | None, root: Path) -> str | None:
    """The plan's path relative to the project root when it is inside it."""
    from tracklint.change import project_path

    return project_path(str(Path(plan).resolve()), Path(root).resolve()) if plan else None


def _scan(settings, plan, *, progress: bool):
    """Every call site of the run's paths, sources assigned from the plan."""
    start_listing(settings)
    try:
        from tracklint import engine

        update, stop = progress_callback(progress)
        try:
            return engine.scan(settings, plan=plan, progress=update)
        finally:
            stop()
    finally:
        stop_listing()
