"""``tracklint scan``: the inventory, every analytics call site found, planned or not.

Exit codes: 0, or 1 when ``--event`` names an event no call site sends; 2 on errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tracklint.commands.common import (
    Target, describe_run, emit, note, progress_callback, settings_for, start_listing, stop_listing, use_color,
)
from tracklint.errors import EXIT_FINDINGS, EXIT_SUCCESS
from tracklint.report import resolve_format


@dataclass(frozen=True)
class ScanOptions:
    """Everything ``tracklint scan`` needs, parsed from the command line."""

    paths: tuple[Path, ...] = ()
    event: str | None = None
    plan: Path | None = None
    config: Path | None = None
    isolated: bool = False
    output_format: str | None = None
    output_file: Path | None = None
    color: str = "auto"
    jobs: int | None = None
    no_cache: bool = False
    exclude: tuple[str, ...] = ()
    discover: bool = False


def run_scan(options: ScanOptions, target: Target | None = None) -> int:
    """Run ``tracklint scan``; its exit code."""
    target = target or Target("scan", output_file=options.output_file)
    fmt = resolve_format("scan", options.output_format, note=note) or "full"
    target.format = fmt
    settings = settings_for(
        paths=options.paths, config=options.config, isolated=options.isolated,
        plan=options.plan.resolve() if options.plan else None, jobs=options.jobs,
        cache=False if options.no_cache else None,
        extend_exclude=tuple(options.exclude) if options.exclude else None,
    )
    result = _run(settings, progress=fmt != "json")
    describe_run(settings, result)
    if options.discover:
        return _discover(settings, result.calls, fmt, options.output_file)
    calls = result.calls
    event = options.event
    if event is not None:
        from tracklint.diagnostics import normalise_name

        want = normalise_name(event)
        calls = [c for c in calls if c.event is not None and normalise_name(c.event) == want]
    from tracklint.report import get_reporter

    reporter = get_reporter(fmt, "scan")(color=use_color(options.color, options.output_file), event=event)
    emit(lambda stream: reporter.report(calls, result, stream), options.output_file)
    if event is None and fmt in ("full", "concise"):
        from tracklint.discover import facade_notes

        for line in facade_notes(settings, result.calls):
            note(line)
    if event is not None and not calls:
        note(f"tracklint: no call site sends `{event}`")
        return EXIT_FINDINGS
    return EXIT_SUCCESS


def _discover(settings, calls, fmt: str, output_file: Path | None) -> int:
    """``scan --discover``: the wrappers to declare, as TOML to paste (text formats) or JSON."""
    import json

    from tracklint.discover import facades_json, proposals, wrapper_toml
    from tracklint.errors import UsageError
    from tracklint.wording import plural

    if fmt not in ("full", "concise", "json"):
        raise UsageError(f"scan --discover writes text or json, not {fmt!r}")
    facades = proposals(settings, calls)
    config = settings.config_file
    pyproject = config is not None and config.name == "pyproject.toml"
    if fmt == "json":
        text = json.dumps({"wrappers": facades_json(facades, pyproject=pyproject)}, indent=2, ensure_ascii=False) + "\n"
    elif facades:
        text = wrapper_toml(facades, pyproject=pyproject, comments=True)
    else:
        text = "# no in-house tracker found: every call that looks like one is read already\n"
    emit(lambda stream: stream.write(text), output_file)
    if facades and fmt != "json":
        where = config.name if config is not None else "tracklint.toml"
        total = sum(f.calls for f in facades)
        note(f"{plural(len(facades), 'wrapper')} proposed, {plural(total, 'call')} to add; "
             f"paste the declarations into {where} (or run `tracklint init`)")
    return EXIT_SUCCESS


def _run(settings, *, progress: bool):
    """Scan the project (against the plan when there is one)."""
    start_listing(settings)
    try:
        the_plan = None
        if settings.plan is not None and Path(settings.plan).is_file():
            from tracklint.memo import load_checked_plan

            the_plan = load_checked_plan(settings)
        from tracklint import engine

        update, stop = progress_callback(progress)
        try:
            return engine.scan(settings, plan=the_plan, progress=update)
        finally:
            stop()
    finally:
        stop_listing()
