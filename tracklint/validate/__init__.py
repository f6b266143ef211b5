"""``tracklint validate``: event payloads that were really sent, checked against the plan.

The pipeline mirrors ``check``'s: files -> records (:mod:`.read`) -> events
(:mod:`.payloads`) -> call sites (:mod:`.values`) -> the same call rules -> diagnostics, and a
per-event :mod:`.summary`. :func:`tracklint.validate.run.validate` runs it.
"""

from __future__ import annotations
