"""``tracklint diff``: compare two versions of a tracking plan and classify every change.

    tracklint diff OLD NEW              two plan files (any format ``tracklint import`` reads)
    tracklint diff --base REF [PLAN]    the plan at a git ref against the working tree

Exit codes: 0 nothing at or above ``--fail-on`` (and the version bump is large enough), 1
breaking changes or a too-small version bump, 2 usage error or an unreadable plan.

The command only parses arguments, loads the two plans (reading a plan at a git ref, with every
file it includes, through :func:`tracklint.gitutil.copy_plan_at_ref`) and picks a reporter; the diff itself is
:func:`tracklint.plan.diff.diff_plans`. Heavy imports happen inside the command so that
``tracklint --help`` stays fast.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracklint.commands.common import Target, emit, note, use_color
from tracklint.errors import EXIT_FINDINGS, EXIT_SUCCESS
from tracklint.report import get_reporter, resolve_format

if TYPE_CHECKING:  # pragma: no cover
    from tracklint.plan.diff import PlanDiff
    from tracklint.plan.model import Plan

FAIL_ON = ("breaking", "any", "never")


@dataclasses.dataclass(frozen=True)
class DiffOptions:
    """Everything ``tracklint diff`` needs, parsed from the command line."""

    plans: tuple[Path, ...] = ()
    base: str | None = None
    output_format: str | None = None
    output_file: Path | None = None
    fail_on: str = "breaking"
    color: str = "auto"
    check_code: tuple[Path, ...] = ()
    input_format: str | None = None
    cwd: Path | None = None


# --------------------------------------------------------------------------- execution


def _usage(message: str, hint: str | None = None):
    from tracklint.errors import UsageError

    return UsageError(message, hint=hint)


def run_diff(options: DiffOptions, target: Target | None = None) -> int:
    """Run ``tracklint diff`` and return its exit code (0 or 1); bad input raises a
    :class:`~tracklint.errors.TracklintError` for :func:`~tracklint.commands.common.guarded`."""
    fmt = resolve_format("diff", options.output_format, note=note) or "full"
    if target is not None:
        target.format = fmt
    if options.fail_on not in FAIL_ON:
        raise _usage(f"--fail-on must be one of {', '.join(FAIL_ON)}, not {options.fail_on!r}")
    color = use_color(options.color, options.output_file)
    diff, old_label, new_label = _compute(options)
    if options.check_code:
        _attach_impact(diff, options)
    failed = _failed(diff, options.fail_on)
    reporter = get_reporter(fmt, "diff")(
        color=color, fail_on=options.fail_on, failed=failed, old_label=old_label, new_label=new_label,
    )
    emit(lambda stream: reporter.report(diff, stream), options.output_file)
    return EXIT_FINDINGS if failed else EXIT_SUCCESS


def _failed(diff: "PlanDiff", fail_on: str) -> bool:
    if fail_on == "never":
        return False
    if not diff.version_ok:
        return True
    if fail_on == "any":
        return bool(diff.changes)
    return bool(diff.breaking)


def _compute(options: DiffOptions) -> tuple["PlanDiff", str, str]:
    from tracklint.plan.diff import diff_plans

    cwd = options.cwd or Path.cwd()
    if options.base is None:
        if len(options.plans) != 2:
            raise _usage(
                f"expected two plan files (OLD NEW), got {len(options.plans)}",
                hint="or compare with a git ref: tracklint diff --base main [PLAN]",
            )
        old_path, new_path = (p if p.is_absolute() else cwd / p for p in options.plans)
        old_label, new_label = (str(p) for p in options.plans)
        old, old_fmt = _load(old_path, options.input_format, label=old_label)
        new, new_fmt = _load(new_path, options.input_format, label=new_label)
    else:
        if len(options.plans) > 1:
            raise _usage(
                f"with --base, give at most one plan (got {len(options.plans)})",
                hint="tracklint diff --base REF [PLAN]",
            )
        if options.plans:
            plan_path = options.plans[0] if options.plans[0].is_absolute() else cwd / options.plans[0]
            new_label = str(options.plans[0])
        else:
            from tracklint.config import find_plan

            found = find_plan(cwd)
            if found is None:
                raise _usage(
                    "no tracking-plan.yaml found in this directory or above",
                    hint="pass the plan: tracklint diff --base REF PLAN",
                )
            plan_path = found
            new_label = os.path.relpath(found, cwd)
        new, new_fmt = _load(plan_path, options.input_format, label=new_label)
        old, old_fmt, old_label = _load_at_ref(plan_path, options.base, options.input_format, new_label)
    scheme = "schemaver" if "iglu" in (old_fmt, new_fmt) else None
    diff = diff_plans(old, new, version_scheme=scheme)
    diff.old_path, diff.new_path = old_label, new_label
    return diff, old_label, new_label


def _detect(path: Path, fmt: str | None) -> str | None:
    if fmt not in (None, "auto"):
        return fmt
    from tracklint.importers import detect_format

    return detect_format(path)


def _load(path: Path, fmt: str | None, *, label: str) -> tuple["Plan", str | None]:
    """Load a plan of any format; messages name it as the user wrote it (``label``)."""
    from tracklint.errors import PlanError
    from tracklint.importers import load_any

    if not path.exists():
        raise PlanError("no such file or directory", path=label)
    detected = _detect(path, fmt)
    plan = _relabel_errors(lambda: load_any(path, detected), str(path), label)
    if str(path) != label:
        real_dir, label_dir = (str(path), label) if path.is_dir() else (str(path.parent), os.path.dirname(label))

        def rename(p: str) -> str:
            if p == str(path):
                return label
            if p.startswith(real_dir + os.sep):
                return os.path.normpath(os.path.join(label_dir, p[len(real_dir) + 1:]))
            return p

        _relocate(plan, rename)
    return plan, detected


def _relabel_errors(load, real: str, label: str):
    """Run ``load``; in a :class:`TracklintError` it raises, show ``label`` instead of ``real``."""
    from tracklint.errors import TracklintError

    try:
        return load()
    except TracklintError as err:
        if real != label:
            if err.path and err.path.startswith(real):
                err.path = label + err.path[len(real):]
            err.message = err.message.replace(real, label)
        raise


# --------------------------------------------------------------------------- git refs


def _load_at_ref(plan_path: Path, ref: str, fmt: str | None, label: str) -> tuple["Plan", str | None, str]:
    """The plan as it was at ``ref``: its file(s) are copied from the git tree into a temporary
    directory (:func:`tracklint.gitutil.copy_plan_at_ref`), loaded there, and their locations
    renamed ``REF:path``."""
    from tracklint.errors import PlanError
    from tracklint.gitutil import copy_plan_at_ref
    from tracklint.importers import load_any

    with tempfile.TemporaryDirectory(prefix="tracklint-diff-") as tmp:
        tmp_root = Path(tmp)
        rel, found = copy_plan_at_ref(plan_path, ref, tmp_root, label=label)
        old_label = f"{ref}:{rel}"
        if not found:
            # The plan is new on this branch: everything in it is an addition.
            from tracklint.plan.model import Plan

            return Plan(path=old_label), None, old_label
        target = tmp_root / rel
        detected = _detect(target, fmt)
        prefix = str(target)
        base_prefix = str(tmp_root) + os.sep

        def rename(path: str) -> str:
            if path.startswith(base_prefix):
                return f"{ref}:{Path(path[len(base_prefix):]).as_posix()}"
            return path

        try:
            plan = load_any(target, detected)
        except PlanError as err:
            if err.path:
                err.path = rename(err.path) if err.path != prefix else old_label
            err.message = err.message.replace(base_prefix, f"{ref}:").replace(prefix, old_label)
            raise
        _relocate(plan, rename)
        plan.path = old_label
        return plan, detected, old_label


def _relocate(plan: "Plan", rename) -> None:
    """Rewrite every ``PlanLocation.path`` in ``plan`` with ``rename`` (no recursion)."""
    from tracklint.plan.model import PlanLocation

    def fix(obj: Any) -> None:
        loc = getattr(obj, "location", None)
        if isinstance(loc, PlanLocation):
            obj.location = dataclasses.replace(loc, path=rename(loc.path))

    stack: list[Any] = []
    stack.extend(plan.sources.values())
    for mapping in (plan.events, plan.pages, plan.screens):
        stack.extend(mapping.values())
    stack.extend(plan.shared_properties.values())
    stack.extend(plan.common_properties.values())
    for traits in (plan.identify, plan.group):
        if traits is not None:
            stack.append(traits)
    while stack:
        obj = stack.pop()
        fix(obj)
        props = getattr(obj, "properties", None)
        if isinstance(props, dict):
            stack.extend(props.values())
        traits = getattr(obj, "traits", None)
        if isinstance(traits, dict):
            stack.extend(traits.values())
        items = getattr(obj, "items", None)
        if items is not None and not callable(items):
            stack.append(items)
    if plan.files:
        plan.files = tuple(rename(f) for f in plan.files)


# --------------------------------------------------------------------------- code impact


def _attach_impact(diff: "PlanDiff", options: DiffOptions) -> None:
    """Scan the code under ``--check-code`` paths and attach the affected call sites."""
    from tracklint.config import resolve_settings
    from tracklint.engine import scan_calls
    from tracklint.plan.diff import code_impact

    cwd = options.cwd or Path.cwd()
    paths = tuple(p if p.is_absolute() else cwd / p for p in options.check_code)
    for path in paths:
        if not path.exists():
            raise _usage(f"--check-code path does not exist: {path}")
    settings = resolve_settings(cwd=cwd, overrides={"paths": paths, "progress": False, "output_format": "json"})
    calls = scan_calls(settings)
    diff.impact = code_impact(diff, calls)
