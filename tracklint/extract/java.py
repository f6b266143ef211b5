"""Java extractor: analytics calls in ``.java`` files, read with tree-sitter-java.

The shared driver (:mod:`tracklint.extract.driver`) finds the method invocations whose name is
one the specs know; this module gives it the calls query, the call-shape hook and the per-file
reader, which turns arguments into :class:`~tracklint.extract.base.Value` records. Java
specifics handled here:

* receivers: ``analytics``, ``this.analytics``, ``Analytics.with(context)``,
  ``Amplitude.getInstance()``; a field, parameter or local declared with a type
  (``private final Analytics analytics``) is bound as ``new:Analytics``, a ``var`` from its
  initialiser (``var a = new PostHog.Builder(key).build()`` -> ``new:PostHog.Builder``), a
  holder by what it holds (``Optional<PostHog> ph``, Dagger's ``Lazy<Analytics>``, read through
  ``.get()``). Java declares every type, so a receiver declared with a type that a spec does not
  list among its constructors is not that spec's client, whatever its name
  (``RudderAnalytics analytics`` is RudderStack's, not Segment's; ``AnalyticsClient client`` is
  no SDK client; see :class:`~tracklint.extract.driver.TypedReader`);
* values: string, number, boolean and null literals (``"a" + "b"`` folded), ``new HashMap<>()
  {{ put(k, v); }}`` (double-brace initialisation), ``new Properties().putValue(k, v)`` chains
  on the presets' property builders, ``Map.of(k, v, ...)``, the presets' message builders
  (``TrackMessage.builder("X").properties(map).userId(u)`` -> an object with ``ctor``
  ``TrackMessage`` and keys ``event``, ``properties``, ``userId``) and keyed constructors
  (``new Event("X", userId)``);
* string constants: ``static final``/``final`` fields and interface fields
  (``Events.SIGNED_UP``), enum constants' constructor arguments
  (``Events.SIGNED_UP.eventName`` or ``Events.SIGNED_UP.getEventName()``) and ``.name()``,
  local variables assigned once in their method (strings and message builders:
  ``MessageBuilder b = TrackMessage.builder("X"); analytics.enqueue(b)``; maps with the
  ``props.put(k, v)`` statements before the call, left open; keyed constructors' objects with
  the fields set before the call, ``event.eventProperties = ...``);
* ``imports``: ``import static com.acme.Events.SIGNED_UP`` ->
  ``{"SIGNED_UP": ("com.acme.Events", "SIGNED_UP")}``; exports are also package-qualified.

Calls the parser could not read are re-read one by one by
:func:`tracklint.extract.recover.recover`, which also reports each unreadable region that may
hide a call.
"""

from __future__ import annotations

import functools
import re

from tree_sitter import Node, Query

from tracklint.extract import driver, languages
from tracklint.extract.base import (
    FileExtraction,
    RawCall,
    SourceText,
    Value,
    literal,
    unknown,
)
from tracklint.extract.presets import value_shapes

LANGUAGE = "java"

#: Nesting depth after which an argument expression is reported as unknown instead of analysed.
MAX_DEPTH = 48
#: Generic types that hold one client (``Optional<PostHog>``, Dagger's ``Lazy<Analytics>``).
_HOLDERS = ("Optional", "Lazy", "Provider")
_INTEGERS = frozenset({"decimal_integer_literal", "hex_integer_literal", "octal_integer_literal",
                       "binary_integer_literal"})
_FLOATS = frozenset({"decimal_floating_point_literal", "hex_floating_point_literal"})
_COMMENTS = ("line_comment", "block_comment")
#: Calls that add one property to a map or property builder.
_PUT_METHODS = frozenset({"put", "putValue", "set", "putOpt"})
#: ``Map.of("k", v, ...)``, ``ImmutableMap.of(...)``, ``Collections.singletonMap(k, v)``.
_MAP_FACTORIES = frozenset({"Map.of", "ImmutableMap.of", "Collections.singletonMap"})
_LIST_FACTORIES = frozenset({"List.of", "Set.of", "Arrays.asList", "ImmutableList.of",
                             "Collections.singletonList"})
#: Nodes that open a scope for local variables.
_SCOPES = frozenset({"method_declaration", "constructor_declaration", "lambda_expression",
                     "static_initializer", "compact_constructor_declaration", "block"})
_TYPES = frozenset({"class_declaration", "interface_declaration", "enum_declaration",
                    "record_declaration", "annotation_type_declaration"})
_DECLARATIONS_QUERY = """
(field_declaration) @field
(constant_declaration) @field
(local_variable_declaration) @local
(formal_parameter) @param
(enum_constant) @entry
(import_declaration) @import
(package_declaration) @package
(assignment_expression left: (identifier) @assigned)
(update_expression (identifier) @assigned)
(expression_statement (method_invocation) @statement)
(expression_statement (assignment_expression
  left: (field_access object: (identifier) field: (identifier)) operator: "=") @field_set)
[(line_comment) (block_comment)] @comment
"""


@functools.cache
def _declarations_query() -> Query:
    return Query(languages.grammar(LANGUAGE), _DECLARATIONS_QUERY)


def _calls_query(alternatives: str) -> str:
    """``recv.name(...)`` and ``name(...)``, the name one of ``alternatives``."""
    return f"""
(method_invocation name: (identifier) @method arguments: (argument_list) @args
  (#any-of? @method {alternatives})) @call
"""


def _call_shape(method: Node) -> tuple[Node, Node] | None:
    """(call, argument_list) when ``method`` is the name of a method invocation."""
    call = method.parent
    if call is None or call.type != "method_invocation" or call.child_by_field_name("name") != method:
        return None
    arguments = call.child_by_field_name("arguments")
    return (call, arguments) if arguments is not None else None


def _named(node: Node) -> list[Node]:
    return [c for c in node.children if c.is_named and c.type not in _COMMENTS]


def _scope_of(node: Node) -> int:
    """The start byte of the innermost method, constructor, lambda or block around ``node``
    (-1 at class level): the scope of the local variables it declares."""
    parent = node.parent
    while parent is not None:
        if parent.type in _SCOPES:
            return parent.start_byte
        if parent.type in _TYPES:
            return -1
        parent = parent.parent
    return -1


def _enclosing_types(node: Node, text) -> tuple[list[str], bool]:
    """(names of the enclosing classes/interfaces/enums, outermost first; whether the innermost
    one is an interface, whose fields are constants)."""
    names: list[str] = []
    interface = None
    parent = node.parent
    while parent is not None:
        if parent.type in _TYPES:
            if interface is None:
                interface = parent.type in ("interface_declaration", "annotation_type_declaration")
            name = parent.child_by_field_name("name")
            if name is not None:
                names.append(text(name))
        elif parent.type in ("object_creation_expression", "method_declaration", "lambda_expression"):
            return [], False  # an anonymous or local class: not reachable by name
        parent = parent.parent
    names.reverse()
    return names, bool(interface)


def _type_name(node: Node | None, text) -> str | None:
    """``Analytics``, ``PostHog.Builder`` or ``com.acme.Analytics`` for a class type (generic
    arguments dropped); None for primitives, arrays and ``var``."""
    if node is None:
        return None
    if node.type == "generic_type":
        node = next((c for c in node.children if c.type in ("type_identifier",
                                                              "scoped_type_identifier")), None)
        if node is None:
            return None
    if node.type not in ("type_identifier", "scoped_type_identifier"):
        return None
    name = re.sub(r"\s+", "", text(node))
    if name == "var" or "@" in name:
        return None
    parts = re.sub(r"<[^<>]*>", "", name).split(".")
    while len(parts) > 1 and parts[0][:1].islower():  # com.segment.analytics.Analytics
        parts.pop(0)
    return ".".join(parts)


class _Reader(driver.TypedReader):
    """Per-file knowledge: constants, locals, bindings, and the expression-to-Value conversion."""

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self.shapes = value_shapes(LANGUAGE)
        #: the classes of the message builders (``TrackMessage`` of ``TrackMessage.builder``)
        self.message_types = {k.rsplit(".", 1)[0] for k in self.shapes.message_builders}
        #: (scope start, name) -> the initialiser of a local assigned once (None: reassigned);
        #: Java locals may hold any value, so they are kept as nodes, not as strings
        self.initialisers: dict[tuple[int, str], Node | None] = {}
        #: (scope start, name) -> the ``name.put(k, v)`` statements on that local, in order, and
        #: its field assignments ``name.eventProperties = v`` (for keyed constructors' objects)
        self.puts: dict[tuple[int, str], list[Node]] = {}
        self.field_sets: dict[tuple[int, str], list[Node]] = {}
        self.imports: dict[str, tuple[str, str]] = {}
        self._resolving: set[int] = set()  # locals being resolved (a = b; b = a)

    def span(self, node: Node):
        return self.source.span(node.start_byte, node.end_byte)

    # -- declarations -------------------------------------------------------------------------

    def collect(self, root: Node, result: FileExtraction) -> None:
        captures = self.captures(_declarations_query(), root)
        for node in captures.get("package", ()):
            name = next((c for c in node.children if c.type in ("scoped_identifier", "identifier")), None)
            if name is not None:
                self.package = re.sub(r"\s+", "", self.text(name))
        for node in captures.get("import", ()):
            self._import(node, result)
        self.imports = result.imports
        for node in captures.get("field", ()):
            self._field(node, result)
        for node in captures.get("local", ()):
            self._local(node)
        for node in captures.get("assigned", ()):
            key = self._declaring_scope(node, self.text(node))
            if key is not None:
                self.initialisers[key] = None
        for node in captures.get("statement", ()):
            self._statement(node)
        for node in captures.get("field_set", ()):
            target = node.child_by_field_name("left").child_by_field_name("object")
            key = self._declaring_scope(node, self.text(target))
            if key is not None:
                self.field_sets.setdefault(key, []).append(node)
        for node in captures.get("entry", ()):
            self._enum_constant(node, result)
        for node in captures.get("param", ()):
            name = node.child_by_field_name("name")
            if name is not None:
                self._bind_declared(self.text(name), node.child_by_field_name("type"), None)
        for node in captures.get("comment", ()):
            self.directive(node, result)

    def _import(self, node: Node, result: FileExtraction) -> None:
        """``import static a.b.Events.SIGNED_UP`` and ``import a.b.Events`` (a class whose
        members may be named); wildcard imports name nothing."""
        if any(c.type == "asterisk" for c in node.children):
            return
        path = next((c for c in node.children if c.type == "scoped_identifier"), None)
        if path is None:
            return
        parts = re.sub(r"\s+", "", self.text(path)).split(".")
        result.imports[parts[-1]] = (".".join(parts[:-1]), parts[-1])

    def _declarators(self, node: Node):
        for declarator in node.children_by_field_name("declarator"):
            name = declarator.child_by_field_name("name")
            if name is not None and declarator.child_by_field_name("dimensions") is None:
                yield self.text(name), declarator.child_by_field_name("value")

    def _field(self, node: Node, result: FileExtraction) -> None:
        modifiers = next((c for c in node.children if c.type == "modifiers"), None)
        final = modifiers is not None and any(c.type == "final" for c in modifiers.children)
        names, interface = _enclosing_types(node, self.text)
        for name, value in self._declarators(node):
            self._bind_declared(name, node.child_by_field_name("type"), value)
            if not names or value is None or not (final or interface):
                continue
            string = self._constant_string(value)
            if string is None:
                continue
            self.export(".".join(names + [name]), string, result)
            self.put(self.members, name, string)
            if len(names) > 1:
                self.put(self.constants, ".".join(names[-1:] + [name]), string)

    def _local(self, node: Node) -> None:
        scope = _scope_of(node)
        for name, value in self._declarators(node):
            self._bind_declared(name, node.child_by_field_name("type"), value)
            key = (scope, name)
            self.initialisers[key] = None if key in self.initialisers else value

    def _bind_declared(self, name: str, type_node: Node | None, value: Node | None) -> None:
        """Bind ``name`` from its declaration: a holder type (``Optional<PostHog>``) binds what
        it holds, any other type itself (see :meth:`_bind`)."""
        written = re.sub(r"\s+", "", self.text(type_node)) if type_node is not None else ""
        if written.split("<")[0].rsplit(".", 1)[-1] in _HOLDERS:
            self.bind_type(name, written)
        else:
            self._bind(name, _type_name(type_node, self.text), value)

    def _bind(self, name: str, type_name: str | None, value: Node | None) -> None:
        """Bind ``name`` to its declared type, or for ``var`` to what its initialiser builds."""
        if type_name is None and value is not None:
            type_name = self._built_type(value)
        if type_name is not None:
            self.bindings.setdefault(name, "new:" + type_name)

    def _built_type(self, value: Node) -> str | None:
        """``new X(...)`` -> X; ``X.builder(k)...build()`` -> X.builder; ``X.getInstance()`` ->
        X.getInstance (the innermost call of a chain on a class name)."""
        node = value
        for _ in range(MAX_DEPTH):
            if node.type == "object_creation_expression":
                return _type_name(node.child_by_field_name("type"), self.text)
            if node.type != "method_invocation":
                return None
            target = node.child_by_field_name("object")
            if target is None or target.type in ("identifier", "field_access"):
                dotted = self.dotted(target) if target is not None else None
                name = node.child_by_field_name("name")
                if dotted and dotted[-1][:1].isupper() and name is not None:
                    return ".".join(dotted + [self.text(name)])
                return None
            node = target
        return None

    def _statement(self, call: Node) -> None:
        """Record ``props.put("k", v);`` (or a chain of puts) on a local variable."""
        target = call
        for _ in range(MAX_DEPTH):
            name = target.child_by_field_name("name")
            if name is None or self.text(name) not in _PUT_METHODS:
                return
            target = target.child_by_field_name("object")
            if target is None or target.type != "method_invocation":
                break
        if target is not None and target.type == "identifier":
            key = self._declaring_scope(call, self.text(target))
            if key is not None:
                self.puts.setdefault(key, []).append(call)

    def _constant_string(self, value: Node) -> str | None:
        found = self.value(value)
        return found.value if found.type == "string" and found.known else None

    def _enum_constant(self, node: Node, result: FileExtraction) -> None:
        body = node.parent
        enum = body.parent if body is not None else None
        name = node.child_by_field_name("name")
        if enum is None or enum.type != "enum_declaration" or name is None:
            return
        names, _ = _enclosing_types(node, self.text)
        if not names:
            return
        base = ".".join(names + [self.text(name)])
        self.export(base + ".name", self.text(name), result)
        arguments = node.child_by_field_name("arguments")
        params = self._enum_parameters(body)
        for position, expr in enumerate(_named(arguments) if arguments is not None else ()):
            if position < len(params):
                string = self._constant_string(expr)
                if string is not None:
                    self.export(f"{base}.{params[position]}", string, result)

    def _enum_parameters(self, body: Node) -> list[str]:
        """The parameter names of the enum's (first) constructor."""
        for declarations in body.children:
            if declarations.type != "enum_body_declarations":
                continue
            for member in declarations.children:
                if member.type == "constructor_declaration":
                    parameters = member.child_by_field_name("parameters")
                    return [self.text(p.child_by_field_name("name")) for p in _named(parameters)
                            if p.type == "formal_parameter" and p.child_by_field_name("name")]
        return []

    # -- calls --------------------------------------------------------------------------------

    def raw_call(self, call: Node, method: Node, arguments: Node) -> RawCall:
        target = call.child_by_field_name("object")
        parts = self.unhold(self.receiver_parts(target)) if target is not None else []
        receiver_text = re.sub(r"\s+", "", self.text(target)) if target is not None else ""
        return self.raw(call, method, parts, receiver_text,
                        self.args((None, expr) for expr in _named(arguments)))

    def receiver_parts(self, node: Node) -> list[str]:
        """The receiver chain, outermost name first, with calls and casts removed."""
        parts: list[str] = []
        current: Node | None = node
        for _ in range(MAX_DEPTH * 4):
            if current is None:
                break
            kind = current.type
            if kind in ("identifier", "this", "super"):
                parts.append(self.text(current))
                break
            if kind == "field_access":
                field = current.child_by_field_name("field")
                parts.append(self.text(field) if field is not None else "")
                current = current.child_by_field_name("object")
            elif kind == "method_invocation":
                name = current.child_by_field_name("name")
                parts.append(self.text(name) if name is not None else "")
                current = current.child_by_field_name("object")
            elif kind in ("parenthesized_expression", "cast_expression"):
                inner = current.child_by_field_name("value") or next(iter(_named(current)), None)
                current = inner
            else:
                parts.append(re.sub(r"\s+", "", self.text(current)))
                break
        parts.reverse()
        return parts

    def dotted(self, node: Node) -> list[str] | None:
        """``A.b.c`` as ["A", "b", "c"] when the expression is a plain dotted name."""
        parts: list[str] = []
        current: Node | None = node
        for _ in range(MAX_DEPTH * 4):
            if current is None:
                return None
            if current.type in ("identifier", "this", "type_identifier"):
                parts.append(self.text(current))
                parts.reverse()
                return parts
            if current.type == "field_access":
                last, current = current.child_by_field_name("field"), current.child_by_field_name("object")
            elif current.type == "scoped_identifier":
                last, current = current.child_by_field_name("name"), current.child_by_field_name("scope")
            else:
                return None
            if last is None:
                return None
            parts.append(self.text(last))
        return None

    # -- values -------------------------------------------------------------------------------

    def value(self, node: Node, depth: int = 0) -> Value:
        """What is statically known about an argument expression."""
        text = self.text(node)
        span = self.span(node)
        kind = node.type
        if depth > MAX_DEPTH:
            return unknown(text, span=span)
        if kind == "string_literal":
            string = _java_string(node, self.text)
            return literal(string, text=text, span=span) if string is not None else unknown(text, span=span)
        if kind in _INTEGERS or kind in _FLOATS:
            number = _java_number(text, kind in _FLOATS)
            return literal(number, text=text, span=span) if number is not None else unknown(text, span=span)
        if kind in ("true", "false"):
            return literal(kind == "true", text=text, span=span)
        if kind == "null_literal":
            return literal(None, text=text, span=span)
        if kind in ("identifier", "field_access"):
            return self._reference(node, text, span, depth)
        if kind == "unary_expression":
            return self._unary(node, text, span, depth)
        if kind == "binary_expression":
            return self._concatenation(node, text, span, depth)
        if kind in ("parenthesized_expression", "cast_expression"):
            inner = node.child_by_field_name("value") or next(iter(_named(node)), None)
            if inner is not None:
                return self.value(inner, depth + 1)
        if kind == "object_creation_expression":
            return self._creation(node, text, span, depth)
        if kind == "method_invocation":
            return self._invocation(node, text, span, depth)
        return unknown(text, span=span)

    def _unary(self, node: Node, text: str, span, depth: int) -> Value:
        operand = node.child_by_field_name("operand")
        operator = node.child_by_field_name("operator")
        if operand is not None and operator is not None and operator.type in ("-", "+"):
            inner = self.value(operand, depth + 1)
            if inner.known and inner.type in ("integer", "number"):
                return literal(-inner.value if operator.type == "-" else inner.value, text=text, span=span)
        return unknown(text, span=span)

    def _concatenation(self, node: Node, text: str, span, depth: int) -> Value:
        """``"a" + "b"`` (and constants) is a compile-time constant; anything else is unknown."""
        operator = node.child_by_field_name("operator")
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if operator is None or operator.type != "+" or left is None or right is None:
            return unknown(text, span=span)
        a, b = self.value(left, depth + 1), self.value(right, depth + 1)
        if a.known and b.known and a.type == "string" and b.type == "string":
            joined = literal(a.value + b.value, text=text, span=span)
            if "constant" in (a.kind, b.kind):
                joined.kind = "constant"
            return joined
        return unknown(text, span=span)

    def _reference(self, node: Node, text: str, span, depth: int) -> Value:
        dotted = self.dotted(node)
        if not dotted:
            return unknown(text, span=span)
        if dotted[0] == "this" and len(dotted) > 1:
            dotted = dotted[1:]
        name = ".".join(dotted)
        if len(dotted) == 1:
            local = self._local_value(node, name, depth)
            if local is not None:
                local.text, local.span = text, span
                return local
        found = self.constants.get(name)
        if found is None and len(dotted) == 1 and name not in self.constants:
            found = self.members.get(name)
        if found is not None:
            return Value(type="string", known=True, value=found, kind="constant", text=text,
                         span=span, ref=name)
        imported = self.imports.get(dotted[0])
        if imported is not None:
            # qualify an imported name so that it matches the defining file's package exports
            name = ".".join([imported[0], imported[1], *dotted[1:]])
        return unknown(text, span=span, ref=name)

    def _declaring_scope(self, node: Node, name: str) -> tuple[int, str] | None:
        """The key of the local variable ``name`` that ``node`` sees (the nearest enclosing
        scope that declares it), or None for a field or parameter."""
        parent = node.parent
        while parent is not None and parent.type not in _TYPES:
            if parent.type in _SCOPES and (parent.start_byte, name) in self.initialisers:
                return parent.start_byte, name
            parent = parent.parent
        return None

    def _local_value(self, node: Node, name: str, depth: int) -> Value | None:
        """The value of a local variable assigned once, where it is declared, with the
        properties its ``put`` statements before ``node`` add. The object stays open: a put
        may be conditional, or the map may change in ways not read here (``putAll``)."""
        key = self._declaring_scope(node, name)
        if key is None:
            return None
        initialiser = self.initialisers[key]
        if initialiser is None or initialiser.start_byte in self._resolving \
                or initialiser.start_byte <= node.start_byte < initialiser.end_byte:
            return unknown(name, ref=name)
        self._resolving.add(initialiser.start_byte)
        try:
            found = self.value(initialiser, depth + 1)
        finally:
            self._resolving.discard(initialiser.start_byte)
        if found.known and found.type == "string":
            found.kind = "constant"
        if found.properties is not None:
            found.open = True
            for put in self.puts.get(key, ()):
                if initialiser.end_byte <= put.start_byte and put.end_byte <= node.start_byte:
                    self._puts(put, found.properties, depth)
            if found.ctor is not None and found.ctor.rsplit(".", 1)[-1] in self.shapes.constructor_keys:
                for assignment in self.field_sets.get(key, ()):
                    if initialiser.end_byte <= assignment.start_byte and assignment.end_byte <= node.start_byte:
                        self._field_set(assignment, found.properties, depth)
        found.ref = found.ref or name
        return found

    def _field_set(self, assignment: Node, properties: dict[str, Value], depth: int) -> None:
        """``event.eventProperties = v`` on an object of a keyed constructor (``new Event(...)``)."""
        field = assignment.child_by_field_name("left").child_by_field_name("field")
        right = assignment.child_by_field_name("right")
        if field is not None and right is not None:
            item = self.value(right, depth + 1)
            item.key_span = self.span(field)
            properties[self.text(field)] = item

    def _puts(self, statement: Node, properties: dict[str, Value], depth: int) -> None:
        """Apply ``local.put(k, v).put(k2, v2)`` to ``properties``, innermost call first."""
        chain = []
        current: Node | None = statement
        while current is not None and current.type == "method_invocation" and len(chain) < MAX_DEPTH:
            chain.append(current)
            current = current.child_by_field_name("object")
        for call in reversed(chain):
            self._put_call(call, properties, depth, bare=False)

    def _creation(self, node: Node, text: str, span, depth: int) -> Value:
        """``new X(...)``: a property builder (empty, copied from a map, or double-brace
        initialised), a keyed constructor, or an unknown value with ``ctor`` set."""
        type_name = _type_name(node.child_by_field_name("type"), self.text) or ""
        short = type_name.rsplit(".", 1)[-1]
        arguments = node.child_by_field_name("arguments")
        positional = _named(arguments) if arguments is not None else []
        body = next((c for c in node.children if c.type == "class_body"), None)
        if body is not None:
            if short in self.shapes.property_builders or short.endswith("Map"):
                return self._double_brace(body, text, span, depth, type_name)
            return unknown(text, span=span)  # an anonymous class
        keys = self.shapes.constructor_keys.get(short)
        if keys is not None:
            properties = {}
            for key, expr in zip(keys, positional):
                item = self.value(expr, depth + 1)
                item.key_span = self.span(expr)
                properties[key] = item
            return Value(type="object", properties=properties, open=True, kind="literal",
                         text=text, span=span, ctor=type_name)
        if short in self.shapes.property_builders:
            if not positional:
                return Value(type="object", properties={}, kind="literal", text=text, span=span,
                             ctor=type_name)
            if len(positional) == 1:  # new JSONObject(map), new HashMap<>(other)
                copied = self.value(positional[0], depth + 1)
                if copied.properties is not None:
                    copied.text, copied.span = text, span
                    return copied
        result = unknown(text, span=span)
        result.ctor = type_name or None
        return result

    def _double_brace(self, body: Node, text: str, span, depth: int, type_name: str) -> Value:
        """``new HashMap<>() {{ put("k", v); }}``: the ``put`` calls of the instance initialiser."""
        properties: dict[str, Value] = {}
        is_open = False
        for member in _named(body):
            if member.type != "block":
                is_open = True
                continue
            for statement in _named(member):
                call = _named(statement)[0] if statement.type == "expression_statement" and _named(statement) else None
                if call is None or call.type != "method_invocation" or not self._put_call(
                        call, properties, depth, bare=True):
                    is_open = True
        return Value(type="object", properties=properties, open=is_open, kind="literal", text=text,
                     span=span, ctor=type_name or None)

    def _put_call(self, call: Node, properties: dict[str, Value], depth: int, *, bare: bool) -> bool:
        """Add the property of ``put(k, v)`` (``this.put``/bare when ``bare``); False otherwise."""
        name = call.child_by_field_name("name")
        target = call.child_by_field_name("object")
        if bare and target is not None and target.type not in ("this", "super"):
            return False
        if name is None or self.text(name) not in _PUT_METHODS:
            return False
        arguments = call.child_by_field_name("arguments")
        positional = _named(arguments) if arguments is not None else []
        return len(positional) == 2 and self._add(properties, positional[0], positional[1], depth)

    def _add(self, properties: dict[str, Value], key_node: Node, value_node: Node, depth: int) -> bool:
        key = self.value(key_node, depth + 1)
        if key.type != "string" or not key.known:
            return False
        item = self.value(value_node, depth + 1)
        item.key_span = self.span(key_node)
        properties[key.value] = item
        return True

    def _invocation(self, node: Node, text: str, span, depth: int) -> Value:
        """A method call as a value: a chain on a property or message builder, a map or list
        factory, an enum constant's accessor, or an unknown value with ``ctor`` set."""
        steps: list[Node] = []  # the calls of the chain, outermost first
        current = node
        for _ in range(MAX_DEPTH * 4):
            steps.append(current)
            target = current.child_by_field_name("object")
            if target is None or target.type != "method_invocation":
                break
            current = target
        else:
            return unknown(text, span=span)
        base = steps.pop()  # the innermost call
        start = self._chain_start(base, text, span, depth)
        if start is None:
            return self._other_call(node, text, span, depth)
        steps.reverse()
        message = start.ctor is not None and start.ctor.rsplit(".", 1)[-1] in self.message_types
        for step in steps:
            if not self._chain_step(step, start, depth, message=message):
                start.open = True
        start.text, start.span = text, span
        return start

    def _chain_start(self, call: Node, text: str, span, depth: int) -> Value | None:
        """The object that the innermost call of a chain starts: ``TrackMessage.builder("X")``,
        ``new Properties().putValue(...)`` (the creation is the call's target), ``Map.of(...)``."""
        target = call.child_by_field_name("object")
        name_node = call.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else ""
        arguments = call.child_by_field_name("arguments")
        positional = _named(arguments) if arguments is not None else []
        dotted = self.dotted(target) if target is not None else None
        qualified = ".".join((dotted or []) + [name])
        for builder, keys in self.shapes.message_builders.items():
            if dotted and _ends_with(qualified, builder):
                properties = {}
                for key, expr in zip(keys, positional):
                    item = self.value(expr, depth + 1)
                    item.key_span = self.span(expr)
                    properties[key] = item
                return Value(type="object", properties=properties, kind="literal", text=text,
                             span=span, ctor=".".join(dotted))
        if target is not None and target.type == "object_creation_expression":
            created = self.value(target, depth + 1)
            if created.properties is None:
                return None
            if not self._chain_step(call, created, depth, message=False):
                created.open = True
            return created
        if dotted and any(_ends_with(qualified, f) for f in _MAP_FACTORIES):
            return self._map_factory(positional, text, span, depth)
        return None

    def _chain_step(self, step: Node, value: Value, depth: int, *, message: bool) -> bool:
        """Apply one chained call to ``value``; False when it hides what the object holds."""
        name_node = step.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else ""
        arguments = step.child_by_field_name("arguments")
        positional = _named(arguments) if arguments is not None else []
        if message:
            if name == "build" and not positional:
                return True
            if len(positional) == 1:  # .properties(map), .userId(u), .traits(t)
                item = self.value(positional[0], depth + 1)
                item.key_span = self.span(name_node) if name_node is not None else None
                value.properties[name] = item
            return True  # other builder options do not hide the message's content
        return value.properties is not None and self._put_call(step, value.properties, depth,
                                                                 bare=False)

    def _map_factory(self, positional: list[Node], text: str, span, depth: int) -> Value:
        properties: dict[str, Value] = {}
        is_open = len(positional) % 2 == 1
        for i in range(0, len(positional) - 1, 2):
            if not self._add(properties, positional[i], positional[i + 1], depth):
                is_open = True
        return Value(type="object", properties=properties, open=is_open, kind="literal", text=text,
                     span=span)

    def _other_call(self, node: Node, text: str, span, depth: int) -> Value:
        """A list factory, an enum constant's accessor (``Events.X.getEventName()``,
        ``Events.X.name()``), or an unknown value whose ``ctor`` is the called name."""
        target = node.child_by_field_name("object")
        name_node = node.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else ""
        arguments = node.child_by_field_name("arguments")
        positional = _named(arguments) if arguments is not None else []
        dotted = self.dotted(target) if target is not None else None
        qualified = ".".join((dotted or []) + [name])
        if dotted and any(_ends_with(qualified, f) for f in _LIST_FACTORIES):
            return Value(type="array", items=[self.value(e, depth + 1) for e in positional],
                         kind="literal", text=text, span=span)
        if dotted and not positional and len(dotted) >= 2 and name_node is not None:
            accessor = name[3].lower() + name[4:] if re.fullmatch(r"get[A-Z]\w*", name) else name
            if dotted[0] == "this":
                dotted = dotted[1:]
            found = self.constants.get(".".join(dotted + [accessor]))
            if found is not None:
                return Value(type="string", known=True, value=found, kind="constant", text=text,
                             span=span, ref=".".join(dotted + [accessor]))
            imported = self.imports.get(dotted[0])
            ref = ".".join(([imported[0], imported[1], *dotted[1:]] if imported else dotted)
                           + [accessor])
            return unknown(text, span=span, ref=ref)
        result = unknown(text, span=span)
        result.ctor = qualified if dotted else None
        return result


def _ends_with(qualified: str, pattern: str) -> bool:
    """Whether the dotted name ``qualified`` ends with the dotted ``pattern``."""
    return qualified == pattern or qualified.endswith("." + pattern)


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", "s": " ", "'": "'", '"': '"',
            "\\": "\\"}


def _java_string(node: Node, text) -> str | None:
    """The value of a string literal or text block (None when an escape cannot be read)."""
    raw = text(node)
    block = raw.startswith('"""')
    out: list[str] = []
    for child in node.children:
        if child.type in ("string_fragment", "multiline_string_fragment"):
            out.append(text(child))
        elif child.type == "escape_sequence":
            escaped = _unescape(text(child))
            if escaped is None:
                return None
            out.append(escaped)
        elif child.type == "string_interpolation":
            return None
    content = "".join(out)
    return _strip_indent(content) if block else content


def _unescape(escape: str) -> str | None:
    body = escape[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    if body.startswith("u"):
        digits = body.lstrip("u")
        return chr(int(digits, 16)) if re.fullmatch(r"[0-9A-Fa-f]{4}", digits) else None
    if re.fullmatch(r"[0-7]{1,3}", body) and int(body, 8) < 256:
        return chr(int(body, 8))
    if body.startswith(("\n", "\r")):
        return ""  # a text block's line continuation
    return None


def _strip_indent(content: str) -> str:
    """A text block's value: the first line break dropped, the common indentation and trailing
    blanks removed (as ``String.stripIndent``, closing delimiter line included)."""
    lines = content.split("\n")
    if lines and not lines[0].strip():
        lines = lines[1:]
    significant = [line for line in lines if line.strip()] + ([lines[-1]] if lines else [])
    indent = min((len(line) - len(line.lstrip(" \t")) for line in significant), default=0)
    stripped = [line[indent:].rstrip(" \t") for line in lines]
    return "\n".join(stripped)


def _java_number(text: str, floating: bool) -> int | float | None:
    clean = text.replace("_", "")
    try:
        if floating:
            if clean[:2].lower() == "0x":
                return float.fromhex(clean.rstrip("fFdD"))
            return float(clean.rstrip("fFdD"))
        clean = clean.rstrip("lL")
        if clean[:2].lower() in ("0x", "0b"):
            return int(clean, 0)
        if len(clean) > 1 and clean.startswith("0"):
            return int(clean, 8)
        return int(clean, 10)
    except ValueError:
        return None


GRAMMAR = driver.Grammar(LANGUAGE, _calls_query, _call_shape, frozenset({"identifier"}), _Reader,
                         warm=(_declarations_query,))
