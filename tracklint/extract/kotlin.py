"""Kotlin extractor: analytics calls in ``.kt``/``.kts`` files, read with tree-sitter-kotlin.

It finds the calls whose method name is one the specs know (a tree-sitter query with an
``#any-of?`` predicate), turns their positional and named arguments into
:class:`~tracklint.extract.base.Value` records and lets :func:`~tracklint.extract.base.match_call`
decide which SDK they belong to. Kotlin specifics handled here:

* receivers: ``analytics``, ``this.analytics``, ``analytics?.``, ``analytics!!``,
  ``Analytics.with(context)``, ``Amplitude.getInstance()``; a variable initialised from a
  constructor or factory (``val analytics = Analytics(writeKey, context) { ... }``) or declared
  with a type (``private val analytics: Analytics? = null``, ``Optional<PostHogInterface>``
  read through ``.get()``) is bound as ``new:Analytics``, and the type judges the call
  (:class:`~tracklint.extract.driver.TypedReader`: an ``AnalyticsTracker``, or an ``Analytics``
  imported from the app's own package, is no SDK's client);
* property builders: ``buildJsonObject { put(...); putJsonObject(k) {...}; putJsonArray(k) {...} }``,
  ``mapOf("k" to v)`` (and ``mutableMapOf``/``hashMapOf``/...), ``listOf(...)``, chained
  ``Properties().putValue(k, v)`` / ``RudderProperty().putValue(k, v)`` / ``JSONObject().put(k, v)``,
  ``BaseEvent().apply { eventType = ...; eventProperties = ... }``;
* string constants: top-level ``const val``/``val``, ``object``/``companion object`` members
  (``Events.ORDER_COMPLETED``), enum entries' string constructor arguments
  (``Events.ORDER_COMPLETED.eventName``), function-local ``val`` (resolved in the file only);
* ``imports``: ``import com.acme.Events.ORDER_COMPLETED`` ->
  ``{"ORDER_COMPLETED": ("com.acme.Events", "ORDER_COMPLETED")}``.

Calls the parser could not read (a file one bad line turned into a single ERROR node) are
re-read one by one by :func:`tracklint.extract.recover.recover`, which also reports each
unreadable region that may hide a call.

The grammar (tree-sitter-kotlin 1.1.0) parses ``true``/``false``/``null`` as identifiers and has
almost no field names, so the code below reads children by type and position.
"""

from __future__ import annotations

import functools
import re

from tree_sitter import Language, Node, Query

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

LANGUAGE = "kotlin"

#: Nesting depth after which an argument expression is reported as unknown instead of analysed.
MAX_DEPTH = 48

_STRING_TYPES = ("string_literal", "multiline_string_literal")
_MAP_BUILDERS = frozenset({"mapOf", "mutableMapOf", "hashMapOf", "linkedMapOf", "sortedMapOf",
                           "emptyMap", "mapOfNotNull"})
_LIST_BUILDERS = frozenset({"listOf", "mutableListOf", "arrayListOf", "arrayOf", "setOf",
                            "mutableSetOf", "hashSetOf", "linkedSetOf", "emptyList", "emptyArray",
                            "emptySet", "listOfNotNull", "intArrayOf", "longArrayOf",
                            "doubleArrayOf", "floatArrayOf", "booleanArrayOf"})
_PUT_METHODS = frozenset({"put", "putValue", "set"})
_DECLARATIONS_QUERY = """
(property_declaration) @prop
(class_parameter) @cparam
(parameter) @param
(enum_entry) @entry
(import) @import
(package_header) @package
[(line_comment) (block_comment)] @comment
"""


@functools.cache
def _language() -> Language:
    return languages.grammar("kotlin")


@functools.cache
def _declarations_query() -> Query:
    return Query(_language(), _DECLARATIONS_QUERY)


@functools.cache
def _functions_query() -> Query:
    return Query(_language(), "(function_declaration) @fn")


def _calls_query(alternatives: str) -> str:
    """Calls of the method names: ``recv.name(...)``, ``recv?.name(...)``, ``name(...)``."""
    return f"""
(call_expression . (navigation_expression (identifier) @method .) . (value_arguments) @args
  (#any-of? @method {alternatives})) @call
(call_expression . (identifier) @method . (value_arguments) @args
  (#any-of? @method {alternatives})) @call
"""


def _call_shape(method: Node) -> tuple[Node, Node] | None:
    """(call, value_arguments) when ``method`` names the called function of a call."""
    parent = method.parent
    if parent is None:
        return None
    if parent.type == "navigation_expression":
        named = _named(parent)
        if len(named) < 2 or named[-1] != method:
            return None
        call = parent.parent
        callee = parent
    elif parent.type == "call_expression":
        call, callee = parent, method
    else:
        return None
    if call is None or call.type != "call_expression" or not call.children or call.children[0] != callee:
        return None
    arguments = call.children[1] if len(call.children) > 1 else None
    if arguments is None or arguments.type != "value_arguments":
        return None
    return call, arguments


def _named(node: Node) -> list[Node]:
    return [c for c in node.children if c.is_named and c.type not in ("line_comment", "block_comment")]


class _Context(driver.TypedReader):
    """Per-file knowledge: constants, bindings, and the expression-to-Value conversion."""

    def __init__(self, source: SourceText) -> None:
        super().__init__(source)
        self.imports: dict[str, tuple[str, str]] = {}

    # -- declarations -------------------------------------------------------------------------

    def collect(self, root: Node, result: FileExtraction) -> None:
        captures = self.captures(_declarations_query(), root)
        self.root = root
        for node in captures.get("package", ()):
            ident = next((c for c in node.children if c.type == "qualified_identifier"), None)
            if ident is not None:
                self.package = re.sub(r"\s+", "", self.text(ident))
        for node in captures.get("import", ()):
            self._import(node, result)
        self.imports = result.imports
        for node in captures.get("prop", ()):
            self._property(node, result)
        for node in captures.get("entry", ()):
            self._enum_entry(node, result)
        for node in [*captures.get("cparam", ()), *captures.get("param", ())]:
            self._parameter(node)
        for node in captures.get("comment", ()):
            self.directive(node, result)

    def _import(self, node: Node, result: FileExtraction) -> None:
        if any(c.type == "*" for c in node.children):
            return
        path = next((c for c in node.children if c.type == "qualified_identifier"), None)
        if path is None:
            return
        parts = [self.text(c).strip("`") for c in path.children if c.type == "identifier"]
        if len(parts) < 2:
            return
        alias = next((c for c in node.children if c.type == "identifier"), None)
        local = self.text(alias).strip("`") if alias is not None else parts[-1]
        result.imports[local] = (".".join(parts[:-1]), parts[-1])

    def _scope(self, node: Node) -> tuple[list[str], str]:
        """(enclosing object/class names outermost first, scope kind: top|object|class|local)."""
        names: list[str] = []
        kind = "top"
        first = True
        parent = node.parent
        while parent is not None:
            ptype = parent.type
            if ptype in ("function_body", "block", "lambda_literal", "function_declaration",
                         "anonymous_initializer", "getter", "setter", "secondary_constructor",
                         "control_structure_body", "statements"):
                kind = "local"
            elif ptype in ("object_declaration", "class_declaration", "companion_object"):
                name = next((c for c in parent.children if c.type == "identifier"), None)
                if first and kind == "top":
                    kind = "class" if ptype == "class_declaration" else "object"
                first = False
                if ptype == "companion_object":
                    pass  # members are reached through the enclosing class's name
                elif name is not None:
                    names.append(self.text(name).strip("`"))
            elif ptype == "object_literal":
                kind = "local"
            parent = parent.parent
        names.reverse()
        return names, kind

    def _property(self, node: Node, result: FileExtraction) -> None:
        keyword = next((c.type for c in node.children if c.type in ("val", "var")), None)
        declaration = next((c for c in node.children if c.type == "variable_declaration"), None)
        if declaration is None:
            return
        ident = next((c for c in declaration.children if c.type == "identifier"), None)
        if ident is None:
            return
        name = self.text(ident).strip("`")
        value = None
        seen_eq = False
        for child in node.children:
            if child.type == "=":
                seen_eq = True
            elif seen_eq and child.is_named:
                value = child
                break
        type_node = next((c for c in declaration.children if c.is_named and c.type != "identifier"),
                         None)
        if value is not None:
            self._binding_from_value(name, value)
        if type_node is not None:  # `val tracker: MixpanelAPI? = null`
            self._binding_from_type(name, type_node)
        if keyword != "val" or value is None:
            return
        value = _unwrap(value)
        if value is None or value.type not in _STRING_TYPES:
            return
        string = self.string_value(value)
        if string is None:
            return
        names, kind = self._scope(node)
        if kind == "local":
            self.put(self.locals, name, string)
        elif kind == "top":
            self.export(name, string, result)
        elif kind == "object" and names:
            self.export(".".join(names + [name]), string, result)
            self.put(self.members, name, string)
            if len(names) > 1:
                self.put(self.constants, ".".join(names[-1:] + [name]), string)

    def _enum_entry(self, node: Node, result: FileExtraction) -> None:
        """An enum entry's constants: ``E.X.name`` (the case's name), ``E.X.<param>`` for each
        string argument, and ``E.X`` itself, which a facade sends as the first string argument
        (``enum class E(val eventName: String)``) or, when the constructor takes no string,
        as the case's name (a wrapper's ``transform`` then gives the name that is sent)."""
        body = node.parent
        enum = body.parent if body is not None else None
        if enum is None or enum.type != "class_declaration":
            return
        names, kind = self._scope(node)
        if kind == "local" or not names:
            return
        ident = next((c for c in node.children if c.type == "identifier"), None)
        if ident is None:
            return
        entry = self.text(ident).strip("`")
        base = ".".join(names + [entry])
        self.export(base + ".name", entry, result, case=True)
        params = self._enum_parameters(enum)
        strings = self._entry_strings(node, [p for p, _ in params])
        for label, string in strings:
            self.export(f"{base}.{label}", string, result)
        if strings and strings[0][0] == next((p for p, is_string in params if is_string), None):
            self.export(base, strings[0][1], result)
        elif not any(is_string for _, is_string in params):
            self.export(base, entry, result, case=True)

    def _enum_parameters(self, enum: Node) -> list[tuple[str, bool]]:
        """(name, whether it is typed ``String``) of each parameter of an enum's constructor."""
        params: list[tuple[str, bool]] = []
        ctor = next((c for c in enum.children if c.type == "primary_constructor"), None)
        plist = next((c for c in ctor.children if c.type == "class_parameters"), None) if ctor else None
        for param in plist.children if plist is not None else ():
            if param.type == "class_parameter":
                pname = next((c for c in param.children if c.type == "identifier"), None)
                ptype = next((c for c in param.children if c.type in ("user_type", "nullable_type")), None)
                params.append((self.text(pname).strip("`") if pname is not None else "",
                               ptype is not None and re.sub(r"[\s?]", "", self.text(ptype)) == "String"))
        return params

    def _entry_strings(self, node: Node, params: list[str]) -> list[tuple[str, str]]:
        """(parameter, value) of an enum entry's string-literal arguments, in order."""
        arguments = next((c for c in node.children if c.type == "value_arguments"), None)
        out: list[tuple[str, str]] = []
        position = 0
        for argument in arguments.children if arguments is not None else ():
            if argument.type != "value_argument":
                continue
            label, expr = self._argument_parts(argument)
            if label is None:
                label = params[position] if position < len(params) else None
                position += 1
            expr = _unwrap(expr)
            if label is None or expr is None or expr.type not in _STRING_TYPES:
                continue
            string = self.string_value(expr)
            if string is not None:
                out.append((label, string))
        return out

    def _parameter(self, node: Node) -> None:
        ident = next((c for c in node.children if c.type == "identifier"), None)
        type_node = next((c for c in node.children if c.is_named and c.type in
                          ("user_type", "nullable_type")), None)
        if ident is not None:
            self.parameters.add(self.text(ident).strip("`"))
        if ident is not None and type_node is not None:
            self._binding_from_type(self.text(ident).strip("`"), type_node)

    def _binding_from_value(self, name: str, value: Node) -> None:
        origin = self._origin(value)
        if origin is not None:
            self.bindings[name] = origin

    def _origin(self, value: Node | None) -> str | None:
        """Where a value comes from: ``new:MixpanelAPI.getInstance`` for a constructor or a
        factory on a type (``Analytics(key, context) { ... }`` too), ``call:makeClient`` for a
        function of the file (see ``TypedReader._returned``), else None."""
        value = _unwrap(value)
        if value is None:
            return None
        if (value.type == "call_expression" and value.children
                and value.children[0].type == "call_expression"
                and value.children[-1].type == "annotated_lambda"):
            value = value.children[0]  # `Analytics(key, context) { ... }`: a trailing lambda
        if value.type != "call_expression":
            return None
        callee = value.children[0] if value.children else None
        dotted = self.dotted(callee) if callee is not None else None
        if dotted and dotted[0][:1].isupper():
            return "new:" + ".".join(dotted)
        return "call:" + dotted[0] if dotted and len(dotted) == 1 else None

    def function_returns(self) -> dict[str, str | None]:
        """The functions of the file and what they return: the declared type
        (``fun makeClient(): PostHogInterface?``) or what an expression body builds
        (``fun makeClient() = PostHogAndroid.with(context, config)``)."""
        table: dict[str, str | None] = {}
        if self.root is None:
            return table
        for node in self.captures(_functions_query(), self.root).get("fn", ()):
            ident = node.child_by_field_name("name")
            declared = next((c for c in node.children if c.type in ("user_type", "nullable_type")),
                            None)
            body = next((c for c in node.children if c.type == "function_body"), None)
            if ident is None:
                continue
            if declared is not None:
                returned = re.sub(r"[\s?]", "", self.text(declared))
            else:
                expression = _named(body)[0] if body is not None and _named(body) else None
                origin = self._origin(expression) if expression is not None else None
                returned = origin[4:] if origin is not None and origin.startswith("new:") else None
            if returned is not None and driver.type_name(returned):
                self.put(table, self.text(ident).strip("`"), returned)
        return table

    def _binding_from_type(self, name: str, type_node: Node) -> None:
        self.bind_type(name, re.sub(r"[\s?]", "", self.text(type_node)))

    # -- calls --------------------------------------------------------------------------------

    def _argument_parts(self, argument: Node) -> tuple[str | None, Node | None]:
        """(name for a named argument, the expression) of a ``value_argument``."""
        named = _named(argument)
        has_eq = any(c.type == "=" for c in argument.children)
        if has_eq and len(named) >= 2 and named[0].type == "identifier":
            return self.text(named[0]).strip("`"), named[-1]
        return None, named[-1] if named else None

    def raw_call(self, call: Node, method: Node, arguments: Node) -> RawCall:
        callee = call.children[0]
        if callee.type == "navigation_expression":
            target = _named(callee)[0]
            parts = self.unhold(self.receiver_parts(target))
            receiver_text = self.source.text(callee.start_byte, method.start_byte).rstrip()
            receiver_text = receiver_text[:-1].rstrip() if receiver_text.endswith(".") else receiver_text
        else:
            parts, receiver_text = [], ""
        has_splat = any(
            c.type == "value_argument" and any(g.type == "*" for g in c.children)
            for c in arguments.children
        )
        return self.raw(call, method, parts, receiver_text, self.args(self._arguments(arguments)),
                        has_splat)

    def receiver_parts(self, node: Node) -> list[str]:
        """The receiver chain, outermost name first, with calls, ``?.`` and ``!!`` removed."""
        parts: list[str] = []
        current: Node | None = node
        while current is not None:
            kind = current.type
            if kind == "identifier":
                parts.append(self.text(current).strip("`"))
                break
            if kind == "this_expression":
                parts.append("this")
                break
            if kind == "navigation_expression":
                named = _named(current)
                last = named[-1] if named else None
                if last is None or last.type != "identifier" or len(named) < 2:
                    parts.append(re.sub(r"\s+", "", self.text(current)))
                    break
                parts.append(self.text(last).strip("`"))
                current = named[0]
            elif kind == "call_expression":
                current = current.children[0] if current.children else None
            elif kind == "unary_expression" and any(c.type == "!!" for c in current.children):
                current = current.child_by_field_name("argument")
            elif kind == "parenthesized_expression" and len(_named(current)) == 1:
                current = _named(current)[0]
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
            if current.type == "identifier":
                parts.append(self.text(current).strip("`"))
                parts.reverse()
                return parts
            if current.type == "this_expression":
                parts.append("this")
                parts.reverse()
                return parts
            if current.type != "navigation_expression":
                return None
            named = _named(current)
            if len(named) != 2 or named[1].type != "identifier":
                return None
            parts.append(self.text(named[1]).strip("`"))
            current = named[0]
        return None

    # -- values -------------------------------------------------------------------------------

    def value(self, node: Node, depth: int = 0) -> Value:
        """What is statically known about an argument expression."""
        text = self.text(node)
        span = self.source.span(node.start_byte, node.end_byte)
        if depth > MAX_DEPTH:
            return unknown(text, span=span)
        kind = node.type
        if isinstance(node, _Generic):
            if node.key is not None:
                return unknown(text, span=span)
            return self._call_of(node.callee, None, [node.inner], None, text, span, depth)
        if kind in _STRING_TYPES:
            string = self.string_value(node)
            if string is None:
                return unknown(text, span=span)
            return literal(string, text=text, span=span)
        if kind == "binary_expression":
            misread = _misread_generic(node.child_by_field_name("left") or node, node)
            if misread is not None and misread.key is None:
                return self.value(misread, depth + 1)
            return unknown(text, span=span)
        if kind == "number_literal":
            number = _kotlin_int(text)
            return literal(number, text=text, span=span) if number is not None else unknown(text, span=span)
        if kind == "float_literal":
            try:
                return literal(float(text.replace("_", "").rstrip("fF")), text=text, span=span)
            except ValueError:
                return unknown(text, span=span)
        if kind == "character_literal":
            return unknown(text, span=span)
        if kind == "identifier":
            if text == "true" or text == "false":
                return literal(text == "true", text=text, span=span)
            if text == "null":
                return literal(None, text=text, span=span)
            return self._reference(node, text, span)
        if kind == "boolean_literal":
            return literal(text == "true", text=text, span=span)
        if kind == "null_literal":
            return literal(None, text=text, span=span)
        if kind in ("navigation_expression", "this_expression"):
            return self._reference(node, text, span)
        if kind == "unary_expression":
            argument = node.child_by_field_name("argument")
            operator = node.child_by_field_name("operator")
            op = operator.type if operator is not None else ""
            if argument is not None and op == "!!":
                return self.value(argument, depth + 1)
            if argument is not None and op in ("-", "+") and argument.type in (
                    "number_literal", "float_literal"):
                inner = self.value(argument, depth + 1)
                if inner.known:
                    return literal(-inner.value if op == "-" else inner.value, text=text, span=span)
            return unknown(text, span=span)
        if kind == "parenthesized_expression":
            named = _named(node)
            if len(named) == 1:
                return self.value(named[0], depth + 1)
        if kind == "as_expression":
            left = node.child_by_field_name("left")
            if left is not None:
                return self.value(left, depth + 1)
        if kind == "call_expression":
            return self._call_value(node, text, span, depth)
        return unknown(text, span=span)

    def _reference(self, node: Node, text: str, span) -> Value:
        dotted = self.dotted(node)
        if not dotted:
            return unknown(text, span=span)
        if dotted[0] == "this" and len(dotted) > 1:
            dotted = dotted[1:]
        name = ".".join(dotted)
        if self.via_parameter(dotted):
            return unknown(text, span=span)
        if len(dotted) == 1 and name in self.locals:
            found = self.locals[name]
        elif name in self.constants:
            found = self.constants[name]
        else:
            # `VERSION_KEY` used inside the class whose companion object defines it
            found = self.members.get(name) if len(dotted) == 1 else None
        if found is not None:
            return self.constant(name, found, text, span)
        imported = self.imports.get(dotted[0])
        if imported is not None:
            # qualify an imported name (`ORDER_COMPLETED` from `com.acme.Events`) so that it
            # matches the package-qualified exports of the file that defines it
            name = ".".join([imported[0], imported[1], *dotted[1:]])
        return unknown(text, span=span, ref=name)

    def _call_value(self, node: Node, text: str, span, depth: int) -> Value:
        children = node.children
        callee = children[0] if children else None
        arguments = next((c for c in children if c.type == "value_arguments"), None)
        lambda_node = next((c for c in children if c.type == "annotated_lambda"), None)
        if callee is not None and callee.type == "call_expression" and arguments is None:
            # `f(args) { lambda }` parses as a call of a call: look at the inner one
            arguments = next((c for c in callee.children if c.type == "value_arguments"), None)
            callee = callee.children[0] if callee.children else None
        if callee is not None and callee.type == "navigation_expression":
            return self._chain_value(node, text, span, depth)
        positional = self._positional(arguments)
        return self._call_of(callee, arguments, positional, lambda_node, text, span, depth)

    def _call_of(self, callee: Node | None, arguments: Node | None, positional: list,
                 lambda_node: Node | None, text: str, span, depth: int) -> Value:
        """The value of a call of ``callee`` (a map/list builder, a JSON builder, a builder
        constructor, or anything else: unknown with ``ctor`` set)."""
        name = self.text(callee) if callee is not None and callee.type == "identifier" else None
        if name in _MAP_BUILDERS:
            return self._map_of(positional, text, span, depth)
        if name in _LIST_BUILDERS:
            items = [self.value(e, depth + 1) for e in positional]
            return Value(type="array", items=items, kind="literal", text=text, span=span)
        if name == "buildJsonObject" and lambda_node is not None:
            return self._json_builder(lambda_node, text, span, depth, array=False)
        if name == "buildJsonArray" and lambda_node is not None:
            return self._json_builder(lambda_node, text, span, depth, array=True)
        if name in ("JsonPrimitive", "JsonObject", "JSONObject", "JsonArray", "JSONArray",
                    "HashMap", "LinkedHashMap") and len(positional) == 1:
            return self.value(positional[0], depth + 1)
        if name in value_shapes("kotlin").property_builders and not positional:
            return Value(type="object", properties={}, kind="literal", text=text, span=span,
                         ctor=name)
        result = unknown(text, span=span)
        dotted = self.dotted(callee) if isinstance(callee, Node) else None
        if dotted:
            result.ctor = ".".join(dotted)
        return result

    def _arguments(self, arguments: Node | None) -> list[tuple[str | None, Node]]:
        """(name or None, expression) per argument, spreads left out. A one-argument generic
        call ``mapOf<String, Any>(x)`` that the grammar read as two comparisons
        (``mapOf < String``, ``Any > (x)``) is put back together as one argument."""
        out: list[tuple[str | None, Node]] = []
        for argument in arguments.children if arguments is not None else ():
            if argument.type != "value_argument" or any(c.type == "*" for c in argument.children):
                continue
            label, expr = self._argument_parts(argument)
            if expr is None:
                continue
            if out and label is None and isinstance(out[-1][1], Node):
                merged = _misread_generic(out[-1][1], expr)
                if merged is not None:
                    out[-1] = (out[-1][0], merged)
                    continue
            out.append((label, expr))
        return out

    def _positional(self, arguments: Node | None) -> list[Node]:
        return [expr for label, expr in self._arguments(arguments) if label is None]

    def _pair(self, node: Node) -> tuple[Node, Node] | None:
        """``k to v`` / ``Pair(k, v)`` as (key node, value node)."""
        if isinstance(node, _Generic):
            if node.key is None:
                return None
            return node.key, _Generic(node.callee, node.inner, node.callee.start_byte, node.end_byte)
        if node.type == "binary_expression":
            misread = _misread_generic(node.child_by_field_name("left") or node, node)
            return self._pair(misread) if misread is not None else None
        if node.type == "infix_expression":
            named = _named(node)
            if len(named) == 3 and named[1].type == "identifier" and self.text(named[1]) == "to":
                return named[0], named[2]
        if node.type == "call_expression" and node.children and self.text(node.children[0]) == "Pair":
            arguments = next((c for c in node.children if c.type == "value_arguments"), None)
            positional = self._positional(arguments)
            if len(positional) == 2:
                return positional[0], positional[1]
        return None

    def _add(self, properties: dict[str, Value], key_node: Node, value_node: Node | None,
             depth: int) -> bool:
        """Add one property; False when the key is not a known string."""
        key = self.value(key_node, depth + 1)
        if key.type != "string" or not key.known:
            return False
        item = self.value(value_node, depth + 1) if value_node is not None else unknown("")
        item.key_span = self.source.span(key_node.start_byte, key_node.end_byte)
        properties[key.value] = item
        return True

    def _map_of(self, positional: list, text: str, span, depth: int) -> Value:
        properties: dict[str, Value] = {}
        is_open = False
        for expr in positional:
            pair = self._pair(_unwrap(expr) if isinstance(expr, Node) else expr)
            if pair is None or not self._add(properties, pair[0], pair[1], depth):
                is_open = True
        return Value(type="object", properties=properties, open=is_open, kind="literal",
                     text=text, span=span)

    def _lambda_statements(self, lambda_node: Node) -> list[Node]:
        literal_node = next((c for c in lambda_node.children if c.type == "lambda_literal"),
                            lambda_node)
        out = []
        for child in literal_node.children:
            if not child.is_named or child.type in ("line_comment", "block_comment",
                                                    "lambda_parameters"):
                continue
            if child.type == "statements":
                out.extend(c for c in child.children if c.is_named)
            else:
                out.append(child)
        return out

    def _json_builder(self, lambda_node: Node, text: str, span, depth: int, *, array: bool) -> Value:
        properties: dict[str, Value] = {}
        items: list[Value] = []
        is_open = False
        for statement in self._lambda_statements(lambda_node):
            if statement.type != "call_expression":
                is_open = True
                continue
            inner = statement
            inner_lambda = next((c for c in statement.children if c.type == "annotated_lambda"), None)
            if inner_lambda is not None and statement.children[0].type == "call_expression":
                inner = statement.children[0]
            callee = inner.children[0] if inner.children else None
            method = self.text(callee) if callee is not None and callee.type == "identifier" else ""
            arguments = next((c for c in inner.children if c.type == "value_arguments"), None)
            positional = self._positional(arguments)
            if array:
                if method == "add" and len(positional) == 1:
                    items.append(self.value(positional[0], depth + 1))
                elif method == "addJsonObject" and inner_lambda is not None:
                    items.append(self._json_builder(inner_lambda, self.text(statement),
                                                    self.source.span(statement.start_byte, statement.end_byte),
                                                    depth + 1, array=False))
                elif method == "addJsonArray" and inner_lambda is not None:
                    items.append(self._json_builder(inner_lambda, self.text(statement),
                                                    self.source.span(statement.start_byte, statement.end_byte),
                                                    depth + 1, array=True))
                else:
                    is_open = True
                continue
            if method == "put" and len(positional) == 2:
                if not self._add(properties, positional[0], positional[1], depth):
                    is_open = True
            elif method in ("putJsonObject", "putJsonArray") and len(positional) == 1 and inner_lambda:
                key = self.value(positional[0], depth + 1)
                if key.type != "string" or not key.known:
                    is_open = True
                    continue
                nested = self._json_builder(
                    inner_lambda, self.text(statement),
                    self.source.span(statement.start_byte, statement.end_byte), depth + 1,
                    array=method == "putJsonArray")
                nested.key_span = self.source.span(positional[0].start_byte, positional[0].end_byte)
                properties[key.value] = nested
            else:
                is_open = True
        if array:
            return Value(type="array", items=items, open=is_open, kind="literal", text=text, span=span)
        return Value(type="object", properties=properties, open=is_open, kind="literal", text=text,
                     span=span)

    def _chain_value(self, node: Node, text: str, span, depth: int) -> Value:
        """``Builder().put(k, v).put(k2, v2)`` and ``Builder().apply { ... }`` as objects."""
        steps: list[tuple[str, Node]] = []  # (method, call node), outermost first
        current = node
        base: Node | None = None
        for _ in range(MAX_DEPTH * 4):
            callee = current.children[0] if current.children else None
            if callee is not None and callee.type == "call_expression" and not any(
                    c.type == "value_arguments" for c in current.children):
                # `x.apply { }` is (call_expression (navigation_expression ...) (annotated_lambda))
                pass
            if callee is None or callee.type != "navigation_expression":
                base = current
                break
            named = _named(callee)
            if len(named) != 2:
                return unknown(text, span=span)
            steps.append((self.text(named[1]), current))
            target = named[0]
            if target.type != "call_expression":
                base = target
                break
            current = target
        else:
            return unknown(text, span=span)
        if base is None:
            return unknown(text, span=span)
        steps.reverse()
        base_value = self.value(base, depth + 1) if base.type == "call_expression" else None
        if base_value is None or base_value.properties is None:
            # a chain on a variable or an unknown call: only a known builder is an object
            if steps and all(m in _PUT_METHODS or m == "apply" for m, _ in steps) and base.type != "call_expression":
                pass
            result = unknown(text, span=span)
            result.ctor = ".".join(self.dotted(node.children[0]) or []) or None
            return result
        properties = dict(base_value.properties)
        is_open = base_value.open
        for method, call in steps:
            arguments = next((c for c in call.children if c.type == "value_arguments"), None)
            lambda_node = next((c for c in call.children if c.type == "annotated_lambda"), None)
            if method in _PUT_METHODS and arguments is not None:
                positional = self._positional(arguments)
                if len(positional) != 2 or not self._add(properties, positional[0], positional[1], depth):
                    is_open = True
            elif method in ("apply", "also") and lambda_node is not None:
                for statement in self._lambda_statements(lambda_node):
                    if not self._apply_statement(statement, properties, depth):
                        is_open = True
            else:
                is_open = True
        return Value(type="object", properties=properties, open=is_open, kind="literal", text=text,
                     span=span, ctor=base_value.ctor)

    def _apply_statement(self, statement: Node, properties: dict[str, Value], depth: int) -> bool:
        """``put(k, v)`` / ``putValue(k, v)`` / ``this[k] = v`` / ``field = v`` in an ``apply``."""
        if statement.type == "assignment":
            left = statement.child_by_field_name("left")
            right = statement.child_by_field_name("right")
            if left is None or right is None:
                return False
            if left.type == "identifier":
                item = self.value(right, depth + 1)
                item.key_span = self.source.span(left.start_byte, left.end_byte)
                properties[self.text(left)] = item
                return True
            if left.type == "index_expression":
                named = _named(left)
                if len(named) == 2 and named[0].type == "this_expression":
                    return self._add(properties, named[1], right, depth)
            return False
        if statement.type == "call_expression":
            callee = statement.children[0]
            if callee.type == "identifier" and self.text(callee) in _PUT_METHODS:
                arguments = next((c for c in statement.children if c.type == "value_arguments"), None)
                positional = self._positional(arguments)
                return len(positional) == 2 and self._add(properties, positional[0], positional[1], depth)
        return False

    def string_value(self, node: Node) -> str | None:
        """The value of a string literal without templates, else None."""
        if any(c.type == "interpolation" for c in node.children):
            return None
        return _kotlin_string(self.text(node))


class _Generic:
    """A generic call ``f<A, B>(x)`` that the grammar misread as comparisons
    (``f < A``, ``B > (x)``); ``key`` is set when it was the value of ``key to f<A, B>(x)``."""

    type = "generic_call"

    def __init__(self, callee: Node, inner: Node, start_byte: int, end_byte: int,
                 key: Node | None = None) -> None:
        self.callee = callee
        self.inner = inner
        self.start_byte = start_byte
        self.end_byte = end_byte
        self.key = key
        self.children: list = []


def _misread_generic(less: Node, greater: Node) -> _Generic | None:
    """Recognise ``callee < T1`` + ``T2 > (inner)`` (one binary expression or two arguments)."""
    if less.type != "binary_expression" or greater.type != "binary_expression":
        return None
    less_op = less.child_by_field_name("operator")
    greater_op = greater.child_by_field_name("operator")
    if less_op is None or greater_op is None or less_op.type != "<" or greater_op.type != ">":
        return None
    callee = less.child_by_field_name("left")
    right = greater.child_by_field_name("right")
    if callee is None or right is None or right.type != "parenthesized_expression":
        return None
    inner = _named(right)
    if len(inner) != 1:
        return None
    key = None
    if callee.type == "infix_expression":
        parts = _named(callee)
        if len(parts) == 3 and parts[1].type == "identifier" and parts[1].text == b"to":
            key, callee = parts[0], parts[2]
        else:
            return None
    if callee.type not in ("identifier", "navigation_expression"):
        return None
    start = callee.start_byte if key is None else less.start_byte
    return _Generic(callee, inner[0], start, greater.end_byte, key)


def _unwrap(node: Node | None) -> Node | None:
    """Strip casts, parentheses and ``!!`` around an expression."""
    for _ in range(MAX_DEPTH):
        if node is None:
            return None
        if node.type == "as_expression":
            node = node.child_by_field_name("left")
        elif node.type == "parenthesized_expression" and len(_named(node)) == 1:
            node = _named(node)[0]
        elif node.type == "unary_expression" and any(c.type == "!!" for c in node.children):
            node = node.child_by_field_name("argument")
        else:
            return node
    return node


def _kotlin_int(text: str) -> int | None:
    clean = text.replace("_", "").rstrip("lLuU")
    try:
        if clean[:2].lower() in ("0x", "0b"):
            return int(clean, 0)
        return int(clean, 10)
    except ValueError:
        return None


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "'": "'", '"': '"', "\\": "\\", "$": "$"}


def _kotlin_string(text: str) -> str | None:
    """Decode a Kotlin string literal's source text; None when it has templates."""
    if text.startswith('"""') and text.endswith('"""') and len(text) >= 6:
        content = text[3:-3]
        if re.search(r"\$(\{|[A-Za-z_`])", content):
            return None
        return content
    if not (text.startswith('"') and text.endswith('"') and len(text) >= 2):
        return None
    content = text[1:-1]
    out: list[str] = []
    i = 0
    n = len(content)
    while i < n:
        ch = content[i]
        if ch == "\\":
            if i + 1 >= n:
                return None
            nxt = content[i + 1]
            if nxt in _ESCAPES:
                out.append(_ESCAPES[nxt])
                i += 2
            elif nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", content[i + 2 : i + 6]):
                out.append(chr(int(content[i + 2 : i + 6], 16)))
                i += 6
            else:
                return None
        elif ch == "$" and i + 1 < n and (content[i + 1] == "{" or content[i + 1].isalpha()
                                          or content[i + 1] in "_`"):
            return None
        else:
            out.append(ch)
            i += 1
    return "".join(out)


GRAMMAR = driver.Grammar(LANGUAGE, _calls_query, _call_shape, frozenset({"identifier"}), _Context,
                         warm=(_declarations_query,))
