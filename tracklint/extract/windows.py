"""Parse only the parts of a file that can matter, and prove the shortcut changed nothing.

Parsing costs two orders of magnitude more than reading, and in a file that passes the
pre-filter the calls usually sit in one or two of many top-level blocks. :func:`extract_windowed`
keeps the top-level blocks that mention a tracked method name, plus imports and short
declarations, and blanks every other byte except line breaks. Byte offsets, lines and columns are
unchanged, so the language extractors run on the blanked text as on the original, and the
grammar skips the blanks at a fraction of the cost of parsing them.

The result is used only when it provably equals a full parse; otherwise the file is parsed whole:

* the blanked text parses without errors (no ``syntax-error`` notice);
* every occurrence of a tracked method name in the kept text lies inside an extracted call, or
  cannot be a call the whole parse would take: what follows it cannot open a call
  (``page: number``, ``state.page + 1``), or its receiver is a plain chain of names that no spec
  accepts by name and that the hidden text never mentions (``match.group(1)``, when ``match``
  is bound only in the kept text), so no hidden binding can turn it into a call;
* no identifier that an event name or property value refers to, and no ``tracklint:``
  directive, appears in the blanked text (no constant or suppression was hidden).

Block boundaries are a lexical guess (a line that starts in column 0 with a word); a wrong guess
only costs the fallback. The exports of a windowed file are incomplete, so it is marked
``parsed=False`` and cross-file resolution parses it whole if another file needs its constants.
"""

from __future__ import annotations

import bisect
import re
from typing import Callable, Iterable

from tracklint.extract.base import FileExtraction, Value
from tracklint.extract.prefilter import compile_bytes, words_regex

#: Files smaller than this are parsed whole (windowing would not pay for its checks).
MIN_SIZE = 2048
#: Receivers that name the global object or the instance, never a binding made in the file.
_GLOBALS = frozenset({"window", "globalThis", "global", "self", "this", "document"})
#: If the kept blocks are more than this share of the file, parse it whole.
MAX_KEPT = 0.6
#: Top-level blocks longer than this are not kept just for being declarations.
MAX_DECLARATION = 2048


_BLANK = bytes(b if b in (0x0A, 0x0D) else 0x20 for b in range(256))
# A line that starts a top-level block: a word, a decorator or an annotation in column 0.
_BLOCK_FIRST = frozenset(bytes([c]) for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_@$")
# Searched once per hit from a given offset: the standard library's engine costs less per call
# than RE2's, and neither pattern can backtrack (a literal first byte; a bounded line).
_NEXT_BLOCK = re.compile(rb"\n[A-Za-z_@$]")
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
# Blocks kept even without a call: imports (bindings) and short top-level constants, so that
# the common case needs no fallback. Anything else a call depends on forces the fallback.
_DECLARATION_LINE = compile_bytes(
    rb"(?m)^(?:(?:import|from|package|using|require|const|let|var|val|enum|export\s+(?:const|let|var|enum))\b"
    rb"|[A-Za-z_$][\w$]*[ \t]*(?::[^=\n]*)?=[^=>])"
)
# A declaration whose value is a function or a class (``export const load = async () => {``) is
# code, not a binding a call needs: such blocks are kept only when they hold a hit. (If a call
# did depend on one, the name check below finds the name in the hidden text and parses whole.)
_FUNCTION_VALUE = re.compile(rb"=>|=[ \t]*(?:async\b|function\b|class\b)")


def extract_windowed(
    data: bytes,
    needles: re.Pattern[bytes],
    extract: Callable[..., FileExtraction],
    bound_by_name: Callable[[str, list[str]], bool] | None = None,
) -> FileExtraction:
    """``extract(data)``, computed on the blanked text when that provably gives the same result.

    ``needles`` matches the tracked method names (whole words); ``extract(text, ranges)`` runs
    the language extractor on a byte string of the same length as ``data``, parsing only
    ``ranges`` (tree-sitter's included ranges: the parser jumps over the rest, which costs
    nothing, where blanks still cost a lexer step per byte); ``bound_by_name(method,
    receiver_parts)`` says whether a spec accepts that receiver by its name alone (without it,
    every tracked name that may be a callee must lie in an extracted call).
    """
    if len(data) < MIN_SIZE:
        return extract(data)
    kept = _kept_ranges(data, needles)
    if kept is None:
        return extract(data)
    blanked = _blank_outside(data, kept)
    result = extract(blanked, kept)
    if _equivalent(result, data, blanked, kept, needles, bound_by_name):
        result.parsed = False  # exports are incomplete: parse whole if another file needs them
        return result
    return extract(data)


def _kept_ranges(data: bytes, needles: re.Pattern[bytes]) -> list[tuple[int, int]] | None:
    """Byte ranges of the blocks to keep, or None when windowing would not pay.

    Only the blocks around the needles' hits and the declaration lines are located (a block
    runs from a line that starts in column 0 with a word to the next such line), so the cost
    follows the number of hits, not the number of lines."""
    size = len(data)
    wanted: list[tuple[int, int]] = []
    last_end = -1
    for match in needles.finditer(data):
        pos = match.start()
        if pos < last_end:
            continue  # inside the block found for an earlier hit
        start = _block_start(data, pos)
        end = _block_end(data, pos)
        wanted.append((start, end))
        last_end = end
    if not wanted:
        return None
    for match in _DECLARATION_LINE.finditer(data):
        start = match.start()
        end = _block_end(data, start + 1)
        if end - start > MAX_DECLARATION:
            continue
        line_end = data.find(b"\n", start, end)
        if _FUNCTION_VALUE.search(data, start, line_end if line_end != -1 else end):
            continue
        wanted.append((start, end))
    wanted.sort()
    keep: list[tuple[int, int]] = []
    for start, end in wanted:
        if keep and start <= keep[-1][1]:
            if end > keep[-1][1]:
                keep[-1] = (keep[-1][0], end)
        else:
            keep.append((start, end))
    if sum(e - s for s, e in keep) > MAX_KEPT * size:
        return None
    return keep


def _block_start(data: bytes, pos: int) -> int:
    """The start of the line, at or before ``pos``, that opens the top-level block."""
    line = data.rfind(b"\n", 0, pos) + 1
    while line > 0 and not _starts_block(data, line):
        line = data.rfind(b"\n", 0, line - 1) + 1
    return line


def _block_end(data: bytes, pos: int) -> int:
    match = _NEXT_BLOCK.search(data, pos)
    return match.start() + 1 if match else len(data)


def _starts_block(data: bytes, line: int) -> bool:
    first = data[line:line + 1]
    return bool(first) and first in _BLOCK_FIRST


def _blank_outside(data: bytes, kept: list[tuple[int, int]]) -> bytes:
    parts = []
    pos = 0
    for start, end in kept:
        if pos < start:
            parts.append(data[pos:start].translate(_BLANK))
        parts.append(data[start:end])
        pos = end
    if pos < len(data):
        parts.append(data[pos:].translate(_BLANK))
    return b"".join(parts)


def _equivalent(
    result: FileExtraction,
    data: bytes,
    blanked: bytes,
    kept: list[tuple[int, int]],
    needles: re.Pattern[bytes],
    bound_by_name: Callable[[str, list[str]], bool] | None = None,
) -> bool:
    if any(n.kind in ("syntax-error", "internal", "reparse") for n in result.notices):
        return False
    names: set[str] = set()
    spans = sorted((c.span.start_byte, c.span.end_byte) for c in result.calls)
    starts = [s for s, _ in spans]
    for match in (m for start, end in kept for m in needles.finditer(blanked, start, end)):
        pos = match.start()
        i = bisect.bisect_right(starts, pos) - 1
        # calls may nest (a call in another call's arguments): look back over enclosing ones
        while i >= 0 and spans[i][1] <= pos:
            i -= 1
        if i >= 0:
            continue
        # A tracked name outside every extracted call. It cannot be a callee when what follows
        # it is not a call's opening (``page: number``, ``state.page + 1``, ``group.id``).
        if not _may_be_callee(blanked, match.end()):
            continue
        parts = _receiver_chain(blanked, pos)
        if parts is None:
            return False  # a receiver we cannot read lexically (a call result, an index)
        if bound_by_name is None or bound_by_name(match.group().decode(), parts):
            # The receiver alone would make it a call (``analytics.track``): it should have been
            # extracted, so the windowed parse may differ from the whole one.
            return False
        # Whether it is a call depends on what its receiver is bound to: that must be in view.
        names.update(n for n in parts if n not in _GLOBALS)
    hidden = _hidden_text(data, kept)
    if b"tracklint:" in hidden:
        return False
    for call in result.calls:
        # a binding of the receiver may be hidden (``mp = Mixpanel()``, ``self.mp = ...``)
        names.update(n for n in _IDENT.findall(call.receiver) if n not in _GLOBALS)
        for text in (call.event_ref, call.event_text if call.event_kind != "literal" else None):
            if text:
                names.update(_IDENT.findall(text))
        if call.properties is not None:
            names.update(_value_names(call.properties))
    return not _mentions_any(hidden, names)


#: What may follow a callee's name (after blanks): arguments, ``<T>`` generics, ``?.(`` and
#: ``!(``, a trailing closure, a comment, a line continuation, a closing parenthesis (a
#: parenthesised callee), or the end of the text.
_CALLEE_FOLLOWERS = frozenset(b"(<?!{/\\)`")
_BLANKS = b" \t\r\n"
_IDENT_BYTES = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_$")


def _may_be_callee(text: bytes, end: int) -> bool:
    size = len(text)
    while end < size and text[end] in _BLANKS:
        end += 1
    return end >= size or text[end] in _CALLEE_FOLLOWERS


def _receiver_chain(text: bytes, pos: int) -> list[str] | None:
    """The identifiers of the dotted receiver before ``pos`` (``a.b?.c!!.`` -> [a, b, c]; none
    for a bare name), or None when the receiver is not a plain chain of names (``f().``,
    ``x[0].``, ``"s".``)."""
    parts: list[str] = []
    i = pos
    while True:
        j = i
        while j > 0 and text[j - 1] in _BLANKS:
            j -= 1
        if j == 0 or text[j - 1] != 0x2E:  # "."
            parts.reverse()
            return parts
        j -= 1
        while j > 0 and text[j - 1] in b"?!":
            j -= 1
        while j > 0 and text[j - 1] in _BLANKS:
            j -= 1
        k = j
        while k > 0 and text[k - 1] in _IDENT_BYTES:
            k -= 1
        if k == j:
            return None
        parts.append(text[k:j].decode("ascii"))
        i = k


def _mentions_any(text: bytes, names: set[str]) -> bool:
    """Whether any of ``names`` occurs in ``text`` as a whole identifier (one RE2 scan; a name
    next to ``$`` counts as mentioned, which only costs a whole parse)."""
    if not names:
        return False
    return words_regex(tuple(sorted(n.encode() for n in names))).search(text) is not None


def _hidden_text(data: bytes, kept: list[tuple[int, int]]) -> bytes:
    parts = []
    pos = 0
    for start, end in kept:
        parts.append(data[pos:start])
        pos = end
    parts.append(data[pos:])
    return b"\n".join(parts)


def _value_names(value: Value) -> Iterable[str]:
    """Identifiers that values which are not plain literals refer to (iteratively)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if not v.known and v.kind != "literal" and v.properties is None and v.items is None:
            yield from _IDENT.findall(v.ref or v.text or "")
        if v.kind == "constant":
            yield from _IDENT.findall(v.ref or "")
        if v.ctor:
            yield from _IDENT.findall(v.ctor)
        if v.properties:
            stack.extend(v.properties.values())
        if v.items:
            stack.extend(v.items)
