"""Records from event files, streamed: JSON Lines, a JSON array, or JSON values one after the
other (pretty-printed exports), each optionally gzip-compressed, and zip archives of such files
(an Amplitude export), each member read on its own; compression is told by magic bytes, not by
the file's name.

Memory stays flat whatever the file's size: JSON Lines are read a line at a time, and the other
layouts through a window that holds at most the record being read (a single record larger than
:data:`MAX_RECORD` is reported, not buffered). A record that cannot be read (broken JSON, bytes
that are not UTF-8, a gzip stream cut short) is yielded as a :class:`BadRecord` with its line
and the reading goes on with the next line; only a broken gzip stream ends its file.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO, Any, Iterator, Union

#: Bytes read at a time from a file that is not JSON Lines.
CHUNK = 1 << 20
#: A single record longer than this (outside JSON Lines) is reported instead of buffered.
MAX_RECORD = 64 << 20

_WHITESPACE = " \t\r\n"
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_decoder = json.JSONDecoder()


@dataclass
class Record:
    """One JSON value read from a file: where it starts and its text (for positions)."""

    line: int
    value: Any
    text: str | bytes
    column: int = 1  # where the record starts on its line (several records on one line)


@dataclass
class BadRecord:
    """A record that could not be read, and why."""

    line: int
    message: str


Item = Union[Record, BadRecord]


class Source:
    """An open event file: :meth:`parts` yields its records, per member of a zip archive;
    :attr:`done` and :attr:`size` give the progress in bytes of the file on disk."""

    def __init__(self, path: str) -> None:
        self.raw: IO[bytes] = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.size = _size(self.raw)
        self.zip = self.raw.read(4) == b"PK\x03\x04"
        self.raw.seek(0)

    @property
    def done(self) -> int:
        try:
            return self.raw.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        self.raw.close()

    def parts(self) -> Iterator[tuple[str, Iterator[Item]]]:
        """(member name, its records): one part named "" for a plain or gzip file, one per file
        of a zip archive (an Amplitude export: a zip of gzip JSON Lines files)."""
        if not self.zip:
            yield "", records(self.raw)
            return
        try:
            archive = zipfile.ZipFile(self.raw)
            members = [info for info in archive.infolist() if not info.is_dir()]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            yield "", iter([BadRecord(1, f"the zip archive cannot be read ({exc})")])
            return
        for info in members:
            try:
                with archive.open(info) as member:
                    yield info.filename, records(member)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
                yield info.filename, iter([BadRecord(1, f"this member of the zip archive cannot be read ({exc})")])


def records(raw: IO[bytes]) -> Iterator[Item]:
    """Every record of a stream, gzip or not, in order (bad ones included)."""
    line_no = 0
    try:
        stream = _maybe_gunzip(raw)
        while True:
            # at most a chunk: a JSON array written on one line can be gigabytes long
            head = stream.readline(CHUNK)
            if not head:
                return
            line_no += 1
            if head.strip(b"\xef\xbb\xbf \t\r\n"):
                break
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        whole_line = head.endswith(b"\n") or len(head) < CHUNK
        if whole_line and not text.startswith(b"[") and _whole_value(text):
            yield from _lines(stream, line_no, head)
        else:
            yield from _values(stream, line_no, head)
    except _BrokenStream as broken:
        yield BadRecord(broken.line, broken.message)
    except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
        yield BadRecord(line_no + 1, _broken_stream(exc))


def _maybe_gunzip(raw: IO[bytes]) -> IO[bytes]:
    """``raw`` decompressed when it is gzip (by its magic bytes), else buffered as it is."""
    stream = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(raw, CHUNK)  # type: ignore[arg-type]
    if stream.peek(2)[:2] == b"\x1f\x8b":
        return io.BufferedReader(_Gunzip(stream), CHUNK)
    return stream


def _lines(stream: IO[bytes], line_no: int, head: bytes) -> Iterator[Item]:
    """JSON Lines: one record per line, blank lines skipped."""
    loads = json.loads
    record = Record
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    yield _line_record(head, line_no)
    try:
        for raw in stream:
            line_no += 1
            try:
                yield record(line_no, loads(raw), raw)
            except ValueError:
                if raw.strip():
                    yield _line_record(raw, line_no)
    except (EOFError, OSError, zlib.error, zipfile.BadZipFile) as exc:
        raise _BrokenStream(line_no + 1, _broken_stream(exc)) from None


class _Gunzip(io.RawIOBase):
    """The decompressed bytes of a gzip stream (every member of it). Unlike ``gzip.GzipFile``,
    everything that could be decompressed is returned before a truncated stream raises
    ``EOFError``, so no complete line before the cut is lost."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        self.pending = b""
        self.started = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            data = self.inflate.unused_data if self.inflate.eof else b""
            if self.inflate.eof:
                # the next member of a multi-member file, if any
                self.inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
                self.started = False
            data = data or self.raw.read(CHUNK)
            if not data:
                if self.started and not self.inflate.eof:
                    raise EOFError("compressed file ended before the end-of-stream marker was reached")
                return 0
            self.started = True
            self.pending = self.inflate.decompress(data)
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


class _BrokenStream(Exception):
    """The stream cannot be read on (a truncated or corrupt gzip file), at ``line``."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _line_record(raw: bytes, line_no: int) -> Item:
    try:
        return Record(line_no, json.loads(raw), raw)
    except UnicodeDecodeError as exc:
        return BadRecord(line_no, f"the record is not UTF-8 text (byte {exc.start + 1} of the line)")
    except ValueError as exc:
        message = getattr(exc, "msg", str(exc))
        col = getattr(exc, "colno", None)
        return BadRecord(line_no, f"the record is not valid JSON: {message}" + (f" (column {col})" if col else ""))


def _whole_value(text: bytes) -> bool:
    """Whether ``text`` (a first line) is one complete JSON value: the file is JSON Lines."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def _values(stream: IO[bytes], line_no: int, head: bytes) -> Iterator[Item]:
    """A JSON array of records, or JSON values one after another (pretty-printed or not)."""
    window = _Window(stream, head, line_no)
    text = window.text.lstrip("\ufeff" + _WHITESPACE)
    window.pos = len(window.text) - len(text)
    in_array = text.startswith("[")
    if in_array:
        window.pos += 1
    while True:
        if not window.skip(",]" if in_array else ""):
            return
        item = window.value()
        if item is None:
            return
        yield item


class _Window:
    """Decoded text of a stream, kept from the current record on, with its line number."""

    def __init__(self, stream: IO[bytes], head: bytes, line_no: int) -> None:
        self.stream = stream
        # Bytes that are not UTF-8 become lone surrogates (U+DC80-U+DCFF), which no UTF-8 text
        # decodes to: the record that holds them is reported, its neighbours are not.
        self.decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        self.text = self._decode(head)
        self.pos = 0
        self.line = line_no  # the line of self.pos
        self.carry = 0  # the column of the window's first character, less one
        self.eof = False

    def _decode(self, data: bytes) -> str:
        return self.decoder.decode(data)

    def more(self) -> bool:
        """Read the next chunk; False at the end of the stream."""
        if self.eof:
            return False
        try:
            data = self.stream.read(CHUNK)
        except (EOFError, OSError, zlib.error) as exc:
            raise _BrokenStream(self.line, _broken_stream(exc)) from None
        if not data:
            self.eof = True
            return False
        self.carry = self.column(self.pos) - 1
        self.text = self.text[self.pos:] + self._decode(data)
        self.pos = 0
        return True

    def column(self, pos: int) -> int:
        """The 1-based column of ``pos`` on its line (the line may begin before the window)."""
        newline = self.text.rfind("\n", 0, pos)
        return pos - newline if newline >= 0 else self.carry + pos + 1

    def advance(self, end: int) -> None:
        self.line += self.text.count("\n", self.pos, end)
        self.pos = end

    def skip(self, separators: str) -> bool:
        """Move past whitespace and ``separators``; False at the end of the stream."""
        while True:
            text, pos, n = self.text, self.pos, len(self.text)
            while pos < n and (text[pos] in _WHITESPACE or text[pos] in separators):
                pos += 1
            self.advance(pos)
            if pos < n:
                return True
            if not self.more():
                return False

    def value(self) -> Item | None:
        """The record at the current position (read on as far as it needs)."""
        while True:
            try:
                value, end = _decoder.raw_decode(self.text, self.pos)
            except json.JSONDecodeError as exc:
                if len(self.text) - self.pos < MAX_RECORD and self.more():
                    continue
                return self._bad(exc)
            start, line = self.pos, self.line
            text = self.text[start:end]
            column = self.column(start)
            self.advance(end)
            if _NOT_UTF8.search(text):
                return BadRecord(line, "the record is not UTF-8 text")
            return Record(line, value, text, column)

    def _bad(self, exc: json.JSONDecodeError) -> BadRecord:
        line = self.line
        if len(self.text) - self.pos >= MAX_RECORD:
            message = f"the record is larger than {MAX_RECORD >> 20} MB or not valid JSON"
        else:
            message = f"the record is not valid JSON: {exc.msg} (line {line + exc.lineno - 1})"
        # Go on at the next line that starts a value.
        nxt = self.text.find("\n", self.pos)
        self.advance(len(self.text) if nxt < 0 else nxt + 1)
        self._resync()
        return BadRecord(line, message)

    def _resync(self) -> None:
        """Move to the next line whose first character (after blanks) starts an object or array."""
        while True:
            text = self.text
            while self.pos < len(text):
                end = text.find("\n", self.pos)
                line = text[self.pos:] if end < 0 else text[self.pos:end]
                if line.lstrip(_WHITESPACE)[:1] in ("{", "["):
                    return
                if end < 0:
                    break
                self.advance(end + 1)
            if not self.more():
                self.advance(len(self.text))
                return


def _broken_stream(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "the gzip stream ends before its end marker (a truncated file): the records after this line are missing"
    return f"the file cannot be read on from here ({exc})"


def _size(raw: IO[bytes]) -> int:
    try:
        raw.seek(0, 2)
        size = raw.tell()
        raw.seek(0)
        return size
    except OSError:
        return 0


def open_source(path: str) -> Source:
    """Open an event file for :meth:`Source.records` (OSError when it cannot be opened)."""
    return Source(path)

