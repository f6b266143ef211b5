"""``tracklint import``, ``export`` and ``init``: plans in and out of other tools' formats.

``register(app)`` adds the three commands to the CLI. Each command turns its arguments into a
call of a library function (``importers.import_plan``, ``plan.jsonschema.plan_to_schema``,
``importers.segment.export_rules``, ``importers.calls.plan_from_calls``) and writes the
result; a :class:`TracklintError` is printed with ``render()`` to stderr and exits 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from tracklint.errors import EXIT_ERROR, EXIT_SUCCESS, OutputError, TracklintError, UsageError
from tracklint.fsutil import write_atomic

EXPORT_FORMATS = ("jsonschema", "segment")


def _fail(err: TracklintError) -> None:
    typer.echo(err.render(), err=True)
    raise typer.Exit(EXIT_ERROR)


def _guard(func: Callable[[], int]) -> None:
    """Run ``func``; TracklintError -> message + exit 2; OSError on output -> exit 2."""
    try:
        code = func()
    except TracklintError as err:
        _fail(err)
    except OSError as err:
        _fail(TracklintError(f"cannot write: {err.strerror or err}", path=getattr(err, "filename", None)))
    else:
        raise typer.Exit(code)


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
        typer.echo(f"note: {output} was a symbolic link; replaced by a regular file (its target is untouched)", err=True)
    write_atomic(output, text)


def run_import(fmt: str, files: list[Path], output: Path | None) -> int:
    """``tracklint import``: write the plan, print warnings to stderr."""
    from tracklint.importers import import_plan, plan_text

    result = import_plan(files, None if fmt == "auto" else fmt)
    text = plan_text(result, str(files[0]))
    for warning in result.warnings:
        typer.echo(f"warning: {warning.render()}", err=True)
    _write(text, output)
    plan = result.plan
    if output is not None and str(output) != "-":
        typer.echo(
            f"wrote {output}: {len(plan.events)} events, {len(plan.pages)} pages, "
            f"{len(plan.screens)} screens, {len(result.warnings)} warning(s)",
            err=True,
        )
    return EXIT_SUCCESS


def run_export(fmt: str, plan_path: Path | None, output: Path | None) -> int:
    """``tracklint export``: the plan as JSON Schema or a Segment rules payload."""
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


def run_init(paths: list[Path], output: Path, force: bool, config: Path | None) -> int:
    """``tracklint init``: scan the code and write a starting plan."""
    from tracklint.importers.calls import plan_from_calls, unresolved_comments
    from tracklint.plan.dump import dump_plan

    if output.exists() and not force:
        raise UsageError(f"{output} already exists", hint="pass --force to overwrite it")
    calls = _scan(paths, config)
    plan, unresolved = plan_from_calls(calls)
    text = dump_plan(plan, comments=unresolved_comments(unresolved))
    _write(text, output, force=True)
    typer.echo(
        f"wrote {output}: {len(plan.events)} events from {len(calls)} call site(s); "
        f"{len(unresolved)} call(s) with an unknown event name listed at the end",
        err=True,
    )
    return EXIT_SUCCESS


def _scan(paths: list[Path], config: Path | None) -> list:
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
    return scan_calls(settings)


def register(app: typer.Typer) -> None:
    """Add ``import``, ``export`` and ``init`` to ``app``."""

    @app.command("import")
    def import_command(
        fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="segment, rudderstack, iglu, amplitude, mparticle, or auto.")],
        files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Plan files or directories to import.")],
        output: Annotated[Optional[Path], typer.Option("--output", "--output-file", "-o", help="Write the plan here (default: stdout).")] = None,
    ) -> None:
        """Convert another tool's tracking plan to a tracklint plan."""
        _guard(lambda: run_import(fmt, files, output))

    @app.command("export")
    def export_command(
        fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="jsonschema or segment.")],
        plan: Annotated[Optional[Path], typer.Option("--plan", "-p", help="The tracking plan (default: discovered).")] = None,
        output: Annotated[Optional[Path], typer.Option("--output", "--output-file", "-o", help="Write here (default: stdout).")] = None,
    ) -> None:
        """Write the plan as JSON Schema or as a Segment Public API rules payload."""
        _guard(lambda: run_export(fmt, plan, output))

    @app.command("init")
    def init_command(
        paths: Annotated[Optional[list[Path]], typer.Argument(metavar="[PATHS]", help="Code to scan (default: the project).")] = None,
        output: Annotated[Path, typer.Option("--output", "--output-file", "-o", help="Where to write the plan.")] = Path("tracking-plan.yaml"),
        force: Annotated[bool, typer.Option("--force", help="Overwrite an existing plan.")] = False,
        config: Annotated[Optional[Path], typer.Option("--config", help="Configuration file.")] = None,
    ) -> None:
        """Write a starting tracking plan from the calls found in the code."""
        _guard(lambda: run_init(list(paths or []), output, force, config))
