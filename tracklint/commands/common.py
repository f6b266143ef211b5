"""What every command shares: the one error guard (:func:`guarded`), the one colour choice
(:func:`use_color`), the one report writer (:func:`emit`, atomic through
:func:`tracklint.fsutil.write_atomic`), and the settings, listing and progress helpers of the
commands that run the engine (``check``, ``scan``).

Errors for people exit 2 with their message on stderr (and, in the requested format, in the
report: :mod:`tracklint.report.failure`), Ctrl-C exits 130, a closed pipe exits 1, and nothing
ends in a traceback unless ``TRACKLINT_DEBUG`` is set.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, NoReturn, TypeVar

import typer

from tracklint.errors import EXIT_ERROR, TracklintError, UsageError
from tracklint.fsutil import write_atomic
from tracklint.report import REGISTRIES, resolve_format
from tracklint.report.visible import visible_lines

#: The values of every command's ``--color``.
COLORS = ("auto", "always", "never")

Options = TypeVar("Options")


@dataclass
class Target:
    """Where a command's report goes, as far as it is known: a failure of the run is reported
    there too, in the same format. A command updates it once its configuration is read."""

    command: str
    format: str | None = None
    output_file: Path | None = None


def guarded(command: str, run: Callable[[Options, Target], int], options: Options) -> NoReturn:
    """Run ``run(options, target)`` and leave with its exit code (:class:`typer.Exit`)."""
    target = Target(command, output_file=getattr(options, "output_file", None))
    if command in REGISTRIES:
        try:
            target.format = resolve_format(command, getattr(options, "output_format", None) or None)
        except UsageError:
            pass  # reported by the command itself, in its default format
    # A command is short-lived and keeps what it builds until it ends: the cyclic garbage
    # collector only walks the growing heap (on a 20,000-file check, 0.07 s in the cache write
    # alone). Reference counting still frees everything; worker processes collect as usual.
    collecting = gc.isenabled()
    gc.disable()
    try:
        code = run(options, target)
    except TracklintError as err:
        raise fail(err, target) from None
    except KeyboardInterrupt:
        _interrupted()
    except BrokenPipeError:
        _pipe_closed()
    except OSError as err:
        raise fail(TracklintError(str(err.strerror or err), path=err.filename), target) from None
    except (typer.Exit, SystemExit):
        raise
    except Exception as exc:  # noqa: BLE001
        raise _internal(exc) from None
    finally:
        if collecting:
            gc.enable()
    raise typer.Exit(code)


def fail(err: TracklintError, target: Target | None = None) -> typer.Exit:
    """Report ``err`` (in the target's format too) and return the exit to raise."""
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


def _interrupted() -> NoReturn:
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


def _pipe_closed() -> NoReturn:
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


#: How talkative the running command is: -1 with ``-q/--quiet`` (tracklint's own notes and the
#: progress bar are left out; reports and errors never are), 1 with ``-v/--verbose`` (what the
#: run used and did: :func:`detail`), else 0.
VERBOSITY = [0]


def set_verbosity(quiet: bool, verbose: bool) -> None:
    """Apply a command's ``-q``/``-v``."""
    if quiet and verbose:
        raise fail(UsageError("-q/--quiet and -v/--verbose cannot be combined"))
    VERBOSITY[0] = -1 if quiet else 1 if verbose else 0


def note(text: str) -> None:
    """A line for the person running the command, on stderr (not with ``--quiet``)."""
    if VERBOSITY[0] >= 0:
        typer.echo(text, err=True)


def detail(text: str) -> None:
    """A line only ``--verbose`` shows, on stderr."""
    if VERBOSITY[0] > 0:
        typer.echo(text, err=True)


def use_color(choice: str, output_file: Path | None) -> bool:
    """Whether to colour a report: ``--color always|never``, else (``auto``) only on a
    terminal, never into a file, and never with ``NO_COLOR`` set."""
    if choice not in COLORS:
        raise UsageError(f"--color must be one of {', '.join(COLORS)}, not {choice!r}")
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR") or output_file is not None:
        return False
    return sys.stdout.isatty()


def emit(text_writer: Callable[[IO[str]], None], output_file: Path | None) -> None:
    """Run ``text_writer(stream)`` into stdout or (atomically) into ``output_file``."""
    if output_file is None:
        text_writer(sys.stdout)
        sys.stdout.flush()
        return
    write_atomic(output_file, text_writer, what="the report")


def named(path: Path) -> Path:
    """``path`` made absolute: a directory resolved, a file's own name kept (its directory
    resolved), a path that does not exist as typed."""
    if not path.exists():
        return path.absolute()
    if path.is_dir():
        return path.resolve()
    return Path(os.path.realpath(os.path.dirname(os.path.abspath(path)))) / path.name


def settings_for(*, paths: list[Path] | tuple[Path, ...] | None, config: Path | None, isolated: bool, **overrides: Any):
    """The run's :class:`~tracklint.config.Settings`: configuration files, then ``overrides``."""
    from tracklint.config import resolve_settings

    given = list(paths or [])
    over = dict(overrides)
    if given:
        # A file is named as given: resolved, a symbolic link to a file outside the project
        # would move the run's root there (and be read); its directory is resolved.
        over["paths"] = tuple(named(p) for p in given)
        over["files_given"] = any(p.is_file() for p in given)
    return resolve_settings(config=config, isolated=isolated, overrides=over)


def describe_run(settings, result) -> None:
    """``--verbose``: what a run used (root, configuration, plan) and did (files, calls, time)."""
    stats = result.stats
    detail(f"tracklint: root {settings.root}; configuration {settings.config_file or 'none (defaults)'}; "
           f"plan {settings.plan or 'none'}")
    detail(f"tracklint: {stats.files_listed} file(s) listed, {stats.files_parsed} parsed, "
           f"{stats.files_cached} from the cache, {stats.files_skipped} skipped; "
           f"{result.call_count} call(s); {stats.seconds:.2f}s")


def start_listing(settings) -> None:
    """Let git list the files in the background while the plan loads."""
    from tracklint.gitlisting import prefetch

    prefetch(settings.paths or [settings.root])


def stop_listing() -> None:
    from tracklint.gitlisting import drop_prefetched

    drop_prefetched()


def progress_callback(enabled: bool):
    """A rich progress bar on stderr, only on a terminal and only for runs longer than a moment:
    ``(update(done, total), stop())``."""
    if not enabled or VERBOSITY[0] < 0 or not sys.stderr.isatty():
        return None, lambda: None
    state: dict[str, Any] = {"start": time.perf_counter(), "bar": None, "task": None}

    def update(done: int, total: int) -> None:
        if state["bar"] is None:
            if time.perf_counter() - state["start"] < 0.5 or done >= total:
                return
            # imported only now: a remembered check never shows (nor loads) a bar
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            bar = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                           console=Console(stderr=True), transient=True)
            bar.start()
            state["bar"], state["task"] = bar, bar.add_task("files", total=total)
        state["bar"].update(state["task"], completed=done, total=total)

    def stop() -> None:
        if state["bar"] is not None:
            state["bar"].stop()

    return update, stop
