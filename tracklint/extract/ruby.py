"""Ruby extractor: analytics calls in ``.rb``/``.rake``/``.ru`` files, read with tree-sitter-ruby.

It finds the calls whose method name is one the specs know (a tree-sitter query with an
``#any-of?`` predicate), turns their arguments into :class:`~tracklint.extract.base.Value`
records and lets :func:`~tracklint.extract.base.match_call` decide which SDK they belong to.
Ruby specifics handled here:

* arguments: a trailing hash is one positional object whatever its spelling (bare keywords
  ``track(event: 'X')``, hash rockets ``:event => 'X'``, string keys ``'event' => 'X'``, braces
  ``track({...})``, paren-less ``client.track event: 'X'``); its symbol keys are also keyword
  arguments (Ruby 3 keyword parameters of a team's wrapper); ``**opts`` leaves it open;
* receivers: ``analytics``, ``@analytics`` (read as ``self.analytics``), ``$analytics``,
  ``Segment::Analytics`` (read as ``Segment.Analytics``), ``client&.capture``; a variable, an
  instance variable, a constant, an RSpec ``let(:client) { ... }`` or a memoising reader
  (``def client; @client ||= PostHog::Client.new; end``) whose value is ``X.new(...)`` is bound
  to ``X`` (a bare ``Client`` inside ``module PostHog`` is ``PostHog.Client``, as Ruby's
  constant lookup has it), and a receiver chain that starts at it reads as if the constructor
  call stood in its place: ``tracker.people`` with ``tracker = Mixpanel::Tracker.new(token)``
  is ``Mixpanel.Tracker.new.people``, which the presets name as receivers. So the constructor
  decides the SDK before the variable's name does (``analytics = Rudder::Analytics.new`` is
  RudderStack's client, though Segment's is conventionally named ``analytics`` too);
* values: strings (single quotes unescaped by hand), symbols as strings, ``'x'.freeze``,
  numbers, ``true``/``false``/``nil``, hashes, arrays, and event constructors from the presets
  (``AmplitudeAPI::Event.new(event_type: ...)``) read as objects;
* string constants: ``EVENT = 'x'`` (``.freeze`` too) at any module/class nesting, found by
  their lexical name (``SIGNED_UP`` inside ``module Events``) or qualified
  (``Events::SIGNED_UP``) and exported for other files; method-local variables (strings and
  hashes: ``hash = {event: 'X'}; Analytics.track(hash)``): the last assignment before the call,
  when no assignment of the name sits inside a condition or loop.

Regions the parser could not read are re-read call by call by
:func:`tracklint.extract.recover.recover`, which reports each one that may hide a call.
"""

from __future__ import annotations

import functools
import re

from tree_sitter import Node, Query

from tracklint.extract import driver, languages
from tracklint.extract.base import (
    Arg,
    FileExtraction,
    RawCall,
    SourceText,
    Span,
    Value,
    literal,
    unknown,
)
from tracklint.extract.presets import value_shapes

LANGUAGE = "ruby"

#: Nesting depth after which an argument expression is reported as unknown instead of analysed.
MAX_DEPTH = 48
#: Scopes whose local variables are their own (a block sees its enclosing method's locals).
_HARD_SCOPES = frozenset({"method", "singleton_method", "class", "module", "singleton_class",
                          "program"})
_SOFT_SCOPES = frozenset({"block", "do_block", "lambda"})
_NESTING = frozenset({"class", "module"})
#: Nodes whose children are statements run one after the other.
_STATEMENT_LISTS = frozenset({"program", "body_statement", "block_body"})
#: Methods that return their (string) receiver unchanged for our purposes.
_PASS_THROUGH = frozenset({"freeze", "dup", "to_s", "to_sym", "itself", "to_str"})
#: RSpec's memoised helpers: ``let(:client) { Client.new }`` binds ``client``.
_LET_METHODS = frozenset({"let", "let!", "subject", "subject!"})
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "s": " ", "e": "\x1b", "a": "\a",
            "b": "\b", "f": "\f", "v": "\v", "\\": "\\", '"': '"', "'": "'", "#": "#"}
_DECLARATIONS_QUERY = """
(assignment) @assign
(operator_assignment) @assign
(method) @method
(call method: (identifier) @let_name (#any-of? @let_name {lets})) @let
(comment) @comment
""".format(lets=" ".join(f'"{name}"' for name in sorted(_LET_METHODS)))


@functools.cache
def _declarations_query() -> Query:
    return Query(languages.grammar(LANGUAGE), _DECLARATIONS_QUERY)


def _calls_query(alternatives: str) -> str:
    """Calls of the method names that have arguments: ``recv.name(...)``, ``recv&.name ...``,
    ``name(...)`` (a call without arguments, ``test_queue.track``, is no SDK call)."""
    return f"""
(call method: (identifier) @method arguments: (argument_list) @args
  (#any-of? @method {alternatives})) @call
"""


def _call_shape(method: Node) -> tuple[Node, Node] | None:
    """(call, argument_list) when ``method`` names the called method of a call with arguments."""
    call = method.parent
    if call is None or call.type != "call" or call.child_by_field_name("method") != method:
        return None
    arguments = call.child_by_field_name("arguments")
    if arguments is None or arguments.type != "argument_list":
        return None
    return call, arguments


def _named(node: Node) -> list[Node]:
    return [c for c in node.children if c.is_named and c.type != "comment"]


def _unwrap(node: Node | None) -> Node | None:
    """Strip parentheses (``(expr)``) around an expression."""
    for _ in range(MAX_DEPTH):
        if node is None or node.type != "parenthesized_statements":
            return node
        inner = _named(node)
        if len(inner) != 1:
            return node
        node = inner[0]
    return node


def _scope_of(node: Node) -> Node | None:
    """The nearest enclosing scope node (a method, class, module, block or the program)."""
    parent = node.parent
    while parent is not None and parent.type not in _HARD_SCOPES and parent.type not in _SOFT_SCOPES:
        parent = parent.parent
    return parent


def _last_statement(body: Node | None) -> Node | None:
    statements = _named(body) if body is not None else []
    return statements[-1] if statements else None


class _Reader(driver.FileReader):
    """Per-file knowledge: constants, locals, bindings, and the expression-to-Value conversion."""

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        #: (scope node id, name) -> [(assignment start, value node, a statement of its own)]
        self.assignments: dict[tuple[int, str], list[tuple[int, Node, bool]]] = {}
        self.mutated: set[tuple[int, str]] = set()  # locals changed after assignment (h[:k] = v)

    def span(self, node: Node) -> Span:
        return self.source.span(node.start_byte, node.end_byte)

    # -- declarations -------------------------------------------------------------------------

    def collect(self, root: Node, result: FileExtraction) -> None:
        captures = self.captures(_declarations_query(), root)
        for node in captures.get("assign", ()):
            self._assignment(node, result)
        for node in captures.get("method", ()):
            self._reader_method(node)
        for node in captures.get("let", ()):
            self._let(node)
        for node in captures.get("comment", ()):
            self.directive(node, result)

    def nesting(self, node: Node) -> list[str]:
        """The names of the modules and classes around ``node``, outermost first
        (``module A::B`` counts as ``A``, ``B``)."""
        names: list[str] = []
        parent = node.parent
        while parent is not None:
            if parent.type in _NESTING:
                name = parent.child_by_field_name("name")
                dotted = self.dotted(name) if name is not None else None
                if dotted:
                    names[:0] = dotted
            parent = parent.parent
        return names

    def _assignment(self, node: Node, result: FileExtraction) -> None:
        left, right = node.child_by_field_name("left"), _unwrap(node.child_by_field_name("right"))
        if left is None or right is None:
            return
        if left.type == "element_reference":  # h[:event] = 'x': h's literal is no longer all
            target = left.child_by_field_name("object")
            scope = _scope_of(node)
            if target is not None and target.type == "identifier" and scope is not None:
                self.mutated.add((scope.id, self.text(target)))
            return
        name = self._assigned_name(left)
        if name is None:
            return
        self._bind(name, right)
        if left.type == "identifier" and node.type == "assignment":
            scope = _scope_of(node)
            if scope is not None:
                direct = node.parent is not None and node.parent.type in _STATEMENT_LISTS
                self.assignments.setdefault((scope.id, name), []).append((node.start_byte, right, direct))
        elif left.type in ("constant", "scope_resolution") and node.type == "assignment":
            string = self.string_of(right)
            if string is not None:
                self._export(self.nesting(node) + (self.dotted(left) or []), string, result)

    def _assigned_name(self, left: Node) -> str | None:
        """The binding name of an assignment target: ``x``, ``@x``/``@@x``/``$x`` (as ``x``),
        ``X``; None for anything else (``a.b = ``, ``a[0] = ``, ``a, b = ``)."""
        if left.type in ("identifier", "constant"):
            return self.text(left)
        if left.type in ("instance_variable", "class_variable", "global_variable"):
            return self.text(left).lstrip("@$")
        if left.type == "scope_resolution":
            dotted = self.dotted(left)
            return dotted[-1] if dotted else None
        if left.type == "call":  # an attribute: `state.client = PostHog::Client.new(...)`
            method = left.child_by_field_name("method")
            return self.text(method) if method is not None else None
        return None

    def _export(self, parts: list[str], value: str, result: FileExtraction) -> None:
        """Record a string constant under its qualified name and every shorter qualified tail
        (``App::Events::SIGNED_UP`` is also ``Events.SIGNED_UP`` to another file)."""
        if not parts:
            return
        full = ".".join(parts)
        self.put(self.constants, full, value)
        for i in range(len(parts) - 1):
            result.exports.setdefault(".".join(parts[i:]), value)
        if len(parts) == 1:
            result.exports.setdefault(full, value)

    def _bind(self, name: str, value: Node) -> None:
        """Bind ``name`` when ``value`` constructs something (``X.new(...)``, ``X.new.tap {}``)
        or reads a name already bound (``client = state.client`` after
        ``state.client = PostHog::Client.new``)."""
        origin = self.constructor(value)
        if origin is None:
            origin = self._bound_read(value)
        if origin is not None:
            held = self.bindings.get(name)
            # bound to two constructors in one file: neither is sure ("" keeps it undecided)
            self.bindings[name] = "new:" + origin if held in (None, "new:" + origin) else ""

    def constructor(self, value: Node | None) -> str | None:
        """``A::B`` for ``A::B.new(...)`` (``Client.new`` inside ``module A`` is ``A.Client``);
        ``.tap { }`` after it is looked through."""
        for _ in range(4):
            value = _unwrap(value)
            if value is None or value.type != "call":
                return None
            method = value.child_by_field_name("method")
            receiver = value.child_by_field_name("receiver")
            if method is None or receiver is None:
                return None
            if self.text(method) == "tap":
                value = receiver
                continue
            if self.text(method) != "new":
                return None
            dotted = self.dotted(receiver)
            if not dotted or not dotted[-1][:1].isupper():
                return None
            if receiver.type == "constant":
                dotted = self.nesting(value) + dotted
            return ".".join(dotted)
        return None

    def _bound_read(self, value: Node) -> str | None:
        """The constructor of a bound name that ``value`` reads: ``x`` or ``a.b.x`` without
        arguments."""
        if value.type == "call" and value.child_by_field_name("arguments") is None:
            method = value.child_by_field_name("method")
            value = method if method is not None else value
        if value.type not in ("identifier", "instance_variable"):
            return None
        held = self.bindings.get(self.text(value).lstrip("@"))
        return held[4:] if held else None

    def _reader_method(self, node: Node) -> None:
        """``def client; @client ||= X.new; end``: ``client`` is bound like ``@client``."""
        name = node.child_by_field_name("name")
        if name is None or node.child_by_field_name("parameters") is not None:
            return
        last = _last_statement(node.child_by_field_name("body"))
        if last is not None and last.type in ("assignment", "operator_assignment"):
            last = last.child_by_field_name("right")
        if last is not None:
            self._bind(self.text(name), last)

    def _let(self, node: Node) -> None:
        """RSpec's ``let(:client) { Client.new(...) }``."""
        arguments = node.child_by_field_name("arguments")
        block = node.child_by_field_name("block")
        first = _named(arguments)[0] if arguments is not None and _named(arguments) else None
        if first is None or first.type != "simple_symbol" or block is None:
            return
        body = block.child_by_field_name("body")
        last = _last_statement(body)
        if last is not None:
            self._bind(self.text(first)[1:], last)

    # -- calls --------------------------------------------------------------------------------

    def raw_call(self, call: Node, method: Node, arguments: Node) -> RawCall:
        receiver = call.child_by_field_name("receiver")
        if receiver is not None:
            parts = self.receiver_parts(receiver)
            operator = call.child_by_field_name("operator")
            receiver_text = self.source.text(call.start_byte, (operator or method).start_byte).rstrip()
        else:
            parts, receiver_text = [], ""
        args, has_splat = self.arguments(arguments)
        return self.raw(call, method, parts, receiver_text, args, has_splat)

    def arguments(self, arguments: Node, depth: int = 0) -> tuple[list[Arg], bool]:
        """The positional arguments, then the trailing hash as one more positional object and
        each of its symbol keys as a keyword argument; and whether ``*args`` hides positions."""
        args: list[Arg] = []
        pairs: list[Node] = []
        has_splat = False
        for child in _named(arguments):
            if child.type in ("pair", "hash_splat_argument"):
                pairs.append(child)
            elif child.type == "splat_argument":
                has_splat = True
            elif child.type != "block_argument":
                args.append(Arg(self.value(child, depth + 1), position=len(args)))
        if pairs:
            text = self.source.text(pairs[0].start_byte, pairs[-1].end_byte)
            span = self.source.span(pairs[0].start_byte, pairs[-1].end_byte)
            trailing = self._hash(pairs, text, span, depth)
            args.append(Arg(trailing, position=len(args)))
            for pair in pairs:
                key = pair.child_by_field_name("key")
                if key is not None and key.type in ("hash_key_symbol", "simple_symbol"):
                    name = self.text(key).lstrip(":")
                    args.append(Arg(trailing.properties.get(name, unknown("")), keyword=name))
        return args, has_splat

    def receiver_parts(self, node: Node) -> list[str]:
        """The receiver chain, outermost name first: ``Segment::Analytics`` is
        ``[Segment, Analytics]``, ``@client`` is ``[self, client]``; a chain that starts at a
        variable bound to a constructor starts at that constructor instead."""
        parts: list[str] = []
        current: Node | None = node
        for _ in range(MAX_DEPTH):
            current = _unwrap(current)
            if current is None:
                break
            kind = current.type
            if kind == "call":
                method = current.child_by_field_name("method")
                parts.append(self.text(method) if method is not None else "")
                current = current.child_by_field_name("receiver")
                if current is None:
                    break
                continue
            dotted = self.dotted(current)
            if dotted is not None:
                parts.extend(reversed(dotted))
            elif kind in ("instance_variable", "class_variable"):
                parts.extend([self.text(current).lstrip("@"), "self"])
            elif kind == "global_variable":
                parts.append(self.text(current).lstrip("$"))
            else:
                parts.append(re.sub(r"\s+", "", self.text(current)))
            break
        parts.reverse()
        root = 1 if parts[:1] == ["self"] else 0
        origin = self.bindings.get(parts[root]) if len(parts) > root else None
        if origin:
            parts = origin[4:].split(".") + ["new"] + parts[root + 1:]
        return parts

    def dotted(self, node: Node | None) -> list[str] | None:
        """``A::B::C`` / ``a`` / ``self`` as a list of names; None for any other expression."""
        parts: list[str] = []
        current = node
        for _ in range(MAX_DEPTH):
            if current is None:
                return None
            if current.type in ("constant", "identifier", "self"):
                parts.append(self.text(current))
                parts.reverse()
                return parts
            if current.type != "scope_resolution":
                return None
            name = current.child_by_field_name("name")
            if name is None:
                return None
            parts.append(self.text(name))
            current = current.child_by_field_name("scope")
            if current is None:  # ::Foo, from the top level
                parts.reverse()
                return parts
        return None

    # -- values -------------------------------------------------------------------------------

    def value(self, node: Node, depth: int = 0) -> Value:
        """What is statically known about an argument expression."""
        text = self.text(node)
        span = self.span(node)
        if depth > MAX_DEPTH:
            return unknown(text, span=span)
        kind = node.type
        if kind in ("string", "chained_string", "delimited_symbol", "simple_symbol",
                    "hash_key_symbol"):
            string = self.string_of(node)
            return literal(string, text=text, span=span) if string is not None else unknown(text, span=span)
        if kind in ("integer", "float"):
            number = _number(text)
            return literal(number, text=text, span=span) if number is not None else unknown(text, span=span)
        if kind in ("true", "false"):
            return literal(kind == "true", text=text, span=span)
        if kind == "nil":
            return literal(None, text=text, span=span)
        if kind == "unary":
            return self._unary(node, text, span, depth)
        if kind == "parenthesized_statements" and len(_named(node)) == 1:
            return self.value(_named(node)[0], depth + 1)
        if kind == "hash":
            parts = [c for c in _named(node) if c.type in ("pair", "hash_splat_argument")]
            is_open = len(parts) != len(_named(node))
            result = self._hash(parts, text, span, depth)
            result.open = result.open or is_open
            return result
        if kind == "array":
            return self._array(node, text, span, depth)
        if kind in ("string_array", "symbol_array"):  # %w[a b] / %i[a b]: bare words
            words = [literal(self.text(c), text=self.text(c), span=self.span(c)) for c in _named(node)]
            return Value(type="array", items=words, kind="literal", text=text, span=span)
        if kind == "identifier":
            return self._local(node, text, span, depth)
        if kind in ("constant", "scope_resolution"):
            return self._constant(node, text, span)
        if kind == "call":
            return self._call_value(node, text, span, depth)
        return unknown(text, span=span)

    def _unary(self, node: Node, text: str, span: Span, depth: int) -> Value:
        operand = node.child_by_field_name("operand")
        operator = node.child_by_field_name("operator")
        if operand is not None and operator is not None and operand.type in ("integer", "float"):
            inner = self.value(operand, depth + 1)
            if inner.known and operator.type in ("-", "+"):
                return literal(-inner.value if operator.type == "-" else inner.value,
                               text=text, span=span)
        return unknown(text, span=span)

    def _hash(self, pairs: list[Node], text: str, span: Span, depth: int) -> Value:
        """An object from ``pair`` nodes; a ``**splat`` or a key that is not a known string or
        symbol leaves it open."""
        properties: dict[str, Value] = {}
        is_open = False
        for pair in pairs:
            key = pair.child_by_field_name("key")
            value = pair.child_by_field_name("value")
            name = self.string_of(key) if key is not None else None
            if pair.type != "pair" or name is None:
                is_open = True
                continue
            if value is None:  # Ruby 3.1 shorthand `f(x:)`: the value is the local `x`
                item = unknown(name, span=self.span(key))
            else:
                item = self.value(value, depth + 1)
            item.key_span = self.span(key)
            properties[name] = item
        return Value(type="object", properties=properties, open=is_open, kind="literal",
                     text=text, span=span)

    def _array(self, node: Node, text: str, span: Span, depth: int) -> Value:
        items = [self.value(c, depth + 1) for c in _named(node) if c.type != "splat_argument"]
        is_open = any(c.type == "splat_argument" for c in _named(node))
        return Value(type="array", items=items, open=is_open, kind="literal", text=text, span=span)

    def _local(self, node: Node, text: str, span: Span, depth: int) -> Value:
        """A method-local variable assigned once, before ``node``, in its scope or a scope
        around it (blocks see their method's locals)."""
        scope = _scope_of(node)
        while scope is not None:
            key = (scope.id, text)
            if key in self.assignments:
                # the last assignment before the use, when every assignment is a statement of
                # its own (one inside an `if` may or may not have run)
                assignments = self.assignments[key]
                before = [a for a in assignments if a[0] < node.start_byte]
                if not before or key in self.mutated or not all(a[2] for a in assignments):
                    break
                value = self.value(before[-1][1], depth + 1)
                if value.kind == "literal" and value.type == "string":
                    value.kind = "constant"
                value.text, value.span, value.ref = text, span, value.ref or text
                return value
            if scope.type in _HARD_SCOPES:
                break
            scope = _scope_of(scope)
        return unknown(text, span=span, ref=text)

    def _constant(self, node: Node, text: str, span: Span) -> Value:
        """A string constant: looked up from the innermost module around ``node`` outwards,
        as Ruby does; unknown (with its dotted name, for other files) otherwise."""
        dotted = self.dotted(node)
        if not dotted:
            return unknown(text, span=span)
        nesting = self.nesting(node)
        for i in range(len(nesting), -1, -1):
            name = ".".join(nesting[:i] + dotted)
            if name in self.constants:
                found = self.constants[name]
                if found is None:
                    break
                return Value(type="string", known=True, value=found, kind="constant", text=text,
                             span=span, ref=".".join(dotted))
        return unknown(text, span=span, ref=".".join(dotted))

    def _call_value(self, node: Node, text: str, span: Span, depth: int) -> Value:
        """``'x'.freeze`` is ``'x'``; an event constructor of the presets
        (``AmplitudeAPI::Event.new(event_type: 'X')``) is an object; any other call is unknown
        with its constructor or method name in ``ctor``."""
        method = node.child_by_field_name("method")
        receiver = node.child_by_field_name("receiver")
        name = self.text(method) if method is not None else ""
        if receiver is not None and name in _PASS_THROUGH and node.child_by_field_name("arguments") is None:
            inner = self.value(receiver, depth + 1)
            if inner.known and inner.type == "string":
                inner.text, inner.span = text, span
                return inner
        origin = self.constructor(node)
        arguments = node.child_by_field_name("arguments")
        if origin is not None and arguments is not None and _matches_any(
                origin, value_shapes(LANGUAGE).event_constructors):
            args, _ = self.arguments(arguments, depth + 1)
            first = next((a.value for a in args if a.position == 0), None)
            if first is not None and first.properties is not None:
                return Value(type="object", properties=first.properties, open=first.open,
                             kind="literal", text=text, span=span, ctor=origin)
        result = unknown(text, span=span)
        dotted = self.dotted(receiver) if receiver is not None else None
        result.ctor = origin or (".".join(dotted + [name]) if dotted else name or None)
        return result

    def string_of(self, node: Node | None) -> str | None:
        """The text of a string, symbol or hash key without interpolation, else None."""
        node = _unwrap(node)
        if node is None:
            return None
        kind = node.type
        if kind == "hash_key_symbol":
            return self.text(node)
        if kind == "simple_symbol":
            return self.text(node)[1:]
        if kind == "chained_string":
            pieces = [self.string_of(c) for c in _named(node)]
            return None if any(p is None for p in pieces) else "".join(pieces)  # type: ignore[arg-type]
        if kind == "call":
            method = node.child_by_field_name("method")
            receiver = node.child_by_field_name("receiver")
            if (method is not None and self.text(method) in _PASS_THROUGH and receiver is not None
                    and node.child_by_field_name("arguments") is None):
                return self.string_of(receiver)
            return None
        if kind not in ("string", "delimited_symbol"):
            return None
        return self._string_content(node)

    def _string_content(self, node: Node) -> str | None:
        single = self.text(node).startswith(("'", "%q", ":'"))
        out: list[str] = []
        for child in node.children:
            if child.type == "string_content":
                content = self.text(child)
                out.append(re.sub(r"\\([\\'])", r"\1", content) if single else content)
            elif child.type == "escape_sequence":
                decoded = _escape(self.text(child))
                if decoded is None:
                    return None
                out.append(decoded)
            elif child.type in ("interpolation", "heredoc_beginning"):
                return None
        return "".join(out)


def _matches_any(origin: str, names: frozenset[str]) -> bool:
    """Whether ``A.B.C`` ends with one of the dotted ``names``."""
    parts = origin.split(".")
    return any(parts[-len(n.split(".")):] == n.split(".") for n in names)


def _escape(text: str) -> str | None:
    """One escape sequence of a double-quoted string (None: one tracklint does not decode)."""
    body = text[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    match = re.fullmatch(r"u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f ]+)\}|x([0-9A-Fa-f]{1,2})", body)
    if match is None:
        return None
    codes = [int(h, 16) for h in (match.group(1) or match.group(3) or match.group(2)).split()]
    if any(code > 0x10FFFF for code in codes):
        return None  # not a character: Ruby rejects it too
    return "".join(chr(code) for code in codes)


def _number(text: str) -> int | float | None:
    clean = text.replace("_", "")
    try:
        if clean[:2].lower() in ("0x", "0b", "0o"):
            return int(clean, 0)
        if re.fullmatch(r"0[0-7]+", clean):
            return int(clean, 8)
        return float(clean) if re.search(r"[.eE]", clean) else int(clean, 10)
    except ValueError:
        return None


GRAMMAR = driver.Grammar(
    language=LANGUAGE,
    calls_query=_calls_query,
    call_shape=_call_shape,
    method_types=frozenset({"identifier"}),
    reader=_Reader,
    warm=(_declarations_query,),
)
