"""Starting ``git ls-files`` early, so that git lists the work tree while Python starts up.

A check spends its first tenth of a second importing its own modules and loading the plan, and
on a large work tree git needs about as long to find the untracked files. :func:`prefetch`
starts the two listings (tracked, untracked) as soon as the directories are known, and even
before that the entry point (:func:`tracklint.__main__.main`) starts one for the current
directory, which is where ``tracklint check`` usually runs. :mod:`tracklint.files` collects a
started listing with :func:`take`; listings nobody took are ended by :func:`drop_prefetched`.
This module imports only ``os`` and ``subprocess``, so starting a listing costs no start-up time.
"""

from __future__ import annotations

import os
import subprocess
from typing import Iterable

#: Variables that would point git at another repository than the directory being listed.
_GIT_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR")

Listing = tuple[subprocess.Popen, subprocess.Popen]

#: Listings started ahead of time: absolute directory -> the two running processes.
_PREFETCHED: dict[str, Listing] = {}

#: Questions the tracked listing of a directory answers on the way: absolute directory ->
#: {POSIX path relative to it: the first path git tracks there or under it ("" for none; None
#: while the directory has not been listed)}.
_QUESTIONS: dict[str, dict[str, str | None]] = {}

#: Tracked listings read before their taker came (to answer a question early): process -> output.
_READ_AHEAD: dict[subprocess.Popen, bytes] = {}


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_DROP}
    env["GIT_OPTIONAL_LOCKS"] = "0"  # never take index.lock just to refresh stat info
    return env


def _commands(directory: str) -> tuple[list[str], list[str]]:
    base = ["git", "-c", "core.quotepath=off", "-C", directory, "ls-files", "-z"]
    # Tracked paths: the index only, in milliseconds. (``--deleted`` would have git stat every
    # file; tracklint stats them anyway, and drops the ones deleted in the work tree itself.)
    # Untracked, not ignored paths: a walk of the work tree (most of the time on a big tree).
    return base + ["--cached"], base + ["--others", "--exclude-standard"]


def start(directory: str) -> Listing | None:
    """Start both listings of ``directory`` (absolute); None when git cannot be run."""
    env = git_env()
    started: list[subprocess.Popen] = []
    try:
        for cmd in _commands(directory):
            started.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                            stdin=subprocess.DEVNULL, env=env))
    except OSError:
        for process in started:
            process.kill()
            process.wait()
        return None
    return started[0], started[1]


def prefetch(directories: Iterable[str | os.PathLike[str]]) -> None:
    """Start listing ``directories`` with git now (those not started already)."""
    for directory in directories:
        path = os.path.abspath(directory)
        if path not in _PREFETCHED and os.path.isdir(path):
            processes = start(path)
            if processes is not None:
                _PREFETCHED[path] = processes


def take(directory: str) -> Listing | None:
    """The listing of ``directory`` (absolute): the one started ahead, else a new one."""
    return _PREFETCHED.pop(directory, None) or start(directory)


def drop_prefetched() -> None:
    """End and reap the listings started ahead that nobody took (a run that stopped early, on a
    plan error say, or one that lists other directories than the current one)."""
    while _PREFETCHED:
        _, processes = _PREFETCHED.popitem()
        for process in processes:
            if process.poll() is None:
                process.kill()
            if _READ_AHEAD.pop(process, None) is None:
                process.communicate()


def prefetched() -> list[str]:
    """The directories whose listing was started ahead and not taken yet."""
    return list(_PREFETCHED)


def tracked_output(directory: str, process: subprocess.Popen) -> bytes:
    """The output of ``process``, the tracked listing of ``directory`` (read ahead, or now),
    with the questions about ``directory`` answered from it."""
    out = _READ_AHEAD.pop(process, None)
    if out is None:
        out = process.communicate()[0]
    if process.returncode == 0:
        answer_tracked(directory, out)
    return out


def read_ahead(directory: str) -> None:
    """Answer the questions about ``directory`` now, from its listing started ahead if there is
    one (git read its index long ago; whoever takes the listing later gets the same output)."""
    processes = _PREFETCHED.get(directory)
    if processes is not None and processes[0] not in _READ_AHEAD:
        out = processes[0].communicate()[0]
        _READ_AHEAD[processes[0]] = out
        if processes[0].returncode == 0:
            answer_tracked(directory, out)


def ask_tracked(directory: str, rel: str) -> None:
    """Have the next tracked listing of ``directory`` (absolute) tell whether git tracks ``rel``
    (a POSIX path relative to it) or anything under it: see :func:`tracked_answer`. The cache
    asks about its directory, which must never come from the checkout."""
    _QUESTIONS.setdefault(directory, {}).setdefault(rel, None)


def answer_tracked(directory: str, listing: bytes) -> None:
    """Answer the questions about ``directory`` from its ``ls-files -z --cached`` output (a few
    substring searches each, well under a millisecond on 20,000 paths)."""
    questions = _QUESTIONS.get(directory)
    for rel in questions or ():
        name = os.fsencode(rel)
        found = min((at for at in (_find(listing, name + b"/"), _find(listing, name + b"\0")) if at >= 0), default=-1)
        questions[rel] = "" if found < 0 else os.fsdecode(listing[found:listing.find(b"\0", found)])


def _find(listing: bytes, entry_start: bytes) -> int:
    """Where the first entry of ``listing`` that starts with ``entry_start`` starts, or -1."""
    if listing.startswith(entry_start):
        return 0
    at = listing.find(b"\0" + entry_start)
    return at + 1 if at >= 0 else -1


def tracked_answer(directory: str, rel: str) -> str | None:
    """The answer to :func:`ask_tracked`: the first path git tracks at or under ``rel``, "" for
    none, None when no listing of ``directory`` was read."""
    return _QUESTIONS.get(directory, {}).get(rel)
