"""Strict reading of imported files: what Python's ``json`` accepts but a tracking plan must not.

An imported file comes from another tool or from a pull request, so it is hostile input
(issue #12). ``json.loads`` keeps the last of two equal keys, reads ``NaN`` and ``1e999``,
raises ValueError on a 5000-digit integer, returns unpaired surrogates from ``"\\ud800"`` and
recurses on deep nesting. The hooks here turn each into an exception, and the ``*_offset``
helpers find where in the text the problem is (a second, slower look that runs only after a
problem was found, so reading a good file costs one fast ``json.loads`` and one walk).
"""

from __future__ import annotations

import json
import math
import re
import sys
from json import decoder, scanner
from typing import Any

from tracklint.plan.yaml_loader import MAX_BYTES, MAX_DEPTH

#: Largest file ``tracklint import`` reads: the size limit of a tracklint plan file.
MAX_IMPORT_BYTES = MAX_BYTES
#: Deepest nesting of objects and arrays in an imported file: that of a tracklint plan.
MAX_IMPORT_DEPTH = MAX_DEPTH
#: Longest integer literal (Python's own limit for converting text to int).
MAX_INT_DIGITS = sys.get_int_max_str_digits() or 4300

_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


class RepeatedKey(Exception):
    """An object has the same key twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class BadNumber(Exception):
    """A number literal the plan cannot hold (``text`` is the literal)."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message)
        self.message, self.text = message, text


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook``: a dict, or :class:`RepeatedKey`."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise RepeatedKey(key)
        result[key] = value
    return result


def bounded_int(text: str) -> int:
    """``parse_int``: refuse literals longer than Python converts."""
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise BadNumber(f"an integer with {len(text.lstrip('-'))} digits (the limit is {MAX_INT_DIGITS})", text)
    return int(text)


def finite_float(text: str) -> float:
    """``parse_float``: refuse numbers too large for a float (``1e999`` reads as infinity)."""
    value = float(text)
    if not math.isfinite(value):
        raise BadNumber(f"the number {text[:40]} is too large", text)
    return value


def no_constant(text: str) -> float:
    """``parse_constant``: ``NaN`` and ``Infinity`` are not JSON."""
    raise BadNumber(f"{text} is not a JSON number", text)


def loads(text: str) -> Any:
    """``json.loads`` with every hook above."""
    return json.loads(text, object_pairs_hook=unique_keys, parse_int=bounded_int,
                      parse_float=finite_float, parse_constant=no_constant)


def data_problem(data: Any) -> tuple[str, tuple[Any, ...]] | None:
    """The first problem ``json.loads`` or the YAML reader let through (nesting deeper than
    ``MAX_IMPORT_DEPTH``, a string or key with an unpaired surrogate), with its JSON path.
    :func:`problem_offset` finds it in the text."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:
        value, jpath = stack.pop()
        if len(jpath) > MAX_IMPORT_DEPTH:
            return f"nested too deeply (more than {MAX_IMPORT_DEPTH} levels)", jpath
        if isinstance(value, str) and not _encodable(value):
            return "a string with an unpaired surrogate code point (\\ud800-\\udfff)", jpath
        if isinstance(value, dict):
            children = []
            for key, item in value.items():
                if isinstance(key, str) and not _encodable(key):
                    return "a key with an unpaired surrogate code point (\\ud800-\\udfff)", (*jpath, key)
                children.append((item, (*jpath, key)))
            stack.extend(reversed(children))  # popped in document order: the first problem wins
        elif isinstance(value, list):
            stack.extend((item, (*jpath, index)) for index, item in reversed(list(enumerate(value))))
    return None


def problem_offset(text: str, jpath: tuple[Any, ...]) -> int | None:
    """Where in ``text`` the problem :func:`data_problem` reported at ``jpath`` is."""
    if len(jpath) > MAX_IMPORT_DEPTH:
        return depth_offset(text, MAX_IMPORT_DEPTH)
    return surrogate_offset(text)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def pointer(jpath: tuple[Any, ...]) -> str:
    """A JSON pointer for ``jpath``, with unprintable characters escaped."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in jpath]
    if len(parts) > 12:
        parts = [*parts[:6], "…", *parts[-5:]]
    return ("/" + "/".join(parts)).encode("ascii", "backslashreplace").decode("ascii").replace("\\u2026", "…")


def line_column(text: str, offset: int | None) -> tuple[int | None, int | None]:
    """1-based line and column (code points) of ``offset``; (None, None) when unknown."""
    if offset is None:
        return None, None
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


def depth_offset(text: str, limit: int) -> int | None:
    """Where nesting first goes deeper than ``limit`` (brackets inside strings do not count)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif token in "]}":
            depth -= 1
    return None


def surrogate_offset(text: str) -> int | None:
    """The first string literal whose value holds an unpaired surrogate."""
    for match in _STRINGS.finditer(text):
        token = match.group()
        if "\\u" in token and not _encodable(json.loads(token)):
            return match.start()
    return None


def number_offset(text: str, literal: str) -> int | None:
    """The first occurrence of the number ``literal`` outside strings."""
    pattern = re.compile(r'"(?:[^"\\]|\\.)*"|(?<![\w.])' + re.escape(literal) + r"(?![\w.])", re.DOTALL)
    return next((m.start() for m in pattern.finditer(text) if not m.group().startswith('"')), None)


class _Found(Exception):
    def __init__(self, offset: int) -> None:
        super().__init__(offset)
        self.offset = offset


def repeated_key_offset(text: str) -> int | None:
    """Where the first repeated key is: a pure-Python parse that sees object positions."""
    ws = decoder.WHITESPACE.match

    def parse_object(s_and_end, strict, scan_once, object_hook, object_pairs_hook, memo=None):
        pairs, end = decoder.JSONObject(s_and_end, strict, scan_once, object_hook, list, memo)
        if len({key for key, _ in pairs}) == len(pairs):
            return dict(pairs), end
        text_, pos = s_and_end
        seen: set[str] = set()
        while True:  # walk the members again, this time keeping each key's offset
            pos = ws(text_, pos).end()
            key, after = decoder.scanstring(text_, pos + 1, strict)
            if key in seen:
                raise _Found(pos)
            seen.add(key)
            pos = ws(text_, ws(text_, after).end() + 1).end()
            _, pos = scan_once(text_, pos)
            pos = ws(text_, pos).end() + 1  # past the comma

    context = json.JSONDecoder(parse_int=bounded_int)
    context.parse_object = parse_object
    context.scan_once = scanner.py_make_scanner(context)
    try:
        context.decode(text)
    except _Found as found:
        return found.offset
    except (ValueError, RecursionError, BadNumber):
        return None
    return None
