"""Cheap byte-level checks run before a file is parsed.

Parsing costs about two orders of magnitude more than reading (see ``shared/TREESITTER.md``), so
a run parses only the files that can hold a call.

:class:`Prefilter` answers "can this file contain an analytics call?" from the method and
function names of the configured specs (SDK presets and wrappers) plus any extra needles. It is
*sound*: an extractor only reports a call whose callee name is one of the spec methods, and that
name is one identifier token in the source, so it appears in the file's bytes with no identifier
character ``[0-9A-Za-z_]`` directly before or after it, and, in a language whose calls open
their arguments with a bracket, *followed by what a call puts there*: the language's
``call_opener`` (:mod:`tracklint.extract.languages`: blanks, comments, line continuations,
``?.``, ``!``, generic arguments, then ``(``, or ``{`` for a trailing closure). A name that is
only a word (``page`` in prose, ``re.Match.group`` read as an attribute, ``group`` as a key)
does not make a file worth parsing. The property tests in ``tests/test_prefilter.py`` check it
against full extraction, with every gap between name and arguments the extractors accept, for
files that parse (in a file with a syntax error, tree-sitter's recovery may glue a name to a
bracket across anything; only the name is sure to be there).
UTF-16 files (which the extractor transcodes) are transcoded here too before searching.

In Swift, Kotlin and Java, where the extractor reads a receiver from the file alone, a name
that every spec calls on a receiver counts only in a file that contains one of those receivers'
words (:data:`RECEIVER_GATED`): a queue's ``offer``, a builder's ``append``, a set's ``union``
do not make a file worth parsing. Python is gated the same way, except that a call on a single
name the file imports passes too (another module may bind it: :data:`PYTHON_GATED`), so
``state.set(`` and ``match.group(`` do not send a file to the parser either.

Files sent to the parser on the seven speed repositories of ``benchmarks/corpus.toml``
(``benchmarks/prefilter_pass.py``, default presets): the word test a median 16%; a name followed
by anything but a letter and then a bracket (until December 2026) 2.1-6.5%, 1,062 files in all;
blanks and comments only before the bracket, and the receiver tests, 0.1-2.9%, 216 files
(doocs/leetcode's Java and Python solutions 694 -> 20, haystack 38 -> 17, kickstarter 32 -> 8),
with the same findings as parsing every file on all 27 repositories of the list.

Measured on 25 MB of real Python (CPython stdlib and site-packages, 2,061 files), one core
(the word test):

=================================  ==========  ======================
check                              MB/s        files passing (bytes)
=================================  ==========  ======================
``needle in data`` loop (8 names)   453         42% (71%)
one ``re`` alternation               170        42% (71%)
``re`` with identifier boundaries     60        25% (56%)
``re2`` with ``\\b`` boundaries       815        25% (56%)
=================================  ==========  ======================

``re2`` (google-re2, a dependency) runs one DFA pass for all names and is both the fastest and
the most selective, so it is used; the stdlib ``re`` version is the fallback when ``re2`` cannot
be imported. "Contains a ``(``" rejects nothing in real code; "the name followed by its call's
opener" is what rejects.

:func:`is_minified` and :func:`is_generated` recognise files that a run skips by default (and
reports): one-line bundles cost more to parse than everything else together and hold no
hand-written calls; generated clients are not edited by people.
"""

from __future__ import annotations

import functools
import os
import re
from typing import Iterable, Iterator, Sequence

from tracklint.extract import languages
from tracklint.extract.base import CallSpec
from tracklint.extract.presets import method_names

_WORD = re.compile(rb"[0-9A-Za-z_]")


def _needle_pattern(needles: Sequence[bytes], *, word: bytes, lookaround: bool) -> bytes:
    """An alternation of the needles; identifier boundaries only on the sides that are
    identifier characters (a needle such as ``Events.`` keeps its plain edges)."""
    parts = []
    for needle in sorted(set(needles), key=lambda n: (-len(n), n)):
        body = re.escape(needle)
        first, last = needle[:1], needle[-1:]
        if _WORD.match(first):
            body = (rb"(?<![0-9A-Za-z_])" if lookaround else word) + body
        if _WORD.match(last):
            body = body + (rb"(?![0-9A-Za-z_])" if lookaround else word)
        parts.append(body)
    return b"|".join(parts)


#: Languages whose extractor reads a call ``name(...)`` as bare (no receiver), so that a spec
#: with receivers only ever matches ``x.name(...)`` (JavaScript is not one: a destructured
#: hook's ``track(...)`` is matched on the hook's receiver).
METHOD_ONLY = frozenset({"python"})
#: What stands before a Python method's name: the ``.``, then blanks, line continuations and
#: (inside brackets) comments.
_PYTHON_DOT = rb"\.(?:[ \t\f\r\n\\]|#[^\n]*)*"

#: Languages whose extractor decides what a call's receiver is from the file alone (the shared
#: driver's typed reader: no client crosses files, unlike JavaScript's and Python's imported
#: clients), and only through the spec's words: a receiver chain that ends with one of the
#: spec's receivers (``analytics``, ``Mixpanel.mainInstance``), or a variable bound in the file
#: to one of its constructors or type-rooted receivers (``let ph = PostHogSDK.shared``). Either
#: way the first word of that receiver or constructor is in the file's text, so a file with a
#: call-shaped ``q.offer(`` or ``sb.append(`` but none of those words holds no call of a spec
#: without a bare form (see :meth:`Prefilter._receiver_words`). Go (``Enqueue`` on any receiver)
#: and Ruby are not gated.
RECEIVER_GATED = frozenset({"java", "kotlin", "swift"})

#: Python receivers are decided by the file too (``extract/pyflow.py``: names, constructors,
#: annotations, in scope), with one way in from elsewhere: a call on a single name that the file
#: imports, or assigns from a function it imports (``client = get_client()``), waits for another
#: module of the project to say what that name holds (``extract/python.py``'s pending calls). So a
#: Python file with only such method names passes when it has one of the receivers' words as a
#: whole identifier (``mp``, ``client``: words this short are everywhere as substrings), or one
#: of those calls is on a single name that may be imported (:func:`_python_may_be_imported`).
#: JavaScript is not gated: a client may be destructured, passed, or returned by a hook of
#: another module in ways the text of the file does not show.
PYTHON_GATED = "python"
#: Longest import statement read for the names it binds; a longer one passes the file.
MAX_IMPORT_STATEMENT = 1 << 16
_IMPORT = re.compile(rb"\bimport\b")
_IDENTIFIER = re.compile(rb"[A-Za-z_\x80-\xff][0-9A-Za-z_\x80-\xff]*")
_IDENTIFIER_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_") | frozenset(range(0x80, 0x100))


def _import_statement_end(data: bytes, start: int) -> int | None:
    """Where the Python statement that goes on at ``start`` ends (a newline or ``;`` outside
    brackets, comments and line continuations skipped), or None past
    :data:`MAX_IMPORT_STATEMENT` bytes."""
    depth, i, size = 0, start, len(data)
    limit = min(size, start + MAX_IMPORT_STATEMENT)
    while i < limit:
        c = data[i]
        if c == 0x23:  # '#': to the end of the line
            newline = data.find(b"\n", i)
            i = size if newline == -1 else newline
            continue
        if c == 0x5C:  # backslash: a continuation (or a stray one): skip the next byte
            i += 2
            continue
        if c in b"([{":
            depth += 1
        elif c in b")]}":
            depth = max(0, depth - 1)
        elif (c == 0x0A or c == 0x3B) and depth == 0:
            return i
        i += 1
    return i if i >= size else None


def _python_imported_names(data: bytes) -> frozenset[bytes] | None:
    """Every identifier in the file's import statements: a superset of the names they bind
    (None when a statement is too long to read)."""
    names: set[bytes] = set()
    for match in _IMPORT.finditer(data):
        end = _import_statement_end(data, match.end())
        if end is None:
            return None
        names.update(_IDENTIFIER.findall(data, match.end(), end))
    return frozenset(names)


def _python_may_be_imported(data: bytes, calls) -> bool:
    """Whether one of the calls ``calls`` finds (``.name(`` hits) is on a receiver that another
    module may bind: a single name (no ``.`` before it) that the file imports, or assigns the
    result of an imported function to. Anything that is not a plain name right before the dot
    (``(c).set(``, ``x[0].set(``, a line break) counts as such a receiver."""
    imported: frozenset[bytes] | None = None
    tried: set[bytes] = set()  # names already looked up (a receiver is often called many times)
    for match in calls.finditer(data):
        dot = match.start()
        start = dot
        while start > 0 and data[start - 1] in _IDENTIFIER_BYTES:
            start -= 1
        if start == dot or data[dot - 1] == 0x5C:
            return True  # not a plain name before the dot
        if start > 0 and data[start - 1] == 0x2E:
            continue  # ``a.b.set(``: a chain, never bound by another module
        name = data[start:dot]
        if name in tried:
            continue
        tried.add(name)
        if imported is None:
            imported = _python_imported_names(data)
            if imported is None:
                return True
        if name in imported:
            return True
        if any(function in imported for function in assigned_from_calls(data, name)):
            return True
    return False


def assigned_from_calls(data: bytes, name: bytes) -> Iterator[bytes]:
    """The functions ``f`` of the assignments ``name = f(...)`` in Python text: how the Python
    extractor tells that a name may hold what an imported function returns
    (``extract/python.py``), and so the pre-filter's test for the same."""
    pattern = re.compile(rb"\b" + re.escape(name) + rb"[ \t]*=[ \t]*([A-Za-z_]\w*)[ \t]*\(")
    return (match.group(1) for match in pattern.finditer(data))


def compile_bytes(pattern: bytes):
    """``pattern`` compiled by RE2 when it is there (one linear pass over a file), by the
    standard library if not."""
    try:
        import re2

        return re2.compile(pattern)
    except Exception:  # pragma: no cover - re2 is a dependency; keep working without it
        return re.compile(pattern)


@functools.lru_cache(maxsize=64)
def words_regex(words: tuple[bytes, ...], opener: bytes | None = None, after: bytes = b""):
    """A compiled search for any of ``words`` as whole identifiers (no identifier character
    directly before or after), each followed by ``opener`` when given (a call's opening, see
    ``Language.call_opener``) and preceded by ``after`` (a pattern), or None for no words. RE2 scans a file once whatever the number
    of words (the standard library's look-arounds run at about 8 MB/s, RE2 at 800)."""
    if not words:
        return None
    tail = b"(?:" + opener + b")" if opener else b""
    try:
        import re2

        return re2.compile(after + b"(?:" + _needle_pattern(words, word=rb"\b", lookaround=False) + b")" + tail)
    except Exception:  # pragma: no cover - re2 is a dependency; keep working without it
        return re.compile(after + b"(?:" + _needle_pattern(words, word=b"", lookaround=True) + b")" + tail)


def _any_word_folded(words: tuple[bytes, ...]):
    """A compiled search for any of ``words`` anywhere, case-insensitively (None for none)."""
    if not words:
        return None
    return compile_bytes(b"(?i)(?:" + b"|".join(re.escape(w) for w in words) + b")")


def _any_identifier_folded(words: tuple[bytes, ...]):
    """A compiled search for any of ``words`` as a whole identifier (leading underscores
    allowed: ``self._mp``), case-insensitively (None for none)."""
    if not words:
        return None
    return compile_bytes(b"(?i)(?:^|[^0-9A-Za-z])_*(?:" + b"|".join(re.escape(w) for w in words)
                         + b")(?:[^0-9A-Za-z_]|$)")


#: New names looked up per file before a file with more renames is simply passed.
MAX_JS_RENAMES = 64
#: Between a name and its new name in a JS rename: ``track as t``, ``capture: send``.
_JS_RENAME = languages.C_BLANK + rb"(?:as\b|:)" + languages.C_BLANK + rb"([A-Za-z_$][0-9A-Za-z_$]*)"


def _js_renamed_call(names: tuple[bytes, ...], opener: bytes | None):
    """The JS test for a call made under another name: ``import { track as t }`` or ``const {
    capture: send } = usePostHog()``, then ``t(...)`` / ``send(...)`` (the extractor follows
    both). The rename alone is everywhere (``{ page: page }``, ``track: Track``), so the file
    passes only when the new name is also called."""
    renames = words_regex(names, _JS_RENAME)

    def search(data: bytes) -> bool:
        if renames is None:
            return False
        seen: set[bytes] = set()
        for match in renames.finditer(data):
            alias = match.group(1)
            if alias in seen:
                continue
            if len(seen) >= MAX_JS_RENAMES:
                return True  # (a long object literal of `page: x` entries: not worth more scans)
            seen.add(alias)
            if alias in _JS_RESERVED:
                continue  # (`page: import('@playwright/test').Page` is a type, not a rename)
            if _js_bare_call(alias, opener).search(data):
                return True
        return False
    return search


#: Words that can never be a binding's name in JavaScript (what follows ``name:`` there is a type
#: or a value); contextual ones (``await``, ``yield``, ``let``, TypeScript's ``keyof``) can be.
_JS_RESERVED = frozenset(b"""break case catch class const continue debugger default delete do else
    enum export extends false finally for function if import in instanceof new null return super
    switch this throw true try typeof var void while with""".split())


@functools.lru_cache(maxsize=256)
def _js_bare_call(name: bytes, opener: bytes | None):
    """``name(`` (or ``name<T>(``, ``name?.(``) called as a plain function: not after a ``.``
    (``x.field(`` is another function than the renamed ``field``)."""
    tail = b"(?:" + opener + b")" if opener else b""
    return compile_bytes(rb"(?:^|[^.0-9A-Za-z_$])" + re.escape(name) + tail)


def _python_gate(calls, word):
    """The Python test for method names that need a receiver (see :data:`PYTHON_GATED`)."""
    def search(data: bytes) -> bool:
        if not calls.search(data):
            return False
        if word is not None and word.search(data):
            return True
        return _python_may_be_imported(data, calls)
    return search


class Prefilter:
    """Whether a file's bytes can contain a call of one of ``specs`` (or one of
    ``extra_needles``: wrapper or constant names the engine wants to find)."""

    def __init__(self, specs: Iterable[CallSpec], extra_needles: Iterable[str] = ()) -> None:
        self.specs = list(specs)
        self.methods: tuple[bytes, ...] = self._names(None)
        self.extra: tuple[bytes, ...] = tuple(sorted({n.encode("utf-8") for n in extra_needles if n}))
        self._searches: dict[str | None, object] = {}

    def _names(self, language: str | None) -> tuple[bytes, ...]:
        """The method names of the specs of ``language`` (of every spec without one): a name
        only another language's SDK uses (mixpanel-java's ``append``) is no needle here."""
        return tuple(sorted({n.encode("utf-8") for n in method_names(self.specs, language)}))

    def _method_only(self, language: str) -> frozenset[bytes]:
        """The names of ``language`` that every spec calls on a receiver (no bare form: no
        ``""`` receiver, no ``modules``), in a language whose extractor matches a bare call only
        with those (:data:`METHOD_ONLY`): such a name is a needle only after a ``.``
        (posthog-python's ``set`` is a method of the client; ``set(...)`` is the builtin)."""
        if language not in METHOD_ONLY:
            return frozenset()
        bare = {spec.method for spec in self.specs if language in spec.languages
                and ("" in spec.receivers or spec.modules)}
        return frozenset(n.encode("utf-8") for n in method_names(self.specs, language)
                         if n not in bare)

    def _receiver_words(self, language: str) -> tuple[frozenset[bytes], tuple[bytes, ...]]:
        """For a language of :data:`RECEIVER_GATED` or :data:`PYTHON_GATED`: the method names whose every spec needs
        a receiver (none bare, none on any receiver, none bound by import), and the words one of
        which a file must contain for such a call to match (case-insensitively, anywhere):
        the first word of each receiver and constructor of those specs (``receiver_matches``
        compares every word but the last exactly and the last with its case folded and its
        leading ``_`` dropped, so the first word is in the text as written or folded)."""
        free, gated, words = set(), set(), set()
        for spec in self.specs:
            if language not in spec.languages:
                continue
            if spec.modules or any(r in ("", "*") for r in spec.receivers):
                free.add(spec.method)
                continue
            gated.add(spec.method)
            for dotted in (*spec.receivers, *spec.constructors):
                word = dotted.split(".")[0].lstrip("_")
                if word:
                    words.add(word.lower().encode("utf-8"))
        return (frozenset(n.encode("utf-8") for n in gated - free),
                tuple(sorted(words)))

    def _search(self, language: str | None):
        """One RE2 pass: ``language``'s method names followed by its call opener (every name
        alone for an unknown language, the names alone for one without an opener), or any
        extra needle; in a language of :data:`RECEIVER_GATED` or :data:`PYTHON_GATED`, a name
        that needs a receiver counts only in a file that has one of its receivers' words (or, in
        Python, calls it on a name that may be imported); in JavaScript, a renamed tracked name
        counts when its new name is called."""
        found = self._searches.get(language)
        if found is None:
            row = languages.get(language) if language is not None else None
            opener = row.call_opener if row is not None else None
            names = self._names(language) if row is not None else self.methods
            dotted = self._method_only(language) if row is not None else ()
            gated: frozenset[bytes] = frozenset()
            gate = None
            if row is not None and language in RECEIVER_GATED:
                gated, words = self._receiver_words(language)
                gate = _any_word_folded(words)
            elif row is not None and language == PYTHON_GATED:
                gated, words = self._receiver_words(language)
                gated = gated & frozenset(dotted)  # (every such name is a method there)
                gate = _any_identifier_folded(words)
            calls = words_regex(tuple(n for n in names if n not in dotted and n not in gated), opener)
            plain_dotted = tuple(n for n in dotted if n not in gated)
            methods = words_regex(plain_dotted, opener, after=_PYTHON_DOT) if plain_dotted else None
            extra = words_regex(self.extra)
            searches = [p.search for p in (calls, methods, extra) if p is not None]
            if language == PYTHON_GATED and gated:
                receiver_calls = words_regex(tuple(sorted(gated)), opener, after=_PYTHON_DOT)
                searches.append(_python_gate(receiver_calls, gate))
            elif gated and gate is not None:  # (no words: no such call matches)
                call, word = words_regex(tuple(sorted(gated)), opener).search, gate.search
                searches.append(lambda data: bool(call(data)) and bool(word(data)))
            if row is not None and row.family == "js" and names:
                searches.append(_js_renamed_call(names, opener))
            found = self._searches[language] = (
                searches[0] if len(searches) == 1
                else (lambda data: any(s(data) for s in searches)) if searches else False)
        return found

    def may_contain(self, data: bytes, language: str | None = None) -> bool:
        """True unless ``data`` certainly holds no call (sound: never false for a file of
        ``language`` in which extraction finds a call; without a language, the names alone)."""
        search = self._search(language)
        if not search:
            return False
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 with BOM: the extractor transcodes
            try:
                data = data.decode("utf-16").encode("utf-8")
            except UnicodeDecodeError:
                return True  # let extraction report the decoding problem
        return bool(search(data))

    __call__ = may_contain


# --- minified and generated files -----------------------------------------------------------

#: File-name markers of minified bundles.
MINIFIED_NAME = re.compile(r"[.-]min\.[cm]?[jt]sx?$|\.bundle\.min\.", re.IGNORECASE)
#: Below this size a file is never called minified by its shape (it is cheap to parse anyway).
MINIFIED_MIN_SIZE = 4096
#: Average line length (bytes) above which a file is minified.
MINIFIED_AVG_LINE = 500
#: A single line this long, in a file with few newlines, marks a minified file.
MINIFIED_LONG_LINE = 5000


def is_minified(data: bytes, path: str | os.PathLike[str] | None = None) -> bool:
    """A minified bundle: named ``*.min.js`` (and friends), or shaped like one (average line
    longer than 500 bytes, or a line longer than 5,000 bytes in a file with few newlines).
    Costs one ``count`` per file; lines are split only for files with few newlines."""
    if path is not None and MINIFIED_NAME.search(os.path.basename(os.fspath(path))):
        return True
    size = len(data)
    if size < MINIFIED_MIN_SIZE:
        return False
    newlines = data.count(b"\n")
    if size > MINIFIED_AVG_LINE * (newlines + 1):
        return True
    if size > MINIFIED_LONG_LINE and newlines * 200 < size:  # average line above 200 bytes
        return max(map(len, data.split(b"\n"))) > MINIFIED_LONG_LINE
    return False


#: How much of a file's head is searched for generated-code markers.
GENERATED_HEAD_LINES = 10
GENERATED_HEAD_BYTES = 2048

_AT = b"@"
_GENERATED_MARKERS: tuple[tuple[str, re.Pattern[bytes]], ...] = (
    # Meta/Phabricator convention (spelled in two parts so this file is not marked itself).
    ("@" + "generated", re.compile(re.escape(_AT + b"generated") + rb"\b")),
    # Go's convention, used by many generators in every language.
    ("Code generated ... DO NOT EDIT", re.compile(rb"Code generated .{0,200}?DO NOT EDIT")),
    ("generated by the protocol buffer compiler",
     re.compile(rb"(?i)generated by the protocol buffer compiler")),
    ("<auto-generated>", re.compile(rb"(?i)<auto-?generated")),
    ("this file is automatically generated",
     re.compile(rb"(?i)\bthis (?:file|code|module|class) (?:is|was|has been) "
                rb"(?:automatically |auto-?)generated")),
)
_GENERATED_WORD = re.compile(rb"(?i)\b(?:automatically|auto-?)[ -]?generated\b")
_DO_NOT_EDIT = re.compile(rb"(?i)\bdo not (?:edit|modify)\b")


def _head(data: bytes) -> bytes:
    head = data[:GENERATED_HEAD_BYTES]
    end = -1
    for _ in range(GENERATED_HEAD_LINES):
        end = head.find(b"\n", end + 1)
        if end == -1:
            return head
    return head[:end]


def generated_marker(data: bytes) -> str | None:
    """The marker that makes ``data`` a generated file (searched in its first lines), or None."""
    head = _head(data)
    for label, pattern in _GENERATED_MARKERS:
        if pattern.search(head):
            return label
    if _GENERATED_WORD.search(head) and _DO_NOT_EDIT.search(head):
        return "generated ... do not edit"
    return None


def is_generated(data: bytes) -> bool:
    """Whether the first lines of ``data`` say that a tool generated the file
    (``@generated``, ``Code generated ... DO NOT EDIT``, ``This file is automatically
    generated``, ``<auto-generated>``, protoc's header, "auto-generated ... do not edit")."""
    return generated_marker(data) is not None
