"""The persistent per-file cache of extraction results.

An unchanged repository should cost little more than a ``stat`` per file. The cache maps each
file's repository-relative path to its size, modification time (ns), content digest and
:class:`~tracklint.extract.base.FileExtraction`:

* :meth:`Cache.lookup` hits when size and ``mtime_ns`` match (no read at all);
* :meth:`Cache.lookup_digest` hits when the content is unchanged although the mtime moved (a
  ``git checkout`` back and forth, a ``touch``), or when the same content was cached under
  another path of the same language (a rename): the paths in the record are rewritten;
* entries whose mtime is within :data:`RACY_NS` of the moment they are stored are kept
  "racily clean" (as git does): their stat is not trusted, only their digest, because a second
  write in the same clock tick would not change the mtime;
* an entry may also hold the extraction of the *whole* file (:meth:`Cache.store_whole`), made
  when another file's event constant may be defined in a file that the pre-filter skipped or that
  was parsed only in windows (:func:`tracklint.engine.complete_exports`): everything the file
  exports (constants, enum cases, and whatever field a later record gains) rides along, so an
  unchanged run resolves cross-file constants without parsing; and whether the file mentions
  the names of those constants (:meth:`Cache.store_mentions`), so that it does not read the file
  to find out. Both belong to the entry: stored only against the stat the entry was made with,
  read back only once this run has found the entry unchanged, gone when the entry is replaced
  (kept only when the new entry has the same content digest).

Storage: one JSON document per key, ``<directory>/v<FORMAT>/<sha256(key)[:16]>.json``; the key is
the salt (tracklint's version plus a digest of the settings that change extraction, supplied by
the engine) and :func:`environment` (the interpreter, tracklint's own files, the installed
distributions), both also stored inside and checked. JSON, never pickle: loading must not
execute anything. Each entry's record is kept as a JSON string inside the document and decoded
only on a hit, so loading 20,000 entries creates 20,000 small lists, not the whole object graph
(a 10-file pre-commit run pays for 10 records). A file that does not parse, or whose format,
key or shape is wrong, is ignored (an empty cache, rebuilt on save).

The directory usually sits in the checkout, where everything a pull request commits is hostile.
It is used only when it is this user's own directory, not a symbolic link, and git tracks
nothing in it (:func:`refusal`; the run's own ``git ls-files`` answers, see :func:`probe`);
otherwise the run goes without a cache and says why. Inside it no symbolic link is followed
(names are opened relative to the directory's descriptor with ``O_NOFOLLOW``), a file is read
only when it is a regular file under a size cap (opened ``O_NONBLOCK``: a FIFO never blocks),
and :meth:`Cache.save` writes atomically (a new file beside the target, ``fsync``,
``os.replace``): a crash leaves the previous cache intact. It writes nothing when nothing
changed. The directory gets a ``.gitignore`` containing ``*`` and a ``CACHEDIR.TAG``, as ruff
does, so the cache is never committed or backed up. The run memo and the plan marker
(:mod:`tracklint.memo`) live there too, read and written with :func:`read_file` and
:func:`write_file`.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import gc
import hashlib
import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Iterable, Iterator

from tracklint.extract import language_for
from tracklint.extract.base import (
    Directive,
    FileExtraction,
    Notice,
    Span,
    TrackCall,
    Value,
)

#: Bump when the stored layout changes. The field names of the records are hashed in too, so a
#: new field on a record invalidates old caches without anyone remembering to bump this.
FORMAT = 1
DEFAULT_DIRNAME = ".tracklint_cache"
#: An entry stored less than this after its file's mtime is "racily clean": stat is not trusted.
RACY_NS = 2_000_000_000

_GITIGNORE = "# Automatically created by tracklint.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by tracklint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


def file_digest(data: bytes) -> str:
    """The content digest the cache keys on (BLAKE2b, 128 bits, hex)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _layout_fingerprint() -> str:
    names = [
        f"{cls.__name__}:{','.join(f.name for f in dataclasses.fields(cls))}"
        for cls in (Span, Value, TrackCall, Notice, Directive, FileExtraction)
    ]
    return hashlib.sha256(";".join(names).encode()).hexdigest()[:12]


LAYOUT = _layout_fingerprint()

# --- FileExtraction <-> plain JSON data ----------------------------------------------------
#
# Compact but explicit: a Span is a list of 8 ints; a Value is a dict of its non-default fields
# (its literal ``value`` is a JSON scalar: str, int, float incl. NaN/Infinity, bool, None).


_SPAN_FIELDS = tuple(f.name for f in dataclasses.fields(Span))
_SCALARS = (str, int, float, bool, type(None))


def span_to_list(span: Span | None) -> list[int] | None:
    if span is None:
        return None
    # the fields in _SPAN_FIELDS order, spelled out (a getattr loop cost more than the rest
    # of encoding a call; tests/test_cache.py checks the two agree)
    return [span.line, span.column, span.end_line, span.end_column, span.column_utf16,
            span.end_column_utf16, span.start_byte, span.end_byte]


def span_from_list(data: list[int] | None) -> Span | None:
    if data is None:
        return None
    if len(data) != len(_SPAN_FIELDS) or not all(type(x) is int for x in data):
        raise ValueError("bad span")
    return Span(*data)


def _extras_to(record: Any, handled: frozenset[str], out: dict[str, Any]) -> dict[str, Any]:
    """Copy the fields a serialiser does not name (fields added to a record later) into ``out``
    when they differ from their default, so that they round-trip too: scalars, and dicts
    (string keys) and lists of such data, nested. Anything else (a tuple, a record) raises
    ``TypeError``: it would not come back equal, so it needs a serialiser of its own."""
    cls = type(record)
    extra = _EXTRA_FIELDS.get(cls)
    if extra is None:  # dataclasses.fields() per record was a fifth of the encoding time
        extra = _EXTRA_FIELDS[cls] = tuple((f.name, _default_of(f)) for f in dataclasses.fields(cls)
                                           if f.name not in handled)
    for name, default in extra:
        value = getattr(record, name)
        if value != default:
            if not (isinstance(value, _SCALARS) or _plain(value)):
                raise TypeError(f"{cls.__name__}.{name} holds {type(value).__name__} data that JSON does not "
                                "give back as it was: give it a serialiser in tracklint/cache.py")
            out[name] = value
    return out


def _default_of(f: dataclasses.Field) -> Any:
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default


def _plain(value: Any) -> bool:
    """Whether ``value`` is JSON data that loads back equal: scalars, lists, dicts with string
    keys (no tuples, sets or records), checked without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, _SCALARS):
            continue
        if type(item) is list:
            stack.extend(item)
        elif type(item) is dict and all(type(k) is str for k in item):
            stack.extend(item.values())
        else:
            return False
    return True


_EXTRA_FIELDS: dict[type, tuple[tuple[str, Any], ...]] = {}


_FIELD_NAMES: dict[type, dict[str, type | None]] = {}


def _extras_from(cls: type, handled: frozenset[str], data: dict[str, Any]) -> dict[str, Any]:
    extra_keys = data.keys() - handled
    if not extra_keys:
        return {}
    kinds = _FIELD_NAMES.get(cls)
    if kinds is None:  # each field's container type (dict, list), None for a scalar field
        kinds = _FIELD_NAMES[cls] = {f.name: type(_default_of(f)) if isinstance(_default_of(f), (dict, list)) else None
                                     for f in dataclasses.fields(cls)}
    extra = {}
    for key in extra_keys:
        value = data[key]
        kind = kinds.get(key, False)
        if not (isinstance(value, _SCALARS) if kind is None else type(value) is kind and _plain(value)):
            raise ValueError(f"unexpected field {key!r}")
        extra[key] = value
    return extra


_VALUE_HANDLED = frozenset({"type", "value", "known", "properties", "items", "open", "kind", "text",
                            "span", "key_span", "ref", "ctor"})
_CALL_HANDLED = frozenset({"path", "language", "span", "sdk", "receiver", "method", "kind", "event",
                           "event_kind", "event_text", "event_span", "event_ref", "properties",
                           "source"})
_EXTRACTION_HANDLED = frozenset({"path", "language", "calls", "notices", "directives", "exports",
                                 "imports", "lines", "case_names", "clients", "pending"})
#: Fields each serialiser handles by name; any other field (one a record gains later: an
#: extractor's new per-file exports, say) is carried generically when it holds JSON data: a
#: scalar, or a dict (string keys) or list of such data, with a scalar, ``dict`` or ``list``
#: default (checked by the tests). A field of other data needs a serialiser here.
HANDLED = {Value: _VALUE_HANDLED, TrackCall: _CALL_HANDLED, FileExtraction: _EXTRACTION_HANDLED}


def value_to_dict(value: Value) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if value.type != "unknown":
        out["type"] = value.type
    if value.known:
        out["known"] = True
        out["value"] = value.value
    elif value.value is not None:
        out["value"] = value.value
    if value.properties is not None:
        out["properties"] = [[key, value_to_dict(v)] for key, v in value.properties.items()]
    if value.items is not None:
        out["items"] = [value_to_dict(v) for v in value.items]
    if value.open:
        out["open"] = True
    if value.kind != "dynamic":
        out["kind"] = value.kind
    if value.text:
        out["text"] = value.text
    if value.span is not None:
        out["span"] = span_to_list(value.span)
    if value.key_span is not None:
        out["key_span"] = span_to_list(value.key_span)
    if value.ref is not None:
        out["ref"] = value.ref
    if value.ctor is not None:
        out["ctor"] = value.ctor
    return _extras_to(value, _VALUE_HANDLED, out)


def value_from_dict(data: dict[str, Any]) -> Value:
    if not isinstance(data, dict):
        raise ValueError("bad value")
    props = data.get("properties")
    items = data.get("items")
    return Value(
        type=data.get("type", "unknown"),
        value=data.get("value"),
        known=bool(data.get("known", False)),
        properties=None if props is None else {str(k): value_from_dict(v) for k, v in props},
        items=None if items is None else [value_from_dict(v) for v in items],
        open=bool(data.get("open", False)),
        kind=data.get("kind", "dynamic"),
        text=data.get("text", ""),
        span=span_from_list(data.get("span")),
        key_span=span_from_list(data.get("key_span")),
        ref=data.get("ref"),
        ctor=data.get("ctor"),
        **_extras_from(Value, _VALUE_HANDLED, data),
    )


def call_to_dict(call: TrackCall) -> dict[str, Any]:
    out = {
        "path": call.path,
        "language": call.language,
        "span": span_to_list(call.span),
        "sdk": call.sdk,
        "receiver": call.receiver,
        "method": call.method,
        "kind": call.kind,
        "event": call.event,
        "event_kind": call.event_kind,
        "event_text": call.event_text,
        "event_span": span_to_list(call.event_span),
        "event_ref": call.event_ref,
        "properties": None if call.properties is None else value_to_dict(call.properties),
        "source": call.source,
    }
    return _extras_to(call, _CALL_HANDLED, out)


def call_from_dict(data: dict[str, Any]) -> TrackCall:
    props = data["properties"]
    return TrackCall(
        path=data["path"],
        language=data["language"],
        span=span_from_list(data["span"]),  # type: ignore[arg-type]
        sdk=data["sdk"],
        receiver=data["receiver"],
        method=data["method"],
        kind=data["kind"],
        event=data["event"],
        event_kind=data["event_kind"],
        event_text=data["event_text"],
        event_span=span_from_list(data["event_span"]),
        event_ref=data["event_ref"],
        properties=None if props is None else value_from_dict(props),
        source=data["source"],
        **_extras_from(TrackCall, _CALL_HANDLED, data),
    )


def notice_to_dict(notice: Notice) -> dict[str, Any]:
    return dataclasses.asdict(notice)


def notice_from_dict(data: dict[str, Any]) -> Notice:
    return Notice(**data)


def directive_to_dict(directive: Directive) -> dict[str, Any]:
    out = dataclasses.asdict(directive)
    out["codes"] = list(directive.codes)
    return out


def directive_from_dict(data: dict[str, Any]) -> Directive:
    return Directive(**{**data, "codes": tuple(data["codes"])})


def extraction_to_dict(extraction: FileExtraction) -> dict[str, Any]:
    """Plain JSON data for a :class:`FileExtraction` (exact round trip with
    :func:`extraction_from_dict`)."""
    out: dict[str, Any] = {"path": extraction.path, "language": extraction.language}
    if extraction.calls:
        out["calls"] = [call_to_dict(c) for c in extraction.calls]
    if extraction.notices:
        out["notices"] = [notice_to_dict(n) for n in extraction.notices]
    if extraction.directives:
        out["directives"] = [directive_to_dict(d) for d in extraction.directives]
    if extraction.exports:
        out["exports"] = extraction.exports
    if extraction.imports:
        out["imports"] = {k: list(v) for k, v in extraction.imports.items()}
    if extraction.lines:
        out["lines"] = [[line, text] for line, text in extraction.lines.items()]
    if extraction.case_names:
        out["case_names"] = sorted(extraction.case_names)
    if extraction.clients:
        out["clients"] = extraction.clients
    if extraction.pending:
        out["pending"] = [[call_to_dict(call), module, name, binding]
                          for call, module, name, binding in extraction.pending]
    return _extras_to(extraction, _EXTRACTION_HANDLED, out)


def extraction_from_dict(data: dict[str, Any]) -> FileExtraction:
    """The inverse of :func:`extraction_to_dict`. Raises ``KeyError``/``TypeError``/
    ``ValueError`` on malformed data."""
    imports = data.get("imports", {})
    return FileExtraction(
        path=data["path"],
        language=data["language"],
        calls=[call_from_dict(c) for c in data.get("calls", ())],
        notices=[notice_from_dict(n) for n in data.get("notices", ())],
        directives=[directive_from_dict(d) for d in data.get("directives", ())],
        exports={str(k): str(v) for k, v in data.get("exports", {}).items()},
        imports={str(k): (str(v[0]), str(v[1])) for k, v in imports.items()},
        lines={int(line): str(text) for line, text in data.get("lines", ())},
        case_names={str(key) for key in data.get("case_names", ())},
        clients={str(k): str(v) for k, v in data.get("clients", {}).items()},
        pending=[(call_from_dict(call), str(module), str(name), str(binding))
                 for call, module, name, binding in data.get("pending", ())],
        **_extras_from(FileExtraction, _EXTRACTION_HANDLED, data),
    )


def _with_path(extraction: FileExtraction, path: str) -> FileExtraction:
    """A copy of ``extraction`` (from another file with the same content) for ``path``."""
    copy = extraction_from_dict(extraction_to_dict(extraction))
    copy.path = path
    for call in copy.calls:
        call.path = path
    for notice in copy.notices:
        notice.path = path
    return copy


def _same_language(a: str, b: str) -> bool:
    return os.path.splitext(a)[1].lower() == os.path.splitext(b)[1].lower()


# --- the cache ---------------------------------------------------------------------------------

# One entry: [size, mtime_ns or None (racily clean), digest ("" if not computed),
#             extraction as JSON text or None for an empty result,
#             and, optionally, the extraction of the whole file as JSON text ("" for none)
#             and whether the file mentions a set of names ("<key of the set>:0" or ":1")]
_SIZE, _MTIME, _DIGEST, _DATA, _WHOLE, _MENTIONS = range(6)


class Cache:
    """Per-file extraction results that survive between runs (see the module docstring).

    ``root`` is the directory the relative paths are relative to (default: the cache
    directory's parent, i.e. the project root for the default ``.tracklint_cache``)."""

    def __init__(self, directory: Path, salt: str, *, root: Path | None = None) -> None:
        self.directory = Path(directory)
        self.salt = salt
        self.root = Path(root) if root is not None else self.directory.parent
        self.environment = environment()
        key = hashlib.sha256(f"{FORMAT}\0{LAYOUT}\0{self.environment}\0{salt}".encode()).hexdigest()[:16]
        self._parts = (f"v{FORMAT}", f"{key}.json")
        self.path = self.directory.joinpath(*self._parts)
        self._entries: dict[str, list[Any]] = {}
        self._touched: set[str] = set()
        self._by_digest: dict[str, str] | None = None
        self._simple: dict[str, dict[str, Any]] = {}  # record text -> scalar-only fields
        self._dirty = False
        self.load_problem: str | None = None  # why an existing cache file was ignored
        problem = refusal(self.directory)
        if problem:
            raise Unusable(problem)
        self._load()

    # -- loading --

    def _load(self) -> None:
        try:
            data = read_file(self.directory, self._parts, MAX_CACHE_BYTES)
            # Text, not bytes: json.loads(bytes) would hold a decoded copy beside the bytes.
            raw = data.decode("ascii")
            del data
        except FileNotFoundError:
            return
        except UnicodeDecodeError:
            self.load_problem = "corrupt cache file (not ASCII JSON)"
            return
        except OSError as exc:
            self.load_problem = f"cannot read {self.path}: {exc.strerror or exc}"
            return
        enabled = gc.isenabled()
        gc.disable()  # a burst of allocations with no garbage: collections are pure overhead
        try:
            doc = json.loads(raw)
            if (
                not isinstance(doc, dict)
                or doc.get("format") != FORMAT
                or doc.get("layout") != LAYOUT
                or doc.get("salt") != self.salt
                or doc.get("environment") != self.environment
                or not isinstance(doc.get("entries"), dict)
            ):
                self.load_problem = "cache written by another version or with other settings"
                return
            entries = doc["entries"]
            for entry in entries.values():
                if not (isinstance(entry, list) and 4 <= len(entry) <= 6 and type(entry[0]) is int
                        and (entry[1] is None or type(entry[1]) is int)
                        and isinstance(entry[2], str)
                        and (entry[3] is None or isinstance(entry[3], str))
                        and all(isinstance(x, str) for x in entry[4:])):
                    self.load_problem = "malformed cache entry"
                    return
        except (ValueError, RecursionError) as exc:
            self.load_problem = f"corrupt cache file ({type(exc).__name__})"
            return
        finally:
            if enabled:
                gc.enable()
        del raw
        shared: dict[str, str] = {}
        for entry in entries.values():  # one object per distinct small record ({"parsed":false})
            text = entry[3]
            if text is not None and len(text) < 64:
                entry[3] = shared.setdefault(text, text)
        self._entries = entries

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, relpath: object) -> bool:
        """Whether an entry exists for ``relpath`` (so a digest lookup could hit)."""
        return relpath in self._entries

    # -- lookups --

    def lookup(self, relpath: str, st: os.stat_result) -> FileExtraction | None:
        """The cached result when the file's size and ``mtime_ns`` are unchanged."""
        entry = self._entries.get(relpath)
        if entry is None or entry[_MTIME] is None:
            return None
        if entry[_SIZE] != st.st_size or entry[_MTIME] != st.st_mtime_ns:
            return None
        result = self._decode(relpath, entry)
        if result is not None:
            self._touched.add(relpath)
        return result

    def digest_of(self, relpath: str) -> str:
        """The content digest recorded for ``relpath`` ("" when none was computed)."""
        entry = self._entries.get(relpath)
        return entry[_DIGEST] if entry is not None else ""

    def lookup_digest(self, relpath: str, digest: str) -> FileExtraction | None:
        """The cached result for this content: the same path with the same digest, else another
        path of the same language with that digest (paths rewritten). Does not record a new stat;
        call :meth:`store` afterwards to make the next :meth:`lookup` hit."""
        if not digest:
            return None
        entry = self._entries.get(relpath)
        if entry is not None and entry[_DIGEST] == digest:
            result = self._decode(relpath, entry)
            if result is not None:
                self._touched.add(relpath)
                return result
        if self._by_digest is None:
            self._by_digest = {}
            for path, other in self._entries.items():
                if other[_DIGEST]:
                    self._by_digest.setdefault(other[_DIGEST], path)
        other_path = self._by_digest.get(digest)
        if other_path is not None and other_path != relpath and _same_language(other_path, relpath):
            other = self._entries.get(other_path)
            if other is not None and other[_DIGEST] == digest:
                result = self._decode(other_path, other)
                if result is not None:
                    return _with_path(result, relpath) if result.path != relpath else result
        return None

    def lookup_whole(self, relpath: str) -> FileExtraction | None:
        """The extraction of the whole file ``relpath`` (see :meth:`store_whole`), when this run
        found its entry unchanged (:meth:`lookup` hit, or :meth:`lookup_digest` and :meth:`store`
        with the same content)."""
        entry = self._entries.get(relpath)
        if entry is None or len(entry) <= _WHOLE or not entry[_WHOLE] or relpath not in self._touched:
            return None
        return self._decode_text(relpath, entry[_WHOLE])

    def store_whole(self, relpath: str, st: os.stat_result, extraction: FileExtraction) -> bool:
        """Remember the extraction of the whole file beside ``relpath``'s entry, when ``st`` (the
        stat taken on the file before the bytes just parsed were read) is the entry's trusted stat
        (not racily clean), so that the bytes are those the entry describes. Returns whether it
        was stored."""
        return self._annotate(relpath, st, _WHOLE, _encode_data(extraction, relpath, _language_of(relpath)))

    def mentions(self, relpath: str, key: str) -> bool | None:
        """Whether the file ``relpath`` contains one of the names of the set ``key`` (see
        :meth:`store_mentions`), when this run found its entry unchanged; None when unknown."""
        entry = self._entries.get(relpath)
        if entry is None or len(entry) <= _MENTIONS or relpath not in self._touched:
            return None
        known, _, verdict = entry[_MENTIONS].rpartition(":")
        return verdict == "1" if known == key else None

    def store_mentions(self, relpath: str, st: os.stat_result, key: str, verdict: bool) -> bool:
        """Remember whether ``relpath`` contains one of the names of the set ``key`` (the engine
        looks for the files that may define another file's constants), under the same condition
        as :meth:`store_whole`. Returns whether it was stored."""
        return self._annotate(relpath, st, _MENTIONS, f"{key}:{int(verdict)}")

    def _annotate(self, relpath: str, st: os.stat_result, slot: int, text: str) -> bool:
        """Put ``text`` in ``slot`` of ``relpath``'s entry when ``st`` is the entry's trusted stat
        and the entry was looked up or stored in this run."""
        entry = self._entries.get(relpath)
        if entry is None or entry[_MTIME] is None or relpath not in self._touched:
            return False
        if entry[_SIZE] != st.st_size or entry[_MTIME] != st.st_mtime_ns:
            return False
        new = entry + [""] * (slot + 1 - len(entry))
        new[slot] = text
        if new != entry:
            self._entries[relpath] = new
            self._dirty = True
        return True

    def _decode(self, relpath: str, entry: list[Any]) -> FileExtraction | None:
        return self._decode_text(relpath, entry[_DATA])

    def _decode_text(self, relpath: str, text: str | None) -> FileExtraction | None:
        if text is None:
            return FileExtraction(path=relpath, language=_language_of(relpath))
        simple = self._simple.get(text)
        if simple is not None:  # e.g. {"parsed":false}: thousands of identical small records
            return FileExtraction(path=relpath, language=_language_of(relpath), **simple)
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                return None
            if len(text) < 200 and all(isinstance(v, _SCALARS) for v in data.values()) and (
                data.keys().isdisjoint(_EXTRACTION_HANDLED)
            ):
                kwargs = _extras_from(FileExtraction, _EXTRACTION_HANDLED, data)
                result = FileExtraction(path=relpath, language=_language_of(relpath), **kwargs)
                self._simple[text] = kwargs
                return result
            data.setdefault("path", relpath)
            data.setdefault("language", _language_of(relpath))
            return extraction_from_dict(data)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError):
            return None  # a damaged entry is a miss

    # -- updates --

    def store(self, relpath: str, st: os.stat_result, digest: str | None, extraction: FileExtraction,
              encoded: tuple[str | None] | None = None) -> None:
        """Remember ``extraction`` for ``relpath`` with the stat taken before reading it.
        ``encoded``: ``(encode_extraction(extraction, relpath),)`` when already computed.

        ``digest`` may be None (not computed): such an entry hits by stat only. Hashing costs
        about as much as the pre-filter, so a file the pre-filter rules out is cheaper to
        re-filter after a checkout than to hash on every cold run."""
        text = encoded[0] if encoded is not None else encode_extraction(extraction, relpath)
        self._put(relpath, st, digest or "", text)

    def store_unparsed(self, relpath: str, st: os.stat_result) -> None:
        """:meth:`store` for a file the pre-filter ruled out (no record to encode: most files of
        a cold run take this path)."""
        self._put(relpath, st, "", _unparsed_text())

    def _put(self, relpath: str, st: os.stat_result, digest: str, text: str | None) -> None:
        mtime: int | None = st.st_mtime_ns
        if time.time_ns() - st.st_mtime_ns < RACY_NS:
            mtime = None  # racily clean: trust only the digest next time
        entry = [st.st_size, mtime, digest, text]
        old = self._entries.get(relpath)
        if old is not None and len(old) > _WHOLE and digest and old[_DIGEST] == digest:
            entry += old[_WHOLE:]  # the same content: its whole extraction and mentions stand
        if old != entry:
            self._entries[relpath] = entry
            self._dirty = True
            if self._by_digest is not None and digest:
                self._by_digest[digest] = relpath
        self._touched.add(relpath)

    def touch(self, relpath: str) -> None:
        """Mark ``relpath`` as seen in this run (kept by ``save(prune=True)``)."""
        if relpath in self._entries:
            self._touched.add(relpath)

    def save(self, *, prune: bool | None = None) -> bool:
        """Write the cache atomically if anything changed. Returns whether it wrote.

        ``prune``: ``True`` (a run that listed the whole project) drops every entry not looked
        up or stored in this run; ``None`` (default) drops, when the cache is written anyway,
        the entries whose file no longer exists (one ``stat`` per entry this run did not see);
        ``False`` keeps them all (fastest for file-list runs such as pre-commit)."""
        if prune or (prune is None and self._dirty):
            root = str(self.root)
            exists = os.path.exists
            join = os.path.join
            for relpath in [p for p in self._entries if p not in self._touched]:
                if prune or not exists(join(root, relpath)):
                    del self._entries[relpath]
                    self._dirty = True
                    self._by_digest = None
        if not self._dirty:
            return False
        write_file(self.directory, self._parts, self._serialise())
        self._dirty = False
        return True

    def _serialise(self) -> Iterator[bytes]:
        """The document in pieces of a few thousand entries: no single string the size of the
        whole cache (tens of MB on 100,000 files) is ever held in memory."""
        head = {"format": FORMAT, "layout": LAYOUT, "salt": self.salt, "environment": self.environment}
        yield json.dumps(head, separators=(",", ":"))[:-1].encode("ascii") + b',"entries":{'
        items = list(self._entries.items())
        for start in range(0, len(items), 4096):
            body = json.dumps(dict(items[start:start + 4096]), separators=(",", ":"))[1:-1]
            yield (b"," if start else b"") + body.encode("ascii")
        yield b"}}"

    def clear(self) -> None:
        """Forget every entry (the file is rewritten, empty, on the next :meth:`save`)."""
        self._entries = {}
        self._by_digest = None
        self._dirty = True


def _language_of(relpath: str) -> str:
    return language_for(relpath) or "unknown"


@functools.cache
def _unparsed_text() -> str:
    """The stored text of a file the pre-filter ruled out: the same for every such file."""
    return _encode_data(FileExtraction(path="x.py", language="python", parsed=False), "x.py", "python")


def encode_extraction(extraction: FileExtraction, relpath: str) -> str | None:
    """The stored JSON text of ``extraction`` of ``relpath`` (None for an empty result; the path
    and language are left out when they follow from ``relpath``). Workers compute it."""
    language = _language_of(relpath)
    if not extraction.parsed and extraction == FileExtraction(path=relpath, language=language, parsed=False):
        return _unparsed_text()  # most files of a run: one text for all of them
    if extraction == FileExtraction(path=relpath, language=language):
        return None
    return _encode_data(extraction, relpath, language)


def _encode_data(extraction: FileExtraction, relpath: str, language: str) -> str:
    data = extraction_to_dict(extraction)
    if data["path"] == relpath:
        del data["path"]
    if data["language"] == language:
        del data["language"]
    return json.dumps(data, separators=(",", ":"))


def default_directory(project_root: Path) -> Path:
    """Where the cache lives by default: ``.tracklint_cache`` under the project root."""
    return Path(project_root) / DEFAULT_DIRNAME


# --- what else decides a result: the environment -----------------------------------------------

#: Entries of a ``sys.path`` directory that name installed distributions (and their versions).
_DIST_SUFFIXES = (".dist-info", ".egg-info", ".egg-link", ".egg", ".pth")


@functools.cache
def environment() -> str:
    """A digest of what decides a result besides the settings and the files checked: the
    interpreter, tracklint's own source files (name, size, mtime: an edited checkout is another
    tracklint), ``sys.path`` and the distributions installed on it (names with versions, from
    one directory listing per entry). That covers the grammar wheels, tree-sitter, RE2 and which
    ``format`` checkers jsonschema has (they exist only when optional packages import). Two
    environments sharing a cache directory never read each other's entries. About 1 ms."""
    digest = hashlib.sha256(f"{sys.version}\0{sys.platform}\0".encode())
    package = os.path.dirname(os.path.abspath(__file__))
    for top, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            try:
                st = os.stat(os.path.join(top, name))
            except OSError:
                continue
            digest.update(f"{top[len(package):]}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            names = []
        listed = "\0".join(sorted(n for n in names if n.endswith(_DIST_SUFFIXES)))
        digest.update(f"{entry}\n{listed}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()[:32]


# --- the cache directory: whether to trust it, and its files opened safely ---------------------
#
# The directory usually sits in the checkout, and whatever a pull request commits is hostile: a
# committed cache entry could hide a finding, a committed plan marker skip the plan's validation,
# a symbolic link send writes outside the repository, a FIFO or /dev/zero hang a read. So the
# directory is used only when it is a real directory of this user in which git tracks nothing;
# every name inside it is opened relative to the directory's descriptor, never through a
# symbolic link; a file is read only when it is a regular file of bounded size; a write goes to
# a new file beside its target, then ``os.replace``.

#: The largest cache document read (about 270 bytes a file: 27 MB for 100,000 files).
MAX_CACHE_BYTES = 1 << 30
#: The largest run memo, plan marker or input file (plan, config, baseline) the memo reads.
MAX_SMALL_BYTES = 256 << 20

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
_OPEN_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW
_OPEN_READ = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW  # a FIFO must not block the open
_OPEN_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
#: Whether names can be opened relative to a directory descriptor (POSIX); elsewhere each
#: path is checked with ``lstat`` before it is used.
_AT = {os.open, os.mkdir, os.rename, os.unlink} <= os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")  # replace: as rename


class Unusable(OSError):
    """The cache directory must not be used: the run goes on without a cache."""


_VERDICTS: dict[str, str | None] = {}
#: Verdicts still waiting for git: directory -> the running ``git ls-files``.
_PROBES: dict[str, subprocess.Popen] = {}
#: Verdicts the run's own listing gives: directory -> (the directory listed, path relative to it).
_ASKED: dict[str, tuple[str, str]] = {}


def probe(directory: Path, listed: Iterable[str | os.PathLike[str]] = ()) -> None:
    """Start judging ``directory`` (see :func:`refusal`) without waiting for git. When one of the
    directories the run lists with git (``listed``), or one whose listing was started ahead (the
    current directory, see :mod:`tracklint.gitlisting`), holds it, that listing answers
    (:func:`tracklint.gitlisting.ask_tracked`: no process of its own, a substring search);
    otherwise git is asked now, in the background."""
    from tracklint.gitlisting import ask_tracked, prefetched

    key = os.path.abspath(directory)
    if key in _VERDICTS or key in _PROBES or key in _ASKED:
        return
    try:
        problem = _not_ours(os.lstat(key), key)
    except OSError:
        _VERDICTS[key] = _judge(key)
        return
    if problem:
        _VERDICTS[key] = problem
        return
    for where in map(os.path.abspath, [*listed, *prefetched()]):
        rel = os.path.relpath(key, where)
        if rel != os.curdir and not rel.startswith(os.pardir):
            _ASKED[key] = (where, rel.replace(os.sep, "/"))
            ask_tracked(*_ASKED[key])
            return
    process = _start_git(key)
    if process is None:
        _VERDICTS[key] = None
        return
    if not _PROBES:
        atexit.register(_reap)
    _PROBES[key] = process


def refusal(directory: Path) -> str | None:
    """Why ``directory`` must not hold the cache (a symbolic link, not a directory, another
    user's, or git tracks something in it), or None. Judged once per directory and process."""
    from tracklint.gitlisting import read_ahead, tracked_answer

    key = os.path.abspath(directory)
    if key not in _VERDICTS and key not in _ASKED and key not in _PROBES:
        probe(directory)  # a listing started ahead may answer (scan, init: no probe before)
    if key not in _VERDICTS:
        asked = _ASKED.pop(key, None)
        answer = tracked_answer(*asked) if asked else None
        if asked and answer is None:  # asked before the run read its listing: read it now
            read_ahead(asked[0])
            answer = tracked_answer(*asked)
        process = _PROBES.pop(key, None)
        if answer is not None:
            _VERDICTS[key] = _refusal_of_tracked(answer) if answer else None
        else:
            _VERDICTS[key] = _tracked(key, process) if process is not None else _judge(key)
    return _VERDICTS[key]


def _judge(path: str) -> str | None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None  # this run makes it
    except OSError as exc:
        return f"cannot use {path}: {exc.strerror or exc}"
    return _not_ours(st, path) or _tracked(path, _start_git(path))


def _not_ours(st: os.stat_result, path: str) -> str | None:
    if stat.S_ISLNK(st.st_mode):
        return f"{path} is a symbolic link"
    if not stat.S_ISDIR(st.st_mode):
        return f"{path} is not a directory"
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return f"{path} belongs to another user"
    return None


def _start_git(path: str) -> subprocess.Popen | None:
    """``git ls-files`` of what the index holds at ``path`` (the directory itself, a committed
    symbolic link or submodule, or anything under it); None when git cannot be run."""
    from tracklint.gitlisting import git_env

    parent, name = os.path.split(path)
    try:
        return subprocess.Popen(["git", "--literal-pathspecs", "-C", parent, "ls-files", "-z", "--cached", "--", name],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                                env=git_env())
    except OSError:
        return None


def _tracked(path: str, process: subprocess.Popen | None) -> str | None:
    """A refusal naming a path git tracks in the cache directory ``path``; None when git tracks
    nothing there, or cannot say (not a work tree, git not installed: then nothing there came
    from a checkout). One ``git ls-files`` of the index: about 20 ms, mostly process start."""
    if process is None:
        return None
    with process:
        out = process.communicate()[0]
    if process.returncode != 0 or not out:
        return None
    return _refusal_of_tracked(os.fsdecode(out.split(b"\0", 1)[0]))


def _refusal_of_tracked(path: str) -> str:
    what = ascii(path) if not path.isprintable() else repr(path)  # a name that is hostile too
    return f"git tracks {what}; cache state must not come from the checkout, so this run does without it"


def _reap() -> None:
    """End the probes nobody asked for (a run that stopped early)."""
    while _PROBES:
        _, process = _PROBES.popitem()
        with process:
            if process.poll() is None:
                process.kill()
            process.communicate()


def read_file(directory: Path, parts: tuple[str, ...], limit: int, *, judged: bool = True) -> bytes:
    """The bytes of ``directory/parts...``. Raises FileNotFoundError when it does not exist,
    :class:`Unusable` for a directory that must not be used, OSError for a file that must not be
    read (a symbolic link, not a regular file, over ``limit`` bytes). ``judged=False``: read
    before git's verdict is in (the caller asks :func:`refusal` before it trusts the bytes)."""
    with _directory(directory, parts[:-1], create=False, judged=judged) as where:
        name, at = _at(where, parts[-1])
        if not _AT:
            _refuse_link(name)
        fd = os.open(name, _OPEN_READ, **at)
    return _read_open(fd, os.path.join(directory, *parts), limit)


def read_regular_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of the regular file ``path`` (symbolic links followed: inputs such as the plan
    are judged by their own loaders), never blocking on a FIFO or a device, never more than
    ``limit`` bytes. Raises OSError otherwise."""
    return _read_open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
                              | getattr(os, "O_BINARY", 0)), os.fspath(path), limit)


def _read_open(fd: int, display: str, limit: int) -> bytes:
    with open(fd, "rb", buffering=0) as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(f"{display} is not a regular file")
        if st.st_size > limit:
            raise OSError(f"{display} is larger than {limit} bytes")
        data = handle.read(st.st_size + 1)  # one allocation (a short read is a damaged file)
    if data is None or len(data) > st.st_size:
        raise OSError(f"{display} changed while it was read")
    return data


def write_file(directory: Path, parts: tuple[str, ...], payload: Iterable[bytes]) -> None:
    """Write ``directory/parts...`` atomically: a new file beside it (created with the umask's
    permissions, never through a symbolic link), ``fsync``, ``os.replace``. Makes the
    directories, and marks the cache directory with a ``.gitignore`` of ``*`` and a
    ``CACHEDIR.TAG``. Raises OSError (:class:`Unusable` for a directory that must not be used)."""
    with _directory(directory, parts[:-1], create=True) as where:
        tmp, at = _at(where, f".tmp-{os.getpid()}-{os.urandom(4).hex()}")
        fd = os.open(tmp, _OPEN_NEW, 0o666, **at)
        try:
            with os.fdopen(fd, "wb") as handle:
                for part in payload:
                    handle.write(part)
                handle.flush()
                os.fsync(handle.fileno())
            target, _ = _at(where, parts[-1])  # a rename replaces a symbolic link, never follows it
            os.replace(tmp, target, **({"src_dir_fd": where, "dst_dir_fd": where} if _AT else {}))
        except BaseException:
            try:
                os.unlink(tmp, **at)
            except OSError:
                pass
            raise


def _at(where: int | str, name: str) -> tuple[str, dict[str, int]]:
    """``name`` in the directory ``where``, as arguments of ``os.open`` and friends."""
    if isinstance(where, int):
        return name, {"dir_fd": where}
    return os.path.join(where, name), {}


def _refuse_link(path: str) -> None:
    if os.path.islink(path):
        raise OSError(f"{path} is a symbolic link")


@contextlib.contextmanager
def _directory(directory: Path, subdirectories: tuple[str, ...], *, create: bool,
               judged: bool = True) -> Iterator[int | str]:
    """The directory ``directory/subdirectories...`` (made when ``create``), each level entered
    without following a symbolic link and checked to be this user's directory."""
    problem = refusal(directory) if judged else None
    if problem:
        raise Unusable(problem)
    top = os.fspath(directory)
    if create:
        os.makedirs(os.path.dirname(top) or ".", exist_ok=True)
    opened: list[int] = []
    try:
        where = _enter(None, top, create, top, opened)
        if create:
            _mark(where)
        display = top
        for name in subdirectories:
            display = os.path.join(display, name)
            where = _enter(where, name, create, display, opened)
        yield where
    finally:
        for fd in opened:
            os.close(fd)


def _enter(parent: int | str | None, name: str, create: bool, display: str, opened: list[int]) -> int | str:
    path, at = _at(parent, name) if parent is not None else (name, {})
    if create:
        try:
            os.mkdir(path, **at)
        except FileExistsError:
            pass
    if not _AT:
        problem = _not_ours(os.lstat(path), display)
        if problem:
            raise Unusable(problem)
        return path
    fd = os.open(path, _OPEN_DIR, **at)
    opened.append(fd)
    problem = _not_ours(os.fstat(fd), display)
    if problem:
        raise Unusable(problem)
    return fd


def _mark(where: int | str) -> None:
    """A ``.gitignore`` of ``*`` and a ``CACHEDIR.TAG`` in the cache directory, unless present
    (whatever is there, a symbolic link included, is left alone)."""
    for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
        path, at = _at(where, name)
        try:
            fd = os.open(path, _OPEN_NEW, 0o666, **at)
        except OSError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
