"""Where a JSON pointer's value (or its key) is in a record's text, for the column of a finding.

Only records with findings are located, so this walks the text itself rather than asking the
parser to record positions for every record.
"""

from __future__ import annotations

import json
from json.decoder import scanstring  # type: ignore[attr-defined]

_decoder = json.JSONDecoder()
_BLANK = " \t\r\n"


def segments(pointer: str) -> list[str]:
    """The segments of a JSON pointer (RFC 6901), unescaped."""
    if not pointer:
        return []
    return [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]]


def locate(text: str, pointer: str, *, key: bool = False) -> tuple[int, int] | None:
    """(start, end) offsets in ``text`` of the value at ``pointer``, or of its key with
    ``key``; the deepest part that exists when the pointer goes further; None when the text
    cannot be walked (it is not the JSON the record was read from)."""
    try:
        return _walk(text, _skip(text, 0), segments(pointer), key)
    except (ValueError, IndexError):
        return None


def _walk(text: str, pos: int, parts: list[str], key: bool) -> tuple[int, int]:
    span = (pos, _end(text, pos))
    for i, part in enumerate(parts):
        found = _child(text, pos, part)
        if found is None:
            return span
        key_span, pos = found
        last = i == len(parts) - 1
        span = key_span if (last and key and key_span is not None) else (pos, _end(text, pos))
    return span


def _child(text: str, pos: int, part: str) -> tuple[tuple[int, int] | None, int] | None:
    """(key span, value start) of ``part`` in the object or array at ``pos``."""
    opener = text[pos]
    if opener == "{":
        pos = _skip(text, pos + 1)
        while text[pos] != "}":
            name, after = scanstring(text, pos + 1)
            key_span = (pos, after)
            pos = _skip(text, _skip(text, after) + 1)  # past the colon
            if name == part:
                return key_span, pos
            pos = _skip(text, _end(text, pos))
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
        return None
    if opener == "[" and part.isdigit():
        index = int(part)
        pos = _skip(text, pos + 1)
        n = 0
        while text[pos] != "]":
            if n == index:
                return None, pos
            pos = _skip(text, _end(text, pos))
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
            n += 1
    return None


def _end(text: str, pos: int) -> int:
    return _decoder.raw_decode(text, pos)[1]


def _skip(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in _BLANK:
        pos += 1
    return pos
