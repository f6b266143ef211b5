"""Swift extractor: analytics calls in ``.swift`` files, read with tree-sitter-swift.

It finds the calls whose method name is one the specs know (a tree-sitter query with an
``#any-of?`` predicate), turns their labelled and unlabelled arguments into
:class:`~tracklint.extract.base.Value` records and lets :func:`~tracklint.extract.base.match_call`
decide which SDK they belong to. Swift specifics handled here:

* receivers: ``analytics``, ``self.analytics``, ``Analytics.shared()``, ``SEGAnalytics.shared()?``,
  ``RSClient.sharedInstance()?``; ``?`` and ``!`` are dropped from the receiver chain, and a
  variable initialised from a constructor, factory or singleton (``let analytics =
  Analytics(configuration: ...)``, ``let ph = PostHogSDK.shared``) or declared with a type
  (``let analytics: Analytics``, ``var postHog: PostHogSDK? = nil``) is bound as
  ``new:Analytics``, and the type judges the call
  (:class:`~tracklint.extract.driver.TypedReader`: an ``AppAnalytics`` is no SDK's client, nor an
  ``Analytics`` in a file that imports no module of the SDK, as with an app's own class);
* string constants: top-level ``let``, ``static let`` in an enum/struct/class/extension
  (``Events.orderCompleted``), String-backed enum cases (``Events.orderCompleted.rawValue``,
  ``.orderCompleted``; a case without an explicit raw value has its own name as raw value), and
  ``let`` constants inside functions (resolved in the file, not exported);
* values: string literals (multi-line and raw strings too; interpolation makes them unknown),
  integer/real/boolean/nil literals, dictionary and array literals, ``as`` casts.

Calls the parser could not read (its error recovery differs between tree-sitter cores: a call
after a broken ``func`` survives on 0.25.2 and is swallowed on 0.26.1) are re-read one by one by
:func:`tracklint.extract.recover.recover`, which also reports each unreadable region that may hide
a call.

Swift has no per-file imports of a module's names, so ``imports`` stays empty and the exported
constants are meant to be resolved against every Swift file of the run; the modules a file
imports are kept only to judge receivers.
"""

from __future__ import annotations

import functools
import re
from typing import Iterator

from tree_sitter import Language, Node, Query

from tracklint.extract import driver, languages
from tracklint.extract.base import (
    FileExtraction,
    RawCall,
    Value,
    literal,
    unknown,
)
from tracklint.extract.presets import value_shapes

LANGUAGE = "swift"

#: Nesting depth after which an argument expression is reported as unknown instead of analysed.
MAX_DEPTH = 48

#: An import statement at the start of a line (or after a `;`): its module (``@testable import PostHog``,
#: ``import struct Segment.Analytics``, ``@_exported import Mixpanel``).
_IMPORT = re.compile(rb"(?m)(?:^|;)[ \t]*(?:@\w+[ \t]+)*import[ \t]+"
                     rb"(?:(?:typealias|struct|class|enum|protocol|let|var|func)[ \t]+)?`?(\w+)")
_STRING_TYPES = ("line_string_literal", "multi_line_string_literal", "raw_string_literal")

_DECLARATIONS_QUERY = """
(property_declaration) @prop
(enum_entry) @entry
(parameter) @param
[(comment) (multiline_comment)] @comment
"""


@functools.cache
def _language() -> Language:
    return languages.grammar("swift")


@functools.cache
def _declarations_query() -> Query:
    return Query(_language(), _DECLARATIONS_QUERY)


@functools.cache
def _functions_query() -> Query:
    return Query(_language(), "(function_declaration) @fn")


def _calls_query(alternatives: str) -> str:
    """Calls of the method names: ``recv.name(...)`` and bare ``name(...)``."""
    return f"""
(call_expression . (navigation_expression
    suffix: (navigation_suffix suffix: (simple_identifier) @method))
  . (call_suffix) @args (#any-of? @method {alternatives})) @call
(call_expression . (simple_identifier) @method . (call_suffix) @args
  (#any-of? @method {alternatives})) @call
"""


def _call_shape(method: Node) -> tuple[Node, Node] | None:
    """(call, call_suffix) when ``method`` names the called function of a call."""
    parent = method.parent
    if parent is None:
        return None
    if parent.type == "navigation_suffix":
        nav = parent.parent
        if nav is None or nav.type != "navigation_expression":
            return None
        call, callee = nav.parent, nav
    elif parent.type == "call_expression":
        call, callee = parent, method
    else:
        return None
    if call is None or call.type != "call_expression" or not call.named_children:
        return None
    if call.named_children[0] != callee or len(call.named_children) < 2:
        return None
    suffix = call.named_children[1]
    return (call, suffix) if suffix.type == "call_suffix" else None


class _Context(driver.TypedReader):
    """Per-file knowledge: constants, bindings, and the expression-to-Value conversion."""

    # -- declarations -------------------------------------------------------------------------

    def collect(self, root: Node, result: FileExtraction) -> None:
        #: (enclosing types, case) whose name a ``switch self`` property gives (see _name_switch)
        self.switched: set[tuple[tuple[str, ...], str]] = set()
        captures = self.captures(_declarations_query(), root)
        self.root = root
        self._modules()
        for node in captures.get("prop", ()):
            self._property(node, result)
        for node in captures.get("entry", ()):
            self._enum_entry(node, result)
        for node in captures.get("param", ()):
            self._parameter(node)
        for node in captures.get("comment", ()):
            self.directive(node, result)

    def _scope(self, node: Node) -> tuple[list[str], bool]:
        """(enclosing type names outermost first, whether inside a function/closure body)."""
        types: list[str] = []
        local = False
        parent = node.parent
        while parent is not None:
            kind = parent.type
            if kind in ("function_body", "lambda_literal", "computed_property", "computed_getter",
                        "computed_setter", "init_declaration", "deinit_declaration",
                        "function_declaration", "protocol_function_declaration"):
                local = True
            elif kind in ("class_declaration", "protocol_declaration"):
                name = parent.child_by_field_name("name")
                if name is not None:
                    types.append(re.sub(r"\s+", "", self.text(name)))
            parent = parent.parent
        types.reverse()
        return types, local

    def _property(self, node: Node, result: FileExtraction) -> None:
        mutability = None
        is_static = False
        for child in node.children:
            if child.type == "value_binding_pattern":
                mut = child.child_by_field_name("mutability")
                mutability = mut.type if mut is not None else None
            elif child.type == "modifiers":
                is_static = any(
                    m.type == "property_modifier" and self.text(m) in ("static", "class")
                    for m in child.children
                )
        names = node.children_by_field_name("name")
        values = node.children_by_field_name("value")
        annotations = [c for c in node.children if c.type == "type_annotation"]
        if len(names) == 1 and annotations and not values:
            self._name_switch(node, names[0], annotations[0], result)
        for i, pattern in enumerate(names):
            ident = pattern.child_by_field_name("bound_identifier")
            if ident is None:
                continue
            name = self.text(ident)
            value = values[i] if i < len(values) else None
            if value is not None:
                self._binding_from_value(name, value)
            if i < len(annotations):  # `var postHog: PostHogSDK? = nil`
                self._binding_from_type(name, annotations[i])
            if mutability != "let" or value is None:
                continue
            value = _unwrap(value)
            if value is None or value.type not in _STRING_TYPES:
                continue
            string = self.string_value(value)
            if string is None:
                continue
            types, local = self._scope(node)
            if local:
                self.put(self.locals, name, string)
            elif not types:
                self.put(self.constants, name, string)
                result.exports[name] = string
            elif is_static:
                self._export_member(types, name, string, result)

    def _export_member(self, types: list[str], name: str, value: str, result: FileExtraction,
                       extra: str | None = None, case: bool = False) -> None:
        """Record a member constant under every key it is read by; ``case``: its value is an
        enum case's own name (an implicit raw value), which a wrapper's ``transform`` applies to."""
        qualified = ".".join(types + [name])
        keys = [qualified]
        inner = ".".join(types[-1:] + [name])
        if inner != qualified:
            keys.append(inner)
        for key in keys:
            self.put(self.constants, key, value)
            if extra:
                self.put(self.constants, key + extra, value)
        self.put(self.members, name, value)
        result.exports[qualified] = value
        # `.orderCompleted` (an implicit member) is looked up by this key in other files
        result.exports["." + name] = value
        if extra:
            result.exports[qualified + extra] = value
        if case:
            local = [*keys, *(k + extra for k in keys if extra), "." + name]
            self.case_names.update(local)
            result.case_names.update([qualified, "." + name, *([qualified + extra] if extra else [])])

    def _name_switch(self, node: Node, pattern: Node, annotation: Node,
                     result: FileExtraction) -> None:
        """``var eventName: String { switch self { case .a: return "x" ... } }`` on an enum (or
        an extension of it): ``E.a.eventName`` is ``"x"``, and so is ``E.a`` / ``.a`` itself when
        the property's name says it is the case's name (has ``name`` or ``event`` in it), since
        that is what a facade taking the enum sends."""
        body = next((c for c in node.children if c.type == "computed_property"), None)
        statements = [c for c in body.named_children if c.type == "statements"] if body else []
        switch = _single(statements[0]) if len(statements) == 1 else None
        if (switch is None or switch.type != "switch_statement" or not switch.named_children
                or switch.named_children[0].type != "self_expression"
                or re.sub(r"[\s:]", "", self.text(annotation)) != "String"):
            return
        types, local = self._scope(node)
        prop = self.text(pattern).strip("`")
        if local or not types:
            return
        for case, value in self._switch_cases(switch):
            qualified = ".".join(types + [case, prop])
            self.put(self.constants, qualified, value)
            result.exports[qualified] = value
            if re.search("name|event", prop, re.IGNORECASE):
                self.switched.add((tuple(types), case))
                self._export_member(types, case, value, result)

    def _switch_cases(self, switch: Node) -> list[tuple[str, str]]:
        """(case name, string) for each ``case .a, .b: return "x"`` of a switch."""
        out: list[tuple[str, str]] = []
        for entry in switch.named_children:
            if entry.type != "switch_entry":
                continue
            body = next((c for c in entry.named_children if c.type == "statements"), None)
            result = _single(body) if body is not None else None
            if result is not None and result.type == "control_transfer_statement":
                result = _single(result)
            value = self.string_value(result) if result is not None and result.type in _STRING_TYPES else None
            if value is None:
                continue
            for case in entry.named_children:
                text = self.text(case).strip() if case.type == "switch_pattern" else ""
                if re.fullmatch(r"\.[A-Za-z_][A-Za-z0-9_]*", text):
                    out.append((text[1:], value))
        return out

    def _enum_entry(self, node: Node, result: FileExtraction) -> None:
        enum = node.parent.parent if node.parent is not None else None
        if enum is None or enum.type != "class_declaration":
            return
        string_backed = any(
            c.type == "inheritance_specifier" and self.text(c).strip() == "String"
            for c in enum.children
        )
        if not string_backed:
            return
        types, local = self._scope(node)
        if local or not types:
            return
        cases: list[tuple[str, Node | None]] = []
        for i, child in enumerate(node.children):
            field = node.field_name_for_child(i)
            if field == "name":
                cases.append((self.text(child).strip("`"), None))
            elif field == "raw_value" and cases:
                cases[-1] = (cases[-1][0], child)
        for name, raw in cases:
            if raw is None:
                value = name
            elif raw.type in _STRING_TYPES:
                value = self.string_value(raw)
                if value is None:
                    continue
            else:
                continue
            if (tuple(types), name) in self.switched:  # its name comes from a switch (above)
                continue
            self._export_member(types, name, value, result, extra=".rawValue", case=raw is None)

    def _parameter(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        kind = node.child_by_field_name("type")
        if name is not None:
            self.parameters.add(self.text(name).strip("`"))
        if name is not None and kind is not None:
            self._binding_from_type(self.text(name), kind)

    def _modules(self) -> None:
        """The modules the file imports (``import PostHog``, ``@testable import Segment``,
        ``import struct Segment.Analytics``; ``import A; import B``)."""
        for match in _IMPORT.finditer(self.source.data):
            self.modules.add(match.group(1).decode("utf-8", "replace"))

    def _binding_from_value(self, name: str, value: Node) -> None:
        """``let a = Analytics(...)``, ``let mp = Mixpanel.mainInstance()`` and a singleton
        read as a property, ``let ph = PostHogSDK.shared``: bound to where it comes from; a call
        of a function of the file, ``let c = makeClient()``, to what that function returns
        (``call:makeClient``, see ``TypedReader._returned``)."""
        value = _unwrap(value)
        if value is not None and value.type == "navigation_expression":
            dotted = self.dotted(value)
            if dotted and len(dotted) > 1 and dotted[0][:1].isupper():
                self.bindings[name] = "new:" + ".".join(dotted)
            return
        if value is None or value.type != "call_expression":
            return
        callee = value.named_children[0] if value.named_children else None
        dotted = self.dotted(callee) if callee is not None else None
        if dotted and dotted[0][:1].isupper():
            self.bindings[name] = "new:" + ".".join(dotted)
        elif dotted and len(dotted) == 1:
            self.bindings[name] = "call:" + dotted[0]

    def function_returns(self) -> dict[str, str | None]:
        """The functions of the file and the type each one declares it returns
        (``func makeClient() -> PostHogSDK?``)."""
        table: dict[str, str | None] = {}
        if self.root is None:
            return table
        for node in self.captures(_functions_query(), self.root).get("fn", ()):
            names = node.children_by_field_name("name")
            if len(names) < 2 or names[-1].type == "simple_identifier":
                continue  # no declared result
            returned = re.sub(r"[\s?!]", "", self.text(names[-1]))
            if driver.type_name(returned):
                self.put(table, self.text(names[0]).strip("`"), returned)
        return table

    def _binding_from_type(self, name: str, annotation: Node) -> None:
        self.bind_type(name, re.sub(r"[\s?!]", "", self.text(annotation)).lstrip(":"))

    # -- calls --------------------------------------------------------------------------------

    def raw_call(self, call: Node, method: Node, suffix: Node) -> RawCall:
        callee = call.named_children[0]
        if callee.type == "navigation_expression":
            target = _nav_target(callee)
            parts = self.receiver_parts(target) if target is not None else []
            suffix_node = callee.child_by_field_name("suffix")
            end = suffix_node.start_byte if suffix_node is not None else callee.end_byte
            receiver_text = self.source.text(callee.start_byte, end).strip()
        else:
            parts, receiver_text = [], ""
        return self.raw(call, method, parts, receiver_text, self.args(self._labelled(suffix)))

    def _labelled(self, suffix: Node) -> Iterator[tuple[str | None, Node]]:
        """The value arguments of a call suffix as (label or None, expression); trailing
        closures carry no event data."""
        for arguments in suffix.named_children:
            if arguments.type != "value_arguments":
                continue
            for argument in arguments.named_children:
                if argument.type != "value_argument":
                    continue
                label = argument.child_by_field_name("name")
                value_node = argument.child_by_field_name("value")
                if value_node is not None:
                    yield (self.text(label).strip().strip("`") if label is not None else None,
                           value_node)

    def receiver_parts(self, node: Node) -> list[str]:
        """The receiver chain, outermost name first, with calls and ``?``/``!`` removed."""
        parts: list[str] = []
        current: Node | None = node
        while current is not None:
            kind = current.type
            if kind == "simple_identifier":
                parts.append(self.text(current).strip("`"))
                break
            if kind == "self_expression":
                parts.append("self")
                break
            if kind == "navigation_expression":
                suffix = current.child_by_field_name("suffix")
                name = suffix.child_by_field_name("suffix") if suffix is not None else None
                parts.append(self.text(name).strip("`") if name is not None else "?")
                current = _nav_target(current)
            elif kind == "call_expression":
                current = current.named_children[0] if current.named_children else None
            elif kind == "postfix_expression":
                current = current.child_by_field_name("target")
            elif kind == "tuple_expression" and current.named_child_count == 1:
                current = current.named_children[0]
            elif kind == "as_expression":
                current = current.child_by_field_name("expr")
            else:
                parts.append(re.sub(r"\s+", "", self.text(current)))
                break
        parts.reverse()
        return parts

    def dotted(self, node: Node) -> list[str] | None:
        """``A.b.c`` as ["A", "b", "c"] when the expression is a plain dotted name."""
        parts: list[str] = []
        current: Node | None = node
        while current is not None:
            if current.type == "simple_identifier":
                parts.append(self.text(current).strip("`"))
                parts.reverse()
                return parts
            if current.type == "self_expression":
                parts.append("self")
                parts.reverse()
                return parts
            if current.type != "navigation_expression":
                return None
            suffix = current.child_by_field_name("suffix")
            name = suffix.child_by_field_name("suffix") if suffix is not None else None
            if name is None or name.type != "simple_identifier":
                return None
            parts.append(self.text(name).strip("`"))
            current = _nav_target(current)
        return None

    # -- values -------------------------------------------------------------------------------

    def value(self, node: Node, depth: int = 0) -> Value:
        """What is statically known about an argument expression."""
        text = self.text(node)
        span = self.source.span(node.start_byte, node.end_byte)
        if depth > MAX_DEPTH:
            return unknown(text, span=span)
        kind = node.type
        if kind in _STRING_TYPES:
            string = self.string_value(node)
            if string is None:
                return unknown(text, span=span)
            return literal(string, text=text, span=span)
        if kind in ("integer_literal", "hex_literal", "oct_literal", "bin_literal"):
            number = _swift_int(text)
            return literal(number, text=text, span=span) if number is not None else unknown(text, span=span)
        if kind == "real_literal":
            try:
                return literal(float(text.replace("_", "")), text=text, span=span)
            except ValueError:
                return unknown(text, span=span)
        if kind == "boolean_literal":
            return literal(text == "true", text=text, span=span)
        if kind == "nil_literal":
            return literal(None, text=text, span=span)
        if kind == "prefix_expression":
            return self._prefix(node, text, span, depth)
        if kind in ("as_expression",):
            inner = node.child_by_field_name("expr")
            if inner is not None:
                return self.value(inner, depth + 1)
        if kind == "tuple_expression" and node.named_child_count == 1:
            return self.value(node.named_children[0], depth + 1)
        if kind == "dictionary_literal":
            return self._dictionary(node, text, span, depth)
        if kind == "array_literal":
            items = [self.value(e, depth + 1) for e in node.children_by_field_name("element")]
            return Value(type="array", items=items, kind="literal", text=text, span=span)
        if kind in ("simple_identifier", "navigation_expression"):
            return self._reference(node, text, span)
        if kind == "call_expression":
            callee = node.named_children[0] if node.named_children else None
            dotted = self.dotted(callee) if callee is not None else None
            if dotted and dotted[-1] in value_shapes("swift").event_constructors:
                return self._labelled_object(node, ".".join(dotted), text, span, depth)
            result = unknown(text, span=span)
            if dotted:
                result.ctor = ".".join(dotted)
            return result
        return unknown(text, span=span)

    def _labelled_object(self, node: Node, ctor: str, text: str, span, depth: int) -> Value:
        """``BaseEvent(eventType: "X", eventProperties: [...])`` as an object of its labels."""
        properties: dict[str, Value] = {}
        is_open = False
        suffix = next((c for c in node.named_children if c.type == "call_suffix"), None)
        for arguments in suffix.named_children if suffix is not None else ():
            if arguments.type != "value_arguments":
                continue
            for argument in arguments.named_children:
                label = argument.child_by_field_name("name")
                value_node = argument.child_by_field_name("value")
                if label is None or value_node is None:
                    is_open = True
                    continue
                item = self.value(value_node, depth + 1)
                item.key_span = self.source.span(label.start_byte, label.end_byte)
                properties[self.text(label).strip().strip("`")] = item
        return Value(type="object", properties=properties, open=is_open, kind="literal", text=text,
                     span=span, ctor=ctor)

    def _prefix(self, node: Node, text: str, span, depth: int) -> Value:
        operation = node.child_by_field_name("operation")
        target = node.child_by_field_name("target")
        op = operation.type if operation is not None else ""
        if target is None:
            return unknown(text, span=span)
        if op == "-" and target.type in ("integer_literal", "hex_literal", "oct_literal",
                                         "bin_literal", "real_literal"):
            inner = self.value(target, depth + 1)
            if inner.known:
                return literal(-inner.value, text=text, span=span)
        if op == "." and target.type == "simple_identifier":
            name = self.text(target).strip("`")
            found = self.members.get(name)
            if found is not None:
                return self.constant("." + name, found, text, span)
            return unknown(text, span=span, ref="." + name)
        return unknown(text, span=span)

    def _dictionary(self, node: Node, text: str, span, depth: int) -> Value:
        keys = node.children_by_field_name("key")
        values = node.children_by_field_name("value")
        properties: dict[str, Value] = {}
        is_open = False
        for key_node, value_node in zip(keys, values):
            key = self.value(key_node, depth + 1)
            if key.type != "string" or not key.known:
                is_open = True
                continue
            item = self.value(value_node, depth + 1)
            item.key_span = self.source.span(key_node.start_byte, key_node.end_byte)
            properties[key.value] = item
        if len(keys) != len(values):
            is_open = True
        return Value(type="object", properties=properties, open=is_open, kind="literal",
                     text=text, span=span)

    def _reference(self, node: Node, text: str, span) -> Value:
        dotted = self.dotted(node)
        if not dotted:
            return unknown(text, span=span)
        if dotted[0] == "self" and len(dotted) > 1:
            dotted = dotted[1:]
        name = ".".join(dotted)
        if self.via_parameter(dotted):
            return unknown(text, span=span)
        found: str | None = None
        if len(dotted) == 1:
            found = self.locals.get(name) if name in self.locals else self.constants.get(name)
        else:
            found = self.constants.get(name)
        if found is not None:
            return self.constant(name, found, text, span)
        return unknown(text, span=span, ref=name)

    def string_value(self, node: Node) -> str | None:
        """The value of a string literal without interpolation, else None."""
        if any(c.type == "interpolated_expression" for c in node.children):
            return None
        return _swift_string(self.text(node))


def _single(node: Node) -> Node | None:
    """The one named child of ``node`` (comments aside), or None."""
    named = [c for c in node.named_children if c.type not in ("comment", "multiline_comment")]
    return named[0] if len(named) == 1 else None


def _nav_target(nav: Node) -> Node | None:
    for child in nav.children:
        if child.is_named and child.type != "navigation_suffix":
            return child
    return None


def _unwrap(node: Node | None) -> Node | None:
    """Strip casts, parentheses and ``try``/``await`` around an expression."""
    for _ in range(MAX_DEPTH):
        if node is None:
            return None
        if node.type == "as_expression":
            node = node.child_by_field_name("expr")
        elif node.type == "tuple_expression" and node.named_child_count == 1:
            node = node.named_children[0]
        elif node.type in ("try_expression", "await_expression"):
            node = node.named_children[-1] if node.named_children else None
        else:
            return node
    return node


def _swift_int(text: str) -> int | None:
    clean = text.replace("_", "")
    try:
        if clean[:2].lower() in ("0x", "0o", "0b"):
            return int(clean, 0)
        return int(clean, 10)
    except ValueError:
        return None


_ESCAPES = {"0": "\0", "\\": "\\", "t": "\t", "n": "\n", "r": "\r", '"': '"', "'": "'"}


def _swift_string(text: str) -> str | None:
    """Decode a Swift string literal's source text (``"..."``, ``\"\"\"...\"\"\"``, ``#"..."#``).
    Returns None when it interpolates or cannot be decoded."""
    hashes = len(text) - len(text.lstrip("#"))
    body = text[hashes : len(text) - hashes if hashes else len(text)]
    if body.startswith('"""') and body.endswith('"""') and len(body) >= 6:
        content = body[3:-3]
        multi = True
    elif body.startswith('"') and body.endswith('"') and len(body) >= 2:
        content = body[1:-1]
        multi = False
    else:
        return None
    # an interpolation, escape + "(", is an escape the loop below does not know: None
    escape = "\\" + "#" * hashes
    if multi:
        lines = content.split("\n")
        if len(lines) < 2:
            return None
        indent = lines[-1]
        if indent.strip():
            return None
        lines = lines[1:-1]
        stripped = []
        for line in lines:
            stripped.append(line[len(indent):] if line.startswith(indent) else line.lstrip(" \t"))
        content = "\n".join(stripped)
    out: list[str] = []
    i = 0
    n = len(content)
    step = len(escape)
    while i < n:
        if content.startswith(escape, i):
            j = i + step
            if j >= n:
                return None
            ch = content[j]
            if ch in _ESCAPES:
                out.append(_ESCAPES[ch])
                i = j + 1
            elif ch == "u" and content.startswith("{", j + 1):
                close = content.find("}", j + 2)
                if close == -1:
                    return None
                try:
                    out.append(chr(int(content[j + 2 : close], 16)))
                except ValueError:
                    return None
                i = close + 1
            elif multi and ch in " \t\r\n":
                # a backslash at the end of a line continues it (trailing spaces allowed)
                k = j
                while k < n and content[k] in " \t\r":
                    k += 1
                if k < n and content[k] != "\n":
                    return None
                i = k + 1
            else:
                return None
        else:
            out.append(content[i])
            i += 1
    return "".join(out)


GRAMMAR = driver.Grammar(LANGUAGE, _calls_query, _call_shape, frozenset({"simple_identifier"}),
                         _Context,
                         warm=(_declarations_query,))
