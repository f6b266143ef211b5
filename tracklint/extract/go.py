"""Go extractor: analytics calls in ``.go`` files, read with tree-sitter-go.

Go's analytics SDKs are message-style: one send method takes a struct literal whose type says
what is sent (``client.Enqueue(analytics.Track{Event: "X", Properties: ...})``). This module
turns such a literal into an object :class:`~tracklint.extract.base.Value` whose ``ctor`` names
the type *by the package it comes from*, so that the presets can tell Segment's
``analytics.Track`` from RudderStack's (both packages are called ``analytics``):

* a package-qualified name (``analytics.Track``, ``posthog.NewWithConfig``) is written with the
  import path of its package, without the host and the major version
  (``github.com/segmentio/analytics-go/v3`` -> ``segmentio/analytics-go.Track``,
  ``gopkg.in/segmentio/analytics-go.v3`` the same); the local name of an import without an
  alias is guessed as ``goimports`` does (``analytics-go`` -> ``analytics``);
* an unqualified name is in the file's own package: ``Track{...}`` in ``package analytics`` is
  ``analytics.Track`` (the SDKs' own tests).

Receivers: a variable, parameter, struct field or package variable is bound (``new:...``) to
the function that made it (``client, _ := posthog.NewWithConfig(...)``, or a function of this
file whose result type is known) or to its declared type (``client analytics.Client``). Bindings
made inside a function hold in that function only. Inside a method, its receiver variable is
written ``this`` (``s.client.Enqueue`` -> ``this.client``), so that a field's binding applies.

Values: struct and map literals (keyed elements), slices, ``&T{...}``, property builders from
the presets (``analytics.NewProperties().Set("k", v)``), string constants (``const`` at any
level, typed or not, exported as ``Name`` and ``package.Name`` for other files of the project),
and function-local variables defined once in their function (``track := analytics.Track{...};
client.Enqueue(track)``).

The shared :mod:`tracklint.extract.driver` runs the calls query, finds deeper calls with
:func:`_call_shape`, matches the specs and re-reads the calls the parser could not read.
"""

from __future__ import annotations

import dataclasses
import bisect
import functools
import re

from tree_sitter import Node, Query

from tracklint.extract import driver, languages
from tracklint.extract.base import (
    Arg,
    FileExtraction,
    RawCall,
    SourceText,
    Value,
    literal,
    unknown,
)
from tracklint.extract.presets import value_shapes

LANGUAGE = "go"

#: Nesting depth after which an argument expression is reported as unknown instead of analysed.
MAX_DEPTH = 48

_VERSION_RE = re.compile(r"^v[0-9]+$")
_STRING_TYPES = ("interpreted_string_literal", "raw_string_literal")
_FUNCTIONS = ("function_declaration", "method_declaration")
_DECLARATIONS_QUERY = """
(package_clause (package_identifier) @package)
(import_spec) @import
(const_spec) @const
(var_spec) @var
(short_var_declaration) @short
(assignment_statement) @assign
(parameter_declaration) @param
(variadic_parameter_declaration) @param
(field_declaration) @field
(function_declaration) @func
(method_declaration) @func
(range_clause) @range
(comment) @comment
"""


@functools.cache
def _declarations_query() -> Query:
    return Query(languages.grammar(LANGUAGE), _DECLARATIONS_QUERY)


def _calls_query_source(alternatives: str) -> str:
    """``recv.Name(...)`` and ``Name(...)``; a call read on its own at the top of a fragment
    parses as a type conversion (``client.Enqueue(x)`` looks like ``pkg.Type(x)``)."""
    return f"""
(call_expression function: (selector_expression field: (field_identifier) @method)
  arguments: (argument_list) @args (#any-of? @method {alternatives})) @call
(call_expression function: (identifier) @method
  arguments: (argument_list) @args (#any-of? @method {alternatives})) @call
(type_conversion_expression type: (qualified_type name: (type_identifier) @method)
  operand: (_) @args (#any-of? @method {alternatives})) @call
"""


def _call_shape(method: Node) -> tuple[Node, Node] | None:
    """(call, argument list) when ``method`` names the function a call calls; for a call read
    as a type conversion (see :func:`_calls_query_source`), (conversion, operand)."""
    parent = method.parent
    if parent is None:
        return None
    if method.type == "type_identifier":
        conversion = parent.parent if parent.type == "qualified_type" else None
        if (conversion is None or conversion.type != "type_conversion_expression"
                or conversion.child_by_field_name("type") != parent
                or parent.child_by_field_name("name") != method):
            return None
        operand = conversion.child_by_field_name("operand")
        return (conversion, operand) if operand is not None else None
    callee = method
    if parent.type == "selector_expression" and parent.child_by_field_name("field") == method:
        callee, parent = parent, parent.parent
    if parent is None or parent.type != "call_expression":
        return None
    arguments = parent.child_by_field_name("arguments")
    if parent.child_by_field_name("function") != callee or arguments is None:
        return None
    return parent, arguments


def module_key(path: str) -> str:
    """An import path without its host and major version, lower-cased: the name the presets
    give a Go package (``github.com/segmentio/analytics-go/v3`` -> ``segmentio/analytics-go``)."""
    parts = [p for p in path.strip().lower().split("/") if p]
    if len(parts) > 1 and "." in parts[0]:
        parts = parts[1:]
    if len(parts) > 1 and _VERSION_RE.match(parts[-1]):
        parts = parts[:-1]
    if parts:
        parts[-1] = re.sub(r"\.v[0-9]+$", "", parts[-1])
    return "/".join(parts)


def assumed_name(path: str) -> str:
    """The package name an unaliased import is used by, guessed from its path as goimports
    does: the last element that is not a major version, without a ``go-`` prefix, up to the
    first character that cannot be in a name (``analytics-go`` -> ``analytics``)."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        return ""
    last = parts[-1]
    if len(parts) > 1 and _VERSION_RE.match(last):
        last = parts[-2]
    last = re.sub(r"\.v[0-9]+$", "", last)
    last = last.removeprefix("go-")
    match = re.match(r"[A-Za-z0-9_]*", last)
    return match.group() if match else ""


def _named(node: Node) -> list[Node]:
    return [c for c in node.children if c.is_named and c.type != "comment"]


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
            "\\": "\\", "'": "'", '"': '"'}


def go_string(text: str) -> str | None:
    """The value of a Go string literal's source text (None when it cannot be decoded)."""
    if len(text) >= 2 and text[0] == text[-1] == "`":
        return text[1:-1].replace("\r", "")
    if not (len(text) >= 2 and text[0] == text[-1] == '"'):
        return None
    content, out, i = text[1:-1], [], 0
    while i < len(content):
        ch = content[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = content[i + 1:i + 2]
        if nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
            continue
        width = {"x": 2, "u": 4, "U": 8}.get(nxt)
        digits = content[i + 2:i + 2 + width] if width else content[i + 1:i + 4]
        base, allowed = (16, "0123456789abcdefABCDEF") if width else (8, "01234567")
        if len(digits) != (width or 3) or not all(c in allowed for c in digits):
            return None
        code = int(digits, base)
        if code > 0x10FFFF or (width and 0xD800 <= code <= 0xDFFF):
            return None  # not a character (Go rejects surrogate halves too)
        out.append(chr(code))
        i += 2 + width if width else 4
    return "".join(out)


def _go_number(text: str) -> int | float | None:
    clean = text.replace("_", "")
    try:
        if clean[:2].lower() in ("0x", "0b", "0o"):
            return int(clean, 0)
        if clean.isdigit():
            return int(clean, 8) if len(clean) > 1 and clean[0] == "0" else int(clean)
        return float(clean)
    except ValueError:
        return None


class _Reader(driver.FileReader):
    """Per-file knowledge: package, imports, constants, local variables and bindings, and the
    expression-to-Value conversion."""

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self.imports: dict[str, str] = {}  # local package name -> module key
        #: (function start byte, name) -> the values a function's variable is given, in order
        #: (None: a parameter, a range variable or an unreadable value)
        self.definitions: dict[tuple[int, str], list[Node | None]] = {}
        self.results: dict[str, str] = {}  # function name -> qualified result type
        self.file_bindings: dict[str, str] = {}
        self.function_bindings: dict[int, dict[str, str]] = {}
        self.receivers: dict[int, str] = {}  # method start byte -> its receiver's name
        # self.bindings: those of the call being read (raw_call sets them: they are per function)
        self.shapes = value_shapes(LANGUAGE)
        self.named_setters = dict(self.shapes.named_setters)
        self._memo: dict[int, Value] = {}
        #: the byte ranges of the file's functions and methods (all at the top level in Go)
        self._function_starts: list[int] = []
        self._function_ends: list[int] = []

    def function_at(self, offset: int) -> int:
        """The start byte of the function or method declaration around ``offset``, -1 at package
        level (by offset, not by walking up the tree: ``Node.parent`` costs the node's depth,
        and a call re-read on its own during recovery comes in a tree of its own)."""
        i = bisect.bisect_right(self._function_starts, offset) - 1
        return self._function_starts[i] if i >= 0 and offset < self._function_ends[i] else -1

    # -- declarations -------------------------------------------------------------------------

    def collect(self, root: Node, result: FileExtraction) -> None:
        captures = self.captures(_declarations_query(), root)
        for node in captures.get("func", ()):  # in source order: an outer one comes first
            if not self._function_ends or node.start_byte >= self._function_ends[-1]:
                self._function_starts.append(node.start_byte)
                self._function_ends.append(node.end_byte)
        for node in captures.get("package", ()):
            self.package = self.text(node)
        for node in captures.get("import", ()):
            self._import(node)
        for node in captures.get("func", ()):
            self._function(node)
        for node in captures.get("const", ()):
            self._const(node, result)
        definitions = [(node.start_byte, kind, node) for kind in ("var", "short", "assign", "range")
                       for node in captures.get(kind, ())]
        for _, kind, node in sorted(definitions, key=lambda d: d[0]):  # the first binding wins
            self._definition(node, kind)
        for node in captures.get("param", ()):
            self._parameter(node)
        for node in captures.get("field", ()):
            self._field(node)
        for node in captures.get("comment", ()):
            self.directive(node, result)

    def _import(self, node: Node) -> None:
        path_node = node.child_by_field_name("path")
        path = go_string(self.text(path_node)) if path_node is not None else None
        if not path:
            return
        alias = node.child_by_field_name("name")
        name = self.text(alias) if alias is not None else assumed_name(path)
        if name and name not in ("_", "."):
            self.imports[name] = module_key(path)

    def qualify(self, node: Node | None) -> str | None:
        """The qualified name of a type or function (see the module docstring), else None."""
        for _ in range(4):
            if node is None or node.type not in ("pointer_type", "generic_type",
                                                 "parenthesized_type"):
                break
            node = node.child_by_field_name("type") or (_named(node) or [None])[-1]
        if node is None:
            return None
        if node.type in ("qualified_type", "selector_expression"):
            first = node.child_by_field_name("package") or node.child_by_field_name("operand")
            last = node.child_by_field_name("name") or node.child_by_field_name("field")
            if first is None or last is None or first.type not in ("package_identifier",
                                                                   "identifier"):
                return None
            module = self.imports.get(self.text(first))
            return f"{module}.{self.text(last)}" if module else None
        if node.type in ("type_identifier", "identifier") and self.package:
            return f"{self.package}.{self.text(node)}"
        return None

    def _function(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        result = node.child_by_field_name("result")
        if result is not None and result.type == "parameter_list":
            first = next((c for c in result.children if c.type == "parameter_declaration"), None)
            result = first.child_by_field_name("type") if first is not None else None
        qualified = self.qualify(result)
        if name is not None and qualified is not None:
            self.results[self.text(name)] = qualified
        receiver = node.child_by_field_name("receiver")
        param = next((c for c in receiver.children if c.type == "parameter_declaration"),
                     None) if receiver is not None else None
        ident = param.child_by_field_name("name") if param is not None else None
        if ident is not None:
            self.receivers[node.start_byte] = self.text(ident)
            origin = self.qualify(param.child_by_field_name("type"))
            if origin is not None:
                self.function_bindings.setdefault(node.start_byte, {})["this"] = "new:" + origin

    def _const(self, node: Node, result: FileExtraction) -> None:
        names = [c for c in node.children if c.type == "identifier"]
        values = node.child_by_field_name("value")
        exprs = _named(values) if values is not None else []
        if len(names) != len(exprs):
            return
        function = self.function_at(node.start_byte)
        for ident, expr in zip(names, exprs):
            name = self.text(ident)
            string = go_string(self.text(expr)) if expr.type in _STRING_TYPES else None
            if function != -1:
                self.definitions.setdefault((function, name), []).append(expr)
                continue
            if string is None:
                continue
            self.export(name, string, result)

    def _pairs(self, names: list[Node], right: Node | None) -> list[tuple[Node, Node | None]]:
        """(name, value) pairs of ``a, b := x, y``; ``c, err := f()`` gives ``c`` the call."""
        values = [] if right is None else (
            _named(right) if right.type == "expression_list" else [right])
        if len(values) == len(names):
            return list(zip(names, values))
        if names and len(values) == 1 and values[0].type == "call_expression":
            return [(names[0], values[0])] + [(n, None) for n in names[1:]]
        return [(n, None) for n in names]

    def _definition(self, node: Node, kind: str) -> None:
        type_origin = None
        if kind == "var":
            names = [c for c in node.children if c.type == "identifier"]
            pairs = self._pairs(names, node.child_by_field_name("value"))
            type_origin = self.qualify(node.child_by_field_name("type"))
        else:
            left = node.child_by_field_name("left")
            names = _named(left) if left is not None else []
            operator = node.child_by_field_name("operator")
            plain = kind == "short" or (kind == "assign" and operator is not None
                                        and operator.type == "=")
            right = node.child_by_field_name("right") if plain else None
            pairs = self._pairs(names, right) if plain else [(n, None) for n in names]
        key = self.function_at(node.start_byte)
        bindings = self.function_bindings.setdefault(key, {}) if key != -1 else self.file_bindings
        for ident, value in pairs:
            if ident.type != "identifier" or self.text(ident) == "_":
                continue
            name = self.text(ident)
            if key != -1:
                self.definitions.setdefault((key, name), []).append(value)
            origin = type_origin or self._origin(value)
            if origin is not None:
                bindings.setdefault(name, "new:" + origin)

    def _origin(self, value: Node | None) -> str | None:
        """What made a value: the qualified function called or the type of a literal."""
        for _ in range(4):
            if value is None or value.type not in ("unary_expression", "parenthesized_expression"):
                break
            value = value.child_by_field_name("operand") or (_named(value) or [None])[-1]
        if value is None:
            return None
        if value.type == "composite_literal":
            return self.qualify(value.child_by_field_name("type"))
        if value.type != "call_expression":
            return None
        callee = value.child_by_field_name("function")
        if callee is None:
            return None
        name = callee.child_by_field_name("field") if callee.type == "selector_expression" else callee
        if name is not None and self.text(name) in self.results and (
                callee.type != "selector_expression" or self.qualify(callee) is None):
            return self.results[self.text(name)]
        return self.qualify(callee)

    def _parameter(self, node: Node) -> None:
        key = self.function_at(node.start_byte)
        if key == -1:
            return
        origin = self.qualify(node.child_by_field_name("type"))
        for ident in node.children:
            if ident.type != "identifier":
                continue
            self.definitions.setdefault((key, self.text(ident)), []).append(None)
            if origin is not None:
                self.function_bindings.setdefault(key, {}).setdefault(self.text(ident),
                                                                      "new:" + origin)

    def _field(self, node: Node) -> None:
        origin = self.qualify(node.child_by_field_name("type"))
        if origin is None:
            return
        for ident in node.children:
            if ident.type == "field_identifier":
                self.file_bindings.setdefault(self.text(ident), "new:" + origin)

    # -- calls --------------------------------------------------------------------------------

    def raw_call(self, call: Node, method: Node, args: Node) -> RawCall:
        key = self.function_at(call.start_byte)
        self.bindings = {**self.file_bindings, **self.function_bindings.get(key, {})}
        if call.type == "type_conversion_expression" and (
                args.has_error or any(c.is_error for c in call.children)):
            # a call read on its own parses as a conversion; in a damaged tree the parser can
            # glue junk into one (`client.Enqueue(` + the next statement): leave that to
            # recovery, which re-reads the call on its own (an empty method matches no spec)
            return RawCall("", [], "", [], self.source.span(call.start_byte, call.end_byte), LANGUAGE)
        if call.type == "type_conversion_expression":
            callee = call.child_by_field_name("type")
            package = callee.child_by_field_name("package") if callee is not None else None
            parts = [self.text(package)] if package is not None else []
            receiver_text = parts[0] if parts else ""
            expressions = [args]
        else:
            callee = call.child_by_field_name("function")
            target = callee.child_by_field_name("operand") if callee.type == "selector_expression" else None
            parts = self.receiver_parts(target) if target is not None else []
            receiver_text = re.sub(r"\s+", "", self.text(target)) if target is not None else ""
            expressions = [c for c in _named(args)]
        if parts and parts[0] == self.receivers.get(key):
            parts[0] = "this"
        values: list[Arg] = []
        has_splat = False
        for position, expr in enumerate(expressions):
            if expr.type == "variadic_argument":
                has_splat = True
                break
            values.append(Arg(self.value(expr, 0, key), position=position))
        return self.raw(call, method, parts, receiver_text, values, has_splat)

    def receiver_parts(self, node: Node) -> list[str]:
        """The receiver chain, outermost name first, with calls and indexing removed."""
        parts: list[str] = []
        current: Node | None = node
        for _ in range(MAX_DEPTH * 4):
            if current is None:
                break
            if current.type in ("identifier", "field_identifier", "package_identifier"):
                parts.append(self.text(current))
                break
            if current.type == "selector_expression":
                field = current.child_by_field_name("field")
                parts.append(self.text(field) if field is not None else "")
                current = current.child_by_field_name("operand")
            elif current.type in ("call_expression", "index_expression"):
                current = current.child_by_field_name("function") or current.child_by_field_name("operand")
            elif current.type == "parenthesized_expression" and len(_named(current)) == 1:
                current = _named(current)[0]
            else:
                parts.append(re.sub(r"\s+", "", self.text(current)))
                break
        parts.reverse()
        return parts

    # -- values -------------------------------------------------------------------------------

    def value(self, node: Node, depth: int = 0, function: int = -1) -> Value:
        """What is statically known about an expression (``function``: the start byte of the
        function it is in, -1 at package level)."""
        text = self.text(node)
        span = self.source.span(node.start_byte, node.end_byte)
        kind = node.type
        if depth > MAX_DEPTH:
            return unknown(text, span=span)
        if kind in ("literal_element", "parenthesized_expression") and len(_named(node)) == 1:
            return self.value(_named(node)[0], depth + 1, function)
        if kind in _STRING_TYPES:
            string = go_string(text)
            return literal(string, text=text, span=span) if string is not None else unknown(text, span=span)
        if kind in ("int_literal", "float_literal"):
            number = _go_number(text)
            return literal(number, text=text, span=span) if number is not None else unknown(text, span=span)
        if kind in ("true", "false"):
            return literal(kind == "true", text=text, span=span)
        if kind == "nil":
            return literal(None, text=text, span=span)
        if kind == "unary_expression":
            return self._unary(node, text, span, depth, function)
        if kind == "identifier":
            return self._identifier(node, text, span, depth, function)
        if kind == "selector_expression":
            return self._selector(node, text, span)
        if kind in ("composite_literal", "literal_value"):
            return self._composite(node, text, span, depth, function)
        if kind == "call_expression":
            return self._call_value(node, text, span, depth, function)
        return unknown(text, span=span)

    def _unary(self, node: Node, text: str, span, depth: int, function: int) -> Value:
        operator = node.child_by_field_name("operator")
        operand = node.child_by_field_name("operand")
        op = operator.type if operator is not None else ""
        if operand is None:
            return unknown(text, span=span)
        if op == "&":
            inner = self.value(operand, depth + 1, function)
            return dataclasses.replace(inner, text=text, span=span)
        if op in ("-", "+") and operand.type in ("int_literal", "float_literal"):
            number = _go_number(self.text(operand))
            if number is not None:
                return literal(-number if op == "-" else number, text=text, span=span)
        return unknown(text, span=span)

    def _identifier(self, node: Node, text: str, span, depth: int, function: int) -> Value:
        definitions = self.definitions.get((function, text))
        if definitions is not None:
            value = definitions[0] if len(definitions) == 1 else None
            if value is None or value.start_byte >= node.start_byte:
                return unknown(text, span=span)
            found = self._memo.get(value.id)
            if found is None:
                found = self._memo[value.id] = self.value(value, depth + 1, function)
            copy = dataclasses.replace(found, text=text, span=span, key_span=None)
            if copy.type == "string" and copy.known:
                copy.kind, copy.ref = "constant", text
            return copy
        found_constant = self.constants.get(text)
        if found_constant is not None:
            return Value(type="string", known=True, value=found_constant, kind="constant",
                         text=text, span=span, ref=text)
        return unknown(text, span=span, ref=text)

    def _selector(self, node: Node, text: str, span) -> Value:
        """``events.SignedUp``: another package's constant, resolved across files by the name of
        its package (an import's alias is not: ``ev.SignedUp`` is ``events.SignedUp``)."""
        operand = node.child_by_field_name("operand")
        field = node.child_by_field_name("field")
        if operand is None or field is None or operand.type != "identifier":
            return unknown(text, span=span)
        name = self.text(operand)
        module = self.imports.get(name)
        package = assumed_name(module) if module is not None else name
        return unknown(text, span=span, ref=f"{package}.{self.text(field)}")

    def _composite(self, node: Node, text: str, span, depth: int, function: int) -> Value:
        """A struct, map or slice literal: keyed elements are properties (a struct's field
        names, a map's keys), other elements items."""
        type_node = node.child_by_field_name("type") if node.type == "composite_literal" else None
        body = node.child_by_field_name("body") if node.type == "composite_literal" else node
        ctor = self.qualify(type_node) if type_node is not None else None
        type_name = ctor.rsplit(".", 1)[-1] if ctor else ""
        is_map = type_node is not None and (type_node.type == "map_type"
                                            or type_name in self.shapes.property_builders)
        if body is None:
            return unknown(text, span=span)
        properties: dict[str, Value] = {}
        items: list[Value] = []
        is_open = False
        for element in _named(body):
            if element.type != "keyed_element":
                items.append(self.value(element, depth + 1, function))
                continue
            key_node = element.child_by_field_name("key")
            value_node = element.child_by_field_name("value")
            inner = _named(key_node)[0] if key_node is not None and _named(key_node) else key_node
            if inner is None or value_node is None:
                is_open = True
                continue
            if inner.type in ("identifier", "field_identifier") and not is_map:
                key: str | None = self.text(inner)
            else:
                key_value = self.value(inner, depth + 1, function)
                key = key_value.value if key_value.type == "string" and key_value.known else None
            if key is None:
                is_open = True
                continue
            item = self.value(value_node, depth + 1, function)
            item.key_span = self.source.span(inner.start_byte, inner.end_byte)
            properties[key] = item
        if type_node is not None and type_node.type in ("slice_type", "array_type",
                                                        "implicit_length_array_type"):
            return Value(type="array", items=items, kind="literal", text=text, span=span)
        if items and not properties:
            return Value(type="array", items=items, kind="literal", text=text, span=span, ctor=ctor)
        return Value(type="object", properties=properties, open=is_open or bool(items),
                     kind="literal", text=text, span=span, ctor=ctor)

    def _call_value(self, node: Node, text: str, span, depth: int, function: int) -> Value:
        """A property builder chain (``analytics.NewProperties().Set("k", v)``) as an object,
        ``string(x)`` as ``x``; any other call is unknown."""
        callee = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if callee is not None and arguments is not None and self.text(callee) == "string" \
                and len(_named(arguments)) == 1:
            inner = self.value(_named(arguments)[0], depth + 1, function)
            return dataclasses.replace(inner, text=text, span=span)
        chain = self._builder_chain(node, depth, function)
        if chain is None:
            return unknown(text, span=span)
        steps, base = chain
        properties = dict(base.properties or {})
        is_open = base.open
        for step in reversed(steps):
            callee = step.child_by_field_name("function")
            arguments = step.child_by_field_name("arguments")
            positional = _named(arguments) if arguments is not None else []
            setter = self.text(callee.child_by_field_name("field"))
            if setter in self.named_setters and len(positional) == 1:
                item = self.value(positional[0], depth + 1, function)
                item.key_span = self.source.span(callee.start_byte, callee.end_byte)
                properties[self.named_setters[setter]] = item
                continue
            key = self.value(positional[0], depth + 1, function) if positional else None
            if (setter not in self.shapes.property_setters or len(positional) != 2
                    or key is None or key.type != "string" or not key.known):
                is_open = True
                continue
            item = self.value(positional[1], depth + 1, function)
            item.key_span = self.source.span(positional[0].start_byte, positional[0].end_byte)
            properties[key.value] = item
        return Value(type="object", properties=properties, open=is_open, kind="literal",
                     text=text, span=span)

    def _builder_chain(self, node: Node, depth: int, function: int) -> tuple[list[Node], Value] | None:
        """(the method calls of a chain, outermost first; the value it starts from) when the
        chain starts with a property builder: ``NewProperties()`` (empty) or a literal of a
        builder's type (``analytics.Properties{"k": v}``); None for any other call."""
        steps: list[Node] = []
        current = node
        for _ in range(MAX_DEPTH * 4):
            if current.type == "composite_literal":
                base = self.value(current, depth + 1, function)
                type_name = (base.ctor or "").rsplit(".", 1)[-1]
                if base.properties is None or type_name not in self.shapes.property_builders:
                    return None
                return steps, base
            callee = current.child_by_field_name("function")
            if callee is None:
                return None
            field = callee.child_by_field_name("field") if callee.type == "selector_expression" else None
            if self.text(field if field is not None else callee) in self.shapes.property_builders:
                arguments = current.child_by_field_name("arguments")
                if arguments is not None and _named(arguments):
                    return None  # a conversion: Properties(m)
                return steps, Value(type="object", properties={}, kind="literal")
            operand = callee.child_by_field_name("operand") if field is not None else None
            if operand is None or operand.type not in ("call_expression", "composite_literal"):
                return None
            steps.append(current)
            current = operand
        return None


GRAMMAR = driver.Grammar(
    language=LANGUAGE,
    calls_query=_calls_query_source,
    call_shape=_call_shape,
    method_types=frozenset({"identifier", "field_identifier", "type_identifier"}),
    reader=_Reader,
    warm=(_declarations_query,),
)
