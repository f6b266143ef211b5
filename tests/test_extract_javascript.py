"""Tests for the JavaScript / JSX / TypeScript / TSX extractor (tracklint/extract/javascript.py)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tracklint.extract import extract_file
from tracklint.extract.base import ArgRef, CallSpec, RawCall, Value
from tracklint.extract.presets import DEFAULT_PRESETS, JS, build_specs

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract" / "javascript"
SPECS = build_specs(DEFAULT_PRESETS)
ALL = ["app.js", "app.jsx", "app.ts", "app.tsx"]
TS = ["app.ts", "app.tsx"]


def extract(code: str, path: str = "app.js", specs: list[CallSpec] | None = None):
    return extract_file(path, code.encode("utf-8"), SPECS if specs is None else specs)


def calls(code: str, path: str = "app.js", specs: list[CallSpec] | None = None):
    result = extract(code, path, specs)
    assert not [n for n in result.notices if n.kind == "internal"], result.notices
    return result.calls


def one(code: str, path: str = "app.js", specs: list[CallSpec] | None = None):
    found = calls(code, path, specs)
    assert len(found) == 1, [(c.method, c.receiver, c.event) for c in found]
    return found[0]


def shape(value: Value | None) -> Any:
    """A Value as plain data: scalars as their value, unknowns as ('?', text), objects as dicts
    (with '...' set when open), arrays as lists (ending with '...' when open)."""
    if value is None:
        return None
    if value.properties is not None:
        out: dict[str, Any] = {k: shape(v) for k, v in value.properties.items()}
        if value.open:
            out["..."] = True
        return out
    if value.items is not None:
        return [shape(v) for v in value.items] + (["..."] if value.open else [])
    if value.known:
        return value.value
    return ("?", value.text)


def wrapper(function: str, **kw: Any) -> list[CallSpec]:
    """Specs for one custom wrapper (as the config's [[tool.tracklint.wrappers]] would)."""
    return build_specs((), [{"function": function, "languages": ["javascript"], **kw}])


# --------------------------------------------------------------------------- receivers


RECEIVER_CASES = [
    ('analytics.track("E")', "analytics", "segment"),
    ('window.analytics.track("E")', "window.analytics", "segment"),
    ('this.analytics.track("E")', "this.analytics", "segment"),
    ('analytics?.track("E")', "analytics", "segment"),
    ('window.analytics?.track?.("E")', "window.analytics", "segment"),
    ('posthog?.capture("E")', "posthog", "posthog"),
    ('this.props.analytics.track("E")', "this.props.analytics", "segment"),
    ('rudderanalytics.track("E")', "rudderanalytics", "rudderstack"),
    ('mixpanel.track("E")', "mixpanel", "mixpanel"),
    ('amplitude.track("E")', "amplitude", "amplitude"),
    ('amplitude.getInstance().logEvent("E")', "amplitude.getInstance()", "amplitude"),
    ('analytics\n  .track(\n    "E"\n  )', "analytics", "segment"),
]


@pytest.mark.parametrize("path", ALL)
@pytest.mark.parametrize(("code", "receiver", "sdk"), RECEIVER_CASES)
def test_receiver_shapes(code: str, receiver: str, sdk: str, path: str) -> None:
    call = one(code, path)
    assert (call.sdk, call.receiver, call.event, call.event_kind) == (sdk, receiver, "E", "literal")


@pytest.mark.parametrize("path", TS)
@pytest.mark.parametrize(
    ("code", "receiver"),
    [
        ('(window as any).analytics.track("E")', "(window as any).analytics"),
        ('analytics!.track("E")', "analytics!"),
        ('(window as any).analytics!.track("E")', "(window as any).analytics!"),
        ('(window satisfies object).analytics.track("E")', "(window satisfies object).analytics"),
    ],
)
def test_typescript_receivers(code: str, receiver: str, path: str) -> None:
    call = one(code, path)
    assert (call.sdk, call.receiver, call.event) == ("segment", receiver, "E")


def test_angle_bracket_cast_is_typescript_only() -> None:
    code = '(<any>window).analytics.track("E")'
    assert one(code, "app.ts").event == "E"
    # In TSX `<any>` opens an element: no cast, so no call from a misread receiver.
    assert [c.event for c in extract(code, "app.tsx").calls] in ([], ["E"])
    generic_arrow = 'const id = <T,>(x: T) => x;\nanalytics.track("E")'
    assert one(generic_arrow, "app.tsx").span.line == 2


def test_call_result_receiver_drops_the_call() -> None:
    # Parts are ["getAnalytics"]: not Segment's receiver by default, a wrapper can name it.
    assert calls('getAnalytics().track("E")') == []
    call = one('getAnalytics().track("E", {a: 1})', specs=wrapper("getAnalytics.track"))
    assert (call.sdk, call.receiver, call.event, shape(call.properties)) == (
        "custom", "getAnalytics()", "E", {"a": 1})


@pytest.mark.parametrize(
    "code",
    [
        'router.page("/home")',
        'const m = re.exec(s); m.group(1)',
        'jest.fn().track("E")',
        'tracker.track("E")',
        'track("E")',  # a local function, not imported from an SDK
        'client.capture("E")',  # `client` is not a PostHog instance here
        'Foo.getInstance().logEvent("E")',
    ],
)
def test_same_named_non_tracking_calls_do_not_count(code: str) -> None:
    assert calls(code) == []


# --------------------------------------------------------------------------- bindings


def test_constructor_bound_variables() -> None:
    code = """
const client = new PostHog("key");
const seg = new Analytics({ writeKey: "w" });
const browser = AnalyticsBrowser.load({ writeKey: "w" });
const [loaded] = await AnalyticsBrowser.load({ writeKey: "w" });
const mp = Mixpanel.init("token");
const rs = new RudderAnalytics();
client.capture({ distinctId: "u", event: "A" });
seg.track({ userId: "u", event: "B" });
browser.track("C");
loaded.track("D");
mp.track("E");
rs.track("F");
"""
    found = calls(code)
    assert [(c.sdk, c.receiver, c.event) for c in found] == [
        ("posthog", "client", "A"),
        ("segment", "seg", "B"),
        ("segment", "browser", "C"),
        ("segment", "loaded", "D"),
        ("mixpanel", "mp", "E"),
        ("rudderstack", "rs", "F"),
    ]


@pytest.mark.parametrize("path", TS)
def test_typescript_annotations_and_class_fields_bind(path: str) -> None:
    code = """
class Tracker {
  private ph = new PostHog("k");
  constructor(private readonly seg: Analytics, private other: Unrelated) {
    this.mp = Mixpanel.init("t");
  }
  run(client: PostHog) {
    this.ph.capture("A");
    this.seg.track("B");
    this.mp.track("C");
    client.capture("D");
    this.other.track("nope");
  }
}
"""
    assert [(c.sdk, c.event) for c in calls(code, path)] == [
        ("posthog", "A"), ("segment", "B"), ("mixpanel", "C"), ("posthog", "D")]


@pytest.mark.parametrize("path", ALL)
def test_imported_sdk_functions(path: str) -> None:
    code = """
import { track, logEvent } from "@amplitude/analytics-browser";
import { track as ampTrack } from "@amplitude/analytics-node";
import * as amp from "@amplitude/analytics-react-native";
import { track as localTrack } from "./my-analytics";
track("A", { a: 1 });
ampTrack("B");
amp.track("C");
localTrack("not amplitude");
"""
    found = calls(code, path)
    assert [(c.sdk, c.receiver, c.event) for c in found] == [
        ("amplitude", "", "A"), ("amplitude", "", "B"), ("amplitude", "amp", "C")]
    assert shape(found[0].properties) == {"a": 1}


def test_instances_created_by_an_sdk_module() -> None:
    code = """
import * as amplitude from "@amplitude/analytics-browser";
import { createInstance } from "@amplitude/analytics-node";
import * as local from "./local";
const a = amplitude.createInstance();
let b;
b = createInstance();
const c = local.createInstance();
a.track("A");
b.track("B");
c.track("not amplitude");
"""
    assert [(c.sdk, c.receiver, c.event) for c in calls(code, "app.ts")] == [
        ("amplitude", "a", "A"), ("amplitude", "b", "B")]


def test_require_and_destructuring() -> None:
    code = """
const { track } = require("@amplitude/analytics-node");
const { track: segTrack, page } = analytics;
const { capture } = usePostHog();
track("A");
segTrack("B");
page("Home");
capture("Hook Event");
"""
    # usePostHog() is posthog-js/react's hook: what it returns is the PostHog client.
    assert [(c.sdk, c.kind, c.event) for c in calls(code)] == [
        ("amplitude", "track", "A"), ("segment", "track", "B"), ("segment", "page", "Home"),
        ("posthog", "track", "Hook Event")]


# --------------------------------------------------------------------------- arguments & values


@pytest.mark.parametrize("path", ALL)
def test_literal_values(path: str) -> None:
    code = (
        'analytics.track("E", { s: "x", t: `tpl`, i: 42, n: -1.5, h: 0x10, big: 10n, yes: true,'
        " no: false, nil: null, undef: undefined, 'quoted key': 1, 7: \"seven\", arr: [1, \"a\", [2]],"
        " nested: { deep: { deeper: [{ k: 1 }] } } })"
    )
    call = one(code, path)
    assert shape(call.properties) == {
        "s": "x", "t": "tpl", "i": 42, "n": -1.5, "h": 16, "big": 10, "yes": True, "no": False,
        "nil": None, "undef": None, "quoted key": 1, "7": "seven", "arr": [1, "a", [2]],
        "nested": {"deep": {"deeper": [{"k": 1}]}},
    }
    props = call.properties.properties
    assert props["i"].type == "integer" and props["n"].type == "number"
    assert props["nil"].type == "null" and props["undef"].text == "undefined"


@pytest.mark.parametrize("path", ALL)
def test_open_objects_and_unknown_values(path: str) -> None:
    code = (
        "analytics.track('E', { userId, ...base, [key]: 1, ['lit']: 2, total: order.total,"
        " fn: () => 1, items: [...list, 1], method() { return 1 }, get g() { return 2 } })"
    )
    props = one(code, path).properties
    assert props.open is True
    assert shape(props) == {
        "userId": ("?", "userId"), "lit": 2, "total": ("?", "order.total"),
        "fn": ("?", "() => 1"), "items": [1, "..."], "...": True,
    }
    assert props.properties["total"].ref == "order.total"
    assert props.properties["userId"].ref == "userId"


@pytest.mark.parametrize("path", TS)
def test_typescript_wrappers_are_unwrapped(path: str) -> None:
    code = (
        'analytics.track(("E" as const), { a: 1 as number, b: (x satisfies number), c: "c" as const,'
        ' d: { e: 1 } as Record<string, number>, f: y! } satisfies object)'
    )
    call = one(code, path)
    assert call.event == "E" and call.event_kind == "literal"
    assert shape(call.properties) == {"a": 1, "b": ("?", "(x satisfies number)"), "c": "c",
                                      "d": {"e": 1}, "f": ("?", "y!")}
    assert call.properties.properties["f"].ref == "y"


def test_type_assertion_in_ts_only() -> None:
    call = one('analytics.track(<string>"E", <object>{ a: 1 })', "app.ts")
    assert (call.event, shape(call.properties)) == ("E", {"a": 1})


def test_strings_and_templates() -> None:
    found = calls(
        'analytics.track("a\\tb\\u00e9\\u{1F389}\\x41")\n'
        "analytics.track('it\\'s')\n"
        "analytics.track(`no subst`)\n"
        "analytics.track(`Viewed ${page}`)\n"
    )
    assert [(c.event, c.event_kind, c.event_text) for c in found] == [
        ("a\tbé🎉A", "literal", '"a\\tb\\u00e9\\u{1F389}\\x41"'),
        ("it's", "literal", "'it\\'s'"),
        ("no subst", "literal", "`no subst`"),
        (None, "dynamic", "`Viewed ${page}`"),
    ]


def test_spread_arguments_set_splat() -> None:
    found = calls('analytics.track(...args)\nanalytics.track("E", ...rest)\n')
    assert [(c.event, c.event_kind, c.properties) for c in found] == [
        (None, "dynamic", None), ("E", "literal", None)]


def test_event_kinds() -> None:
    code = """
const NAME = "Signed Up";
analytics.track("Literal");
analytics.track(NAME);
analytics.track(props.eventName);
analytics.page();
"""
    assert [(c.event, c.event_kind, c.event_ref) for c in calls(code)] == [
        ("Literal", "literal", None),
        ("Signed Up", "constant", "NAME"),
        (None, "dynamic", "props.eventName"),
        (None, "none", None),
    ]


# --------------------------------------------------------------------------- SDK call shapes


def test_segment_browser_shapes() -> None:
    code = """
analytics.identify("u1", { email: "a@b.c" });
analytics.page();
analytics.page("Docs");
analytics.page("Docs", "Intro", { path: "/docs" });
analytics.page(null, "Name Only");
analytics.group("g1", { plan: "pro" });
analytics.screen("Home", { tab: 1 });
analytics.alias("new-id");
analytics.track("E", null);
analytics.track("E", undefined);
"""
    found = calls(code)
    assert [(c.kind, c.event, c.properties_kind, shape(c.properties)) for c in found] == [
        ("identify", None, "literal", {"email": "a@b.c"}),
        ("page", None, "none", None),
        ("page", "Docs", "none", None),
        ("page", "Intro", "literal", {"path": "/docs"}),
        ("page", "Name Only", "none", None),
        ("group", None, "literal", {"plan": "pro"}),
        ("screen", "Home", "literal", {"tab": 1}),
        ("alias", None, "none", None),
        ("track", "E", "none", None),
        ("track", "E", "none", None),
    ]


def test_server_object_forms() -> None:
    code = """
analytics.track({ userId: "u", event: "Order Completed", properties: { total: 10 } });
analytics.identify({ userId: "u", traits: { plan: "pro" } });
posthog.capture({ distinctId: "u", event: "Clicked", properties: { x: 1 } });
posthog.capture("Browser Form", { x: 2 });
const client = new PostHog("key");
client.identify({ distinctId: "u", properties: { plan: "pro" } });
posthog.identify("u", { email: "e" });
"""
    assert [(c.sdk, c.kind, c.event, shape(c.properties)) for c in calls(code)] == [
        ("segment", "track", "Order Completed", {"total": 10}),
        ("segment", "identify", None, {"plan": "pro"}),
        ("posthog", "track", "Clicked", {"x": 1}),
        ("posthog", "track", "Browser Form", {"x": 2}),
        ("posthog", "identify", None, {"plan": "pro"}),
        ("posthog", "identify", None, {"email": "e"}),
    ]


def test_amplitude_event_object_form() -> None:
    code = 'amplitude.track({ event_type: "Played", event_properties: { song: "x" } })'
    call = one(code)
    assert (call.event, shape(call.properties)) == ("Played", {"song": "x"})


def test_custom_wrapper_bare_function() -> None:
    spec = wrapper("trackEvent")
    call = one('trackEvent("Wrapped", { a: 1 })', specs=spec)
    assert (call.sdk, call.event, shape(call.properties)) == ("custom", "Wrapped", {"a": 1})


# --------------------------------------------------------------------------- constants & modules


@pytest.mark.parametrize("path", ALL)
def test_same_file_constants(path: str) -> None:
    code = """
export const ORDER = "Order Completed";
const Events = Object.freeze({ SIGNUP: "Signed Up", Nested: { LOGIN: "Logged In" } });
const ALIAS = Events.SIGNUP;
const { SIGNUP } = Events;
let mutable = "not a constant";
analytics.track(ORDER);
analytics.track(Events.SIGNUP);
analytics.track(Events["SIGNUP"]);
analytics.track(Events.Nested.LOGIN);
analytics.track(ALIAS);
analytics.track(SIGNUP);
analytics.track(mutable);
analytics.track("E", { [ORDER]: 1 });
"""
    found = calls(code, path)
    assert [(c.event, c.event_kind, c.event_ref) for c in found] == [
        ("Order Completed", "constant", "ORDER"),
        ("Signed Up", "constant", "Events.SIGNUP"),
        ("Signed Up", "constant", "Events.SIGNUP"),
        ("Logged In", "constant", "Events.Nested.LOGIN"),
        ("Signed Up", "constant", "ALIAS"),
        ("Signed Up", "constant", "SIGNUP"),
        (None, "dynamic", "mutable"),
        ("E", "literal", None),
    ]
    assert shape(found[-1].properties) == {"Order Completed": 1}


@pytest.mark.parametrize("path", TS)
def test_typescript_constants(path: str) -> None:
    code = """
export const Events = { ORDER: "Order Completed" } as const;
export enum Names { Signup = "Signed Up", Count = 3 }
const enum Hidden { Login = "Logged In" }
analytics.track(Events.ORDER);
analytics.track(Names.Signup);
analytics.track(Hidden.Login);
analytics.track(Names.Count);
"""
    result = extract(code, path)
    assert [(c.event, c.event_kind) for c in result.calls] == [
        ("Order Completed", "constant"), ("Signed Up", "constant"), ("Logged In", "constant"),
        (None, "dynamic")]
    assert result.exports == {"Events.ORDER": "Order Completed", "Names.Signup": "Signed Up"}


def test_constants_respect_scope() -> None:
    code = """
function a() {
  const event = "A";
  analytics.track(event);
}
function b(event) {
  analytics.track(event);
}
const SHADOW = "outer";
function c() {
  const SHADOW = "inner";
  analytics.track(SHADOW);
}
"""
    assert [(c.event, c.event_kind) for c in calls(code)] == [
        ("A", "constant"), (None, "dynamic"), ("inner", "constant")]


def test_exports_and_imports_maps() -> None:
    code = """
import { ORDER as O, SIGNUP } from "./events";
import Events from "./events";
import * as ev from "./events";
const { LOGIN } = require("./more");
export const A = "a";
const B = "b";
const Hidden = "h";
export { B, B as C };
export default { D: "d", Nested: { E: "e" } };
analytics.track(O);
analytics.track(Events.X);
analytics.track(ev.Y);
"""
    result = extract(code)
    assert result.imports == {
        "O": ("./events", "ORDER"),
        "SIGNUP": ("./events", "SIGNUP"),
        "Events": ("./events", "default"),
        "ev": ("./events", "*"),
        "LOGIN": ("./more", "LOGIN"),
    }
    assert result.exports == {"A": "a", "B": "b", "C": "b", "default.D": "d",
                              "default.Nested.E": "e"}
    assert [(c.event, c.event_kind, c.event_ref) for c in result.calls] == [
        (None, "dynamic", "O"), (None, "dynamic", "Events.X"), (None, "dynamic", "ev.Y")]


def test_export_default_of_a_constant_object() -> None:
    result = extract('const Events = { ORDER: "Order Completed" } as const;\nexport default Events;\n',
                     "events.ts")
    assert result.exports == {"default.ORDER": "Order Completed"}


def test_commonjs_exports() -> None:
    result = extract('module.exports = { ORDER: "Order Completed" };\nexports.LOGIN = "Logged In";\n')
    assert result.exports == {"ORDER": "Order Completed", "default.ORDER": "Order Completed",
                              "LOGIN": "Logged In", "default.LOGIN": "Logged In"}


# --------------------------------------------------------------------------- spans


def test_exact_spans() -> None:
    code = 'const x = 1;\n  analytics.track("Order Completed",\n    { total: 1 });\n'
    call = one(code)
    s = call.span
    assert (s.line, s.column, s.end_line, s.end_column) == (2, 3, 3, 18)
    e = call.event_span
    assert (e.line, e.column, e.end_line, e.end_column) == (2, 19, 2, 36)
    key = call.properties.properties["total"].key_span
    assert (key.line, key.column, key.end_column) == (3, 7, 12)


@pytest.mark.parametrize("path", ALL)
def test_non_ascii_shifts_code_point_and_utf16_columns(path: str) -> None:
    code = 'const s = "é🎉"; analytics.track("E")\n'
    call = one(code, path)
    prefix = 'const s = "é🎉"; '
    assert call.span.column == len(prefix) + 1  # code points
    assert call.span.column_utf16 == len(prefix.encode("utf-16-le")) // 2 + 1  # 🎉 is 2 units
    assert call.span.column_utf16 == call.span.column + 1
    length = len('analytics.track("E")')
    assert call.span.end_column == call.span.column + length
    assert call.span.end_column_utf16 == call.span.column_utf16 + length
    assert call.event_span.column == len(prefix) + len("analytics.track(") + 1


def test_crlf_and_bom() -> None:
    data = '\ufeffconst a = 1;\r\nanalytics.track("E")\r\n'.encode("utf-8")
    (call,) = extract_file("app.js", data, SPECS).calls
    assert (call.span.line, call.span.column, call.span.end_column) == (2, 1, 21)


# --------------------------------------------------------------------------- comments, strings, directives


@pytest.mark.parametrize("path", ALL)
def test_comments_and_strings_produce_nothing(path: str) -> None:
    code = """
// analytics.track("line comment")
/* analytics.track("block comment") */
/**
 * analytics.track("doc comment")
 */
const a = "analytics.track('string')";
const b = `analytics.track("template") ${x}`;
const c = /analytics.track\\("regex"\\)/;
"""
    result = extract(code, path)
    assert result.calls == [] and result.notices == []


def test_directives_from_comments_only() -> None:
    code = """// tracklint: ignore-file[TL003]
analytics.track("A"); // tracklint: ignore[TL001]
/* tracklint: ignore[TL002, tl004] */
analytics.track("B");
const s = "tracklint: ignore[TL009]";
const t = `tracklint: ignore[TL008]`;
"""
    result = extract(code)
    assert [(d.line, d.codes, d.file_level, d.own_line) for d in result.directives] == [
        (1, ("TL003",), True, True),
        (2, ("TL001",), False, False),
        (3, ("TL002", "TL004"), False, True),
    ]
    assert (result.directives[1].column, result.directives[1].end_column) == (23, 50)


@pytest.mark.parametrize("path", ["app.jsx", "app.tsx"])
def test_jsx_comment_directive(path: str) -> None:
    code = """
export const A = () => (
  <div>
    {/* tracklint: ignore[TL001] */}
    <b onClick={() => analytics.track("Clicked")}>analytics.track("text")</b>
  </div>
);
"""
    result = extract(code, path)
    assert [(d.line, d.codes, d.own_line) for d in result.directives] == [(4, ("TL001",), True)]
    assert [(c.event, c.span.line) for c in result.calls] == [("Clicked", 5)]


# --------------------------------------------------------------------------- robustness


BROKEN = [
    # A broken function head: tree-sitter's recovery swallows the body into one ERROR region.
    'analytics.track("Before");\nfunction broken( { return 1\nanalytics.track("Lost", {x: 1);\n'
    '}\nconst y = 2;\nanalytics.track("After");\n',
    # An unclosed object literal inside one call.
    'analytics.track("Before");\nanalytics.track("Lost", { a: 1, b: );\nanalytics.track("After");\n',
    # A stray token between calls.
    'analytics.track("Before");\n) ) analytics.track("Lost" ;\nanalytics.track("After");\n',
]


@pytest.mark.parametrize("path", ALL)
@pytest.mark.parametrize("code", BROKEN)
def test_syntax_errors_keep_valid_calls_and_never_drop_silently(code: str, path: str) -> None:
    result = extract(code, path)
    events = [c.event for c in result.calls]
    assert events[0] == "Before" and events[-1] == "After"
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    if "Lost" not in events:
        # The region that hides the lost call is reported, and the message points at its name.
        lines = code.split("\n")
        row = next(i for i, line in enumerate(lines) if "Lost" in line)
        assert [n.line <= row + 1 <= n.end_line for n in notices] == [True]
        column = lines[row].index("track") + 1
        assert f"`track(` at line {row + 1}, column {column} may hide an analytics call" \
            in notices[0].message


def test_syntax_error_without_method_name_is_quiet() -> None:
    result = extract('const x = (1 + ;\nanalytics.track("Ok");\n')
    assert [c.event for c in result.calls] == ["Ok"]
    assert result.notices == []


def test_syntax_error_region_ignores_names_in_strings() -> None:
    # An unreadable region whose only mention of a method name is inside a string.
    code = 'const urls = ["/capture/", "/track/"];\nfunction broken( {\n  const s = "track";\n}\n'
    result = extract(code, "app.ts")
    assert result.calls == [] and result.notices == []


def test_minified_one_line_file() -> None:
    body = ";".join(
        f'function f{i}(a){{return a+{i}}}window.analytics.track("E{i}",{{i:{i},s:"é"}})'
        for i in range(300)
    )
    found = calls("!function(){" + body + "}();", "bundle.min.js")
    assert [c.event for c in found] == [f"E{i}" for i in range(300)]
    assert all(c.span.line == 1 for c in found)
    last = found[-1]
    start = ("!function(){" + body).rindex('window.analytics.track("E299"')
    assert last.span.column == start + 1 and last.span.column_utf16 == start + 1


def test_deep_nesting_does_not_recurse() -> None:
    depth = 5000
    code = 'analytics.track("Deep", ' + "{a:" * depth + "1" + "}" * depth + ")"
    call = one(code)
    assert call.event == "Deep"
    value, levels = call.properties, 0
    while value.properties is not None:
        value, levels = value.properties["a"], levels + 1
    assert 10 < levels < depth and value.type == "unknown"
    arrays = 'analytics.track("Deep", ' + "[" * depth + "]" * depth + ")"
    assert one(arrays).event == "Deep"


def test_deep_expression_nesting_in_receiver_and_event() -> None:
    depth = 3000
    code = "(" * depth + "analytics" + ")" * depth + '.track(' + "(" * depth + '"E"' + ")" * depth + ")"
    assert one(code).event == "E"


_LANG_PATHS = ["x.js", "x.ts", "x.tsx"]


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400), path=st.sampled_from(_LANG_PATHS))
@example(data=b"analytics.track(", path="x.js")
@example(data=b'analytics.track("\xff\xfe", {', path="x.ts")
@example(data=b"\xef\xbb\xbfanalytics.track(`${`${", path="x.tsx")
@example(data=b"\xff\xfea\x00", path="x.js")
def test_never_raises_on_bytes(data: bytes, path: str) -> None:
    result = extract_file(path, data, SPECS)
    assert not [n for n in result.notices if n.kind == "internal"]


_JS_ALPHABET = st.sampled_from(
    ["analytics", ".", "track", "page", "(", ")", "{", "}", "[", "]", ",", ":", "...", '"E"', "`",
     "${", "'", "1", "-", "as", "const", "<", ">", "/*", "*/", "//", "\n", " ", "é", "🎉", "!",
     "?.", "new", "PostHog", "=", ";", "import", "from", "enum", "x", "\\"]
)


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(_JS_ALPHABET, max_size=60), path=st.sampled_from(_LANG_PATHS))
def test_never_raises_on_js_like_text(parts: list[str], path: str) -> None:
    text = "".join(parts)
    result = extract_file(path, text.encode("utf-8"), SPECS)
    assert not [n for n in result.notices if n.kind == "internal"]
    lines = text.split("\n")
    for call in result.calls:  # locations lie inside the text
        assert 1 <= call.span.line <= call.span.end_line <= len(lines)
        assert 1 <= call.span.column <= len(lines[call.span.line - 1]) + 1


# --------------------------------------------------------------------------- fixtures


_EXPECT = re.compile(r"expect: (\S+)\.(\S+) (\S+) (\S+)")


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.iterdir()))
def test_fixture_files(name: str) -> None:
    """Each ``// expect: SDK.KIND EVENT EVENT_KIND`` comment (``_`` for spaces, ``-`` for no
    event) describes the call on the next line; no other line may hold a call."""
    path = FIXTURES / name
    text = path.read_text("utf-8")
    expected = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _EXPECT.search(line)
        if match:
            sdk, kind, event, event_kind = match.groups()
            expected[number + 1] = (sdk, kind, None if event == "-" else event.replace("_", " "),
                                    event_kind)
    result = extract_file(name, path.read_bytes(), SPECS)
    assert result.notices == []
    got = {c.span.line: (c.sdk, c.kind, c.event, c.event_kind) for c in result.calls}
    assert got == expected
    assert len(result.calls) == len(expected)


def test_raw_call_receiver_parts() -> None:
    """The RawCall handed to match_call: receiver chain with calls, ?. and ! removed."""
    seen: list[RawCall] = []
    spec = CallSpec(sdk="probe", method="track", kind="track", languages=JS, receivers=("*", ""),
                    event=(ArgRef(position=0),))

    import tracklint.extract.javascript as js

    original = js.match_call

    def spy(raw: RawCall, specs: Any, **kw: Any) -> Any:
        seen.append(raw)
        return original(raw, specs, **kw)

    code = (
        'getAnalytics().track("a");\n(window as any).analytics!.track("b");\n'
        'this.props.analytics?.track("c");\nclients[i].track("d");\ntrack("e");\n'
        'a["b"].track("f");\n'
    )
    try:
        js.match_call = spy
        extract(code, "app.ts", [spec])
    finally:
        js.match_call = original
    assert [r.receiver_parts for r in seen] == [
        ["getAnalytics"], ["window", "analytics"], ["this", "props", "analytics"],
        ["clients", "[]"], [], ["a", "b"]]
