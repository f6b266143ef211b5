"""The pipeline: files -> pre-filter -> parse -> call sites -> rules -> suppress/baseline -> Result.

:func:`run` is ``tracklint check``; :func:`scan` stops after extraction (``tracklint scan``,
``init``, ``diff --check-code``). Both are plain functions over :class:`~tracklint.config.Settings`
and return a :class:`~tracklint.result.Result`; the CLI turns that into output and an exit code.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import logging
import os
import signal
import stat
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, NamedTuple

from tracklint import __version__
from tracklint.config import Settings
from tracklint.diagnostics import Diagnostic, Location, Severity, assign_occurrences
from tracklint.extract import extract_file, language_for, languages_of, linking
from tracklint.extract.base import FileExtraction, Notice, TrackCall
from tracklint.extract.prefilter import Prefilter, is_generated, is_minified
from tracklint.listing import Listing, list_paths, remembered, stream_paths  # noqa: F401 - remembered: the engine's API too
from tracklint.plan.model import Plan
from tracklint.result import Result, Stats
from tracklint.rules.base import Finding, RuleContext

LOG = logging.getLogger(__name__)

#: Below this many files to read, worker processes cost more than they save.
PARALLEL_MIN_FILES = 64
#: Files handed to a worker at a time: about an eighth of each worker's share, within these
#: bounds. Small batches starve the workers (the executor's feeder thread waits for the GIL
#: between them: on 20,000 files, batches of 16 left each worker idle a quarter of the time);
#: large ones leave one worker finishing alone.
CHUNK_MIN_FILES = 16
CHUNK_MAX_FILES = 256
#: An explicit list of at most this many files (a pre-commit run) skips the cache.
SMALL_RUN_FILES = 50

Progress = Callable[[int, int], None]


@dataclass
class _Work:
    """One file to read and extract: absolute path, repo-relative path, stat, and the digest
    the cache holds for it (so a worker can say "unchanged" without extracting)."""

    path: str
    rel: str
    stat: os.stat_result | None = None
    known_digest: str = ""


@dataclass(frozen=True)
class _Options:
    """What a worker needs to know about the run (picklable)."""

    presets: tuple
    wrappers: tuple
    max_size: int
    prefilter: bool
    skip_minified: bool
    skip_generated: bool
    digests: bool
    root: str = ""  # the project root, symlinks resolved: files linked outside it are not read

    @classmethod
    def of(cls, settings: Settings, *, digests: bool) -> "_Options":
        return cls(tuple(settings.presets), tuple(settings.wrappers), settings.max_file_size,
                   settings.prefilter, settings.skip_minified, settings.skip_generated, digests,
                   os.path.realpath(settings.root))


@dataclass
class Extraction:
    """What extraction produced for a run (before rules)."""

    files: list[FileExtraction] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    # Files the pre-filter ruled out (no call can be in them): path -> language. Kept as names
    # only (on a 100,000-file tree, a record per file costs the main process ~100 MB); parsed on
    # demand when another file's call refers to a constant they may define.
    unparsed: dict[str, str] = field(default_factory=dict)
    # Listed files that did not exist when read (absolute paths; see extract_paths' missing_ok).
    gone: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Extraction


def _specs(settings: Settings):
    from tracklint.extract.presets import build_specs

    return build_specs(settings.presets, settings.wrappers)


#: What a worker returns for a file the pre-filter ruled out (cheaper to send than a record).
NO_CALLS = "no-calls"
#: What a worker returns for a file that no longer exists (a dangling symlink is not "gone").
GONE = "gone"
#: The cache text of an extraction that the worker did not encode.
NOT_ENCODED = "not-encoded"

_WORKER_STATE: dict[str, tuple] = {}  # repr(options) -> (specs, prefilter); wrappers are dicts


def _worker_state(options: _Options) -> tuple:
    """(specs, pre-filter) for ``options``, built once per process (and inherited by workers
    forked after the main process built them)."""
    key = repr(options)
    state = _WORKER_STATE.get(key)
    if state is None:
        from tracklint.extract.presets import build_specs

        specs = build_specs(options.presets, options.wrappers)
        state = _WORKER_STATE[key] = (specs, Prefilter(specs))
    return state


def _worker_extract(batch: list[tuple[str, str, str]], options: _Options) -> list[tuple[FileExtraction | str | None, str, Any, FileStat | None]]:
    """Worker entry: read, pre-filter and extract a batch of (path, rel, known digest).
    Returns (extraction, digest, cache text, stat) per file; the extraction is None when the digest
    equals the known one (the cached result stands). The cache text (the extraction encoded for
    the cache, when the run has one) is made here, so that the main process does not encode
    every extraction one after the other."""
    specs, prefilter = _worker_state(options)
    out = []
    for path, rel, known in batch:
        fx, digest, info = _process_one(path, rel, known, specs, prefilter, options)
        text: Any = NOT_ENCODED
        if options.digests and isinstance(fx, FileExtraction):
            from tracklint.cache import encode_extraction

            text = encode_extraction(fx, rel)
        out.append((fx, digest, text, info))
    return out


class FileStat(NamedTuple):
    """What a run keeps of a file's stat (a worker's ``fstat`` travels back as this)."""

    st_size: int
    st_mtime_ns: int
    st_mode: int


class NotRegularFile(OSError):
    """A FIFO, socket, device or directory: never read (it could block or never end)."""


class OutsideRoot(OSError):
    """A symbolic link to a file outside the project: never read (a pull request could point
    one at a secret of the machine that runs the check, and the report would quote it)."""


def _outside(rel: str) -> Notice:
    return Notice(rel, "skipped", "symbolic link to a file outside the project; not read")


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def _open_within(path: str, root: str) -> int:
    """Open ``path`` for reading; when ``root`` is given, a symbolic link is followed only to
    a file inside ``root`` (else :class:`OutsideRoot`). Costs nothing for a regular file: the
    first ``open`` refuses to follow a link, and only a link is looked at further."""
    if not root:
        return os.open(path, _READ_FLAGS)
    try:
        return os.open(path, _READ_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.EMLINK) or not os.path.islink(path):
            raise
    real = os.path.realpath(path)
    if os.path.commonpath([real, root]) != root:
        raise OutsideRoot("symbolic link to a file outside the project")
    return os.open(real, _READ_FLAGS)


def _not_regular(rel: str) -> Notice:
    return Notice(rel, "unreadable", "not a regular file; not read")


def _too_big(rel: str, size: int, limit: int) -> Notice:
    return Notice(rel, "skipped", f"file is {size:,} bytes, over the {limit:,}-byte limit (max-file-size); not parsed")


def read_with_stat(path: str, limit: int, root: str = "") -> tuple[bytes | None, FileStat]:
    """The bytes of the file at ``path`` (None when it is larger than ``limit``) and its stat,
    taken on the open file before reading. Opened non-blocking, so a FIFO raises
    :class:`NotRegularFile` instead of waiting for a writer. Sized from ``fstat``: a buffered
    ``read(limit)`` allocates the whole limit (2 MB) for every file and then shrinks it, which
    doubled the cost of reading 20,000 small files. ``root``: see :func:`_open_within`."""
    fd = _open_within(path, root)
    try:
        st = os.fstat(fd)
        info = FileStat(st.st_size, st.st_mtime_ns, st.st_mode)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile("not a regular file")
        if st.st_size > limit:
            return None, info
        want = st.st_size if st.st_size > 0 else limit + 1  # a size of 0 may not be the truth (/proc)
        chunks = []
        while want > 0:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            want -= len(chunk)
        return (chunks[0] if len(chunks) == 1 else b"".join(chunks)), info
    finally:
        os.close(fd)


def read_file(path: str, limit: int, root: str = "") -> bytes:
    """At most ``limit`` bytes of the file at ``path`` (see :func:`read_with_stat`)."""
    data, _ = read_with_stat(path, limit - 1, root)
    if data is None:  # over the limit: the first ``limit`` bytes show the caller it is too big
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            return os.read(fd, limit)
        finally:
            os.close(fd)
    return data


def _process_one(path: str, rel: str, known_digest: str, specs, prefilter, options: _Options) -> tuple[FileExtraction | str | None, str, FileStat | None]:
    """Read one file and extract it, unless the pre-filter rules it out, it is minified or
    generated, or its content is the one the cache already has. Returns (extraction, digest,
    stat taken before reading). Never raises."""
    try:
        data, info = read_with_stat(path, options.max_size, options.root)
    except OSError as exc:
        if isinstance(exc, FileNotFoundError) and not os.path.lexists(path):
            return GONE, "", None  # deleted since it was listed (or tracked, deleted in the work tree)
        result = FileExtraction(path=rel, language=language_for(path) or "unknown")
        if isinstance(exc, NotRegularFile):
            result.notices.append(_not_regular(rel))
        elif isinstance(exc, OutsideRoot):
            result.notices.append(_outside(rel))
        else:
            result.notices.append(Notice(rel, "unreadable", f"cannot read: {exc.strerror or exc}"))
        return result, "", None
    if data is None:
        result = FileExtraction(path=rel, language=language_for(path) or "unknown")
        result.notices.append(_too_big(rel, info.st_size, options.max_size))
        return result, "", info
    if options.prefilter and not prefilter.may_contain(data):
        # Most files end here: no hash needed, the stat alone makes the next run hit.
        return NO_CALLS, "", info
    digest = hashlib.blake2b(data, digest_size=16).hexdigest() if options.digests else ""
    if digest and digest == known_digest:
        return None, digest, info  # touched but unchanged (a checkout, say)
    if options.skip_minified and is_minified(data, path):
        result = FileExtraction(path=rel, language=language_for(path) or "unknown")
        result.notices.append(Notice(rel, "skipped", "looks minified (very long lines); not parsed (set skip-minified = false to parse it)"))
        return result, digest, info
    if options.skip_generated and is_generated(data):
        result = FileExtraction(path=rel, language=language_for(path) or "unknown")
        result.notices.append(Notice(rel, "skipped", "marked as generated; not parsed (set skip-generated = false to parse it)"))
        return result, digest, info
    return _extract_one(path, rel, specs, options.max_size, data, windows=options.prefilter), digest, info


def _extract_one(path: str, rel: str, specs, max_size: int, data: bytes | None = None, *,
                 windows: bool = True, root: str = "") -> FileExtraction:
    """Read (unless given) and extract one file; any failure becomes a notice on that file.
    ``root``: see :func:`_open_within`."""
    try:
        if data is None:
            data = read_file(path, max_size + 1, root)
    except OSError as exc:
        result = FileExtraction(path=rel, language=language_for(path) or "unknown")
        outside = isinstance(exc, OutsideRoot)
        result.notices.append(_outside(rel) if outside else Notice(rel, "unreadable", f"cannot read: {exc.strerror or exc}"))
        return result
    try:
        return extract_file(rel, data, specs, max_file_size=max_size, windows=windows)
    except Exception as exc:  # noqa: BLE001 - one file's failure must not stop the run
        LOG.debug("extraction failed for %s", rel, exc_info=True)
        result = FileExtraction(path=rel, language=language_for(path) or "unknown")
        result.notices.append(Notice(rel, "internal", f"internal error while extracting: {type(exc).__name__}: {exc}"))
        return result


def _jobs(settings: Settings) -> int:
    if settings.jobs and settings.jobs > 0:
        return settings.jobs
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


class _Pool:
    """Reads, pre-filters and extracts files: in worker processes once there are enough files
    to pay for them, in this process otherwise. Batches are submitted while the main process is
    still listing, so the work overlaps the walk."""

    def __init__(self, settings: Settings, options: _Options, total: Callable[[], int | None] = lambda: None,
                 languages: Callable[[], set[str]] = set) -> None:
        self.jobs = _jobs(settings)
        self.options = options
        self.total = total  # how many files the run has (as far as known when the pool starts)
        self.languages = languages  # the languages of the run's files (as far as known)
        self.chunk = CHUNK_MIN_FILES
        self.executor: Any = None  # a ProcessPoolExecutor once started
        self.futures: dict = {}
        self.waiting: list[_Work] = []
        self.count = 0  # files handed over so far

    def add(self, work: _Work) -> None:
        self.count += 1
        self.waiting.append(work)
        if self.executor is None and self.jobs > 1 and self.count >= PARALLEL_MIN_FILES:
            from concurrent.futures import ProcessPoolExecutor  # imported only when used

            self._prepare()
            self.executor = ProcessPoolExecutor(max_workers=self.jobs, initializer=_worker_init,
                                                initargs=(os.getpid(),))
            total = self.total() or self.count
            self.chunk = min(CHUNK_MAX_FILES, max(CHUNK_MIN_FILES, total // (self.jobs * 8)))
        if self.executor is not None and len(self.waiting) >= self.chunk:
            self._submit()

    def _prepare(self) -> None:
        """Build, in this process, what every worker would build on its first files (the specs,
        the pre-filter, the grammars and their compiled queries): the workers are forked next
        and inherit it, so it is built once instead of once per worker."""
        from tracklint.extract import prepare

        specs, _ = _worker_state(self.options)
        prepare(self.languages(), specs)

    def abort(self) -> None:
        """Stop: cancel what is queued and end the workers (the run failed meanwhile)."""
        if self.executor is not None:
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.terminate()
            self.executor.shutdown(wait=False, cancel_futures=True)
            self.executor = None
        self.waiting = []

    def _submit(self) -> None:
        chunk, self.waiting = self.waiting, []
        if chunk:
            batch = [(w.path, w.rel, w.known_digest) for w in chunk]
            self.futures[self.executor.submit(_worker_extract, batch, self.options)] = chunk

    def results(self) -> Iterable[tuple[FileExtraction | None, str, Any, FileStat | None, _Work]]:
        """(extraction or None for "unchanged", digest, cache text, stat, work) for every file. A worker that
        dies loses nothing: its files are retried one at a time, and a file that kills a
        worker again becomes a notice."""
        if self.executor is None:
            for work in self.waiting:
                (fx, digest, text, info), = _worker_extract([(work.path, work.rel, work.known_digest)], self.options)
                yield fx, digest, text, info, work
            return
        self._submit()
        failed: list[list[_Work]] = []
        interrupted = False
        try:
            from concurrent.futures import as_completed

            for future in as_completed(self.futures):
                chunk = self.futures[future]
                try:
                    results = future.result()
                except Exception:  # noqa: BLE001 - BrokenProcessPool and anything else
                    LOG.debug("worker failed", exc_info=True)
                    failed.append(chunk)
                    continue
                for (fx, digest, text, info), work in zip(results, chunk):
                    yield fx, digest, text, info, work
        except KeyboardInterrupt:
            interrupted = True
            # Ctrl-C: stop now. Workers ignore SIGINT (so they print no traceback); end them
            # here rather than letting the interpreter wait for their current batch at exit.
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.terminate()
            raise
        finally:
            self.executor.shutdown(wait=not interrupted, cancel_futures=True)
        for chunk in failed:
            for work in chunk:
                fx, digest, text, info = _isolated(work, self.options)
                yield fx, digest, text, info, work


def extract_paths(settings: Settings, files: Iterable, *, progress: Progress | None = None,
                  stats: dict[str, os.stat_result] | None = None,
                  while_extracting: Callable[[], object] | None = None,
                  missing_ok: bool = False) -> Extraction:
    """Extract the call sites of ``files`` ((absolute, relative) pairs, or paths; a list, or a
    :class:`~tracklint.files.FileStream` that yields files while git is still listing): cache,
    pre-filter, minified/generated skip, and parsing in worker processes. ``stats`` holds stats
    already taken in this run (absolute path -> stat), so that a file is not stat'ed twice.
    ``while_extracting`` runs once every file is handed over, while the workers work (the
    check loads its plan there). ``missing_ok``: files that turn out not to exist (git lists a
    tracked file deleted in the work tree) are left out (in ``Extraction.gone``), not reported."""
    from tracklint.files import relpath

    started = time.perf_counter()
    out = Extraction()
    counts = out.stats
    sized = isinstance(files, (list, tuple))

    def total() -> int | None:
        return len(files) if sized else getattr(files, "expected", None)

    # A short explicit file list (pre-commit) is cheaper to parse than the cache is to load.
    use_cache = settings.cache and not (settings.files_given and sized and len(files) <= SMALL_RUN_FILES)
    cache = _open_cache(settings) if use_cache else None
    root = str(settings.root)
    def languages() -> set[str]:
        known = getattr(files, "languages", None)
        if known is not None:
            return known
        if not sized:
            return set()
        return languages_of(str(item[0] if isinstance(item, tuple) else item) for item in files)

    pool = _Pool(settings, _Options.of(settings, digests=cache is not None), total, languages)
    done = 0
    try:
        for item in files:
            spath, rel = item if isinstance(item, tuple) else (str(item), relpath(item, root))
            done += 1
            if progress and done % 500 == 0:
                progress(done, max(done, total() or 0))
            st = stats.get(spath) if stats is not None else None
            if st is None and cache is not None and rel in cache:
                # a cached file is looked up by its stat; any other file is stat'ed by the worker
                # that reads it (fstat of the open file), so workers start without a stat pass
                try:
                    st = os.stat(spath)
                except OSError as exc:
                    out.notices.append(Notice(rel, "unreadable", f"cannot read: {exc.strerror or exc}"))
                    continue
                if stats is not None:
                    stats[spath] = st
            known = ""
            if st is not None:
                if not stat.S_ISREG(st.st_mode):
                    # FIFOs, sockets and devices named explicitly would block or never end
                    out.notices.append(_not_regular(rel))
                    continue
                if cache is not None:
                    hit = cache.lookup(rel, st)
                    if hit is not None:
                        _keep(out, hit)
                        counts.files_cached += 1
                        continue
                    known = cache.digest_of(rel)
            pool.add(_Work(spath, rel, st, known))
        counts.files_listed = done
        if while_extracting is not None:
            while_extracting()
    except BaseException:
        # Ctrl-C while git still lists, or the plan fails to load: stop the workers now
        # (they ignore SIGINT, and the executor would otherwise finish the queued batches).
        pool.abort()
        raise
    handled = done - pool.count
    for fx, digest, text, info, work in pool.results():
        handled += 1
        if progress:
            progress(min(handled, done), done)
        st = work.stat or info
        if st is not None:
            if work.stat is None and stats is not None:
                stats[work.path] = st
            counts.bytes_read += st.st_size
        if fx == GONE:
            if missing_ok:  # listed from git's index, deleted in the work tree: not a file to check
                out.gone.append(work.path)
                continue
            fx = FileExtraction(path=work.rel, language=language_for(work.path) or "unknown")
            fx.notices.append(Notice(work.rel, "unreadable", f"cannot read: {os.strerror(errno.ENOENT)}"))
        if fx == NO_CALLS:  # kept by name only (see _keep)
            out.unparsed[work.rel] = language_for(work.path) or "unknown"
            if cache is not None and st is not None:
                cache.store_unparsed(work.rel, st)
            continue
        if fx is None:  # unchanged content: the cached result stands, now under the new stat
            fx = cache.lookup_digest(work.rel, digest) if cache is not None else None
            if fx is None:  # the entry went away meanwhile: extract it here
                fx = _extract_one(work.path, work.rel, _specs(settings), settings.max_file_size,
                                  windows=settings.prefilter, root=os.path.realpath(settings.root))
            else:
                counts.files_cached += 1
        else:
            counts.files_parsed += 1
        if any(n.kind == "skipped" for n in fx.notices):
            counts.files_skipped += 1
        _keep(out, fx)
        if cache is not None and st is not None and not any(n.kind in ("unreadable", "internal") for n in fx.notices):
            cache.store(work.rel, st, digest or None, fx, None if text == NOT_ENCODED else (text,))
    if cache is not None:
        try:
            cache.save()
        except OSError as exc:
            LOG.warning("could not write the cache: %s", exc)
    out.files.sort(key=lambda f: f.path)
    for fx in out.files:
        out.notices.extend(fx.notices)
    counts.seconds = time.perf_counter() - started
    return out


def submodule_notices(settings: Settings) -> list[Notice]:
    """A notice for each git submodule in the run's paths: its code is not checked."""
    from tracklint.files import submodules

    if settings.files_given:
        return []
    return [Notice(rel, "skipped", "git submodule: its files are not checked (run tracklint inside it to check them)")
            for rel in submodules(settings.root, settings.paths)]


def _keep(out: Extraction, fx: FileExtraction) -> None:
    """Add a file's extraction to the run; a pre-filtered file is kept by name only."""
    if not fx.parsed and not (fx.calls or fx.notices or fx.directives or fx.exports or fx.imports):
        out.unparsed[fx.path] = fx.language
    else:
        out.files.append(fx)


def _open_cache(settings: Settings):
    if not settings.cache:
        return None
    from tracklint.cache import Cache

    directory = settings.cache_directory
    salt = hashlib.sha256(f"{__version__}\n{settings.extraction_key()}".encode()).hexdigest()[:16]
    try:
        return Cache(directory, salt)
    except OSError as exc:
        LOG.warning("cache disabled: %s", exc)
        return None


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C to the main process, which ends them, collect cyclic garbage (the
    main process may have turned the collector off; a worker's heap turns over), and die with
    the main process: killed (SIGKILL, SIGTERM, a CI timeout) it cannot end them, and a worker
    blocked on its task queue would otherwise wait forever (the queue's pipe stays open in every
    sibling). ``parent``: the main process's id."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.enable()
    if not _die_with_parent():
        import threading

        threading.Thread(target=_watch_parent, args=(parent,), name="tracklint-parent-watch", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _die_with_parent() -> bool:
    """Ask Linux to send SIGKILL to this process when its parent ends (PR_SET_PDEATHSIG);
    False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0  # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    """Elsewhere: end this worker once its parent is gone (it is then re-parented)."""
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _isolated(work: _Work, options: _Options) -> tuple[FileExtraction | None, str, Any, FileStat | None]:
    """Process one file in a fresh process, so a crash (a grammar segfault, say) names the file."""
    try:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=1, initializer=_worker_init, initargs=(os.getpid(),)) as pool:
            return pool.submit(_worker_extract, [(work.path, work.rel, work.known_digest)], options).result(timeout=120)[0]
    except Exception as exc:  # noqa: BLE001
        fx = FileExtraction(path=work.rel, language=language_for(work.path) or "unknown")
        fx.notices.append(Notice(work.rel, "internal", f"the parser process failed on this file ({type(exc).__name__}); not analysed"))
        return fx, "", NOT_ENCODED, None


# --------------------------------------------------------------------------------------------
# Cross-file constants and sources


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
    specs = _specs(settings)

    def whole(path: str) -> FileExtraction:
        fx = _extract_one(str(settings.root / path), path, specs, settings.max_file_size, windows=False,
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


def assign_sources(calls: list[TrackCall], plan: Plan, root: Path) -> None:
    """Set ``call.source`` from the plan's ``sources.*.paths`` globs (relative to the plan)."""
    if not plan.sources:
        return
    import pathspec

    plan_root = Path(plan.root or root).resolve()
    specs = [
        (name, pathspec.GitIgnoreSpec.from_lines(list(src.paths)))
        for name, src in plan.sources.items()
        if src.paths
    ]
    cache: dict[str, str | None] = {}
    for call in calls:
        if call.path not in cache:
            rel = os.path.relpath(root / call.path, plan_root).replace(os.sep, "/")
            cache[call.path] = next((name for name, spec in specs if spec.match_file(rel)), None)
        call.source = cache[call.path]


# --------------------------------------------------------------------------------------------
# PR modes: what a change can affect


def pr_mode(settings: Settings) -> bool:
    """Whether the run checks a change (--changed-since, --affected / the per-file hook)."""
    return bool(settings.changed_since) or settings.changed_files is not None


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

    inputs = {_rel(str(p), settings.root) for p in (settings.plan, settings.config_file, settings.baseline) if p}
    return any(_supported(os.path.basename(p)) or p.lower().endswith(_INPUT_SUFFIXES) or p in inputs
               or os.path.isdir(settings.root / p) for p in changed)


def change_scope(settings: Settings, plan: Plan, changed: frozenset[str]) -> ChangeScope:
    inputs = {_rel(os.path.abspath(str(p)), settings.root)
              for p in (*plan.files, settings.plan, settings.baseline) if p}
    everything = bool(changed & inputs)
    if not everything and settings.config_file is not None:
        config = _rel(os.path.abspath(settings.config_file), settings.root)
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


def _within_scope(diagnostics: list[Diagnostic], scope: ChangeScope, calls: list[TrackCall]) -> list[Diagnostic]:
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


def _skipped_changes(notices: list[Notice], scope: ChangeScope, settings: Settings, codes: set[str]) -> list[Diagnostic]:
    """TL014 for each changed file that was skipped unread or unparsed (see the rule's docs)."""
    from tracklint.rules import skipped_change as rule

    if not settings.fail_on_skipped_changes or rule.CODE not in codes:
        return []
    severity = settings.severity.get(rule.CODE) or Severity.parse(rule.DEFAULT_SEVERITY)
    return [
        Diagnostic(code=rule.CODE, name=rule.NAME, severity=severity,
                   message=f"this change touches a file that was not checked: {n.message}",
                   location=Location(n.path, 1, 1, 1, 2),
                   help="keep calls in files tracklint reads, or set fail-on-skipped-changes = false")
        for n in notices if n.kind == "skipped" and n.path in scope.changed
    ]


# --------------------------------------------------------------------------------------------
# Rules


def whole_project(settings: Settings) -> bool:
    """Whether this run sees the whole project, so that project rules (an event nobody sends)
    mean something: no file list, no --changed-since, and the paths cover the plan's directory."""
    if settings.files_given or pr_mode(settings):
        return False
    if not settings.paths:
        return True
    plan_dir = Path(settings.plan).resolve().parent if settings.plan else settings.root.resolve()
    return any(p.is_dir() and plan_dir.is_relative_to(p.resolve()) for p in settings.paths)


def enabled_codes(settings: Settings) -> set[str]:
    """The rule codes this run applies (select/ignore by code or prefix; project rules only on a
    whole-project run)."""
    from tracklint.rules import RULES

    def listed(code: str, patterns: tuple[str, ...]) -> bool:
        return any(p == "ALL" or code.startswith(p) for p in patterns)

    codes = set()
    everything = whole_project(settings)
    for code, rule in RULES.items():
        if settings.select and not listed(code, settings.select):
            continue
        if listed(code, settings.ignore):
            continue
        if rule.SCOPE == "project" and not everything:
            continue
        codes.add(code)
    return codes


def apply_rules(
    calls: list[TrackCall],
    plan: Plan,
    settings: Settings,
    *,
    codes: set[str],
    renamed_from: dict[tuple[str, int], str] | None = None,
) -> list[Diagnostic]:
    """Run every enabled rule and stamp code, name and severity on its findings."""
    from tracklint.rules import RULES

    diagnostics: list[Diagnostic] = []
    for code in sorted(codes):
        rule = RULES[code]
        ctx = RuleContext(
            plan=plan,
            options={**getattr(rule, "DEFAULTS", {}), **settings.rule_options.get(code, {})},
            whole_project=whole_project(settings),
            renamed_from=renamed_from or {},
            since_ref=settings.changed_since,
        )
        severity = settings.severity.get(code) or Severity.parse(rule.DEFAULT_SEVERITY)
        if rule.SCOPE == "call":
            findings = (f for call in calls for f in rule.check(call, ctx))
        elif rule.SCOPE == "project":
            findings = rule.check_project(calls, ctx)
        elif rule.SCOPE == "plan":
            findings = rule.check_plan(plan, ctx)
        else:
            continue
        for finding in findings:
            diagnostics.append(_diagnostic(rule, severity, finding, settings.root))
    return diagnostics


def _diagnostic(rule, severity: Severity, finding: Finding, root: Path) -> Diagnostic:
    if finding.span is not None:
        s = finding.span
        loc = Location(finding.path or "", s.line, s.column, s.end_line, s.end_column, s.column_utf16, s.end_column_utf16)
    else:
        pl = finding.plan_location
        path = pl.path if pl else (finding.path or "")
        path = _rel(path, root)
        line = pl.line if pl else 1
        col = pl.column if pl else 1
        end_line = (pl.end_line if pl and pl.end_line else line)
        end_col = (pl.end_column if pl and pl.end_column else col + 1)
        loc = Location(path, line, col, end_line, end_col)
    return Diagnostic(
        code=rule.CODE,
        name=rule.NAME,
        severity=severity,
        message=finding.message,
        location=loc,
        help=finding.help,
        event=finding.event,
        key=finding.key,
    )


def _rel(path: str, root: Path) -> str:
    if not path or not os.path.isabs(path):
        return path
    rel = os.path.relpath(path, root)
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _notice_diagnostics(notices: list[Notice], settings: Settings, codes: set[str]) -> list[Diagnostic]:
    from tracklint.rules import syntax_error

    if syntax_error.CODE not in codes:
        return []
    severity = settings.severity.get(syntax_error.CODE) or Severity.parse(syntax_error.DEFAULT_SEVERITY)
    out = []
    for n in notices:
        if n.kind != "syntax-error":
            continue
        line = n.line or 1
        col = n.column or 1
        out.append(
            Diagnostic(
                code=syntax_error.CODE,
                name=syntax_error.NAME,
                severity=severity,
                message=n.message,
                location=Location(n.path, line, col, n.end_line or line, n.end_column or col + 1),
                help="fix the syntax error; calls inside this region are not checked",
            )
        )
    return out


# --------------------------------------------------------------------------------------------
# Entry points


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
    diagnostics = _diagnose(settings, plan, ex, calls, scope)
    notices = ex.notices
    if scope is not None:
        # The rules ran on every call (so suppressions, baselines and occurrence counts are
        # those of a full run); the report keeps what the change can affect.
        calls, paths = affected(ex.files, scope)
        diagnostics = _within_scope(diagnostics, scope, calls)
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
    result.lines = _source_lines(settings.root, diagnostics)
    if key is not None and not any(n.kind in ("unreadable", "internal") for n in ex.notices):
        memo.save(settings, key, result, memo.PlanSources.of(plan))
    result.stats.seconds = time.perf_counter() - started
    return result


def _diagnose(settings: Settings, plan: Plan, ex: Extraction, calls: list[TrackCall],
              scope: ChangeScope | None) -> list[Diagnostic]:
    """Rules, notices (and, in a PR mode, changed files that were skipped), then inline
    suppressions and the baseline."""
    from tracklint import suppress
    from tracklint.rules import unused_suppression

    codes = enabled_codes(settings)
    renamed = _renames(settings, ex.files, scope.changed) if settings.changed_since and scope else {}
    diagnostics = apply_rules(calls, plan, settings, codes=codes, renamed_from=renamed)
    diagnostics += _notice_diagnostics(ex.notices, settings, codes)
    if scope is not None:
        diagnostics += _skipped_changes(ex.notices, scope, settings, codes)
    diagnostics = assign_occurrences(diagnostics)
    directives = {f.path: f.directives for f in ex.files if f.directives}
    diagnostics, unused = suppress.apply_directives(diagnostics, directives, enabled_codes=codes)
    if unused_suppression.CODE in codes:
        sev = settings.severity.get(unused_suppression.CODE)
        diagnostics += [d.with_(severity=sev) if sev else d for d in unused]
    if settings.baseline is not None:
        diagnostics = suppress.apply_baseline(diagnostics, suppress.load_baseline(settings.baseline))
    return diagnostics


def _source_lines(root: Path, diagnostics: list[Diagnostic]) -> dict[tuple[str, int], str]:
    """The text of every line a finding points at (for the terminal reporter)."""
    wanted: dict[str, set[int]] = {}
    for d in diagnostics:
        if d.suppressed is None and d.location.path:
            wanted.setdefault(d.location.path, set()).add(d.location.line)
    lines: dict[tuple[str, int], str] = {}
    for path, numbers in wanted.items():
        full = Path(path) if os.path.isabs(path) else root / path
        try:
            data = full.read_bytes()
        except OSError:
            continue
        from tracklint.extract import decode

        data, _ = decode(data)
        rows = data.split(b"\n")
        for n in numbers:
            if 1 <= n <= len(rows):
                lines[(path, n)] = rows[n - 1].decode("utf-8", "replace").rstrip("\r")
    return lines


def _nothing_to_check(settings: Settings, plan: Plan, started: float) -> Result:
    """The result of a PR-mode run whose change touches nothing that can change a finding."""
    return Result(root=str(settings.root), plan=plan, stats=Stats(seconds=time.perf_counter() - started))


def _renames(settings: Settings, files: list[FileExtraction], changed: frozenset[str]) -> dict[tuple[str, int], str]:
    """For --changed-since: call sites in changed files whose event name changed since REF,
    keyed by (path, line) -> the old name."""
    import difflib

    from tracklint.gitutil import file_at_ref

    specs = _specs(settings)
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
