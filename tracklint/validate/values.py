"""Event payloads as the call sites the rules check: a :class:`~tracklint.extract.base.TrackCall`
whose event name and properties are literal :class:`~tracklint.extract.base.Value` trees.

Two forms of the same call. :func:`quick_call` builds it as fast as it can (no positions, no
text), which is all the rules need to say whether a record conforms. :func:`exact_call` builds
it again, only for a record with findings, with a :class:`~tracklint.extract.base.Span` on every
value whose ``start_byte`` indexes the JSON pointer of that value (even numbers; the odd one
after it is the value's key), so that each finding can be traced back to its pointer, and with
each value's JSON text for the messages.
"""

from __future__ import annotations

import json
from typing import Any

from tracklint.extract.base import Span, TrackCall, Value
from tracklint.validate.payloads import Payload, pointer_join

#: Objects and arrays nested deeper than this are compared no further (as in the extractors).
MAX_DEPTH = 32
_ROOT = Span(1, 1, 1, 2, 1, 2)


def quick_call(payload: Payload, path: str) -> TrackCall:
    """The call of ``payload``, without positions."""
    name = payload.name if isinstance(payload.name, str) else None
    props = _props(payload)
    return TrackCall(path, payload.vendor, _ROOT, payload.vendor, "", payload.kind, payload.kind, name,
                     "literal" if name is not None else "none", _name_text(payload), None, None,
                     None if props is None else _quick(props, 0))


def _quick(v: Any, depth: int) -> Value:
    t = type(v)
    if t is str:
        return Value("string", v, True, None, None, False, "literal")
    if t is dict:
        if depth >= MAX_DEPTH:
            return Value("object", None, False, {}, None, True, "literal")
        return Value("object", None, False, {k: _quick(x, depth + 1) for k, x in v.items()}, None, False, "literal")
    if t is bool:
        return Value("boolean", v, True, None, None, False, "literal")
    if t is int:
        return Value("integer", v, True, None, None, False, "literal")
    if t is float:
        return Value("number", v, True, None, None, False, "literal")
    if v is None:
        return Value("null", None, True, None, None, False, "literal")
    if depth >= MAX_DEPTH:
        return Value("array", None, False, None, [], True, "literal")
    return Value("array", None, False, None, [_quick(x, depth + 1) for x in v], False, "literal")


class Pointers:
    """The JSON pointers of one record's values, by index (see the module docstring)."""

    def __init__(self) -> None:
        self.table: list[str] = []

    def span(self, pointer: str, line: int) -> tuple[Span, Span]:
        """(value span, key span) that stand for ``pointer``."""
        i = len(self.table)
        self.table.append(pointer)
        return Span(line, 1, line, 2, 1, 2, 2 * i, 2 * i), Span(line, 1, line, 2, 1, 2, 2 * i + 1, 2 * i + 1)

    def of(self, span: Span) -> tuple[str, bool]:
        """(pointer, whether the key is meant) of a span from :meth:`span`."""
        return self.table[span.start_byte // 2], bool(span.start_byte % 2)


def exact_call(payload: Payload, path: str, line: int, pointers: Pointers) -> TrackCall:
    """The call of ``payload`` with a traceable span on every value."""
    call = quick_call(payload, path)
    call.span = pointers.span(payload.pointer, line)[0]
    if payload.name_at:
        call.event_span = pointers.span(payload.name_at, line)[0]
    props = _props(payload)
    if props is not None:
        call.properties = _exact(props, payload.props_at, line, pointers, 0)
    return call


def _exact(v: Any, at: str, line: int, pointers: Pointers, depth: int) -> Value:
    value = _quick(v, MAX_DEPTH) if isinstance(v, (dict, list)) else _quick(v, 0)
    value.span, value.key_span = pointers.span(at, line)
    value.text = _text(v)
    if isinstance(v, dict) and depth < MAX_DEPTH:
        value.open = False
        value.properties = {k: _exact(x, pointer_join(at, k), line, pointers, depth + 1) for k, x in v.items()}
    elif isinstance(v, list) and depth < MAX_DEPTH:
        value.open = False
        value.items = [_exact(x, pointer_join(at, i), line, pointers, depth + 1) for i, x in enumerate(v)]
    return value


def _props(payload: Payload) -> dict | None:
    props = payload.properties
    if not isinstance(props, dict):
        return None
    if payload.drop:
        return {k: v for k, v in props.items() if k not in payload.drop}
    return props


def _name_text(payload: Payload) -> str:
    if isinstance(payload.name, str) or payload.name is None:
        return ""
    return _text(payload.name)


def _text(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 200 else text[:199] + "…"
