"""The rule registry: every rule module, by code. Registration is explicit (no plugin discovery).

A rule's code never changes meaning; its name is for people and URLs. See ``rules/base.py`` for
what a rule module defines.
"""

from __future__ import annotations

from types import ModuleType

from tracklint.rules import (
    deprecated_event,
    event_naming,
    invalid_value,
    missing_required,
    plan_conflicting_property_type,
    plan_duplicate_name,
    plan_missing_description,
    plan_naming_convention,
    property_naming,
    skipped_change,
    source_not_allowed,
    syntax_error,
    unknown_event,
    unplanned_property,
    unused_event,
    unused_suppression,
    unverifiable_event,
    unverifiable_properties,
    wrong_type,
)

_MODULES: tuple[ModuleType, ...] = (
    syntax_error,
    unknown_event,
    event_naming,
    property_naming,
    missing_required,
    unplanned_property,
    wrong_type,
    invalid_value,
    deprecated_event,
    source_not_allowed,
    unverifiable_event,
    unverifiable_properties,
    unused_event,
    unused_suppression,
    skipped_change,
    plan_duplicate_name,
    plan_conflicting_property_type,
    plan_missing_description,
    plan_naming_convention,
)

RULES: dict[str, ModuleType] = {m.CODE: m for m in _MODULES}
BY_NAME: dict[str, ModuleType] = {m.NAME: m for m in _MODULES}

DOCS_BASE = "https://github.com/tracklint/tracklint/blob/main/docs/rules/"


def get(code_or_name: str) -> ModuleType:
    """The rule with this code (``TL001``) or name (``unknown-event``); KeyError if none."""
    key = code_or_name.strip()
    rule = RULES.get(key.upper()) or BY_NAME.get(key.lower())
    if rule is None:
        raise KeyError(code_or_name)
    return rule


def docs_url(code: str) -> str:
    """Where a rule's documentation lives (generated from its docstring)."""
    return f"{DOCS_BASE}{code}.md"


def title(rule: ModuleType) -> str:
    return f"{rule.CODE} {rule.NAME}"
