"""Which files a run reads: git-aware discovery, ``.gitignore`` and ``exclude`` patterns.

:func:`list_files` turns the paths on the command line into the sorted list of files tracklint
can read (a suffix that :func:`tracklint.extract.language_for` knows, or no suffix and a ``#!``
line that names an interpreter of a language tracklint reads: ``bin/deploy`` with
``#!/usr/bin/env ruby``; only files without a dot in their name are opened to look).

* Inside a git work tree a directory is listed with ``git ls-files --cached --others
  --exclude-standard``: tracked files plus untracked files that are not ignored, exactly what git
  itself considers part of the project, in one fast subprocess. Files deleted in the work tree
  but still in the index are left out.
* Elsewhere (no git, or git unusable) the directory is walked with :func:`os.scandir`, honouring
  every ``.gitignore`` on the way (nested ones override their parents, ``!`` re-includes), never
  following symlinked directories (so no loops).
* Directories named in :data:`DEFAULT_SKIP_DIRS` (``.git``, ``node_modules``, the cache) are
  never entered, in either mode.
* ``exclude`` patterns (gitignore syntax, relative to ``root``) always apply to discovered files;
  to files named explicitly only with ``force_exclude`` (as ruff does, so that pre-commit, which
  passes every staged file by name, honours the project's excludes).
* A file named explicitly is read even if git ignores it.
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path
from typing import Callable, Collection, Iterable, Iterator, Sequence

from tracklint import gitlisting
from tracklint.errors import UsageError
from tracklint.extract import LANGUAGE_BY_SUFFIX, languages, languages_of

#: Directory names never descended into, whatever git or the patterns say.
DEFAULT_SKIP_DIRS: frozenset[str] = frozenset({".git", "node_modules", ".tracklint_cache"})

# Variables a git hook may set that would make ``git -C DIR`` look at another repository/index.


def relpath(path: os.PathLike[str] | str, root: os.PathLike[str] | str) -> str:
    """``path`` relative to ``root``, with ``/`` separators (absolute POSIX path if it cannot be
    expressed relative to ``root``, e.g. another drive on Windows)."""
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        rel = os.path.abspath(path)
    return rel.replace(os.sep, "/") if os.sep != "/" else rel


def _supported(name: str) -> bool:
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in LANGUAGE_BY_SUFFIX


def _script(path: str) -> bool:
    """A file without a suffix whose ``#!`` line names an interpreter of a language tracklint
    reads (``bin/deploy`` with ``#!/usr/bin/env ruby``): its first bytes are read to know."""
    return languages.may_be_script(path) and languages.read_script_language(path) is not None


def _compile(patterns: Sequence[str]):
    if not patterns:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(list(patterns))


def list_files(
    root: Path,
    paths: Sequence[Path],
    *,
    exclude: Sequence[str] = (),
    force_exclude: bool = False,
    skip_dirs: Collection[str] = DEFAULT_SKIP_DIRS,
) -> list[Path]:
    """Absolute paths of the readable files under ``paths`` (default: ``root``), sorted and
    deduplicated. Raises :class:`~tracklint.errors.UsageError` for a path that does not exist."""
    return [Path(f) for f, _ in list_files_rel(root, paths, exclude=exclude,
                                               force_exclude=force_exclude, skip_dirs=skip_dirs)]


def list_files_rel(
    root: Path,
    paths: Sequence[Path],
    *,
    exclude: Sequence[str] = (),
    force_exclude: bool = False,
    skip_dirs: Collection[str] = DEFAULT_SKIP_DIRS,
    stats: dict[str, os.stat_result] | None = None,
) -> list[tuple[str, str]]:
    """:func:`list_files` as ``(absolute path, POSIX path relative to root)`` string pairs,
    sorted by absolute path: no :class:`~pathlib.Path` objects and no ``os.path.relpath`` per
    file (each costs a few microseconds, which adds up to a noticeable share of a warm run on
    100,000 files). ``stats``, when given, receives the stats of tracked files (absolute path ->
    stat), taken while git looks for untracked ones."""
    root_abs = os.path.abspath(root)
    found: set[str] = set()
    explicit: set[str] = set()
    for given in paths or [Path(root_abs)]:
        path = os.path.abspath(given)
        if os.path.isdir(path):
            found.update(_discover(path, root_abs, skip_dirs, stats))
            continue
        if not os.path.exists(path):
            raise UsageError(f"no such file or directory: {given}", path=str(given))
        if not _supported(os.path.basename(path)) and not _script(path):
            continue
        explicit.add(path)
    to_pair = _pairing(root_abs, exclude, force_exclude=force_exclude, explicit=explicit)
    out: list[tuple[str, str]] = []
    for file in sorted(found | explicit):
        pair = to_pair(file)
        if pair is not None:
            out.append(pair)
    return out


def _pairing(root_abs: str, exclude: Sequence[str], *, force_exclude: bool,
             explicit: Collection[str]) -> Callable[[str], tuple[str, str] | None]:
    """``file -> (file, POSIX path relative to root_abs)``, or None for an excluded file
    (files named explicitly are excluded only with ``force_exclude``)."""
    excluder = _compile(exclude)
    prefix = root_abs if root_abs.endswith(os.sep) else root_abs + os.sep
    cut = len(prefix)

    def pair(file: str) -> tuple[str, str] | None:
        rel = file[cut:] if file.startswith(prefix) else relpath(file, root_abs)
        if os.sep != "/":
            rel = rel.replace(os.sep, "/")
        if excluder is not None and (force_exclude or file not in explicit):
            if _excluded(excluder, rel):
                return None
        return file, rel

    return pair


def _native(base: str, rel: str) -> str:
    """``base`` (ending with the separator) joined with git's POSIX path ``rel``."""
    return base + (rel if os.sep == "/" else rel.replace("/", os.sep))


def _excluded(excluder, rel: str) -> bool:
    if rel.startswith("../") or rel == ".." or rel.startswith("/") or os.path.isabs(rel):
        return False  # patterns are relative to the root; a file outside it cannot match
    return excluder.match_file(rel)


def _discover(directory: str, root: str, skip_dirs: Collection[str],
              stats: dict[str, os.stat_result] | None = None) -> Iterable[str]:
    base = directory if directory.endswith(os.sep) else directory + os.sep
    # One regular-expression test per path (not a suffix split and a loop over the skipped
    # directories): on 20,000 listed paths that is most of a run that changes nothing.
    wanted = _wanted(tuple(sorted(skip_dirs)), base)

    gone: set[str] = set()
    tested: set[str] = set()  # the tracked paths: tested once, while they are stat'ed
    kept: set[str] = set()  # those found wanted

    def stat_tracked(names: list[str]) -> None:
        # While git walks the work tree for untracked files (the slow half of the listing),
        # this process stats the tracked ones (the run needs every file's stat anyway), or
        # checks that they exist: a tracked file deleted in the work tree is not listed.
        stat_of = os.stat if stats is not None else os.lstat
        tested.update(names)
        for rel in names:
            if wanted(rel):
                kept.add(rel)
                path = _native(base, rel)
                try:
                    st = stat_of(path)
                except FileNotFoundError:
                    if not os.path.lexists(path):  # a dangling symlink is listed (and reported)
                        gone.add(rel)
                    continue
                except OSError:
                    continue  # the run reports it when it reads the file
                if stats is not None:
                    stats[path] = st

    listed = _git_list(directory, stat_tracked)
    if gone:
        listed = [rel for rel in listed if rel not in gone] if listed is not None else None
    if listed is None:
        yield from _walk(directory, root, skip_dirs)
        return
    for rel in listed:
        if (rel in kept) if rel in tested else wanted(rel):
            yield _native(base, rel)


def _wanted(skip_dirs: tuple[str, ...], base: str) -> Callable[[str], bool]:
    """Whether a listed POSIX path (relative to ``base``) is a file to read: a supported suffix
    outside the skipped directories, or such a path without a suffix that is a script of a
    language tracklint reads (see :func:`_script`)."""
    listed = _listed_filter(skip_dirs).match
    if not languages.BY_INTERPRETER:
        return lambda rel: listed(rel) is not None
    unsuffixed = _unsuffixed_filter(skip_dirs).match

    def wanted(rel: str) -> bool:
        return listed(rel) is not None or (
            unsuffixed(rel) is not None and _script(_native(base, rel)))

    return wanted


@functools.lru_cache(maxsize=8)
def _unsuffixed_filter(skip_dirs: tuple[str, ...]) -> "re.Pattern[str]":
    """Matches a listed POSIX path whose file name has no dot, outside the skipped directories."""
    skip = "|".join(re.escape(d) for d in skip_dirs)
    not_under = f"(?!(?:.*/)?(?:{skip})/)" if skip else ""
    return re.compile(rf"{not_under}(?:.*/)?[^/.]+\Z", re.DOTALL)


@functools.lru_cache(maxsize=8)
def _listed_filter(skip_dirs: tuple[str, ...]) -> "re.Pattern[str]":
    """Matches a listed POSIX path that has a supported suffix and no skipped directory in it."""
    suffixes = "|".join(re.escape(s[1:]) for s in sorted(LANGUAGE_BY_SUFFIX))
    skip = "|".join(re.escape(d) for d in skip_dirs)
    not_under = f"(?!(?:.*/)?(?:{skip})/)" if skip else ""
    # at least one character before the suffix's dot, as _supported has it
    return re.compile(rf"{not_under}.+\.(?i:{suffixes})\Z", re.DOTALL)


def _git_list_parts(directory: str) -> tuple[list[str], Callable[..., list[str] | None]] | None:
    """The tracked paths (relative to ``directory``) that git lists there, and a function that
    waits for the untracked, not ignored ones (None if that listing fails); None when
    ``directory`` is not a git work tree (or git is unavailable or refuses, e.g. a repository
    owned by another user).

    Two ``git ls-files`` run side by side: tracked paths (from the index: quick; files deleted
    in the work tree are still among them) and untracked paths that are not ignored (a walk of
    the work tree)."""
    processes = gitlisting.take(directory)
    if processes is None:
        return None
    tracked_process, others_process = processes
    tracked = gitlisting.tracked_output(directory, tracked_process)
    if tracked_process.returncode != 0:
        others_process.kill()
        others_process.communicate()
        return None
    names = [item for item in tracked.decode("utf-8", "surrogateescape").split("\0") if item]

    def untracked(abandon: bool = False) -> list[str] | None:
        """The untracked paths (waits for git); ``abandon=True`` ends git's walk instead."""
        if abandon:
            if others_process.poll() is None:
                others_process.kill()
            others_process.communicate()
            return None
        others = others_process.communicate()[0]
        if others_process.returncode != 0:
            return None
        return [item for item in others.decode("utf-8", "surrogateescape").split("\0") if item]

    return names, untracked


def _git_list(directory: str, while_walking: Callable[[list[str]], None] | None = None) -> list[str] | None:
    """Every path (relative to ``directory``) git lists there, tracked then untracked, or None
    (see :func:`_git_list_parts`). ``while_walking`` gets the tracked paths while git is still
    looking for untracked ones."""
    parts = _git_list_parts(directory)
    if parts is None:
        return None
    names, untracked = parts
    if while_walking is not None:
        while_walking(names)  # git is still listing untracked files meanwhile
    others = untracked()
    if others is None:
        return None
    return names + others


class FileStream:
    """The files of one directory as (absolute path, path relative to the root) pairs, tracked
    files first: they are known as soon as git has read its index, while the listing of
    untracked files still walks the work tree, so a run can start reading them at once.

    Iterate once. :attr:`expected` is the number of files known so far (tracked ones, then
    all); :attr:`collected` holds every pair yielded. Files are not stat'ed here, so a tracked
    file deleted in the work tree is among them: the reader finds it gone (see
    ``engine.extract_paths(missing_ok=True)``). Outside git, or if git fails half-way, the
    directory is listed as :func:`list_files_rel` does."""

    def __init__(self, root: Path, directory: Path, *, exclude: Sequence[str] = (),
                 skip_dirs: Collection[str] = DEFAULT_SKIP_DIRS) -> None:
        self.root = os.path.abspath(root)
        self.directory = os.path.abspath(directory)
        self.exclude = tuple(exclude)
        self.skip_dirs = skip_dirs
        self.expected: int | None = None
        self.collected: list[tuple[str, str]] = []
        self.languages: set[str] | None = None  # of the tracked files, once git has listed them

    def __iter__(self) -> Iterator[tuple[str, str]]:
        parts = _git_list_parts(self.directory)
        if parts is None:
            yield from self._fallback(set())
            return
        tracked, untracked = parts
        base = self.directory if self.directory.endswith(os.sep) else self.directory + os.sep
        wanted = _wanted(tuple(sorted(self.skip_dirs)), base)
        to_pair = _pairing(self.root, self.exclude, force_exclude=False, explicit=frozenset())
        self.expected = len(tracked)
        self.languages = languages_of(tracked)
        waited = False
        try:
            for batch in (tracked, None):
                if batch is None:
                    waited = True
                    batch = untracked()
                    if batch is None:  # git failed after listing the tracked files
                        yield from self._fallback({path for path, _ in self.collected})
                        return
                    self.expected = len(self.collected) + len(batch)
                for name in batch:
                    if wanted(name):
                        pair = to_pair(_native(base, name))
                        if pair is not None:
                            self.collected.append(pair)
                            yield pair
        finally:
            if not waited:  # the reader stopped early (Ctrl-C, an error): end git's walk
                untracked(abandon=True)
        self.expected = len(self.collected)

    def _fallback(self, seen: set[str]) -> Iterator[tuple[str, str]]:
        listed = list_files_rel(Path(self.root), [Path(self.directory)], exclude=self.exclude,
                                skip_dirs=self.skip_dirs)
        self.expected = len(listed)
        for pair in listed:
            if pair[0] not in seen:
                self.collected.append(pair)
                yield pair


class _Ignores:
    """The ``.gitignore`` files that apply in one directory, deepest last."""

    __slots__ = ("specs",)

    def __init__(self, specs: tuple[tuple[str, object], ...]) -> None:
        self.specs = specs  # (directory relative to the walk root with trailing "/" or "", spec)

    def with_dir(self, directory: str, prefix: str) -> "_Ignores":
        spec = _read_gitignore(os.path.join(directory, ".gitignore"))
        return self if spec is None else _Ignores(self.specs + ((prefix, spec),))

    def ignored(self, rel: str) -> bool:
        """Whether ``rel`` (relative to the walk root; directories end with ``/``) is ignored."""
        for prefix, spec in reversed(self.specs):
            if prefix and not rel.startswith(prefix):
                continue
            verdict = spec.check_file(rel[len(prefix):]).include
            if verdict is not None:
                return verdict
        return False


def _read_gitignore(path: str):
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    return _compile(lines)


def _walk(start: str, root: str, skip_dirs: Collection[str]) -> Iterable[str]:
    """Walk ``start`` without git: honour ``.gitignore`` files (those between ``root`` and
    ``start`` too), skip ``skip_dirs`` and symlinked directories."""
    # Paths are matched relative to ``top``: the root when start is inside it, else start.
    inside = (start + os.sep).startswith(root.rstrip(os.sep) + os.sep)
    top = root if inside else start
    ignores = _Ignores(())
    lead = ""
    if start != top:
        lead = relpath(start, top) + "/"
        parts = lead.rstrip("/").split("/")
        for depth in range(len(parts)):  # the ancestors' .gitignore files, top first
            prefix = "".join(part + "/" for part in parts[:depth])
            directory = os.path.join(top, *parts[:depth])
            ignores = ignores.with_dir(directory, prefix)
            if ignores.ignored(prefix + parts[depth] + "/"):
                return  # the start directory itself is ignored
    stack: list[tuple[str, str, _Ignores]] = [(start, lead, ignores)]
    while stack:
        directory, prefix, inherited = stack.pop()
        here = inherited.with_dir(directory, prefix)
        try:
            with os.scandir(directory) as scan:
                entries = list(scan)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            rel = prefix + name
            if is_dir:
                if name in skip_dirs or here.ignored(rel + "/"):
                    continue
                stack.append((entry.path, rel + "/", here))
            elif _supported(name) or _script(entry.path):
                if entry.is_symlink() and not entry.is_file():
                    continue  # dangling link, or a link to a directory
                if not here.ignored(rel):
                    yield os.path.normpath(entry.path)


#: At most this many submodules are named (a hostile ``.gitmodules`` could list millions).
MAX_SUBMODULES = 1000


def submodules(root: Path, paths: Sequence[Path] = ()) -> list[str]:
    """Repo-relative POSIX paths of the git submodules of ``root`` that lie under ``paths``
    (default: all): git lists a submodule as one entry, never its files, so a run says which
    code it did not check. Read from ``root/.gitmodules`` (only paths that are directories
    inside ``root`` count; nothing is run when there is no such file)."""
    import subprocess

    listing = os.path.join(root, ".gitmodules")
    if not os.path.isfile(listing) or os.path.islink(listing):
        return []
    try:
        out = subprocess.run(
            ["git", "config", "--file", listing, "--null", "--get-regexp", r"^submodule\..*\.path$"],
            capture_output=True, env=gitlisting.git_env(), stdin=subprocess.DEVNULL, timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    root_abs = os.path.abspath(root)
    within = [os.path.abspath(p) for p in paths] or [root_abs]
    found: list[str] = []
    for item in out.decode("utf-8", "surrogateescape").split("\0"):
        _, _, value = item.partition("\n")
        rel = value.strip().strip("/")
        full = os.path.normpath(os.path.join(root_abs, rel))
        if not rel or os.path.isabs(rel) or not full.startswith(root_abs + os.sep):
            continue
        if os.path.islink(full) or not os.path.isdir(full):
            continue
        if any(full == w or full.startswith(w.rstrip(os.sep) + os.sep) for w in within):
            found.append(relpath(full, root_abs))
        if len(found) >= MAX_SUBMODULES:
            break
    return sorted(set(found))


def excluded(patterns: Sequence[str], root: os.PathLike[str] | str, path: os.PathLike[str] | str) -> bool:
    """Whether the gitignore-style ``patterns`` (relative to ``root``) exclude ``path``, which
    need not exist (``check --stdin-filename PATH --force-exclude``)."""
    excluder = _compile(patterns)
    return excluder is not None and _excluded(excluder, relpath(os.path.abspath(path), os.path.abspath(root)))
