"""The coverage matrix: the plan's events against its sources, built from the call sites a scan
found (``tracklint coverage``).

Each cell says what one source does with one event:

- ``implemented``: sent, at least one call site, every site's properties readable;
- ``unverifiable``: sent, but some site's properties are built at run time (a variable, a spread)
  so tracklint cannot confirm them; and the row of calls whose event name is dynamic;
- ``missing``: the plan expects the source to send it and no call site does;
- ``unplanned``: sent, but the plan has no such event, or does not expect it from this source;
- no status (None): neither planned there nor sent.

A source is a name of the plan's ``sources``, assigned to each call by the same globs ``check``
uses (:func:`tracklint.diagnose.assign_sources`); calls outside every source's paths fall in
:data:`NO_SOURCE`, where every planned event is expected when the plan declares no sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tracklint.extract.base import TrackCall
from tracklint.plan.model import Event, Plan

IMPLEMENTED, UNVERIFIABLE, MISSING, UNPLANNED = "implemented", "unverifiable", "missing", "unplanned"
#: Every status a cell can have, in the order reports list them.
STATUSES = (IMPLEMENTED, UNVERIFIABLE, MISSING, UNPLANNED)
#: The column of calls outside every source's paths (and of every call when the plan names none).
NO_SOURCE = "(no source)"
#: The row of calls whose event name is only known at run time.
DYNAMIC = "(dynamic event name)"
#: The group of events the plan gives no ``owner``.
NO_OWNER = "(no owner)"
#: Plan sections a call kind is compared with.
_KINDS = ("track", "page", "screen")


@dataclass(frozen=True)
class Site:
    """One call site: where it is and how readable its properties are."""

    path: str
    line: int
    column: int
    properties_kind: str  # none | literal | open | dynamic

    @property
    def verifiable(self) -> bool:
        return self.properties_kind in ("none", "literal")


@dataclass
class Cell:
    """What one source does with one event."""

    status: str | None
    sites: list[Site] = field(default_factory=list)


@dataclass
class PropertyCoverage:
    """Whether one required property is sent at every call site of its event: the sites that
    leave it out, and those whose properties cannot be read (a variable, a spread)."""

    name: str
    sites: int
    missing: list[Site] = field(default_factory=list)
    unknown: list[Site] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``complete``, ``missing`` (some site leaves it out) or ``unknown``."""
        return "missing" if self.missing else "unknown" if self.unknown else "complete"


@dataclass
class Row:
    """One event (or named page/screen) and its cells, one per source."""

    name: str
    kind: str  # track | page | screen | dynamic
    planned: bool
    owner: str | None = None
    renamed_to: str | None = None  # a previous name of this planned event
    cells: dict[str, Cell] = field(default_factory=dict)
    properties: list[PropertyCoverage] = field(default_factory=list)

    @property
    def group(self) -> str:
        return self.owner or NO_OWNER


@dataclass(frozen=True)
class Totals:
    """Counts of cells by status, and the share of planned cells that are sent."""

    implemented: int = 0
    unverifiable: int = 0
    missing: int = 0
    unplanned: int = 0

    @property
    def planned(self) -> int:
        return self.implemented + self.unverifiable + self.missing

    @property
    def percent(self) -> float | None:
        """Planned cells sent (implemented or unverifiable), in percent; None with nothing planned."""
        if not self.planned:
            return None
        return round(100.0 * (self.implemented + self.unverifiable) / self.planned, 1)

    @classmethod
    def of(cls, cells: list[Cell]) -> "Totals":
        count = {status: 0 for status in STATUSES}
        for cell in cells:
            if cell.status is not None:
                count[cell.status] += 1
        return cls(**count)


@dataclass
class Coverage:
    """The whole matrix, with what the plan says about it."""

    sources: list[str]
    rows: list[Row]
    plan_name: str | None = None
    plan_version: str | None = None
    plan_path: str | None = None

    def totals(self, source: str | None = None, group: str | None = None) -> Totals:
        """The counts of one source's column (all with None), over one owner's events (all with None)."""
        return Totals.of([cell for row in self.rows if group is None or row.group == group
                          for name, cell in row.cells.items() if source is None or name == source])

    @property
    def groups(self) -> list[str]:
        """The owners of the planned events, in the plan's order."""
        return list(dict.fromkeys(row.group for row in self.rows if row.planned))


def build(plan: Plan, calls: list[TrackCall], *, plan_path: str | None = None) -> Coverage:
    """The coverage of ``plan`` by ``calls`` (sources already assigned)."""
    sources = list(plan.sources)
    if not sources or any(c.source is None for c in calls if _counted(plan, c)):
        sources.append(NO_SOURCE)
    rows: dict[tuple[str, str], Row] = {}
    for kind, events in (("track", plan.events), ("page", plan.pages), ("screen", plan.screens)):
        for event in events.values():
            rows[(kind, event.name)] = Row(event.name, kind, True, owner=event.owner)
    sites: dict[tuple[str, str], dict[str, list[Site]]] = {}
    for call in sorted(calls, key=lambda c: (c.path, c.span.line, c.span.column)):
        if not _counted(plan, call):
            continue
        key = (call.kind, call.event) if call.event is not None else ("dynamic", DYNAMIC)
        if key not in rows:
            rows[key] = Row(key[1], key[0], False, renamed_to=_renamed_to(plan, call))
        site = Site(call.path, call.span.line, call.span.column, call.properties_kind)
        sites.setdefault(key, {}).setdefault(call.source or NO_SOURCE, []).append(site)
    ordered = [r for r in rows.values() if r.planned]
    ordered += sorted((r for r in rows.values() if not r.planned and r.kind != "dynamic"), key=lambda r: (r.name, r.kind))
    ordered += [r for r in rows.values() if r.kind == "dynamic"]
    for row in ordered:
        event = _event(plan, row)
        found = sites.get((row.kind, row.name), {})
        row.cells = {source: _cell(plan, event, source, found.get(source, []), row.kind) for source in sources}
        if event is not None:
            row.properties = _properties(plan, event, row.kind, [s for found_here in found.values() for s in found_here], calls)
    return Coverage(sources, ordered, plan.name, plan.version, plan_path)


def _counted(plan: Plan, call: TrackCall) -> bool:
    """Whether a call belongs in the matrix: a track call, or a named page/screen when the plan
    plans that kind (a plan without ``pages:`` does not check page names)."""
    if call.kind == "track":
        return True
    if call.kind not in _KINDS or call.event is None:
        return False
    return bool(plan.pages if call.kind == "page" else plan.screens)


def _section(plan: Plan, kind: str) -> dict[str, Event]:
    return {"track": plan.events, "page": plan.pages, "screen": plan.screens}.get(kind, {})


def _event(plan: Plan, row: Row) -> Event | None:
    return _section(plan, row.kind).get(row.name) if row.planned else None


def _renamed_to(plan: Plan, call: TrackCall) -> str | None:
    """The planned event whose ``previous_names`` list the name ``call`` sends (the rules' index
    of the plan's names, as TL001 reads it)."""
    from tracklint.rules._common import name_index

    return name_index(_section(plan, call.kind)).renamed.get(call.event)


def _cell(plan: Plan, event: Event | None, source: str, sites: list[Site], kind: str) -> Cell:
    expected = event is not None and _expected(plan, event, source)
    if not sites:
        return Cell(MISSING if expected and not event.deprecated else None)
    if kind == "dynamic":
        return Cell(UNVERIFIABLE, sites)
    if not expected:
        return Cell(UNPLANNED, sites)
    return Cell(IMPLEMENTED if all(s.verifiable for s in sites) else UNVERIFIABLE, sites)


def _expected(plan: Plan, event: Event, source: str) -> bool:
    """Whether the plan expects ``source`` to send ``event``."""
    if source == NO_SOURCE:
        return not plan.sources
    return event.sources is None or source in event.sources


def _properties(plan: Plan, event: Event, kind: str, sites: list[Site], calls: list[TrackCall]) -> list[PropertyCoverage]:
    """Each required property of ``event`` (and of the plan's ``common`` properties, for track
    events) against the event's call sites."""
    required = list(event.required)
    if kind == "track":
        required += [n for n, spec in plan.common_properties.items() if spec.required and n not in required]
    if not required:
        return []
    by_site = {(c.path, c.span.line, c.span.column): c for c in calls if c.kind == kind and c.event == event.name}
    out = []
    for name in required:
        cover = PropertyCoverage(name, len(sites))
        for site in sites:
            call = by_site[(site.path, site.line, site.column)]
            keys = (call.properties.properties or {}) if call.properties is not None else {}
            if name in keys:
                continue
            (cover.missing if site.properties_kind in ("none", "literal") else cover.unknown).append(site)
        out.append(cover)
    return out
