"""What a run covers: the whole project, or a change (the PR modes, --changed-since and
--affected).

A PR mode extracts and checks the whole project (so suppressions, baselines and occurrence
counts are those of a full run) and then reports what the change can affect: every call in a
changed file, the calls elsewhere that resolve through one, or everything when the plan, the
configuration or the baseline changed (:func:`change_scope`, :func:`affected`,
:func:`within_scope`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tracklint.config import Settings
from tracklint.diagnostics import Diagnostic
from tracklint.extract import extract_file, linking
from tracklint.extract.base import FileExtraction, TrackCall
from tracklint.plan.model import Plan
from tracklint.pool import specs_of


def pr_mode(settings: Settings) -> bool:
    """Whether the run checks a change (--changed-since, --affected / the per-file hook)."""
    return bool(settings.changed_since) or settings.changed_files is not None


def whole_project(settings: Settings) -> bool:
    """Whether this run sees the whole project, so that project rules (an event nobody sends)
    mean something: no file list, no --changed-since, and the paths cover the plan's directory."""
    if settings.files_given or pr_mode(settings):
        return False
    if not settings.paths:
        return True
    plan_dir = Path(settings.plan).resolve().parent if settings.plan else settings.root.resolve()
    return any(p.is_dir() and plan_dir.is_relative_to(p.resolve()) for p in settings.paths)


@dataclass(frozen=True)
class ChangeScope:
    """The paths a change touched (repo-relative, deleted ones included) and whether it touched
    an input of every call: the plan or one of its included files, the config, the baseline."""

    changed: frozenset[str]
    everything: bool


#: Suffixes of files that can change a result without being source files (plan, config).
_INPUT_SUFFIXES = (".yaml", ".yml", ".toml")


def changed_paths(settings: Settings) -> frozenset[str] | None:
    """What the change touched, or None outside the PR modes."""
    if settings.changed_since:
        from tracklint.gitutil import changed_files

        return frozenset(changed_files(settings.root, settings.changed_since, deleted=True))
    if settings.changed_files is not None:
        return frozenset(settings.changed_files)
    return None


def may_matter(settings: Settings, changed: frozenset[str]) -> bool:
    """Whether any changed path can change a finding: a source file, a YAML/TOML file (the plan
    and config are among them), the baseline, a submodule (a directory). A change to a README
    needs no extraction."""
    from tracklint.files import _supported

    inputs = {project_path(str(p), settings.root) for p in (settings.plan, settings.config_file, settings.baseline) if p}
    return any(_supported(os.path.basename(p)) or p.lower().endswith(_INPUT_SUFFIXES) or p in inputs
               or os.path.isdir(settings.root / p) for p in changed)


def change_scope(settings: Settings, plan: Plan, changed: frozenset[str]) -> ChangeScope:
    inputs = {project_path(os.path.abspath(str(p)), settings.root)
              for p in (*plan.files, settings.plan, settings.baseline) if p}
    everything = bool(changed & inputs)
    if not everything and settings.config_file is not None:
        config = project_path(os.path.abspath(settings.config_file), settings.root)
        everything = config in changed and _config_changed(settings, config)
    return ChangeScope(changed, everything)


def _config_changed(settings: Settings, rel: str) -> bool:
    """Whether the change touched tracklint's configuration: any change to a tracklint.toml;
    in a pyproject.toml, only a change to its ``[tool.tracklint]`` table (a dependency bump
    must not re-report every call). Compared with the base of --changed-since, or with HEAD for
    --affected (the staged file against the last commit)."""
    import tomllib

    from tracklint.errors import TracklintError
    from tracklint.gitutil import file_at_ref, merge_base

    path = settings.config_file
    if path is None or path.name != "pyproject.toml":
        return True
    try:
        base = merge_base(settings.root, settings.changed_since) if settings.changed_since else "HEAD"
        old = file_at_ref(settings.root, base, rel)
        if old is None:
            return True
        tables = [tomllib.loads(text).get("tool", {}).get("tracklint")
                  for text in (old.decode("utf-8"), path.read_text(encoding="utf-8"))]
    except (TracklintError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, AttributeError):
        return True
    return tables[0] != tables[1]


def affected(files: list[FileExtraction], scope: ChangeScope) -> tuple[list[TrackCall], set[str]]:
    """The calls whose findings the change can affect (every call in a changed file, and the
    calls elsewhere that resolve through one), and the paths of the files they are in."""
    families = linking.changed_families(scope.changed)
    calls: list[TrackCall] = []
    paths: set[str] = set()
    for f in files:
        whole = scope.everything or f.path in scope.changed
        picked = f.calls if whole else [c for c in f.calls if linking.depends_on(f, c, scope.changed, families)]
        if picked or whole:
            calls.extend(picked)
            paths.add(f.path)
    return calls, paths


def within_scope(diagnostics: list[Diagnostic], scope: ChangeScope, calls: list[TrackCall]) -> list[Diagnostic]:
    """The findings of a whole run that the change can affect: all of them when the plan, config
    or baseline changed; else those in changed files and those on affected calls elsewhere
    (a suppression comment counts from the line above its call)."""
    if scope.everything:
        return diagnostics
    from tracklint.suppress import UNUSED_CODE

    ranges: dict[str, list[tuple[int, int]]] = {}
    for call in calls:
        if call.path not in scope.changed:
            ranges.setdefault(call.path, []).append((call.span.line, call.span.end_line))

    def kept(d: Diagnostic) -> bool:
        loc = d.location
        if loc.path in scope.changed:
            return True
        before = 1 if d.code == UNUSED_CODE else 0
        return any(start - before <= loc.line and loc.end_line <= end for start, end in ranges.get(loc.path, ()))

    return [d for d in diagnostics if kept(d)]


def renames(settings: Settings, files: list[FileExtraction], changed: frozenset[str]) -> dict[tuple[str, int], str]:
    """For --changed-since: call sites in changed files whose event name changed since REF,
    keyed by (path, line) -> the old name."""
    import difflib

    from tracklint.gitutil import file_at_ref

    specs = specs_of(settings)
    out: dict[tuple[str, int], str] = {}
    for fx in files:
        if fx.path not in changed:
            continue
        new_calls = [c for c in fx.calls if c.event is not None]
        if not new_calls:
            continue
        old_bytes = file_at_ref(settings.root, settings.changed_since, fx.path)
        if old_bytes is None:
            continue
        old = extract_file(fx.path, old_bytes, specs, max_file_size=settings.max_file_size)
        old_calls = [c for c in old.calls if c.event is not None]
        matcher = difflib.SequenceMatcher(a=[c.event for c in old_calls], b=[c.event for c in new_calls], autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "replace" and (i2 - i1) == (j2 - j1):
                for a, b in zip(old_calls[i1:i2], new_calls[j1:j2]):
                    out[(fx.path, b.span.line)] = a.event
    return out


def planned_at_base(settings: Settings, plan: Plan, calls: list[TrackCall]) -> dict[str, dict[str, str]] | None:
    """For --changed-since: the plan's names of each kind (track, page, screen) as they were at
    the base, keyed by their normalised form, when some call sends a name the plan does not have
    (a name the change removed from the plan is the rename suggestion: see TL001). None when no
    call needs it, or when the base's plan cannot be read (no suggestion is better than a failed
    run)."""
    import tempfile

    from tracklint.diagnostics import normalise_name
    from tracklint.errors import TracklintError
    from tracklint.rules._common import planned_events

    if not settings.changed_since or settings.plan is None or not any(
            c.event is not None and (planned_events(plan, c.kind) or {}).get(c.event) is None
            and c.kind in ("track", "page", "screen") for c in calls):
        return None
    from tracklint.gitutil import copy_plan_at_ref
    from tracklint.plan.load import load_plan

    try:
        with tempfile.TemporaryDirectory(prefix="tracklint-base-") as tmp:
            rel, found = copy_plan_at_ref(Path(settings.plan), settings.changed_since, Path(tmp), label=str(settings.plan))
            if not found:
                return None
            old = load_plan(Path(tmp) / rel)
    except (TracklintError, OSError):
        return None
    return {kind: {normalise_name(n): n for n in names}
            for kind, names in (("track", old.events), ("page", old.pages), ("screen", old.screens))}


def project_path(path: str, root: Path) -> str:
    """``path`` relative to ``root`` (POSIX separators) when it is absolute and inside it; else as given."""
    if not path or not os.path.isabs(path):
        return path
    rel = os.path.relpath(path, root)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")
