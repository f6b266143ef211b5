"""Small helpers for the words of messages that every command shares."""

from __future__ import annotations


def plural(count: int, noun: str, many: str | None = None) -> str:
    """``count`` and ``noun`` agreeing in number: ``1 call``, ``2 calls``, ``0 calls``
    (``many``: the plural when it is not ``noun + "s"``, as in ``1 match``, ``2 matches``)."""
    return f"{count} {noun if count == 1 else (many or noun + 's')}"
