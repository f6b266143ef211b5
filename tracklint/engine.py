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
from pathlib import Path
from typing import Callable

from tracklint.change import (affected, change_scope, changed_paths, may_matter, planned_at_base, project_path, renames,
                              within_scope)
from tracklint.config import Settings
from tracklint.diagnose import assign_sources, diagnose, source_lines
from tracklint.diagnostics import Diagnostic
from tracklint.extract import decode, language_for, linking
from tracklint.extract.base import FileExtraction, Notice, TrackCall
from tracklint.listing import Listing, list_paths, stream_paths
from tracklint.plan.model import Plan
from tracklint.pool import (Extraction, FileStat, Progress, extract_one, extract_paths, extract_whole, read_with_stat,
                            save_cache, specs_of)
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
    as event names elsewhere (see :func:`tracklint.extract.linking.wanted_files`), and those
    parsed only in windows. The run's cache (``ex.cache``) holds each one's whole extraction for
    as long as the file is unchanged: an unchanged run parses none of them."""

    root = os.path.realpath(settings.root)
    mentions = _Mentions(settings, root, ex.cache)
    wanted = linking.wanted_files(ex.files, ex.unparsed, mentions.read, mentions if ex.cache is not None else None)
    if not wanted:
        return
    specs = None

    def whole(path: str) -> FileExtraction:
        nonlocal specs
        fx = ex.cache.lookup_whole(path) if ex.cache is not None else None
        if fx is None:
            specs = specs if specs is not None else specs_of(settings)
            fx, st = extract_whole(str(settings.root / path), path, specs, settings.max_file_size, root)
            ex.stats.files_parsed += 1
            if ex.cache is not None and st is not None and not any(n.kind in ("unreadable", "internal") for n in fx.notices):
                ex.cache.store_whole(path, st, fx)
        ex.notices.extend(fx.notices)
        return fx

    for i, f in enumerate(ex.files):
        if f.path in wanted:
            ex.files[i] = whole(f.path)
    for path in sorted(wanted & ex.unparsed.keys()):
        del ex.unparsed[path]
        ex.files.append(whole(path))
    ex.files.sort(key=lambda f: f.path)


class _Mentions:
    """Reads the files :func:`~tracklint.extract.linking.wanted_files` looks into as extraction
    reads them (no link out of the project, no FIFO, within the size limit), and keeps in the
    run's cache (when there is one) whether each one mentions the names looked for, against the
    stat taken before it was read."""

    def __init__(self, settings: Settings, root: str, cache) -> None:
        self.settings, self.root, self.cache = settings, root, cache
        self.stats: dict[str, FileStat] = {}

    def read(self, path: str) -> bytes | None:
        try:
            data, self.stats[path] = read_with_stat(str(self.settings.root / path), self.settings.max_file_size, self.root)
        except OSError:
            return None
        return data

    def recall(self, path: str, key: str) -> bool | None:
        return self.cache.mentions(path, key)

    def learn(self, path: str, key: str, verdict: bool) -> None:
        st = self.stats.pop(path, None)
        if st is not None:
            self.cache.store_mentions(path, st, key, verdict)


def scan(settings: Settings, *, progress: Progress | None = None, plan: Plan | None = None) -> Result:
    """Find every call site (no rules): ``tracklint scan``, ``init``, ``diff --check-code``."""
    started = time.perf_counter()
    ex = extract_paths(settings, list_paths(settings), progress=progress, keep_cache=True)
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
                           missing_ok=True, keep_cache=True)
        gone = set(ex.gone)
        return ex, sorted(pair for pair in stream.collected if pair[0] not in gone), stats
    listing = listing or Listing(list_paths(settings))
    ex = extract_paths(settings, listing.files, progress=progress, stats=listing.stats, while_extracting=load,
                       keep_cache=True)
    return ex, listing.files, listing.stats


def _call_sites(settings: Settings, ex: Extraction, plan: Plan | None) -> list[TrackCall]:
    """The run's call sites, constants resolved across files and sources assigned (when there is a
    plan); submodules and files parsed on demand add their notices to ``ex``."""
    ex.notices += submodule_notices(settings)
    complete_exports(settings, ex)
    save_cache(ex)
    linking.resolve_clients(ex.files)
    linking.resolve_constants(ex.files)
    calls = [c for f in ex.files for c in f.calls]
    if plan is not None:
        assign_sources(calls, plan, settings.root)
    return calls


def _nothing_to_check(settings: Settings, plan: Plan, started: float) -> Result:
    """The result of a PR-mode run whose change touches nothing that can change a finding."""
    return Result(root=str(settings.root), plan=plan, stats=Stats(seconds=time.perf_counter() - started))


# ---------------------------------------------------------------------------------------------
# in-memory checks: ``check --stdin-filename``, the language server


def index(settings: Settings, *, progress: Progress | None = None, plan: Plan | None = None) -> Extraction:
    """Every file of the project extracted, constants resolved across files (and sources assigned
    when there is a plan): what ``scan`` reads, kept per file. The language server's workspace
    index (references, and the other files' constants for :func:`check_text`)."""
    started = time.perf_counter()
    ex = extract_paths(settings, list_paths(settings), progress=progress, keep_cache=True)
    _call_sites(settings, ex, plan)
    ex.stats.seconds = time.perf_counter() - started
    return ex


def check_text(settings: Settings, plan: Plan, path: str | os.PathLike[str], data: bytes, *,
               project: Extraction | None = None, plan_rules: bool = True, windows: bool | None = None) -> Result:
    """``check`` of one file whose text is ``data`` (not what is on disk): its language, the
    configuration and the plan are those of ``path``, which need not exist. Constants it imports
    from other files resolve as in a whole-project run: through ``project`` (an :func:`index` of
    the project, on disk) when given, else by reading the files that may define them.
    ``plan_rules``: also report the plan's own findings (``check PATH`` does; an editor shows
    them on the plan). ``windows``: parse a large file only around the tracked names when that
    gives the same result (default: as ``check`` does); an editor parses whole, which is faster
    for one file than parsing the windows and proving them equivalent. Never reads the cache
    nor remembers the result."""
    started = time.perf_counter()
    rel = project_path(os.path.abspath(path), settings.root)
    fx = _extract_text(settings, rel, data, settings.prefilter if windows is None else windows)
    ex = Extraction(files=[fx], notices=list(fx.notices))
    ex.stats.files_listed = ex.stats.files_parsed = 1
    ex.stats.bytes_read = len(data)
    _link_text(settings, fx, project)
    calls = list(fx.calls)
    assign_sources(calls, plan, settings.root)
    run_settings = settings.with_(files_given=True)
    if not plan_rules:
        from tracklint.rules import RULES

        plan_codes = tuple(code for code, rule in RULES.items() if rule.SCOPE == "plan")
        run_settings = run_settings.with_(ignore=tuple(settings.ignore) + plan_codes)
    diagnostics = diagnose(run_settings, plan, [fx], ex.notices, calls, read=_text_reader(settings.root, rel, data))
    diagnostics.sort(key=Diagnostic.sort_key)
    result = Result(root=str(settings.root), plan=plan, diagnostics=diagnostics, calls=calls,
                    notices=ex.notices, stats=ex.stats)
    result.lines = _text_lines(settings.root, diagnostics, rel, data)
    result.stats.seconds = time.perf_counter() - started
    return result


def _text_reader(root: Path, rel: str, data: bytes) -> Callable[[str], bytes | None]:
    """What the fixes read (:func:`tracklint.diagnose.disk_reader`'s contract): ``data`` for
    the checked file, the disk for the others (a constant defined in another file)."""
    from tracklint.diagnose import disk_reader

    disk = disk_reader(root)

    def read(path: str) -> bytes | None:
        if path == rel:
            text, problem = decode(data)
            return None if problem else text
        return disk(path)

    return read


def _extract_text(settings: Settings, rel: str, data: bytes, windows: bool) -> FileExtraction:
    """One file's extraction from its text, skipped as a run over the project would skip it."""
    from tracklint.extract.prefilter import is_generated, is_minified

    language = language_for(rel) or "unknown"
    if settings.skip_minified and is_minified(data, rel):
        fx = FileExtraction(path=rel, language=language)
        fx.notices.append(Notice(rel, "skipped", "looks minified (very long lines); not parsed (set skip-minified = false to parse it)"))
        return fx
    if settings.skip_generated and is_generated(data):
        fx = FileExtraction(path=rel, language=language)
        fx.notices.append(Notice(rel, "skipped", "marked as generated; not parsed (set skip-generated = false to parse it)"))
        return fx
    return extract_one(rel, rel, specs_of(settings), settings.max_file_size, data, windows=windows)


def _link_text(settings: Settings, fx: FileExtraction, project: Extraction | None) -> None:
    """Resolve the constants ``fx``'s calls take from other files: those ``project`` knows, then
    the files that may define the rest, parsed whole from disk. Only ``fx``'s calls change."""
    if not fx.pending and not any(c.event is None and c.event_ref for c in fx.calls):
        return
    others = [f for f in (project.files if project else ())
              if f.path != fx.path and (f.exports or f.clients)]
    if project is not None:
        unparsed = {p: lang for p, lang in project.unparsed.items() if p != fx.path}
    else:
        listed = list_paths(settings.with_(paths=(), files_given=False))
        unparsed = {rel: lang for _, rel in listed if rel != fx.path and (lang := language_for(rel))}

    specs = specs_of(settings)
    root = os.path.realpath(settings.root)
    for rel in sorted(linking.wanted_files([fx], unparsed, _Mentions(settings, root, None).read)):
        others.append(extract_one(str(settings.root / rel), rel, specs, settings.max_file_size, windows=False, root=root))
    # the other files' calls are left alone: only their exports (constants, clients) are read
    linking.resolve_clients([fx, *(FileExtraction(f.path, f.language, clients=f.clients) for f in others)])
    linking.resolve_constants([fx, *(FileExtraction(f.path, f.language, exports=f.exports, imports=f.imports) for f in others)])


def _text_lines(root: Path, diagnostics: list[Diagnostic], rel: str, data: bytes) -> dict[tuple[str, int], str]:
    """:func:`~tracklint.diagnose.source_lines`, with the checked file's lines from ``data``."""
    on_disk = source_lines(root, [d for d in diagnostics if d.location.path != rel])
    rows = decode(data)[0].split(b"\n")
    for d in diagnostics:
        n = d.location.line
        if d.location.path == rel and d.suppressed is None and 1 <= n <= len(rows):
            on_disk[(rel, n)] = rows[n - 1].decode("utf-8", "replace").rstrip("\r")
    return on_disk


def check_plan_text(settings: Settings, path: str | os.PathLike[str], text: str, *,
                    calls: list[TrackCall] | None = None) -> tuple[Plan | None, list[Diagnostic]]:
    """The plan at ``path`` read from ``text`` (not from disk): the plan (None when it cannot be
    loaded) and its findings: every positioned problem of loading it (code ``plan-error``), or
    else the enabled plan rules' findings (TL1xx), each located in the file it concerns, and,
    given the project's ``calls``, the project rules' (an event no call sends)."""
    from tracklint.diagnose import apply_rules, enabled_codes
    from tracklint.diagnostics import Location, Severity
    from tracklint.errors import PlanError
    from tracklint.plan.load import load_plan_text
    from tracklint.rules import RULES

    try:
        plan = load_plan_text(text, os.path.abspath(path))
    except PlanError as exc:
        problems = getattr(exc, "problems", ()) or (exc,)
        lines = text.split("\n")
        out = []
        for p in problems:
            line, column = p.line or 1, p.column or 1
            width = len(lines[line - 1].rstrip()) + 1 if line <= len(lines) else column + 1
            where = project_path(os.path.abspath(p.path or path), settings.root)
            message = p.message + (f" ({p.hint})" if p.hint else "")
            out.append(Diagnostic(code=PlanError.CODE, name="plan-error", severity=Severity.ERROR, message=message,
                                  location=Location(where, line, column, line, max(width, column + 1))))
        return None, sorted(out, key=Diagnostic.sort_key)
    scopes = ("plan", "project") if calls is not None else ("plan",)
    codes = {code for code in enabled_codes(settings) if RULES[code].SCOPE in scopes}
    diagnostics = apply_rules(calls or [], plan, settings, codes=codes)
    return plan, sorted(diagnostics, key=Diagnostic.sort_key)
