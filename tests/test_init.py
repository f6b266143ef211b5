"""init: a starting plan from call sites (plan_from_calls is pure; the CLI scans)."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from tracklint.cli import app as cli_app
from tracklint.extract.base import Span, TrackCall, Value, literal, unknown
from tracklint.importers.calls import infer_style, plan_from_calls, style_note, unresolved_comments
from tracklint.plan.dump import dump_plan
from tracklint.plan.load import load_plan_text
from tracklint.rules import plan_naming_convention
from tracklint.rules.base import RuleContext

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


def test_a_message_that_cannot_be_read_is_listed_for_planning_by_hand() -> None:
    # Go's client.Enqueue(msg) with msg a parameter: an SDK call whose event init cannot know
    message = call(None, path="send.go", line=4, kind="message")
    plan, unresolved = plan_from_calls([message, call("A")])
    assert list(plan.events) == ["A"] and unresolved == [message]


def test_infer_style() -> None:
    assert infer_style(["order_completed", "signed_up"]) == "snake_case"
    # a convention that one planned name breaks is not inferred: the first check would report it
    assert infer_style(["orderCompleted", "signedUp", "x_y"]) is None
    assert infer_style(["Order Completed", "signed_up"]) is None
    assert infer_style([]) is None


def test_init_command_scans_a_project(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir(parents=True)
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
    (tmp_path / ".git").mkdir(parents=True)
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


def test_style_note_says_why_no_convention_was_written() -> None:
    text = style_note(["orderId", "cartValue", "sku_id"], "property names")
    assert text == "2 of 3 property names are camelCase but `sku_id` is not; no property name convention written"
    assert style_note(["order_id", "sku_id"], "property names") is None  # a convention was written
    assert style_note(["a_b", "cD", "E F"], "event names") is None  # no majority: nothing to say


_NAME = st.sampled_from(["order_id", "orderId", "OrderId", "order-id", "Order Id", "sku", "x_y", "aB", "Q"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_NAME, st.lists(_NAME, max_size=4), st.lists(_NAME, max_size=3)), min_size=1, max_size=6))
def test_inferred_conventions_are_followed_by_the_plan_init_writes(events) -> None:
    # For any call records, the plan init writes loads, and its own naming rule finds nothing in
    # it: the conventions init infers are ones every planned name follows (nested keys too).
    calls = []
    for name, keys, nested in events:
        props = {k: literal(1) for k in keys}
        if nested:
            props["items"] = Value(type="array", items=[_obj(**{k: literal("s") for k in nested})], kind="literal")
        calls.append(call(name, _obj(**props)))
    plan, _ = plan_from_calls(calls)
    loaded = load_plan_text(dump_plan(plan), "tracking-plan.yaml")
    assert list(plan_naming_convention.check_plan(loaded, RuleContext(plan=loaded))) == []


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir(parents=True)
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return tmp_path


def test_first_check_after_init_reports_the_code_not_the_plan(tmp_path: Path, monkeypatch) -> None:
    # issue #13: the plan init writes has no descriptions, and property names that mostly
    # follow camelCase; the first check gave one TL103 per event and a TL104 per odd name.
    events = "\n".join(f'analytics.track("Event {i}", {{orderId: 1, cartValue: 2, sku_id: 3}});' for i in range(6))
    root = _project(tmp_path, {"src/app.ts": events + "\n"})
    monkeypatch.chdir(root)
    runner = CliRunner()
    result = runner.invoke(cli_app, ["init", "src"])
    assert result.exit_code == 0, result.output
    assert "2 of 3 property names are camelCase but `sku_id` is not" in result.output
    with open(root / "src/app.ts", "a") as f:  # then someone sends an unplanned name
        f.write('analytics.track("Evnt 1", {orderId: 1});\n')
    result = runner.invoke(cli_app, ["check", "--no-cache", "-f", "json", "src"])
    found = json.loads(result.stdout)["diagnostics"]
    assert sorted(d["code"] for d in found) == ["TL001", "TL103"], result.output
    summary = next(d for d in found if d["code"] == "TL103")
    assert summary["message"].startswith("6 descriptions (or owners) are missing from the plan: `Event 0`")
    assert "--select TL103" in summary["help"]
    # asked for by its code, each one is listed
    result = runner.invoke(cli_app, ["check", "--no-cache", "-f", "json", "--select", "TL103", "src"])
    assert len(json.loads(result.stdout)["diagnostics"]) == 6


def test_init_leaves_tests_out_unless_asked(tmp_path: Path, monkeypatch) -> None:
    root = _project(tmp_path, {
        "src/app.py": 'analytics.track("u1", "Order Completed", {"total": 3})\n',
        "tests/test_app.py": 'analytics.track("u1", "test_event", {})\nanalytics.track("u1", "Order Completed", {"x": 1})\n',
        "web/src/cart.test.ts": 'analytics.track("Cart Test Event");\n',
        "ios/ShopTests/CartTests.swift": 'Analytics.shared().track("Swift Test Event")\n',
    })
    monkeypatch.chdir(root)
    runner = CliRunner()
    result = runner.invoke(cli_app, ["init"])
    assert result.exit_code == 0, result.output
    plan = load_plan_text((root / "tracking-plan.yaml").read_text(), "tracking-plan.yaml")
    assert list(plan.events) == ["Order Completed"]
    assert list(plan.events["Order Completed"].properties) == ["total"]  # the test's `x` is not planned
    assert "left out 4 calls in 3 test files" in result.output and "--include-tests" in result.output
    result = runner.invoke(cli_app, ["init", "--force", "--include-tests"])
    assert result.exit_code == 0, result.output
    plan = load_plan_text((root / "tracking-plan.yaml").read_text(), "tracking-plan.yaml")
    assert set(plan.events) == {"Order Completed", "test_event", "Cart Test Event", "Swift Test Event"}
    assert "left out" not in result.output


def test_a_test_directory_named_on_the_command_line_is_planned(tmp_path: Path, monkeypatch) -> None:
    root = _project(tmp_path, {"tests/fixtures/shop/app.js": 'analytics.track("Order Completed");\n'})
    monkeypatch.chdir(root)
    result = CliRunner().invoke(cli_app, ["init", "tests/fixtures/shop"])
    assert result.exit_code == 0, result.output
    plan = load_plan_text((root / "tracking-plan.yaml").read_text(), "tracking-plan.yaml")
    assert list(plan.events) == ["Order Completed"] and "left out" not in result.output


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
_LEAF = st.one_of(st.integers(-5, 5).map(literal), _TEXT.map(literal), st.booleans().map(literal), st.just(unknown("x")))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), _TEXT), st.dictionaries(_TEXT, _LEAF, max_size=3), _TEXT),
                min_size=1, max_size=6))
def test_any_call_records_give_a_plan_that_loads_and_round_trips(records) -> None:
    # issue #13 item 6: whatever names, keys and expressions the code holds (quotes, colons,
    # line breaks, a leading `#` or `-`), init's output is YAML tracklint loads, with every
    # event it planned, and writing the loaded plan again gives the same text.
    calls = []
    for line, (event, props, expression) in enumerate(records, 1):
        c = call(event, _obj(**props), line=line)
        if event is None:
            c = TrackCall(**{**c.__dict__, "receiver": expression, "event_text": expression})
        calls.append(c)
    plan, unresolved = plan_from_calls(calls)
    text = dump_plan(plan, comments=unresolved_comments(unresolved))
    loaded = load_plan_text(text, "tracking-plan.yaml")
    named = {e for e, _, _ in records if e is not None}
    assert set(loaded.events) == set(plan.events) <= named  # spellings of one name are merged
    assert bool(plan.events) == bool(named)
    assert dump_plan(loaded) == dump_plan(plan)


def test_check_after_init_leaves_out_the_tests_the_plan_leaves_out(tmp_path: Path, monkeypatch) -> None:
    # issue #13: init planned without the tests, and the first check then failed on every
    # test-only event (`test_event` in capture.test.ts: five TL001 errors on formbricks).
    root = _project(tmp_path, {
        "src/app.ts": 'analytics.track("Order Completed", {total: 3});\n',
        "src/capture.test.ts": 'analytics.track("test_event");\n',
        "tests/fixtures/shop/app.ts": 'analytics.track("Fixture Event");\n',
    })
    monkeypatch.chdir(root)
    runner = CliRunner()
    result = runner.invoke(cli_app, ["init"])
    assert result.exit_code == 0, result.output
    assert "exclude-tests = true" in (root / "tracklint.toml").read_text()
    result = runner.invoke(cli_app, ["check", "--no-cache", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["TL103"]  # no description
    # a test directory or file named on the command line is still read
    for named in ("tests/fixtures/shop", "src/capture.test.ts"):
        result = runner.invoke(cli_app, ["check", "--no-cache", "-f", "json", named])
        unplanned = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "TL001"]
        assert [d["path"] for d in unplanned] == [named if named.endswith(".ts") else named + "/app.ts"]
    # the pre-commit hook's --force-exclude judges a staged test file like the full run does
    result = runner.invoke(cli_app, ["check", "--no-cache", "-f", "json", "--force-exclude", "src/capture.test.ts"])
    assert not [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "TL001"], result.output


def test_init_adds_exclude_tests_to_a_pyproject_and_leaves_an_existing_config_alone(tmp_path: Path, monkeypatch) -> None:
    files = {"src/app.py": 'analytics.track("u1", "Order Completed", {"total": 3})\n',
             "tests/test_app.py": 'analytics.track("u1", "test_event", {})\n'}
    root = _project(tmp_path / "a", {**files, "pyproject.toml": '[project]\nname = "shop"\n'})
    monkeypatch.chdir(root)
    runner = CliRunner()
    assert runner.invoke(cli_app, ["init"]).exit_code == 0
    text = (root / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "shop"\n') and "[tool.tracklint]\n" in text
    result = runner.invoke(cli_app, ["check", "--no-cache", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert [d["code"] for d in json.loads(result.stdout)["diagnostics"]] == ["TL103"]
    # a configuration the user wrote is not changed: init says what to add
    root = _project(tmp_path / "b", {**files, "tracklint.toml": 'presets = ["segment"]\n'})
    monkeypatch.chdir(root)
    result = runner.invoke(cli_app, ["init"])
    assert result.exit_code == 0, result.output
    assert (root / "tracklint.toml").read_text() == 'presets = ["segment"]\n'
    assert "add `exclude-tests = true` to tracklint.toml" in result.output
