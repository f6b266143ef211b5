"""Tests for the Go extractor (tracklint/extract/go.py) and the Go SDK presets."""

from __future__ import annotations

import json
import random
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers_extract import shape

from tracklint import engine
from tracklint.config import resolve_settings
from tracklint.extract import extract_file
from tracklint.extract.base import FileExtraction, TrackCall
from tracklint.extract.go import assumed_name, go_string, module_key
from tracklint.extract.linking import resolve_constants
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)
FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "go"

SEGMENT = 'import analytics "github.com/segmentio/analytics-go/v3"\n'
POSTHOG = 'import "github.com/posthog/posthog-go"\n'
AMPLITUDE = 'import "github.com/amplitude/analytics-go/amplitude"\n'


def run(source: str, specs=SPECS, path: str = "app.go") -> FileExtraction:
    return extract_file(path, source.encode("utf-8"), specs)


def go(imports: str, body: str, params: str = "") -> str:
    """A file of package ``app`` with ``body`` inside a function."""
    return f"package app\n\n{imports}\nfunc handler({params}) {{\n{textwrap.indent(body, chr(9))}\n}}\n"


def one(source: str) -> TrackCall:
    calls = run(source).calls
    assert len(calls) == 1, calls
    return calls[0]


def summary(calls: list[TrackCall]) -> list[tuple]:
    return [(c.sdk, c.kind, c.event, c.event_kind) for c in calls]


# -- call shapes --------------------------------------------------------------------------------


def test_segment_track_with_a_properties_builder():
    call = one(go(SEGMENT, (
        'client.Enqueue(analytics.Track{\n'
        '\tUserId: "u1",\n\tEvent:  "Order Completed",\n'
        '\tProperties: analytics.NewProperties().Set("order_id", "o1").Set("revenue", 9.5).'
        'Set("gift", true),\n})'), "client analytics.Client"))
    assert (call.sdk, call.kind, call.receiver, call.event, call.event_kind) == (
        "segment", "track", "client", "Order Completed", "literal")
    assert shape(call.properties) == {"order_id": "o1", "revenue": 9.5, "gift": True}
    assert call.properties_kind == "literal"


def test_every_segment_message_type_gives_its_kind():
    calls = run(go(SEGMENT, (
        'client.Enqueue(analytics.Identify{UserId: "u", Traits: analytics.NewTraits().Set("plan", "pro")})\n'
        'client.Enqueue(analytics.Group{UserId: "u", GroupId: "g", Traits: map[string]interface{}{"n": 1}})\n'
        'client.Enqueue(analytics.Page{UserId: "u", Name: "Home", Properties: analytics.Properties{"k": "v"}})\n'
        'client.Enqueue(analytics.Screen{UserId: "u", Name: "Cart"})\n'
        'client.Enqueue(analytics.Alias{PreviousId: "a", UserId: "b"})'), "client analytics.Client")).calls
    assert summary(calls) == [
        ("segment", "identify", None, "none"), ("segment", "group", None, "none"),
        ("segment", "page", "Home", "literal"), ("segment", "screen", "Cart", "literal"),
        ("segment", "alias", None, "none")]
    assert [shape(c.properties) for c in calls] == [{"plan": "pro"}, {"n": 1}, {"k": "v"}, None, None]


def test_a_pointer_to_a_message_and_unqualified_types_inside_the_sdk_package():
    source = ("package analytics\n\nfunc TestX(t *testing.T) {\n\tclient := New(\"key\")\n"
              '\tclient.Enqueue(&Track{UserId: "1", Event: "A"})\n\tclient.Enqueue(Track{Event: "B"})\n}\n')
    assert summary(run(source, path="analytics_test.go").calls) == [
        ("segment", "track", "A", "literal"), ("segment", "track", "B", "literal")]


def test_the_import_path_decides_between_segment_and_rudderstack():
    rudder = 'import analytics "github.com/rudderlabs/analytics-go/v4"\n'
    for imports, sdk in ((SEGMENT, "segment"), (rudder, "rudderstack"),
                         ('import "gopkg.in/segmentio/analytics-go.v3"\n', "segment")):
        call = one(go(imports, 'c.Enqueue(analytics.Track{Event: "A"})', "c analytics.Client"))
        assert call.sdk == sdk, imports


def test_a_package_of_the_same_name_that_is_not_an_sdk_is_not_read_as_one():
    source = go('import analytics "github.com/acme/shop/analytics"\n',
                'queue.Enqueue(analytics.Track{Event: "A"})\nclient.Enqueue(job)')
    assert run(source).calls == []


def test_posthog_capture_identify_alias_group_and_exception():
    calls = run(go(POSTHOG, (
        'client, _ := posthog.NewWithConfig("key", posthog.Config{})\n'
        'client.Enqueue(posthog.Capture{DistinctId: "d", Event: "Signed Up",\n'
        '\tProperties: posthog.NewProperties().Set("plan", "pro")})\n'
        'client.Enqueue(posthog.Identify{DistinctId: "d", Properties: posthog.Properties{"email": "a@b.c"}})\n'
        'client.Enqueue(posthog.Alias{DistinctId: "d", Alias: "e"})\n'
        'client.Enqueue(posthog.GroupIdentify{Type: "company", Key: "k", Properties: posthog.NewProperties()})\n'
        'client.Enqueue(posthog.Exception{DistinctId: "d"})'))).calls
    assert summary(calls) == [
        ("posthog", "track", "Signed Up", "literal"), ("posthog", "identify", None, "none"),
        ("posthog", "alias", None, "none"), ("posthog", "group", None, "none"),
        ("posthog", "builtin", None, "none")]
    assert [shape(c.properties) for c in calls[:2]] == [{"plan": "pro"}, {"email": "a@b.c"}]


def test_amplitude_client_methods():
    calls = run(go(AMPLITUDE, (
        'client := amplitude.NewClient(amplitude.NewConfig("key"))\n'
        'client.Track(amplitude.Event{EventType: "Button Clicked", UserID: "u",\n'
        '\tEventProperties: map[string]interface{}{"source": "nav"}})\n'
        'client.Identify(identify, amplitude.EventOptions{UserID: "u"})\n'
        'client.GroupIdentify("org", "acme", identify, amplitude.EventOptions{})\n'
        'client.SetGroup("org", []string{"acme"}, amplitude.EventOptions{})\n'
        'client.Revenue(amplitude.Revenue{Price: 1}, amplitude.EventOptions{})'))).calls
    assert summary(calls) == [
        ("amplitude", "track", "Button Clicked", "literal"), ("amplitude", "identify", None, "none"),
        ("amplitude", "group", None, "none"), ("amplitude", "group", None, "none"),
        ("amplitude", "builtin", None, "none")]
    assert shape(calls[0].properties) == {"source": "nav"}


def test_amplitude_forwarding_inside_its_own_client_is_not_a_call():
    source = ("package amplitude\n\nfunc (c *client) Identify(identify Identify) {\n"
              '\tidentifyEvent := Event{EventType: "$identify"}\n\tc.Track(identifyEvent)\n}\n')
    assert run(source, path="client.go").calls == []


def test_mixpanel_events_are_reported_where_they_are_made():
    calls = run(go('import "github.com/mixpanel/mixpanel-go/v2"\n', (
        'mp := mixpanel.NewApiClient("token")\n'
        'mp.Track(ctx, []*mixpanel.Event{\n'
        '\tmp.NewEvent("Report Exported", mixpanel.EmptyDistinctID, map[string]any{"rows": 3}),\n'
        '})'))).calls
    assert summary(calls) == [("mixpanel", "track", "Report Exported", "literal")]
    assert shape(calls[0].properties) == {"rows": 3}


# -- receivers ----------------------------------------------------------------------------------


def test_a_message_that_is_not_visible_at_the_call_is_kind_message():
    calls = run(go(SEGMENT, "client.Enqueue(msg)\nclient.Enqueue(pool.Next())",
                   "client analytics.Client, msg analytics.Message")).calls
    assert [(c.kind, c.event_kind, c.event_text) for c in calls] == [
        ("message", "dynamic", "msg"), ("message", "dynamic", "pool.Next()")]


def test_clients_are_bound_by_constructor_type_field_package_variable_and_helper():
    source = (
        "package app\n\n" + SEGMENT +
        "var analyticsClient analytics.Client\n\n"
        "type Server struct {\n\tsink analytics.Client\n}\n\n"
        "func newClient() analytics.Client { return nil }\n\n"
        "func (s *Server) a(m analytics.Message) { s.sink.Enqueue(m) }\n"
        "func b(m analytics.Message) { analyticsClient.Enqueue(m) }\n"
        "func c(m analytics.Message) { cl := newClient(); cl.Enqueue(m) }\n"
        'func d(m analytics.Message) { cl, err := analytics.NewWithConfig("k", analytics.Config{}); cl.Enqueue(m) }\n'
        "func e(m analytics.Message) { cl := analytics.New(\"k\"); cl.Enqueue(m) }\n"
    )
    calls = run(source).calls
    assert [(c.receiver, c.kind) for c in calls] == [
        ("s.sink", "message"), ("analyticsClient", "message"), ("cl", "message"),
        ("cl", "message"), ("cl", "message")]


def test_a_binding_holds_in_its_own_function_only():
    source = ("package app\n\n" + SEGMENT +
              'func a() { client := analytics.New("k"); client.Enqueue(msg) }\n'
              "func b() { client := jobs.NewClient(); client.Enqueue(job) }\n")
    assert [c.span.line for c in run(source).calls] == [4]


def test_lookalikes_are_not_calls():
    source = go(SEGMENT, (
        "// client.Enqueue(analytics.Track{Event: \"In A Comment\"})\n"
        'log.Printf("Enqueue(%T)", msg)\n'
        "queue.Enqueue(job)\n"
        'tracker.Track("x")\n'
        'client.Track(amplitude.Event{EventType: "not imported"})'))
    assert run(source).calls == []


# -- values, constants, locals ------------------------------------------------------------------


def test_constants_typed_constants_and_local_constants():
    source = ("package app\n\n" + SEGMENT +
              'const EventSignedUp = "Signed Up"\n'
              'type Name string\n'
              'const (\n\tOrderDone Name = "Order Completed"\n\tCount = 3\n)\n'
              "func f(client analytics.Client) {\n"
              '\tconst local = "Local Event"\n'
              "\tclient.Enqueue(analytics.Track{Event: EventSignedUp})\n"
              "\tclient.Enqueue(analytics.Track{Event: string(OrderDone)})\n"
              "\tclient.Enqueue(analytics.Track{Event: OrderDone})\n"
              "\tclient.Enqueue(analytics.Track{Event: local})\n}\n")
    result = run(source)
    assert [(c.event, c.event_kind) for c in result.calls] == [
        ("Signed Up", "constant"), ("Order Completed", "constant"), ("Order Completed", "constant"),
        ("Local Event", "constant")]
    assert result.exports == {"EventSignedUp": "Signed Up", "app.EventSignedUp": "Signed Up",
                              "OrderDone": "Order Completed", "app.OrderDone": "Order Completed"}


def test_a_local_message_defined_once_is_read_at_the_call():
    call = one(go(SEGMENT, (
        'event := "Signed Up"\n'
        "track := analytics.Track{Event: event, Properties: analytics.NewProperties().Set(\"k\", 1)}\n"
        "client.Enqueue(track)"), "client analytics.Client"))
    assert (call.kind, call.event, call.event_kind, shape(call.properties)) == (
        "track", "Signed Up", "constant", {"k": 1})


def test_a_local_assigned_twice_or_after_the_call_is_not_trusted():
    calls = run(go(SEGMENT, (
        'track := analytics.Track{Event: "A"}\ntrack = other\nclient.Enqueue(track)\n'
        "client.Enqueue(later)\nlater := analytics.Track{Event: \"B\"}\n_ = later"),
        "client analytics.Client")).calls
    assert [(c.kind, c.event_text) for c in calls] == [("message", "track"), ("message", "later")]


def test_self_referring_locals_do_not_loop():
    calls = run(go(SEGMENT, "a := b\nb := a\nclient.Enqueue(a)", "client analytics.Client")).calls
    assert [c.kind for c in calls] == ["message"]


def test_literal_values_and_escapes():
    call = one(go(SEGMENT, (
        'client.Enqueue(analytics.Track{Event: "Tab\\tQuote\\"\\u00e9\\x41", Properties: '
        "map[string]interface{}{\"raw\": `a\\n`, \"neg\": -2, \"hex\": 0x1F, \"f\": 1.5e3, \"nil\": nil,"
        ' "list": []string{"x", "y"}, "nested": map[string]int{"n": 1}, "dyn": user.ID, 1: "numeric key"}})'),
        "client analytics.Client"))
    assert call.event == 'Tab\tQuote"éA'
    assert shape(call.properties) == {
        "raw": "a\\n", "neg": -2, "hex": 31, "f": 1500.0, "nil": None, "list": ["x", "y"],
        "nested": {"n": 1}, "dyn": "?user.ID", "...": True}


def test_a_builder_chain_may_start_from_a_literal_of_the_builder_type():
    call = one(go(POSTHOG, 'client.Enqueue(posthog.Capture{Event: "A", Properties: '
                           'posthog.Properties{"a": 1}.Set("b", 2)})', "client posthog.Client"))
    assert shape(call.properties) == {"a": 1, "b": 2}


def test_typed_setters_set_their_own_keys():
    calls = run(go(SEGMENT, (
        'client.Enqueue(analytics.Track{Event: "A", Properties: analytics.NewProperties().'
        'SetRevenue(10).SetProductId("p1").SetURL("/x").Set("k", "v")})\n'
        'client.Enqueue(analytics.Identify{UserId: "u", Traits: analytics.NewTraits().'
        'SetFirstName("Ada").SetCreatedAt(now)})'), "client analytics.Client")).calls
    assert [shape(c.properties) for c in calls] == [
        {"revenue": 10, "id": "p1", "url": "/x", "k": "v"}, {"firstName": "Ada", "createdAt": "?now"}]


def test_a_builder_method_the_presets_do_not_know_leaves_the_object_open():
    call = one(go(SEGMENT, 'client.Enqueue(analytics.Track{Event: "A", Properties: '
                           'analytics.NewProperties().SetSomething(10).Set("k", "v")})',
                  "client analytics.Client"))
    assert shape(call.properties) == {"k": "v", "...": True}


@pytest.mark.parametrize("literal, expected", [
    ('"plain"', "plain"), ('"a\\nb"', "a\nb"), ('"\\101"', "A"), ('"\\U0001F600"', "😀"),
    ("`raw\\n`", "raw\\n"), ('"\\ud800"', None), ('"\\q"', None), ('"\\x4"', None), ('"\\UFFFFFFFF"', None), ("x", None),
])
def test_go_string_literals(literal: str, expected: str | None):
    assert go_string(literal) == expected


@pytest.mark.parametrize("path, key, name", [
    ("github.com/segmentio/analytics-go/v3", "segmentio/analytics-go", "analytics"),
    ("gopkg.in/segmentio/analytics-go.v3", "segmentio/analytics-go", "analytics"),
    ("github.com/PostHog/posthog-go", "posthog/posthog-go", "posthog"),
    ("github.com/amplitude/analytics-go/amplitude", "amplitude/analytics-go/amplitude", "amplitude"),
    ("github.com/mixpanel/mixpanel-go/v2", "mixpanel/mixpanel-go", "mixpanel"),
    ("github.com/acme/go-tracker", "acme/go-tracker", "tracker"), ("fmt", "fmt", "fmt"),
])
def test_import_paths_name_packages(path: str, key: str, name: str):
    assert (module_key(path), assumed_name(path)) == (key, name)


def test_constants_of_another_package_and_of_another_file_of_the_package():
    events = extract_file("events/events.go", b'package events\n\nconst SignedUp = "Signed Up"\n', SPECS)
    same = extract_file("app/names.go", b'package app\n\nconst Paid = "Order Paid"\n', SPECS)
    app = extract_file("app/app.go", go(SEGMENT + 'import ev "github.com/acme/shop/events"\n', (
        "client.Enqueue(analytics.Track{Event: ev.SignedUp})\n"
        "client.Enqueue(analytics.Track{Event: Paid})"), "client analytics.Client").encode(), SPECS)
    resolve_constants([events, same, app])
    assert [(c.event, c.event_kind, c.event_from) for c in app.calls] == [
        ("Signed Up", "constant", "events/events.go"), ("Order Paid", "constant", "app/names.go")]


# -- positions, directives, recovery ------------------------------------------------------------


def test_positions_count_code_points_and_utf16_units():
    source = go(SEGMENT, 'x := "é😀"; client.Enqueue(analytics.Track{Event: "Ünïcode"})',
                "client analytics.Client")
    call = one(source)
    line = source.splitlines()[call.span.line - 1]
    assert call.span.line == 6
    assert line[call.span.column - 1:].startswith("client.Enqueue")
    assert call.span.column_utf16 == call.span.column + 1  # the emoji is two UTF-16 units
    assert call.event_span.column == line.index('"Ünïcode"') + 1


def test_directives_come_from_comments_only():
    result = run(go(SEGMENT, (
        "// tracklint: ignore[TL001]\n"
        'client.Enqueue(analytics.Track{Event: "a"}) // tracklint: ignore[TL002, TL003]\n'
        'x := "tracklint: ignore[TL004]"'), "client analytics.Client"))
    assert [(d.line, d.codes, d.own_line) for d in result.directives] == [
        (6, ("TL001",), True), (7, ("TL002", "TL003"), False)]


def test_a_syntax_error_keeps_the_other_calls_and_is_reported():
    source = ("package app\n\n" + SEGMENT +
              'func ok(client analytics.Client) {\n\tclient.Enqueue(analytics.Track{Event: "Fine"})\n}\n\n'
              "func broken(client analytics.Client) {\n"
              '\tclient.Enqueue(analytics.Track{Event: "Hidden", UserId: ))\n}\n\n'
              'func later(client analytics.Client) {\n\tclient.Enqueue(analytics.Track{Event: "After"})\n}\n')
    result = run(source)
    assert [c.event for c in result.calls] == ["Fine", "After"]
    assert (result.notices[0].kind, result.notices[0].line) == ("syntax-error", 9)
    assert "`Enqueue(` at line 9" in result.notices[0].message


def test_the_rule_fixture_with_a_syntax_error_recovers_the_broken_function():
    result = extract_file("app.go", (Path(__file__).parent / "fixtures" / "rules" / "TL000" / "app.go").read_bytes(), SPECS)
    assert [c.event for c in result.calls] == ["Signed Up", "Order Completed"]
    assert [n.kind for n in result.notices] == ["syntax-error"]


_TOKENS = st.sampled_from(["client", ".", "Enqueue", "(", ")", "analytics", "Track", "{", "}",
                           "Event", ":", '"X"', ",", "\n", "func f() ", "package a\n", SEGMENT,
                           "const C = ", ":=", "&", "`", "\\", "é😀", "[]", "map[string]any",
                           "Set", "NewProperties()", "x"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), st.lists(_TOKENS, max_size=120).map("".join)))
def test_never_raises_on_arbitrary_text(text: str):
    result = run(text)
    for call in result.calls:
        assert call.span.line >= 1 and call.span.column >= 1


def test_deeply_nested_values_are_bounded():
    nested = "map[string]interface{}{\"k\": " * 300 + "1" + "}" * 300
    call = one(go(SEGMENT, f'client.Enqueue(analytics.Track{{Event: "Deep", Properties: {nested}}})',
                  "client analytics.Client"))
    assert call.event == "Deep"


# -- windows, fixtures, wrappers, the CLI -------------------------------------------------------

_FILLER = "func helper{i}(values []int) int {{\n\ttotal := 0\n\tfor _, v := range values {{\n\t\ttotal += v * {i}\n\t}}\n\treturn total\n}}\n\n"
_CALL = 'func send{i}(client analytics.Client) {{\n\tclient.Enqueue(analytics.Track{{Event: {event}, Properties: map[string]interface{{}}{{"n": {i}, "plan": Plan}}}})\n}}\n\n'
_DECOY = "func page{i}(state State) int {{\n\treturn state.Enqueue + {i}\n}}\n\n"
_BLOCKS = {"filler": _FILLER, "call": _CALL, "decoy": _DECOY}


def _build(blocks: list[str], event: str = '"Signed Up"') -> bytes:
    parts = ["package app\n\n", SEGMENT, '\nconst Plan = "pro"\n\n']
    parts += [_BLOCKS[kind].format(i=i, event=event) for i, kind in enumerate(blocks)]
    return "".join(parts).encode()


def _key(fx: FileExtraction):
    return ([(c.span, c.event, c.event_kind, c.sdk, c.kind, c.receiver, shape(c.properties))
             for c in fx.calls], [(n.kind, n.line) for n in fx.notices], fx.directives)


def test_windowed_parsing_is_used_and_changes_nothing():
    data = _build(["filler"] * 40 + ["call"] + ["filler"] * 40)
    windowed = extract_file("app.go", data, SPECS)
    full = extract_file("app.go", data, SPECS, windows=False)
    assert _key(windowed) == _key(full)
    assert shape(full.calls[0].properties) == {"n": 40, "plan": "pro"}
    assert windowed.parsed is False and full.parsed is True


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(_BLOCKS)), min_size=1, max_size=50), st.integers(0, 2**32 - 1),
       st.booleans())
def test_windowed_equals_full_parse(blocks: list[str], seed: int, damage: bool):
    data = bytearray(_build(blocks))
    if damage:
        rng = random.Random(seed)
        pos = rng.randrange(len(data))
        data[pos:pos] = rng.choice([b"(", b"{", b'"', b"}", b"/*", b"`"])
    windowed = extract_file("app.go", bytes(data), SPECS)
    full = extract_file("app.go", bytes(data), SPECS, windows=False)
    if damage:  # a full parse may lose a call to error recovery, never the windowed one
        assert {c.span.start_byte for c in full.calls} <= {c.span.start_byte for c in windowed.calls}
    else:
        assert _key(windowed) == _key(full)


def test_the_fixture_file():
    result = extract_file("cmd/report.go", (FIXTURES / "report.go").read_bytes(), SPECS)
    assert [(c.span.line, c.sdk, c.kind, c.event) for c in result.calls] == [
        (33, "segment", "identify", None),
        (45, "segment", "track", "Report Exported"),  # the message built in `msg` first
        (52, "segment", "message", None),
        (56, "posthog", "track", "Report Exported"),
    ]


def test_wrappers_from_the_config_work_in_go(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "tracklint.toml").write_text(textwrap.dedent("""\
        [[wrappers]]
        function = "TrackEvent"
        event = 0
        properties = 1

        [[wrappers]]
        function = "*.LogEvent"
        event = {position = 0, key = "Name"}
        properties = {position = 0, key = "Props"}
        languages = ["go"]
        """))
    (tmp_path / "app.go").write_text(go("", (
        'TrackEvent("Order Shipped", map[string]any{"carrier": "ups"})\n'
        'metrics.LogEvent(Event{Name: "Order Shipped", Props: map[string]any{"carrier": "ups"}})\n'
        'other.TrackEvent2("Nope")')))
    settings_ = resolve_settings(cwd=tmp_path, overrides={"cache": False, "jobs": 1})
    calls = engine.scan(settings_).calls
    assert [(c.span.line, c.event, c.sdk, shape(c.properties)) for c in calls] == [
        (5, "Order Shipped", "custom", {"carrier": "ups"}),
        (6, "Order Shipped", "custom", {"carrier": "ups"})]


def test_check_scan_init_and_sarif_read_go_files(tmp_path: Path):
    from typer.testing import CliRunner

    from tracklint.cli import app

    (tmp_path / ".git").mkdir()
    (tmp_path / "main.go").write_text(go(SEGMENT, 'client.Enqueue(analytics.Track{Event: "Signed Up"})',
                                         "client analytics.Client"))
    runner = CliRunner()
    import os

    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        scanned = runner.invoke(app, ["scan", "-f", "json", "--no-cache"], catch_exceptions=False)
        assert [c["event"] for c in json.loads(scanned.stdout)["calls"]] == ["Signed Up"]
        initialised = runner.invoke(app, ["init"], catch_exceptions=False)
        assert initialised.exit_code == 0, initialised.stdout
        plan = next(tmp_path.glob("*.y*ml")).read_text()
        assert "Signed Up" in plan
        (tmp_path / "main.go").write_text(go(SEGMENT, 'client.Enqueue(analytics.Track{Event: "Not Planned"})',
                                             "client analytics.Client"))
        checked = runner.invoke(app, ["check", "-f", "sarif", "--no-cache"], catch_exceptions=False)
        results = json.loads(checked.stdout)["runs"][0]["results"]
        assert checked.exit_code == 1
        assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"])
                for r in results if r["ruleId"] == "TL001"] == [("TL001", "main.go")]
    finally:
        os.chdir(old)


@pytest.mark.parametrize("damage", ["var = \n", "`\n"])
def test_a_call_re_read_on_its_own_keeps_the_bindings_and_locals_of_its_function(damage: str):
    source = go(SEGMENT, (
        'client := analytics.New("k")\n' + damage +
        'client.Enqueue(msg)\nt := analytics.Track{Event: "Local"}\nclient.Enqueue(t)'),
        "msg analytics.Message")
    result = run(source)
    assert [(c.kind, c.span.line) for c in result.calls][:1] == [("message", 8)]
    assert [n.kind for n in result.notices] == ["syntax-error"]
    assert "recovered by re-reading" in result.notices[0].message


def test_definitions_deep_in_nested_function_literals_cost_no_walk_up_the_tree():
    # finding a definition's function by Node.parent walked the tree from the root each step:
    # 500 nested `func() { x := 1` took 29 s
    import time

    n = 3000
    source = ("package a\n\n" + SEGMENT + "func f(c analytics.Client) {\n" + "func() { x := 1\n" * n
              + 'c.Enqueue(analytics.Track{Event: "Deep"})\n' + "}()\n" * n + "}\n")
    started = time.monotonic()
    assert [c.event for c in run(source).calls] == ["Deep"]
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("body", [
    'client.Enqueue(analytics.Track{Event: "A"})',
    'client.Enqueue(msg)',
    'x := analytics.New("k").Enqueue(analytics.Page{Name: "P"})',
])
def test_calls_found_from_name_offsets_equal_those_the_query_finds(body: str):
    # a few occurrences of the method names are looked up by offset (Grammar.call_shape), many
    # by the calls query: both must find the same calls
    few = go(SEGMENT, body, "client analytics.Client, msg analytics.Message")
    many = few + "// Enqueue Track Identify\n" * 80
    assert key_calls(run(few)) == key_calls(run(many))
    assert run(few).calls


def test_a_call_read_on_its_own_as_a_conversion_is_found_by_offset_and_by_query():
    from tracklint.extract.go import _call_shape
    from tree_sitter import Parser

    from tracklint.extract import languages

    tree = Parser(languages.grammar("go")).parse(b'client.Enqueue(analytics.Track{Event: "A"})')
    method = tree.root_node.descendant_for_byte_range(7, 14)
    call, operand = _call_shape(method)
    assert (call.type, operand.type) == ("type_conversion_expression", "composite_literal")


def key_calls(result: FileExtraction) -> list[tuple]:
    return [(c.span.start_byte, c.kind, c.event, c.receiver) for c in result.calls]
