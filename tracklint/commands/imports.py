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
    wrappers: bool = True  # declare the in-house trackers found in the configuration


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
    configured = settings.config_file
    from tracklint.discover import facade_notes, proposals

    facades = proposals(settings, found)
    # twice: the functions that forward their parameter to a tracker just declared are wrappers too
    for again in (False, True):
        if not (facades and options.wrappers and _declare_wrappers(settings, facades, force=options.force or again,
                                                                   again=again)):
            break
        found, named, settings = _scan(list(options.paths), options.config)  # as the next check reads it
        facades = [] if again else [f for f in proposals(settings, found) if f.forwarder is not None]
    calls, tests = _split_tests(found, named, options.include_tests)
    if settings.wrappers:  # a wrapper's own SDK call sends its parameter: its call sites are planned
        from tracklint.forwarding import forwarding_calls

        inner = forwarding_calls(Path(settings.root), calls, settings.wrappers)
        wrapped = [c for c in calls if (c.path, c.span.start_byte) in inner]
        calls = [c for c in calls if (c.path, c.span.start_byte) not in inner]
    plan, unresolved = plan_from_calls(calls)
    if settings.wrappers:
        _drop_conventions_broken_by(plan, wrapped)
    from tracklint.plan.dump import dump_plan

    text = dump_plan(plan, comments=unresolved_comments(unresolved))
    _write(text, output, force=True)
    note(
        f"wrote {output}: {plural(len(plan.events), 'event')} from {plural(len(calls), 'call site')}; "
        f"{plural(len(unresolved), 'call')} with an unknown event name listed at the end"
    )
    for line in _init_notes(plan, tests):
        note(f"note: {line}")
    if tests and not settings.exclude_tests:
        _exclude_tests(settings, created=configured is None)
    for line in facade_notes(settings, found, facades):
        note(line)
    return EXIT_SUCCESS


#: The comment above the wrapper declarations init writes (``exclude-tests`` goes before it).
_TRACKERS_HEAD = "# In-house trackers found by `tracklint init`"
_EXCLUDE_TESTS = ("# The plan leaves out the calls in tests and fixtures (`tracklint init`): so does `check`.\n"
                  "exclude-tests = true\n")


def _exclude_tests(settings: Any, *, created: bool) -> None:
    """Make ``check`` leave out the test files whose calls init left out of the plan: the
    ``exclude-tests`` key, at the top of a configuration this run created (a new
    ``tracklint.toml``, or the ``[tool.tracklint]`` table added to ``pyproject.toml``); a
    configuration that was there before init is not changed, the line to add is shown."""
    import re

    if settings.config_file is not None and not created:
        note(f"note: add `exclude-tests = true` to {settings.config_file.name} so that `check` leaves the tests out too")
        return
    path = _config_path(settings)
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        note(f"note: `exclude-tests = true` was not added to {path.name}: cannot read it ({exc})")
        return
    if path.is_symlink():
        note(f"note: {path.name} is a symbolic link: `exclude-tests = true` was not added to it")
        return
    if path.name != "pyproject.toml":
        text = _EXCLUDE_TESTS + ("\n" + before if before else "")
    else:
        table = "[tool.tracklint]\n" + _EXCLUDE_TESTS
        # before init's own wrapper tables (and their heading comment), or at the end
        first = re.search(f"^{re.escape(_TRACKERS_HEAD)}|^\\[\\[tool\\.tracklint\\.wrappers\\]\\]", before, re.M)
        at = first.start() if first else len(before)
        head = before[:at].rstrip("\n")
        text = (head + "\n\n" if head else "") + table + ("\n" + before[at:] if first else "")
    if _save_config(path, text, "`exclude-tests = true` was"):
        note(f"note: {path.name}: exclude-tests = true, so that `check` leaves out the tests the plan leaves out")


def _declare_wrappers(settings: Any, facades: list, *, force: bool, again: bool = False) -> bool:
    """Add the wrapper declarations for ``facades`` to the project's configuration: a new
    ``tracklint.toml``, the ``[tool.tracklint]`` table of a ``pyproject.toml`` that has none yet,
    or (with ``--force`` only) the end of the configuration file in use. Whether it was written;
    what was done, or why not, is said either way."""
    import os
    import tomllib

    from tracklint.discover import describe, wrapper_toml

    path = _config_path(settings)
    try:
        before = path.read_text(encoding="utf-8") if path.exists() else ""
        tool = path.name == "pyproject.toml" or "tool" in tomllib.loads(before)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        note(f"note: the wrapper declarations were not added to {path.name}: cannot read it ({exc})")
        return False
    if settings.config_file is not None and not force:
        note(f"note: {path.name} exists: the wrapper declarations below were not added to it (pass --force to "
             f"append them, or paste them yourself)")
        return False
    if path.is_symlink():
        note(f"note: {path.name} is a symbolic link: the wrapper declarations below were not added to it")
        return False
    readable, unreadable = _readable(settings, facades)
    if not readable:
        note(f"note: no wrapper declared: tracklint cannot read the event names of the calls below yet "
             f"({plural(sum(f.calls for f in unreadable), 'call')}); declaring them would only report each one")
        return False
    added = wrapper_toml(readable, pyproject=tool, comments=True)
    if unreadable:
        off = wrapper_toml(unreadable, pyproject=tool, comments=True).splitlines()
        added += ("\n# Not declared: tracklint cannot read most of these calls' event names yet\n"
                  + "\n".join(line if line.startswith("#") or not line else f"# {line}" for line in off) + "\n")
    head = ("# Functions that pass their parameter on to the trackers above, found by `tracklint init`:\n" if again else
            f"{_TRACKERS_HEAD} (the calls each adds are in its comment):\n")
    text = (before.rstrip("\n") + "\n\n" if before.strip() else before) + head + added
    if not _save_config(path, text, "the wrapper declarations were"):
        return False
    shown = os.path.relpath(path) if path.is_absolute() else str(path)
    note(f"{'added to' if before else 'wrote'} {shown}: {plural(len(readable), 'wrapper')} for in-house trackers, "
         f"{plural(sum(f.calls for f in readable), 'call')} to check (--no-wrappers leaves the configuration alone):")
    for line in describe(readable):
        note(f"  {line}")
    if unreadable:
        note(f"  not declared (listed there commented out): {plural(len(unreadable), 'wrapper')} whose calls' "
             f"event names tracklint cannot read yet: {', '.join(f.function for f in unreadable)}")
    return True


#: Share of a proposed wrapper's calls whose event name must be readable for init to declare it.
READABLE_SHARE = 0.5


def _readable(settings: Any, facades: list) -> tuple[list, list]:
    """``facades`` split by whether, once declared, most of their calls (outside tests) give an
    event name tracklint can read (declaring the others would report each call, nothing more).
    A facade most of whose calls pass their properties as a variable is marked to be declared
    without them (``opaque_properties``), for the same reason."""
    from tracklint.discover import owner_of, wrapper_entry
    from tracklint.engine import scan_calls
    from tracklint.testpaths import is_test_path

    entries = tuple(wrapper_entry(f) for f in facades)
    calls = scan_calls(settings.with_(wrappers=tuple(settings.wrappers) + entries))
    seen = {f.function: [0, 0, 0] for f in facades}
    for call in calls:
        owner = None if call.sdk != "custom" or is_test_path(call.path) else owner_of(call, facades)
        if owner is not None:
            props = call.properties
            seen[owner][0] += call.event is not None
            seen[owner][1] += 1
            seen[owner][2] += props is not None and props.properties is None and props.type == "unknown"
    for f in facades:
        f.opaque_properties = seen[f.function][2] > READABLE_SHARE * max(seen[f.function][1], 1)
    readable = [f for f in facades if seen[f.function][0] > READABLE_SHARE * max(seen[f.function][1], 1)]
    return readable, [f for f in facades if f not in readable]


def _config_path(settings: Any) -> Path:
    """The configuration file init adds to: the one in use, else the project's ``pyproject.toml``
    (a ``[tool.tracklint]`` table is added), else a new ``tracklint.toml``."""
    root = Path(settings.root)
    if settings.config_file is not None:
        return settings.config_file
    return root / "pyproject.toml" if (root / "pyproject.toml").is_file() else root / "tracklint.toml"


def _save_config(path: Path, text: str, what: str) -> bool:
    """Write ``text`` as the configuration ``path`` when tracklint's own validation loads it;
    else say that ``what`` (``"… was"``) was not added, and why."""
    problem = _config_problem(path, text)
    if problem is not None:
        note(f"note: {what} not added to {path.name}: {problem}")
        return False
    write_atomic(path, text)
    return True


def _config_problem(path: Path, text: str) -> str | None:
    """Why ``text`` would not load as the configuration file ``path`` (None: it loads), checked
    by tracklint's own configuration validation on a copy."""
    import tempfile

    from tracklint.config import read_config, settings_from_table
    from tracklint.errors import ConfigError

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(text, encoding="utf-8")
        try:
            settings_from_table(read_config(copy), path.parent, copy)
        except ConfigError as exc:
            return exc.message
    return None


def _drop_conventions_broken_by(plan: Any, wrapped: list) -> None:
    """No property name convention when a wrapper's own SDK call (not planned: its event is the
    wrapper's parameter) adds a key that breaks it (``$lib``): check would report it at once."""
    from tracklint.naming import check_name

    style = plan.conventions.property_name if plan.conventions else None
    keys = [k for c in wrapped if c.properties is not None and c.properties.properties for k in c.properties.properties]
    broken = [k for k in keys if style and not check_name(k, style)]
    if broken:
        plan.conventions.property_name = None
        note(f"note: no property name convention written: the wrappers' own calls add "
             f"{', '.join(f'`{k}`' for k in sorted(set(broken))[:3])}, which is not {style}")


def _split_tests(calls: list, named: list[str], include: bool) -> tuple[list, list]:
    """The calls to plan and the calls left out because they are in tests (none with
    ``--include-tests``). A path is judged below the directory the command named: ``tracklint
    init tests/fixtures/app`` asks for that directory, and its calls are planned."""
    from tracklint.testpaths import is_test_below

    if include:
        return calls, []
    kept, tests = [], []
    for call in calls:
        (tests if is_test_below(call.path, named) else kept).append(call)
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
    from tracklint.config import resolve_settings
    from tracklint.engine import scan_calls
    from tracklint.testpaths import named_dirs

    overrides: dict[str, Any] = {}
    if paths:
        for p in paths:
            if not p.exists():
                raise UsageError(f"no such file or directory: {p}")
        overrides["paths"] = tuple(p.resolve() for p in paths)
        overrides["files_given"] = any(p.is_file() for p in paths)
    settings = resolve_settings(config=config, overrides=overrides)
    prefixes = named_dirs(str(settings.root), paths)
    # every call, tests too: init splits them itself (``exclude-tests`` is for check)
    return scan_calls(settings.with_(exclude_tests=False)), prefixes, settings
