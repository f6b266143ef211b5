"""The command line: ``tracklint check | scan | coverage | validate | rule | diff | import | export | init | lsp``.

This module only declares each command's typer options and builds its options object; the
command itself is ``run_x(options)`` in ``tracklint/commands/`` and runs under the one error
guard, :func:`tracklint.commands.common.guarded`. Exit codes: 0 clean, 1 findings, 2
usage/config/plan/internal error. Bad input never produces a traceback (set
``TRACKLINT_DEBUG=1`` to see one).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import click
import typer
from typer.core import TyperGroup

from tracklint import __version__
from tracklint.commands.common import COLORS, guarded, set_verbosity
from tracklint.commands.diff import FAIL_ON
from tracklint.errors import UsageError
from tracklint.report import format_help, formats, resolve_format


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
    add_completion=True,
    pretty_exceptions_enable=False,
    # click 8.4 suggests a close command name itself; typer's own suggestion would repeat it
    suggest_commands=not hasattr(click.exceptions, "NoSuchCommand"),
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
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only the report and errors: no notes or progress on stderr.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also say on stderr what the run used and did (configuration, plan, files, time).")]
ForceExcludeOpt = Annotated[bool, typer.Option("--force-exclude", help="Apply excludes to files named on the command line too (for pre-commit).")]


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
    stdin_filename: Annotated[Optional[Path], typer.Option("--stdin-filename", help="Check the text on stdin (path '-') as if it were this file: its configuration, plan and language.")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="Apply the safe fixes in place (each file rewritten once, atomically), then report what remains.")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print the fixes as a unified diff and change nothing; exit 1 when there is something to fix.")] = False,
    unsafe_fixes: Annotated[bool, typer.Option("--unsafe-fixes", help="With --fix or --diff, also apply the fixes that are a guess (a close but not equivalent name).")] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Check the code against the tracking plan: the CI gate.

    Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage, config or plan error.
    """
    from tracklint.commands.check import CheckOptions, run_check

    set_verbosity(quiet, verbose)

    guarded("check", run_check, CheckOptions(
        paths=tuple(paths or ()), plan=plan, config=config, isolated=isolated, output_format=output_format,
        output_file=output_file, select=tuple(select or ()), ignore=tuple(ignore or ()), fail_on=fail_on,
        exit_zero=exit_zero, baseline=baseline, write_baseline=write_baseline, changed_since=changed_since,
        affected=affected, show_suppressed=show_suppressed, color=color, jobs=jobs, no_cache=no_cache,
        exclude=tuple(exclude or ()), force_exclude=force_exclude, no_prefilter=no_prefilter,
        stdin_filename=stdin_filename,
        fix=fix, diff=diff, unsafe_fixes=unsafe_fixes,
    ))


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
    discover: Annotated[bool, typer.Option("--discover", help="Print the wrapper declarations (TOML) for in-house trackers no preset reads, with the calls each adds, instead of the call sites (-f json: as JSON).")] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """The inventory: every analytics call site found, planned or not.

    `tracklint scan --event "Order Completed"` answers "where is this event sent from?";
    `tracklint scan --discover` proposes the wrappers to declare for an in-house tracker.
    """
    from tracklint.commands.scan import ScanOptions, run_scan

    set_verbosity(quiet, verbose)

    guarded("scan", run_scan, ScanOptions(
        paths=tuple(paths or ()), event=event, plan=plan, config=config, isolated=isolated,
        output_format=output_format, output_file=output_file, color=color, jobs=jobs, no_cache=no_cache,
        exclude=tuple(exclude or ()), discover=discover,
    ))


# ---------------------------------------------------------------------------------------------
# coverage


@app.command()
def coverage(
    paths: PathsArg = None,
    plan: PlanOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    output_format: Annotated[Optional[str], typer.Option("--output-format", "-f", help=format_help("coverage"), show_default=False)] = None,
    output_file: OutputFileOpt = None,
    changed_since: Annotated[Optional[str], typer.Option("--changed-since", metavar="REF", help="Also show what changed in coverage since where the branch left this git ref.")] = None,
    fail_under: Annotated[Optional[float], typer.Option("--fail-under", metavar="PCT", help="Exit 1 when less than PCT percent of the planned (event, source) cells are sent.")] = None,
    color: ColorOpt = "auto",
    jobs: JobsOpt = None,
    no_cache: NoCacheOpt = False,
    exclude: ExcludeOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """The plan's events against its sources: implemented, planned but missing, unverifiable, sent but unplanned.

    Exit codes: 0, 1 below --fail-under, 2 usage, config or plan error.
    """
    from tracklint.commands.coverage import CoverageOptions, run_coverage

    set_verbosity(quiet, verbose)

    guarded("coverage", run_coverage, CoverageOptions(
        paths=tuple(paths or ()), plan=plan, config=config, isolated=isolated, output_format=output_format,
        output_file=output_file, changed_since=changed_since, fail_under=fail_under, color=color, jobs=jobs,
        no_cache=no_cache, exclude=tuple(exclude or ()),
    ))


# ---------------------------------------------------------------------------------------------
# validate


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Event files: JSON Lines, JSON arrays or exports; plain, gzip or zip.", show_default=False)],
    plan: PlanOpt = None,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    output_format: Annotated[Optional[str], typer.Option("--output-format", "-f", help=format_help("validate"), show_default=False)] = None,
    output_file: OutputFileOpt = None,
    select: Annotated[Optional[list[str]], typer.Option("--select", help="Only these rule codes or prefixes (comma-separated, repeatable).")] = None,
    ignore: Annotated[Optional[list[str]], typer.Option("--ignore", help="Skip these rule codes or prefixes.")] = None,
    fail_on: Annotated[Optional[str], typer.Option("--fail-on", help="Lowest severity that fails the run: error | warning | note.")] = None,
    exit_zero: Annotated[bool, typer.Option("--exit-zero", help="Exit 0 even with findings (errors of tracklint itself still exit 2).")] = False,
    baseline: Annotated[Optional[Path], typer.Option("--baseline", help="Report only findings not recorded in this baseline file.")] = None,
    examples: Annotated[int, typer.Option("--examples", help="Findings reported per event, rule and property (the rest are counted in the summary; 0: all).")] = 3,
    color: ColorOpt = "auto",
) -> None:
    """Check event payloads that were sent (Segment, RudderStack, PostHog, Amplitude, Snowplow) against the plan.

    Exit codes: 0 every record conforms, 1 findings (unreadable records too), 2 usage, config or plan error.
    """
    from tracklint.commands.validate import ValidateOptions, run_validate

    guarded("validate", run_validate, ValidateOptions(
        files=tuple(files), plan=plan, config=config, isolated=isolated, output_format=output_format,
        output_file=output_file, select=tuple(select or ()), ignore=tuple(ignore or ()), fail_on=fail_on,
        exit_zero=exit_zero, baseline=baseline, examples=examples, color=color,
    ))


# ---------------------------------------------------------------------------------------------
# rule


@app.command()
def rule(
    code: Annotated[Optional[str], typer.Argument(help="A rule code (TL001) or name (unknown-event). Omit to list every rule.")] = None,
    output_format: Annotated[str, typer.Option("--output-format", "-f", help="text | json.")] = "text",
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Show a rule's documentation, or list the rules."""
    from tracklint.commands.rule import RuleOptions, run_rule

    set_verbosity(quiet, verbose)

    guarded("rule", run_rule, RuleOptions(code=code, output_format=output_format))


# ---------------------------------------------------------------------------------------------
# diff

@app.command(
    "diff",
    help=(
        "Compare two versions of a tracking plan and classify each change as breaking, "
        "non-breaking or cosmetic. [bold]tracklint diff OLD NEW[/] compares two files; "
        "[bold]tracklint diff --base REF [PLAN][/] compares the plan at a git ref with the "
        "working tree."
    ),
)
def diff_command(
    plans: Annotated[
        Optional[list[Path]],
        typer.Argument(
            help="OLD NEW (two plan files), or with --base the plan to compare "
            "(default: tracking-plan.yaml found upwards from the current directory).",
            show_default=False,
        ),
    ] = None,
    base: Annotated[
        Optional[str],
        typer.Option("--base", metavar="REF", help="Compare with the plan at this git ref (branch, tag, commit)."),
    ] = None,
    output_format: Annotated[
        Optional[str],
        typer.Option("--output-format", "-f", metavar="|".join(formats("diff")), help=format_help("diff"), show_default=False),
    ] = None,
    output_file: OutputFileOpt = None,
    fail_on: Annotated[
        str,
        typer.Option(
            "--fail-on",
            metavar="|".join(FAIL_ON),
            help="Exit 1 on breaking changes (default), on any change, or never. A too-small "
            "version bump fails unless 'never'.",
        ),
    ] = "breaking",
    color: Annotated[
        str, typer.Option("--color", metavar="|".join(COLORS), help="Colour the full output (NO_COLOR is honoured by auto).")
    ] = "auto",
    check_code: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--check-code",
            metavar="PATH",
            help="Scan PATH (repeatable; '.' for the project) and list the call sites each breaking change affects.",
            show_default=False,
        ),
    ] = None,
    input_format: Annotated[
        Optional[str],
        typer.Option(
            "--input-format",
            metavar="FORMAT",
            help="Format of the plans: tracklint, segment, rudderstack, iglu, amplitude, mparticle. Default: detected.",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    from tracklint.commands.diff import DiffOptions, run_diff

    set_verbosity(quiet, verbose)

    guarded("diff", run_diff, DiffOptions(
        plans=tuple(plans or ()), base=base, output_format=output_format or None, output_file=output_file,
        fail_on=fail_on, color=color, check_code=tuple(check_code or ()), input_format=input_format,
    ))


# ---------------------------------------------------------------------------------------------
# import, export, init

PlanOutputOpt = Annotated[Optional[Path], typer.Option("--output", "--output-file", "-o", help="Write the plan here (default: stdout).")]


@app.command("import")
def import_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="segment, rudderstack, iglu, amplitude, mparticle, or auto.")],
    files: Annotated[list[Path], typer.Argument(metavar="FILE...", help="Plan files or directories to import.")],
    output: PlanOutputOpt = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Convert another tool's tracking plan to a tracklint plan."""
    from tracklint.commands.imports import ImportOptions, run_import

    set_verbosity(quiet, verbose)

    guarded("import", run_import, ImportOptions(fmt=fmt, files=tuple(files), output=output))


@app.command("export")
def export_command(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help="jsonschema or segment.")],
    plan: Annotated[Optional[Path], typer.Option("--plan", "-p", help="The tracking plan (default: discovered).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "--output-file", "-o", help="Write here (default: stdout).")] = None,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write the plan as JSON Schema or as a Segment Public API rules payload."""
    from tracklint.commands.imports import ExportOptions, run_export

    set_verbosity(quiet, verbose)

    guarded("export", run_export, ExportOptions(fmt=fmt, plan=plan, output=output))


@app.command("init")
def init_command(
    paths: Annotated[Optional[list[Path]], typer.Argument(metavar="[PATHS]", help="Code to scan (default: the project).")] = None,
    output: Annotated[Path, typer.Option("--output", "--output-file", "-o", help="Where to write the plan.")] = Path("tracking-plan.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing plan.")] = False,
    config: Annotated[Optional[Path], typer.Option("--config", help="Configuration file.")] = None,
    include_tests: Annotated[bool, typer.Option("--include-tests", help="Also plan the calls in tests and fixtures (left out by default).")] = False,
    no_wrappers: Annotated[bool, typer.Option("--no-wrappers", help="Do not declare the in-house trackers found in the configuration (they are listed to paste).")] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
) -> None:
    """Write a starting tracking plan from the calls found in the code."""
    from tracklint.commands.imports import InitOptions, run_init

    set_verbosity(quiet, verbose)

    guarded("init", run_init, InitOptions(paths=tuple(paths or ()), output=output, force=force, config=config,
                                          include_tests=include_tests, wrappers=not no_wrappers))


# ---------------------------------------------------------------------------------------------
# lsp


@app.command("lsp")
def lsp_command(quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Run the language server (over stdio) for your editor: findings as you type, quick fixes,
    hover, completion, go to the plan, references. Needs the [bold]tracklint\\[lsp][/] extra.
    Its log (stderr, which editors show) has warnings; -q only errors, -v what it does."""
    from tracklint.lsp import LspOptions, run_lsp

    set_verbosity(quiet, verbose)
    guarded("lsp", run_lsp, LspOptions())


def main() -> None:
    """Console-script entry point. Typer turns every registered command's signature into click
    parameters before it looks at the command line (about 25 ms for all of them, on every run):
    when the first argument names a command, only that command is built. Anything else (no
    argument, ``--help``, ``--version``, a misspelt command, shell completion) gets them all."""
    import copy
    import os
    import sys

    name = sys.argv[1] if len(sys.argv) > 1 else ""
    chosen = [c for c in app.registered_commands if _command_name(c) == name]
    if len(chosen) == 1 and not any(key.endswith("_COMPLETE") for key in os.environ):
        one = copy.copy(app)
        one.registered_commands = chosen
        one()
    else:
        app()


def _command_name(info: Any) -> str:
    """The name typer gives a registered command (its own, or its function's with dashes)."""
    from typer.main import get_command_name

    return info.name or get_command_name(info.callback.__name__)
