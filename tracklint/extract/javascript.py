"""The JavaScript / JSX / TypeScript / TSX extractor.

One module serves the three grammars: ``javascript`` (tree-sitter-javascript, which also parses
JSX, so ``.js``/``.jsx``/``.mjs``/``.cjs``), ``typescript`` (``language_typescript``: ``<T>x`` is
a cast) and ``tsx`` (``language_tsx``: ``<T>`` starts an element). Their node names agree for
everything read here; patterns that exist in one grammar only (``enum_declaration``,
``as_expression``...) are dropped from that grammar's query when it does not compile.

The work per file, all driven by tree-sitter queries run in C (no Python walk of the tree):

1. one *declarations* query collects imports, exports, ``const`` strings/objects/enums (for
   resolving ``Events.ORDER``), variables bound to SDK constructors or factories
   (``new PostHog(key)``, ``AnalyticsBrowser.load(...)``, ``Mixpanel.init(token)``, a TypeScript
   ``client: PostHog`` annotation) and comments (for directives);
2. one *calls* query finds ``call_expression`` nodes whose callee name is one of the specs'
   method names (plus local aliases of imported SDK functions);
3. each candidate becomes a :class:`~tracklint.extract.base.RawCall` and goes through
   :func:`~tracklint.extract.base.match_call`;
4. calls in regions the parser could not read are re-read, and those regions reported, by
   :func:`tracklint.extract.recover.recover` (driven by the JavaScript rows of
   :mod:`tracklint.extract.languages`).

Choices worth knowing:

* ``undefined`` is read like ``null`` (a null literal whose text is ``undefined``), so
  ``analytics.track("X", undefined)`` has no properties, as at runtime.
* Constants: only ``const`` declarations (not ``let``/``var``), TypeScript ``enum`` members with
  string values, ``export default {...}``, ``module.exports = {...}`` / ``exports.X = "..."``.
  A name resolves to the definition in the innermost enclosing scope (the block that holds the
  declaration); two different values in that scope leave it unresolved. Function parameters that
  shadow a constant are not tracked.
* Template literals with ``${}`` are dynamic even when every substitution is a constant.
* Nesting deeper than :data:`MAX_DEPTH` in an argument becomes an ``unknown`` value; value texts
  are cut at :data:`MAX_TEXT_CHARS` characters so that a huge literal costs no quadratic memory.
"""

from __future__ import annotations

import functools
import re
from collections import deque
from dataclasses import dataclass
from typing import Any, Iterable

from tracklint.extract import languages
from tracklint.extract.base import (
    parse_bounded,
    Arg,
    CallSpec,
    Directive,
    FileExtraction,
    Notice,
    RawCall,
    SourceText,
    TrackCall,
    Value,
    literal,
    match_call,
    parse_directive,
    query_cursor,
    unknown,
)
from tracklint.extract.presets import (
    JS_CLIENT_FUNCTIONS,
    JS_CLIENT_MODULES,
    PRESETS,
    method_names,
    value_shapes,
)
from tracklint.extract.recover import is_declared, recover

#: Objects/arrays nested deeper than this inside an argument are not analysed (``unknown``).
MAX_DEPTH = 64
#: Longest ``Value.text`` kept; longer texts end in an ellipsis.
MAX_TEXT_CHARS = 1000
#: How many links of ``const A = B`` alias chains are followed.
MAX_ALIAS_CHAIN = 16
#: Lines of source text kept per call in ``FileExtraction.lines``.
MAX_LINES_PER_CALL = 20

#: Expression wrappers that do not change the value: ``(x)``, ``x as T``, ``x satisfies T``,
#: ``x!``, ``<T>x`` (TypeScript only).
_TRANSPARENT = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression",
     "type_assertion"}
)
_RECEIVER_TRANSPARENT = _TRANSPARENT | {"await_expression"}
_TYPE_NODES_SUFFIX = ("_type", "type_identifier", "type_arguments", "type_annotation")

_GRAMMARS = languages.of_family("js")

_DECL_PATTERNS = (
    "(variable_declarator) @decl",
    "(import_statement) @import",
    "(export_statement) @export",
    "(assignment_expression left: [(member_expression) (identifier)]"
    " right: [(new_expression) (call_expression) (await_expression) (object) (string)"
    " (template_string)]) @assign",
    "(field_definition) @field",
    "(public_field_definition) @field",
    "(enum_declaration) @enum",
    "(required_parameter pattern: (identifier) type: (type_annotation)) @param",
    "(optional_parameter pattern: (identifier) type: (type_annotation)) @param",
    "(comment) @comment",
    "(function_declaration) @function",
)

_JS_ESCAPE = re.compile(
    r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[0-7]{1,3}|\r\n|[\s\S])"
)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


# --------------------------------------------------------------------------- grammars & queries


def _grammar(language: str) -> str:
    return language if language in _GRAMMARS else "javascript"


@functools.cache
def _language(grammar: str) -> Any:
    return languages.grammar(grammar)


@functools.cache
def _parser(grammar: str) -> Any:
    from tree_sitter import Parser

    return Parser(_language(grammar))


@functools.cache
def _decl_query(grammar: str) -> Any:
    """The declarations query, keeping only the patterns this grammar knows."""
    from tree_sitter import Query, QueryError

    language = _language(grammar)
    try:  # TypeScript and TSX know every pattern: one compilation (each costs tens of ms)
        return Query(language, "\n".join(_DECL_PATTERNS))
    except QueryError:
        pass
    valid = []
    for pattern in _DECL_PATTERNS:
        try:
            Query(language, pattern)
        except QueryError:
            continue  # e.g. enum_declaration in plain JavaScript
        valid.append(pattern)
    return Query(language, "\n".join(valid))


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


@functools.lru_cache(maxsize=128)
def _call_query(grammar: str, names: frozenset[str]) -> Any:
    from tree_sitter import Query

    quoted = " ".join(_quote(n) for n in sorted(names))
    source = (
        f"((call_expression function: (identifier) @name) @call (#any-of? @name {quoted}))\n"
        "((call_expression function: (member_expression property: (property_identifier) @name))"
        f" @call (#any-of? @name {quoted}))"
    )
    return Query(_language(grammar), source)


def _captures(query: Any, node: Any) -> dict[str, list[Any]]:
    # base.query_cursor bounds the start depth (tree-sitter's cursor is quadratic on
    # pathological nesting). The binding does not promise document order: sort each list.
    found = query_cursor(query).captures(node)
    return {name: sorted(nodes, key=lambda n: (n.start_byte, -n.end_byte)) for name, nodes in found.items()}


# --------------------------------------------------------------------------- small node helpers


def _named(node: Any) -> list[Any]:
    return [c for c in node.named_children if c.type != "comment"]


def _unwrap(node: Any, wrappers: frozenset[str] = _TRANSPARENT) -> Any:
    """Strip parentheses, ``as``/``satisfies`` casts, ``!`` and ``<T>`` casts (iteratively)."""
    for _ in range(10_000):
        if node is None or node.type not in wrappers:
            return node
        children = [c for c in _named(node) if not c.type.endswith(_TYPE_NODES_SUFFIX)
                    and c.type != "predefined_type"]
        if not children:
            return node
        node = children[-1] if node.type == "type_assertion" else children[0]
    return node


def _text(source: SourceText, node: Any, limit: int = MAX_TEXT_CHARS) -> str:
    if node.end_byte - node.start_byte > limit * 4:
        text = source.text(node.start_byte, node.start_byte + limit * 4)
    else:
        text = source.text(node.start_byte, node.end_byte)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decode_escape(match: re.Match[str]) -> str:
    esc = match.group(1)
    head = esc[0]
    try:
        if head == "u":
            return chr(int(esc[2:-1] if esc.startswith("u{") else esc[1:], 16))
        if head == "x":
            return chr(int(esc[1:], 16))
        if head in "01234567" and not (head == "0" and len(esc) == 1):
            return chr(int(esc, 8))
    except (ValueError, OverflowError):
        return esc
    if esc in ("\n", "\r\n", "\r", "\u2028", "\u2029"):
        return ""  # line continuation
    return _SIMPLE_ESCAPES.get(esc, esc)


def _string_value(source: SourceText, node: Any) -> str | None:
    """The value of a ``string`` node, or of a ``template_string`` without substitutions."""
    if node.type == "string":
        raw = source.text(node.start_byte + 1, node.end_byte - 1) if node.end_byte - node.start_byte >= 2 else ""
    elif node.type == "template_string":
        if any(c.type == "template_substitution" for c in node.named_children):
            return None
        raw = source.text(node.start_byte + 1, node.end_byte - 1) if node.end_byte - node.start_byte >= 2 else ""
        raw = raw.replace("\r\n", "\n")
    else:
        return None
    if node.has_error:
        return None
    return _JS_ESCAPE.sub(_decode_escape, raw) if "\\" in raw else raw


def _number_value(text: str) -> int | float | None:
    t = text.replace("_", "").strip()
    if t.endswith("n"):
        t = t[:-1]
    try:
        low = t.lower()
        if low.startswith(("0x", "0o", "0b")):
            return int(t, 0)
        if low.isdigit() and len(low) > 1 and low.startswith("0"):
            return int(t, 8)  # legacy octal
        if re.fullmatch(r"[0-9]+", t):
            return int(t)
        value = float(t)
        return value
    except ValueError:
        return None


def _dotted(source: SourceText, node: Any) -> str | None:
    """``Events.ORDER`` / ``Events["ORDER"]`` / ``this.props.x`` as a dotted name, else None."""
    parts: list[str] = []
    for _ in range(1000):
        node = _unwrap(node)
        if node is None:
            return None
        kind = node.type
        if kind in ("identifier", "this", "property_identifier", "shorthand_property_identifier"):
            parts.append(source.text(node.start_byte, node.end_byte))
            break
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None or prop.type not in ("property_identifier", "private_property_identifier"):
                return None
            parts.append(source.text(prop.start_byte, prop.end_byte))
            node = node.child_by_field_name("object")
            continue
        if kind == "subscript_expression":
            index = node.child_by_field_name("index")
            key = _string_value(source, index) if index is not None else None
            if key is None:
                return None
            parts.append(key)
            node = node.child_by_field_name("object")
            continue
        return None
    else:
        return None
    return ".".join(reversed(parts))


def _receiver_parts(source: SourceText, node: Any) -> list[str]:
    """The receiver chain with calls, ``?.``, ``!`` and casts removed (see ``RawCall``)."""
    parts: list[str] = []
    for _ in range(10_000):
        node = _unwrap(node, _RECEIVER_TRANSPARENT)
        if node is None:
            parts.append("<expr>")
            break
        kind = node.type
        if kind in ("identifier", "this", "super"):
            parts.append(source.text(node.start_byte, node.end_byte))
            break
        if kind == "member_expression":
            prop = node.child_by_field_name("property")
            parts.append(source.text(prop.start_byte, prop.end_byte) if prop is not None else "<expr>")
            node = node.child_by_field_name("object")
            continue
        if kind == "subscript_expression":
            index = node.child_by_field_name("index")
            key = _string_value(source, index) if index is not None else None
            parts.append(key if key is not None else "[]")
            node = node.child_by_field_name("object")
            continue
        if kind == "call_expression":
            node = node.child_by_field_name("function")
            continue
        if kind == "new_expression":
            node = node.child_by_field_name("constructor")
            continue
        parts.append("<expr>")
        break
    parts.reverse()
    return parts


def _callee_name(source: SourceText, node: Any) -> str | None:
    """``new segment.Analytics()`` -> ``Analytics``; ``AnalyticsBrowser.load`` -> its chain."""
    name = _dotted(source, node)
    return name


def _instance_origin(source: SourceText, value: Any) -> str | None:
    """``new X(...)`` / ``X.load(...)`` / ``await X.init(...)`` -> ``"new:X"``."""
    value = _unwrap(value, _RECEIVER_TRANSPARENT)
    if value is None:
        return None
    if value.type == "new_expression":
        name = _callee_name(source, value.child_by_field_name("constructor"))
        return "new:" + name.rsplit(".", 1)[-1] if name else None
    if value.type == "call_expression":
        fn = _unwrap(value.child_by_field_name("function"))
        if fn is not None and fn.type == "member_expression":
            prop = fn.child_by_field_name("property")
            obj = _dotted(source, fn.child_by_field_name("object"))
            if prop is not None and obj and source.text(prop.start_byte, prop.end_byte) in _factory_methods(source):
                return "new:" + obj.rsplit(".", 1)[-1]
    return None


def _factory_methods(source: SourceText) -> frozenset[str]:
    """Static methods that return an SDK instance in this file's language (preset data)."""
    return value_shapes(source.language).factory_methods


def _module_instance(source: SourceText, model: "_FileModel", value: Any) -> str | None:
    """``ns.createInstance()`` where ``ns`` is an imported SDK module -> that module: the
    instance has the module's functions (``@amplitude/analytics-browser``'s createInstance)."""
    value = _unwrap(value, _RECEIVER_TRANSPARENT)
    if value is None or value.type != "call_expression":
        return None
    fn = _unwrap(value.child_by_field_name("function"))
    if fn is not None and fn.type == "identifier":  # import { createInstance } from '...'
        name = source.text(fn.start_byte, fn.end_byte)
        origin = model.bindings.get(name, "")
        imported = model.aliases.get(name, name)
        if origin.startswith("import:") and imported in _factory_methods(source):
            return origin[len("import:"):]
        return None
    if fn is None or fn.type != "member_expression":
        return None
    obj = fn.child_by_field_name("object")
    prop = fn.child_by_field_name("property")
    if obj is None or prop is None or obj.type != "identifier":
        return None
    if source.text(prop.start_byte, prop.end_byte) not in _factory_methods(source):
        return None
    return model.namespaces.get(source.text(obj.start_byte, obj.end_byte))


def _require_module(source: SourceText, value: Any) -> str | None:
    """``require("mod")`` -> ``"mod"``."""
    value = _unwrap(value, _RECEIVER_TRANSPARENT)
    if value is None or value.type != "call_expression":
        return None
    fn = value.child_by_field_name("function")
    args = value.child_by_field_name("arguments")
    if fn is None or fn.type != "identifier" or source.text(fn.start_byte, fn.end_byte) != "require":
        return None
    named = _named(args) if args is not None and args.type == "arguments" else []
    if len(named) != 1:
        return None
    return _string_value(source, named[0])


def _freeze_inner(source: SourceText, value: Any) -> Any:
    """``Object.freeze({...})`` -> the object (other values unchanged)."""
    value = _unwrap(value)
    if value is not None and value.type == "call_expression":
        fn = value.child_by_field_name("function")
        if fn is not None and _dotted(source, fn) == "Object.freeze":
            args = value.child_by_field_name("arguments")
            named = _named(args) if args is not None else []
            if len(named) == 1:
                return _unwrap(named[0])
    return value


def _type_name(source: SourceText, annotation: Any) -> str | None:
    """``: PostHog`` / ``: PostHog | null | undefined`` -> ``PostHog`` (only a plain or dotted
    type name, alone or with ``null``/``undefined``)."""
    if annotation is None:
        return None
    members, stack = [], list(_named(annotation))
    while stack and len(members) < 2:
        child = stack.pop()
        if child.type == "union_type":
            stack.extend(_named(child))
        elif child.type != "literal_type":  # `| null`, `| undefined`
            members.append(child)
    if len(members) != 1:
        return None
    child = members[0]
    if child.type == "type_identifier":
        return source.text(child.start_byte, child.end_byte)
    if child.type == "nested_type_identifier":
        return source.text(child.start_byte, child.end_byte).rsplit(".", 1)[-1]
    return None


def _type_origin(model: "_FileModel", name: str) -> str:
    """The binding of a value made or typed by the class or type ``name``: ``"new:<client>"``
    when the name is imported from an SDK package (the package's client type for its default
    export), ``"other:<name>"`` when it is imported from any other module (the app's own class:
    evidence against an SDK), else ``"new:<name>"``."""
    imported = model.imports.get(name)
    if imported is None:
        return "new:" + name
    module, exported = imported
    client = JS_CLIENT_MODULES.get(module)
    if client is None:
        return "other:" + name
    return "new:" + (client if exported in ("default", "*") else name)


def _origin(source: SourceText, model: "_FileModel", value: Any) -> str | None:
    """The binding of a variable assigned ``value``: an SDK client made by a constructor, a
    static factory (:func:`_instance_origin`), an SDK hook or factory function
    (``usePostHog()``), a function of this file that returns a client; otherwise
    ``"call:<function>"`` for any other call (what a scoped wrapper's ``from`` names)."""
    origin = _instance_origin(source, value)
    if origin is not None:
        return _type_origin(model, origin[len("new:"):])
    value = _unwrap(value, _RECEIVER_TRANSPARENT)
    if value is None or value.type != "call_expression":
        return None
    fn = _unwrap(value.child_by_field_name("function"))
    callee = _dotted(source, fn) if fn is not None else None
    if callee is None:
        return None
    if callee in model.returns:
        return model.returns[callee]
    module, exported = model.imports.get(callee, ("", ""))
    if module in JS_CLIENT_MODULES and model.aliases.get(callee, callee) in JS_CLIENT_FUNCTIONS:
        return "new:" + JS_CLIENT_MODULES[module]
    return "call:" + callee


#: Return statements looked at per function (a client factory returns near its top).
MAX_RETURN_SCAN = 2000


def _returned_origin(source: SourceText, model: "_FileModel", function: Any) -> str | None:
    """The client a function returns: its return type (``(): PostHog``) or the value of a
    ``return`` (or an arrow's expression body) made by an SDK constructor or factory."""
    typed = _type_name(source, function.child_by_field_name("return_type"))
    if typed:
        return _type_origin(model, typed)
    body = function.child_by_field_name("body")
    if body is None:
        return None
    if body.type != "statement_block":
        found = _origin(source, model, body)
        return found if found is not None and found.startswith("new:") else None
    stack, seen = [body], 0
    while stack and seen < MAX_RETURN_SCAN:
        node = stack.pop()
        seen += 1
        if node.type == "return_statement":
            value = next(iter(_named(node)), None)
            found = _origin(source, model, value) if value is not None else None
            if found is not None and found.startswith("new:"):
                return found
        elif node.type not in ("function_declaration", "function_expression", "arrow_function",
                               "method_definition", "class_declaration"):
            stack.extend(reversed(_named(node)))
    return None


# --------------------------------------------------------------------------- per-file model


@dataclass
class _Def:
    """One constant definition: a string, or an alias to another dotted name."""

    scope_start: int
    scope_end: int
    at: int  # byte offset of the definition (alias chains resolve from here)
    value: str | None = None
    alias: str | None = None


class _FileModel:
    """What the declarations query learned about one file."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.defs: dict[str, list[_Def]] = {}
        self.bindings: dict[str, str] = {}
        self.imports: dict[str, tuple[str, str]] = {}
        self.namespaces: dict[str, str] = {}  # local name -> module, for `ns.track()`
        self.aliases: dict[str, str] = {}  # local name -> imported name (`track as t`)
        self.destructured: dict[str, tuple[str, Any]] = {}  # local -> (key, source expression)
        self.exported: dict[str, str] = {}  # exported name -> local root name
        self.cjs_exports: dict[str, str] = {}  # module.exports keys -> local dotted name
        self.comments: list[Any] = []
        self.returns: dict[str, str] = {}  # function name -> the client it returns ("new:PostHog")
        # names destructured from a hook or factory of another module of the app: a receiver
        # named like an SDK's (`const { track } = useAnalytics()`) is not that SDK's
        self.foreign: set[str] = set()
        # a candidate's receiver is the result of a call: whether that is a client depends on the
        # called function, which a windowed parse may not have seen
        self.local_calls = False

    # ---- constants

    def add_def(self, name: str, scope: Any, at: int, *, value: str | None = None,
                alias: str | None = None) -> None:
        if scope is None or scope.type == "program":
            start, end = 0, len(self.source.data)  # module level, whatever the program node spans
        else:
            start, end = scope.start_byte, scope.end_byte
        self.defs.setdefault(name, []).append(_Def(start, end, at, value, alias))

    def add_object_defs(self, prefix: str, obj: Any, scope: Any) -> None:
        """``const Events = { A: "x", Nested: { B: "y" } }`` -> ``Events.A``, ``Events.Nested.B``."""
        source = self.source
        stack = [(prefix, obj, 0)]
        while stack:
            name, node, depth = stack.pop()
            if depth > MAX_DEPTH:
                continue
            for child in _named(node):
                if child.type == "pair":
                    key = _key_name(source, child.child_by_field_name("key"), self, child.start_byte)
                    val = _freeze_inner(source, child.child_by_field_name("value"))
                    if key is None or val is None:
                        continue
                    self._add_value_def(f"{name}.{key}", val, scope, stack, depth)
                elif child.type == "shorthand_property_identifier":
                    key = source.text(child.start_byte, child.end_byte)
                    self.add_def(f"{name}.{key}", scope, child.start_byte, alias=key)

    def _add_value_def(self, name: str, val: Any, scope: Any, stack: list, depth: int) -> None:
        source = self.source
        text = _string_value(source, val)
        if text is not None:
            self.add_def(name, scope, val.start_byte, value=text)
        elif val.type == "object":
            stack.append((name, val, depth + 1))
        else:
            ref = _dotted(source, val)
            if ref is not None:
                self.add_def(name, scope, val.start_byte, alias=ref)

    def lookup(self, name: str, at: int) -> str | None:
        """The string a dotted name holds at byte ``at``, following ``const A = B`` aliases."""
        seen: set[str] = set()
        for _ in range(MAX_ALIAS_CHAIN):
            found = self._innermost(name, at)
            if found is None:
                # `Events.A.B` where `Events.A` aliases another object: try the longest prefix.
                head, _, tail = name.rpartition(".")
                resolved = None
                while head and resolved is None:
                    d = self._innermost(head, at)
                    if d is not None and d.alias is not None:
                        resolved = (d.alias + "." + tail, d.at)
                        break
                    head, _, more = head.rpartition(".")
                    tail = more + "." + tail
                if resolved is None:
                    return None
                name, at = resolved
            elif found.value is not None:
                return found.value
            elif found.alias is not None:
                name, at = found.alias, found.at
            else:
                return None
            if name in seen:
                return None
            seen.add(name)
        return None

    def _innermost(self, name: str, at: int) -> _Def | None:
        candidates = [d for d in self.defs.get(name, ()) if d.scope_start <= at <= d.scope_end]
        if not candidates:
            return None
        best = max(d.scope_start for d in candidates)
        inner = [d for d in candidates if d.scope_start == best]
        if len({(d.value, d.alias) for d in inner}) > 1:
            return None  # two different definitions in one scope: not a constant
        return inner[0]


def _key_name(source: SourceText, key: Any, model: _FileModel | None, at: int) -> str | None:
    """An object key as a string: identifiers, strings, numbers, constant computed keys."""
    if key is None:
        return None
    kind = key.type
    if kind in ("property_identifier", "identifier", "private_property_identifier"):
        return source.text(key.start_byte, key.end_byte)
    if kind == "string":
        return _string_value(source, key)
    if kind == "number":
        number = _number_value(source.text(key.start_byte, key.end_byte))
        if number is None:
            return None
        if isinstance(number, float) and number.is_integer():
            number = int(number)
        return str(number)
    if kind == "computed_property_name":
        inner = _named(key)
        if len(inner) != 1:
            return None
        value = _unwrap(inner[0])
        text = _string_value(source, value)
        if text is not None:
            return text
        if model is not None:
            ref = _dotted(source, value)
            if ref is not None:
                return model.lookup(ref, at)
    return None


def _scope_of(node: Any) -> Any:
    """The block a declaration is visible in (skipping ``export``)."""
    parent = node.parent
    while parent is not None and parent.type == "export_statement":
        parent = parent.parent
    return parent


def _is_const(declarator: Any) -> bool:
    decl = declarator.parent
    if decl is None or decl.type != "lexical_declaration":
        return False
    kind = decl.child_by_field_name("kind")
    return kind is not None and kind.type == "const"


def _build_model(source: SourceText, root: Any, grammar: str) -> _FileModel:
    model = _FileModel(source)
    caps = _captures(_decl_query(grammar), root)
    for node in caps.get("import", ()):
        _read_import(source, model, node)
    _read_functions(source, model, caps)
    for node in caps.get("decl", ()):
        _read_declarator(source, model, node)
    for node in caps.get("enum", ()):
        _read_enum(source, model, node)
    for node in caps.get("assign", ()):
        _read_assignment(source, model, node)
    for node in caps.get("field", ()):
        name = node.child_by_field_name("name") or node.child_by_field_name("property")
        if name is None:
            continue
        local = source.text(name.start_byte, name.end_byte)
        value = node.child_by_field_name("value")
        origin = _origin(source, model, value) if value is not None else None
        typed = _type_name(source, node.child_by_field_name("type"))
        if typed:
            model.bindings[local] = _type_origin(model, typed)
        elif origin:
            model.bindings[local] = origin
    for node in caps.get("param", ()):
        pattern = node.child_by_field_name("pattern")
        typed = _type_name(source, node.child_by_field_name("type"))
        if pattern is not None and typed:
            model.bindings.setdefault(source.text(pattern.start_byte, pattern.end_byte),
                                      _type_origin(model, typed))
    for node in caps.get("export", ()):
        _read_export(source, model, node)
    model.comments = list(caps.get("comment", ()))
    return model


def _read_functions(source: SourceText, model: _FileModel, caps: dict[str, list[Any]]) -> None:
    """The functions of the file that return an SDK client (``model.returns``), before the
    variables assigned their result are read."""
    named = [(node.child_by_field_name("name"), node) for node in caps.get("function", ())]
    for node in caps.get("decl", ()):
        value = node.child_by_field_name("value")
        if value is not None and value.type in ("arrow_function", "function_expression", "function"):
            named.append((node.child_by_field_name("name"), value))
    for name, function in named:
        if name is None or name.type != "identifier":
            continue
        found = _returned_origin(source, model, function)
        if found is not None:
            local = source.text(name.start_byte, name.end_byte)
            model.returns[local] = found
            model.bindings.setdefault(local, found)  # `makeClient()?.capture(...)`


def _read_import(source: SourceText, model: _FileModel, node: Any) -> None:
    src = node.child_by_field_name("source")
    module = _string_value(source, src) if src is not None else None
    if module is None:
        return
    for clause in node.named_children:
        if clause.type != "import_clause":
            continue
        for part in clause.named_children:
            if part.type == "identifier":  # default import
                local = source.text(part.start_byte, part.end_byte)
                model.imports[local] = (module, "default")
                model.bindings[local] = "import:" + module
                model.namespaces[local] = module
            elif part.type == "namespace_import":
                for ident in part.named_children:
                    if ident.type == "identifier":
                        local = source.text(ident.start_byte, ident.end_byte)
                        model.imports[local] = (module, "*")
                        model.bindings[local] = "import:" + module
                        model.namespaces[local] = module
            elif part.type == "named_imports":
                for spec in part.named_children:
                    if spec.type != "import_specifier":
                        continue
                    name = spec.child_by_field_name("name")
                    alias = spec.child_by_field_name("alias")
                    if name is None:
                        continue
                    imported = _string_value(source, name) if name.type == "string" else \
                        source.text(name.start_byte, name.end_byte)
                    if imported is None:
                        continue
                    local = source.text(alias.start_byte, alias.end_byte) if alias is not None else imported
                    model.imports[local] = (module, imported)
                    model.bindings[local] = "import:" + module
                    if local != imported:
                        model.aliases[local] = imported


def _read_declarator(source: SourceText, model: _FileModel, node: Any) -> None:
    name = node.child_by_field_name("name")
    raw_value = node.child_by_field_name("value")
    if name is None:
        return
    value = _freeze_inner(source, raw_value) if raw_value is not None else None
    is_const = _is_const(node)
    scope = _scope_of(node.parent) if node.parent is not None else None
    if name.type == "identifier":
        local = source.text(name.start_byte, name.end_byte)
        typed = _type_name(source, node.child_by_field_name("type"))
        if typed:
            model.bindings[local] = _type_origin(model, typed)
        if value is None:
            return
        origin = _origin(source, model, value)
        module = _require_module(source, value)
        if origin is not None and origin.startswith("call:") and (
                typed or module is not None or model.bindings.get(local, "").startswith("new:")):
            origin = None  # an annotation, a require() or an SDK client says more than `call:`
        instance_of = _module_instance(source, model, value)
        if instance_of is not None:
            model.namespaces[local] = instance_of
        if origin:
            model.bindings[local] = origin
        elif module is not None:
            model.imports[local] = (module, "*")
            model.bindings[local] = "import:" + module
            model.namespaces[local] = module
        if not is_const:
            return
        text = _string_value(source, value)
        if text is not None:
            model.add_def(local, scope, value.start_byte, value=text)
        elif value.type == "object":
            model.add_object_defs(local, value, scope)
        else:
            ref = _dotted(source, value)
            if ref is not None:
                model.add_def(local, scope, value.start_byte, alias=ref)
    elif name.type == "object_pattern" and value is not None:
        module = _require_module(source, value)
        origin_ref = _dotted(source, value)
        called = _origin(source, model, value)
        foreign = called is not None and called.startswith("call:") \
            and model.imports.get(called[len("call:"):], ("",))[0] not in JS_CLIENT_MODULES
        for part in name.named_children:
            if part.type == "shorthand_property_identifier_pattern":
                key = local = source.text(part.start_byte, part.end_byte)
            elif part.type == "pair_pattern":
                k = part.child_by_field_name("key")
                v = part.child_by_field_name("value")
                if k is None or v is None or v.type != "identifier":
                    continue
                key = _key_name(source, k, None, part.start_byte)
                local = source.text(v.start_byte, v.end_byte)
                if key is None:
                    continue
            else:
                continue
            if module is not None:
                model.imports[local] = (module, key)
                model.bindings[local] = "import:" + module
                if local != key:
                    model.aliases[local] = key
                continue
            model.destructured[local] = (key, value)
            if called is not None and called.startswith("call:"):
                model.bindings[local] = called  # `const { capture } = useCapture()`
                if foreign and called[len("call:"):] in model.imports:
                    model.foreign.add(local)
            if is_const and origin_ref is not None:
                model.add_def(local, scope, part.start_byte, alias=f"{origin_ref}.{key}")
    elif name.type == "array_pattern" and value is not None:
        first = next(iter(_named(name)), None)
        origin = _instance_origin(source, value)
        origin = _type_origin(model, origin[len("new:"):]) if origin else None
        if first is not None and first.type == "identifier" and origin:
            model.bindings[source.text(first.start_byte, first.end_byte)] = origin


def _read_enum(source: SourceText, model: _FileModel, node: Any) -> None:
    name = node.child_by_field_name("name")
    body = node.child_by_field_name("body")
    if name is None or body is None:
        return
    enum = source.text(name.start_byte, name.end_byte)
    scope = _scope_of(node)
    for member in body.named_children:
        if member.type != "enum_assignment":
            continue
        key = _key_name(source, member.child_by_field_name("name"), None, member.start_byte)
        value = member.child_by_field_name("value")
        text = _string_value(source, _unwrap(value)) if value is not None else None
        if key is not None and text is not None:
            model.add_def(f"{enum}.{key}", scope, member.start_byte, value=text)


def _read_assignment(source: SourceText, model: _FileModel, node: Any) -> None:
    left = node.child_by_field_name("left")
    right = node.child_by_field_name("right")
    if left is None or right is None:
        return
    origin = _origin(source, model, right)
    target = _dotted(source, left)
    if target is None:
        return
    parts = target.split(".")
    if origin is not None and not origin.startswith("new:") and parts[-1] in model.bindings:
        origin = None  # `x = f()` keeps what a declaration or an SDK constructor said x is
    if len(parts) == 1 and (instance_of := _module_instance(source, model, right)) is not None:
        model.namespaces[parts[0]] = instance_of
    if origin and (len(parts) == 1 or (len(parts) == 2 and parts[0] == "this")):
        model.bindings[parts[-1]] = origin
        return
    top_level = node.parent is not None and node.parent.parent is not None \
        and node.parent.parent.type == "program"
    if not top_level:
        return
    value = _freeze_inner(source, right)
    if target == "module.exports" and value is not None and value.type == "object":
        model.add_object_defs("default", value, None)
        model.exported["default"] = "default"
        for pair in value.named_children:
            key = None
            if pair.type == "pair":
                key = _key_name(source, pair.child_by_field_name("key"), None, pair.start_byte)
            elif pair.type == "shorthand_property_identifier":
                key = source.text(pair.start_byte, pair.end_byte)
            if key is not None:
                model.cjs_exports[key] = "default." + key
    elif len(parts) >= 2 and (parts[0] == "exports" or parts[:2] == ["module", "exports"]):
        key = ".".join(parts[1:] if parts[0] == "exports" else parts[2:])
        if not key:
            return
        text = _string_value(source, value) if value is not None else None
        if text is not None:
            model.add_def("default." + key, None, value.start_byte, value=text)
        elif value is not None and value.type == "object":
            model.add_object_defs("default." + key, value, None)
        else:
            return
        model.exported["default"] = "default"
        model.cjs_exports[key] = "default." + key


def _read_export(source: SourceText, model: _FileModel, node: Any) -> None:
    if node.parent is None or node.parent.type != "program":
        return
    if node.child_by_field_name("source") is not None:
        return  # `export { X } from './y'`: a re-export, not resolved here
    decl = node.child_by_field_name("declaration")
    if decl is not None:
        if decl.type == "lexical_declaration":
            for declarator in decl.named_children:
                if declarator.type == "variable_declarator":
                    name = declarator.child_by_field_name("name")
                    if name is not None and name.type == "identifier":
                        local = source.text(name.start_byte, name.end_byte)
                        model.exported[local] = local
        elif decl.type in ("enum_declaration", "function_declaration"):
            name = decl.child_by_field_name("name")
            if name is not None:
                local = source.text(name.start_byte, name.end_byte)
                model.exported[local] = local
        return
    value = node.child_by_field_name("value")
    if value is not None:  # export default ...
        inner = _freeze_inner(source, value)
        text = _string_value(source, inner) if inner is not None else None
        if text is not None:
            model.add_def("default", None, inner.start_byte, value=text)
        elif inner is not None and inner.type == "object":
            model.add_object_defs("default", inner, None)
        elif inner is not None and (ref := _dotted(source, inner)) is not None:
            model.add_def("default", None, inner.start_byte, alias=ref)
        model.exported["default"] = "default"
        return
    for clause in node.named_children:
        if clause.type != "export_clause":
            continue
        for spec in clause.named_children:
            if spec.type != "export_specifier":
                continue
            name = spec.child_by_field_name("name")
            alias = spec.child_by_field_name("alias")
            if name is None:
                continue
            local = source.text(name.start_byte, name.end_byte)
            exported = source.text(alias.start_byte, alias.end_byte) if alias is not None else local
            if alias is not None and alias.type == "string":
                exported = _string_value(source, alias) or exported
            model.exported[exported] = local


def _clients(model: _FileModel) -> dict[str, str]:
    """``FileExtraction.clients``: the exported names bound to an SDK client, and the exported
    functions that return one (as ``name()``)."""
    out: dict[str, str] = {}
    for exported, local in model.exported.items():
        binding = model.bindings.get(local, "")
        if binding.startswith("new:"):
            out[exported] = binding
        if local in model.returns and model.returns[local].startswith("new:"):
            out[exported + "()"] = model.returns[local]
    return out


def _exports(model: _FileModel) -> dict[str, str]:
    """``FileExtraction.exports``: exported string constants by their exported dotted name."""
    out: dict[str, str] = {}
    program_end = len(model.source.data)
    by_root: dict[str, list[str]] = {}
    for name, defs in model.defs.items():
        if any(d.scope_start == 0 and d.scope_end == program_end for d in defs):
            by_root.setdefault(name.split(".", 1)[0], []).append(name)
    for exported, local in model.exported.items():
        for name in by_root.get(local, ()):
            value = model.lookup(name, program_end)
            if value is not None:
                out[exported + name[len(local):]] = value
        # `export default Events` / `const E = Events; export { E }`: the alias's object keys.
        target = model._innermost(local, program_end)
        if target is not None and target.alias is not None and "." not in target.alias:
            for name in by_root.get(target.alias, ()):
                value = model.lookup(name, program_end)
                if value is not None and name != target.alias:
                    out.setdefault(exported + name[len(target.alias):], value)
    for key, local in model.cjs_exports.items():
        for name in by_root.get("default", ()):
            if name == local or name.startswith(local + "."):
                value = model.lookup(name, program_end)
                if value is not None:
                    out[key + name[len(local):]] = value
    return out


# --------------------------------------------------------------------------- values


def _convert(source: SourceText, model: _FileModel, node: Any, at: int) -> Value:
    """An argument expression as a :class:`Value`, breadth-first with an explicit queue."""
    holder: dict[str, Value] = {}
    queue: deque[tuple[Any, Any, Any, int]] = deque([(node, holder, "root", 0)])
    while queue:
        expr, parent, slot, depth = queue.popleft()
        value = _scalar(source, model, expr, at, depth)
        if value is None:  # object or array: children go on the queue
            inner = _unwrap(expr)
            text = _text(source, expr)
            span = source.span(expr.start_byte, expr.end_byte)
            if inner.type == "object":
                value = Value(type="object", properties={}, kind="literal", text=text, span=span)
                for child in _named(inner):
                    if child.type == "pair":
                        key_node = child.child_by_field_name("key")
                        key = _key_name(source, key_node, model, at)
                        val = child.child_by_field_name("value")
                        if key is None or val is None:
                            value.open = True
                            continue
                        value.properties.pop(key, None)  # a later duplicate key wins
                        value.properties[key] = None  # type: ignore[assignment]
                        queue.append((val, value, ("key", key, key_node), depth + 1))
                    elif child.type == "shorthand_property_identifier":
                        key = source.text(child.start_byte, child.end_byte)
                        value.properties.pop(key, None)
                        value.properties[key] = None  # type: ignore[assignment]
                        queue.append((child, value, ("key", key, child), depth + 1))
                    elif child.type == "spread_element":
                        value.open = True
                    # method_definition (methods, getters, setters): not data; ignored
            else:  # array
                value = Value(type="array", items=[], kind="literal", text=text, span=span)
                for child in _named(inner):
                    if child.type == "spread_element":
                        value.open = True
                        continue
                    value.items.append(None)  # type: ignore[arg-type]
                    queue.append((child, value, ("item", len(value.items) - 1, None), depth + 1))
        if parent is holder:
            holder["root"] = value
        elif slot[0] == "key":
            _, key, key_node = slot
            value.key_span = source.span(key_node.start_byte, key_node.end_byte)
            parent.properties[key] = value
        else:
            parent.items[slot[1]] = value
    return holder["root"]


def _scalar(source: SourceText, model: _FileModel, expr: Any, at: int, depth: int) -> Value | None:
    """A non-container expression as a Value; None for an object/array literal to expand."""
    span = source.span(expr.start_byte, expr.end_byte)
    text = _text(source, expr)
    node = _unwrap(expr)
    if node is None:
        return unknown(text, span=span)
    kind = node.type
    if kind in ("object", "array"):
        if depth > MAX_DEPTH:
            return unknown(text, span=span)
        return None
    if kind == "shorthand_property_identifier":
        kind = "identifier"
    if kind in ("string", "template_string"):
        value = _string_value(source, node)
        if value is not None:
            return literal(value, text=text, span=span)
        return unknown(text, span=span)
    if kind == "number":
        number = _number_value(source.text(node.start_byte, node.end_byte))
        return literal(number, text=text, span=span) if number is not None else unknown(text, span=span)
    if kind == "unary_expression":
        op = node.child_by_field_name("operator")
        arg = _unwrap(node.child_by_field_name("argument"))
        if op is not None and arg is not None and arg.type == "number" and op.type in ("-", "+"):
            number = _number_value(source.text(arg.start_byte, arg.end_byte))
            if number is not None:
                return literal(-number if op.type == "-" else number, text=text, span=span)
        return unknown(text, span=span)
    if kind == "true":
        return literal(True, text=text, span=span)
    if kind == "false":
        return literal(False, text=text, span=span)
    if kind in ("null", "undefined"):
        return literal(None, text=text, span=span)
    if kind in ("identifier", "member_expression", "subscript_expression", "this"):
        if kind == "identifier" and source.text(node.start_byte, node.end_byte) == "undefined":
            return literal(None, text=text, span=span)
        ref = _dotted(source, node)
        if ref is not None:
            resolved = model.lookup(ref, at)
            if resolved is not None:
                return Value(type="string", value=resolved, known=True, kind="constant", text=text,
                             span=span, ref=ref)
        return unknown(text, span=span, ref=ref)
    if kind in ("call_expression", "new_expression"):
        callee = node.child_by_field_name("function" if kind == "call_expression" else "constructor")
        result = unknown(text, span=span)
        result.ctor = _dotted(source, callee) if callee is not None else None
        return result
    return unknown(text, span=span)


# --------------------------------------------------------------------------- calls


def _args(source: SourceText, model: _FileModel, arguments: Any, at: int) -> tuple[list[Arg], bool]:
    args: list[Arg] = []
    splat = False
    for child in _named(arguments):
        if child.type == "spread_element":
            splat = True
            break  # positions after a spread are unknown
        args.append(Arg(_convert(source, model, child, at), position=len(args)))
    return args, splat


def _candidates(raw: RawCall, model: _FileModel) -> Iterable[tuple[RawCall, dict[str, str]]]:
    """The call as written, then the readings that imports and destructuring allow."""
    yield raw, model.bindings
    if not raw.receiver_parts:
        local = raw.method
        if local in model.aliases:  # import { track as ampTrack } from '...'
            imported = model.aliases[local]
            bindings = dict(model.bindings)
            bindings[imported] = model.bindings.get(local, "")
            yield RawCall(imported, [], raw.receiver_text, raw.args, raw.span, raw.language,
                          raw.has_splat), bindings
        if local in model.destructured:  # const { track } = analytics
            key, origin = model.destructured[local]
            parts = _receiver_parts(model.source, origin)
            yield RawCall(key, parts, _text(model.source, origin), raw.args, raw.span, raw.language,
                          raw.has_splat), model.bindings
    elif len(raw.receiver_parts) == 1 and raw.receiver_parts[0] in model.namespaces:
        # import * as amp from '@amplitude/analytics-browser'; amp.track(...)
        bindings = dict(model.bindings)
        bindings[raw.method] = "import:" + model.namespaces[raw.receiver_parts[0]]
        yield RawCall(raw.method, [], raw.receiver_text, raw.args, raw.span, raw.language,
                      raw.has_splat), bindings


def _extract_call(source: SourceText, model: _FileModel, call: Any, specs: list[CallSpec],
                  pending: list[tuple[TrackCall, str, str, str]] | None = None) -> TrackCall | None:
    fn = call.child_by_field_name("function")
    arguments = call.child_by_field_name("arguments")
    if fn is None or arguments is None or arguments.type != "arguments":
        return None  # e.g. a tagged template: track`...`
    if fn.type == "identifier":
        method = source.text(fn.start_byte, fn.end_byte)
        parts: list[str] = []
        receiver_text = ""
    else:
        prop = fn.child_by_field_name("property")
        obj = fn.child_by_field_name("object")
        if prop is None or obj is None:
            return None
        method = source.text(prop.start_byte, prop.end_byte)
        parts = _receiver_parts(source, obj)
        receiver_text = _text(source, obj)
    args, splat = _args(source, model, arguments, call.start_byte)
    raw = RawCall(method, parts, receiver_text, args, source.span(call.start_byte, call.end_byte),
                  source.language, has_splat=splat)
    for candidate, bindings in _candidates(raw, model):
        found = match_call(candidate, specs, path=source.path, bindings=bindings)
        if found is not None:
            if found.sdk in PRESETS and _foreign(model, raw):
                found.sdk = "unknown"  # named like an SDK's client, but the code says otherwise
            return found
    if len(parts) == 1 and model.bindings.get(parts[0], "").startswith("call:"):
        model.local_calls = True  # `c = makeClient()`: the function may return a client
    imported = _imported_client(model, raw)
    if imported is not None and pending is not None:
        # a client another module of the project may bind: one reading per client type, kept
        # until linking knows what that module binds (extract.linking.resolve_clients)
        root = raw.receiver_parts[0]
        for client in sorted(set(JS_CLIENT_MODULES.values())):
            bindings = dict(model.bindings)
            bindings[root] = "new:" + client
            found = match_call(raw, specs, path=source.path, bindings=bindings)
            if found is not None:
                pending.append((found, imported[0], imported[1], "new:" + client))
    return None


def _imported_client(model: _FileModel, raw: RawCall) -> tuple[str, str] | None:
    """(module, exported name) of the project module a receiver may come from: the receiver
    itself imported (``import { posthog } from "@/lib/posthog"``), or assigned the result of an
    imported function (``const ph = getPostHog()``: the name ``getPostHog()``)."""
    if len(raw.receiver_parts) != 1:
        return None
    root = raw.receiver_parts[0]
    imported = model.imports.get(root)
    suffix = ""
    if imported is None:
        origin = model.bindings.get(root, "")
        if not origin.startswith("call:"):
            return None
        imported, suffix = model.imports.get(origin[len("call:"):]), "()"
    if imported is None or imported[0] in JS_CLIENT_MODULES or imported[1] == "*":
        return None
    return imported[0], imported[1] + suffix


def _foreign(model: _FileModel, raw: RawCall) -> bool:
    """Whether the call's receiver (or bare function) is known to be the app's own object: typed
    as or made by a class of another module of the app, or destructured from the app's hook."""
    parts = raw.receiver_parts
    if not parts:
        return raw.method in model.foreign
    if len(parts) == 1 or (len(parts) == 2 and parts[0] == "this"):
        return model.bindings.get(parts[-1], "").startswith("other:")
    return False


# --------------------------------------------------------------------------- comments


def _directives(source: SourceText, comments: Iterable[Any]) -> list[Directive]:
    out = []
    for node in comments:
        text = source.text(node.start_byte, node.end_byte)
        if "tracklint" not in text:
            continue
        parsed = parse_directive(text)
        if parsed is None:
            continue
        codes, file_level = parsed
        span = source.span(node.start_byte, node.end_byte)
        in_jsx = node.parent is not None and node.parent.type == "jsx_expression"
        line = source.index.line_bytes(span.line - 1)
        row_start = source.index.starts[span.line - 1]
        before = line[: node.start_byte - row_start].strip()
        end_line = source.index.line_bytes(span.end_line - 1)
        end_start = source.index.starts[span.end_line - 1]
        after = end_line[node.end_byte - end_start:].strip()
        if in_jsx:
            before, after = before.rstrip(b"{").strip(), after.lstrip(b"}").strip()
        out.append(Directive(line=span.line, codes=codes, file_level=file_level, column=span.column,
                             end_column=span.end_column, own_line=not before and not after))
    return out


# --------------------------------------------------------------------------- entry point


def prepare(specs: list[CallSpec], languages: set[str]) -> None:
    """Load the grammars of ``languages`` and compile the queries :func:`extract` uses for them
    (see ``tracklint.extract.prepare``; a file's own aliases may still need a query of theirs)."""
    for language in sorted(languages):
        grammar = _grammar(language)
        _parser(grammar)
        _decl_query(grammar)
        names = frozenset(method_names(specs, language))
        if names:
            _call_query(grammar, names)


def extract(source: SourceText, specs: list[CallSpec]) -> FileExtraction:
    """Every analytics call in one JavaScript/TypeScript file (see the module docstring)."""
    result = FileExtraction(path=source.path, language=source.language)
    try:
        _extract_into(result, source, specs)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise on any input
        result.notices.append(Notice(source.path, "internal",
                                     f"JavaScript extractor failed ({type(exc).__name__}: {exc}); "
                                     "calls in this file may be missing"))
    return result


def _extract_into(result: FileExtraction, source: SourceText, specs: list[CallSpec]) -> None:
    grammar = _grammar(source.language)
    tree = parse_bounded(_parser(grammar), source.data, ranges=source.parse_ranges())
    root = tree.root_node
    model = _build_model(source, root, grammar)
    result.imports = dict(model.imports)
    result.exports = _exports(model)
    result.clients = _clients(model)
    result.directives = _directives(source, model.comments)

    names = method_names(specs, source.language)
    query_names = set(names)
    query_names.update(local for local, imported in model.aliases.items() if imported in names)
    query_names.update(local for local, (key, _) in model.destructured.items() if key in names)
    if not query_names:
        return
    reader = _Calls(source, model, _call_query(grammar, frozenset(query_names)), specs, result)
    reader.read(root)
    if source.ranges is not None and model.local_calls:
        # not equivalent to a whole parse (extract.windows falls back on this notice)
        result.notices.append(Notice(source.path, "reparse", "windowed parse: a receiver is "
                                     "a call's result whose function may be hidden"))
    recover(source, root, tuple(sorted(query_names)), reader.covered, result, reader.read,
            reader.doubtful)
    # recovered calls come last; the order of the others is unchanged
    result.calls.sort(key=lambda c: (c.span.start_byte, -c.span.end_byte))


class _Calls:
    """Reads the candidate calls under a tree (the file's, or a fragment's that
    :func:`~tracklint.extract.recover.recover` re-parsed), keeping the bookkeeping recovery needs:
    the method-name offsets of every candidate seen (``covered``) and of those only partly read
    that matched no spec (``doubtful``)."""

    def __init__(self, source: SourceText, model: _FileModel, query: Any, specs: list[CallSpec],
                 result: FileExtraction) -> None:
        self.source, self.model, self.query = source, model, query
        self.specs, self.result = specs, result
        self.covered: set[int] = set()
        self.doubtful: set[int] = set()

    def read(self, root: Any) -> None:
        source, result = self.source, self.result
        for call in _captures(self.query, root).get("call", ()):
            fn = call.child_by_field_name("function")
            name = fn.child_by_field_name("property") if fn.type == "member_expression" else fn
            if name is None or name.start_byte in self.covered:
                continue
            self.covered.add(name.start_byte)
            arguments = call.child_by_field_name("arguments")
            if root.has_error and arguments is not None \
                    and is_declared(source, name.start_byte, arguments.start_byte):
                continue  # `function track(` / `track(e) {` that an error nearby made a call
            try:
                found = _extract_call(source, self.model, call, self.specs, result.pending)
            except RecursionError:
                found = None
            # A candidate the parser only partly read that matched no spec is not taken as
            # read: recovery looks at it again.
            if found is None and call.has_error:
                self.doubtful.add(name.start_byte)
            else:
                self.doubtful.discard(name.start_byte)
            if found is None:
                if result.pending and result.pending[-1][0].span.start_byte == call.start_byte:
                    self._keep_lines(result.pending[-1][0])
                continue
            result.calls.append(found)
            self._keep_lines(found)

    def _keep_lines(self, found: TrackCall) -> None:
        last = min(found.span.end_line, found.span.line + MAX_LINES_PER_CALL - 1)
        for line in range(found.span.line, last + 1):
            if line not in self.result.lines:
                self.result.lines[line] = self.source.index.line_text(line)


def name_origins(source: SourceText) -> dict[str, str]:
    """Where the file's names come from, as a scoped wrapper (``from``/``module``) sees them:
    ``call:useCapture`` for ``const capture = useCapture()`` (destructured too),
    ``import:@/lib/analytics`` for an import (wrapper discovery proposes the scope from these)."""
    grammar = _grammar(source.language)
    root = parse_bounded(_parser(grammar), source.data).root_node
    return dict(_build_model(source, root, grammar).bindings)
