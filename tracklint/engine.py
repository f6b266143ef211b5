"""The pipeline: files -> pre-filter -> parse -> call sites -> rules -> suppress/baseline -> Result.

:func:`run` is ``tracklint check`` (the memo wraps it: :func:`tracklint.listing.check`);
:func:`scan` stops after extraction (``tracklint scan``, ``init``, ``diff --check-code``). Both
are plain functions over :class:`~tracklint.config.Settings` and return a
:class:`~tracklint.result.Result`; the CLI turns that into output and an exit code. The steps
live elsewhere: reading and extracting files in :mod:`tracklint.pool`, rules and suppressions in
:mod:`tracklint.diagnose`, what a change affects in :mod:`tracklint.change`.
"""

from __future__ import annotations

import os
import time
from typing import Callable

from tracklint.change import affected, change_scope, changed_paths, may_matter, planned_at_base, renames, within_scope
from tracklint.config import Settings
from tracklint.diagnose import assign_sources, diagnose, source_lines
from tracklint.diagnostics import Diagnostic
from tracklint.extract import linking
from tracklint.extract.base import FileExtraction, Notice, TrackCall
from tracklint.listing import Listing, list_paths, stream_paths
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
    ex = extract_paths(settings, list_paths(settings), progress=progress)
    calls = _call_sites(settings, ex, plan)
    ex.stats.seconds = time.perf_counter() - started
    return Result(root=str(settings.root), plan=plan, calls=calls, notices=ex.notices, stats=ex.stats)


def scan_calls(settings: Settings) -> list[TrackCall]:
    """The call sites of a project, as a list (for ``init`` and ``diff --check-code``)."""
    return scan(settings).calls


#: Called once a run's files are extracted, with the files, the stats taken before each was read
#: and the plan (the memo keys the run's result on them: see :func:`tracklint.listing.check`).
Extracted = Callable[[list[tuple[str, str]], dict[str, os.stat_result], Plan], None]


def run(settings: Settings, plan: Plan | Callable[[], Plan], *, progress: Progress | None = None,
        listing: Listing | None = None, extracted: Extracted | None = None) -> Result:
    """``tracklint check``'s pipeline: extract, compare with the plan, suppress, baseline, and in
    a PR mode keep what the change can affect. ``plan`` may be a function that loads it: it is
    then called while the workers extract. ``listing``: the files (and stats) already listed (by
    the memo's look-up, which wraps this run: :func:`tracklint.listing.check`)."""
    started = time.perf_counter()
    load = _loader(plan)
    changed = changed_paths(settings)
    if changed is not None and not may_matter(settings, changed):
        return _nothing_to_check(settings, load(), started)
    ex, files, stats = _extract(settings, listing, load, progress)
    plan = load()
    if extracted is not None:
        extracted(files, stats, plan)
    calls = _call_sites(settings, ex, plan)
    scope = change_scope(settings, plan, changed) if changed is not None else None
    renamed = renames(settings, ex.files, scope.changed) if settings.changed_since and scope else None
    diagnostics = diagnose(settings, plan, ex.files, ex.notices, calls, scope, renamed,
                           base_names=planned_at_base(settings, plan, calls) if scope else None)
    notices = ex.notices
    if scope is not None:
        # The rules ran on every call (so suppressions, baselines and occurrence counts are
        # those of a full run); the report keeps what the change can affect.
        calls, paths = affected(ex.files, scope)
        diagnostics = within_scope(diagnostics, scope, calls)
        notices = [n for n in notices if n.path in paths or n.path in scope.changed]
    diagnostics.sort(key=Diagnostic.sort_key)
    result = Result(root=str(settings.root), plan=plan, diagnostics=diagnostics, calls=calls,
                    notices=notices, stats=ex.stats)
    result.lines = source_lines(settings.root, diagnostics)
    result.stats.seconds = time.perf_counter() - started
    return result


def _loader(plan: Plan | Callable[[], Plan]) -> Callable[[], Plan]:
    """``plan``, or the function that loads it, as a function that loads it at most once."""
    if not callable(plan):
        return lambda: plan
    loaded: list[Plan] = []

    def load() -> Plan:
        if not loaded:
            loaded.append(plan())
        return loaded[0]

    return load


def _extract(settings: Settings, listing: Listing | None, load: Callable[[], Plan],
             progress: Progress | None) -> tuple[Extraction, list[tuple[str, str]], dict[str, os.stat_result]]:
    """Extract the run's files, loading the plan meanwhile: the extraction, the files and their
    stats (taken before each was read). Unless they are listed already, the files of a run over
    one directory stream to the workers: they start on the tracked files while git still looks
    for untracked ones, and each file's stat is the worker's."""
    stream = stream_paths(settings) if listing is None else None
    if stream is not None:
        stats: dict[str, os.stat_result] = {}
        ex = extract_paths(settings, stream, progress=progress, stats=stats, while_extracting=load,
                           missing_ok=True)
        gone = set(ex.gone)
        return ex, sorted(pair for pair in stream.collected if pair[0] not in gone), stats
    listing = listing or Listing(list_paths(settings))
    ex = extract_paths(settings, listing.files, progress=progress, stats=listing.stats, while_extracting=load)
    return ex, listing.files, listing.stats


def _call_sites(settings: Settings, ex: Extraction, plan: Plan | None) -> list[TrackCall]:
    """The run's call sites, constants resolved across files and sources assigned (when there is a
    plan); submodules and files parsed on demand add their notices to ``ex``."""
    ex.notices += submodule_notices(settings)
    complete_exports(settings, ex)
    linking.resolve_constants(ex.files)
    calls = [c for f in ex.files for c in f.calls]
    if plan is not None:
        assign_sources(calls, plan, settings.root)
    return calls


def _nothing_to_check(settings: Settings, plan: Plan, started: float) -> Result:
    """The result of a PR-mode run whose change touches nothing that can change a finding."""
    return Result(root=str(settings.root), plan=plan, stats=Stats(seconds=time.perf_counter() - started))
