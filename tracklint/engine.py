"""The pipeline: files -> pre-filter -> parse -> call sites -> rules -> suppress/baseline -> Result.

:func:`run` is ``tracklint check``; :func:`scan` stops after extraction (``tracklint scan``,
``init``, ``diff --check-code``). Both are plain functions over :class:`~tracklint.config.Settings`
and return a :class:`~tracklint.result.Result`; the CLI turns that into output and an exit code.
"""

from __future__ import annotations

import os
import time
from typing import Callable

from tracklint.change import affected, change_scope, changed_paths, may_matter, renames, within_scope
from tracklint.config import Settings
from tracklint.diagnose import assign_sources, diagnose, source_lines
from tracklint.diagnostics import Diagnostic
from tracklint.extract import linking
from tracklint.extract.base import FileExtraction, Notice, TrackCall
from tracklint.listing import Listing, list_paths, remembered, stream_paths  # noqa: F401 - remembered: the engine's API too
from tracklint.plan.model import Plan
from tracklint.pool import Extraction, Progress, extract_one, extract_paths, specs_of
from tracklint.result import Result, Stats


def submodule_notices(settings: Settings) -> list[Notice]:
    """A notice for each git submodule in the run's paths: its code is not checked."""
    from tracklint.files import submodules

    if settings.files_given:
        return []
    return [Notice(rel, "skipped", "git submodule: its files are not checked (run tracklint inside it to check them)")
            for rel in submodules(settings.root, settings.paths)]


def complete_exports(settings: Settings, ex: Extraction) -> None:
    """Parse, on demand, the files that the pre-filter skipped but that define constants used
    as event names elsewhere (see :func:`tracklint.extract.linking.wanted_files`)."""

    def read(path: str) -> bytes | None:
        try:
            return (settings.root / path).read_bytes()
        except OSError:
            return None

    wanted = linking.wanted_files(ex.files, ex.unparsed, read)
    if not wanted:
        return
    specs = specs_of(settings)

    def whole(path: str) -> FileExtraction:
        fx = extract_one(str(settings.root / path), path, specs, settings.max_file_size, windows=False,
                         root=os.path.realpath(settings.root))
        ex.notices.extend(fx.notices)
        return fx

    for i, f in enumerate(ex.files):
        if f.path in wanted:
            ex.files[i] = whole(f.path)
    for path in sorted(wanted & ex.unparsed.keys()):
        del ex.unparsed[path]
        ex.files.append(whole(path))
    ex.files.sort(key=lambda f: f.path)


def scan(settings: Settings, *, progress: Progress | None = None, plan: Plan | None = None) -> Result:
    """Find every call site (no rules): ``tracklint scan``, ``init``, ``diff --check-code``."""
    started = time.perf_counter()
    files = list_paths(settings)
    ex = extract_paths(settings, files, progress=progress)
    ex.notices += submodule_notices(settings)
    complete_exports(settings, ex)
    linking.resolve_constants(ex.files)
    calls = [c for f in ex.files for c in f.calls]
    if plan is not None:
        assign_sources(calls, plan, settings.root)
    ex.stats.seconds = time.perf_counter() - started
    return Result(root=str(settings.root), plan=plan, calls=calls, notices=ex.notices, stats=ex.stats)


def scan_calls(settings: Settings) -> list[TrackCall]:
    """The call sites of a project, as a list (for ``init`` and ``diff --check-code``)."""
    return scan(settings).calls


def run(settings: Settings, plan: Plan | Callable[[], Plan], *, progress: Progress | None = None,
        listing: Listing | None = None, memo_checked: bool = False) -> Result:
    """``tracklint check``: scan, compare with the plan, suppress, baseline. A run that
    changes nothing since the last one returns the remembered result (see ``memo.py``).
    ``plan`` may be a function that loads it: it is then called while the workers extract.
    ``listing``: the files (and stats) :func:`remembered` already listed; ``memo_checked``: it
    found no remembered result, so the memo's key is computed after extraction, from the stats
    the extraction takes anyway (on a cold run, workers start without waiting for a stat pass)."""
    from tracklint import memo

    started = time.perf_counter()
    loader = plan if callable(plan) else None
    the_plan: Plan | None = None if loader is not None else plan

    def load() -> Plan:
        nonlocal the_plan
        if the_plan is None:
            the_plan = loader()
        return the_plan

    changed = changed_paths(settings)
    if changed is not None and not may_matter(settings, changed):
        return _nothing_to_check(settings, load(), started)
    memo_checked = memo_checked or changed is not None  # a PR mode's result is never remembered
    stats: dict[str, os.stat_result] = listing.stats if listing is not None else {}
    stream = stream_paths(settings) if listing is None and memo_checked else None
    key = None
    if stream is not None:
        # No memo to check: workers start on the tracked files while git still looks for
        # untracked ones, and the plan loads while they work. The stats are the workers'.
        ex = extract_paths(settings, stream, progress=progress, stats=stats, while_extracting=load,
                           missing_ok=True)
        gone = set(ex.gone)
        files = sorted(pair for pair in stream.collected if pair[0] not in gone)
    else:
        if listing is None:
            taken: dict[str, os.stat_result] = {}
            listing = Listing(list_paths(settings, None if memo_checked else taken), taken)
            stats = listing.stats
        files = listing.files
        if not memo_checked:
            key = memo.memo_key(settings, memo.PlanSources.of(load()), files, stats)
            if key is not None:
                remembered = memo.load(settings, key, load())
                if remembered is not None:
                    remembered.stats.seconds = time.perf_counter() - started
                    return remembered
        ex = extract_paths(settings, files, progress=progress, stats=stats, while_extracting=load)
    plan = load()
    ex.notices += submodule_notices(settings)
    if memo_checked and changed is None:
        key = memo.memo_key(settings, memo.PlanSources.of(plan), files, stats)  # stats taken before each read
    complete_exports(settings, ex)
    linking.resolve_constants(ex.files)
    calls = [c for f in ex.files for c in f.calls]
    assign_sources(calls, plan, settings.root)
    scope = change_scope(settings, plan, changed) if changed is not None else None
    renamed = renames(settings, ex.files, scope.changed) if settings.changed_since and scope else None
    diagnostics = diagnose(settings, plan, ex.files, ex.notices, calls, scope, renamed)
    notices = ex.notices
    if scope is not None:
        # The rules ran on every call (so suppressions, baselines and occurrence counts are
        # those of a full run); the report keeps what the change can affect.
        calls, paths = affected(ex.files, scope)
        diagnostics = within_scope(diagnostics, scope, calls)
        notices = [n for n in notices if n.path in paths or n.path in scope.changed]
    diagnostics.sort(key=Diagnostic.sort_key)
    result = Result(
        root=str(settings.root),
        plan=plan,
        diagnostics=diagnostics,
        calls=calls,
        notices=notices,
        stats=ex.stats,
    )
    result.lines = source_lines(settings.root, diagnostics)
    if key is not None and not any(n.kind in ("unreadable", "internal") for n in ex.notices):
        memo.save(settings, key, result, memo.PlanSources.of(plan))
    result.stats.seconds = time.perf_counter() - started
    return result


def _nothing_to_check(settings: Settings, plan: Plan, started: float) -> Result:
    """The result of a PR-mode run whose change touches nothing that can change a finding."""
    return Result(root=str(settings.root), plan=plan, stats=Stats(seconds=time.perf_counter() - started))
