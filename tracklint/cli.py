"""The command line: ``tracklint check | scan | rule`` (and ``diff``, ``import``, ``export``,
``init`` from ``tracklint/commands/``).

Commands only turn arguments into :class:`~tracklint.config.Settings`, call the engine, print
through a reporter and return an exit code: 0 clean, 1 findings, 2 usage/config/plan/internal
error. Bad input never produces a traceback (set ``TRACKLINT_DEBUG=1`` to see one).
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Optional

import click
import typer
from typer.core import TyperGroup

from tracklint import __version__
from tracklint.errors import EXIT_ERROR, EXIT_FINDINGS, EXIT_SUCCESS, TracklintError, UsageError
from tracklint.report import format_help, resolve_format
from tracklint.report.visible import visible_lines

class _Group(TyperGroup):
    """The command group: a command line click cannot parse (an unknown option, a missing
    value) is reported like any other usage error, in the format the command would write."""

    def invoke(self, ctx: click.Context) -> Any:
        args = [*getattr(ctx, "_protected_args", ()), *ctx.args]
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            _report_parse_error(args, exc)
            raise


app = typer.Typer(
    cls=_Group,
    name="tracklint",
    help="Check the analytics calls in your code against your tracking plan.",
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"tracklint {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."),
    ] = None,
) -> None:
    """tracklint: the tracking plan as a contract, enforced at the pull request."""


# ---------------------------------------------------------------------------------------------
# shared options

PathsArg = Annotated[Optional[list[Path]], typer.Argument(help="Files or directories to check (default: the project).", show_default=False)]
PlanOpt = Annotated[Optional[Path], typer.Option("--plan", "-p", help="The tracking plan (default: tracking-plan.yaml found upwards).")]
ConfigOpt = Annotated[Optional[Path], typer.Option("--config", help="A tracklint.toml / pyproject.toml to use instead of the discovered one.")]
IsolatedOpt = Annotated[bool, typer.Option("--isolated", help="Ignore every configuration file.")]
FormatOpt = Annotated[Optional[str], typer.Option("--output-format", "-f", help=format_help("check"), show_default=False)]
ScanFormatOpt = Annotated[Optional[str], typer.Option("--output-format", "-f", help=format_help("scan"), show_default=False)]
OutputFileOpt = Annotated[Optional[Path], typer.Option("--output-file", "-o", help="Write the report to this file instead of stdout.")]
ColorOpt = Annotated[str, typer.Option("--color", help="auto | always | never (NO_COLOR is honoured).")]
JobsOpt = Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes (default: one per core).")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Do not read or write the cache.")]
ExcludeOpt = Annotated[Optional[list[str]], typer.Option("--exclude", help="Extra gitignore-style patterns to skip (repeatable).")]
ForceExcludeOpt = Annotated[bool, typer.Option("--force-exclude", help="Apply excludes to files named on the command line too (for pre-commit).")]


def _color(color: str, output_file: Path | None) -> bool:
    if color not in ("auto", "always", "never"):
        raise UsageError(f"--color must be auto, always or never, not {color!r}")
    if color == "always":
        return True
    if color == "never" or os.environ.get("NO_COLOR") or output_file is not None:
        return False
    return sys.stdout.isatty()


def _codes(values: Optional[list[str]]) -> tuple[str, ...] | None:
    if not values:
        return None
    from tracklint.config import _codes as parse

    return parse([c for v in values for c in v.split(",")], "the command line", None)


@dataclass
class _Target:
    """Where a command's report goes, as far as it is known: a failure of the run is reported
    there too, in the same format (:mod:`tracklint.report.failure`)."""

    command: str
    format: str | None = None
    output_file: Path | None = None


def _fail(err: TracklintError, target: _Target | None = None) -> typer.Exit:
    if target is not None:
        from tracklint.report.failure import report_failure

        report_failure(target.format, err, output_file=target.output_file)
    if err.path and os.path.isabs(err.path):
        # show paths as the user would type them, relative to where they are
        rel = os.path.relpath(err.path)
        if not rel.startswith(".."):
            err.path = rel
            err.message = err.message.replace(os.path.abspath(rel), rel)
    typer.echo(f"tracklint: error: {visible_lines(err.render())}", err=True)
    return typer.Exit(EXIT_ERROR)


def _report_parse_error(args: list[str], exc: click.UsageError) -> None:
    """Report a command line click rejected in the format it asked for (``-f``/``--output-format``
    as far as it can be read, else ``TRACKLINT_OUTPUT_FORMAT``); click prints the usage itself."""
    from tracklint.report import REGISTRIES
    from tracklint.report.failure import report_failure

    if not args or args[0] not in REGISTRIES:
        return
    given = _option_value(args, "-f", "--output-format")
    try:
        fmt = resolve_format(args[0], given if given in REGISTRIES[args[0]] else None)
    except UsageError:
        return
    output = _option_value(args, "-o", "--output-file")
    report_failure(fmt, UsageError(exc.format_message()), output_file=Path(output) if output else None)


def _option_value(args: list[str], short: str, long: str) -> str | None:
    """The value of an option in raw arguments (``-f x``, ``-fx``, ``--long x``, ``--long=x``)."""
    for i, arg in enumerate(args):
        if arg in (short, long) and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(long + "="):
            return arg[len(long) + 1:]
        if arg.startswith(short) and len(arg) > len(short) and not arg.startswith("--"):
            return arg[len(short):]
    return None


def _note(text: str) -> None:
    typer.echo(text, err=True)


def _interrupted() -> None:
    """Ctrl-C: say so and leave at once with 130. ``os._exit`` skips the interpreter's exit
    hooks, which would otherwise wait for (or trip over) the ended worker processes. Nothing
    is half-written: the cache and baselines are only ever replaced atomically."""
    typer.echo("tracklint: interrupted", err=True)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(130)


def _guarded(run, arguments: dict, command: str) -> None:
    """Run a command body and leave with its exit code: errors for people exit 2 with their
    message (and, in the requested format, in the report), Ctrl-C exits 130, and nothing ends in
    a traceback."""
    target = _Target(command, output_file=arguments.get("output_file"))
    try:
        target.format = resolve_format(command, arguments.get("output_format"))
    except UsageError:
        pass  # reported by the command itself, in its default format
    # A command is short-lived and keeps what it builds until it ends: the cyclic garbage
    # collector only walks the growing heap (on a 20,000-file check, 0.07 s in the cache write
    # alone). Reference counting still frees everything; worker processes collect as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        code = run(target=target, **arguments)
    except TracklintError as err:
        raise _fail(err, target) from None
    except KeyboardInterrupt:
        _interrupted()
    except BrokenPipeError:
        _pipe_closed()
    except (typer.Exit, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001
        raise _internal(exc) from None
    finally:
        if collecting:
            gc.enable()
    raise typer.Exit(code)


def _pipe_closed() -> None:
    """The reader of our output went away (``tracklint scan -f json | head``): stop quietly,
    with nothing more written to the closed pipe, and exit 1, as Python recommends and as rich
    does for the terminal reports (not an "internal error")."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    raise typer.Exit(1)


def _internal(exc: BaseException) -> typer.Exit:
    if os.environ.get("TRACKLINT_DEBUG"):
        raise exc
    typer.echo(
        f"tracklint: internal error: {type(exc).__name__}: {exc}\n"
        "  This is a bug in tracklint; please report it (set TRACKLINT_DEBUG=1 for the traceback).",
        err=True,
    )
    return typer.Exit(EXIT_ERROR)


def _emit(text_writer, output_file: Path | None) -> None:
    """Run ``text_writer(stream)`` into stdout or (atomically) into ``output_file``."""
    if output_file is None:
        text_writer(sys.stdout)
        sys.stdout.flush()
        return
    from tracklint.fsutil import write_atomic

    write_atomic(output_file, text_writer, what="the report")


def _progress_callback(enabled: bool):
    """A rich progress bar on stderr, only on a terminal and only for runs longer than a moment."""
    if not enabled or not sys.stderr.isatty():
        return None, lambda: None
    import time

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    state: dict[str, Any] = {"start": time.perf_counter(), "bar": None, "task": None}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            if time.perf_counter() - state["start"] < 0.5 or done >= total:
                return
            bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           console=Console(stderr=True), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("files", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    def stop() -> None:
        if state["bar"] is not None:
            state["bar"].stop()

    return update, stop


def _start_listing(settings) -> None:
    from tracklint.gitlisting import prefetch

    prefetch(settings.paths or [settings.root])


def _stop_listing() -> None:
    from tracklint.gitlisting import drop_prefetched

    drop_prefetched()


def _load_plan(settings):
    from tracklint.plan.load import load_plan

    if settings.plan is None:
        raise UsageError(
            "no tracking plan found (looked for tracking-plan.yaml from here up to the repository root)",
            hint="pass --plan FILE, set `plan` in [tool.tracklint], or run `tracklint init` to write one",
        )
    if not Path(settings.plan).is_file():
        raise UsageError(f"tracking plan not found: {settings.plan}")
    from tracklint import memo

    checked = memo.plan_schema_checked(settings)
    plan = load_plan(settings.plan, schema_checked=checked)
    if not checked:
        memo.remember_plan(settings, plan)
    return plan


def _named(path: Path) -> Path:
    """``path`` made absolute: a directory resolved, a file's own name kept (its directory
    resolved), a path that does not exist as typed."""
    if not path.exists():
        return path.absolute()
    if path.is_dir():
        return path.resolve()
    return Path(os.path.realpath(os.path.dirname(os.path.abspath(path)))) / path.name


def _settings(*, paths, config, isolated, **overrides):
    from tracklint.config import resolve_settings

    given = [p for p in (paths or [])]
    over = dict(overrides)
    if given:
        # A file is named as given: resolved, a symbolic link to a file outside the project
        # would move the run's root there (and be read); its directory is resolved.
        over["paths"] = tuple(_named(p) for p in given)
        over["files_given"] = any(p.is_file() for p in given)
    return resolve_settings(config=config, isolated=isolated, overrides=over)


def _as_change(settings, paths: list[Path]):
    """``--affected``: the paths given are the change (any file: the plan, the config and the
    baseline count too); the run lists the whole project and reports what the change affects.
    The paths are taken as named (a symbolic link is a changed file of its own)."""
    from tracklint.files import relpath

    root = os.path.realpath(settings.root)
    rels = (relpath(_named(Path(p)), root) for p in paths)
    changed = tuple(rel for rel in rels if not rel.startswith(("../", "/")) and rel != "..")
    return settings.with_(paths=(), files_given=False, changed_files=changed)


# ---------------------------------------------------------------------------------------------
# check


@app.command()
def check(
    paths: PathsArg = None,
    plan: PlanOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    output_format: FormatOpt = None,
    output_file: OutputFileOpt = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Only these rule codes or prefixes (comma-separated, repeatable).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these rule codes or prefixes.")] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="Lowest severity that fails the run: error | warning | note.")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings (errors of tracklint itself still exit 2).")] = False,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help="Report only findings not recorded in this baseline file.")] = None,
    write_baseline: Annotated[Optional[Path], typer.Option("--write-baseline", help="Record today's findings in this file and exit 0.")] = None,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", help="Check what changed since this git ref: calls in changed files, calls that use a changed file's constants, every call when the plan, config or baseline changed (and report renames).")] = None,
    affected: Annotated[bool, typer.Option("--affected", help="Treat the files given as a change and check what it affects, as --changed-since does (the per-file pre-commit hook passes it).")] = False,
    show_suppressed: Annotated[bool, typer.Option("--show-suppressed", help="Also list findings silenced inline or by the baseline.")] = False,
    color: ColorOpt = "auto",
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    exclude: ExcludeOpt = None,
    force_exclude: ForceExcludeOpt = False,
    no_prefilter: Annotated[bool, typer.Option("--no-prefilter", help="Parse every file whole (slow; the reference that the pre-filter and windowed parsing must agree with).")] = False,
) -> None:
    """Check the code against the tracking plan: the CI gate.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config or plan error.
    """
    _guarded(_check, locals(), "check")


def _check(*, target, paths, plan, config, isolated, output_format, output_file, select, ignore, fail_on,
           exit_zero, baseline, write_baseline, changed_since, affected, show_suppressed, color, jobs,
           no_cache, exclude, force_exclude, no_prefilter) -> int:
    from tracklint.diagnostics import Severity

    output_format = resolve_format("check", output_format, note=_note)
    sev = None
    if fail_on is not None:
        try:
            sev = Severity.parse(fail_on)
        except ValueError as exc:
            raise UsageError(f"--fail-on: {exc}") from None
    settings = _settings(
        paths=paths,
        config=config,
        isolated=isolated,
        plan=plan.resolve() if plan else None,
        output_format=output_format,
        output_file=output_file,
        select=_codes(select),
        ignore=_codes(ignore),
        fail_on=sev,
        exit_zero=exit_zero or None,
        baseline=baseline.resolve() if baseline else None,
        write_baseline=write_baseline,
        changed_since=changed_since,
        show_suppressed=show_suppressed or None,
        color=color,
        jobs=jobs,
        cache=False if no_cache else None,
        extend_exclude=tuple(exclude) if exclude else None,
        force_exclude=force_exclude or None,
        prefilter=False if no_prefilter else None,
    )
    target.format, target.output_file = settings.output_format, settings.output_file
    if affected:
        settings = _as_change(settings, paths or [])
    if settings.baseline is not None and not settings.baseline.is_file() and write_baseline is None:
        raise UsageError(f"baseline file not found: {settings.baseline}")
    _start_listing(settings)  # git lists the files while the plan loads
    try:
        from tracklint.listing import remembered

        # Nothing changed since the last run: its result, without even loading the plan (or
        # importing the engine).
        result, listing = remembered(settings)
        if result is None:
            from tracklint import engine

            progress, stop = _progress_callback(settings.progress and settings.output_format in ("full", "concise"))
            try:
                # the plan loads while the workers extract (a broken plan still exits 2)
                result = engine.run(settings, lambda: _load_plan(settings), progress=progress,
                                    listing=listing, memo_checked=True)
            finally:
                stop()
    finally:
        _stop_listing()
    if write_baseline is not None:
        from tracklint.suppress import write_baseline as write

        # Everything not silenced inline: findings the old baseline covered stay recorded.
        count = write(write_baseline, [d for d in result.diagnostics if d.suppressed != "inSource"])
        typer.echo(f"tracklint: recorded {count} finding(s) in {write_baseline}", err=True)
        return EXIT_SUCCESS
    return _report(result, settings)


def _report(result, settings) -> int:
    """Print the result in the requested format; the exit code of the run."""
    from tracklint.report import get_reporter
    from tracklint.rules import RULES

    reporter = get_reporter(settings.output_format)(
        color=_color(settings.color, settings.output_file), show_suppressed=settings.show_suppressed
    )
    _emit(lambda stream: reporter.report(result, RULES, stream), settings.output_file)
    broken = [n for n in result.notices if n.kind == "internal"]
    if broken:
        # A file tracklint failed on is a file the gate did not check: never pass silently.
        typer.echo(
            f"tracklint: error: {len(broken)} file(s) could not be analysed because of an internal error "
            f"(first: {broken[0].path}: {broken[0].message})",
            err=True,
        )
        return EXIT_ERROR
    worst = result.worst()
    if worst is None or worst.rank < settings.fail_on.rank:
        return EXIT_SUCCESS
    return EXIT_SUCCESS if settings.exit_zero else EXIT_FINDINGS


# ---------------------------------------------------------------------------------------------
# scan


@app.command()
def scan(
    paths: PathsArg = None,
    event: Annotated[Optional[str], typer.Option("--event", "-e", help="Only call sites of this event (case- and separator-insensitive).")] = None,
    plan: PlanOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    output_format: ScanFormatOpt = None,
    output_file: OutputFileOpt = None,
    color: ColorOpt = "auto",
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    exclude: ExcludeOpt = None,
) -> None:
    """The inventory: every analytics call site found, planned or not.

    `tracklint scan --event "Order Completed"` answers "where is this event sent from?".
    """
    _guarded(_scan, locals(), "scan")


def _scan(*, target, paths, event, plan, config, isolated, output_format, output_file, color, jobs, no_cache, exclude) -> int:
    fmt = resolve_format("scan", output_format, note=_note) or "full"
    target.format = fmt
    settings = _settings(
        paths=paths, config=config, isolated=isolated,
        plan=plan.resolve() if plan else None, jobs=jobs,
        cache=False if no_cache else None,
        extend_exclude=tuple(exclude) if exclude else None,
    )
    _start_listing(settings)
    try:
        the_plan = None
        if settings.plan is not None and Path(settings.plan).is_file():
            from tracklint.plan.load import load_plan

            the_plan = load_plan(settings.plan)
        from tracklint import engine

        progress, stop = _progress_callback(fmt != "json")
        try:
            result = engine.scan(settings, plan=the_plan, progress=progress)
        finally:
            stop()
    finally:
        _stop_listing()
    calls = result.calls
    if event is not None:
        from tracklint.diagnostics import normalise_name

        want = normalise_name(event)
        calls = [c for c in calls if c.event is not None and normalise_name(c.event) == want]
    from tracklint.report import get_reporter

    reporter = get_reporter(fmt, "scan")(color=_color(color, output_file), event=event)
    _emit(lambda stream: reporter.report(calls, result, stream), output_file)
    if event is not None and not calls:
        typer.echo(f"tracklint: no call site sends `{event}`", err=True)
        return EXIT_FINDINGS
    return EXIT_SUCCESS


# ---------------------------------------------------------------------------------------------
# rule


@app.command()
def rule(
    code: Annotated[Optional[str], typer.Argument(help="A rule code (TL001) or name (unknown-event). Omit to list every rule.")] = None,
    output_format: Annotated[str, typer.Option("--output-format", "-f", help="text | json.")] = "text",
) -> None:
    """Show a rule's documentation, or list the rules."""
    from tracklint.rules import RULES, docs_url, get

    if output_format not in ("text", "json"):
        raise _fail(UsageError(f"--output-format must be text or json, not {output_format!r}"))
    if code is None:
        if output_format == "json":
            import json

            typer.echo(json.dumps([_rule_dict(r) for r in RULES.values()], indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(box=None, header_style="bold")
        for col in ("code", "name", "scope", "default", "summary"):
            table.add_column(col)
        for r in RULES.values():
            table.add_row(r.CODE, r.NAME, r.SCOPE, r.DEFAULT_SEVERITY, r.SUMMARY)
        Console(highlight=False).print(table)
        return
    try:
        r = get(code)
    except KeyError:
        import difflib

        close = difflib.get_close_matches(code.upper(), list(RULES), n=1) or difflib.get_close_matches(code, [m.NAME for m in RULES.values()], n=1)
        raise _fail(UsageError(f"unknown rule `{code}`", hint=f"did you mean `{close[0]}`?" if close else "run `tracklint rule` to list the rules")) from None
    if output_format == "json":
        import json

        typer.echo(json.dumps(_rule_dict(r), indent=2))
        return
    typer.echo(f"# {r.CODE} {r.NAME}\n\n{r.SUMMARY}\n\nScope: {r.SCOPE}. Default severity: {r.DEFAULT_SEVERITY}.\n")
    typer.echo(rule_doc(r))
    typer.echo(f"\nDocumentation: {docs_url(r.CODE)}")


def rule_doc(r) -> str:
    import inspect

    return inspect.cleandoc(r.__doc__ or "").strip()


def _rule_dict(r) -> dict:
    from tracklint.rules import docs_url

    return {
        "code": r.CODE,
        "name": r.NAME,
        "scope": r.SCOPE,
        "default_severity": r.DEFAULT_SEVERITY,
        "summary": r.SUMMARY,
        "documentation": rule_doc(r),
        "url": docs_url(r.CODE),
    }


# ---------------------------------------------------------------------------------------------


def _register_commands() -> None:
    from tracklint.commands import diff, imports

    diff.register(app)
    imports.register(app)


_register_commands()


def main() -> None:
    """Console-script entry point."""
    app()
