"""What a rule sees and what it returns.

A rule module (one per rule, registered in ``rules/__init__.py``) defines ``CODE``, ``NAME``,
``SCOPE`` (``"call"``, ``"project"`` or ``"plan"``), ``DEFAULT_SEVERITY``, ``SUMMARY`` (one
sentence), ``OPTIONS``/``DEFAULTS`` (its configurable options) and a docstring in the sections
*What it does*, *Why is this bad?*, *Example*, *Use instead* (and *Options*). Its check function
depends on the scope:

* ``check(call, ctx)`` for ``"call"`` rules: one :class:`TrackCall` against the plan;
* ``check_project(calls, ctx)`` for ``"project"`` rules: every call of the run;
* ``check_plan(plan, ctx)`` for ``"plan"`` rules: the plan itself.

Each yields :class:`Finding` records; the engine stamps the code, name and configured severity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tracklint.extract.base import Span
from tracklint.plan.model import Plan, PlanLocation

if TYPE_CHECKING:
    from tracklint.fix import Rename


@dataclass
class Finding:
    """One problem a rule found. ``span`` points into ``path`` (a source file), or
    ``plan_location`` into the plan. ``key`` distinguishes several findings of one rule on one
    event (the property name, say) without using the line number."""

    message: str
    path: str | None = None
    span: Span | None = None
    plan_location: PlanLocation | None = None
    help: str | None = None
    event: str | None = None
    key: str = ""
    # The spelling that would resolve the finding, where the rule knows it (tracklint/fix.py
    # turns it into the diagnostic's Fix, keeping the source's quoting).
    rename: "Rename | None" = None


@dataclass
class RuleContext:
    """What every rule may read: the plan, its options, and run-wide facts."""

    plan: Plan
    options: dict[str, Any] = field(default_factory=dict)
    # Whether the run covers the whole project (project rules are meaningless on a file list).
    whole_project: bool = True
    # path -> the event name that the same call site had at --changed-since REF, when it differs
    renamed_from: dict[tuple[str, int], str] = field(default_factory=dict)
    # The git ref of --changed-since, for messages ("was `X` on main").
    since_ref: str | None = None
    # (path, start byte) of the calls inside a configured wrapper's own definition that forward
    # its parameters (:mod:`tracklint.forwarding`): TL010/TL011 do not apply to them.
    forwarding: frozenset[tuple[str, int]] = frozenset()
    # With --changed-since: the plan's names at the base, by kind and normalised name (see
    # tracklint.change.planned_at_base); None otherwise.
    base_names: dict[str, dict[str, str]] | None = None
