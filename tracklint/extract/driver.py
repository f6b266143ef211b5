"""The query-driven extraction driver that languages share.

A language module describes itself with a :class:`Grammar`: a tree-sitter query that captures
candidate calls of the spec method names (``@call``, ``@method``, ``@args``), a hook that says
whether a method-name node is the callee of a call (for calls nested deeper than the query may
look), and a per-file *reader* that collects declarations (constants, imports, bindings,
directives) and turns one call node into a :class:`~tracklint.extract.base.RawCall`. Everything
else is here, the same for every language:

1. parse (bounded in time, within the window ranges of :mod:`tracklint.extract.windows`);
2. the reader collects the file's declarations;
3. the candidate calls are found at the offsets of the method names when they occur a few
   times (:func:`_offset_calls`), else by the calls query, up to :data:`MAX_QUERY_DEPTH`, and
   by jumping to each unaccounted occurrence of a method name deeper than that (:func:`_deep_calls`);
4. each candidate is matched against the specs (:func:`~tracklint.extract.base.match_call`);
5. the regions the parser could not read are searched for hidden calls
   (:func:`~tracklint.extract.recover.recover`), which re-reads them with step 3's reader.

So adding a language is its :class:`Grammar` and reader, one row in
:mod:`tracklint.extract.languages` and its preset data; nothing here changes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Protocol

from tree_sitter import Node, Parser, Query, QueryCursor

from tracklint.extract import languages
from tracklint.extract.base import (
    Arg,
    CallSpec,
    Directive,
    FileExtraction,
    Notice,
    RawCall,
    SourceText,
    Span,
    Value,
    match_call,
    parse_bounded,
    parse_directive,
    spec_index,
    through_binding,
)
from tracklint.extract.prefilter import words_regex
from tracklint.extract.presets import client_modules, method_names
from tracklint.extract.recover import method_pattern, recover

#: Nesting depth up to which calls are found by the query; deeper ones by their offsets
#: (tree-sitter's query cursor slows down quadratically in very deep trees: 50,000 nested
#: ``listOf(`` took minutes).
MAX_QUERY_DEPTH = 512
#: At most this many method-name occurrences per file are checked one by one.
MAX_DEEP_CHECKS = 2000
#: Up to this many occurrences of the method names, candidates are found from their offsets
#: rather than by the calls query (see :func:`_offset_calls`).
MAX_OFFSET_LOOKUPS = 64

_IDENT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*[?!]?$")


class Reader(Protocol):
    """What the driver needs of a language's per-file reader."""

    source: SourceText
    #: Local name -> origin (``new:Analytics``, ``import:posthog``), for :func:`match_call`.
    bindings: dict[str, str]
    #: Method-name offsets of candidates the parser only partly read and that matched no spec.
    doubtful: set[int]

    def collect(self, root: Node, result: FileExtraction) -> None:
        """Record the file's constants, imports, bindings and directives in ``result``."""

    def raw_call(self, call: Node, method: Node, arguments: Node) -> RawCall:
        """The call as the specs see it (may raise RecursionError on absurd nesting)."""

    # Optional: ``specs_for(raw, specs) -> Sequence[CallSpec]``, the specs a call may match
    # (Swift, Kotlin, Java: see :class:`TypedReader`).


@dataclass(frozen=True)
class Grammar:
    """How the driver reads one language."""

    #: The row's name in :mod:`tracklint.extract.languages` (the grammar comes from there).
    language: str
    #: ``alternatives`` (the method names, quoted and space-separated, for ``#any-of?``) -> the
    #: source of a query capturing ``@call``, ``@method`` and ``@args`` of each candidate.
    calls_query: Callable[[str], str]
    #: A method-name node -> ``(call, arguments)`` when it names the callee of a call, else None.
    call_shape: Callable[[Node], "tuple[Node, Node] | None"]
    #: The node types a method name can be (``identifier``, ``simple_identifier``).
    method_types: frozenset[str]
    #: The per-file reader: ``reader(source)``.
    reader: Callable[[SourceText], Reader]
    #: What else to compile before the workers fork (the reader's declarations query).
    warm: tuple[Callable[[], object], ...] = ()


@functools.cache
def _parser(language: str) -> Parser:
    return Parser(languages.grammar(language))


@functools.cache
def _calls_query(grammar: Grammar, names: tuple[str, ...]) -> Query:
    """The query of the calls of ``names`` (identifiers, at least one)."""
    alternatives = " ".join(f'"{n}"' for n in names)
    return Query(languages.grammar(grammar.language), grammar.calls_query(alternatives))


def prepare(grammar: Grammar, specs: list[CallSpec]) -> None:
    """Load the grammar and compile the queries every file needs (see
    ``tracklint.extract.prepare``). The calls query is compiled only when a file needs it (more
    name occurrences than :data:`MAX_OFFSET_LOOKUPS`, or a syntax error to recover from): most
    files find their calls from the names' offsets, and it costs 50 ms for Swift."""
    _parser(grammar.language)
    for compile_now in grammar.warm:
        compile_now()


def extract(grammar: Grammar, source: SourceText, specs: list[CallSpec]) -> FileExtraction:
    """Extract the analytics calls, constants, imports, bindings and directives of one file."""
    result = FileExtraction(path=source.path, language=grammar.language)
    root = parse_bounded(_parser(grammar.language), source.data,
                         ranges=source.parse_ranges()).root_node
    reader = grammar.reader(source)
    reader.collect(root, result)
    names = tuple(sorted(n for n in method_names(specs, grammar.language) if _IDENT_RE.match(n)))
    if names:
        covered: set[int] = set()  # start bytes of the method names of every candidate call
        hits = _name_hits(names, source)
        if hits is not None:
            _offset_calls(grammar, reader, root, specs, hits, covered, result)
        else:
            _calls(reader, _calls_query(grammar, names), root, specs, covered, result)
            _deep_calls(grammar, reader, root, specs, names, covered, result)
        recover(source, root, names, covered, result,
                lambda tree: _calls(reader, _calls_query(grammar, names), tree, specs, covered, result),
                reader.doubtful)
    if getattr(reader, "unsure", False):
        # what a receiver is may lie in the blocks the windows hid: only a whole parse can tell
        # (see TypedReader.unsure; extract/windows.py parses whole on a reparse notice)
        result.notices.append(Notice(source.path, "reparse",
                                     "a receiver's origin lies outside the parsed blocks", 1, 1, 1, 1))
    result.calls.sort(key=lambda c: (c.span.start_byte, c.span.end_byte))
    result.directives.sort(key=lambda d: (d.line, d.column))
    return result


def _calls(reader: Reader, query: Query, root: Node, specs: list[CallSpec], covered: set[int],
           result: FileExtraction) -> None:
    """Read the candidate calls the (depth-limited) query finds under ``root``."""
    cursor = QueryCursor(query)
    cursor.set_max_start_depth(MAX_QUERY_DEPTH)
    for _, match in cursor.matches(root):
        call, method = match["call"][0], match["method"][0]
        if method.start_byte in covered:
            continue
        covered.add(method.start_byte)
        _read_call(reader, call, method, match["args"][0], specs, result)


def _read_call(reader: Reader, call: Node, method: Node, arguments: Node,
               specs: list[CallSpec], result: FileExtraction) -> None:
    try:
        raw = reader.raw_call(call, method, arguments)
    except RecursionError:
        result.notices.append(notice(reader.source, call, "internal",
                                     "expression nested too deeply to analyse"))
        return
    narrow = getattr(reader, "specs_for", None)
    found = match_call(raw, narrow(raw, specs) if narrow is not None else specs,
                       path=reader.source.path, bindings=reader.bindings)
    if found is not None:
        result.calls.append(found)
    # A candidate the parser only partly read that matched no spec is not taken as read: error
    # recovery can glue a call to the junk before it (`= 3 analytics.track(...)`).
    if found is None and call.has_error:
        reader.doubtful.add(method.start_byte)
    else:
        reader.doubtful.discard(method.start_byte)


def _name_hits(names: tuple[str, ...], source: SourceText) -> list[tuple[int, int]] | None:
    """Where the method names occur as words in the parsed text, or None when they occur more
    than :data:`MAX_OFFSET_LOOKUPS` times (the query is then cheaper than one lookup each)."""
    pattern = words_regex(tuple(n.encode() for n in names))
    if pattern is None:
        return []
    hits: list[tuple[int, int]] = []
    for start, end in source.ranges or ((0, len(source.data)),):
        for m in pattern.finditer(source.data, start, end):
            hits.append(m.span())
            if len(hits) > MAX_OFFSET_LOOKUPS:
                return None
    return hits


def _offset_calls(grammar: Grammar, reader: Reader, root: Node, specs: list[CallSpec],
                  hits: list[tuple[int, int]], covered: set[int], result: FileExtraction) -> None:
    """The candidates the calls query would find, found from the names' offsets instead: the
    node at each occurrence, when it is a whole method name that heads a call
    (``Grammar.call_shape``, which must agree with the query). In a file that passes the
    pre-filter the names occur a few times, and a query walks the whole tree (it cost more than
    the parse on real Kotlin)."""
    for start, end in hits:
        node = root.descendant_for_byte_range(start, end)
        if (node is None or node.type not in grammar.method_types or node.start_byte != start
                or node.end_byte != end or start in covered):
            continue
        _read_if_call(grammar, reader, node, specs, covered, result)


def _read_if_call(grammar: Grammar, reader: Reader, node: Node, specs: list[CallSpec],
                  covered: set[int], result: FileExtraction) -> None:
    """Read the call whose method name is ``node``, if it heads one."""
    shape = grammar.call_shape(node)
    if shape is not None:
        covered.add(node.start_byte)
        _read_call(reader, shape[0], node, shape[1], specs, result)


def _deep_calls(grammar: Grammar, reader: Reader, root: Node, specs: list[CallSpec],
                names: tuple[str, ...], covered: set[int], result: FileExtraction) -> None:
    """Read the calls the depth-limited query could not reach: jump to each occurrence of a
    method name that no candidate accounts for and check the call shape around it."""
    source = reader.source
    pattern = method_pattern(names)
    if pattern is None:
        return
    checked = 0
    for m in pattern.finditer(source.data):
        start = m.start(1)
        if start in covered:
            continue
        checked += 1
        if checked > MAX_DEEP_CHECKS:
            span = source.span(start, m.end(1))
            result.notices.append(Notice(
                source.path, "skipped",
                f"more than {MAX_DEEP_CHECKS} deeply nested or unusual `{m.group(1).decode()}(` "
                "occurrences; the rest of the file was not searched for calls",
                span.line, span.column, span.end_line, span.end_column))
            return
        node = root.descendant_for_byte_range(start, m.end(1))
        if node is not None and node.type in grammar.method_types and node.start_byte == start:
            _read_if_call(grammar, reader, node, specs, covered, result)


def notice(source: SourceText, node: Node, kind: str, message: str) -> Notice:
    """A :class:`Notice` positioned on ``node``."""
    span = source.span(node.start_byte, node.end_byte)
    return Notice(source.path, kind, message, span.line, span.column, span.end_line, span.end_column)


#: A type name a binding can come from: ``Analytics``, ``com.segment.Analytics``.
_TYPE_NAME = re.compile(r"[A-Z][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
#: A holder of one client: ``Optional<PostHog>``, Dagger's ``Lazy<Analytics>`` and
#: ``Provider<MixpanelAPI>`` (``java.util.Optional<...>`` too).
_HOLDER = re.compile(r"(?:[A-Za-z_][A-Za-z0-9_]*\.)*(?:Optional|Lazy|Provider)<(.+)>")
#: What takes the client out of a holder: ``tracker.get().track(...)``.
_UNHOLD = frozenset({"get", "orElseThrow", "orNull", "getOrNull", "value"})


class FileReader:
    """The tables and helpers every language's reader keeps for one file (a base class: the
    language adds what its declarations and expressions look like)."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.constants: dict[str, str | None] = {}  # qualified name -> value (None: ambiguous)
        self.locals: dict[str, str | None] = {}  # function-local constant -> value
        self.members: dict[str, str | None] = {}  # bare member name -> value
        self.bindings: dict[str, str] = {}
        #: method-name starts of unmatched candidates with an unreadable part (see _read_call)
        self.doubtful: set[int] = set()
        #: names declared as function or constructor parameters somewhere in the file: a value
        #: read through one (``event.eventName``) is the caller's, never a constant of the project
        self.parameters: set[str] = set()
        #: the file's package or module name, where the language has one (Java, Kotlin, Go)
        self.package = ""
        #: keys of :attr:`constants` (and ``.name`` of :attr:`members`) whose value is an enum
        #: case's own name, not a string the code wrote
        self.case_names: set[str] = set()
        #: names bound through a holder type (``Optional<PostHog>``): ``x.get()`` is the client
        self.holders: set[str] = set()

    def text(self, node: Node) -> str:
        return self.source.text(node.start_byte, node.end_byte)

    @staticmethod
    def put(table: dict[str, str | None], key: str, value: str) -> None:
        """Record ``key = value``; a key defined twice with different values is ambiguous."""
        if key in table and table[key] != value:
            table[key] = None
        else:
            table[key] = value

    def export(self, key: str, value: str, result: FileExtraction, *, case: bool = False) -> None:
        """Record the constant ``key = value`` in the file and among its exports, also under
        its package's name (``com.acme.Events.SIGNED_UP``) when the file has one. ``case``: the
        value is an enum case's own name (see ``Value.case_name``)."""
        self.put(self.constants, key, value)
        result.exports[key] = value
        keys = [key, f"{self.package}.{key}"] if self.package else [key]
        if self.package:
            result.exports[keys[1]] = value
        if case:
            self.case_names.add(key)
            result.case_names.update(keys)

    def constant(self, key: str, value: str, text: str, span: Span) -> Value:
        """The :class:`Value` of a reference, by ``key``, to the file's constant ``value``."""
        return Value(type="string", known=True, value=value, kind="constant", text=text,
                     span=span, ref=key, case_name=key in self.case_names)

    @staticmethod
    def captures(query: Query, root: Node) -> dict[str, list[Node]]:
        """The query's captures under ``root``, each list in source order (capture order is not
        stable between parses)."""
        return {name: sorted(nodes, key=lambda n: (n.start_byte, n.end_byte))
                for name, nodes in QueryCursor(query).captures(root).items()}

    def via_parameter(self, dotted: list[str]) -> bool:
        """``event.eventName`` where ``event`` is a parameter and no constant of the file: the
        caller's value, not a name to look up across the project (which would parse every file
        of the language that says ``event``)."""
        head = dotted[0]
        return head in self.parameters and head not in self.constants and head not in self.locals

    def bind_type(self, name: str, type_text: str) -> None:
        """Bind ``name`` to an SDK type when its declared type is a plain type name (nullable
        and optional marks removed by the caller), or a holder of one (``Optional<PostHog>``)."""
        held = _HOLDER.fullmatch(type_text)
        if held is not None and _TYPE_NAME.fullmatch(held.group(1)):
            self.holders.add(name)
            type_text = held.group(1)
        if not _TYPE_NAME.fullmatch(type_text):
            return
        if self.bindings.get(name, "").startswith("call:"):
            self.bindings[name] = "new:" + type_text  # the declared type says more than a call
        else:
            self.bindings.setdefault(name, "new:" + type_text)

    def unhold(self, parts: list[str]) -> list[str]:
        """The receiver chain with the step that takes a client out of its holder removed
        (``tracker.get()`` of an ``Optional<PostHog> tracker`` is ``tracker``)."""
        head = 1 if parts[:1] in (["this"], ["self"]) else 0
        if len(parts) > head + 1 and parts[head] in self.holders and parts[head + 1] in _UNHOLD:
            return parts[:head + 1] + parts[head + 2:]
        return parts

    def directive(self, node: Node, result: FileExtraction) -> None:
        """Record the ``tracklint: ignore[...]`` directive in the comment ``node``, if any."""
        text = self.text(node)
        parsed = parse_directive(text)
        if parsed is None:
            return
        codes, file_level = parsed
        span = self.source.span(node.start_byte, node.end_byte)
        data = self.source.data
        line_start = data.rfind(b"\n", 0, node.start_byte) + 1
        result.directives.append(Directive(
            line=span.line, codes=codes, file_level=file_level, column=span.column,
            end_column=span.end_column if span.end_line == span.line else span.column + len(text),
            own_line=not data[line_start:node.start_byte].strip(),
        ))

    def value(self, node: Node, depth: int = 0) -> Value:
        """What is statically known about an expression (the language's reader says)."""
        raise NotImplementedError

    def args(self, labelled: Iterable[tuple[str | None, Node]]) -> list[Arg]:
        """Arguments as ``(label or None, expression)`` in order -> :class:`Arg` records
        (positions count the unlabelled ones only)."""
        args: list[Arg] = []
        position = 0
        for label, node in labelled:
            value = self.value(node)
            if label is not None:
                args.append(Arg(value, keyword=label))
            else:
                args.append(Arg(value, position=position))
                position += 1
        return args

    def raw(self, call: Node, method: Node, parts: list[str], receiver_text: str,
            args: list[Arg], has_splat: bool = False) -> RawCall:
        """The :class:`RawCall` of ``call``."""
        return RawCall(method=self.text(method), receiver_parts=parts, receiver_text=receiver_text,
                       args=args, span=self.source.span(call.start_byte, call.end_byte),
                       language=self.source.language, has_splat=has_splat)


def type_name(text: str) -> bool:
    """Whether ``text`` is a plain (possibly dotted) type name: ``Analytics``, ``PostHog.Builder``."""
    return _TYPE_NAME.fullmatch(text) is not None


class TypedReader(FileReader):
    """A reader of a language that declares types (Swift, Kotlin, Java): what the file says of
    a receiver decides which SDKs' specs its call may match (:meth:`specs_for`)."""

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        #: simple name -> (package, name) of the file's imports (Kotlin, Java)
        self.imports: dict[str, tuple[str, str]] = {}
        #: the modules the file imports (Swift: ``import PostHog``)
        self.modules: set[str] = set()
        #: function name -> what it returns (see :meth:`_returned`), read when first needed
        self._returns: dict[str, str | None] | None = None
        #: the file's tree, kept by ``collect`` for :meth:`function_returns`
        self.root: Node | None = None
        #: a judgement a partly parsed file may have hidden the grounds of (:meth:`_returned`,
        #: :meth:`_foreign`): the driver then asks for a whole parse
        self.unsure = False

    def specs_for(self, raw: RawCall, specs: list[CallSpec]) -> tuple[CallSpec, ...]:
        """The specs for ``raw``'s method, without those of SDKs the receiver is known not to
        belong to: a variable declared with a type, or assigned from a constructor or factory,
        is the client of the SDKs that name that type or whose name it carries
        (``PHGPostHogProtocol`` wraps PostHog), not of others whatever its own name; and a
        receiver that names a type the file takes from elsewhere (imported from another
        package; in Swift, a file that imports none of the SDK's modules) is no SDK's."""
        found = spec_index(specs).for_call(raw.method, raw.language)
        parts = raw.receiver_parts
        if not parts:
            return tuple(found)
        head = 1 if parts[0] in ("self", "this") and len(parts) > 1 else 0
        origin = self.bindings.get(parts[head], "")
        if origin.startswith("call:"):
            origin = self._returned(parts[head], origin[5:])
        typed = origin[4:] if origin.startswith("new:") else None
        if typed is None and not parts[head][:1].isupper():
            return tuple(found)  # a name, nothing known of its type
        type_head = (typed or parts[head]).split(".")[0]
        return tuple(s for s in found
                     if not self._foreign(type_head, s)
                     and (typed is None or len(parts) > head + 1 or self._typed_for(typed, s)))

    def _returned(self, name: str, function: str) -> str:
        """``name`` holds the result of ``function()``: bound, from now on, to what the file
        declares that function to return (``fun makeClient(): PostHogInterface``) or what its
        expression body builds, else unbound. Read on the first call through ``name`` only."""
        if self._returns is None:
            self._returns = self.function_returns()
        found = self._returns.get(function)
        if found is None:
            self.bindings.pop(name, None)
            # parsing only some blocks may have hidden the function's declaration
            self.unsure = self.unsure or bool(self.source.ranges)
            return ""
        origin = self.bindings[name] = "new:" + found
        return origin

    def function_returns(self) -> dict[str, str | None]:
        """Function name -> the type or origin it returns (None: declared twice, differently);
        the language's reader says (none by default)."""
        return {}

    def _typed_for(self, typed: str, spec: CallSpec) -> bool:
        """Whether a variable of type (or origin) ``typed`` may be ``spec``'s client."""
        return (not spec.constructors or typed in spec.constructors
                or spec.sdk in typed.lower()
                or through_binding(["x"], spec, {"x": "new:" + typed}))

    def _foreign(self, type_head: str, spec: CallSpec) -> bool:
        """Whether the type ``type_head`` is known to come from outside ``spec``'s SDK."""
        known = client_modules(self.source.language, spec.sdk)
        if not known:
            return False
        if type_head in self.imports:
            package = self.imports[type_head][0]
            return not any(package == k or package.startswith(k + ".") for k in known)
        foreign = bool(self.modules) and not self.modules & set(known)
        # a partly parsed file may hide an import (`@testable import PostHog` is not kept)
        self.unsure = self.unsure or (foreign and bool(self.source.ranges))
        return foreign
