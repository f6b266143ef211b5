"""``tracklint import``, ``export`` and ``init``: plans in and out of other tools' formats.

Each command (``run_import``, ``run_export``, ``run_init``, with an options dataclass each) calls
a library function (``importers.import_plan``, ``plan.jsonschema.plan_to_schema``,
``importers.segment.export_rules``, ``importers.calls.plan_from_calls``) and writes the
result atomically (:func:`tracklint.fsutil.write_atomic`); errors are
:func:`tracklint.commands.common.guarded`'s.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from dataclasses import dataclass
from typing import Any

from tracklint.commands.common import note
from tracklint.wording import plural
from tracklint.errors import EXIT_SUCCESS, OutputError, UsageError
from tracklint.fsutil import write_atomic

EXPORT_FORMATS = ("jsonschema", "segment")


@dataclass(frozen=True)
class ImportOptions:
    """``tracklint import FORMAT FILE... [-o OUT]``."""

    fmt: str
    files: tuple[Path, ...]
    output: Path | None = None


@dataclass(frozen=True)
class ExportOptions:
    """``tracklint export FORMAT [--plan PLAN] [-o OUT]``."""

    fmt: str
    plan: Path | None = None
    output: Path | None = None


@dataclass(frozen=True)
class InitOptions:
    """``tracklint init [PATHS] [-o OUT] [--force] [--config FILE]``."""

    paths: tuple[Path, ...] = ()
    output: Path = Path("tracking-plan.yaml")
    force: bool = False
    config: Path | None = None
    include_tests: bool = False


def _write(text: str, output: Path | None, *, force: bool = True) -> None:
    if output is None or str(output) == "-":
        sys.stdout.write(text)
        return
    if output.exists() and not force:
        raise UsageError(f"{output} already exists", hint="pass --force to overwrite it")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the directory {output.parent}: {exc.strerror or exc}", path=str(output)) from None
    if output.is_symlink():
        # A committed `tracking-plan.yaml -> ~/.bashrc` must not be written through (issue
        # #12): write_atomic replaces the link itself and leaves its target alone.
        note(f"note: {output} was a symbolic link; replaced by a regular file (its target is untouched)")
    write_atomic(output, text)


def run_import(options: ImportOptions, target: Any = None) -> int:
    """``tracklint import``: write the plan, print warnings to stderr."""
    fmt, files, output = options.fmt, list(options.files), options.output
    from tracklint.importers import import_plan, plan_text

    result = import_plan(files, None if fmt == "auto" else fmt)
    text = plan_text(result, str(files[0]))
    for warning in result.warnings:
        note(f"warning: {warning.render()}")
    _write(text, output)
    plan = result.plan
    if output is not None and str(output) != "-":
        note(
            f"wrote {output}: {plural(len(plan.events), 'event')}, {plural(len(plan.pages), 'page')}, "
            f"{plural(len(plan.screens), 'screen')}, {plural(len(result.warnings), 'warning')}"
        )
    return EXIT_SUCCESS


def run_export(options: ExportOptions, target: Any = None) -> int:
    """``tracklint export``: the plan as JSON Schema or a Segment rules payload."""
    fmt, plan_path, output = options.fmt, options.plan, options.output
    from tracklint.importers.segment import export_rules
    from tracklint.plan.jsonschema import plan_to_schema
    from tracklint.plan.load import load_plan

    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", hint="choose jsonschema or segment")
    if plan_path is None:
        from tracklint.config import find_plan

        plan_path = find_plan(Path.cwd())
        if plan_path is None:
            raise UsageError("no tracking plan found", hint="pass --plan FILE")
    plan = load_plan(plan_path)
    data: Any = plan_to_schema(plan) if fmt == "jsonschema" else export_rules(plan)
    _write(json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n", output)
    return EXIT_SUCCESS


def run_init(options: InitOptions, target: Any = None) -> int:
    """``tracklint init``: scan the code and write a starting plan."""
    output = options.output
    from tracklint.importers.calls import plan_from_calls, unresolved_comments

    if output.exists() and not options.force:
        raise UsageError(f"{output} already exists", hint="pass --force to overwrite it")
    found, named, settings = _scan(list(options.paths), options.config)
    calls, tests = _split_tests(found, named, options.include_tests)
    plan, unresolved = plan_from_calls(calls)
    from tracklint.plan.dump import dump_plan

    text = dump_plan(plan, comments=unresolved_comments(unresolved))
    _write(text, output, force=True)
    note(
        f"wrote {output}: {plural(len(plan.events), 'event')} from {plural(len(calls), 'call site')}; "
        f"{plural(len(unresolved), 'call')} with an unknown event name listed at the end"
    )
    for line in _init_notes(plan, tests):
        note(f"note: {line}")
    from tracklint.discover import facade_notes

    for line in facade_notes(settings, found):
        note(line)
    return EXIT_SUCCESS


def _split_tests(calls: list, named: list[str], include: bool) -> tuple[list, list]:
    """The calls to plan and the calls left out because they are in tests (none with
    ``--include-tests``). A path is judged below the directory the command named: ``tracklint
    init tests/fixtures/app`` asks for that directory, and its calls are planned."""
    from tracklint.testpaths import is_test_path

    if include:
        return calls, []
    kept, tests = [], []
    for call in calls:
        below = next((call.path[len(d):] for d in named if call.path.startswith(d)), call.path)
        (tests if is_test_path(below) else kept).append(call)
    return kept, tests


def _init_notes(plan: Any, tests: list) -> list[str]:
    """What ``init`` left out and why: calls in test files, conventions most names follow."""
    from tracklint.importers.calls import property_names, style_note
    from tracklint.testpaths import DESCRIPTION

    lines = []
    if tests:
        files = len({c.path for c in tests})
        lines.append(f"left out {plural(len(tests), 'call')} in {plural(files, 'test file')} ({DESCRIPTION}); "
                     f"pass --include-tests to plan them")
    for what, names in (("event names", [e for e in plan.events]), ("property names", property_names(plan))):
        text = style_note(names, what)
        if text:
            lines.append(text)
    return lines


def _scan(paths: list[Path], config: Path | None) -> tuple[list, list[str], Any]:
    """The call sites under ``paths`` (default: the project), the directories named, as
    project-relative prefixes ending in ``/`` (longest first), and the run's settings."""
    import os

    from tracklint.config import resolve_settings
    from tracklint.engine import scan_calls

    overrides: dict[str, Any] = {}
    if paths:
        for p in paths:
            if not p.exists():
                raise UsageError(f"no such file or directory: {p}")
        overrides["paths"] = tuple(p.resolve() for p in paths)
        overrides["files_given"] = any(p.is_file() for p in paths)
    settings = resolve_settings(config=config, overrides=overrides)
    root = os.path.realpath(settings.root)
    named = [os.path.relpath(os.path.realpath(p), root).replace(os.sep, "/") for p in paths if p.is_dir()]
    prefixes = sorted((f"{d}/" for d in named if d != "." and not d.startswith("../")), key=len, reverse=True)
    return scan_calls(settings), prefixes, settings
