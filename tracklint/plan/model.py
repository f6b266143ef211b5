"""The typed tracking-plan model (what ``plan/load.py`` builds and every command reads).

The model is normalised: shared property definitions are merged into each use, defaults are
filled in, and every element remembers where it was defined (file, line, column) so that rules,
``diff`` and reporters can point at the plan file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The JSON Schema vocabulary a property spec may use (besides tracklint's own words).
SCHEMA_WORDS = (
    "type",
    "enum",
    "const",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "items",
    "properties",
)


@dataclass(frozen=True)
class PlanLocation:
    """Where something is defined in the plan: file path and 1-based line/column."""

    path: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass
class PropertySpec:
    """One property (or trait): JSON Schema words plus ``required``, ``pii``, ``deprecated``.

    ``type`` is a tuple of JSON types (empty: any type). ``properties``/``additional_properties``
    describe nested objects; ``items`` the elements of an array.
    """

    name: str
    type: tuple[str, ...] = ()
    enum: tuple[Any, ...] | None = None
    const: Any = None
    has_const: bool = False
    pattern: str | None = None
    format: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    exclusive_maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    items: "PropertySpec | None" = None
    properties: dict[str, "PropertySpec"] = field(default_factory=dict)
    additional_properties: bool = True
    required: bool = False
    description: str | None = None
    pii: bool = False
    deprecated: bool | str = False
    shared: str | None = None  # name of the shared definition this one is based on
    location: PlanLocation | None = None
    previous_names: tuple[str, ...] = ()  # old spellings of the key: sent, they get a safe fix
    # Alternatives of an imported JSON Schema ``anyOf``/``oneOf`` that the plan format cannot
    # express: kept so that ``diff`` can compare them; ``check`` does not validate against them.
    any_of: tuple["PropertySpec", ...] = ()

    @property
    def nullable(self) -> bool:
        return "null" in self.type


@dataclass
class Event:
    """A planned track event (also used for named pages and screens)."""

    name: str
    description: str | None = None
    owner: str | None = None
    sources: tuple[str, ...] | None = None  # None: every source
    destinations: tuple[str, ...] | None = None  # None: every destination
    previous_names: tuple[str, ...] = ()
    deprecated: bool | str = False
    additional_properties: bool = False
    properties: dict[str, PropertySpec] = field(default_factory=dict)
    kind: str = "track"  # track | page | screen
    location: PlanLocation | None = None

    @property
    def is_deprecated(self) -> bool:
        return bool(self.deprecated)

    @property
    def required(self) -> list[str]:
        return [name for name, spec in self.properties.items() if spec.required]


@dataclass
class Traits:
    """Planned traits for ``identify`` or ``group``."""

    traits: dict[str, PropertySpec] = field(default_factory=dict)
    additional_properties: bool = True
    location: PlanLocation | None = None


@dataclass
class Source:
    """Where one source's code lives (path globs, relative to the plan's directory)."""

    name: str
    paths: tuple[str, ...] = ()
    location: PlanLocation | None = None


@dataclass
class Conventions:
    """Naming conventions: a style name (title-case, snake_case, camelCase, PascalCase,
    kebab-case) or a regular expression given as ``{pattern: REGEX}``."""

    event_name: str | None = None
    event_name_pattern: str | None = None
    property_name: str | None = None
    property_name_pattern: str | None = None


@dataclass
class Plan:
    """A whole tracking plan."""

    name: str | None = None
    version: str | None = None
    description: str | None = None
    format_version: int = 1
    conventions: Conventions = field(default_factory=Conventions)
    sources: dict[str, Source] = field(default_factory=dict)
    destinations: tuple[str, ...] = ()
    shared_properties: dict[str, PropertySpec] = field(default_factory=dict)
    common_properties: dict[str, PropertySpec] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    identify: Traits | None = None
    group: Traits | None = None
    pages: dict[str, Event] = field(default_factory=dict)
    screens: dict[str, Event] = field(default_factory=dict)
    path: str | None = None  # the main plan file
    files: tuple[str, ...] = ()  # every file the plan was read from (includes)
    include_globs: tuple[str, ...] = ()  # the include: patterns with wildcards, absolute
    root: str | None = None  # directory that source globs are relative to

    def all_events(self) -> list[Event]:
        return [*self.events.values(), *self.pages.values(), *self.screens.values()]
