"""``tracklint validate FILE...``: event payloads that were really sent (exports, archives,
debugger dumps) checked against the tracking plan, with ``check``'s rule codes, reporters and
exit codes.

Exit codes: 0 every record conforms (no finding at or above ``--fail-on``), 1 findings
(unreadable records included: they are TL000 findings), 2 usage, config or plan error or a
file that does not exist.
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from tracklint.commands.check import codes
from tracklint.commands.common import Target, emit, note, progress_callback, settings_for, use_color
from tracklint.diagnostics import Severity
from tracklint.errors import EXIT_FINDINGS, EXIT_SUCCESS, UsageError
from tracklint.report import resolve_format


@dataclass(frozen=True)
class ValidateOptions:
    """Everything ``tracklint validate`` needs, parsed from the command line."""

    files: tuple[Path, ...] = ()
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
    examples: int = 3
    color: str = "auto"


def run_validate(options: ValidateOptions, target: Target | None = None) -> int:
    """Run ``tracklint validate``; its exit code."""
    target = target or Target("validate", output_file=options.output_file)
    if not options.files:
        raise UsageError("no event files given", hint="tracklint validate events.jsonl [more files...]")
    if options.examples < 0:
        raise UsageError(f"--examples must be 0 (every finding) or more, not {options.examples}")
    fmt = resolve_format("validate", options.output_format, note=note)
    settings = _settings(options, fmt)
    target.format = settings.output_format
    files = [_file(p, settings.root) for p in options.files]
    from tracklint.commands.check import _load_plan
    from tracklint.validate.run import validate

    plan = _load_plan(settings)
    update, stop = progress_callback(settings.output_format in ("full", "concise"))
    try:
        result, summary = validate(settings, plan, files, examples=options.examples, progress=update)
    finally:
        stop()
    _report(result, summary, settings)
    return _exit_code(result, settings)


def _settings(options: ValidateOptions, fmt: str | None):
    sev = None
    if options.fail_on is not None:
        try:
            sev = Severity.parse(options.fail_on)
        except ValueError as exc:
            raise UsageError(f"--fail-on: {exc}") from None
    # The configuration is the project's (found from here, not from the data files).
    return settings_for(
        paths=None, config=options.config, isolated=options.isolated,
        plan=options.plan.resolve() if options.plan else None, output_format=fmt,
        output_file=options.output_file, select=codes(options.select), ignore=codes(options.ignore),
        fail_on=sev, exit_zero=options.exit_zero or None,
        baseline=options.baseline.resolve() if options.baseline else None, color=options.color,
    )


def _file(path: Path, root: Path) -> tuple[str, Path]:
    """(path as reports show it, path) of an event file that must exist."""
    if not path.is_file():
        what = "a directory" if path.is_dir() else "not found"
        raise UsageError(f"event file {what}: {path}", hint="give event files (.json, .jsonl, optionally .gz)")
    full = path.absolute()
    try:
        shown = full.relative_to(Path(root).resolve()).as_posix()
    except ValueError:
        shown = os.path.relpath(full) if not os.path.relpath(full).startswith("..") else full.as_posix()
    return shown, full


def _report(result, summary, settings) -> None:
    from tracklint.report import get_reporter
    from tracklint.rules import RULES

    fmt = settings.output_format
    color = use_color(settings.color, settings.output_file)
    reporter = get_reporter(fmt, "validate")(color=color, show_suppressed=False)

    def write(stream) -> None:
        if fmt == "json":
            # check's document, and the per-event summary beside its findings
            buffer = io.StringIO()
            reporter.report(result, RULES, buffer)
            from tracklint.report.serialize import dumps

            doc = json.loads(buffer.getvalue())
            doc["validate"] = summary.as_dict()
            stream.write(dumps(doc))
            return
        reporter.report(result, RULES, stream)
        if fmt in ("full", "concise"):
            summary.write_text(stream, color=color, rich=fmt == "full")

    emit(write, settings.output_file)


def _exit_code(result, settings) -> int:
    worst = result.worst()
    if worst is None or worst.rank < settings.fail_on.rank:
        return EXIT_SUCCESS
    return EXIT_SUCCESS if settings.exit_zero else EXIT_FINDINGS

