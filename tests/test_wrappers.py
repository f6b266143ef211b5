"""Custom wrappers declared in the configuration, in every language."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from tracklint import engine
from tracklint.config import resolve_settings
from tracklint.errors import ConfigError

CONFIG = textwrap.dedent(
    """\
    [[wrappers]]
    function = "trackEvent"
    event = 0
    properties = 1

    [[wrappers]]
    function = "*.logEvent"
    event = 0
    properties = 1

    [[wrappers]]
    function = "sendAnalytics"
    event = {position = 0, key = "name"}
    properties = {position = 0, key = "props"}
    languages = ["javascript"]

    [[wrappers]]
    function = "track_event"
    event = 0
    properties = {kwargs = true, exclude = ["user_id"]}
    languages = ["python"]

    [[wrappers]]
    function = "Tracker.shared.log"
    event = "event"
    properties = "params"
    languages = ["swift"]
    """
)

SOURCES = {
    "web/a.js": (
        'trackEvent("Order Shipped", { carrier: "ups" });\n'
        'this.tracker.logEvent("Order Shipped", { carrier: "ups" });\n'
        'sendAnalytics({ name: "Order Shipped", props: { carrier: "ups" } });\n'
        'other.trackEvent2("Nope");\n'
    ),
    "web/b.tsx": 'export const X = () => <a onClick={() => trackEvent("Order Shipped", { carrier: "ups" })} />;\n',
    "server/c.py": 'track_event("Order Shipped", user_id="u1", carrier="ups")\nself.client.logEvent("Order Shipped", {"carrier": "ups"})\n',
    "ios/D.swift": 'Tracker.shared.log(event: "Order Shipped", params: ["carrier": "ups"])\n',
    "android/E.kt": 'tracker.logEvent("Order Shipped", mapOf("carrier" to "ups"))\ntrackEvent("Order Shipped", mapOf("carrier" to "ups"))\n',
}


@pytest.fixture
def wrapped(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "tracklint.toml").write_text(CONFIG)
    for name, text in SOURCES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_wrapper_calls_are_found_in_every_language(wrapped: Path) -> None:
    settings = resolve_settings(cwd=wrapped, overrides={"cache": False, "jobs": 1})
    calls = engine.scan(settings).calls
    found = sorted((c.path, c.span.line, c.event, c.sdk) for c in calls)
    assert found == [
        ("android/E.kt", 1, "Order Shipped", "custom"),
        ("android/E.kt", 2, "Order Shipped", "custom"),
        ("ios/D.swift", 1, "Order Shipped", "custom"),
        ("server/c.py", 1, "Order Shipped", "custom"),
        ("server/c.py", 2, "Order Shipped", "custom"),
        ("web/a.js", 1, "Order Shipped", "custom"),
        ("web/a.js", 2, "Order Shipped", "custom"),
        ("web/a.js", 3, "Order Shipped", "custom"),
        ("web/b.tsx", 1, "Order Shipped", "custom"),
    ]
    for call in calls:
        assert call.properties is not None and call.properties.properties is not None, call
        assert set(call.properties.properties) == {"carrier"}, (call.path, call.properties.properties)
        assert call.properties.properties["carrier"].value == "ups"


def test_wrappers_are_checked_against_the_plan(wrapped: Path) -> None:
    from tracklint.plan.load import load_plan_text

    plan = load_plan_text(
        "tracklint: 1\nevents:\n  Order Shipped:\n    description: x\n    properties:\n      carrier: {type: string, enum: [dhl]}\n",
        str(wrapped / "tracking-plan.yaml"),
    )
    settings = resolve_settings(cwd=wrapped, overrides={"cache": False, "jobs": 1})
    result = engine.run(settings, plan)
    assert sum(1 for d in result.active if d.code == "TL007") == 9


def test_a_wrapper_without_function_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "tracklint.toml").write_text('[[wrappers]]\nevent = 0\n')
    with pytest.raises(ConfigError, match="function"):
        resolve_settings(cwd=tmp_path)


def test_presets_can_be_turned_off(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.js").write_text('analytics.track("A");\nposthog.capture("B");\n')
    (tmp_path / "tracklint.toml").write_text('presets = ["posthog"]\n')
    calls = engine.scan(resolve_settings(cwd=tmp_path, overrides={"cache": False})).calls
    assert [(c.sdk, c.event) for c in calls] == [("posthog", "B")]
    (tmp_path / "tracklint.toml").write_text('presets = ["segmnt"]\n')
    with pytest.raises(ConfigError, match="unknown preset"):
        resolve_settings(cwd=tmp_path)


# A wrapper's own body passes its parameters on to the SDK: TL010/TL011 cannot ask for a literal
# there (issue #13). Each file defines one configured wrapper and one plain function with the
# same body: only the plain function's call is reported.
FORWARDING_CONFIG = textwrap.dedent(
    """\
    [[wrappers]]
    function = "trackEvent"

    [[wrappers]]
    function = "AnalyticsTracker.track"

    [[wrappers]]
    function = "record_event"

    [[wrappers]]
    function = "identifyUser"
    kind = "identify"
    """
)
FORWARDING_SOURCES = {
    "web/track.ts": (
        "export function trackEvent(name: string, props?: object) {\n"
        "  analytics.track(name, props);\n"
        "}\n"
        "export const notAWrapper = (name: string) => analytics.track(name, {});\n"
        "export const identifyUser = (id: string, traits: object) => analytics.identify(id, traits);\n"
        "export function identifySomeone(id: string, traits: object) { analytics.identify(id, traits); }\n"
    ),
    "web/tracker.js": (
        "class AnalyticsTracker {\n"
        "  static track(opts) {\n"
        "    queue.push(() => posthog.capture(opts.event, opts.properties));\n"
        "  }\n"
        "  static other(opts) { posthog.capture(opts.event, {}); }\n"
        "}\n"
    ),
    "server/events.py": (
        "def record_event(event, properties=None):\n"
        "    posthog.capture('u1', event, properties)\n"
        "\n"
        "def helper(event):\n"
        "    posthog.capture('u1', event, {})\n"
    ),
    "android/Tracker.kt": (
        "object AnalyticsTracker {\n"
        "    fun track(event: String, props: Map<String, Any>) {\n"
        "        Analytics.with(context).track(event, props)\n"
        "    }\n"
        "    fun log(event: String) { Analytics.with(context).track(event) }\n"
        "}\n"
    ),
    "ios/Tracker.swift": (
        "enum AnalyticsTracker {\n"
        "    static func track(_ event: String, properties: [String: Any]) {\n"
        "        Analytics.shared().track(event, properties: properties)\n"
        "    }\n"
        "    static func log(_ event: String) { Analytics.shared().track(event) }\n"
        "}\n"
    ),
}


def test_a_wrappers_own_forwarding_call_is_not_unverifiable(tmp_path: Path) -> None:
    from tracklint.plan.load import load_plan_text

    (tmp_path / ".git").mkdir()
    (tmp_path / "tracklint.toml").write_text(FORWARDING_CONFIG)
    for name, text in FORWARDING_SOURCES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    plan = load_plan_text("tracklint: 1\nidentify:\n  traits: {email: {type: string}}\nevents: {}\n",
                          str(tmp_path / "tracking-plan.yaml"))
    settings = resolve_settings(cwd=tmp_path, overrides={"cache": False, "jobs": 1})
    reported = sorted((d.location.path, d.location.line, d.code) for d in engine.run(settings, plan).active
                      if d.code in ("TL010", "TL011"))
    assert reported == [
        ("android/Tracker.kt", 5, "TL010"),
        ("ios/Tracker.swift", 5, "TL010"),
        ("server/events.py", 5, "TL010"),
        ("web/track.ts", 4, "TL010"),
        ("web/track.ts", 6, "TL011"),
        ("web/tracker.js", 5, "TL010"),
    ]


_FORWARD_TEXT = st.text(alphabet=st.sampled_from(list("fun def function track(e, p) { } => : \n\t.=\"'x")), max_size=120)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_FORWARD_TEXT, suffix=st.sampled_from([".ts", ".py", ".kt", ".swift"]),
       start=st.integers(0, 130), length=st.integers(0, 20))
def test_forwarding_never_raises_on_arbitrary_text(tmp_path: Path, text: str, suffix: str, start: int, length: int) -> None:
    from tracklint.extract.base import Span, TrackCall, unknown
    from tracklint.extract.languages import language_for
    from tracklint.forwarding import forwarding_calls

    (tmp_path / f"a{suffix}").write_text(text)
    span = Span(1, 1, 1, 2, 1, 2, start, start + length)
    call = TrackCall(f"a{suffix}", language_for(f"a{suffix}"), span, "segment", "analytics", "track", "track",
                     None, "dynamic", event_text="e", properties=unknown("p"))
    found = forwarding_calls(tmp_path, [call], [{"function": "track"}])
    assert found <= {(f"a{suffix}", start)}


def test_a_python_wrapper_scoped_to_a_module_is_matched_only_where_imported_from_it(tmp_path: Path) -> None:
    """issue #13 item 5 in Python: `module` limits a function to where it is imported from that
    module, absolutely, relatively (resolved from the file's folder) or from a submodule, so a
    test helper or another module's function of the same name is not the app's tracker."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "tracklint.toml").write_text(
        '[[wrappers]]\nfunction = "capture"\nmodule = "app.analytics"\nlanguages = ["python"]\n'
        '[[wrappers]]\nfunction = "tracker.log"\nmodule = ["app.analytics"]\nlanguages = ["python"]\n')
    files = {
        "src/app/views.py": "from .analytics import capture, tracker\ncapture('Relative Import')\n"
                            "tracker.log('Relative Receiver')\n",
        "app/jobs.py": "from app.analytics.events import capture\ncapture('Submodule')\n",
        "app/tasks.py": "from app.analytics import capture\ncapture('Absolute Import')\n",
        "tests/helpers.py": "def capture(name):\n    return name\n\ncapture('Own Helper')\n",
        "tests/test_views.py": "from tests.helpers import capture, tracker\ncapture('Test Helper')\n"
                               "tracker.log('Test Tracker')\n",
        "app/other.py": "from .analytics_v2 import capture\ncapture('Other Module')\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    calls = engine.scan(resolve_settings(cwd=tmp_path, overrides={"cache": False, "jobs": 1})).calls
    assert sorted((c.path, c.event, c.sdk) for c in calls) == [
        ("app/jobs.py", "Submodule", "custom"),
        ("app/tasks.py", "Absolute Import", "custom"),
        ("src/app/views.py", "Relative Import", "custom"),
        ("src/app/views.py", "Relative Receiver", "custom"),
    ]
