"""Small helpers for the words of messages that every command shares."""

from __future__ import annotations

import re


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun`` agreeing in number: ``1 call``, ``2 calls``, ``0 calls``
    (``many``: the plural when it is not ``noun + "s"``, as in ``1 match``, ``2 matches``)."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"


def one_line(text: str, limit: int | None = None) -> str:
    """``text`` on one line for a message: runs of white space (line breaks and the indentation
    of a multi-line argument included) folded to one space, none left around a member access (a
    chain written one member per line reads ``a.b.c``), cut to ``limit`` characters with ``…``."""
    text = _MEMBER_GAP.sub(r"\1", " ".join(text.split()))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def callee(receiver: str, method: str) -> str:
    """How a call's callee reads in messages: ``analytics.track``, or ``trackEvent`` for a bare
    function (never ``.trackEvent``)."""
    receiver = one_line(receiver)
    return f"{receiver}.{method}" if receiver else method


_MEMBER_GAP = re.compile(r"\s*(\??\.)\s*")
