"""The run's file list, and the memo around ``check``: :func:`check` is the one place that looks
up, keys and saves the remembered result of a check that changes nothing.

Kept apart from :mod:`tracklint.engine` so that a check whose answer is remembered imports
neither the extractors nor the rules nor the worker pool: on a 20,000-file tree such a run is
mostly interpreter start-up, git's listing and one ``stat`` per file.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from tracklint.config import Settings
from tracklint.errors import UsageError

if TYPE_CHECKING:
    from tracklint.files import FileStream
    from tracklint.plan.model import Plan
    from tracklint.result import Result


def list_paths(settings: Settings, stats: dict[str, os.stat_result] | None = None) -> list[tuple[str, str]]:
    """The files this run reads, as (absolute path, repo-relative POSIX path) pairs (git-aware;
    excludes). A PR mode (--changed-since, --affected) reads the whole project too: what a
    change affects is decided after extraction (see ``change.affected``). ``stats`` receives the stats taken on the way (see
    :func:`tracklint.files.list_files_rel`)."""
    from tracklint.files import list_files_rel

    root = settings.root
    paths = list(settings.paths) or [root]
    for p in paths:
        if not p.exists() and not p.is_symlink():
            raise UsageError(f"path does not exist: {p}")
    files = list_files_rel(
        root,
        paths,
        exclude=tuple(settings.exclude) + tuple(settings.extend_exclude),
        force_exclude=settings.force_exclude,
        stats=stats,
    )
    if settings.exclude_tests:
        files = _without_tests(root, paths, files, force=settings.force_exclude)
    return files


def _without_tests(root: Path, paths: list[Path], files: list[tuple[str, str]], *,
                   force: bool) -> list[tuple[str, str]]:
    """``files`` minus tests, fixtures and harnesses (``exclude-tests``). As in ``init``, a path
    is judged below the directory the command named (``check tests/fixtures/app`` reads that
    app), and a file named on the command line is read unless ``--force-exclude`` (the
    pre-commit hook's) says to judge it like the others."""
    from tracklint.testpaths import is_test_below, named_dirs

    named = named_dirs(str(root), paths)
    given = set() if force else _named_files(root, paths)
    return [(path, rel) for path, rel in files if rel in given or not is_test_below(rel, named)]


def _named_files(root: Path, paths: list[Path]) -> set[str]:
    """The files among ``paths`` (not directories), relative to the project ``root``."""
    top = root.resolve()
    named = set()
    for p in paths:
        if not p.is_dir():
            try:
                named.add(p.resolve().relative_to(top).as_posix())
            except ValueError:  # outside the project: not among its files anyway
                continue
    return named


def stream_paths(settings: Settings) -> "FileStream | None":
    """The run's files as a :class:`~tracklint.files.FileStream` (tracked files first, while git
    still lists untracked ones) when the run lists one directory, as it usually does; None for
    runs that name files or several paths."""
    from tracklint.files import FileStream

    if settings.files_given or settings.exclude_tests:  # the list filters what a stream would not
        return None
    paths = list(settings.paths) or [settings.root]
    if len(paths) != 1 or not os.path.isdir(paths[0]):
        return None
    return FileStream(settings.root, paths[0],
                      exclude=tuple(settings.exclude) + tuple(settings.extend_exclude))


@dataclass
class Listing:
    """The files of a run and the stats taken of them so far."""

    files: list[tuple[str, str]]
    stats: dict[str, os.stat_result] = field(default_factory=dict)


def check(settings: Settings, plan: Plan | Callable[[], Plan], *,
          progress: Callable[[int, int], None] | None = None) -> Result:
    """The result of ``check``: the remembered one when nothing changed since the run that made it
    (neither the plan nor the engine is then loaded), else :func:`tracklint.engine.run`'s,
    remembered for the next run. ``plan``: see :func:`~tracklint.engine.run`."""
    result, listing = remembered(settings)
    if result is not None:
        return result
    from tracklint import engine, memo

    keys: list[str | None] = []

    def extracted(files: list[tuple[str, str]], stats: dict[str, os.stat_result], the_plan: Plan) -> None:
        # keyed on the stats taken before each file was read, so a file written meanwhile misses
        keys.append(memo.memo_key(settings, memo.PlanSources.of(the_plan), files, stats))

    result = engine.run(settings, plan, progress=progress, listing=listing,
                        extracted=None if _partial(settings) else extracted)
    if keys and keys[0] is not None and not any(n.kind in ("unreadable", "internal") for n in result.notices):
        memo.save(settings, keys[0], result, memo.PlanSources.of(result.plan))
    return result


def _partial(settings: Settings) -> bool:
    """Whether the run reports part of a check (a PR mode): never the memo's whole result."""
    return bool(settings.changed_since) or settings.changed_files is not None


def remembered(settings: Settings) -> tuple[Result | None, Listing | None]:
    """The remembered result of ``check`` when nothing changed since the run that made it (found
    without loading the plan), and the listing if one was made, which the run takes on a miss.
    Without a memo, nothing is listed (so the listing still overlaps the plan's loading)."""
    from tracklint import memo

    if _partial(settings):
        return None, None
    started = time.perf_counter()
    if settings.cache:
        from tracklint.cache import probe

        # may the checkout have put it there? the listing below tells (or git, meanwhile)
        probe(settings.cache_directory, [p for p in settings.paths or [settings.root] if os.path.isdir(p)])
    doc = memo.read(settings)
    if doc is None:
        return None, None
    taken: dict[str, os.stat_result] = {}
    listing = Listing(list_paths(settings, taken), taken)
    result = memo.remembered(settings, doc, listing.files, listing.stats)
    if result is not None:
        result.stats.seconds = time.perf_counter() - started
    return result, listing
