"""Calls hidden in the regions tree-sitter could not parse, for every language's extractor.

tree-sitter's error recovery is local most of the time, but not always: one unclosed ``(`` can
turn the rest of a file into a single ERROR node, and the shape of what it keeps differs between
core releases (a Swift call after a broken ``func`` survives on core 0.25.2 and is swallowed on
0.26.1). Rather than depend on that, :func:`recover` looks at every ERROR / MISSING region:

* a spec method name on the region's lines (or in text the parser skipped without an ERROR
  node, see :func:`unparsed_gaps`) (``track(``) that no candidate call accounts for,
  that is not inside a string or comment and that is not a declaration (``func track(``,
  ``def track(``, a JavaScript method ``track(event) {``), is re-read on its own: its call text
  is found by matching brackets in the bytes (skipping strings and comments as the language's
  row writes them, :class:`~tracklint.extract.languages.TextSyntax`), and a parser is
  pointed at just that text with ``Parser.included_ranges``, so the positions in the new tree
  are those of the file. The language module's own ``read_calls`` turns that tree into calls;
* each region that hides such a name, or that lies inside the arguments of a returned call,
  gets one ``syntax-error`` notice with its line/column, saying how many calls were recovered
  and which may be lost.

Everything is bounded: the error regions are found by a walk that only enters subtrees with
``has_error`` (an ``(ERROR)`` query takes minutes on a deep broken tree), and the number of
regions, the fragment size, the number of fragment parses and the bytes they read are capped.
Nothing here raises on any input, and nothing recurses.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable

from tree_sitter import Language, Node, Parser, Range

from tracklint.extract import languages
from tracklint.extract.base import FileExtraction, Notice, ParseTimeout, SourceText, parse_bounded

#: At most this many unreadable regions are examined per file (the rest are not reported).
MAX_ERROR_REGIONS = 200
#: A call longer than this is not re-read on its own.
MAX_FRAGMENT = 64 * 1024
#: A call further than this from the start of its line is re-read from the start of its
#: statement (the last ``;``, ``{`` or ``}`` before it), not of the line.
MAX_CONTEXT = 2048
#: At most this many fragment parses per file ...
MAX_FRAGMENT_PARSES = 1000
#: ... reading at most this many bytes in total; past either, hidden calls are reported as lost.
MAX_REPARSE_BYTES = 8 * 1024 * 1024
#: Bytes read in all when matching brackets in raw text, per file (past it, a hidden name's
#: call text is not looked for, and the name is reported as lost).
MAX_SCAN_BYTES = 4 * 1024 * 1024
#: At most this many names per file are checked for being call text (in a string? a
#: declaration?); the rest are reported as lost (each check descends the tree: on a pathological
#: nesting 50,000 deep, 0.5 ms).
MAX_NAME_CHECKS = 2000
#: Brackets nested deeper than this inside one call's arguments: the call is not re-read.
MAX_CALL_NESTING = 256

_SWIFT_KOTLIN = languages.TextSyntax()

@functools.cache
def method_pattern(names: tuple[str, ...]) -> re.Pattern[bytes] | None:
    """``name(`` for any of ``names`` (group 1 is the name); None when there are no names."""
    if not names:
        return None
    return re.compile(rb"\b(" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")


def error_regions(root: Node, limit: int = MAX_ERROR_REGIONS) -> list[Node]:
    """The ERROR and MISSING nodes under ``root`` in document order (outer before inner), at
    most ``limit``. Only subtrees that contain an error are entered, with an explicit stack."""
    found: list[Node] = []
    if not root.has_error:
        return found
    stack = [root]
    while stack and len(found) < limit:
        node = stack.pop()
        if node.is_error or node.is_missing:
            found.append(node)
        children = [c for c in node.children if c.has_error]
        children.reverse()
        stack.extend(children)
    return found


def unparsed_gaps(root: Node, data: bytes) -> list[tuple[int, int]]:
    """Stretches of non-blank text that no child of ``root`` covers.

    The parser can stop early without an ERROR node: tree-sitter-kotlin 1.1.0 reads
    ``fun a()[ { ... }`` as ``fun a()`` and nothing else, with ``has_error`` false.
    """
    gaps: list[tuple[int, int]] = []
    position = root.start_byte
    for child in root.children:
        if child.start_byte > position and data[position:child.start_byte].strip():
            gaps.append((position, child.start_byte))
        position = max(position, child.end_byte)
        if len(gaps) >= MAX_ERROR_REGIONS:
            return gaps
    if root.end_byte > position and data[position:root.end_byte].strip():
        gaps.append((position, root.end_byte))
    return gaps


class _Budget:
    """What is left of the per-file allowance for fragment parses and bracket matching."""

    def __init__(self) -> None:
        self.parses = MAX_FRAGMENT_PARSES
        self.bytes = MAX_REPARSE_BYTES
        self.scan = MAX_SCAN_BYTES

    def take(self, size: int) -> bool:
        if self.parses <= 0 or self.bytes < size:
            return False
        self.parses -= 1
        self.bytes -= size
        return True


def recover(
    source: SourceText,
    root: Node,
    names: tuple[str, ...],
    covered: set[int],
    result: FileExtraction,
    read_calls: Callable[[Node], object],
    doubtful: set[int] | None = None,
) -> None:
    """Re-read the calls hidden in ``root``'s unreadable regions and report those regions.

    ``covered`` holds the start bytes of the method names of every candidate call seen so far;
    ``read_calls(tree_root)`` must add the candidate calls under a (fragment) tree to ``covered``
    and the matched ones to ``result.calls``. The language's row gives its grammar, the text
    that makes a name a declaration, and the node types of string contents and comments, where
    a method name is only text (``not_code``). ``doubtful`` holds the names of candidates that
    contain an unreadable part and matched no spec: the ``read_calls`` callback keeps it up to
    date, and such a name counts as hidden until a fragment reads it cleanly.
    """
    pattern = method_pattern(names)
    if pattern is None:
        return
    data = source.data
    regions = [_region(n) for n in error_regions(root)] \
        + [(s, e, s, e) for s, e in unparsed_gaps(root, data)]
    if not regions:
        return
    regions.sort(key=lambda r: (r[0], -r[1]))
    if source.ranges is not None:
        # A parse of the kept windows only (tracklint.extract.windows) stands for the whole
        # file only when it reads without errors: this notice sends the file to a whole parse,
        # where its regions are searched for real (a window that starts inside a docstring
        # reads prose as code).
        span = source.span(regions[0][0], regions[0][1])
        result.notices.append(Notice(
            source.path, "syntax-error", "the parser could not read this region of the windowed "
            "parse; the file is parsed whole", span.line, span.column, span.end_line,
            span.end_column))
        return
    reader = _Reader(source, covered, set() if doubtful is None else doubtful, result, read_calls)
    returned = sorted((c.span.start_byte, c.span.end_byte, c.method) for c in result.calls)
    attributed: set[int] = set()  # names already counted for an earlier region
    scanned: set[tuple[int, int]] = set()  # line ranges already searched for hidden names
    reported: tuple[int, int] | None = None
    for start, end, extent_start, extent_end in regions[:MAX_ERROR_REGIONS]:
        if reported is not None and reported[0] <= start and end <= reported[1]:
            continue
        line_start = data.rfind(b"\n", 0, start) + 1
        line_end = data.find(b"\n", end)
        line_end = len(data) if line_end == -1 else line_end
        # The same lines searched again (many regions on one minified line) find nothing new:
        # every name there was attributed or read the first time.
        hidden = [] if (line_start, line_end) in scanned else [
            m for m in pattern.finditer(data, line_start, line_end)
            if not reader.was_read(m.start(1)) and m.start(1) not in attributed
            and reader.is_call_text(root, m)
        ]
        scanned.add((line_start, line_end))
        attributed.update(m.start(1) for m in hidden)
        before = len(result.calls)
        damaged = sum(reader.reread(m) for m in hidden[:MAX_ERROR_REGIONS])
        lost = [m for m in hidden if not reader.was_read(m.start(1))]
        inside = _enclosing_call(returned, extent_start, extent_end)
        if len(result.calls) == before and not lost and inside is None:
            continue  # nothing hidden, or every hidden name was read and is no analytics call
        reported = (start, end)
        span = source.span(start, end)
        result.notices.append(Notice(
            source.path, "syntax-error",
            "the parser could not read this region; "
            + _what_happened(source, result.calls[before:], damaged, lost, inside),
            span.line, span.column, span.end_line, span.end_column,
        ))


def _region(node: Node) -> tuple[int, int, int, int]:
    """An unreadable region: its bytes, and the bytes of what it belongs to (for a MISSING
    token, its parent: a ``)`` missing just after a call closes a bracket around the call, not
    the call's own arguments)."""
    parent = node.parent if node.is_missing else None
    if parent is None:
        return node.start_byte, node.end_byte, node.start_byte, node.end_byte
    return node.start_byte, node.end_byte, parent.start_byte, parent.end_byte


class _Reader:
    """Re-reads hidden names on their own, within one file's budget."""

    def __init__(self, source: SourceText, covered: set[int], doubtful: set[int],
                 result: FileExtraction, read_calls: Callable[[Node], object]) -> None:
        self.source, self.covered, self.doubtful = source, covered, doubtful
        self.result, self.read_calls = result, read_calls
        self.grammar = languages.grammar(source.language)
        self.row = languages.BY_NAME[source.language]
        self.budget = _Budget()
        self._closing: dict[int, int | None] = {}
        self.checks = MAX_NAME_CHECKS

    def was_read(self, name: int) -> bool:
        return _was_read(name, self.covered, self.doubtful)

    def closing(self, m: re.Match[bytes]) -> int | None:
        """:func:`closing_paren` of the name's ``(``, once per name, within the file's budget
        (None: the brackets do not match, or the budget is spent)."""
        paren = m.end() - 1
        if paren not in self._closing:
            end = closing_paren(self.source.data, paren, self.row.text_syntax) \
                if self.budget.scan > 0 else None
            self.budget.scan -= (end if end is not None else paren + MAX_FRAGMENT) - paren
            self._closing[paren] = end
        return self._closing[paren]

    def is_call_text(self, root: Node, m: re.Match[bytes]) -> bool:
        """False when the name is inside a string or comment, or names a declared function
        (the row's ``declaration`` pattern matches the text before it, or its
        ``definition_tail`` the text after the ``)`` of a name without receiver)."""
        data, row, start = self.source.data, self.row, m.start(1)
        self.checks -= 1
        if self.checks < 0:
            return True  # past the allowance: reported as possibly hiding a call
        if _in_text(root, data, start, m.end(1), row.not_code, call_end=lambda: self.closing(m)):
            return False
        return not _declared(data, row, start, lambda: self.closing(m))

    def _cover_if_text(self, start: int, end: int, m: re.Match[bytes]) -> None:
        """Count the name as read when, read afresh in ``start..end``, it is only text."""
        tree = _parse_fragment(self.source, self.grammar, (start, end))
        if tree is not None and _in_text(tree.root_node, self.source.data, m.start(1), m.end(1),
                                         self.row.not_code):
            self.covered.add(m.start(1))
            self.doubtful.discard(m.start(1))

    def reread(self, m: re.Match[bytes]) -> int:
        """Re-read the call whose name ``m`` matched; returns how many calls read from it
        contain an unreadable part."""
        data, name = self.source.data, m.start(1)
        if self.budget.parses <= 0:
            return 0
        end = self.closing(m)
        candidates = [] if end is None else fragment_ranges(data, name, end)
        line_start = candidates[0][0] if candidates else -1
        if (line_start == 0 or data[line_start - 1:line_start] == b"\n") \
                and _lexically_in_text(data, line_start, name, self.row.text_syntax):
            return 0  # in a string or comment when its line is read from its start: lost
        if not candidates:  # no call to re-read; the line read afresh may show it is text
            own_start = data.rfind(b"\n", 0, name) + 1
            own_end = data.find(b"\n", name)
            own_end = len(data) if own_end == -1 else own_end
            if own_end - own_start <= MAX_FRAGMENT and self.budget.take(own_end - own_start):
                self._cover_if_text(own_start, own_end, m)
        damaged = 0
        for fragment in candidates:
            if self.was_read(name) or not self.budget.take(fragment[1] - fragment[0]):
                break
            self.covered.discard(name)  # a doubtful candidate: let read_calls look at it again
            tree = _parse_fragment(self.source, self.grammar, fragment)
            if tree is None:
                continue
            if _in_text(tree.root_node, data, name, m.end(1), self.row.not_code):
                self.covered.add(name)  # read afresh, the name is only text
                self.doubtful.discard(name)
                break

            first_new = len(self.result.calls)
            self.read_calls(tree.root_node)
            if tree.root_node.has_error:
                damaged += _calls_with_errors(tree.root_node, self.result.calls[first_new:])
        return damaged


def is_declared(source: SourceText, name: int, paren: int) -> bool:
    """Whether the name starting at ``name``, whose ``(`` is at ``paren``, declares a function
    rather than calls one (``def track(``, a JavaScript method ``track(event) {``): for
    extractors, whose parser can read a declaration broken by a nearby error as a call."""
    row = languages.BY_NAME[source.language]
    return _declared(source.data, row, name,
                     lambda: closing_paren(source.data, paren, row.text_syntax))


def _declared(data: bytes, row: languages.Language, start: int,
              close: Callable[[], int | None]) -> bool:
    """The row's ``declaration`` pattern matches the text before the name, or its
    ``definition_tail`` the text after the ``)`` (``close()``) of a name without receiver."""
    line_start = data.rfind(b"\n", max(0, start - 400), start) + 1
    if row.declaration is not None \
            and row.declaration.search(data, max(line_start, start - 400), start) is not None:
        return True
    if row.definition_tail is None or data[max(0, start - 80):start].rstrip().endswith(b"."):
        return False  # `x.track(a) {` is no definition
    end = close()
    return end is not None and row.definition_tail.match(data, end) is not None


def _what_happened(source: SourceText, recovered: list, damaged: int, lost: list[re.Match[bytes]],
                   inside: str | None) -> str:
    """The explanation of a syntax-error notice: what was recovered, what may be lost."""
    parts: list[str] = []
    if recovered:
        methods = ", ".join(sorted({f"`{c.method}`" for c in recovered}))
        parts.append(
            f"{len(recovered)} call(s) here ({methods}) were recovered by re-reading them on their own"
        )
        if damaged:
            parts.append(f"{damaged} of them with arguments that could not be read in full")
    if lost:
        first = source.span(lost[0].start(1), lost[0].end(1))
        more = f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""
        parts.append(
            f"`{lost[0].group(1).decode()}(` at line {first.line}, column {first.column}{more} "
            "may hide an analytics call that could not be read"
        )
    if inside is not None:
        parts.append(f"the `{inside}` call's arguments here may be incomplete")
    return "; ".join(parts)


def _was_read(name: int, covered: set[int], doubtful: set[int]) -> bool:
    return name in covered and name not in doubtful


def _calls_with_errors(root: Node, calls) -> int:
    """How many of ``calls`` contain an unreadable region of the fragment tree ``root``."""
    regions = [(n.start_byte, n.end_byte) for n in error_regions(root, limit=20)]
    return sum(
        1 for call in calls
        if any(call.span.start_byte <= s and e <= call.span.end_byte for s, e in regions)
    )


def _enclosing_call(returned: list[tuple[int, int, str]], start: int, end: int) -> str | None:
    """The method of the innermost returned call whose span contains ``start..end``."""
    found = None
    for call_start, call_end, method in returned[: bisect.bisect_right(returned, (start, 1 << 62, ""))]:
        if call_start <= start and end <= call_end:
            found = method
    return found


def _in_text(root: Node, data: bytes, start: int, end: int, skip_types: frozenset[str], *,
             call_end: Callable[[], int | None] | None = None) -> bool:
    """Whether ``start..end`` lies in a string's text or a comment that the parser read well.

    Near an unreadable region the lexer can lose track of which quotes open and which close a
    string, and then code reads as string text: a one-line string literal spanning lines, or one
    with an unreadable part in it or in its nearest ancestors, is not trusted, unless it holds
    the whole call up to its ``)`` (``call_end()``: a docstring's example ``analytics.track("X")``).
    """
    node = root.descendant_for_byte_range(start, end)
    if node is None or node.type not in skip_types:
        return False
    if "comment" in node.type:
        return True
    literal = node.parent
    if literal is None:
        return True
    if literal.is_error:
        return False  # string text outside a literal: an unterminated quote swallowed code
    if literal.start_point[0] != literal.end_point[0] and not _multi_line_literal(literal, data):
        return False  # a one-line string literal that spans lines: quotes out of step
    if call_end is not None and not literal.has_error:
        close = call_end()
        if close is not None and literal.end_byte >= close:
            return True  # the whole call is text inside one well-formed literal
    current = literal
    for _ in range(3):
        if current is None or current.parent is None:  # the root's flag says nothing here
            return True
        if current.has_error:
            return False
        current = current.parent
    return True


#: Prefixes before a string's quotes (Python's ``rb"..."``, ``f'''...'''``).
_STRING_PREFIX = b"rRbBuUfFtT"


def _multi_line_literal(literal: Node, data: bytes) -> bool:
    """Whether a string literal may span lines as written: its type says so (Swift's
    ``multi_line_string_literal``, raw strings) or it opens with three quotes or a backtick."""
    if "multi" in literal.type or "raw" in literal.type:
        return True
    head = data[literal.start_byte:literal.start_byte + 6].lstrip(_STRING_PREFIX)
    return head.startswith((b'"""', b"'''", b"`"))


def fragments(data: bytes, method_start: int, paren: int,
              syntax: languages.TextSyntax = _SWIFT_KOTLIN) -> list[tuple[int, int]]:
    """Candidate byte ranges for the call whose method name starts at ``method_start`` and whose
    ``(`` is at ``paren`` (see :func:`fragment_ranges`)."""
    end = closing_paren(data, paren, syntax)
    return [] if end is None else fragment_ranges(data, method_start, end)


def fragment_ranges(data: bytes, method_start: int, end: int) -> list[tuple[int, int]]:
    """Candidate byte ranges for the call whose method name starts at ``method_start`` and whose
    ``)`` ends at ``end``: from the start of its line (the line before when the call continues
    a chain: ``analytics\\n  .track(``; the start of its statement on a long minified line),
    then from the start of its receiver."""
    line_start = data.rfind(b"\n", 0, method_start) + 1
    if data[line_start:method_start].strip().startswith((b".", b"?.")):
        line_start = data.rfind(b"\n", 0, max(line_start - 1, 0)) + 1
    receiver = method_start
    while receiver > line_start and _receiver_byte(data[receiver - 1]):
        receiver -= 1
    if receiver - line_start > MAX_CONTEXT:  # a long (minified) line: from the statement's start
        boundary = max(data.rfind(b, receiver - MAX_CONTEXT, receiver) for b in (b";", b"{", b"}"))
        line_start = receiver if boundary == -1 else boundary + 1
    ranges = [(line_start, end)]
    if receiver != line_start:
        ranges.append((receiver, end))
    return [r for r in ranges if r[1] - r[0] <= MAX_FRAGMENT]


def _receiver_byte(byte: int) -> bool:
    return byte >= 0x80 or chr(byte).isalnum() or byte in b"_$.?!`"


_CLOSERS = {0x29: 0x28, 0x5D: 0x5B, 0x7D: 0x7B}  # ) ] } -> ( [ {


def closing_paren(data: bytes, paren: int, syntax: languages.TextSyntax = _SWIFT_KOTLIN) -> int | None:
    """The offset just after the ``)`` matching the ``(`` at ``paren``, or None when the
    brackets do not match (``(... [ }``) within :data:`MAX_FRAGMENT` bytes and
    :data:`MAX_CALL_NESTING` levels.

    Strings, character literals and comments, as the language writes them (``syntax``), are
    skipped; string interpolations are not followed.
    """
    limit = min(len(data), paren + MAX_FRAGMENT)
    special = _specials(syntax)
    stack: list[int] = []
    i = paren
    while i < limit:
        found = special.search(data, i, limit)  # jump to the next bracket, quote or comment
        if found is None:
            return None
        i = found.start()
        after = _skip_text(data, i, limit, syntax)
        if after is not None:
            i = after
            continue
        ch = data[i]
        if ch in b"([{":
            if len(stack) >= MAX_CALL_NESTING:
                return None
            stack.append(ch)
        elif ch in _CLOSERS:
            if not stack or stack.pop() != _CLOSERS[ch]:
                return None
            if not stack:
                return i + 1
        i += 1
    return None


def _lexically_in_text(data: bytes, start: int, name: int, syntax: languages.TextSyntax) -> bool:
    """Whether the bytes at ``name`` lie in a string or comment when the text is read from
    ``start`` (the start of the name's statement, where quotes are surely in step)."""
    limit = min(len(data), name + MAX_FRAGMENT)
    special = _specials(syntax)
    i = start
    while i < name:
        found = special.search(data, i, name)
        if found is None:
            return False
        after = _skip_text(data, found.start(), limit, syntax)
        if after is not None and after > name:
            return True
        i = found.start() + 1 if after is None else after
    return False


@functools.cache
def _specials(syntax: languages.TextSyntax) -> re.Pattern[bytes]:
    """The bytes where a bracket, string, character literal or comment may start."""
    chars = set(b"()[]{}") | set(syntax.quotes) | set(syntax.multi_line_quotes)
    if syntax.line_comment:
        chars.add(syntax.line_comment[0])
    if syntax.block_comments:
        chars.add(0x2F)  # /
    if syntax.char_literals:
        chars.add(0x27)  # '
    if syntax.raw_strings:
        chars.add(0x23)  # #
    return re.compile(b"[" + b"".join(re.escape(bytes([c])) for c in sorted(chars)) + b"]")


def _skip_text(data: bytes, i: int, limit: int, syntax: languages.TextSyntax) -> int | None:
    """The offset after the string, character literal or comment that starts at ``i`` (at
    most ``limit``), or None when none starts there."""
    ch = data[i]
    if ch in syntax.quotes or ch in syntax.multi_line_quotes \
            or (ch == 0x23 and syntax.raw_strings and _raw_string_start(data, i, limit)):
        return _skip_string(data, i, limit, syntax)
    if ch == 0x27 and syntax.char_literals:  # 'x', '\n', '\u0041'
        close = data.find(b"'", i + 1, min(limit, i + 10))
        if close != -1 and b"\n" not in data[i:close]:
            return close + 1
    if data.startswith(syntax.line_comment, i):
        newline = data.find(b"\n", i, limit)
        return limit if newline == -1 else newline + 1
    if syntax.block_comments and data.startswith(b"/*", i):
        return _skip_block_comment(data, i, limit, syntax.nested_comments)
    return None


def _raw_string_start(data: bytes, i: int, limit: int) -> bool:
    j = i
    while j < limit and data[j] == 0x23:
        j += 1
    return j < limit and data[j] == 0x22


def _skip_string(data: bytes, i: int, limit: int, syntax: languages.TextSyntax) -> int:
    """The offset after the string literal starting at ``i`` (or ``limit``)."""
    hashes = 0
    while syntax.raw_strings and i < limit and data[i] == 0x23:
        hashes += 1
        i += 1
    quote = data[i:i + 1]
    tail = b"#" * hashes
    if quote and quote in syntax.multi_line_quotes:  # a template literal runs to its closing quote
        return _skip_to_quote(data, i + 1, limit, quote, multi_line=True)
    if data.startswith(quote * 3, i):
        close = data.find(quote * 3 + tail, i + 3, limit)
        return limit if close == -1 else close + 3 + hashes
    return _skip_to_quote(data, i + 1, limit, quote + tail, multi_line=False)


def _skip_to_quote(data: bytes, i: int, limit: int, close: bytes, multi_line: bool) -> int:
    """The offset after ``close`` (a quote and the raw string's hashes), escapes skipped; an
    unterminated one-line string ends with its line."""
    escape = b"\\" + close[1:]
    stops = _string_stops(close[0])
    while i < limit:
        found = stops.search(data, i, limit)  # jump to the next backslash, line end or quote
        if found is None:
            return limit
        i = found.start()
        if data.startswith(escape, i):
            i += len(escape) + 1
        elif data[i] == 0x0A and not multi_line:
            return i
        elif data.startswith(close, i):
            return i + len(close)
        else:
            i += 1
    return limit


_COMMENT_MARKS = re.compile(rb"/\*|\*/")


@functools.cache
def _string_stops(quote: int) -> re.Pattern[bytes]:
    return re.compile(b"[\\\\\n" + re.escape(bytes([quote])) + b"]")


def _skip_block_comment(data: bytes, i: int, limit: int, nested: bool) -> int:
    """The offset after the block comment starting at ``i`` (or ``limit``); ``nested``: an inner
    ``/*`` opens a comment that needs its own ``*/``."""
    if not nested:
        close = data.find(b"*/", i + 2, limit)
        return limit if close == -1 else close + 2
    depth = 0
    while i < limit:
        found = _COMMENT_MARKS.search(data, i, limit)
        if found is None:
            return limit
        i = found.end()
        depth += 1 if found.group() == b"/*" else -1
        if depth == 0:
            return i
    return limit


def _parse_fragment(source: SourceText, language: Language, fragment: tuple[int, int]):
    """The tree of ``source.data`` restricted to ``fragment`` (file positions kept), or None."""
    start, end = fragment
    starts = source.index.starts
    start_row = bisect.bisect_right(starts, start) - 1
    end_row = bisect.bisect_right(starts, end) - 1
    try:
        parser = Parser(
            language,
            included_ranges=[Range((start_row, start - starts[start_row]),
                                   (end_row, end - starts[end_row]), start, end)],
        )
        return parse_bounded(parser, source.data, seconds=2.0)
    except (ValueError, TypeError, RuntimeError, ParseTimeout):
        return None
