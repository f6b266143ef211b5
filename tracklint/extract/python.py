"""The Python extractor: analytics calls, constants, imports and directives of one Python file.

One parse per file; no walk over the whole tree in Python:

* calls come from a one-node ``(call) @call`` query, kept when the callee's name (``name(...)``
  or ``obj.name(...)``) is one of the specs' method names;
* directives, imports and ``x = Ctor(...)`` bindings are found by byte offset: a regex finds
  ``tracklint:``, ``import`` or a constructor name, ``descendant_for_byte_range`` tells whether it
  is really a comment / keyword / identifier there (so strings and docstrings never count);
* calls in regions the parser could not read are re-read, and those regions reported, by
  :func:`tracklint.extract.recover.recover` (driven by the Python row of
  :mod:`tracklint.extract.languages`);
* string constants come from the module's top-level statements and class bodies
  (``class Events: ORDER = "Order Completed"``, ``Enum`` members).

Names that cannot be resolved here keep their dotted text in ``Value.ref`` (and the file's
imports are recorded) for cross-file resolution (``extract/linking.py``). Constructors in
bindings are named as imported (``new:posthog.Client``), so classes that share a name can be
told apart.

tree-sitter's query cursor can take minutes on pathological nesting (100,000 ``(``), so a file
nested deeper than :data:`DEEP_NESTING` brackets is searched by byte offset only. Argument values
are converted with a depth cap instead of unbounded recursion: a literal nested deeper than
:data:`MAX_DEPTH` becomes ``unknown``. Nothing here raises on bad input; a failure while reading
one call becomes an ``internal`` notice and the other calls are still returned.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass, field, replace

from tracklint.extract import languages, pyflow
from tracklint.extract.base import (
    parse_bounded,
    Arg,
    CallSpec,
    Directive,
    FileExtraction,
    Notice,
    RawCall,
    SourceText,
    Value,
    literal,
    match_call,
    parse_directive,
    unknown,
)
from tracklint.extract.prefilter import assigned_from_calls, words_regex
from tracklint.extract.presets import PRESETS, method_names
from tracklint.extract.recover import is_declared, recover

LANGUAGE = "python"

#: Nesting depth beyond which an argument's value is not analysed (it becomes ``unknown``).
MAX_DEPTH = 48
#: Longest receiver chain read; a longer one is kept as written but never matches a preset.
MAX_CHAIN = 24
#: ``Value.text`` / ``receiver_text`` keep at most this many characters (messages show 80).
MAX_KEPT_TEXT = 400
#: Lines of a call's text recorded in ``FileExtraction.lines``.
MAX_CALL_LINES = 40

#: Bracket nesting beyond which tree-sitter's query cursor can take minutes on a file (measured:
#: 100,000 ``(`` took 37 s); such files are searched by byte offsets instead, at most
#: :data:`MAX_DEEP_LOOKUPS` times.
DEEP_NESTING = 1000
MAX_DEEP_LOOKUPS = 2000

_BRACKETS = bytes(range(256)).translate(None, b"()[]{}")
_STEP = [0] * 256
for _open in b"([{":
    _STEP[_open] = 1
for _close in b")]}":
    _STEP[_close] = -1


@functools.cache
def _language():
    return languages.grammar("python")


@functools.cache
def _calls_query():
    """Every call, as a one-node pattern; the callee's name is checked in Python.

    Measured on 8 MB of CPython's stdlib this costs the same as an ``#any-of?`` pattern on the
    callee, ``(call function: (attribute attribute: (identifier) @name (#any-of? ...)))``, but
    multi-node patterns (and ``Node.parent``, which descends from the root) are quadratic on
    long call chains: ``x.track().track()...`` 20,000 times took 32 s with them, 0.3 s so."""
    import tree_sitter

    return tree_sitter.Query(_language(), "(call) @call")


def _word_regex(words: tuple[str, ...]):
    return words_regex(tuple(w.encode() for w in words))


def _max_nesting(data: bytes) -> int:
    """The deepest bracket nesting of ``data`` (brackets in strings count too: an upper bound)."""
    brackets = data.translate(None, _BRACKETS)
    if len(brackets) < DEEP_NESTING:
        return len(brackets)
    depth = peak = 0
    for step in map(_STEP.__getitem__, brackets):
        depth += step
        if depth > peak:
            peak = depth
    return peak


def _nodes_at_words(root, data: bytes, regex: re.Pattern, node_type: str, limit: int | None = None,
                    within: tuple[int, int] | None = None):
    """The ``node_type`` leaves whose text is a match of ``regex`` (comments and strings that
    merely contain the word are skipped), found by byte offset rather than a tree walk
    (``within``: only in these bytes)."""
    found = []
    if regex is None:  # no words
        return found, False
    start, end = within if within is not None else (0, len(data))
    for count, match in enumerate(regex.finditer(data, start, end)):
        if limit is not None and count >= limit:
            return found, True
        node = root.descendant_for_byte_range(match.start(), match.end())
        if node is not None and node.type == node_type and node.start_byte == match.start() \
                and node.end_byte == match.end():
            found.append(node)
    return found, False


# --------------------------------------------------------------------------------------------
# Per-file state
# --------------------------------------------------------------------------------------------


@dataclass
class _File:
    source: SourceText
    constants: dict[str, str] = field(default_factory=dict)  # dotted name -> string value
    flow: pyflow.Flow | None = None  # receivers by scope (None in a file nested too deep)
    mentions: tuple[bytes, ...] = ()  # how the file names an SDK client's class (_sdk_mentions)
    sdk_hint: bool = False  # the file imports an SDK's class or module, or binds a client
    imports: dict[str, tuple[str, str]] = field(default_factory=dict)  # the result's imports
    bindings: dict[str, str] = field(default_factory=dict)  # local name -> new:X / import:m
    case_names: set[str] = field(default_factory=set)  # constants that are an enum member's name

    def text(self, node, limit: int | None = MAX_KEPT_TEXT) -> str:
        start, end = node.start_byte, node.end_byte
        if limit is not None and end - start > limit * 4:
            end = start + limit * 4  # at most 4 bytes per code point
        text = self.source.data[start:end].decode("utf-8", "replace")
        if limit is not None and (len(text) > limit or end != node.end_byte):
            text = text[: limit - 1] + "…"
        return text

    def full_text(self, node) -> str:
        return self.source.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def span(self, node):
        return self.source.span(node.start_byte, node.end_byte)


def prepare(specs: list[CallSpec], languages: set[str]) -> None:
    """Load the grammar and compile the query :func:`extract` uses (see
    ``tracklint.extract.prepare``)."""
    _language()
    _calls_query()


def extract(source: SourceText, specs: list[CallSpec]) -> FileExtraction:
    """Extract the analytics calls (and constants, imports, directives) of one Python file."""
    result = FileExtraction(path=source.path, language=LANGUAGE)
    try:
        _extract(source, specs, result)
    except (Exception, RecursionError) as exc:  # never let one odd file stop a run
        result.notices.append(
            Notice(source.path, "internal", f"Python extractor failed: {type(exc).__name__}: {exc}")
        )
    return result


def _extract(source: SourceText, specs: list[CallSpec], result: FileExtraction) -> None:
    import tree_sitter

    data = source.data
    tree = parse_bounded(tree_sitter.Parser(_language()), data, ranges=source.parse_ranges())
    root = tree.root_node
    state = _File(source, imports=result.imports)
    names = tuple(sorted(n for n in method_names(specs, source.language) if n.isidentifier()))
    deep = _max_nesting(data) > DEEP_NESTING

    _read_constants(state, root, result)
    _read_imports_and_bindings(state, root, result, specs, deep)
    _read_directives(state, root, result, deep)
    if not names:
        return
    if not deep:
        state.flow = flow = pyflow.Flow(
            data, root, dotted=functools.partial(_dotted, state),
            qualify=functools.partial(_qualify, imports=result.imports),
            sdk_classes=frozenset(c for spec in specs if LANGUAGE in spec.languages
                                  for c in spec.constructors))
        state.mentions = _sdk_mentions(state)
        state.sdk_hint = bool(state.mentions) or any(flow.is_sdk(o) for o in state.bindings.values())
    reader = _Calls(state, specs, names, result)
    reader.read(root, deep)
    if state.flow is not None:
        result.clients = _module_clients(state, state.mentions)
    if source.ranges is not None and state.flow is not None and state.flow.followed:
        # what a receiver was followed through may lie in the text a windowed parse left out
        result.notices.append(Notice(source.path, "reparse",
                                     "a receiver was followed through other names; parse whole"))
    recover(source, root, names, reader.covered, result, reader.read, reader.doubtful)
    result.calls.sort(key=lambda c: c.span.start_byte)  # recovered calls come last


class _Calls:
    """Reads the candidate calls under a tree (the file's, or a fragment's that
    :func:`~tracklint.extract.recover.recover` re-parsed), keeping the bookkeeping recovery needs:
    the method-name offsets of every candidate seen (``covered``) and of those only partly read
    that matched no spec (``doubtful``)."""

    def __init__(self, state: _File, specs: list[CallSpec], names: tuple[str, ...],
                 result: FileExtraction) -> None:
        self.state, self.specs, self.result = state, specs, result
        self.names, self.wanted = names, frozenset(names)
        self.covered: set[int] = set()
        self.doubtful: set[int] = set()

    def read(self, root, deep: bool | None = None) -> None:
        """Read the candidate calls under ``root`` (``deep``: search by offset, see
        :data:`DEEP_NESTING`; None: decide from the text under ``root``)."""
        data = self.state.source.data
        if deep is None:
            deep = _max_nesting(data[root.start_byte:root.end_byte]) > DEEP_NESTING
        found = self._by_offset(root) if deep else self._by_query(root)
        found.sort(key=lambda node: node.start_byte)
        for call in found:
            name = _callee(call)
            if name is None or name.start_byte in self.covered:
                continue
            self.covered.add(name.start_byte)
            if root.has_error and _declares(self.state.source, call, name):
                continue  # `def track(` that an error nearby turned into a call
            self._read(call, name.start_byte)

    def _by_query(self, root) -> list:
        import tree_sitter

        data = self.state.source.data
        return [call for call in tree_sitter.QueryCursor(_calls_query()).captures(root).get("call", ())
                if _callee_name(data, call) in self.wanted]

    def _by_offset(self, root) -> list:
        source = self.state.source
        identifiers, truncated = _nodes_at_words(root, source.data, _word_regex(self.names),
                                                 "identifier", MAX_DEEP_LOOKUPS,
                                                 (root.start_byte, root.end_byte))
        if truncated:
            self.result.notices.append(Notice(
                source.path, "skipped",
                f"nesting deeper than {DEEP_NESTING} levels: only the first {MAX_DEEP_LOOKUPS} "
                "candidate calls were analysed"))
        found: list = []
        seen: set[int] = set()
        for ident in identifiers:
            call = _call_of(ident)
            if call is not None and call.id not in seen:
                seen.add(call.id)
                found.append(call)
        return found

    def _match(self, raw: RawCall, offset: int):
        """The call ``raw`` matched: on a receiver followed through the code
        (:meth:`_match_receiver`), or bare; else, when its name (or its receiver's first name)
        was imported relatively, by a spec scoped to a module (:meth:`_match_relative`)."""
        state = self.state
        if raw.receiver_parts:
            track = self._match_receiver(raw, offset)
        else:
            track = match_call(raw, self.specs, path=state.source.path, bindings=state.bindings)
        return track if track is not None else self._match_relative(raw)

    def _match_relative(self, raw: RawCall):
        """``from .analytics import capture`` binds ``capture`` to ``.analytics``: a spec limited
        to a module (a wrapper's ``module``, a preset's ``modules``) sees it under each absolute
        name it may have (:func:`_relative_modules`)."""
        state = self.state
        root = raw.receiver_parts[0] if raw.receiver_parts else raw.method
        modules = _relative_modules(state, root)
        scoped = [spec for spec in self.specs if (spec.origins or spec.modules)
                  and LANGUAGE in spec.languages] if modules else []
        for module in modules if scoped else ():
            track = match_call(raw, scoped, path=state.source.path,
                               bindings={**state.bindings, root: "import:" + module})
            if track is not None:
                return track
        return None

    def _match_receiver(self, raw: RawCall, offset: int):
        """The call ``raw`` matched, its receiver followed through the code (``pyflow``): a
        receiver bound to an SDK client is matched by that first, whatever its name; one bound
        to something else that matches only by its name is labelled ``unknown``."""
        state, path = self.state, self.state.source.path
        flow = state.flow
        if flow is not None and not state.sdk_hint \
                and match_call(raw, self.specs, path=path, bindings=state.bindings) is None:
            return None  # no SDK class in the file: only a name can make it a client
        origin = None if flow is None else flow.receiver(raw.receiver_parts, offset)
        if origin is None:  # nothing in scope binds the receiver
            return match_call(raw, self.specs, path=path, bindings=state.bindings)
        if flow.is_sdk(origin):
            bound = replace(raw, receiver_parts=[_BOUND])
            track = match_call(bound, self.specs, path=path, bindings={_BOUND: origin})
            if track is not None:
                return track
        bindings = dict(state.bindings)
        bindings.pop(raw.receiver_parts[-1], None)
        track = match_call(raw, self.specs, path=path, bindings=bindings)
        if track is not None and origin and track.sdk in PRESETS:
            track.sdk = "unknown"  # named like a client, but the code says it holds another thing
        return track

    def _read(self, call, name: int) -> None:
        state, source, result = self.state, self.state.source, self.result
        try:
            raw = _raw_call(state, call)
            track = None if raw is None else self._match(raw, call.start_byte)
        except (Exception, RecursionError) as exc:
            line, column, _ = source.index.position(call.start_byte)
            result.notices.append(Notice(
                source.path, "internal", f"could not read this call: {type(exc).__name__}: {exc}",
                line=line, column=column))
            return
        # A candidate the parser only partly read that matched no spec is not taken as read:
        # recovery looks at it again (error recovery can glue a call to the junk before it).
        if track is None and call.has_error:
            self.doubtful.add(name)
        else:
            self.doubtful.discard(name)
        if track is None:
            if raw is not None:
                self._pending(raw, call.start_byte)
            return
        result.calls.append(track)
        self._keep_lines(track)

    def _keep_lines(self, track) -> None:
        span, source = track.span, self.state.source
        for line in range(span.line, min(span.end_line, span.line + MAX_CALL_LINES - 1) + 1):
            self.result.lines.setdefault(line, source.index.line_text(line))

    def _pending(self, raw: RawCall, offset: int) -> None:
        """A call on a receiver another module of the project may bind to an SDK client
        (``from app.telemetry import posthog_client``, ``client = get_client()`` with
        ``get_client`` imported): one reading per SDK class, kept in ``FileExtraction.pending``
        until linking knows what that module binds (``extract.linking.resolve_clients``)."""
        flow, parts = self.state.flow, raw.receiver_parts
        if flow is None or len(parts) != 1:
            return
        if not _may_be_imported(self.state, parts[0]):
            return
        imported = flow.imported_origin(parts[0], offset, self.state.imports)
        if imported is None:
            return
        bound = replace(raw, receiver_parts=[_BOUND])
        for cls in sorted(flow.sdk_classes):
            found = match_call(bound, self.specs, path=self.state.source.path,
                               bindings={_BOUND: "new:" + cls})
            if found is not None:
                self.result.pending.append((found, imported[0], imported[1], "new:" + cls))
                self._keep_lines(found)


def _sdk_mentions(state: _File) -> tuple[bytes, ...]:
    """How the file can write an SDK client's class: the names it imports one under
    (``Posthog``), and the SDK modules it imports (``posthog.``); empty in most files."""
    flow = state.flow
    mentions = set()
    for local, (module, name) in state.imports.items():
        qualified = _qualify(local, state.imports)
        if qualified in flow.sdk_classes:
            mentions.add(local.encode())
        elif name == "*" and any(c.startswith(qualified + ".") for c in flow.sdk_classes):
            mentions.add(local.encode() + b".")
    return tuple(sorted(mentions))


def _module_clients(state: _File, mentions: tuple[bytes, ...]) -> dict[str, str]:
    """``FileExtraction.clients`` (see ``pyflow.Flow.module_clients``), looked for only in a
    file that imports an SDK's class or module or binds a client."""
    names = sorted(n for n, o in state.bindings.items() if state.flow.is_sdk(o))
    return state.flow.module_clients(names, mentions) if names or mentions else {}


def _may_be_imported(state: _File, name: str) -> bool:
    """Whether ``name`` may hold what another module gives (a cheap test before following it):
    it is imported, or assigned the result of an imported function (``name = f(``)."""
    if name in state.imports:
        return True
    return any(function.decode() in state.imports
               for function in assigned_from_calls(state.source.data, name.encode()))


def _relative_modules(state: _File, local: str) -> list[str]:
    """The absolute modules a relative import of ``local`` may name, the file's source root
    not being known: ``from .analytics import capture`` in ``src/app/views.py`` gives
    ``src.app.analytics``, ``app.analytics``, ``analytics``; none for an absolute import."""
    origin = state.imports.get(local)
    if origin is None or not origin[0].startswith("."):
        return []
    module = origin[0]
    dots = len(module) - len(module.lstrip("."))
    package = state.source.path.replace("\\", "/").split("/")[:-1]
    if dots - 1 > len(package):
        return []
    parts = package[:len(package) - (dots - 1)] + ([module[dots:]] if module[dots:] else [])
    return [".".join(parts[start:]) for start in range(len(parts))]


#: The receiver a call is matched with when its receiver holds an SDK client (no name matches it).
_BOUND = "\0bound"


def _declares(source: SourceText, call, name) -> bool:
    arguments = call.child_by_field_name("arguments")
    return arguments is not None and is_declared(source, name.start_byte, arguments.start_byte)


def _callee(call):
    """The name node of ``name(...)`` or ``obj.name(...)`` (an identifier), else None."""
    function = call.child(0)
    if function is None:
        return None
    if function.type == "attribute":
        function = function.child(function.child_count - 1)
        if function is None:
            return None
    return function if function.type == "identifier" else None


def _callee_name(data: bytes, call) -> str | None:
    """``name`` for ``name(...)`` and ``obj.name(...)`` (the callee is a call's first child, the
    name an attribute's last child), else None."""
    function = _callee(call)
    if function is None:
        return None
    return data[function.start_byte : function.end_byte].decode("utf-8", "replace")


def _call_of(ident):
    """The call whose callee is ``ident`` (``name(...)``) or ends with it (``obj.name(...)``)."""
    parent = ident.parent
    if parent is None:
        return None
    if parent.type == "call":
        function = parent.child_by_field_name("function")
        return parent if function is not None and function.id == ident.id else None
    if parent.type == "attribute":
        attr = parent.child_by_field_name("attribute")
        call = parent.parent
        if attr is None or attr.id != ident.id or call is None or call.type != "call":
            return None
        function = call.child_by_field_name("function")
        return call if function is not None and function.id == parent.id else None
    return None


# --------------------------------------------------------------------------------------------
# Comments, syntax errors, imports, bindings
# --------------------------------------------------------------------------------------------

_DIRECTIVE = re.compile(rb"tracklint:")
_IMPORT = ("import",)


def _read_directives(state: _File, root, result: FileExtraction, deep: bool) -> None:
    """``# tracklint: ignore[...]`` comments, found by offset; strings that contain the same
    text are not comments and are skipped."""
    data = state.source.data
    seen: set[int] = set()
    for count, match in enumerate(_DIRECTIVE.finditer(data)):
        if deep and count >= MAX_DEEP_LOOKUPS:
            break
        node = root.descendant_for_byte_range(match.start(), match.end())
        if node is None or node.type != "comment" or node.id in seen:
            continue
        seen.add(node.id)
        parsed = parse_directive(state.full_text(node))
        if parsed is None:
            continue
        codes, file_level = parsed
        span = state.span(node)
        line_start = data.rfind(b"\n", 0, node.start_byte) + 1
        own_line = data[line_start : node.start_byte].strip() == b""
        result.directives.append(
            Directive(
                line=span.line,
                codes=codes,
                file_level=file_level,
                column=span.column,
                end_column=span.end_column,
                own_line=own_line,
            )
        )


def _read_imports_and_bindings(state: _File, root, result: FileExtraction, specs, deep: bool) -> None:
    """Imports (``FileExtraction.imports`` and ``import:`` bindings), then ``x = Ctor(...)``
    assignments (``new:`` bindings, which win over an import of the same name)."""
    data = state.source.data
    limit = MAX_DEEP_LOOKUPS if deep else None
    keywords, _ = _nodes_at_words(root, data, _word_regex(_IMPORT), "import", limit)
    seen: set[int] = set()
    for keyword in keywords:
        statement = keyword.parent
        if statement is None or statement.type not in ("import_statement", "import_from_statement"):
            continue
        if statement.id in seen:
            continue
        seen.add(statement.id)
        try:
            _read_import(state, statement, result)
        except Exception:  # an odd statement in a broken file: skip it, keep the rest
            continue
    # Constructor names to look for: the specs' (last part), and local aliases of them.
    wanted = {c.rpartition(".")[2] for spec in specs for c in spec.constructors}
    wanted |= {local for local, (_, name) in result.imports.items() if name.rpartition(".")[2] in wanted}
    ctors = tuple(sorted(w for w in wanted if w.isidentifier()))
    if not ctors:
        return
    idents, _ = _nodes_at_words(root, data, _word_regex(ctors), "identifier", limit)
    for ident in idents:
        found = _assignment_from_ctor(ident)
        if found is not None:
            _read_binding(state, found[1], found[2], result.imports)


def _assignment_from_ctor(ident):
    """For ``Ctor`` in ``x = Ctor(...)`` / ``self.x = mod.Ctor(...)``: (assignment, target, callee)."""
    callee = ident
    parent = ident.parent
    if parent is not None and parent.type == "attribute":
        attr = parent.child_by_field_name("attribute")
        if attr is None or attr.id != ident.id:
            return None
        callee, parent = parent, parent.parent
    if parent is None or parent.type != "call":
        return None
    function = parent.child_by_field_name("function")
    if function is None or function.id != callee.id:
        return None
    assignment = parent.parent
    if assignment is None or assignment.type != "assignment":
        return None
    right = assignment.child_by_field_name("right")
    target = assignment.child_by_field_name("left")
    if right is None or right.id != parent.id or target is None:
        return None
    return assignment, target, callee


def _dotted(state: _File, node) -> str | None:
    """``a.b.c`` for an identifier/attribute chain (or a dotted_name), else None."""
    parts: list[str] = []
    while node is not None and len(parts) <= MAX_CHAIN:
        if node.type in ("identifier", "dotted_name"):
            parts.append(state.full_text(node))
            break
        if node.type == "attribute":
            attr = node.child_by_field_name("attribute")
            if attr is None:
                return None
            parts.append(state.full_text(attr))
            node = node.child_by_field_name("object")
            continue
        return None
    else:
        return None
    return ".".join(reversed(parts))


def _read_import(state: _File, node, result: FileExtraction) -> None:
    if node.type == "import_statement":
        for child in node.children_by_field_name("name"):
            if child.type == "aliased_import":
                module = _dotted(state, child.child_by_field_name("name"))
                alias = child.child_by_field_name("alias")
                local = state.full_text(alias) if alias is not None else module
            else:
                module = _dotted(state, child)
                local = module
            if not module or not local:
                continue
            result.imports[local] = (module, "*")
            state.bindings[local] = f"import:{module}"
        return
    module_node = node.child_by_field_name("module_name")
    if module_node is None:
        return
    module = "".join(state.full_text(module_node).split())
    if module == "__future__":
        return
    for child in node.children_by_field_name("name"):
        if child.type == "aliased_import":
            name = _dotted(state, child.child_by_field_name("name"))
            alias = child.child_by_field_name("alias")
            local = state.full_text(alias) if alias is not None else name
        else:
            name = _dotted(state, child)
            local = name
        if not name or not local:
            continue
        result.imports[local] = (module, name)
        state.bindings[local] = f"import:{module}"


def _read_binding(state: _File, target, ctor, imports: dict[str, tuple[str, str]]) -> None:
    """``mp = Mixpanel(token)`` / ``self.mp = mixpanel.Mixpanel(token)`` -> ``mp: new:...``.

    The constructor is named as imported, so that SDKs whose classes share a name can be told
    apart: after ``from posthog import Client``, ``c = Client(k)`` binds ``c`` to
    ``new:posthog.Client``; after ``import mixpanel``, ``mixpanel.Mixpanel(t)`` gives
    ``new:mixpanel.Mixpanel``. A constructor that was not imported keeps its written name
    (``new:Mixpanel``)."""
    if target.type == "identifier":
        local = state.full_text(target)
    elif target.type == "attribute":
        obj = target.child_by_field_name("object")
        attr = target.child_by_field_name("attribute")
        if obj is None or attr is None or obj.type != "identifier" or state.full_text(obj) not in ("self", "cls"):
            return
        local = state.full_text(attr)
    else:
        return
    name = _dotted(state, ctor)
    if name:
        state.bindings[local] = "new:" + _qualify(name, imports)


def _qualify(dotted: str, imports: dict[str, tuple[str, str]]) -> str:
    """``Client`` imported ``from posthog import Client`` -> ``posthog.Client``;
    ``ph.Posthog`` after ``import posthog as ph`` -> ``posthog.Posthog``."""
    head, dot, rest = dotted.partition(".")
    origin = imports.get(head)
    if origin is None:
        return dotted
    module, name = origin
    if name == "*":
        base = module
    elif module.endswith("."):
        base = module + name  # from . import x -> .x
    else:
        base = module + "." + name
    return base + dot + rest


# --------------------------------------------------------------------------------------------
# Constants: module-level and class-level string assignments
# --------------------------------------------------------------------------------------------


def _read_constants(state: _File, root, result: FileExtraction) -> None:
    """Collect ``NAME = "text"`` at module level and in (nested) class bodies.

    A name assigned more than once with different values (or once with something else) is not a
    constant. Enum members also resolve through ``.value`` (and their ``.name``).
    """
    values: dict[str, str | None] = {}
    # (class path prefix, block node, is_enum, is_str_enum); an explicit stack, capped.
    stack: list[tuple[str, object, bool, bool]] = [("", root, False, False)]
    while stack:
        prefix, block, is_enum, str_enum = stack.pop()
        for stmt in block.children:
            if stmt.type == "decorated_definition":
                stmt = stmt.child_by_field_name("definition")
                if stmt is None:
                    continue
            if stmt.type == "class_definition":
                name_node = stmt.child_by_field_name("name")
                body = stmt.child_by_field_name("body")
                if name_node is None or body is None or prefix.count(".") >= 8:
                    continue
                bases = [
                    (_dotted(state, b) or "").rpartition(".")[2]
                    for b in (stmt.child_by_field_name("superclasses").named_children
                              if stmt.child_by_field_name("superclasses") is not None else ())
                ]
                enum = any(b.endswith(("Enum", "Flag")) for b in bases)
                strenum = "StrEnum" in bases
                stack.append((prefix + state.full_text(name_node) + ".", body, enum, strenum))
                continue
            if stmt.type != "expression_statement":
                if prefix == "" and stmt.type in ("for_statement", "with_statement"):
                    _poison_targets(state, stmt, values)
                continue
            for expr in stmt.named_children:
                if expr.type == "augmented_assignment":
                    left = expr.child_by_field_name("left")
                    if left is not None and left.type == "identifier":
                        values[prefix + state.full_text(left)] = None
                    continue
                if expr.type != "assignment":
                    continue
                _read_assignment(state, expr, prefix, is_enum, str_enum, values)

    for name, value in values.items():
        if value is None:
            continue
        state.constants[name] = value
        result.exports[name] = value
        member = name.removesuffix(".name")
        if member != name and member in values and value == member.rpartition(".")[2]:
            state.case_names.add(name)  # `Event.SIGNUP.name`: a wrapper's transform applies
            result.case_names.add(name)


def _poison_targets(state: _File, stmt, values: dict[str, str | None]) -> None:
    left = stmt.child_by_field_name("left")
    if left is not None and left.type == "identifier":
        values[state.full_text(left)] = None


def _read_assignment(state, expr, prefix, is_enum, str_enum, values) -> None:
    # ``A = B = "x"`` is a chain of assignments on the right.
    targets = []
    right = expr
    for _ in range(16):
        if right is None or right.type != "assignment":
            break
        targets.append(right.child_by_field_name("left"))
        right = right.child_by_field_name("right")
    else:
        return
    value: str | None = None
    if right is not None:
        if is_enum and str_enum and right.type == "call" and _is_auto(state, right):
            value = "\0auto"
        else:
            value = _constant_string(state, right, prefix, values)
    for target in targets:
        if target is None:
            continue
        if target.type != "identifier":
            if target.type in ("pattern_list", "tuple_pattern"):
                for sub in target.named_children:
                    if sub.type == "identifier":
                        values[prefix + state.full_text(sub)] = None
            continue
        name = state.full_text(target)
        this = value
        if this == "\0auto":
            this = name.lower()
        key = prefix + name
        if key in values and values[key] != this:
            values[key] = None
        else:
            values[key] = this
        if is_enum and this is not None:
            state_key = key + ".value"
            values[state_key] = this if values.get(state_key, this) == this else None
        if is_enum:  # whatever its value, a member's `.name` is its own name
            values[key + ".name"] = name


def _is_auto(state: _File, call) -> bool:
    fn = call.child_by_field_name("function")
    return fn is not None and (_dotted(state, fn) or "").rpartition(".")[2] == "auto"


def _constant_string(state: _File, node, prefix: str, values: dict[str, str | None]) -> str | None:
    """The value of a string literal, or of a name already assigned a constant above."""
    value = _scalar(state, node)
    if value is not None:
        return value.value if value.type == "string" else None
    if node.type in ("identifier", "attribute"):
        dotted = _dotted(state, node)
        if dotted is not None:
            if prefix and values.get(prefix + dotted) is not None:
                return values[prefix + dotted]
            return values.get(dotted)
    return None


# --------------------------------------------------------------------------------------------
# Calls and values
# --------------------------------------------------------------------------------------------


def _raw_call(state: _File, call) -> RawCall | None:
    function = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if function is None:
        return None
    if function.type == "identifier":
        method = state.full_text(function)
        parts: list[str] = []
        receiver_text = ""
    else:
        attr = function.child_by_field_name("attribute")
        obj = function.child_by_field_name("object")
        if attr is None or obj is None:
            return None
        method = state.full_text(attr)
        parts = _receiver_parts(state, obj)
        receiver_text = state.text(obj)
    args: list[Arg] = []
    has_splat = False
    if arguments is not None:
        if arguments.type == "generator_expression":
            args.append(Arg(unknown(state.text(arguments), span=state.span(arguments)), position=0))
        else:
            position = 0
            for child in arguments.named_children:
                kind = child.type
                if kind == "comment":
                    continue
                if kind == "list_splat":
                    has_splat = True
                    continue
                if kind == "dictionary_splat":
                    args.append(Arg(unknown(state.text(child), span=state.span(child)), keyword="**"))
                    continue
                if kind == "keyword_argument":
                    name = child.child_by_field_name("name")
                    value = child.child_by_field_name("value")
                    if name is None or value is None:
                        continue
                    args.append(Arg(_value(state, value), keyword=state.full_text(name)))
                    continue
                # After a *splat, the index of a positional argument is not known.
                args.append(Arg(_value(state, child), position=None if has_splat else position))
                position += 1
    return RawCall(
        method=method,
        receiver_parts=parts,
        receiver_text=receiver_text,
        args=args,
        span=state.span(call),
        language=LANGUAGE,
        has_splat=has_splat,
    )


def _receiver_parts(state: _File, node) -> list[str]:
    """``self.analytics`` -> ["self", "analytics"]; ``get_client().analytics`` ->
    ["get_client", "analytics"]; ``clients[0]`` -> ["clients", "[]"]."""
    parts: list[str] = []
    for _ in range(MAX_CHAIN):
        kind = node.type
        if kind == "identifier":
            parts.append(state.full_text(node))
            break
        if kind == "attribute":
            attr = node.child_by_field_name("attribute")
            parts.append(state.full_text(attr) if attr is not None else "?")
            nxt = node.child_by_field_name("object")
        elif kind == "call":
            nxt = node.child_by_field_name("function")
        elif kind == "subscript":
            parts.append("[]")
            nxt = node.child_by_field_name("value")
        elif kind in ("parenthesized_expression", "await"):
            nxt = node.named_children[0] if node.named_child_count else None
        else:
            parts.append("<expr>")
            break
        if nxt is None:
            break
        node = nxt
    else:
        parts.append("<deep>")
    parts.reverse()
    return parts


_SCALAR_TYPES = frozenset({"string", "concatenated_string", "integer", "float", "true", "false", "none", "unary_operator"})


def _scalar(state: _File, node) -> Value | None:
    """A literal scalar (string, number, bool, None), or None when ``node`` is not one."""
    kind = node.type
    if kind not in _SCALAR_TYPES:
        return None
    span = state.span(node)
    if kind == "true":
        return literal(True, text="True", span=span)
    if kind == "false":
        return literal(False, text="False", span=span)
    if kind == "none":
        return literal(None, text="None", span=span)
    if kind in ("integer", "float"):
        number = _number(state.full_text(node))
        return None if number is None else literal(number, text=state.text(node), span=span)
    if kind == "unary_operator":
        op = node.child_by_field_name("operator")
        arg = node.child_by_field_name("argument")
        if op is None or arg is None or arg.type not in ("integer", "float"):
            return None
        number = _number(state.full_text(arg))
        sign = state.full_text(op)
        if number is None or sign not in ("-", "+"):
            return None
        return literal(-number if sign == "-" else number, text=state.text(node), span=span)
    text = _string_value(state, node)
    if text is None:
        return None
    return literal(text, text=state.text(node), span=span)


def _number(text: str) -> int | float | None:
    if len(text) > 200:
        return None
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, TypeError):
        return None
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _string_value(state: _File, node) -> str | None:
    """The value of a string literal (or implicit concatenation); None if it has substitutions."""
    parts = [node] if node.type == "string" else [c for c in node.named_children if c.type == "string"]
    if node.type == "concatenated_string" and any(
        c.type not in ("string", "comment") for c in node.named_children
    ):
        return None
    pieces: list[str] = []
    for part in parts:
        start = part.child(0)
        prefix = state.full_text(start).rstrip("\"'").lower() if start is not None else ""
        if "t" in prefix:
            return None  # template strings are not str values
        text = state.full_text(part)
        if "f" in prefix:
            if any(c.type == "interpolation" for c in part.named_children):
                return None
            text = text[: len(prefix)].replace("f", "").replace("F", "") + text[len(prefix):]
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, TypeError):
            return None
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        if not isinstance(value, str):
            return None
        if "f" in prefix:
            value = value.replace("{{", "{").replace("}}", "}")
        pieces.append(value)
    return "".join(pieces)


def _value(state: _File, node, depth: int = 0) -> Value:
    """What is statically known about an argument expression (depth-capped)."""
    span = state.span(node)
    if depth > MAX_DEPTH:
        return unknown(state.text(node), span=span)
    kind = node.type
    if kind == "parenthesized_expression":
        inner = [c for c in node.named_children if c.type != "comment"]
        if len(inner) == 1:
            value = _value(state, inner[0], depth + 1)
            return value
        return unknown(state.text(node), span=span)
    scalar = _scalar(state, node)
    if scalar is not None:
        return scalar
    if kind in ("string", "concatenated_string"):
        return unknown(state.text(node), span=span)  # f-string with substitutions
    if kind == "dictionary":
        return _dict_value(state, node, depth)
    if kind in ("list", "tuple", "set"):
        items: list[Value] = []
        is_open = False
        for child in node.named_children:
            if child.type == "comment":
                continue
            if child.type == "list_splat":
                is_open = True
                continue
            items.append(_value(state, child, depth + 1))
        return Value(type="array", items=items, open=is_open, kind="literal", text=state.text(node), span=span)
    if kind == "call":
        return _call_value(state, node, depth)
    if kind in ("identifier", "attribute"):
        dotted = _dotted(state, node)
        if dotted is not None:
            constant = state.constants.get(dotted)
            if constant is not None:
                return Value(type="string", value=constant, known=True, kind="constant",
                             text=state.text(node), span=span, ref=dotted,
                             case_name=dotted in state.case_names)
            return unknown(state.text(node), span=span, ref=dotted)
    return unknown(state.text(node), span=span)


def _key_name(state: _File, key) -> str | None:
    scalar = _scalar(state, key)
    if scalar is not None:
        return scalar.value if scalar.type == "string" else None
    if key.type in ("identifier", "attribute"):
        dotted = _dotted(state, key)
        if dotted is not None:
            return state.constants.get(dotted)
    return None


def _dict_value(state: _File, node, depth: int) -> Value:
    properties: dict[str, Value] = {}
    is_open = False
    for child in node.named_children:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            val = child.child_by_field_name("value")
            name = _key_name(state, key) if key is not None else None
            if name is None or val is None:
                is_open = True
                continue
            value = _value(state, val, depth + 1)
            value.key_span = state.span(key)
            properties.pop(name, None)  # a repeated key: the last one wins, in its place
            properties[name] = value
        elif child.type == "comment":
            continue
        else:  # **spread, or anything the parser could not read
            is_open = True
    return Value(type="object", properties=properties, open=is_open, kind="literal",
                 text=state.text(node), span=state.span(node))


def _call_value(state: _File, node, depth: int) -> Value:
    """``dict(a=1)`` is an object; ``BaseEvent(event_type="X", ...)`` keeps its keyword
    arguments as ``properties`` (with ``ctor``) so a spec can look inside it."""
    function = node.child_by_field_name("function")
    arguments = node.child_by_field_name("arguments")
    ctor = _dotted(state, function) if function is not None else None
    span = state.span(node)
    text = state.text(node)
    if arguments is None or arguments.type != "argument_list":
        return Value(type="unknown", text=text, span=span, ctor=ctor)
    properties: dict[str, Value] = {}
    is_open = False
    positional: list = []
    for child in arguments.named_children:
        if child.type == "comment":
            continue
        if child.type == "keyword_argument":
            name = child.child_by_field_name("name")
            val = child.child_by_field_name("value")
            if name is None or val is None:
                is_open = True
                continue
            value = _value(state, val, depth + 1)
            value.key_span = state.span(name)
            properties[state.full_text(name)] = value
        elif child.type == "dictionary_splat":
            is_open = True
        else:
            positional.append(child)
    if ctor == "dict":
        merged: dict[str, Value] = {}
        for child in positional:
            inner = _value(state, child, depth + 1)
            if inner.properties is not None and inner.type == "object":
                merged.update(inner.properties)
                is_open = is_open or inner.open
            else:
                is_open = True
        merged.update(properties)
        return Value(type="object", properties=merged, open=is_open, kind="literal", text=text, span=span, ctor=ctor)
    if not properties and not is_open:
        return Value(type="unknown", text=text, span=span, ctor=ctor)
    return Value(type="unknown", properties=properties, open=is_open or bool(positional), text=text,
                 span=span, ctor=ctor)


def name_origins(source: SourceText) -> dict[str, str]:
    """Where the file's names come from, as a scoped wrapper's ``module`` sees them
    (``import:app.analytics``); a relative import named by its absolute module from the project
    root (``from .analytics import capture`` in ``app/views.py``: ``import:app.analytics``)."""
    import tree_sitter

    root = parse_bounded(tree_sitter.Parser(_language()), source.data).root_node
    result = FileExtraction(path=source.path, language=LANGUAGE)
    state = _File(source, imports=result.imports)
    _read_imports_and_bindings(state, root, result, [], False)
    origins = dict(state.bindings)
    for local in origins:
        modules = [m for m in _relative_modules(state, local) if ".." not in m.split(".")]
        if modules:
            origins[local] = "import:" + modules[0]
    return origins
