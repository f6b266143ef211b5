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
            process.communicate()
