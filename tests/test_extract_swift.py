"""Tests for the Swift extractor (tracklint/extract/swift.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers_extract import shape

from tracklint.extract import extract_file
from tracklint.extract.base import FileExtraction, TrackCall
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)
FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "swift"


def run(source: str, specs=SPECS) -> FileExtraction:
    return extract_file("App.swift", source.encode("utf-8"), specs)


def one(source: str) -> TrackCall:
    calls = run(source).calls
    assert len(calls) == 1, calls
    return calls[0]


# -- call shapes -------------------------------------------------------------------------------


def test_analytics_swift_track_with_labels():
    call = one('analytics.track(name: "Order Completed", properties: ["order_id": "o1", "revenue": 9.5])')
    assert (call.sdk, call.kind, call.method, call.receiver) == ("segment", "track", "track", "analytics")
    assert call.event == "Order Completed" and call.event_kind == "literal"
    assert shape(call.properties) == {"order_id": "o1", "revenue": 9.5}
    assert call.properties_kind == "literal"


def test_legacy_shared_and_optional_chaining():
    calls = run(
        'Analytics.shared().track("A", properties: ["k": 1])\n'
        'SEGAnalytics.shared()?.track("B")\n'
        'self.analytics!.track(name: "C")\n'
    ).calls
    assert [(c.sdk, c.event) for c in calls] == [("segment", "A"), ("segment", "B"), ("segment", "C")]
    assert calls[1].receiver == "SEGAnalytics.shared()?"
    assert calls[1].properties is None


def test_identify_screen_group():
    calls = run(
        'analytics.identify(userId: "u1", traits: ["email": "a@b.c"])\n'
        'analytics.screen(title: "Home", properties: ["tab": "x"])\n'
        'analytics.group(groupId: "g1", traits: ["plan": "pro"])\n'
    ).calls
    assert [(c.kind, c.event) for c in calls] == [("identify", None), ("screen", "Home"), ("group", None)]
    assert shape(calls[0].properties) == {"email": "a@b.c"}
    assert shape(calls[1].properties) == {"tab": "x"}
    assert shape(calls[2].properties) == {"plan": "pro"}


@pytest.mark.parametrize(
    ("source", "sdk", "event", "props"),
    [
        ('Mixpanel.mainInstance().track(event: "M", properties: ["a": 1])', "mixpanel", "M", {"a": 1}),
        ('amplitude.track(eventType: "A", eventProperties: ["b": true])', "amplitude", "A", {"b": True}),
        ('Amplitude.instance().logEvent("L", withEventProperties: ["c": nil])', "amplitude", "L", {"c": None}),
        ('PostHogSDK.shared.capture("P", properties: ["d": "x"])', "posthog", "P", {"d": "x"}),
        ('RSClient.sharedInstance()?.track("R", properties: ["e": [1, 2]])', "rudderstack", "R", {"e": [1, 2]}),
    ],
)
def test_other_sdks(source, sdk, event, props):
    call = one(source)
    assert (call.sdk, call.event, shape(call.properties)) == (sdk, event, props)


def test_trailing_closure_is_ignored():
    call = one('analytics.track(name: "X", properties: ["a": 1]) { event in print(event) }')
    assert call.event == "X"
    assert shape(call.properties) == {"a": 1}


def test_constructor_and_typed_bindings():
    source = (
        'let tracker = Analytics(configuration: Configuration(writeKey: "k"))\n'
        "final class VM {\n"
        "  let client: Analytics\n"
        '  func go(seg: Analytics) { tracker.track(name: "A"); client.track(name: "B"); seg.track(name: "C") }\n'
        "}\n"
    )
    calls = run(source).calls
    assert [(c.sdk, c.event) for c in calls] == [("segment", "A"), ("segment", "B"), ("segment", "C")]


def test_unknown_receivers_do_not_count():
    calls = run(
        'verify(mock).track("X")\n'
        "list.group(by: 1)\n"
        'tracker.track(name: "Y")\n'
        'match.screen(title: "Z")\n'
        'track("bare")\n'
    ).calls
    assert calls == []


# -- values ------------------------------------------------------------------------------------


def test_literal_values_and_nesting():
    call = one(
        'analytics.track(name: "X", properties: ['
        '"s": "t", "i": 42, "neg": -3, "hex": 0x1F, "big": 1_000, "d": 2.5, "e": 1e3, '
        '"t": true, "f": false, "n": nil, "empty": [:], "arr": [1, "two", [3]], '
        '"obj": ["inner": ["deep": 1]], "cast": 5 as Any] as [String: Any])'
    )
    assert shape(call.properties) == {
        "s": "t", "i": 42, "neg": -3, "hex": 31, "big": 1000, "d": 2.5, "e": 1000.0,
        "t": True, "f": False, "n": None, "empty": {}, "arr": [1, "two", [3]],
        "obj": {"inner": {"deep": 1}}, "cast": 5,
    }
    props = call.properties.properties
    assert props["i"].type == "integer" and props["d"].type == "number"
    assert props["n"].type == "null" and props["empty"].type == "object"


def test_open_and_dynamic_properties():
    call = one('analytics.track(name: "X", properties: [key: 1, "k": value])')
    assert shape(call.properties) == {"k": "?value", "...": True}
    assert call.properties_kind == "open"
    assert call.properties.properties["k"].ref == "value"
    call = one('analytics.track(name: "X", properties: props)')
    assert call.properties_kind == "dynamic"


def test_interpolation_is_dynamic():
    call = one('analytics.track(name: "Viewed \\(screen)")')
    assert call.event is None and call.event_kind == "dynamic"
    assert call.event_text == '"Viewed \\(screen)"'


def test_escapes_and_multiline_and_raw_strings():
    calls = run(
        'analytics.track(name: "a\\tb\\u{1F600}\\"")\n'
        'analytics.track(name: """\n'
        "    Multi\n"
        "      Line\n"
        '    """)\n'
        'analytics.track(name: #"raw \\n "q""#)\n'
        'analytics.track(name: #"raw \\#(x)"#)\n'
    ).calls
    assert [c.event for c in calls] == ['a\tb\U0001F600"', "Multi\n  Line", 'raw \\n "q"', None]
    assert calls[3].event_kind == "dynamic"


def test_nil_properties_mean_none():
    call = one('analytics.track(name: "X", properties: nil)')
    assert call.properties is None and call.properties_kind == "none"


# -- constants ---------------------------------------------------------------------------------


CONSTANTS = """
let topLevel = "Top Level"
enum Events: String, CaseIterable {
    case orderCompleted = "Order Completed"
    case plain, other = "Other"
}
struct Names { static let signup = "Signed Up" }
extension Names { static let login: String = "Logged In" }
enum Legacy { static let shared = "Shared" }
final class Screen {
    func go() {
        let local = "Local"
        analytics.track(name: Events.orderCompleted.rawValue)
        analytics.track(name: Names.signup)
        analytics.track(name: Names.login)
        Mixpanel.mainInstance().track(event: .orderCompleted)
        analytics.track(name: Events.plain.rawValue)
        analytics.track(name: topLevel)
        analytics.track(name: local)
        analytics.track(name: Other.missing)
    }
}
"""


def test_constants_resolve_and_export():
    result = run(CONSTANTS)
    got = [(c.event, c.event_kind, c.event_ref) for c in result.calls]
    assert got == [
        ("Order Completed", "constant", "Events.orderCompleted.rawValue"),
        ("Signed Up", "constant", "Names.signup"),
        ("Logged In", "constant", "Names.login"),
        ("Order Completed", "constant", ".orderCompleted"),
        ("plain", "constant", "Events.plain.rawValue"),
        ("Top Level", "constant", "topLevel"),
        ("Local", "constant", "local"),
        (None, "dynamic", "Other.missing"),
    ]
    assert result.exports == {
        "topLevel": "Top Level",
        "Events.orderCompleted": "Order Completed",
        "Events.orderCompleted.rawValue": "Order Completed",
        "Events.plain": "plain",
        "Events.plain.rawValue": "plain",
        "Events.other": "Other",
        "Events.other.rawValue": "Other",
        "Names.signup": "Signed Up",
        "Names.login": "Logged In",
        "Legacy.shared": "Shared",
        # implicit members (`.orderCompleted`) of other files are looked up by these keys
        ".orderCompleted": "Order Completed",
        ".plain": "plain",
        ".other": "Other",
        ".signup": "Signed Up",
        ".login": "Logged In",
        ".shared": "Shared",
    }
    assert result.imports == {}


def test_var_and_non_string_enum_are_not_constants():
    result = run(
        'var mutable = "M"\n'
        "enum Codes: Int { case one = 1 }\n"
        "enum Plain { case a }\n"
        "analytics.track(name: mutable)\n"
    )
    assert result.exports == {}
    assert result.calls[0].event_kind == "dynamic"


# -- positions ---------------------------------------------------------------------------------


def test_spans_count_code_points_after_emoji():
    source = 'let s = "🎉"; analytics.track(name: "Ünïcode", properties: ["k": 1])\n'
    call = one(source)
    line = source.splitlines()[0]
    start = line.index("analytics") + 1
    assert (call.span.line, call.span.column) == (1, start)
    assert call.span.end_column == len(line) + 1
    # the emoji is one code point but two UTF-16 units
    assert call.span.column_utf16 == start + 1
    assert call.event_span is not None
    assert call.event_span.column == line.index('"Ünïcode"') + 1
    key_span = call.properties.properties["k"].key_span
    assert key_span.column == line.index('"k"') + 1 and key_span.end_column == key_span.column + 3


def test_multiline_call_span():
    source = 'func f() {\n    analytics.track(\n        name: "X",\n        properties: [:]\n    )\n}\n'
    call = one(source)
    assert (call.span.line, call.span.column, call.span.end_line, call.span.end_column) == (2, 5, 5, 6)


# -- comments, strings, directives -------------------------------------------------------------


def test_comments_and_strings_produce_no_calls():
    result = run(
        '// analytics.track(name: "In comment")\n'
        '/* analytics.track(name: "Block") */\n'
        'let s = "analytics.track(name: \\"In string\\")"\n'
        'let m = """\n  analytics.track(name: "multi")\n  """\n'
    )
    assert result.calls == [] and result.directives == []


def test_directives_from_comments_only():
    result = run(
        "// tracklint: ignore[TL001]\n"
        'analytics.track(name: "X") // tracklint: ignore[tl002, TL003]\n'
        "/* tracklint: ignore-file[TL009] */\n"
        'let s = "tracklint: ignore[TL004]"\n'
    )
    got = [(d.line, d.codes, d.file_level, d.own_line, d.column) for d in result.directives]
    assert got == [
        (1, ("TL001",), False, True, 1),
        (2, ("TL002", "TL003"), False, False, 28),
        (3, ("TL009",), True, True, 1),
    ]


# -- robustness --------------------------------------------------------------------------------


def test_syntax_error_keeps_valid_calls_and_reports_region():
    source = (
        'analytics.track(name: "Before")\n'
        "func broken( {\n"
        '    analytics.track(name: "Inside", properties: [\n'
        "}\n"
        'analytics.track(name: "After")\n'
    )
    result = run(source)
    events = [c.event for c in result.calls]
    assert "Before" in events and "After" in events
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    assert notices and all(n.line is not None and n.column is not None for n in notices)


def test_error_without_method_name_gives_no_notice():
    result = run('let x = (1 +\nanalytics.track(name: "X")\n')
    assert all(n.kind != "syntax-error" or "track" in n.message for n in result.notices)


def test_deep_nesting_does_not_raise():
    depth = 3000
    source = 'analytics.track(name: "Deep", properties: ["k": ' + "[" * depth + "1" + "]" * depth + "])\n"
    result = run(source)
    assert [c.event for c in result.calls] == ["Deep"]
    source = "let x = " + "(" * depth + "1" + ")" * depth + '\nanalytics.track(name: "After")\n'
    assert [c.event for c in run(source).calls] == ["After"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
@example('analytics.track(name: "\\(')
@example('analytics.track(name: """')
@example("analytics.track(name: #\"x\\#(\"#)")
@example('enum E: String { case a = "\\u{ZZ}" }\nanalytics.track(name: E.a.rawValue)')
def test_never_raises_on_text(text):
    result = run(text)
    for call in result.calls:
        assert 1 <= call.span.line <= call.span.end_line


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_never_raises_on_bytes(data):
    extract_file("App.swift", data, SPECS)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "analytics.track(", 'name: "X"', ", ", "properties: [", '"k": ', "1", "]", ")", "\n",
    "\\(", '"', "{", "}", "enum E: String {", "case a", "static let", " = ", "?", "!",
    "// tracklint: ignore[TL001]", '"""', "#", "[:]",
]), max_size=40))
def test_never_raises_on_swiftish_fragments(parts):
    run("".join(parts))


# -- fixture -----------------------------------------------------------------------------------


def test_fixture_app():
    result = extract_file("App.swift", (FIXTURES / "App.swift").read_bytes(), SPECS)
    got = [(c.span.line, c.sdk, c.kind, c.event, c.event_kind, c.properties_kind) for c in result.calls]
    assert got == [
        (21, "segment", "track", "Order Completed", "constant", "literal"),
        (27, "segment", "screen", "Checkout", "literal", "none"),
        (28, "segment", "identify", None, "none", "literal"),
        (31, "mixpanel", "track", "Signed Up", "constant", "open"),
        (32, "amplitude", "track", "Product Viewed", "literal", "dynamic"),
        (33, "posthog", "track", None, "dynamic", "literal"),
    ]
    assert [(d.line, d.codes) for d in result.directives] == [(30, ("TL001",))]


def test_amplitude_base_event():
    call = one('amplitude.track(event: BaseEvent(eventType: "Song Played", eventProperties: ["id": 7]))')
    assert (call.sdk, call.event, call.event_kind) == ("amplitude", "Song Played", "literal")
    assert shape(call.properties) == {"id": 7}


def test_amplitude_and_posthog_identify():
    calls = run(
        'amplitude.identify(userProperties: ["plan": "pro"])\n'
        'PostHogSDK.shared.identify("u1", userProperties: ["email": "e"])\n'
        "let sut = PostHogSDK.with(config)\n"
        'sut.capture("Bound")\n'
    ).calls
    assert [(c.sdk, c.kind, c.event, shape(c.properties)) for c in calls] == [
        ("amplitude", "identify", None, {"plan": "pro"}),
        ("posthog", "identify", None, {"email": "e"}),
        ("posthog", "track", "Bound", None),
    ]


def test_call_nested_deeper_than_the_query_depth_is_found():
    depth = 700  # beyond MAX_QUERY_DEPTH: found by jumping to the method name's offset
    source = "let x = " + "[" * depth + 'analytics.track(name: "Deep", properties: ["k": 1])' + "]" * depth + "\n"
    calls = run(source).calls
    assert [(c.event, shape(c.properties)) for c in calls] == [("Deep", {"k": 1})]


def test_deep_nesting_of_calls_is_fast():
    import time

    depth = 50_000
    source = 'analytics.track(name: "Signed Up", properties: ' + "x.f(" * depth + "1" + ")" * depth + ")\n"
    started = time.perf_counter()
    calls = run(source).calls
    assert time.perf_counter() - started < 20
    assert [c.event for c in calls] == ["Signed Up"]
