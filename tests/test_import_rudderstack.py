"""RudderStack rudder-cli importer (v0.1 and v1)."""

from __future__ import annotations

from pathlib import Path

from tracklint.importers import detect_format, import_plan

E2E = ("data", "plans", "rudderstack", "rudder-iac-e2e")


def _files(shared: Path, stage: str, v1: bool) -> list[Path]:
    folder = shared.joinpath(*E2E, stage)
    return sorted(p for p in folder.glob("*.yaml") if p.stem.endswith("_v1") == v1)


def _counts(plan) -> dict[str, int]:
    return {name: len(e.properties) for name, e in plan.events.items()}


def test_typer_project(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "plans" / "rudderstack" / "rudder-typer-project"
    assert detect_format(folder) == "rudderstack"
    result = import_plan([folder])
    assert _counts(result.plan) == {
        "Some Empty Track Event": 0,
        "Some Empty Track Event With Additional Properties": 0,
        "Some Track Event": 22,
        "Some Track Event With Variants": 4,
    }
    events = result.plan.events
    assert events["Some Empty Track Event With Additional Properties"].additional_properties
    props = events["Some Track Event"].properties
    assert props["someMultiType"].type == ("string", "integer", "number", "boolean", "object", "array", "null")
    assert props["someArrayOfStrings"].items.type == ("string",)
    assert props["someIntegerWithEnum"].enum[0] == 200
    nested = props["someNestedObject"].properties["someNestedLevel1"].properties["someNestedLevel2"]
    assert len(nested.properties) == 5
    assert props["someCustomObject"].properties["someCustomString"].required
    assert sum("variants" in w.message for w in result.warnings) == 2


def test_e2e_v01_create_and_update(shared_dir: Path) -> None:
    create = import_plan(_files(shared_dir, "create", False), "rudderstack").plan
    name = "Name from var file that must lose to the env var"  # from substitution.vars.yaml
    assert _counts(create) == {name: 6, "Login Event": 3, "Logout Event": 0}
    update = import_plan(_files(shared_dir, "update", False), "rudderstack")
    assert _counts(update.plan) == {name: 8, "API Error": 4, "Login Event": 3}
    assert update.plan.events[name].additional_properties is True
    # Payload keys are the properties' `name`s, not their ids.
    signin = update.plan.events["Login Event"].properties["Signin Info"]
    assert signin.properties["Remember Me Checkbox Clicked"].required
    captcha = signin.properties["Captcha"]
    assert captcha.properties["Captcha Info"].properties["Captcha Attempts"].required
    assert any("multipleOf" in w.message for w in update.warnings)


def test_e2e_v1_create_and_update(shared_dir: Path) -> None:
    create = import_plan(_files(shared_dir, "create", True), "rudderstack").plan
    assert _counts(create) == {"Signup": 3}
    assert list(create.pages) == ["page_view"]
    update = import_plan(_files(shared_dir, "update", True), "rudderstack").plan
    assert _counts(update) == {"Checkout": 1, "Signup": 4}
    email = update.events["Checkout"].properties["User Email"]
    assert email.type == ("string",) and email.min_length == 3 and email.format == "email"
    meta = update.events["Signup"].properties["User Metadata"]
    assert meta.type == ("object", "null")


def test_directory_with_two_plans_merges_and_warns(shared_dir: Path) -> None:
    result = import_plan([shared_dir.joinpath(*E2E, "update")])
    assert len(result.plan.events) == 5
    assert any("2 tracking plans" in w.message for w in result.warnings)


def test_tracking_plan_file_alone_reads_its_project(shared_dir: Path) -> None:
    path = shared_dir.joinpath(*E2E, "update", "trackingplan_v1.yaml")
    assert detect_format(path) == "rudderstack"
    result = import_plan([path])
    assert _counts(result.plan) == {"Checkout": 1, "Signup": 4}
    assert not any("does not resolve" in w.message for w in result.warnings)
