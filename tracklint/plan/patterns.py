"""Plan regular expressions, evaluated in linear time.

Patterns in a plan (``pattern:`` on a property, ``conventions: {event_name: {pattern: ...}}``)
are user input that the CI gate runs against strings from code. A backtracking engine such as
Python's ``re`` can take exponential time on ``(a+)+$``, so patterns run on RE2 (``google-re2``),
whose matching time is linear in the text.

Plan patterns follow JSON Schema, i.e. ECMA-262 syntax. :func:`translate` rewrites the common
ECMA-only spellings into RE2 syntax (``\\uXXXX``, ``\\u{...}``, ``\\cX``, ``\\0``, ``(?<name>``,
``[]``/``[^]``, and ``\\s``/``.`` with ECMA's Unicode line terminators and spaces). Lookarounds
and backreferences cannot run in linear time; :func:`pattern_error` reports them as plan errors.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

import re2

LOG = logging.getLogger(__name__)

#: Longest pattern accepted (a plan pattern is a short validation rule, not a program).
MAX_PATTERN_LENGTH = 4096

# ECMA-262 WhiteSpace and LineTerminator code points (what \s matches in JavaScript).
_ECMA_SPACE = r"\t\n\x{0B}\f\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}"
_ECMA_DOT = r"[^\n\r\x{2028}\x{2029}]"
_ANY = r"[\x{0}-\x{10FFFF}]"
_NOTHING = r"[^\x{0}-\x{10FFFF}]"


class PatternError(ValueError):
    """A plan pattern that cannot be compiled (or cannot run in linear time)."""


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would otherwise print parse errors to stderr
    options.max_mem = 32 << 20
    return options


def _hex(code: int) -> str:
    return f"\\x{{{code:X}}}"


def _read_hex(pattern: str, start: int, count: int) -> int | None:
    digits = pattern[start : start + count]
    if len(digits) == count and all(ch in "0123456789abcdefABCDEF" for ch in digits):
        return int(digits, 16)
    return None


def _unicode_escape(pattern: str, i: int) -> tuple[str, int] | None:
    """Translate ``\\uXXXX`` (with surrogate pairs) or ``\\u{X...}`` starting at ``pattern[i] == '\\\\'``."""
    if pattern.startswith("u{", i + 1):
        end = pattern.find("}", i + 3)
        if end != -1:
            code = _read_hex(pattern, i + 3, end - i - 3)
            if code is not None and code <= 0x10FFFF:
                return _hex(code), end + 1
        return None
    code = _read_hex(pattern, i + 2, 4)
    if code is None:
        return None
    if 0xD800 <= code <= 0xDBFF and pattern.startswith("\\u", i + 6):
        low = _read_hex(pattern, i + 8, 4)
        if low is not None and 0xDC00 <= low <= 0xDFFF:
            return _hex(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)), i + 12
    return _hex(code), i + 6


def translate(pattern: str) -> str:
    """Rewrite an ECMA-262 pattern into RE2 syntax.

    Raises :class:`PatternError` for constructs RE2 cannot run (lookarounds, backreferences).
    Anything else RE2 rejects is reported when the result is compiled.
    """
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            text, i = _escape(pattern, i, in_class)
        elif in_class:
            in_class = ch != "]"
            # '[' is literal in ECMA classes; RE2 would read [[:alpha:]]
            text, i = (r"\[" if ch == "[" else ch), i + 1
        elif ch == "[":
            text, i, in_class = _open_class(pattern, i)
        else:
            text, i = _outside_class(pattern, i)
        out.append(text)
    return "".join(out)


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """Translate the escape at ``pattern[i] == '\\\\'``: (RE2 text, index after it)."""
    nxt = pattern[i + 1] if i + 1 < len(pattern) else ""
    if nxt == "":
        raise PatternError("the pattern ends with a lone backslash")
    if nxt in "123456789" and not in_class:
        raise PatternError(f"backreferences such as \\{nxt} are not supported (tracklint runs patterns in linear time with RE2)")
    if nxt == "k" and pattern.startswith("<", i + 2) and not in_class:
        raise PatternError("named backreferences (\\k<name>) are not supported (tracklint runs patterns in linear time with RE2)")
    after = pattern[i + 2] if i + 2 < len(pattern) else ""
    if nxt == "u":
        translated = _unicode_escape(pattern, i)
        if translated is not None:
            return translated
    if nxt == "c" and after.isascii() and after.isalpha():
        return _hex(ord(after) % 32), i + 3
    if nxt == "0" and not after.isdigit():
        return r"\x{0}", i + 2
    if nxt == "s":
        return (_ECMA_SPACE if in_class else f"[{_ECMA_SPACE}]"), i + 2
    if nxt == "S" and not in_class:
        return f"[^{_ECMA_SPACE}]", i + 2
    if nxt == "b" and in_class:
        return r"\x{8}", i + 2  # [\b] is backspace in ECMA-262
    if nxt == "/":
        return "/", i + 2
    return "\\" + nxt, i + 2


def _open_class(pattern: str, i: int) -> tuple[str, int, bool]:
    """Translate the ``[`` at ``pattern[i]``: (RE2 text, index after it, inside a class now?)."""
    if pattern.startswith("[]", i):
        return _NOTHING, i + 2, False
    if pattern.startswith("[^]", i):
        return _ANY, i + 3, False
    # A ']' right after the opening bracket is literal in RE2 but closes in ECMA;
    # the two empty-class cases are handled above, so nothing else to do here.
    if pattern.startswith("[^", i):
        return "[^", i + 2, True
    return "[", i + 1, True


def _outside_class(pattern: str, i: int) -> tuple[str, int]:
    """Translate ``pattern[i]`` outside a class (groups and ``.``): (RE2 text, index after it)."""
    ch = pattern[i]
    if ch == "(" and pattern.startswith("(?", i):
        rest = pattern[i + 2 : i + 4]
        if rest[:1] in ("=", "!") or rest in ("<=", "<!"):
            raise PatternError("lookahead/lookbehind assertions ((?=...), (?!...), (?<=...), (?<!...)) are not supported (tracklint runs patterns in linear time with RE2)")
        if rest[:1] == "<":
            return "(?P<", i + 3
    if ch == ".":
        return _ECMA_DOT, i + 1
    return ch, i + 1


@dataclass(frozen=True)
class Matcher:
    """A compiled plan pattern. :meth:`search` runs in time linear in the text."""

    pattern: str
    _regex: Any

    def search(self, text: str) -> bool:
        """Whether the pattern matches anywhere in ``text`` (JSON Schema ``pattern`` semantics)."""
        try:
            return self._regex.search(text) is not None
        except UnicodeEncodeError:
            # Lone surrogates (possible in strings read from code) cannot be UTF-8 encoded.
            cleaned = text.encode("utf-8", "replace").decode("utf-8")
            return self._regex.search(cleaned) is not None


@functools.lru_cache(maxsize=2048)
def compile_pattern(pattern: str) -> Matcher:
    """Compile an ECMA-262 plan pattern for linear-time matching (cached).

    Raises :class:`PatternError` with a readable reason when the pattern is invalid or uses a
    construct RE2 cannot run.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(f"the pattern is too long ({len(pattern)} characters; the limit is {MAX_PATTERN_LENGTH})")
    translated = translate(pattern)
    try:
        regex = re2.compile(translated, _options())
    except re2.error as exc:
        raise PatternError(_re2_reason(exc)) from None
    except (UnicodeError, TypeError, ValueError) as exc:
        raise PatternError(f"invalid pattern: {exc}") from None
    return Matcher(pattern, regex)


def _re2_reason(exc: Exception) -> str:
    reason = exc.args[0] if exc.args else str(exc)
    if isinstance(reason, bytes):
        reason = reason.decode("utf-8", "replace")
    return f"invalid pattern: {reason}"


def pattern_error(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used as a plan pattern, or ``None`` when it compiles."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        return str(exc)
    return None
