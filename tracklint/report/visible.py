"""Text from scanned code, made safe to print: every character that could act instead of show
is replaced by a visible escape.

Event names, property names, messages and file names come from the pull request. Printed raw,
a newline starts a GitHub workflow command of its own (``\\n::error ...``), ESC and the C1
control CSI (U+009B) drive the terminal (clear the screen, set the title, OSC 8 hyperlinks),
bidirectional controls such as U+202E reorder what a reviewer reads, and a lone surrogate (a
JavaScript ``"\\ud800"``) cannot even be encoded as UTF-8. :func:`visible` turns each of them
into its escape (``\\n``, ``\\x1b``, ``\\u202e``, ``\\ud800``). Machine formats (JSON, SARIF)
keep the exact text instead and only escape what their own syntax needs
(:func:`tracklint.report.serialize.dumps`).
"""

from __future__ import annotations

import re

#: C0 and C1 controls and DEL; the bidirectional marks, embeddings, overrides and isolates;
#: line and paragraph separators; the zero-width no-break space; lone surrogates.
UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ud800-\udfff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every unsafe character shown as its escape (see the module docstring)."""
    if UNSAFE.search(text) is None:
        return text
    return UNSAFE.sub(_escape, text)


def visible_lines(text: str) -> str:
    """Like :func:`visible`, but line breaks stay (for a message whose own hint is on a line of
    its own, in formats that encode line breaks themselves)."""
    if UNSAFE.search(text) is None:
        return text
    return "\n".join(visible(part) for part in text.replace("\r\n", "\n").split("\n"))


def fixable_label(diagnostic: object) -> str:
    """How a finding's fix is applied, for the human formats: ``fixable`` (``check --fix``),
    ``fixable with --unsafe-fixes``, or "" when it has none."""
    fix = getattr(diagnostic, "fix", None)
    if fix is None:
        return ""
    return "fixable" if fix.safe else "fixable with --unsafe-fixes"
