"""The one way tracklint writes a file a user asked for: reports (``--output-file``), baselines,
imported and exported plans, ``init``'s plan, ``diff``'s report and the source files ``check
--fix`` rewrites (byte for byte: :func:`write_atomic_bytes`).

:func:`write_atomic` writes into a fresh file beside the target and moves it into place with
``os.replace``: a reader, an interrupted run or a full disk never sees half a file, and a target
that is a symbolic link is replaced, not written through. Every failure (a read-only folder, a
missing directory, ``ulimit -f``, a full disk, text that cannot be encoded) becomes an
:class:`~tracklint.errors.OutputError` naming the file, which exits 2 with a message instead of
an "internal error".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Callable, Union

from tracklint.errors import OutputError

#: What to write: the whole text, or a function that writes it into the stream it is given.
Content = Union[str, Callable[[IO[str]], None]]

#: Size of the pieces :func:`write_text` hands to a stream.
CHUNK = 1 << 16


def write_text(stream: IO[str], text: str) -> None:
    """Write ``text`` in pieces of at most 64 KiB. One huge ``write`` can end in a short write
    of the underlying file (a pipe whose reader left, ``ulimit -f``) that Python's buffered
    streams do not always report; pieces make the next write fail with the real error."""
    if len(text) <= CHUNK:
        stream.write(text)
        return
    for start in range(0, len(text), CHUNK):
        stream.write(text[start : start + CHUNK])


def write_atomic(path: str | os.PathLike[str], content: Content, *, what: str = "the output file") -> None:
    """Write ``content`` (UTF-8, ``\\n`` line ends) to ``path`` atomically.

    The new file keeps the mode of the file it replaces, else gets the umask's default (a
    temporary file's 0600 would make a report unreadable to the rest of a CI job).
    """
    _write(path, content, what=what)


def write_atomic_bytes(path: str | os.PathLike[str], data: bytes, *, what: str = "the file") -> None:
    """Write ``data`` to ``path`` atomically, byte for byte (line ends and encoding untouched),
    as :func:`write_atomic` does text."""
    _write(path, data, what=what)


def _write(path: str | os.PathLike[str], content: Content | bytes, *, what: str) -> None:
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"cannot write {what}: it is a directory", path=str(path))
    directory = target.parent
    if not directory.is_dir():
        raise OutputError(f"cannot write {what}: the directory {directory} does not exist", path=str(path))
    tmp = directory / f".{target.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), _mode(target))
    except OSError as exc:
        raise _error(what, path, exc) from None
    try:
        _fill(fd, content)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, (OSError, UnicodeError)):
            raise _error(what, path, exc) from None
        raise


def _fill(fd: int, content: Content | bytes) -> None:
    """Write ``content`` into the new file ``fd`` (bytes as they are, text as UTF-8 with
    ``\\n`` line ends) and flush it to disk."""
    if isinstance(content, bytes):
        with os.fdopen(fd, "wb") as raw:
            raw.write(content)
            raw.flush()
            os.fsync(raw.fileno())
        return
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
        if isinstance(content, str):
            write_text(handle, content)
        else:
            content(handle)
        handle.flush()
        os.fsync(handle.fileno())


def _mode(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        return 0o666  # os.open applies the umask


def _error(what: str, path: str | os.PathLike[str], exc: BaseException) -> OutputError:
    if isinstance(exc, UnicodeError):
        reason = "the text holds a character UTF-8 cannot encode (a lone surrogate)"
    else:
        reason = getattr(exc, "strerror", None) or str(exc)
    return OutputError(f"cannot write {what}: {reason}", path=str(path))
