"""init: a starting plan from call sites (plan_from_calls is pure; the CLI scans)."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tracklint.cli import app as cli_app
from tracklint.extract.base import Span, TrackCall, Value, literal, unknown
from tracklint.importers.calls import infer_style, plan_from_calls, unresolved_comments
from tracklint.plan.dump import dump_plan
from tracklint.plan.load import load_plan_text

SPAN = Span(1, 1, 1, 10, 1, 10)


def _obj(**props: Value) -> Value:
    return Value(type="object", properties=dict(props), kind="literal")


def call(event: str | None, props: Value | None = None, *, path: str = "app.ts", line: int = 1,
         kind: str = "track", source: str | None = None) -> TrackCall:
    span = Span(line, 1, line, 10, 1, 10)
    return TrackCall(
        path=path, language="typescript", span=span, sdk="segment", receiver="analytics",
        method=kind, kind=kind, event=event, event_kind="literal" if event else "dynamic",
        event_text=repr(event) if event else "name", properties=props, source=source,
    )


def test_merges_call_sites_and_type_unions() -> None:
    calls = [
        call("Order Completed", _obj(order_id=literal("o1"), revenue=literal(3)), source="web"),
        call("Order Completed", _obj(order_id=literal("o2"), revenue=literal(2.5), coupon=literal(None)), source="ios"),
    ]
    plan, unresolved = plan_from_calls(calls)
    assert unresolved == []
    props = plan.events["Order Completed"].properties
    assert props["order_id"].type == ("string",) and props["order_id"].required
    assert props["revenue"].type == ("number",)  # integer and number seen -> number
    assert props["coupon"].type == ("null",) and not props["coupon"].required
    assert plan.events["Order Completed"].additional_properties is False


def test_majority_spelling_kept_variants_not_added() -> None:
    calls = [call("Signed Up"), call("Signed Up"), call("signed_up"), call("Order Completed")]
    plan, _ = plan_from_calls(calls)
    assert list(plan.events) == ["Order Completed", "Signed Up"]
    assert plan.conventions.event_name == "title-case"


def test_unknown_values_and_open_objects() -> None:
    open_obj = Value(type="object", properties={"a": unknown("x")}, open=True, kind="literal")
    plan, _ = plan_from_calls([call("E", open_obj), call("E", _obj(a=literal(1)))])
    event = plan.events["E"]
    assert event.additional_properties is True
    assert event.properties["a"].type == ()  # an unknown value: any type
    assert not event.properties["a"].required


def test_nested_objects_and_arrays() -> None:
    item = _obj(sku=literal("s"), qty=literal(1))
    products = Value(type="array", items=[item, _obj(sku=literal("t"))], kind="literal")
    plan, _ = plan_from_calls([call("order_completed", _obj(products=products))])
    spec = plan.events["order_completed"].properties["products"]
    assert spec.type == ("array",)
    assert spec.items.properties["sku"].required and not spec.items.properties["qty"].required
    assert plan.conventions.event_name == "snake_case"


def test_unresolved_calls_become_comments() -> None:
    calls = [call(None, path="b.ts", line=7), call("A"), call(None, path="a.ts", line=3)]
    plan, unresolved = plan_from_calls(calls)
    assert [c.path for c in unresolved] == ["a.ts", "b.ts"]
    text = dump_plan(plan, comments=unresolved_comments(unresolved))
    assert "#   a.ts:3: analytics.track(name)" in text
    assert list(load_plan_text(text).events) == ["A"]


def test_pages_screens_and_traits() -> None:
    calls = [call("Home", kind="page"), call("Cart", kind="screen"),
             call(None, _obj(email=literal("x")), kind="identify")]
    plan, unresolved = plan_from_calls(calls)
    assert list(plan.pages) == ["Home"] and list(plan.screens) == ["Cart"]
    assert list(plan.identify.traits) == ["email"] and unresolved == []


def test_infer_style() -> None:
    assert infer_style(["order_completed", "signed_up"]) == "snake_case"
    assert infer_style(["orderCompleted", "signedUp", "x_y"]) == "camelCase"
    assert infer_style(["Order Completed", "signed_up"]) is None
    assert infer_style([]) is None


def test_init_command_scans_a_project(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.js").write_text(
        'analytics.track("Order Completed", {order_id: "o1", total: 3});\n'
        "analytics.track(name, {});\n"
    )
    monkeypatch.chdir(tmp_path)
    app = cli_app
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(tmp_path), "-o", str(tmp_path / "tracking-plan.yaml")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "tracking-plan.yaml").read_text()
    assert "Order Completed" in text and "app.js:2" in text
    result = runner.invoke(app, ["init", str(tmp_path), "-o", str(tmp_path / "tracking-plan.yaml")])
    assert result.exit_code == 2 and "--force" in result.output


def test_init_force_replaces_a_symlinked_plan_and_leaves_its_target_alone(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "app.js").write_text('analytics.track("Order Completed", {});\n')
    outside = tmp_path / "secret.txt"
    outside.write_text("do not touch\n")
    (repo / "plan.yaml").symlink_to(outside)  # committed by a pull request
    monkeypatch.chdir(repo)
    app = cli_app
    result = CliRunner().invoke(app, ["init", str(repo), "--force", "-o", "plan.yaml"])
    assert result.exit_code == 0, result.output
    assert outside.read_text() == "do not touch\n"
    plan = repo / "plan.yaml"
    assert not plan.is_symlink() and "Order Completed" in plan.read_text()


def test_init_writes_a_plan_it_loads_when_a_receiver_spans_lines(tmp_path: Path, monkeypatch) -> None:
    # A SwiftUI-style chain or a TS call split over lines: the receiver's text went into the
    # plan's comment with only its first line commented out, and tracklint refused its own plan.
    (tmp_path / ".git").mkdir()
    (tmp_path / "app.ts").write_text(
        "window\n    .analytics\n    .track(\n        eventName,   {}\n    );\n"
        'analytics.track("Signed Up", {});\n'
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli_app, ["init", str(tmp_path), "-o", "tracking-plan.yaml"])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "tracking-plan.yaml").read_text()
    load_plan_text(text, "tracking-plan.yaml")  # raises on the plan tracklint itself refuses
    assert "app.ts:1: window.analytics.track(eventName)" in text


def test_comments_never_end_a_yaml_comment_early() -> None:
    # Every character YAML (or str.splitlines) takes as a line break stays inside a comment.
    breaks = ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c"]
    comments = [f"before{b}events: {{Injected: {{}}}}" for b in breaks]
    plan, _ = plan_from_calls([call("A")])
    text = dump_plan(plan, comments=comments)
    plan = load_plan_text(text, "plan.yaml")
    assert list(plan.events) == ["A"]
