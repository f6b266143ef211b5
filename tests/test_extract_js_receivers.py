"""JavaScript / TypeScript receivers by data flow (issue #13 items 1, 2 and 5): a client under
any name when the code says what it is (an SDK hook, constructor or factory, a declared type, a
function that returns one, another module of the project that binds it), the app's own objects
never labelled with an SDK, and wrappers scoped to where their name comes from."""

from __future__ import annotations

import json
import keyword
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.config import ConfigError, validate_wrappers
from tracklint.extract import extract_file
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "extract" / "js_receivers"
SPECS = build_specs(DEFAULT_PRESETS)


def _found(name: str, path: str | None = None, specs=SPECS) -> list[tuple[int, str, str, str | None]]:
    data = (FIXTURES / name).read_bytes()
    result = extract_file(path or name, data, specs)
    assert not [n for n in result.notices if n.kind == "internal"], result.notices
    return [(c.span.line, c.sdk, c.kind, c.event) for c in result.calls]


def _code(code: str, path: str = "app.ts", specs=SPECS) -> list[tuple[str, str, str | None]]:
    return [(c.sdk, c.kind, c.event) for c in extract_file(path, code.encode(), specs).calls]


def test_clients_from_the_sdk_hook_under_any_name_and_destructured() -> None:
    assert _found("hooks.tsx") == [
        (12, "posthog", "track", "draft_saved"),  # const postHog = usePostHog(); postHog?.capture
        (13, "posthog", "identify", None),  # const ph = usePostHog()
        (14, "posthog", "track", "panel_closed"),  # const { capture } = usePostHog()
        # `const { track } = useAnalytics()` with the app's own hook: found, but not Segment's
        (15, "unknown", "track", "app_hook_event"),
    ]


@pytest.mark.parametrize("path", ["typed.ts", "typed.tsx"])
def test_clients_known_by_their_declared_type(path: str) -> None:
    assert _found("typed.ts", path) == [
        (9, "posthog", "track", "export_finished"),  # let shared: PostHog | null
        (18, "posthog", "track", "invoice_charged"),  # private ph?: PostHog
        (19, "segment", "track", "Invoice Charged"),  # constructor(private readonly segment: Analytics)
        # `private readonly analytics: Tracker`, the app's class: named like Segment's client only
        (20, "unknown", "track", "in_house_tracker_event"),
        (25, "posthog", "identify", None),  # function onLogin(client: PostHog, ...)
    ]


def test_clients_from_constructors_factories_and_functions_that_return_them() -> None:
    assert _found("factories.ts") == [
        (30, "posthog", "track", "nightly_report"),  # new PostHog(key)
        (31, "segment", "track", "Report Viewed"),  # AnalyticsBrowser.load(...)
        (32, "mixpanel", "track", "report_mailed"),  # Mixpanel.init(token)
        (33, "mixpanel", "track", "report_opened"),  # mixpanel.init(token, config, name)
        (34, "amplitude", "track", "report_shared"),  # amplitude.createInstance()
        # rudder-sdk-node's default export (named like Segment's Analytics class elsewhere)
        (35, "rudderstack", "track", "report_archived"),
        (36, "posthog", "track", "from_annotation"),  # function f(): PostHog | undefined
        (38, "posthog", "track", "from_return"),  # a function whose body returns new PostHog
        (40, "posthog", "alias", None),  # const f = () => new PostHog(...)
    ]


@pytest.mark.parametrize(("code", "expected"), [
    ('import { createClient } from "@segment/analytics-react-native"\n'
     'const segmentClient = createClient({ writeKey: "wk" }); segmentClient.track("Opened")',
     [("segment", "track", "Opened")]),
    ('import { RudderAnalytics } from "@rudderstack/analytics-js"\n'
     'const ra = new RudderAnalytics(); ra.track("Opened")', [("rudderstack", "track", "Opened")]),
    ('import { Mixpanel } from "mixpanel-react-native"\n'
     'const m = new Mixpanel("t", true); m.track("Opened")', [("mixpanel", "track", "Opened")]),
])
def test_clients_of_the_other_sdks(code: str, expected: list) -> None:
    assert _code(code) == expected


@pytest.mark.parametrize(("code", "expected"), [
    # require() keeps binding the module, though it is a call too
    ('const amp = require("@amplitude/analytics-node"); amp.track("required")',
     [("amplitude", "track", "required")]),
    # another call's result under the same name in an inner scope leaves the client alone
    ('const c = new PostHog("k"); function f() { const c = other(); } c.capture("outer")',
     [("posthog", "track", "outer")]),
])
def test_a_call_result_never_hides_what_is_known(code: str, expected: list) -> None:
    assert _code(code, "app.js") == expected


def test_a_hook_of_another_package_or_module_makes_no_client() -> None:
    assert _code('import { usePostHog } from "./fake"\nconst ph = usePostHog(); ph.capture("x")') == []
    assert _code('const ph = makeThing(); ph.capture("x")') == []


_IDENT = st.from_regex(r"[a-z_$][A-Za-z0-9_$]{0,12}", fullmatch=True).filter(
    lambda s: not keyword.iskeyword(s) and s not in {
        "usePostHog", "let", "var", "new", "this", "void", "typeof", "delete", "in", "of", "do",
        "if", "for", "try", "case", "else", "enum", "with", "yield", "await", "const", "class",
        "super", "throw", "while", "break", "catch", "export", "import", "return", "switch",
        "default", "extends", "finally", "continue", "debugger", "function", "instanceof",
        "static", "true", "false", "null", "undefined", "async", "package", "private",
        "public", "protected", "interface", "implements", "declare", "type", "as", "is"})


@settings(max_examples=40, deadline=None)
@given(name=_IDENT)
def test_any_variable_name_holds_the_hook_client(name: str) -> None:
    code = (f'import {{ usePostHog }} from "posthog-js/react"\n'
            f'function C() {{ const {name} = usePostHog(); {name}?.capture("tapped", {{ n: 1 }}) }}')
    assert _code(code, "app.tsx") == [("posthog", "track", "tapped")]


@pytest.mark.parametrize(("code", "expected"), [
    ('import posthog from "posthog-js"\nposthog.captureException(err, { page: "x" })',
     [("posthog", "builtin", None)]),
    ('import posthog from "posthog-js"\nposthog.setPersonProperties({ plan: "pro" })',
     [("posthog", "identify", None)]),
    ('import posthog from "posthog-react-native"\nposthog.screen("Settings", { tab: 2 })',
     [("posthog", "screen", "Settings")]),
    ('const c = new PostHog("k")\nc.captureImmediate({ distinctId: "u", event: "flushed" })',
     [("posthog", "track", "flushed")]),
    ('const c = new PostHog("k")\nc.groupIdentifyImmediate({ groupType: "org", groupKey: "o" })',
     [("posthog", "group", None)]),
    ('mixpanel.track_links("#nav a", "Nav Clicked", { menu: "top" })', [("mixpanel", "track", "Nav Clicked")]),
    ('mixpanel.set_group("company", ["c1"])', [("mixpanel", "group", None)]),
    ('import { identify, revenue } from "@amplitude/analytics-browser"\nidentify(who); revenue(r)',
     [("amplitude", "identify", None), ("amplitude", "builtin", None)]),
    ('amplitude.setGroup("org", "o1"); amplitude.groupIdentify("org", "o1", props)',
     [("amplitude", "group", None), ("amplitude", "group", None)]),
])
def test_sdk_methods_beyond_track(code: str, expected: list) -> None:
    assert _code(code) == expected


@pytest.mark.parametrize("code", [
    "Sentry.captureException(err)",  # not PostHog's
    'function identify(user) {}\nidentify(me); setGroup("a", "b")',  # the app's own functions
    'matcher.track_links("a", "b")',
])
def test_lookalikes_stay_out(code: str) -> None:
    assert _code(code) == []


def _scan(root: Path, *flags: str) -> list[tuple[str, int, str, str, str | None]]:
    out = subprocess.run([sys.executable, "-m", "tracklint", "scan", "--isolated", "-q", "-f", "json",
                          *flags, "."], cwd=root, capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    return [(c["path"], c["line"], c["sdk"], c["kind"], c["event"]) for c in data["calls"]]


def test_a_client_imported_from_the_module_of_the_project_that_binds_it(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "project", tmp_path / "project")
    root = tmp_path / "project"
    expected = [
        ("src/pages/signup.ts", 5, "posthog", "track", "account_created"),
        ("src/pages/signup.ts", 7, "posthog", "group", None),
        # `notAClient` is exported too, but the module binds it to no client: no call
    ]
    for flags in (("--no-cache",), ()):  # the second run stores the records in the cache
        assert _scan(root, *flags) == expected
    # the module that binds the client is parsed although nothing in it is a tracked call; with
    # the client gone from it, its importers' calls go too (signup.ts's record from the cache)
    lib = root / "src" / "lib" / "telemetry.ts"
    lib.write_text(lib.read_text().replace(": PostHog | null = process.env.PH_KEY ? new PostHog(process.env.PH_KEY) : null",
                                           " = null"))
    assert [c[1] for c in _scan(root)] == [7]


_SCOPED = [
    {"function": "capture", "from": "usePostHogClientCapture", "languages": ["javascript"]},
    {"function": "track", "module": "@/lib/analytics", "languages": ["javascript"]},
    {"function": "tracker.log", "from": ["useTracker"], "languages": ["javascript"]},
]


@pytest.mark.parametrize(("code", "expected"), [
    ('import { usePostHogClientCapture } from "@/hooks/ph"\n'
     'const capture = usePostHogClientCapture(); capture("a", { x: 1 })', ["a"]),
    ('import { usePostHogClientCapture } from "@/hooks/ph"\n'
     'const { capture } = usePostHogClientCapture(); capture("b")', ["b"]),
    ('function capture(name) {}\ncapture("test_helper")', []),  # a same-named local helper
    ('import { track } from "@/lib/analytics"\ntrack("c")', ["c"]),
    ('import { track as send } from "@/lib/analytics/browser"\nsend("d")', ["d"]),  # a submodule
    ('import { track } from "./test-utils"\ntrack("from_test_utils")', []),
    ('const tracker = useTracker(); tracker.log("e")', ["e"]),
    ('class A { constructor() { this.tracker = useTracker() } f() { this.tracker.log("f") } }', ["f"]),
    ('tracker.log("unbound")', []),
])
def test_scoped_bare_wrappers(code: str, expected: list[str]) -> None:
    specs = build_specs((), validate_wrappers(_SCOPED, None))
    assert [event for _sdk, _kind, event in _code(code, "app.ts", specs)] == expected


@pytest.mark.parametrize("entry", [
    {"function": "capture", "from": ""},
    {"function": "capture", "from": []},
    {"function": "capture", "module": 3},
    {"function": "capture", "module": ["ok", ""]},
])
def test_a_bad_scope_is_a_configuration_error(entry: dict) -> None:
    with pytest.raises(ConfigError):
        validate_wrappers([entry], None)


def test_stdin_check_finds_a_client_bound_in_another_module(tmp_path: Path) -> None:
    from test_cli import project
    from test_stdin import invoke

    lib = (FIXTURES / "project" / "src" / "lib" / "telemetry.ts").read_text()
    root = project(tmp_path, {"src/lib/telemetry.ts": lib, "src/pages/signup.ts": ""})
    text = (FIXTURES / "project" / "src" / "pages" / "signup.ts").read_text()
    checked = invoke("check", "--no-cache", "-f", "json", "--stdin-filename", "src/pages/signup.ts",
                     "-", cwd=root, input=text)
    events = {(d["line"], d["code"]) for d in json.loads(checked.stdout)["diagnostics"]}
    assert (5, "TL001") in events  # `account_created` is not in the plan: the call was found


def test_a_confirmed_client_call_depends_on_the_module_that_binds_it() -> None:
    from tracklint.extract import linking
    from tracklint.extract.base import FileExtraction

    data = (FIXTURES / "project" / "src" / "pages" / "signup.ts").read_bytes()
    user = extract_file("src/pages/signup.ts", data, SPECS)
    lib = FileExtraction("src/lib/telemetry.ts", "typescript",
                         clients={"telemetry": "new:PostHog", "makeBatchClient()": "new:PostHog"})
    assert user.calls == []
    linking.resolve_clients([user, lib])
    linking.resolve_clients([user, lib])  # idempotent (the language server links again)
    assert [c.span.line for c in user.calls] == [5, 7]
    assert all(linking.depends_on(user, c, frozenset({"src/lib/telemetry.ts"}), set()) for c in user.calls)
    assert not linking.depends_on(user, user.calls[0], frozenset({"src/other.ts"}), set())
