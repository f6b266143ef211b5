"""Markdown (GitHub-flavoured) escaping: the one place every Markdown reporter escapes user text.

Event names, property names, messages and paths come from the scanned code, so every piece of
user text is escaped before it reaches a pull-request comment or a step summary: Markdown
punctuation is backslash-escaped (which also covers HTML's ``<`` and ``&``), table pipes cannot
end a cell, newlines become ``<br>``, ``@mentions`` / ``#123`` references cannot ping people or
cross-link issues, and control characters, bidirectional controls and lone surrogates show as
visible escapes (:mod:`tracklint.report.visible`).
"""

from __future__ import annotations

import re

from tracklint.report.visible import UNSAFE, visible

#: Characters with a meaning in GitHub-flavoured Markdown inline text (emphasis, code, links,
#: images, raw HTML and entities, table cells, strikethrough, math); each is backslash-escaped.
#: Block syntax (`#`, `-`, `>` at the start of a line) cannot start inside a table cell.
_SPECIAL = frozenset("\\`*_[]<>&|!~$")
_WORD_JOINER = "\u2060"
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)


def escape_text(text: str) -> str:
    """Escape user text for a Markdown table cell: it renders as itself and nothing more."""
    out: list[str] = []
    previous = ""
    for ch in text.replace("\r\n", "\n").replace("\r", "\n"):
        if ch == "\n":
            out.append("<br>")
        elif ch in _SPECIAL:
            out.append("\\" + ch)
        elif UNSAFE.match(ch):
            out.append("\\" + visible(ch))  # the escape's own backslash, escaped
        else:
            # GitHub turns `@name` and `#123` into mentions and cross-references even after a
            # backslash; an invisible word joiner after the sign breaks the token.
            if previous in ("@", "#") and (ch.isalnum() or ch in "-_"):
                out.append(_WORD_JOINER)
            out.append(ch)
        previous = ch
    return "".join(out)


def format_message(text: str) -> str:
    """A message with its backticked names as ``<code>`` and everything escaped.

    Messages quote names in backticks (`` `Order Completed` ``). A name may itself contain
    backticks, so the pairing is a best effort; whatever it pairs, all text is escaped.
    """
    out: list[str] = []
    pos = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(escape_text(text[pos : match.start()]))
        out.append(f"<code>{escape_text(match.group(2))}</code>")
        pos = match.end()
    out.append(escape_text(text[pos:]))
    return "".join(out)


def code(text: str) -> str:
    """User text as inline code (``<code>``, escaped like any text: it holds any character)."""
    return f"<code>{escape_text(text)}</code>"
