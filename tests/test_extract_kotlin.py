"""Tests for the Kotlin extractor (tracklint/extract/kotlin.py)."""

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
FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "kotlin"


def run(source: str, specs=SPECS) -> FileExtraction:
    return extract_file("App.kt", source.encode("utf-8"), specs)


def one(source: str) -> TrackCall:
    calls = run(source).calls
    assert len(calls) == 1, calls
    return calls[0]


def fn(body: str) -> str:
    """Wrap statements in a function, as real Kotlin code would have them."""
    return "fun f() {\n" + body + "\n}\n"


# -- call shapes -------------------------------------------------------------------------------


def test_analytics_kotlin_build_json_object():
    call = one(fn(
        'analytics.track("Order Completed", buildJsonObject {\n'
        '    put("order_id", "o1"); put("revenue", 9.5)\n'
        '    putJsonObject("address") { put("city", "Paris") }\n'
        '    putJsonArray("tags") { add("a"); add(2) }\n'
        "})"
    ))
    assert (call.sdk, call.kind, call.receiver, call.event, call.event_kind) == (
        "segment", "track", "analytics", "Order Completed", "literal")
    assert shape(call.properties) == {
        "order_id": "o1", "revenue": 9.5, "address": {"city": "Paris"}, "tags": ["a", 2]}
    assert call.properties_kind == "literal"


def test_named_arguments_and_safe_calls():
    calls = run(fn(
        'this.analytics?.track(name = "A", properties = mapOf("k" to 1))\n'
        'analytics!!.track(properties = emptyMap(), name = "B")\n'
    )).calls
    assert [(c.event, shape(c.properties)) for c in calls] == [("A", {"k": 1}), ("B", {})]
    assert calls[0].receiver == "this.analytics?"


def test_analytics_android_properties_builder():
    call = one(fn(
        'Analytics.with(context).track("Viewed", Properties().putValue("k", "v").putValue("n", 1))'))
    assert call.sdk == "segment" and call.receiver == "Analytics.with(context)"
    assert shape(call.properties) == {"k": "v", "n": 1}
    call = one(fn('Analytics.with(context).track("Viewed", Properties().putRevenue(1.0).putValue("n", 1))'))
    assert shape(call.properties) == {"n": 1, "...": True}


def test_identify_screen_group():
    calls = run(fn(
        'analytics.identify("u1", buildJsonObject { put("email", "a@b.c") })\n'
        'analytics.screen(title = "Home", properties = buildJsonObject { put("tab", "x") })\n'
        'analytics.group("g1", buildJsonObject { put("plan", "pro") })\n'
    )).calls
    assert [(c.kind, c.event) for c in calls] == [("identify", None), ("screen", "Home"), ("group", None)]
    assert [shape(c.properties) for c in calls] == [{"email": "a@b.c"}, {"tab": "x"}, {"plan": "pro"}]


@pytest.mark.parametrize(
    ("source", "sdk", "event", "props"),
    [
        ('amplitude.track("A", mapOf("b" to true))', "amplitude", "A", {"b": True}),
        ('Amplitude.getInstance().logEvent("L", json)', "amplitude", "L", "?json"),
        ('mixpanel.track("M", props)', "mixpanel", "M", "?props"),
        ('MixpanelAPI.getInstance(ctx, token).track("M2")', "mixpanel", "M2", None),
        ('PostHog.capture(event = "P", properties = mapOf("d" to "x"))', "posthog", "P", {"d": "x"}),
        ('rudderClient.track("R", RudderProperty().putValue("e", listOf(1, 2)))', "rudderstack", "R",
         {"e": [1, 2]}),
        ('RudderClient.getInstance()?.track("R2")', "rudderstack", "R2", None),
    ],
)
def test_other_sdks(source, sdk, event, props):
    call = one(fn(source))
    assert (call.sdk, call.event, shape(call.properties)) == (sdk, event, props)


def test_amplitude_base_event_apply():
    call = one(fn(
        'amplitude.track(BaseEvent().apply { eventType = "Applied"; eventProperties = mutableMapOf("k" to 1) })'))
    assert call.sdk == "amplitude" and call.event == "Applied"
    assert shape(call.properties) == {"k": 1}


def test_constructor_and_typed_bindings():
    source = (
        "class VM(private val seg: Analytics) {\n"
        "    private lateinit var client: Analytics\n"
        "    fun go(param: Analytics) {\n"
        "        val tracker = Analytics(writeKey, context)\n"
        '        tracker.track("A"); client.track("B"); seg.track("C"); param.track("D")\n'
        "    }\n"
        "}\n"
    )
    assert [(c.sdk, c.event) for c in run(source).calls] == [
        ("segment", "A"), ("segment", "B"), ("segment", "C"), ("segment", "D")]


def test_unknown_receivers_do_not_count():
    calls = run(fn(
        'verify(mock).track("X")\n'
        "list.group(1)\n"
        'tracker.track("Y")\n'
        'match.screen("Z")\n'
        'track("bare")\n'
        'firebaseAnalytics.logEvent("fb", bundle)\n'
    )).calls
    assert calls == []


# -- values ------------------------------------------------------------------------------------


def test_literal_values():
    call = one(fn(
        'analytics.track("X", mapOf("s" to "t", "i" to 42, "l" to 1L, "neg" to -3, "hex" to 0x1F, '
        '"big" to 1_000, "d" to 2.5, "f" to 1.5f, "e" to 1e3, "t" to true, "fa" to false, '
        '"n" to null, "arr" to listOf(1, "two", listOf(3)), "obj" to mapOf("inner" to mapOf("deep" to 1)), '
        '"pair" to Pair("x", 1).second, "cast" to (5 as Any)))'
    ))
    props = shape(call.properties)
    assert props == {
        "s": "t", "i": 42, "l": 1, "neg": -3, "hex": 31, "big": 1000, "d": 2.5, "f": 1.5, "e": 1000.0,
        "t": True, "fa": False, "n": None, "arr": [1, "two", [3]], "obj": {"inner": {"deep": 1}},
        "pair": '?Pair("x", 1).second', "cast": 5,
    }
    values = call.properties.properties
    assert values["i"].type == "integer" and values["d"].type == "number"
    assert values["t"].type == "boolean" and values["n"].type == "null"


def test_generic_map_builders_misparsed_by_the_grammar():
    # tree-sitter-kotlin 1.1.0 reads `f<A, B>(x)` with one argument as two comparisons
    call = one(fn(
        'analytics.track("X", mutableMapOf<String, Any>("a" to listOf<Int>(1)))'))
    assert shape(call.properties) == {"a": [1]}
    call = one(fn('analytics.track("X", hashMapOf<String, Any>("a" to 1, "b" to mapOf<String, Int>("c" to 2)))'))
    assert shape(call.properties) == {"a": 1, "b": {"c": 2}}


def test_open_and_dynamic_properties():
    call = one(fn('analytics.track("X", mapOf(key to 1, "k" to value))'))
    assert shape(call.properties) == {"k": "?value", "...": True}
    assert call.properties_kind == "open"
    assert call.properties.properties["k"].ref == "value"
    assert one(fn('analytics.track("X", props)')).properties_kind == "dynamic"
    call = one(fn('analytics.track("X", buildJsonObject { put("a", 1); props.forEach { put(it.key, it.value) } })'))
    assert shape(call.properties) == {"a": 1, "...": True}


def test_templates_are_dynamic():
    calls = run(fn(
        'analytics.track("Viewed $screen")\n'
        'analytics.track("Viewed ${screen.name}")\n'
        'analytics.track("Price \\$5")\n'
        'analytics.track("""raw $x""")\n'
        'analytics.track("""raw "q" \\n""")\n'
        'analytics.track("\\u00e9\\t")\n'
    )).calls
    assert [(c.event, c.event_kind) for c in calls] == [
        (None, "dynamic"), (None, "dynamic"), ("Price $5", "literal"), (None, "dynamic"),
        ('raw "q" \\n', "literal"), ("\u00e9\t", "literal")]
    assert calls[0].event_text == '"Viewed $screen"'


def test_null_properties_mean_none():
    assert one(fn('analytics.track("X", null)')).properties is None


# -- constants and imports ---------------------------------------------------------------------


CONSTANTS = """package com.acme.app

import com.acme.Events
import com.acme.Events.ORDER_COMPLETED
import com.acme.other.Thing as Alias
import com.acme.star.*

const val TOP = "Top"
private val PLAIN_TOP = "Plain Top"
var mutable = "Mutable"

object Names {
    const val SIGNUP = "Signed Up"
    object Nested {
        const val DEEP = "Deep"
    }
}

class Screen {
    companion object {
        const val HOME = "Home"
    }
    val instance = "Instance"
}

enum class Ev(val eventName: String, val version: Int) {
    CHECKOUT("Checkout Started", 1),
    PAID(eventName = "Order Paid", version = 2);
}

fun go() {
    val local = "Local"
    analytics.track(TOP)
    analytics.track(PLAIN_TOP)
    analytics.track(Names.SIGNUP)
    analytics.track(Names.Nested.DEEP)
    analytics.track(Screen.HOME)
    analytics.track(Ev.CHECKOUT.eventName)
    analytics.track(Ev.PAID.eventName)
    analytics.track(local)
    analytics.track(ORDER_COMPLETED)
    analytics.track(Events.SIGNED_UP)
    analytics.track(mutable)
}
"""


def test_constants_resolve_and_export():
    result = run(CONSTANTS)
    got = [(c.event, c.event_kind, c.event_ref) for c in result.calls]
    assert got == [
        ("Top", "constant", "TOP"),
        ("Plain Top", "constant", "PLAIN_TOP"),
        ("Signed Up", "constant", "Names.SIGNUP"),
        ("Deep", "constant", "Names.Nested.DEEP"),
        ("Home", "constant", "Screen.HOME"),
        ("Checkout Started", "constant", "Ev.CHECKOUT.eventName"),
        ("Order Paid", "constant", "Ev.PAID.eventName"),
        ("Local", "constant", "local"),
        # imported names are qualified with their package, to match the defining file's exports
        (None, "dynamic", "com.acme.Events.ORDER_COMPLETED"),
        (None, "dynamic", "com.acme.Events.SIGNED_UP"),
        (None, "dynamic", "mutable"),
    ]
    exports = result.exports
    assert exports["TOP"] == "Top" and exports["com.acme.app.TOP"] == "Top"
    assert exports["Names.SIGNUP"] == "Signed Up"
    assert exports["Names.Nested.DEEP"] == "Deep"
    assert exports["Screen.HOME"] == "Home"
    assert exports["Ev.CHECKOUT.eventName"] == "Checkout Started"
    assert exports["com.acme.app.Ev.PAID.eventName"] == "Order Paid"
    assert "mutable" not in exports and "local" not in exports and "Screen.instance" not in exports
    assert result.imports == {
        "Events": ("com.acme", "Events"),
        "ORDER_COMPLETED": ("com.acme.Events", "ORDER_COMPLETED"),
        "Alias": ("com.acme.other", "Thing"),
    }


# -- positions ---------------------------------------------------------------------------------


def test_spans_count_code_points_after_emoji():
    source = 'fun f() { val s = "🎉"; analytics.track("Ünïcode", mapOf("k" to 1)) }\n'
    call = one(source)
    line = source.splitlines()[0]
    start = line.index("analytics") + 1
    assert (call.span.line, call.span.column) == (1, start)
    assert call.span.end_column == line.index(" }") + 1
    assert call.span.column_utf16 == start + 1
    assert call.event_span.column == line.index('"Ünïcode"') + 1
    key_span = call.properties.properties["k"].key_span
    assert key_span.column == line.index('"k"') + 1 and key_span.end_column == key_span.column + 3


def test_multiline_call_span():
    call = one('fun f() {\n    analytics.track(\n        "X",\n        mapOf()\n    )\n}\n')
    assert (call.span.line, call.span.column, call.span.end_line, call.span.end_column) == (2, 5, 5, 6)


# -- comments, strings, directives -------------------------------------------------------------


def test_comments_and_strings_produce_no_calls():
    result = run(fn(
        '// analytics.track("In comment")\n'
        '/* analytics.track("Block") */\n'
        'val s = "analytics.track(\\"In string\\")"\n'
        'val m = """analytics.track("multi")"""\n'
    ))
    assert result.calls == [] and result.directives == []


def test_directives_from_comments_only():
    result = run(
        "// tracklint: ignore[TL001]\n"
        'fun f() = analytics.track("X") // tracklint: ignore[tl002, TL003]\n'
        "/* tracklint: ignore-file[TL009] */\n"
        'val s = "tracklint: ignore[TL004]"\n'
    )
    got = [(d.line, d.codes, d.file_level, d.own_line, d.column) for d in result.directives]
    assert got == [
        (1, ("TL001",), False, True, 1),
        (2, ("TL002", "TL003"), False, False, 32),
        (3, ("TL009",), True, True, 1),
    ]


# -- robustness --------------------------------------------------------------------------------


def test_syntax_error_keeps_valid_calls_and_reports_region():
    source = (
        'fun a() { analytics.track("Before") }\n'
        "fun broken() {\n"
        '    analytics.track("Inside", mapOf(\n'
        "}\n"
        'fun b() { analytics.track("After") }\n'
    )
    result = run(source)
    events = [c.event for c in result.calls]
    assert "Before" in events and "After" in events
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    assert notices and all(n.line is not None and n.column is not None for n in notices)


def test_where_as_a_variable_keeps_calls():
    result = run(fn(
        'val where = "w"\n'
        'analytics.track("Before", mapOf("w" to where))\n'
        'analytics.track("After")\n'
    ))
    assert [c.event for c in result.calls] == ["Before", "After"]


def test_deep_nesting_does_not_raise():
    depth = 3000
    source = fn('analytics.track("Deep", ' + "listOf(" * depth + "1" + ")" * depth + ")")
    assert [c.event for c in run(source).calls] == ["Deep"]
    source = fn("val x = " + "(" * depth + "1" + ")" * depth + '\nanalytics.track("After")')
    assert [c.event for c in run(source).calls] == ["After"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
@example('analytics.track("$')
@example('analytics.track("""')
@example('analytics.track("\\u12")')
@example("analytics.track(x, mapOf<A, B>(")
@example('enum class E(val n: String) { A("x") }\nfun f() = analytics.track(E.A.n)')
def test_never_raises_on_text(text):
    result = run(text)
    for call in result.calls:
        assert 1 <= call.span.line <= call.span.end_line


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_never_raises_on_bytes(data):
    extract_file("App.kt", data, SPECS)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([
    "analytics.track(", '"X"', ", ", "mapOf(", '"k" to ', "1", ")", "\n", "fun f() {", "}",
    "buildJsonObject {", "put(", "putJsonObject(", "<String, Any>", "$", "${", '"', '"""',
    "Properties()", ".putValue(", "?.", "!!", "object E {", "const val A = ", "where", "{", ";",
]), max_size=40))
def test_never_raises_on_kotlinish_fragments(parts):
    run("".join(parts))


# -- fixture -----------------------------------------------------------------------------------


def test_fixture_app():
    result = extract_file("CheckoutViewModel.kt", (FIXTURES / "CheckoutViewModel.kt").read_bytes(), SPECS)
    got = [(c.span.line, c.sdk, c.kind, c.event, c.event_kind, c.properties_kind) for c in result.calls]
    assert got == [
        (16, "segment", "track", None, "dynamic", "literal"),
        (22, "segment", "screen", "Checkout", "constant", "none"),
        (23, "segment", "identify", None, "none", "literal"),
        (26, "mixpanel", "track", None, "dynamic", "open"),
        (27, "amplitude", "track", "Product Viewed", "literal", "dynamic"),
        (28, "posthog", "track", None, "dynamic", "literal"),
    ]
    assert result.calls[0].event_ref == "com.acme.analytics.Events.ORDER_COMPLETED"
    assert result.calls[3].event_ref == "com.acme.analytics.Events.SIGNED_UP"
    assert result.imports["SIGNED_UP"] == ("com.acme.analytics.Events", "SIGNED_UP")
    assert result.exports["com.acme.checkout.Screens.CHECKOUT"] == "Checkout"
    products = result.calls[0].properties.properties["products"]
    assert shape(products) == [{"sku": "a1"}]
    assert [(d.line, d.codes) for d in result.directives] == [(25, ("TL001",))]


def test_file_turned_into_one_error_node_is_recovered_call_by_call():
    # tree-sitter-kotlin 1.1.0 turns this whole file into a single ERROR node
    source = (
        "fun f( {\n"
        '    analytics.track("A", mapOf("k" to 1))\n'
        "}\n"
        "fun g() {\n"
        "    analytics\n"
        '        .track("B")\n'
        "}\n"
    )
    result = run(source)
    got = [(c.event, c.span.line, c.span.column, shape(c.properties)) for c in result.calls]
    assert got == [("A", 2, 5, {"k": 1}), ("B", 5, 5, None)]
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    assert len(notices) == 1 and "recovered" in notices[0].message
    assert notices[0].line == 1


def test_unrecoverable_call_is_reported():
    result = run('fun f( {\n    analytics.track("A", mapOf("k" to 1)\n}\n')
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    assert notices and "`track(`" in notices[0].message


def test_companion_constant_used_unqualified_in_its_class():
    result = run(
        "class Plugin {\n"
        "    companion object {\n"
        '        const val OPENED = "Application Opened"\n'
        "    }\n"
        "    fun go() { analytics.track(OPENED) }\n"
        "}\n"
    )
    assert [(c.event, c.event_kind) for c in result.calls] == [("Application Opened", "constant")]


def test_call_nested_deeper_than_the_query_depth_is_found():
    depth = 700  # beyond MAX_QUERY_DEPTH: found by jumping to the method name's offset
    source = fn("val x = " + "listOf(" * depth + 'analytics.track("Deep", mapOf("k" to 1))' + ")" * depth)
    calls = run(source).calls
    assert [(c.event, shape(c.properties)) for c in calls] == [("Deep", {"k": 1})]


def test_deep_nesting_of_calls_is_fast():
    import time

    depth = 50_000
    source = 'analytics.track("Signed Up", ' + "listOf(" * depth + "1" + ")" * depth + ")\n"
    started = time.perf_counter()
    calls = run(source).calls
    assert time.perf_counter() - started < 20
    assert [c.event for c in calls] == ["Signed Up"]
