"""``tracklint diff``: compare two versions of a tracking plan and classify every change.

    tracklint diff OLD NEW              two plan files (any format ``tracklint import`` reads)
    tracklint diff --base REF [PLAN]    the plan at a git ref against the working tree

Exit codes: 0 nothing at or above ``--fail-on`` (and the version bump is large enough), 1
breaking changes or a too-small version bump, 2 usage error or an unreadable plan.

The command only parses arguments, loads the two plans (reading a plan at a git ref, with every
file it includes, through GitPython) and picks a reporter; the diff itself is
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

#: Most files materialised from a git ref for one plan (a plan directory, or includes).
MAX_REF_FILES = 5000
#: Most bytes materialised from a git ref for one plan (each file also within the plan limit).
MAX_REF_BYTES = 64 * 1024 * 1024


@dataclasses.dataclass(frozen=True)
class DiffOptions:
    """Everything ``tracklint diff`` needs, parsed from the command line."""

    plans: tuple[Path, ...] = ()
    base: str | None = None
    output_format: str = "full"
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
    fmt = resolve_format("diff", options.output_format or None, note=note) or "full"
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
    directory (a tracklint plan with every file it includes, or a whole plan directory), loaded
    there, and their locations renamed ``REF:path``."""
    from tracklint.errors import PlanError, UsageError

    try:
        import git
    except ImportError as exc:  # pragma: no cover - GitPython is a dependency
        raise UsageError(f"--base needs GitPython: {exc}") from None
    try:
        repo = git.Repo(plan_path.parent if plan_path.is_file() else plan_path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError("--base needs a git repository", path=label, hint="run inside the repository, or pass OLD NEW") from None
    try:
        if repo.working_tree_dir is None:
            raise UsageError("--base needs a repository with a working tree", path=label)
        top = Path(repo.working_tree_dir).resolve()
        try:
            rel = plan_path.resolve().relative_to(top).as_posix()
        except ValueError:
            raise UsageError("the plan is outside the git repository", path=label) from None
        tree = _tree_at(repo, ref)
        old_label = f"{ref}:{rel}"
        try:
            entry = tree / rel
        except KeyError:
            # The plan is new on this branch: everything in it is an addition.
            from tracklint.plan.model import Plan

            return Plan(path=old_label), None, old_label
        with tempfile.TemporaryDirectory(prefix="tracklint-diff-") as tmp:
            tmp_root = Path(tmp)
            budget = _Budget(ref)
            if entry.type == "tree":
                _copy_tree(entry, tmp_root, budget)
            else:
                _copy_plan_files(tree, rel, tmp_root, budget)
            target = tmp_root / rel
            detected = _detect(target, fmt)
            if detected is None and target.is_file() and target.suffix.lower() in (".yaml", ".yml"):
                detected = None  # load_any reports what it cannot recognise
            from tracklint.importers import load_any

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
    finally:
        repo.close()


def _tree_at(repo: Any, ref: str) -> Any:
    """The tree of the commit ``ref`` names; a :class:`UsageError` when the ref is unknown or
    its objects are not in this clone (a shallow CI checkout: GitPython raises ValueError)."""
    import git

    from tracklint.errors import UsageError

    shallow = Path(repo.git_dir, "shallow").is_file()
    deepen = ("the clone is shallow; fetch more history (git fetch --deepen=50, or --unshallow), "
              "or in GitHub Actions use actions/checkout with fetch-depth: 0")
    try:
        return repo.commit(ref).tree  # reads the commit object: ValueError when it is absent
    except (git.BadName, git.BadObject, ValueError) as exc:
        # HEAD~1 in a depth-1 clone: the id is known (HEAD's parent) but the object is not, or
        # rev-parse cannot walk past the shallow boundary.
        missing = not isinstance(exc, git.BadName) or (shallow and any(c in ref for c in "~^@"))
        if ref.startswith("-") or not missing:
            raise UsageError(f"unknown git ref {ref!r}", hint="fetch it first (git fetch origin main), or check the spelling") from None
        raise UsageError(
            f"the base revision {ref} is not in this clone" + (" (shallow clone)" if shallow else ""),
            hint=deepen if shallow else "fetch it first (git fetch origin main)",
        ) from None


class _Budget:
    """What reading a plan at a git ref may cost: each file at most the plan size limit (the
    same as on disk), all files together at most ``MAX_REF_BYTES``. Sizes come from the object
    database, so an oversize blob is refused before it is read."""

    def __init__(self, ref: str) -> None:
        self.ref, self.total = ref, 0

    def read(self, blob: Any) -> bytes:
        from tracklint.errors import PlanError
        from tracklint.plan.yaml_loader import MAX_BYTES

        size = blob.size
        mb = 1024 * 1024
        if size > MAX_BYTES:
            raise PlanError(f"the plan file is too large at {self.ref} ({size / mb:.1f} MB; the limit is {MAX_BYTES // mb} MB)",
                            path=f"{self.ref}:{blob.path}")
        self.total += size
        if self.total > MAX_REF_BYTES:
            raise PlanError(f"the plan's files at {self.ref} add up to more than {MAX_REF_BYTES // mb} MB",
                            path=f"{self.ref}:{blob.path}")
        return blob.data_stream.read()


def _copy_blob(blob: Any, dest: Path, budget: _Budget) -> None:
    data = budget.read(blob)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)


def _copy_tree(tree: Any, tmp_root: Path, budget: _Budget) -> None:
    """Copy every file of a plan directory at the ref (RudderStack projects, Iglu registries)."""
    count = 0
    for item in tree.traverse():
        if item.type != "blob":
            continue
        count += 1
        if count > MAX_REF_FILES:
            from tracklint.errors import UsageError

            raise UsageError(f"the plan directory holds more than {MAX_REF_FILES} files at the ref")
        _copy_blob(item, tmp_root / item.path, budget)


def _copy_plan_files(tree: Any, rel: str, tmp_root: Path, budget: _Budget) -> None:
    """Copy the plan file and, for a tracklint plan, every file its ``include:`` can reach.

    Literal includes are followed file by file; a glob include copies the plan files (YAML,
    JSON) under the glob's fixed prefix so that the loader's own glob matching decides, exactly
    as on disk."""
    import glob
    import posixpath

    import yaml

    seen: set[str] = set()
    todo = [rel]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if len(seen) > MAX_REF_FILES:
            break
        try:
            blob = tree / current
        except KeyError:
            continue  # the loader reports the missing include
        if blob.type != "blob":
            continue
        data = budget.read(blob)
        dest = tmp_root / current
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        if not current.lower().endswith((".yaml", ".yml")):
            continue
        try:
            doc = yaml.safe_load(data)
        except yaml.YAMLError:
            continue  # the loader reports it, positioned
        includes = doc.get("include") if isinstance(doc, dict) else None
        if not isinstance(includes, list):
            continue
        directory = posixpath.dirname(current)
        for entry in includes:
            if not isinstance(entry, str) or entry.startswith("/"):
                continue
            if glob.has_magic(entry):
                fixed = []
                for part in entry.split("/"):
                    if glob.has_magic(part):
                        break
                    fixed.append(part)
                prefix = posixpath.normpath(posixpath.join(directory, *fixed)) if fixed else directory
                if prefix.startswith(".."):
                    continue
                try:
                    sub = tree / prefix if prefix not in ("", ".") else tree
                except KeyError:
                    continue
                if sub.type != "tree":
                    continue
                for item in sub.traverse():
                    if item.type == "blob" and item.path.lower().endswith((".yaml", ".yml", ".json")):
                        todo.append(item.path)
            else:
                target = posixpath.normpath(posixpath.join(directory, entry))
                if not target.startswith(".."):
                    todo.append(target)


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
