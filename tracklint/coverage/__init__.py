"""``tracklint coverage``: the plan's events against its sources (:mod:`.model`), the same at the
base of a change (:mod:`.change`), and its reports: terminal, JSON, Markdown and HTML."""

from __future__ import annotations
