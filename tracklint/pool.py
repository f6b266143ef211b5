"""Reading and extracting files: the worker pool and the file I/O.

:func:`extract_paths` turns a run's files into an :class:`Extraction` (one
:class:`~tracklint.extract.base.FileExtraction` per file with something in it): the cache is
asked first, then a worker reads each file (never blocking on a FIFO, never following a link out
of the project), pre-filters it, and parses it, in worker processes once there are enough files
to pay for them. The pipeline around it is :mod:`tracklint.engine`.
"""

from __future__ import annotations

import contextlib
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
from typing import Any, Callable, Iterable, Iterator, NamedTuple

from tracklint import __version__
from tracklint.config import Settings
from tracklint.extract import extract_file, language_for, languages_of
from tracklint.extract.base import FileExtraction, Notice
from tracklint.extract.prefilter import Prefilter, is_generated, is_minified
from tracklint.result import Stats

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
    # The run's open cache (a tracklint.cache.Cache) when extract_paths was asked to keep it for
    # the whole-file extractions of cross-file constants; :func:`save_cache` writes it.
    cache: Any = field(default=None, repr=False, compare=False)



def specs_of(settings: Settings):
    """The call specs of the run's presets and wrappers."""
    from tracklint.extract.presets import build_specs

    return build_specs(settings.presets, settings.wrappers)


#: What a worker returns for a file the pre-filter ruled out (cheaper to send than a record).
NO_CALLS = "no-calls"
#: What a worker returns for a file that no longer exists (a dangling symlink is not "gone").
GONE = "gone"
#: The cache text of an extraction that the worker did not encode.
NOT_ENCODED = "not-encoded"

_WORKER_STATE: dict[str, tuple] = {}  # repr(options) -> (specs, prefilter); wrappers are dicts


_LAST_STATE: list = [None, None]  # the last options object asked for, and its state


def _worker_state(options: _Options) -> tuple:
    """(specs, pre-filter) for ``options``, built once per process (and inherited by workers
    forked after the main process built them). Asked once per file when the main process
    extracts: the same options object is answered without its ``repr`` (the key; wrappers are
    dicts), which cost 3 µs a file."""
    if _LAST_STATE[0] is options:
        return _LAST_STATE[1]
    key = repr(options)
    state = _WORKER_STATE.get(key)
    if state is None:
        from tracklint.extract.presets import build_specs

        specs = build_specs(options.presets, options.wrappers)
        state = _WORKER_STATE[key] = (specs, Prefilter(specs))
    _LAST_STATE[:] = [options, state]
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
    if options.prefilter and not prefilter.may_contain(data, language_for(path)):
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
    return extract_one(path, rel, specs, options.max_size, data, windows=options.prefilter), digest, info


def extract_whole(path: str, rel: str, specs, max_size: int, root: str) -> tuple[FileExtraction, FileStat | None]:
    """:func:`extract_one` of the whole file (no windows), with the stat taken on the open file
    before its bytes were read (None when it was not read: unreadable, or over the limit)."""
    try:
        data, info = read_with_stat(path, max_size, root)
    except OSError:
        data = None
    if data is None:  # extract_one reads it again and says why it was not parsed
        return extract_one(path, rel, specs, max_size, windows=False, root=root), None
    return extract_one(path, rel, specs, max_size, data, windows=False), info


def extract_one(path: str, rel: str, specs, max_size: int, data: bytes | None = None, *,
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
            for future in _as_completed(self.futures):
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
                  missing_ok: bool = False, keep_cache: bool = False) -> Extraction:
    """Extract the call sites of ``files`` ((absolute, relative) pairs, or paths; a list, or a
    :class:`~tracklint.files.FileStream` that yields files while git is still listing): cache,
    pre-filter, minified/generated skip, and parsing in worker processes. ``stats`` holds stats
    already taken in this run (absolute path -> stat), so that a file is not stat'ed twice.
    ``while_extracting`` runs once every file is handed over, while the workers work (the
    check loads its plan there). ``missing_ok``: files that turn out not to exist (git lists a
    tracked file deleted in the work tree) are left out (in ``Extraction.gone``), not reported.
    ``keep_cache``: the cache stays open in ``Extraction.cache``, for the caller to add to and
    write (:func:`save_cache`), instead of being written here."""
    started = time.perf_counter()
    sized = isinstance(files, (list, tuple))

    def total() -> int | None:
        return len(files) if sized else getattr(files, "expected", None)

    def languages() -> set[str]:
        known = getattr(files, "languages", None)
        if known is not None:
            return known
        if not sized:
            return set()
        return languages_of(str(item[0] if isinstance(item, tuple) else item) for item in files)

    # A short explicit file list (pre-commit) is cheaper to parse than the cache is to load.
    use_cache = settings.cache and not (settings.files_given and sized and len(files) <= SMALL_RUN_FILES)
    cache = _open_cache(settings) if use_cache else None
    pool = _Pool(settings, _Options.of(settings, digests=cache is not None), total, languages)
    run = _Extracting(settings, cache, stats, progress, missing_ok)
    with _ctrl_c_ends_the_run():
        try:
            run.hand_over(files, pool, total)
            if while_extracting is not None:
                while_extracting()
        except BaseException:
            # The plan fails to load (or Ctrl-C where the handler below is not ours): stop the
            # workers now (they ignore SIGINT, and the executor would finish the queued batches).
            pool.abort()
            raise
        run.collect(pool)
    out = run.out
    out.cache = cache
    if not keep_cache:
        save_cache(out)
    out.files.sort(key=lambda f: f.path)
    for fx in out.files:
        out.notices.extend(fx.notices)
    out.stats.seconds = time.perf_counter() - started
    return out


def save_cache(ex: Extraction) -> None:
    """Write the run's cache (if it has one and anything changed), and close it."""
    cache, ex.cache = ex.cache, None
    if cache is not None:
        try:
            cache.save()
        except OSError as exc:
            LOG.warning("could not write the cache: %s", exc)


#: How long the main thread waits for a batch before it looks at pending signals again.
_SIGNAL_POLL_SECONDS = 0.25


def _as_completed(futures: Iterable) -> Iterator:
    """``concurrent.futures.as_completed``, waiting in short slices. A signal delivered to one of
    the executor's threads rather than the main thread does not wake a main thread blocked on
    a lock, and Python runs signal handlers only in the main thread: Ctrl-C then waited for the
    next batch to finish (seen: over 20 s with the workers still busy)."""
    from concurrent.futures import FIRST_COMPLETED, wait

    pending = set(futures)
    while pending:
        done, pending = wait(pending, timeout=_SIGNAL_POLL_SECONDS, return_when=FIRST_COMPLETED)
        yield from done


@contextlib.contextmanager
def _ctrl_c_ends_the_run() -> Iterator[None]:
    """While the workers run, Ctrl-C ends the process at once with exit 130.

    A KeyboardInterrupt raised at an arbitrary point of the main thread can land inside the
    process pool's own bookkeeping (between a lock's acquire and its ``with`` block, or while a
    future's condition is held), and the cleanup that follows could then wait forever. Nothing
    is half-written at this stage (the cache
    is saved after the workers are done, atomically), and the workers die with this process
    (``_worker_init``). Only the main thread's default handler is replaced, and only meanwhile."""
    import threading

    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield
        return
    signal.signal(signal.SIGINT, _end_now)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _end_now(*_signal: Any) -> None:
    """The SIGINT handler of :func:`_ctrl_c_ends_the_run`: no locks taken (a raw write, no
    buffered stream), no exit hooks run."""
    os.write(2, b"tracklint: interrupted\n")
    os._exit(130)


@dataclass
class _Extracting:
    """One :func:`extract_paths`: hands the files the cache cannot answer to the pool, then
    takes the pool's results into :attr:`out` (and the cache)."""

    settings: Settings
    cache: Any  # a tracklint.cache.Cache, or None
    stats: dict[str, os.stat_result] | None
    progress: Progress | None
    missing_ok: bool
    out: Extraction = field(default_factory=Extraction)
    done: int = 0  # files listed so far

    def hand_over(self, files: Iterable, pool: _Pool, total: Callable[[], int | None]) -> None:
        """Give every file of ``files`` to the pool, unless the cache answers for it."""
        from tracklint.files import relpath

        root = str(self.settings.root)
        for item in files:
            spath, rel = item if isinstance(item, tuple) else (str(item), relpath(item, root))
            self.done += 1
            if self.progress and self.done % 500 == 0:
                self.progress(self.done, max(self.done, total() or 0))
            work = self._work(spath, rel)
            if work is not None:
                pool.add(work)
        self.out.stats.files_listed = self.done

    def _work(self, spath: str, rel: str) -> _Work | None:
        """The work of reading ``spath``, or None when the cache answers or it is not a file."""
        cache, stats, out = self.cache, self.stats, self.out
        st = stats.get(spath) if stats is not None else None
        if st is None and cache is not None and rel in cache:
            # a cached file is looked up by its stat; any other file is stat'ed by the worker
            # that reads it (fstat of the open file), so workers start without a stat pass
            try:
                st = os.stat(spath)
            except OSError as exc:
                out.notices.append(Notice(rel, "unreadable", f"cannot read: {exc.strerror or exc}"))
                return None
            if stats is not None:
                stats[spath] = st
        known = ""
        if st is not None:
            if not stat.S_ISREG(st.st_mode):
                # FIFOs, sockets and devices named explicitly would block or never end
                out.notices.append(_not_regular(rel))
                return None
            if cache is not None:
                hit = cache.lookup(rel, st)
                if hit is not None:
                    _keep(out, hit)
                    out.stats.files_cached += 1
                    return None
                known = cache.digest_of(rel)
        return _Work(spath, rel, st, known)

    def collect(self, pool: _Pool) -> None:
        """Take every result of the pool."""
        handled = self.done - pool.count
        for fx, digest, text, info, work in pool.results():
            handled += 1
            if self.progress:
                self.progress(min(handled, self.done), self.done)
            self._take(fx, digest, text, info, work)

    def _take(self, fx: FileExtraction | str | None, digest: str, text: Any, info: FileStat | None,
              work: _Work) -> None:
        """Keep one file's result (see :meth:`_Pool.results`) and store it in the cache."""
        cache, out, counts = self.cache, self.out, self.out.stats
        st = work.stat or info
        if st is not None:
            if work.stat is None and self.stats is not None:
                self.stats[work.path] = st
            counts.bytes_read += st.st_size
        if fx == GONE:
            if self.missing_ok:  # listed from git's index, deleted in the work tree: not a file to check
                out.gone.append(work.path)
                return
            fx = FileExtraction(path=work.rel, language=language_for(work.path) or "unknown")
            fx.notices.append(Notice(work.rel, "unreadable", f"cannot read: {os.strerror(errno.ENOENT)}"))
        if fx == NO_CALLS:  # kept by name only (see _keep)
            out.unparsed[work.rel] = language_for(work.path) or "unknown"
            if cache is not None and st is not None:
                cache.store_unparsed(work.rel, st)
            return
        if fx is None:  # unchanged content: the cached result stands, now under the new stat
            fx = cache.lookup_digest(work.rel, digest) if cache is not None else None
            if fx is None:  # the entry went away meanwhile: extract it here
                settings = self.settings
                fx = extract_one(work.path, work.rel, specs_of(settings), settings.max_file_size,
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
