"""Calls inside a configured wrapper's own definition that forward the wrapper's parameters.

A team that declares ``trackEvent(name, props)`` as a wrapper has, somewhere, its body:
``function trackEvent(name, props) { analytics.track(name, props) }``. That inner SDK call's event
name is a parameter, so TL010 ("cannot be known statically") and TL011 fired on it, where "use a
literal" cannot apply: the wrapper's call sites are what is checked (issue #13).
:func:`forwarding_calls` finds such calls so that those two rules leave them alone.

Only calls that the two rules would report are looked at, and only when wrappers are configured:
their files are parsed again here (a handful of files, once each per run).

The same reading finds the wrappers nobody declared yet (:func:`forwarders`, for ``init`` and
``scan --discover``): an SDK call whose event is a parameter of the function around it makes
that function a wrapper, called with the event where its parameter list takes it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from tracklint.extract.base import TrackCall

#: Syntax-tree node types that define a function, a method or a closure, in the grammars
#: tracklint reads (several names are shared between grammars).
FUNCTION_NODES = frozenset({
    "function_definition", "function_declaration", "function_expression", "function",
    "generator_function_declaration", "generator_function", "arrow_function", "method_definition",
    "method_declaration", "constructor_declaration", "init_declaration", "func_literal",
    "lambda", "lambda_literal", "lambda_expression", "anonymous_function", "method",
    "singleton_method",
})
#: Of those, the ones without a name of their own: a closure, named (if at all) by what holds it.
_ANONYMOUS = frozenset({
    "arrow_function", "function_expression", "function", "generator_function", "lambda", "lambda_literal",
    "lambda_expression", "anonymous_function", "func_literal",
})
#: Node types of a name, when the definition has no ``name`` field.
_NAME_NODES = ("identifier", "simple_identifier", "property_identifier", "field_identifier", "constant")
#: Fields of the node around an unnamed function that name it (``const track = (e) => ...``,
#: ``{ track: (e) => ... }``, ``exports.track = function (e) {...}``).
_HOLDER_FIELDS = ("name", "key", "left")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
#: Largest file parsed again here (a wrapper's definition lives in a hand-written file).
_MAX_BYTES = 4_000_000
#: A spread inside a literal object: ``...props`` (JS), ``**props`` (Python).
_SPREAD_OF = re.compile(r"(?:\.\.\.|\*\*)\s*([A-Za-z_$][\w$]*)")
#: What an extractor writes for positional arguments hidden by a spread (base.match_call).
_SPREAD = ("...args", "*args")


def forwarding_calls(root: Path, calls: Iterable[TrackCall], wrappers: Iterable[dict[str, Any]]) -> frozenset[tuple[str, int]]:
    """``(path, start byte)`` of each call whose event name or properties are a parameter of
    the enclosing definition of a configured wrapper (its method name), in ``calls``."""
    names = {str(w.get("function", "")).rpartition(".")[2] for w in wrappers} - {""}
    if not names:
        return frozenset()
    by_path: dict[str, list[TrackCall]] = {}
    for call in calls:
        if _forwarded_names(call):
            by_path.setdefault(call.path, []).append(call)
    found: set[tuple[str, int]] = set()
    for path, group in by_path.items():
        tree = _parse(root, path, group[0].language)
        if tree is None:
            continue
        for call in group:
            if _inside_wrapper(tree, call, names):
                found.add((path, call.span.start_byte))
    return frozenset(found)


def _forwarded_names(call: TrackCall) -> list[str]:
    """The expressions of ``call`` that TL010/TL011 would report: its event name when it cannot
    be read, its properties when they are not a literal object."""
    out = []
    if call.event is None and call.event_kind == "dynamic" and call.event_text:
        out.append(call.event_text)
    props = call.properties
    if props is not None and props.properties is None and props.type == "unknown" and props.text:
        out.append(props.text)
    return out


def _parse(root: Path, path: str, language: str) -> Any:
    """The syntax tree of the project file ``path`` (read as extraction reads it), or None."""
    from tracklint.extract import decode
    from tracklint.extract.base import ParseTimeout, parse_bounded
    from tracklint.extract.languages import get, grammar
    from tracklint.pool import read_with_stat

    if get(language) is None:
        return None
    try:
        raw, _ = read_with_stat(str(root / path), _MAX_BYTES, os.path.realpath(root))
    except OSError:  # gone, not a regular file, a link out of the project
        return None
    if raw is None:
        return None
    data, problem = decode(raw)
    if problem is not None:
        return None
    from tree_sitter import Parser

    try:
        return parse_bounded(Parser(grammar(language)), data)
    except ParseTimeout:
        return None


def _inside_wrapper(tree: Any, call: TrackCall, wrappers: set[str]) -> bool:
    """Whether ``call`` sits in the definition of one of ``wrappers`` and forwards one of its
    parameters (the innermost named definition around the call decides; closures are passed)."""
    node = tree.root_node.descendant_for_byte_range(call.span.start_byte, call.span.end_byte)
    while node is not None:
        if node.type in FUNCTION_NODES:
            name = _name(node)
            if name is not None:
                return name in wrappers and _forwards(node, call)
        node = node.parent
    return False


def _name(node: Any) -> str | None:
    """The name a definition is called by, or None for an anonymous one."""
    named = node.child_by_field_name("name")
    if named is None and node.type not in _ANONYMOUS:
        named = next((c for c in node.named_children if c.type in _NAME_NODES), None)
    if named is None and node.type in _ANONYMOUS and node.parent is not None:
        holder = node.parent
        named = next((holder.child_by_field_name(f) for f in _HOLDER_FIELDS
                      if holder.child_by_field_name(f) not in (None, node)), None)
    if named is None:
        return None
    text = named.text.decode("utf-8", "replace") if named.text is not None else ""
    return re.split(r"[.:]", text)[-1].strip() or None


def _forwards(definition: Any, call: TrackCall) -> bool:
    """Whether what TL010/TL011 would report of ``call`` is one of the definition's parameters
    (``name``, ``options.name``, a spread of its arguments)."""
    body = definition.child_by_field_name("body")
    if body is None and definition.named_children:
        body = definition.named_children[-1]
    end = body.start_byte if body is not None else definition.end_byte
    header = (definition.text or b"")[: end - definition.start_byte].decode("utf-8", "replace")
    params = set(_IDENT.findall(header))
    for expr in _forwarded_names(call):
        expr = expr.strip()
        if expr in _SPREAD:
            continue  # the wrapper passes its arguments on as they came
        first = _IDENT.match(expr.lstrip("*&"))
        if first is None or first.group() not in params:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# Discovery (``tracklint init`` and ``scan --discover``, issue #13): the functions whose body
# sends one of their parameters as the event of an SDK call are wrappers nobody declared yet.

#: Node types of a class-like body: a function defined in one is called as a method.
_CLASS_NODES = ("class", "object_declaration", "struct", "protocol", "extension", "interface",
                "companion_object", "module", "object", "impl")
#: Words before a parameter's name that are not its name.
_MODIFIERS = frozenset({"final", "vararg", "val", "var", "readonly", "public", "private", "protected",
                        "inout", "const", "let", "mut", "noinline", "crossinline"})


@dataclass(frozen=True)
class Forwarder:
    """A function or method that sends its parameter as an SDK call's event: how it is called."""

    name: str
    owner: str | None  # the class, object or module it is defined in (called as ``x.name(``), else None
    event: int | str  # its position among the call's arguments, or a Swift label
    properties: int | str | bool  # the same for the properties, False when it takes none
    path: str
    line: int
    language: str = ""
    event_type: str = ""  # the event parameter's declared type (``AnalyticsEvent``), when written


def forwarders(root: Path, calls: Iterable[TrackCall]) -> list[Forwarder]:
    """The definitions in which one of ``calls`` (SDK or declared wrappers' calls extraction
    found) sends a parameter of the definition as its event, one per definition."""
    by_path: dict[str, list[TrackCall]] = {}
    for call in calls:
        if call.event is None and call.event_kind == "dynamic" and _IDENT.match(call.event_text or ""):
            by_path.setdefault(call.path, []).append(call)
    found: dict[tuple[str, int], Forwarder] = {}
    for path, group in sorted(by_path.items()):
        tree = _parse(root, path, group[0].language)
        if tree is None:
            continue
        for call in group:
            forwarder = _forwarder(tree, call)
            if forwarder is not None:
                found.setdefault((forwarder.path, forwarder.line), forwarder)
    return list(found.values())


def _forwarder(tree: Any, call: TrackCall) -> Forwarder | None:
    """The definition around ``call`` that passes its parameter on as the event, or None."""
    node = tree.root_node.descendant_for_byte_range(call.span.start_byte, call.span.end_byte)
    while node is not None and not (node.type in FUNCTION_NODES and _name(node) is not None):
        node = node.parent
    if node is None:
        return None
    params = _parameters(node, call.language)
    if re.match(r"\s*[*&]*[A-Za-z_$][\w$]*\s*\(", call.event_text):
        return None  # what a parameter returns (``transform(value)``), not the parameter
    event = _position(params, call.event_text, call.language)
    if event is None:
        return None
    first = _IDENT.match(call.event_text.strip())
    kind = next((t for _, name, t in params if first is not None and name == first.group()), "")
    props = call.properties
    prop_text = props.text if props is not None and props.properties is None and props.text else ""
    if props is not None and props.open and props.text:  # {...properties, source: "server"}
        spread = _SPREAD_OF.search(props.text)
        prop_text = spread.group(1) if spread else ""
    properties = _position(params, prop_text, call.language) if prop_text else None
    return Forwarder(name=_name(node) or "", owner=_owner(node), event=event,
                     properties=False if properties is None else properties,
                     path=call.path, line=node.start_point[0] + 1, language=call.language, event_type=kind)


def _parameters(definition: Any, language: str) -> list[tuple[str, str, str]]:
    """``(label, name, type)`` of each parameter in a definition's header (the label is Swift's
    argument label, else the name; the type's first name when one is written, else "");
    ``self``/``cls`` left out, nothing after a ``*args``."""
    body = definition.child_by_field_name("body")
    end = body.start_byte if body is not None else definition.end_byte
    header = (definition.text or b"")[: end - definition.start_byte].decode("utf-8", "replace")
    start = header.find("(")
    if start < 0:
        return []
    out: list[tuple[str, str, str]] = []
    for part in _top_level_split(header[start + 1:]):
        split = re.split(r"([:=])", part.strip(), maxsplit=1)
        head, separator, annotation = split if len(split) == 3 else (split[0], "", "")
        if head.lstrip().startswith("*"):
            break
        words = [w for w in _IDENT.findall(re.sub(r"@\w+(?:\([^)]*\))?", "", head)) if w not in _MODIFIERS]
        if not words or words[-1] in ("self", "cls"):
            continue
        typed = _IDENT.match(annotation.strip()) if separator == ":" else None
        kind = typed.group() if typed else (words[-2] if len(words) > 1 and language == "java" else "")
        if language == "go":
            out.append((words[0], words[0], words[1] if len(words) > 1 else ""))
        elif language == "swift":
            out.append((words[0], words[-1], kind))
        else:
            out.append((words[-1], words[-1], kind))
    return out


def _top_level_split(text: str) -> list[str]:
    """The comma-separated parts of a parameter list up to its closing parenthesis."""
    parts, depth, current = [], 0, []
    for char in text:
        if char in "([{<":
            depth += 1
        elif char in ")]}>":
            if depth == 0 and char == ")":
                break
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _position(params: list[tuple[str, str, str]], expression: str, language: str) -> int | str | None:
    """Where a call passes the parameter that ``expression`` starts with: its position, or its
    Swift label when it has one; None when the expression is not a parameter."""
    first = _IDENT.match(expression.strip().lstrip("*&"))
    if first is None:
        return None
    for index, (label, name, _) in enumerate(params):
        if name == first.group():
            return label if language == "swift" and label != "_" else index
    return None


def _owner(node: Any) -> str | None:
    """The name of the class-like body a definition sits in ("" when it has none, such as an
    object literal), or None when it is a plain function."""
    node = node.parent
    while node is not None and node.parent is not None:  # the file's own node is no class
        if node.type in FUNCTION_NODES:
            return None
        if any(part in node.type for part in _CLASS_NODES) and node.type != "object_pattern" \
                and not node.type.endswith(("_body", "companion_object")):
            named = node.child_by_field_name("name") or next(
                (c for c in node.named_children if c.type in ("identifier", "type_identifier", "simple_identifier", "constant")), None)
            return named.text.decode("utf-8", "replace") if named is not None and named.text else ""
        node = node.parent
    return None
