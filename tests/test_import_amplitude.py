"""Ampli schema.json importer."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracklint.errors import PlanError
from tracklint.importers import detect_format, import_plan

HISTORY = (
    "2021-09-10_a17e4f3d",
    "2021-09-29_d9855563",
    "2021-10-01_21549e7f",
    "2021-10-05_fbfea0f3",
    "2021-11-22_b9528b16",
    "2021-12-29_a354040a",
)


def _path(shared: Path, name: str) -> Path:
    return shared / "data" / "plans" / "amplitude-ampli" / "schema-history" / f"{name}.schema.json"


@pytest.mark.parametrize("name", HISTORY)
def test_each_version_counts(shared_dir: Path, name: str) -> None:
    path = _path(shared_dir, name)
    assert detect_format(path) == "amplitude"
    result = import_plan([path])
    plan = result.plan
    # 10 events (13 root properties minus Context, Identify, Group), 40 event properties,
    # 2 identify traits, 2 group traits, no common (Context) properties.
    assert len(plan.events) == 10
    assert sum(len(e.properties) for e in plan.events.values()) == 40
    assert len(plan.identify.traits) == 2 and len(plan.group.traits) == 2
    assert plan.common_properties == {}
    assert result.warnings == []


def test_event_names_come_from_id(shared_dir: Path) -> None:
    plan = import_plan([_path(shared_dir, HISTORY[-1])]).plan
    assert "Event No Properties" in plan.events
    assert "event withDifferent_CasingTypes" in plan.events
    const = plan.events["Event With Const Types"].properties
    assert const["Integer Const"].has_const and const["Integer Const"].const == 10
    assert plan.events["EventMaxIntForTest"].properties["intMax10"].maximum == 10
    assert plan.identify.traits["requiredNumber"].required


def test_versions_differing_in_id_and_order_only_import_equal(shared_dir: Path) -> None:
    a = import_plan([_path(shared_dir, HISTORY[0])]).plan
    b = import_plan([_path(shared_dir, HISTORY[1])]).plan
    assert a.events == b.events


def test_ampli_json_is_explained(shared_dir: Path) -> None:
    path = shared_dir / "data" / "plans" / "amplitude-ampli" / "ampli.json"
    with pytest.raises(PlanError, match="settings file"):
        import_plan([path])
