"""Tests for the Python extractor (tracklint/extract/python.py).

Each test feeds a small source through :func:`tracklint.extract.extract_file` with the default
presets and asserts what a user of ``tracklint scan``/``check`` relies on: which calls are found,
where (1-based lines, code-point columns, end exclusive), the event and how it was known, and
the shape of the properties.
"""

from __future__ import annotations

import textwrap
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tracklint.extract import extract_file
from tracklint.extract.base import TrackCall, Value
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)


def run(source: str, specs=None, path: str = "app/events.py"):
    return extract_file(path, textwrap.dedent(source).encode("utf-8"), specs or SPECS)


def calls(source: str, specs=None) -> list[TrackCall]:
    result = run(source, specs)
    assert [n for n in result.notices if n.kind == "internal"] == []
    return result.calls


def one(source: str, specs=None) -> TrackCall:
    found = calls(source, specs)
    assert len(found) == 1, found
    return found[0]


def shape(value: Value | None):
    """A compact, comparable picture of a Value: scalars as (type, value), objects as dicts."""
    if value is None:
        return None
    if value.properties is not None and value.type == "object":
        return {k: shape(v) for k, v in value.properties.items()}
    if value.items is not None:
        return [shape(v) for v in value.items]
    if value.known:
        return (value.type, value.value)
    return ("unknown", value.text)


# --- call shapes and receivers ---------------------------------------------------------------


def test_segment_positional_track_with_literal_properties():
    call = one('analytics.track("user_1", "Order Completed", {"order_id": "o1", "revenue": 9.5})\n')
    assert (call.sdk, call.kind, call.method, call.receiver) == ("segment", "track", "track", "analytics")
    assert call.event == "Order Completed"
    assert call.event_kind == "literal"
    assert call.properties_kind == "literal"
    assert shape(call.properties) == {"order_id": ("string", "o1"), "revenue": ("number", 9.5)}


def test_segment_keyword_form():
    call = one('analytics.track(user_id="u", event="Signed Up", properties={"plan": "pro"})\n')
    assert call.event == "Signed Up"
    assert shape(call.properties) == {"plan": ("string", "pro")}


@pytest.mark.parametrize(
    "receiver",
    ["analytics", "self.analytics", "segment.analytics", "get_client().analytics", "app.state.analytics"],
)
def test_segment_receivers(receiver):
    call = one(f'{receiver}.track("u", "Clicked")\n')
    assert call.sdk == "segment"
    assert call.receiver == receiver
    assert call.event == "Clicked"


def test_multiline_call_span_covers_the_whole_call():
    call = one(
        """\
        def handler(user):
            analytics.track(
                user.id,
                "Order Completed",
                {"order_id": user.order},
            )
        """
    )
    assert (call.span.line, call.span.column, call.span.end_line, call.span.end_column) == (2, 5, 6, 6)
    assert (call.event_span.line, call.event_span.column, call.event_span.end_column) == (4, 9, 26)
    assert call.properties.properties["order_id"].key_span.line == 5


def test_columns_count_code_points_after_non_ascii_text():
    call = one('x = "é"; analytics.track("ü", "Café Visited")\n')
    # "x = "é"; " is 9 code points (10 bytes): the call starts at column 10.
    assert (call.span.line, call.span.column) == (1, 10)
    assert call.span.end_column == 10 + len('analytics.track("ü", "Café Visited")')
    assert call.event == "Café Visited"
    assert call.event_span.column == 10 + len('analytics.track("ü", ')


def test_astral_characters_count_two_utf16_units():
    call = one('s = "😀"; analytics.track("u", "E")\n')
    assert call.span.column == 10
    assert call.span.column_utf16 == 11


def test_posthog_v6_capture_keyword_form():
    call = one('posthog.capture("Page Viewed", distinct_id="u1", properties={"path": "/"})\n')
    assert (call.sdk, call.kind, call.event) == ("posthog", "track", "Page Viewed")
    assert shape(call.properties) == {"path": ("string", "/")}


def test_posthog_older_positional_capture():
    call = one('posthog.capture("distinct-id", "Signed Up", {"plan": "free"})\n')
    assert call.event == "Signed Up"
    assert shape(call.properties) == {"plan": ("string", "free")}


def test_posthog_imported_bare_capture_is_bound_to_the_module():
    call = one(
        """\
        from posthog import capture
        capture("Signed Up", distinct_id="u")
        """
    )
    assert (call.sdk, call.receiver, call.event) == ("posthog", "", "Signed Up")


def test_bare_capture_not_imported_from_posthog_is_ignored():
    assert calls('from camera import capture\ncapture("frame", 3)\ncapture("x")\n') == []


def test_posthog_client_instance_bound_by_constructor():
    call = one(
        """\
        from posthog import Posthog
        ph = Posthog("key", host="https://eu.posthog.com")
        ph.capture("Exported", distinct_id="u")
        """
    )
    assert (call.sdk, call.event) == ("posthog", "Exported")


def test_mixpanel_bound_variable_and_self_attribute():
    found = calls(
        """\
        from mixpanel import Mixpanel
        tracker = Mixpanel("token")
        tracker.track("u1", "Plan Upgraded", {"plan": "team"})

        class Billing:
            def __init__(self):
                self.mx = mixpanel.Mixpanel("token")

            def upgrade(self, user):
                self.mx.track(user.id, "Seat Added")
        """
    )
    assert [(c.sdk, c.receiver, c.event) for c in found] == [
        ("mixpanel", "tracker", "Plan Upgraded"),
        ("mixpanel", "self.mx", "Seat Added"),
    ]
    assert shape(found[0].properties) == {"plan": ("string", "team")}


def test_amplitude_base_event_looks_inside_the_constructor_call():
    call = one(
        """\
        from amplitude import Amplitude, BaseEvent
        client = Amplitude("key")
        client.track(BaseEvent(event_type="Song Played", user_id="u", event_properties={"genre": "jazz"}))
        """
    )
    assert (call.sdk, call.event, call.event_kind) == ("amplitude", "Song Played", "literal")
    assert shape(call.properties) == {"genre": ("string", "jazz")}


def test_rudderstack_receiver():
    call = one('rudder_analytics.track("u", "Checkout Started", {"step": 1})\n')
    assert (call.sdk, call.event) == ("rudderstack", "Checkout Started")
    assert shape(call.properties) == {"step": ("integer", 1)}


def test_segment_identify_page_screen_group_alias():
    found = calls(
        """\
        analytics.identify("u", {"email": "a@b.c"})
        analytics.page("u", "Docs", "Install", {"path": "/install"})
        analytics.screen("u", "App", "Home")
        analytics.group("u", "g1", {"name": "Acme"})
        analytics.alias("old", "new")
        """
    )
    assert [(c.kind, c.event) for c in found] == [
        ("identify", None),
        ("page", "Install"),
        ("screen", "Home"),
        ("group", None),
        ("alias", None),
    ]
    assert shape(found[0].properties) == {"email": ("string", "a@b.c")}
    assert shape(found[3].properties) == {"name": ("string", "Acme")}


def test_same_named_methods_on_other_receivers_are_not_counted():
    source = """\
    import re, threading
    m = re.match("(a)", text)
    m.group(1)
    re.match("x", y).group(1)
    threading.Event().set()
    mock.track("u", "Not An Event")
    tracker.capture("x")
    paginator.page(3)
    track("bare call, not imported")
    """
    assert calls(source) == []


def test_calls_on_call_results_and_nested_calls_are_all_found():
    found = calls('get_client().analytics.track("u", "A", build(analytics.track("u", "B")))\n')
    assert sorted(c.event for c in found) == ["A", "B"]


def test_custom_wrapper_with_kwargs_properties():
    specs = build_specs(
        (), [{"function": "track_event", "event": 0, "properties": "**kwargs", "languages": ["python"]}]
    )
    call = one('track_event("Report Sent", report_id="r1", pages=3, **extra)\n', specs)
    assert call.event == "Report Sent"
    assert call.properties_kind == "open"
    assert shape(call.properties) == {"report_id": ("string", "r1"), "pages": ("integer", 3)}


# --- arguments and values ----------------------------------------------------------------------


def test_splat_arguments_make_the_event_dynamic():
    call = one("analytics.track(*args)\n")
    assert call.event is None
    assert call.event_kind == "dynamic"


def test_double_star_kwargs_is_kept_as_an_unknown_keyword_argument():
    specs = build_specs((), [{"function": "log_event", "event": 0, "properties": "**kwargs"}])
    call = one('log_event("Export", **options)\n', specs)
    assert call.properties_kind == "open"


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"plain"', "plain"),
        ("'single'", "single"),
        ('"Order" " Completed"', "Order Completed"),
        ('("Multi "\n     "Line")', "Multi Line"),
        ('r"raw\\d"', "raw\\d"),
        ('u"unicode"', "unicode"),
        ('b"bytes"', "bytes"),
        ('f"no substitutions"', "no substitutions"),
        ('f"braces {{kept}}"', "braces {kept}"),
        ('"tab\\tescape"', "tab\tescape"),
        ('"""triple"""', "triple"),
    ],
)
def test_string_literal_forms(expr, expected):
    call = one(f"analytics.track('u', {expr})\n")
    assert call.event == expected
    assert call.event_kind == "literal"


@pytest.mark.parametrize("expr", ['f"Viewed {page}"', 'f"a" f"{b}"', '"A" if x else "B"', "name", "get_name()", '"a" + b'])
def test_non_literal_events_are_dynamic_with_their_text(expr):
    call = one(f"analytics.track('u', {expr})\n")
    assert call.event is None
    assert call.event_kind == "dynamic"
    assert call.event_text == expr


def test_missing_event_is_none():
    call = one("analytics.identify('u')\n")
    assert call.event_kind == "none"
    assert call.properties_kind == "none"


def test_scalar_property_values():
    call = one(
        'analytics.track("u", "E", {"i": 3, "neg": -1, "f": 2.5, "nf": -0.5, "t": True, '
        '"fa": False, "n": None, "big": 1_000, "hex": 0xFF})\n'
    )
    assert shape(call.properties) == {
        "i": ("integer", 3),
        "neg": ("integer", -1),
        "f": ("number", 2.5),
        "nf": ("number", -0.5),
        "t": ("boolean", True),
        "fa": ("boolean", False),
        "n": ("null", None),
        "big": ("integer", 1000),
        "hex": ("integer", 255),
    }


def test_nested_properties_arrays_tuples_and_sets():
    call = one(
        """\
        analytics.track("u", "Order Completed", {
            "products": [{"sku": "a1", "qty": 2}, {"sku": "b2", "qty": 1}],
            "tags": ("x", "y"),
            "ids": {1, 2},
            "meta": {"source": {"campaign": "spring"}},
        })
        """
    )
    assert shape(call.properties) == {
        "products": [
            {"sku": ("string", "a1"), "qty": ("integer", 2)},
            {"sku": ("string", "b2"), "qty": ("integer", 1)},
        ],
        "tags": [("string", "x"), ("string", "y")],
        "ids": [("integer", 1), ("integer", 2)],
        "meta": {"source": {"campaign": ("string", "spring")}},
    }
    assert call.properties.properties["products"].type == "array"


def test_property_key_spans_point_at_the_keys():
    call = one('analytics.track("u", "E", {"order_id": 1, "revenue": 2})\n')
    key = call.properties.properties["revenue"].key_span
    assert (key.line, key.column, key.end_column) == (1, 43, 52)


def test_spread_or_computed_keys_make_properties_open():
    spread = one('analytics.track("u", "E", {"a": 1, **base})\n')
    computed = one('analytics.track("u", "E", {"a": 1, key: 2})\n')
    for call in (spread, computed):
        assert call.properties_kind == "open"
        assert shape(call.properties) == {"a": ("integer", 1)}


def test_dict_call_is_an_object():
    call = one('analytics.track("u", "E", dict(plan="pro", seats=3))\n')
    assert call.properties_kind == "literal"
    assert shape(call.properties) == {"plan": ("string", "pro"), "seats": ("integer", 3)}
    assert one('analytics.track("u", "E", dict(base, x=1))\n').properties_kind == "open"


def test_variable_properties_are_dynamic():
    call = one('analytics.track("u", "E", props)\n')
    assert call.properties_kind == "dynamic"
    assert call.properties.ref == "props"


def test_explicit_none_properties_means_none():
    assert one('analytics.track("u", "E", None)\n').properties_kind == "none"


def test_deeply_nested_literal_does_not_blow_the_stack():
    depth = 50_000
    source = 'analytics.track("u", "Deep", {"a": ' + "[" * depth + "]" * depth + "})\n"
    started = time.monotonic()
    result = extract_file("deep.py", source.encode(), SPECS)
    assert time.monotonic() - started < 20
    assert [c.event for c in result.calls] == ["Deep"]
    # Beyond the depth cap the value is unknown, not an error.
    assert result.calls[0].properties.properties["a"].type == "array"
    assert [n for n in result.notices if n.kind == "internal"] == []


def test_deeply_nested_dicts_and_parentheses_stay_fast():
    depth = 30_000
    nested = 'analytics.track("u", "Deep", ' + '{"a": ' * depth + "1" + "}" * depth + ")\n"
    parens = "(" * depth + "\nanalytics.track('u', 'After')\n"
    for source in (nested, parens):
        started = time.monotonic()
        extract_file("deep.py", source.encode(), SPECS)
        assert time.monotonic() - started < 20


def test_long_call_chains_stay_fast():
    source = "analytics" + '.track("u", "E")' * 5000 + "\n"
    started = time.monotonic()
    result = extract_file("chain.py", source.encode(), SPECS)
    assert time.monotonic() - started < 20
    assert len(result.calls) == 1  # only the first link has the receiver `analytics`


# --- constants, imports, exports --------------------------------------------------------------


def test_module_constant_resolves_as_constant():
    call = one(
        """\
        ORDER_COMPLETED = "Order Completed"
        analytics.track("u", ORDER_COMPLETED)
        """
    )
    assert (call.event, call.event_kind, call.event_ref) == ("Order Completed", "constant", "ORDER_COMPLETED")


def test_class_attribute_and_enum_members_resolve():
    result = run(
        """\
        from enum import Enum, StrEnum, auto

        class Events:
            ORDER_COMPLETED = "Order Completed"

        class Kind(str, Enum):
            SIGNED_UP = "Signed Up"

        class Auto(StrEnum):
            LOGGED_IN = auto()

        analytics.track("u", Events.ORDER_COMPLETED)
        analytics.track("u", Kind.SIGNED_UP.value)
        analytics.track("u", Kind.SIGNED_UP)
        analytics.track("u", Auto.LOGGED_IN)
        """
    )
    assert [(c.event, c.event_kind) for c in result.calls] == [
        ("Order Completed", "constant"),
        ("Signed Up", "constant"),
        ("Signed Up", "constant"),
        ("logged_in", "constant"),
    ]
    assert result.exports["Events.ORDER_COMPLETED"] == "Order Completed"
    assert result.exports["Kind.SIGNED_UP"] == "Signed Up"
    assert result.exports["Kind.SIGNED_UP.value"] == "Signed Up"


def test_exports_hold_module_level_string_constants_only():
    result = run(
        """\
        ORDER_COMPLETED = "Order Completed"
        TYPED: Final[str] = "Typed"
        ALIAS = ORDER_COMPLETED
        COUNT = 3
        CHANGED = "a"
        CHANGED = "b"
        SUFFIX = "x"
        SUFFIX += "y"

        def f():
            LOCAL = "not exported"
        """
    )
    assert result.exports == {
        "ORDER_COMPLETED": "Order Completed",
        "TYPED": "Typed",
        "ALIAS": "Order Completed",
    }


def test_imports_are_recorded_for_cross_file_resolution():
    result = run(
        """\
        from app.events import ORDER_COMPLETED as OC, SIGNED_UP
        from . import events
        from ..shared.names import Events
        import app.events as ev
        import os

        analytics.track("u", OC)
        analytics.track("u", events.SIGNED_UP)
        analytics.track("u", Events.ORDER_COMPLETED.value)
        """
    )
    assert result.imports["OC"] == ("app.events", "ORDER_COMPLETED")
    assert result.imports["SIGNED_UP"] == ("app.events", "SIGNED_UP")
    assert result.imports["events"] == (".", "events")
    assert result.imports["Events"] == ("..shared.names", "Events")
    assert result.imports["ev"] == ("app.events", "*")
    assert result.imports["os"] == ("os", "*")
    assert [(c.event_kind, c.event_ref) for c in result.calls] == [
        ("dynamic", "OC"),
        ("dynamic", "events.SIGNED_UP"),
        ("dynamic", "Events.ORDER_COMPLETED.value"),
    ]


def test_constant_property_keys_resolve():
    call = one('ORDER_ID = "order_id"\nanalytics.track("u", "E", {ORDER_ID: "o1"})\n')
    assert shape(call.properties) == {"order_id": ("string", "o1")}


# --- comments, strings, directives -------------------------------------------------------------


def test_comments_docstrings_and_strings_produce_no_calls():
    source = '''\
    """Module docs: analytics.track("u", "In Docstring")."""
    # analytics.track("u", "In Comment")
    text = 'analytics.track("u", "In String")'
    def f():
        """analytics.track("u", "In Function Docstring")"""
        return f"{x} analytics.track('u', 'In F-String')"
    '''
    assert calls(source) == []


def test_directives_come_from_comments_only():
    result = run(
        """\
        analytics.track("u", "A")  # tracklint: ignore[TL001]
        # tracklint: ignore[tl002, TL003]
        analytics.track("u", "B")
        note = "# tracklint: ignore[TL009]"
        def f():
            '''tracklint: ignore-file[TL004]'''
        # tracklint: ignore-file[TL005]
        """
    )
    assert [(d.line, d.codes, d.file_level, d.own_line) for d in result.directives] == [
        (1, ("TL001",), False, False),
        (2, ("TL002", "TL003"), False, True),
        (7, ("TL005",), True, True),
    ]
    assert (result.directives[0].column, result.directives[0].end_column) == (28, 28 + len("# tracklint: ignore[TL001]"))


# --- broken input -------------------------------------------------------------------------------


def test_syntax_error_keeps_calls_in_valid_parts_and_recovers_the_hidden_one():
    result = run(
        """\
        analytics.track("u", "Before")
        class :
            analytics.track("u", "Hidden")
          def )
        def later():
            analytics.track("u", "After")
        """
    )
    assert [(c.event, c.span.line, c.span.column) for c in result.calls] == [
        ("Before", 1, 1), ("Hidden", 3, 5), ("After", 6, 5)]
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    assert [(n.line, n.column, n.end_line) for n in notices] == [(2, 7, 5)]
    assert "1 call(s) here (`track`) were recovered" in notices[0].message


def test_syntax_error_without_a_method_name_gives_no_notice():
    result = run('x = [1, 2\nanalytics.track("u", "A")\n')
    assert result.calls or result.notices  # the call is read or its region is reported
    result = run("def f(:\n    return 1\n")
    assert result.notices == []


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
@example('analytics.track("u", "E", {"a": [')
@example('analytics.track(u"\\N{bad}", f"{")')
@example("class E(Enum):\n  A = auto(\n")
@example("from . import\nimport\nmp = Mixpanel(\n")
@example("analytics.track(1e999999, -0x, 1j, 'a' b'b')")
def test_extract_never_raises_on_arbitrary_text(text):
    result = extract_file("fuzz.py", text.encode("utf-8", "surrogatepass"), SPECS)
    assert [n for n in result.notices if n.kind == "internal"] == []
    for call in result.calls:
        assert 1 <= call.span.line <= call.span.end_line


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_extract_never_raises_on_arbitrary_bytes(data):
    result = extract_file("fuzz.py", data, SPECS)
    assert result.path == "fuzz.py"


# --- constructors named by their import ---------------------------------------------------------


def test_same_named_client_classes_are_told_apart_by_their_import():
    posthog_file = calls(
        """\
        from posthog import Client
        client = Client("key")
        client.capture("Report Exported", distinct_id="u")
        client.alias("old", "new")
        """
    )
    # posthog-python's own alias(), not Segment's
    assert [(c.sdk, c.kind, c.event) for c in posthog_file] == [
        ("posthog", "track", "Report Exported"), ("posthog", "alias", None)]
    segment_file = calls(
        """\
        from segment.analytics import Client
        client = Client("write-key")
        client.track("u", "Report Exported")
        """
    )
    assert [(c.sdk, c.event) for c in segment_file] == [("segment", "Report Exported")]


def test_aliased_and_module_qualified_constructors_bind():
    found = calls(
        """\
        import mixpanel
        from posthog.client import Client as PostHogClient
        tracker = mixpanel.Mixpanel("token")
        ph = PostHogClient("key")
        tracker.track("u", "Seat Added")
        ph.capture("Seat Added", distinct_id="u")
        """
    )
    assert [(c.sdk, c.receiver) for c in found] == [("mixpanel", "tracker"), ("posthog", "ph")]


_FRAGMENTS = [
    "analytics", ".track", "(", ")", "[", "]", "{", "}", ",", ":", "=", "\n", "    ", '"E"', "'p'",
    'f"{x}"', "**", "*", "-1", "2.5", "True", "None", "class E(Enum):\n", "import ", "from . ",
    "mp = Mixpanel(", "posthog.capture", "BaseEvent(event_type=", "# tracklint: ignore[TL001]\n",
    '"""', "\\", "é", "lambda", "dict(", "self.", "async ", "await ", "def f(", "@", ";",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=60).map("".join))
def test_extract_never_raises_on_python_like_fragments(text):
    result = extract_file("fuzz.py", text.encode("utf-8"), SPECS)
    assert [n for n in result.notices if n.kind == "internal"] == []
    data_lines = text.count("\n") + 1
    for call in result.calls:
        assert 1 <= call.span.line <= call.span.end_line <= data_lines
        if call.event_span is not None:
            assert call.span.line <= call.event_span.line <= call.span.end_line


def test_files_with_very_deep_nesting_are_still_fully_read():
    # Beyond 1,000 levels of brackets the extractor searches by byte offset instead of a query.
    deep = "[" * 3000 + "]" * 3000
    result = run(
        f"""\
        from posthog import Posthog
        EVENT = "Deep Event"
        ph = Posthog("k")
        DATA = {deep}
        analytics.track("u", EVENT, {{"a": 1}})  # tracklint: ignore[TL001]
        ph.capture("Captured", distinct_id="u")
        """
    )
    assert [(c.sdk, c.event, c.event_kind) for c in result.calls] == [
        ("segment", "Deep Event", "constant"),
        ("posthog", "Captured", "literal"),
    ]
    assert [d.codes for d in result.directives] == [("TL001",)]
    assert result.imports["Posthog"] == ("posthog", "Posthog")
