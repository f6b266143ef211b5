"""Tests for the Java extractor (tracklint/extract/java.py)."""

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
FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "java"


def run(source: str, specs=SPECS) -> FileExtraction:
    return extract_file("App.java", source.encode("utf-8"), specs)


def one(source: str, specs=SPECS) -> TrackCall:
    calls = run(source, specs).calls
    assert len(calls) == 1, calls
    return calls[0]


def method(body: str, params: str = "Analytics analytics") -> str:
    """Wrap statements in a method of a class, as real Java code has them."""
    return f"class App {{\n    void f({params}) {{\n{body}\n    }}\n}}\n"


def summary(call: TrackCall) -> tuple:
    return call.sdk, call.kind, call.event, shape(call.properties)


# -- analytics-java / rudder-sdk-java: message builders ----------------------------------------


@pytest.mark.parametrize("builder, expected", [
    ('TrackMessage.builder("Order Completed").userId("u1").properties(Map.of("revenue", 9.5))',
     ("segment", "track", "Order Completed", {"revenue": 9.5})),
    ('IdentifyMessage.builder().userId("u1").traits(Map.of("email", "a@b.co"))',
     ("segment", "identify", None, {"email": "a@b.co"})),
    ('PageMessage.builder("Pricing").properties(Map.of("path", "/p")).anonymousId(a)',
     ("segment", "page", "Pricing", {"path": "/p"})),
    ('ScreenMessage.builder("Home").userId("u1")', ("segment", "screen", "Home", None)),
    ('GroupMessage.builder("g1").traits(Map.of("seats", 3))', ("segment", "group", None, {"seats": 3})),
    ('AliasMessage.builder("old").userId("new")', ("segment", "alias", None, None)),
    # written fully qualified, and with options that do not change the message's content
    ('com.segment.analytics.messages.TrackMessage.builder("Signed Up").enableIntegration("x", false)',
     ("segment", "track", "Signed Up", None)),
])
def test_enqueue_reads_the_message_builder(builder: str, expected: tuple) -> None:
    call = one(method(f"analytics.enqueue({builder});"))
    assert summary(call) == expected
    assert (call.method, call.receiver) == ("enqueue", "analytics")


def test_offer_is_a_send_call_too():
    call = one(method('analytics.offer(TrackMessage.builder("Signed Up"));'))
    assert (call.method, call.kind, call.event) == ("offer", "track", "Signed Up")


def test_a_builder_the_call_does_not_show_is_a_message():
    call = one(method("analytics.enqueue(builder);", "Analytics analytics, MessageBuilder builder"))
    assert (call.sdk, call.kind, call.event, call.event_kind) == ("segment", "message", None, "none")


def test_a_local_builder_is_read_where_it_is_declared():
    call = one(method(
        '        MessageBuilder b = TrackMessage.builder("Plan Changed").properties(Map.of("to", "pro"));\n'
        "        analytics.enqueue(b);"))
    assert summary(call) == ("segment", "track", "Plan Changed", {"to": "pro"})


def test_a_builder_assigned_in_branches_is_a_message():
    call = one(method(
        "        MessageBuilder b;\n"
        '        if (x) { b = TrackMessage.builder("A"); } else { b = PageMessage.builder("B"); }\n'
        "        analytics.enqueue(b);", "Analytics analytics, boolean x"))
    assert call.kind == "message"


def test_rudder_sdk_java_is_told_from_segment_by_the_declared_type():
    call = one(method('analytics.enqueue(TrackMessage.builder("Signed Up"));',
                      "RudderAnalytics analytics"))
    assert (call.sdk, call.kind, call.event) == ("rudderstack", "track", "Signed Up")
    field = one("class S {\n    private final RudderAnalytics analytics = RudderAnalytics.builder(k).build();\n"
                '    void f() { analytics.enqueue(TrackMessage.builder("X")); }\n}\n')
    assert field.sdk == "rudderstack"
    qualified = one(method('analytics.enqueue(TrackMessage.builder("X"));',
                           "com.rudderstack.sdk.java.analytics.RudderAnalytics analytics"))
    assert qualified.sdk == "rudderstack"


def test_var_is_bound_by_what_its_initialiser_builds():
    call = one(method('        var a = Analytics.builder("key").build();\n'
                      '        a.enqueue(TrackMessage.builder("Signed Up"));', ""))
    assert (call.sdk, call.event) == ("segment", "Signed Up")


# -- Segment / RudderStack Android Java API ------------------------------------------------------


def test_android_track_with_a_properties_chain():
    call = one(method(
        'Analytics.with(context).track("Product Viewed", new Properties().putValue("sku", "a1").putValue("price", 5));',
        "Context context"))
    assert summary(call) == ("segment", "track", "Product Viewed", {"sku": "a1", "price": 5})
    assert call.receiver == "Analytics.with(context)"


@pytest.mark.parametrize("statement, expected", [
    ('analytics.identify("u1", new Traits().putValue("plan", "pro"), null);',
     ("segment", "identify", None, {"plan": "pro"})),
    ('analytics.identify(new Traits().putValue("plan", "pro"));', ("segment", "identify", None, {"plan": "pro"})),
    ('analytics.screen("Onboarding", "Step 1", new Properties().putValue("n", 1));',
     ("segment", "screen", "Step 1", {"n": 1})),
    ('analytics.screen("Home", new Properties());', ("segment", "screen", "Home", {})),
    ('analytics.group("g1", new Traits().putValue("seats", 2));', ("segment", "group", None, {"seats": 2})),
    ('analytics.alias("new-id");', ("segment", "alias", None, None)),
    ('rudderClient.track("Song Played", new RudderProperty().putValue("genre", "jazz"));',
     ("rudderstack", "track", "Song Played", {"genre": "jazz"})),
    ('RudderClient.getInstance().screen("Library");', ("rudderstack", "screen", "Library", None)),
])
def test_android_java_shapes(statement: str, expected: tuple) -> None:
    assert summary(one(method(statement, "Analytics analytics, RudderClient rudderClient"))) == expected


# -- PostHog, Mixpanel, Amplitude --------------------------------------------------------------


def test_posthog_java_double_brace_properties():
    call = one(method(
        '        posthog.capture("user-1", "Movie Played", new HashMap<String, Object>() {\n'
        "            {\n"
        '                put("movie_id", 123);\n'
        '                put("nested", new HashMap<String, Object>() {{ put("a", true); }});\n'
        "            }\n"
        "        });", "PostHog posthog"))
    assert summary(call) == ("posthog", "track", "Movie Played", {"movie_id": 123, "nested": {"a": True}})


@pytest.mark.parametrize("statement, expected", [
    ('ph.capture("id", "Signed Up");', ("posthog", "track", "Signed Up", None)),
    ('ph.identify("id", Map.of("email", "a@b.co"));', ("posthog", "identify", None, {"email": "a@b.co"})),
    ('ph.set("id", Map.of("plan", "pro"));', ("posthog", "identify", None, {"plan": "pro"})),
    ('ph.setOnce("id", Map.of("first", "x"));', ("posthog", "identify", None, {"first": "x"})),
    ('ph.alias("id", "other");', ("posthog", "alias", None, None)),
    # posthog-android from Java: static capture(event, distinctId, properties), and v2's with()
    ('PostHog.capture("Opened", null, Map.of("k", 1));', ("posthog", "track", "Opened", {"k": 1})),
    ('PostHog.with(ctx).capture("Opened", new Properties().putValue("k", 1));',
     ("posthog", "track", "Opened", {"k": 1})),
])
def test_posthog_shapes(statement: str, expected: tuple) -> None:
    assert summary(one(method(statement, "PostHog ph, Context ctx"))) == expected


@pytest.mark.parametrize("statement, expected", [
    ('messageBuilder.event(id, "Typed Line", props);', ("mixpanel", "track", "Typed Line", "?props")),
    ('messageBuilder.importEvent(id, "Old Event", null);', ("mixpanel", "track", "Old Event", None)),
    ('messageBuilder.set(id, new JSONObject().put("plan", "pro"));', ("mixpanel", "identify", None, {"plan": "pro"})),
    ('messageBuilder.increment(id, counters);', ("mixpanel", "identify", None, None)),
    ('messageBuilder.groupSet("company", "acme", new JSONObject(Map.of("seats", 3)));',
     ("mixpanel", "group", None, {"seats": 3})),
    ('messageBuilder.groupMessage("company", "acme", "$set", props, null);', ("mixpanel", "group", None, None)),
    ('mixpanel.track("Opened", new JSONObject());', ("mixpanel", "track", "Opened", {})),
    ('MixpanelAPI.getInstance(ctx, "token").trackMap("Opened", Map.of("k", 1));',
     ("mixpanel", "track", "Opened", {"k": 1})),
])
def test_mixpanel_shapes(statement: str, expected: tuple) -> None:
    params = "MessageBuilder messageBuilder, MixpanelAPI mixpanel, Context ctx, String id, JSONObject props"
    assert summary(one(method(statement, params))) == expected


def test_mixpanel_java_builder_in_a_typed_field():
    call = one("class T {\n    private MessageBuilder mBuilder;\n"
               '    void f() { mBuilder.event("id", "Clicked", null); }\n}\n')
    assert (call.sdk, call.event) == ("mixpanel", "Clicked")


@pytest.mark.parametrize("statement, expected", [
    ('Amplitude.getInstance().logEvent("Song Played", new JSONObject().put("genre", "jazz"));',
     ("amplitude", "track", "Song Played", {"genre": "jazz"})),
    ('client.logEvent(new Event("Song Played", "user-1"));', ("amplitude", "track", "Song Played", None)),
    ('amplitude.track("Song Played", Map.of("genre", "jazz"));',
     ("amplitude", "track", "Song Played", {"genre": "jazz"})),
])
def test_amplitude_shapes(statement: str, expected: tuple) -> None:
    assert summary(one(method(statement, "Amplitude client, Amplitude amplitude"))) == expected


def test_amplitude_java_event_fields_set_before_the_call():
    call = one(method(
        '        Event event = new Event("Song Played", userId);\n'
        '        event.eventProperties = new JSONObject().put("genre", "jazz");\n'
        "        client.logEvent(event);\n"
        '        event.eventProperties = new JSONObject().put("late", 1);', "Amplitude client, String userId"))
    assert (call.sdk, call.event, shape(call.properties)) == ("amplitude", "Song Played", {"genre": "jazz"})


# -- receivers and lookalikes ------------------------------------------------------------------


@pytest.mark.parametrize("source", [
    # analytics-java's internal client and Mockito
    method('client.enqueue(TrackMessage.builder("X").build());', "AnalyticsClient client"),
    method("verify(client).enqueue(message);", "AnalyticsClient client, Message message"),
    method("mockWebServer.enqueue(new MockResponse());", "MockWebServer mockWebServer"),
    # a conventional name declared with another type is not the SDK's client
    method('analytics.track("Signed Up");', "AuditLog analytics"),
    method('analytics.enqueue(TrackMessage.builder("X"));', "AnalyticsClient analytics"),
    # builders, string builders and maps named like the SDKs' methods
    method('out.append("x"); list.remove(1); settings.set("k", 1); queue.offer(item);', ""),
    method('Logger.getInstance().logEvent("Signed Up", null);', ""),
    # the SDK's own forwarding overload (unqualified)
    'class PostHog {\n    void identify(String id, Map<String, Object> p) { identify(id, p, null); }\n}\n',
    # calls of a tracked name on an unknown receiver
    method('tracker.track("Signed Up"); this.capture("x", "y");', ""),
])
def test_lookalikes_are_not_reported(source: str) -> None:
    assert run(source).calls == []


def test_receivers_through_this_casts_and_parentheses():
    result = run(method('this.analytics.track("A"); ((Analytics) obj).track("B"); (analytics).track("C");',
                        "Object obj"))
    assert [(c.event, c.receiver) for c in result.calls] == [
        ("A", "this.analytics"), ("C", "(analytics)")]


# -- constants ---------------------------------------------------------------------------------


def test_constants_resolve_and_export():
    result = run(
        "package com.acme;\n"
        "import static com.acme.analytics.Events.SIGNED_UP;\n"
        "import com.acme.analytics.Names;\n"
        'interface Keys { String OPENED = "App Opened"; }\n'
        "enum Kind {\n"
        '    CLICKED("Button Clicked"), SHOWN("Banner Shown");\n'
        "    private final String eventName;\n"
        "    Kind(String eventName) { this.eventName = eventName; }\n"
        "    String getEventName() { return eventName; }\n"
        "}\n"
        "class App {\n"
        '    private static final String PREFIX = "Checkout ";\n'
        '    static final String DONE = PREFIX + "Done";\n'
        '    private String mutable = "Not A Constant";\n'
        "    void f(Analytics analytics) {\n"
        "        analytics.track(DONE);\n"
        "        analytics.track(Keys.OPENED);\n"
        "        analytics.track(Kind.CLICKED.eventName);\n"
        "        analytics.track(Kind.SHOWN.getEventName());\n"
        "        analytics.track(Kind.SHOWN.name());\n"
        '        final String local = "Local Event";\n'
        "        analytics.track(local);\n"
        '        String changed = "First";\n'
        '        changed = "Second";\n'
        "        analytics.track(changed);\n"
        "        analytics.track(mutable);\n"
        "        analytics.track(SIGNED_UP);\n"
        "        analytics.track(Names.ORDER_DONE);\n"
        "    }\n"
        "}\n")
    got = [(c.event, c.event_kind, c.event_ref) for c in result.calls]
    assert got == [
        ("Checkout Done", "constant", "DONE"),
        ("App Opened", "constant", "Keys.OPENED"),
        ("Button Clicked", "constant", "Kind.CLICKED.eventName"),
        ("Banner Shown", "constant", "Kind.SHOWN.eventName"),
        ("SHOWN", "constant", "Kind.SHOWN.name"),
        ("Local Event", "constant", "local"),
        (None, "dynamic", "changed"),
        (None, "dynamic", "mutable"),
        (None, "dynamic", "com.acme.analytics.Events.SIGNED_UP"),
        (None, "dynamic", "com.acme.analytics.Names.ORDER_DONE"),
    ]
    assert result.exports["com.acme.App.DONE"] == "Checkout Done"
    assert result.exports["Kind.CLICKED.eventName"] == "Button Clicked"
    assert "App.mutable" not in result.exports
    assert result.imports["SIGNED_UP"] == ("com.acme.analytics.Events", "SIGNED_UP")


def test_constants_from_other_files_resolve(tmp_path: Path) -> None:
    from tracklint import engine
    from tracklint.config import resolve_settings
    from tracklint.plan.load import load_plan

    (tmp_path / "events").mkdir()
    (tmp_path / "events" / "Events.java").write_text(
        'package com.acme.events;\npublic final class Events {\n'
        '    public static final String SIGNED_UP = "Signed Up";\n}\n'
        'enum Screens {\n    HOME("Home Screen");\n    final String title;\n'
        '    Screens(String title) { this.title = title; }\n}\n')
    (tmp_path / "App.java").write_text(
        "package com.acme.app;\nimport static com.acme.events.Events.SIGNED_UP;\n"
        "class App {\n    void f(Analytics analytics) {\n"
        "        analytics.track(SIGNED_UP);\n        analytics.screen(Screens.HOME.title);\n    }\n}\n")
    plan = tmp_path / "plan.yaml"
    plan.write_text("tracklint: 1\nname: t\nevents:\n  Signed Up: {description: d}\n")
    settings = resolve_settings(cwd=tmp_path, isolated=True, overrides={
        "root": tmp_path, "paths": (tmp_path,), "plan": plan, "cache": False, "jobs": 1})
    result = engine.run(settings, load_plan(plan))
    got = sorted((c.event, c.event_kind, c.event_from) for c in result.calls)
    assert got == [("Home Screen", "constant", "events/Events.java"),
                   ("Signed Up", "constant", "events/Events.java")]


# -- values ------------------------------------------------------------------------------------


def test_literal_values():
    call = one(method(
        'analytics.track("E", Map.of("i", 1_000, "hex", 0x1F, "long", 7L, "oct", 010, "f", 2.5f,\n'
        '    "neg", -3, "t", true, "n", null, "c", \'c\', "tab", "a\\tb", "u", "\\u00e9", "list", List.of(1, "a")));'))
    assert shape(call.properties) == {
        "i": 1000, "hex": 31, "long": 7, "oct": 8, "f": 2.5, "neg": -3, "t": True, "n": None,
        "c": "?'c'", "tab": "a\tb", "u": "é", "list": [1, "a"]}


def test_text_blocks_and_concatenation():
    result = run(method(
        '        analytics.track("""\n            Multi Line\n            """);\n'
        '        analytics.track("Signed" + " " + "Up");\n'
        '        analytics.track("Clicked " + feature);', "Analytics analytics, String feature"))
    assert [(c.event, c.event_kind) for c in result.calls] == [
        ("Multi Line\n", "literal"), ("Signed Up", "literal"), (None, "dynamic")]


def test_open_dynamic_and_null_properties():
    result = run(method(
        "        analytics.track(\"A\", props);\n"
        "        analytics.track(\"B\", null);\n"
        "        analytics.track(\"C\", new Properties(props).putValue(\"k\", 1));\n"
        "        analytics.track(\"D\", new Properties().putValue(key, 1));\n"
        '        Map<String, Object> m = new HashMap<>();\n        m.put("k", 1);\n'
        "        analytics.track(\"E\", m);", "Analytics analytics, Properties props, String key"))
    got = {c.event: (c.properties_kind, shape(c.properties)) for c in result.calls}
    assert got["A"][0] == "dynamic"
    assert got["B"] == ("none", None)
    assert got["C"][0] == "dynamic"  # a copy of an unknown map
    assert got["D"] == ("open", {"...": True})
    assert got["E"] == ("open", {"k": 1, "...": True})  # its puts before the call, and maybe more


def test_a_local_map_gets_the_properties_its_puts_add_before_the_call():
    result = run(method(
        "        JSONObject props = new JSONObject();\n"
        "        try {\n"
        '            props.put("plan", "pro");\n'
        '            props.put("seats", 3).put("trial", true);\n'
        "        } catch (JSONException e) { }\n"
        '        mixpanel.track("Plan Selected", props);\n'
        '        props.put("after", 1);\n'
        "        Map<String, Object> other = new HashMap<>();\n"
        '        other.put("k", 1);\n'
        "        other = copy;\n"
        '        mixpanel.track("Copied", other);', "MixpanelAPI mixpanel, Map<String, Object> copy"))
    got = [(c.event, c.properties_kind, shape(c.properties)) for c in result.calls]
    assert got == [
        ("Plan Selected", "open", {"plan": "pro", "seats": 3, "trial": True, "...": True}),
        ("Copied", "dynamic", "?other"),  # reassigned: its value is not known
    ]


def test_anonymous_classes_are_not_objects():
    call = one(method('analytics.track("A", new Callback() { public void run() {} });'))
    assert call.properties_kind == "dynamic"


# -- wrappers, directives, positions -------------------------------------------------------------


def test_configured_wrappers_match_java_calls():
    specs = build_specs(DEFAULT_PRESETS, [
        {"function": "track", "languages": ["java"], "properties": False},
        {"function": "Tracker.log", "event": 1, "properties": 2},
    ])
    result = run("class A extends BaseActivity {\n"
                 '    void f() { track("Liked"); Tracker.log(ctx, "Shared", Map.of("k", 1)); }\n'
                 "    protected void track(String name) { }\n}\n", specs)
    assert [(c.sdk, c.event, shape(c.properties)) for c in result.calls] == [
        ("custom", "Liked", None), ("custom", "Shared", {"k": 1})]


def test_directives_come_from_comments_only():
    result = run(method(
        '        String s = "tracklint: ignore[TL001]";\n'
        '        analytics.track("A"); // tracklint: ignore[TL001]\n'
        "        /* tracklint: ignore-file[TL004] */\n"))
    assert [(d.line, d.codes, d.file_level, d.own_line) for d in result.directives] == [
        (4, ("TL001",), False, False), (5, ("TL004",), True, True)]


def test_comments_and_strings_produce_no_calls():
    assert run(method('// analytics.track("A");\n/* analytics.track("B"); */\n'
                      'String s = "analytics.track(\\"C\\")";')).calls == []


def test_spans_count_code_points_after_emoji():
    call = one(method('String s = "😀é"; analytics.track("A");'))
    assert (call.span.line, call.span.column, call.span.column_utf16) == (3, 18, 19)
    assert (call.event_span.column, call.event_span.end_column) == (34, 37)
    assert (call.event_span.column_utf16, call.event_span.end_column_utf16) == (35, 38)


def test_multiline_call_span():
    call = one(method('        analytics\n            .track(\n                "A");'))
    assert (call.span.line, call.span.column, call.span.end_line, call.span.end_column) == (3, 9, 5, 21)


# -- broken and hostile input ------------------------------------------------------------------


def test_syntax_error_keeps_valid_calls_and_reports_region():
    source = ('class A {\n    void a(Analytics analytics) { analytics.track("Before"); }\n'
              "    void broken( {\n"
              '        analytics.track("Inside", Map.of(\n'
              "    }\n"
              '    void b(Analytics analytics) { analytics.track("After"); }\n}\n')
    result = run(source)
    events = [c.event for c in result.calls]
    assert "Before" in events and "After" in events
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    assert notices and all(n.line is not None and n.column is not None for n in notices)


def test_calls_in_an_unreadable_region_are_recovered_one_by_one():
    # an unterminated string: the parser reads the next line as part of an ERROR node
    source = ("class A {\n    void f() {\n        String s = \"unterminated;\n"
              '        analytics.track("A", Map.of("k", 1));\n'
              "    }\n    void g() {\n        analytics\n            .track(\"B\");\n    }\n}\n")
    result = run(source)
    assert [(c.event, c.span.line, shape(c.properties)) for c in result.calls] == [
        ("A", 4, {"k": 1}), ("B", 7, None)]
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    assert len(notices) == 1 and "recovered" in notices[0].message


def test_a_method_declaration_in_a_broken_region_is_no_call():
    result = run("class A {\n    void f( {\n    public void track(String name) { }\n}\n")
    assert result.calls == [] and not any("track(" in n.message for n in result.notices)


def test_deep_nesting_does_not_raise():
    depth = 3000
    source = method('analytics.track("Deep", ' + "List.of(" * depth + "1" + ")" * depth + ");")
    assert [c.event for c in run(source).calls] == ["Deep"]
    source = method("int x = " + "(" * depth + "1" + ")" * depth + ';\nanalytics.track("After");')
    assert [c.event for c in run(source).calls] == ["After"]


def test_call_nested_deeper_than_the_query_depth_is_found():
    depth = 700  # beyond the driver's query depth: found by jumping to the name's offset
    source = method("Object x = " + "List.of(" * depth + 'analytics.track("Deep", Map.of("k", 1))'
                    + ")" * depth + ";")
    assert [(c.event, shape(c.properties)) for c in run(source).calls] == [("Deep", {"k": 1})]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
@example('analytics.track("\\u12")')
@example('analytics.track("""\n  x')
@example("enum E { A(\"x\"); E(String n) {} }\nclass C { void f() { analytics.track(E.A.n); } }")
@example("class C { String a = b; String b = a; void f() { analytics.track(a); } }")
def test_never_raises_on_text(text):
    for call in run(text).calls:
        assert 1 <= call.span.line <= call.span.end_line


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_never_raises_on_bytes(data):
    extract_file("App.java", data, SPECS)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from([
    "analytics.track(", "analytics.enqueue(", "TrackMessage.builder(", ".properties(", '"X"', ", ",
    "Map.of(", '"k"', "1", ")", "\n", "class C {", "void f() {", "}", "{", ";", "new HashMap<>() {{",
    "put(", "}}", "new Properties()", ".putValue(", "String s = ", "s", "final ", "static ",
    '"""', "\\u", "+", "enum E {", "A(", "var ", "this.", "(Analytics)",
]), max_size=40))
def test_never_raises_on_javaish_fragments(parts):
    run("".join(parts))


def test_local_that_refers_to_itself_does_not_loop():
    result = run(method("String a = a + \"x\";\nanalytics.track(a);"))
    assert [(c.event, c.event_kind) for c in result.calls] == [(None, "dynamic")]


# -- fixture -----------------------------------------------------------------------------------


def test_fixture_app():
    result = extract_file("BillingService.java", (FIXTURES / "BillingService.java").read_bytes(), SPECS)
    got = [(c.span.line, c.sdk, c.kind, c.event, c.event_kind, c.properties_kind) for c in result.calls]
    assert got == [
        (24, "segment", "track", "Invoice Paid", "constant", "literal"),
        (31, "segment", "track", None, "dynamic", "none"),
        (38, "segment", "identify", None, "none", "literal"),
        (42, "segment", "message", None, "none", "none"),
        (46, "posthog", "track", None, "dynamic", "literal"),
    ]
    assert result.calls[1].event_ref == "com.acme.analytics.Events.TRIAL_ENDED"
    assert result.calls[4].event_ref == "com.acme.analytics.Screens.BILLING.title"
    assert shape(result.calls[0].properties) == {"amount_cents": "?cents", "currency": "EUR"}
    assert shape(result.calls[4].properties) == {"plan": "pro", "seats": 3}
    assert result.exports["com.acme.billing.BillingService.INVOICE_PAID"] == "Invoice Paid"
    assert [(d.line, d.codes) for d in result.directives] == [(30, ("TL001",))]
