"""The tracking plan: the typed model (``model``), its loader (``load``), the shipped JSON
Schema (``schema.json``) and linear-time plan patterns (``patterns``).

``load_plan``/``load_plan_text`` are imported lazily so that reading the model does not pay for
PyYAML and jsonschema.
"""

from __future__ import annotations

from typing import Any

__all__ = ["load_plan", "load_plan_text"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from tracklint.plan import load

        return getattr(load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
