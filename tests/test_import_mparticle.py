"""mParticle data plan importer."""

from __future__ import annotations

from pathlib import Path

from tracklint.importers import detect_format, import_plan


def _path(shared: Path, name: str) -> Path:
    return shared / "data" / "plans" / "mparticle" / name


def test_main_v1(shared_dir: Path) -> None:
    path = _path(shared_dir, "sofa_king_main-v1.json")
    assert detect_format(path) == "mparticle"
    result = import_plan([path])
    plan = result.plan
    assert plan.name == "sofa_king_main" and plan.version == "1.0.0"
    assert sorted(plan.events) == ["Add Customization - Color", "Add Customization - Config"]
    color = plan.events["Add Customization - Color"]
    assert color.properties["color"].required
    assert color.properties["color"].enum == ("blue", "brown", "green", "lavender", "yellow")
    assert color.additional_properties is False
    assert result.warnings == []


def test_sofa_king_plan(shared_dir: Path) -> None:
    result = import_plan([_path(shared_dir, "sofa_king_plan.json")])
    plan = result.plan
    # 36 data points: 6 custom_event (7 attributes), 25 screen_view (48 attributes),
    # 1 user_attributes (7), and 3 product_action + 1 user_identities that cannot be imported.
    assert len(plan.events) == 6
    assert sum(len(e.properties) for e in plan.events.values()) == 7
    assert len(plan.screens) == 25
    assert sum(len(e.properties) for e in plan.screens.values()) == 48
    assert len(plan.identify.traits) == 7
    skipped = [w for w in result.warnings if "not imported" in w.message]
    assert len(skipped) == 4
    assert {w.message.split(" ")[0] for w in skipped} == {"product_action", "user_identities"}
