"""What the extractor tests share."""

from __future__ import annotations

from tracklint.extract.base import Value


def shape(value: Value | None):
    """A plain-Python picture of a Value: literals, dicts, lists, '?text' for unknown."""
    if value is None:
        return None
    if value.properties is not None:
        out = {k: shape(v) for k, v in value.properties.items()}
        if value.open:
            out["..."] = True
        return out
    if value.items is not None:
        return [shape(v) for v in value.items]
    return value.value if value.known else "?" + value.text
