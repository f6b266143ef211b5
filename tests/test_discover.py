"""In-house trackers: scan and init name the facade no preset reads and the wrapper to declare."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tracklint.cli import app
import json
import tomllib

from tracklint.config import read_config, settings_from_table, validate_wrappers
from tracklint.discover import MIN_CALLS, discover, wrapper_toml

# An app of our own words: a Kotlin facade called with enum entries, a Swift one called with
# enum cases, a TypeScript tracker called with strings; and look-alikes that are not trackers.
KOTLIN = "\n".join(
    f"fun screen{i}() {{ AnalyticsTracker.track(AnalyticsEvent.STEP_{i}, mapOf(\"n\" to {i})) }}"
    for i in range(4)
) + "\n"
SWIFT = "\n".join(f"    PodcastAnalytics.shared.track(.episode{i}, properties: [\"i\": {i}])" for i in range(5)) + "\n"
TS = "\n".join(f'this.tracker.trackEvent("Step {i}", {{ i: {i} }});' for i in range(5)) + "\n"
LOOKALIKES = "\n".join([
    'console.log("hello");', 'Sentry.captureMessage("boom");', "machine.tryEvent(.start);",
    'analytics.track("Planned Event");', "player.track(currentTrack);",
] * 6 + ['logger.logEvent("only once");']) + "\n"


def _files() -> dict[str, str]:
    return {
        "android/app/src/main/java/acme/Orders.kt": KOTLIN,
        "android/app/src/main/java/acme/Cart.kt": KOTLIN.replace("screen", "cart").replace("STEP", "CART"),
        "android/app/src/test/java/acme/OrdersTest.kt": KOTLIN * 3,  # tests are not counted
        "ios/Shop/Player.swift": SWIFT,
        "web/src/flow.ts": TS,
        "web/src/noise.ts": LOOKALIKES,
    }


def test_facades_are_counted_and_lookalikes_are_not() -> None:
    from tracklint.extract import extract_file
    from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

    files = [(path, text.encode()) for path, text in _files().items()]
    specs = build_specs(DEFAULT_PRESETS)
    calls = [c for path, data in files for c in extract_file(path, data, specs).calls]
    found = {f.function: (f.calls, len(f.files)) for f in discover(files, calls)}
    assert found == {
        "AnalyticsTracker.track": (8, 2),
        "PodcastAnalytics.shared.track": (5, 1),
        "tracker.trackEvent": (5, 1),
    }
    facades = discover(files, calls)
    # Swift passes the properties with a label: the declaration says so
    assert {f.function: f.where() for f in facades} == {
        "AnalyticsTracker.track": (0, 1), "PodcastAnalytics.shared.track": (0, "properties"), "tracker.trackEvent": (0, 1),
    }
    toml = wrapper_toml(facades, pyproject=True)
    assert toml.startswith('[[tool.tracklint.wrappers]]\nfunction = "AnalyticsTracker.track"\nevent = 0\n')
    assert 'function = "PodcastAnalytics.shared.track"\nevent = 0\nproperties = "properties"' in toml


def test_a_shape_seen_rarely_is_not_proposed() -> None:
    text = "\n".join(f'Tracker.log_event("E{i}")' for i in range(MIN_CALLS - 1)).encode()
    assert discover([("app.py", text)], []) == []
    assert [f.function for f in discover([("app.py", text + b'\nTracker.log_event("E")')], [])] == ["Tracker.log_event"]


def test_scan_proposes_the_wrapper_and_the_declaration_makes_the_calls_found(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    for rel, text in _files().items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["scan", "--no-cache", "-f", "concise"])
    assert result.exit_code == 0, result.output
    assert "18 calls look like an in-house tracker that no preset reads" in result.stderr
    assert ("AnalyticsTracker.track(…): 8 calls in 2 files (e.g. android/app/src/main/java/acme/Cart.kt:1, "
            "android/app/src/main/java/acme/Cart.kt:2)") in result.stderr
    # what scan --discover prints is the TOML to paste, as is
    result = runner.invoke(app, ["scan", "--no-cache", "--discover"])
    assert result.exit_code == 0, result.output
    (tmp_path / "tracklint.toml").write_text(result.stdout)
    result = runner.invoke(app, ["scan", "--no-cache", "-f", "concise"])
    assert result.exit_code == 0, result.output
    assert result.stdout.count(" custom track ") == 18 + 4 * 3  # the tests' calls are found, not proposed
    assert result.stdout.count("ios/Shop/Player.swift") == 5
    assert "in-house tracker" not in result.stderr


def test_init_says_so_too(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "flow.ts").write_text(TS)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert "wrote tracklint.toml: 1 wrapper for in-house trackers, 5 calls to check" in result.stderr
    assert "tracker.trackEvent(…): 5 calls in 1 file" in result.stderr
    assert 'function = "tracker.trackEvent"' in (tmp_path / "tracklint.toml").read_text()
    assert "Step 4:" in (tmp_path / "tracking-plan.yaml").read_text()


# A project of our own words whose trackers are functions that send their parameter to an SDK:
# a TS function and arrow function, a Python method, Swift static methods (one taking its event
# under a label); and a logger whose method has the same name as one of them.
FORWARDERS = {
    "web/src/track.ts": (
        'import posthog from "posthog-js";\n'
        "export function recordEvent(name: string, props?: object) {\n  posthog.capture(name, props);\n}\n"
        "export const tapped = (what: string) => {\n  posthog.capture(what);\n};\n"
    ),
    "web/src/page.ts": 'recordEvent("Plan Chosen", { tier: "pro" });\nrecordEvent("Plan Kept", {});\ntapped("Help Opened");\n',
    "svc/metrics.py": (
        "import posthog\n\nclass Metrics:\n    def emit(self, event_name, extra=None):\n"
        '        posthog.capture("anon", event_name, extra)\n\nmetrics = Metrics()\n'
        'metrics.emit("batch_done", {"size": 3})\n'
    ),
    "ios/Meter.swift": (
        "import PostHog\nenum Meter {\n    static func note(_ name: String, properties: [String: Any] = [:]) {\n"
        "        PostHogSDK.shared.capture(name, properties: properties)\n    }\n"
        "    static func mark(event name: String) {\n        PostHogSDK.shared.capture(name)\n    }\n}\n"
        'func opened() {\n    Meter.note("screen_shown", properties: ["n": 1])\n    Meter.mark(event: "tab_moved")\n'
        '    logger.note("not an event")\n}\n'
    ),
}


def _write(root: Path, files: dict[str, str]) -> None:
    (root / ".git").mkdir(exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def test_functions_that_forward_their_parameter_are_proposed_where_they_take_it(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, FORWARDERS)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["scan", "--no-cache", "--discover", "-f", "json"])
    assert result.exit_code == 0, result.output
    found = {w["function"]: w for w in json.loads(result.stdout)["wrappers"]}
    assert {f: (w["event"], w["properties"], w["calls"]) for f, w in found.items()} == {
        "recordEvent": (0, 1, 2), "tapped": (0, False, 1), "metrics.emit": (0, 1, 1),
        "Meter.note": (0, "properties", 1), "Meter.mark": ("event", False, 1),
    }  # logger.note is not Meter's
    assert found["recordEvent"]["examples"] == [{"path": "web/src/page.ts", "line": 1}, {"path": "web/src/page.ts", "line": 2}]
    assert found["recordEvent"]["definition"] == {"path": "web/src/track.ts", "line": 2}
    assert found["recordEvent"]["found_by"] == "forwarding"


def test_init_declares_them_in_a_config_that_loads_and_plans_their_events(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, FORWARDERS)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert "wrote tracklint.toml: 5 wrappers for in-house trackers, 6 calls to check" in result.stderr
    config = tmp_path / "tracklint.toml"
    settings_from_table(read_config(config), tmp_path, config)  # tracklint's own validation
    plan = (tmp_path / "tracking-plan.yaml").read_text()
    for event in ("Plan Chosen", "Help Opened", "batch_done", "screen_shown", "tab_moved"):
        assert f"{event}:" in plan
    assert "cannot read" not in plan  # the wrappers' own SDK calls are not left to plan by hand
    result = runner.invoke(app, ["check", "--no-cache", "-f", "json"])
    codes = {d["code"] for d in json.loads(result.stdout)["diagnostics"]}
    assert codes <= {"TL103"}, result.stdout  # nothing but the one summary of missing descriptions


def test_init_also_declares_the_functions_that_forward_to_a_tracker_it_declared(tmp_path: Path, monkeypatch) -> None:
    # checkoutStep passes its parameter to recordEvent, which is a wrapper only once declared
    _write(tmp_path, {**FORWARDERS, "web/src/checkout.ts": (
        "export function checkoutStep(step: string) {\n  recordEvent(step, { flow: 1 });\n}\n"
        'checkoutStep("Address Entered");\ncheckoutStep("Card Entered");\n')})
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert "added to tracklint.toml: 1 wrapper for in-house trackers, 2 calls to check" in result.stderr
    config = tmp_path / "tracklint.toml"
    wrappers = settings_from_table(read_config(config), tmp_path, config)["wrappers"]
    assert {"function": "checkoutStep", "event": 0, "properties": False} in wrappers
    assert "Address Entered:" in (tmp_path / "tracking-plan.yaml").read_text()
    result = runner.invoke(app, ["check", "--no-cache", "-f", "json"])
    assert {d["code"] for d in json.loads(result.stdout)["diagnostics"]} <= {"TL103"}, result.stdout


def test_init_leaves_an_existing_config_alone_without_force(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, FORWARDERS)
    config = tmp_path / "tracklint.toml"
    config.write_text('exclude = ["vendor/"]\n')
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert config.read_text() == 'exclude = ["vendor/"]\n'
    assert "tracklint.toml exists" in result.stderr and "--force" in result.stderr
    assert 'function = "recordEvent"' in result.stderr  # shown to paste
    result = runner.invoke(app, ["init", "--force"])
    assert result.exit_code == 0, result.output
    text = config.read_text()
    assert text.startswith('exclude = ["vendor/"]\n') and 'function = "recordEvent"' in text
    assert "added to tracklint.toml" in result.stderr
    assert len(settings_from_table(read_config(config), tmp_path, config)["wrappers"]) == 5


def test_init_adds_a_table_to_a_pyproject_without_clobbering_it(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, FORWARDERS)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "shop"\n\n[tool.black]\nline-length = 100\n')
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    data = tomllib.loads(pyproject.read_text())
    assert data["project"] == {"name": "shop"} and data["tool"]["black"] == {"line-length": 100}
    assert len(data["tool"]["tracklint"]["wrappers"]) == 5
    assert not (tmp_path / "tracklint.toml").exists()


def test_no_wrappers_writes_no_config(tmp_path: Path, monkeypatch) -> None:
    _write(tmp_path, FORWARDERS)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init", "--no-wrappers"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "tracklint.toml").exists()
    assert "Plan Chosen" not in (tmp_path / "tracking-plan.yaml").read_text()
    assert 'function = "recordEvent"' in result.stderr  # still proposed


def test_a_facade_whose_events_cannot_be_read_is_shown_not_declared(tmp_path: Path, monkeypatch) -> None:
    # `Signals.*` is defined nowhere in the project: declaring the facade would report each call.
    calls = "\n".join(f"fun s{i}() {{ Telemetry.track(Signals.STEP_{i}, mapOf()) }}" for i in range(6))
    _write(tmp_path, {"app/src/main/Flow.kt": calls + "\n"})
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "tracklint.toml").exists()
    assert "cannot read the event names" in result.stderr and 'function = "Telemetry.track"' in result.stderr


RULE_FILES = {
    # the facade's own file derives the wire name from the enum entry's name by a rule
    "app/src/main/Tracker.kt": (
        "class Tracker {\n    companion object {\n        fun track(stat: Stat, props: Map<String, Any>) {\n"
        "            val wire = stat.name.lowercase(Locale.ROOT)\n            sink.push(wire, props)\n        }\n    }\n}\n"
    ),
    "app/src/main/Screens.kt": "\n".join(f"fun a{i}() {{ Tracker.track(Stat.OPENED_{i}, mapOf()) }}" for i in range(3))
    + "\n" + "\n".join(f"fun b{i}() {{ trackerBridge.track(Stat.CLOSED_{i}, mapOf()) }}" for i in range(5)) + "\n",
    "ios/Kit/Log.swift": (
        "struct Log {\n    static func track(_ e: Stat, properties: [String: Any]) {}\n}\n"
        "extension Stat {\n    var wire: String { rawValue.camelToSnake() }\n}\n"
        + "\n".join(f"func c{i}() {{ Log.track(.tapped{i}, properties: [:]) }}" for i in range(5)) + "\n"
    ),
    "web/src/events.ts": "\n".join(f'bus.track(Stat.X_{i}, {{}});' for i in range(5)) + "\n",
    # a second Swift facade taking the same enum (its method says so), with no rule of its own
    "ios/Kit/Flow.swift": (
        "final class Flow {\n    static let shared = Flow()\n    func track(_ e: Stat) { Log.track(e, properties: [:]) }\n}\n"
        + "\n".join(f"func f{i}() {{ Flow.shared.track(.moved{i}) }}" for i in range(5)) + "\n"
    ),
}


def test_the_wire_name_rule_is_proposed_when_the_facade_derives_it() -> None:
    files = [(path, text.encode()) for path, text in RULE_FILES.items()]
    found = {f.function: f for f in discover(files, [])}
    # MIN_CALLS: Tracker.track (3 calls) is not proposed itself, but its file shows the rule
    assert set(found) == {"trackerBridge.track", "Log.track", "bus.track", "Flow.shared.track"}
    assert found["Log.track"].transform == "snake_case"
    assert found["Log.track"].transform_source.startswith("ios/Kit/Log.swift:5")
    assert found["Flow.shared.track"].transform == "snake_case"  # Flow.track takes a Stat too
    # trackerBridge is not Tracker, but passes the Stat that Tracker.track (with the rule) takes;
    # a TypeScript Stat is another enum
    assert found["trackerBridge.track"].transform == "lowercase"
    assert found["trackerBridge.track"].transform_source.startswith("app/src/main/Tracker.kt:4")
    assert found["bus.track"].transform is None
    toml = wrapper_toml([found["bus.track"]], pyproject=False)
    assert "no rule deriving their wire names was found" in toml and "Stat.X" in toml


def test_a_rule_is_shared_by_the_facades_called_with_the_same_enum() -> None:
    files = {**RULE_FILES, "app/src/main/Screens.kt": RULE_FILES["app/src/main/Screens.kt"]
             + "\n".join(f"fun d{i}() {{ Tracker.track(Stat.MOVED_{i}, mapOf()) }}" for i in range(2)) + "\n"}
    found = {f.function: f for f in discover([(p, t.encode()) for p, t in files.items()], [])}
    assert found["Tracker.track"].transform == "lowercase"
    assert found["trackerBridge.track"].transform == "lowercase"  # same enum, Stat
    assert found["bus.track"].transform is None  # a TypeScript Stat is another enum
    toml = wrapper_toml([found["Tracker.track"]], pyproject=False)
    assert tomllib.loads(toml)["wrappers"][0]["function"] == "Tracker.track"
    assert 'transform = "lowercase"' in toml  # a key, or (before tracklint reads it) a comment


def test_a_facade_called_with_property_variables_is_declared_without_them(tmp_path: Path, monkeypatch) -> None:
    # Declared with properties = 1, each call would be a TL011 on the first check after init.
    calls = "\n".join(f'fun s{i}(p: Map<String, Any>) {{ Telemetry.track("step_{i}", p) }}' for i in range(6))
    _write(tmp_path, {"app/src/main/Flow.kt": calls + "\n"})
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    entry = tomllib.loads((tmp_path / "tracklint.toml").read_text())["wrappers"][0]
    assert entry == {"function": "Telemetry.track", "event": 0, "properties": False}
    result = runner.invoke(app, ["check", "--no-cache", "-f", "json"])
    assert {d["code"] for d in json.loads(result.stdout)["diagnostics"]} <= {"TL103"}, result.stdout


def test_kotlin_calls_that_name_their_arguments_are_read_either_way() -> None:
    positional = [f"fun p{i}() {{ Hub.track(Ev.A_{i}, mapOf()) }}" for i in range(4)]
    named = [f"fun n{i}() {{\n    Hub.track(\n        stat = Ev.B_{i},\n        properties = mapOf(),\n    )\n}}" for i in range(2)]
    files = [("app/src/main/Hub.kt", ("\n".join(positional + named) + "\n").encode())]
    facade = discover(files, [])[0]
    assert (facade.function, facade.calls) == ("Hub.track", 6)
    assert facade.where() == ([0, "stat"], [1, "properties"])
    toml = tomllib.loads(wrapper_toml([facade], pyproject=False))
    assert toml["wrappers"][0]["event"] == [0, "stat"]
    validate_wrappers(toml["wrappers"], None)  # tracklint's own validation accepts it


def test_a_private_helper_forwarding_to_a_declared_facade_is_proposed_with_the_facade_rule(tmp_path: Path) -> None:
    from tracklint.extract import extract_file
    from tracklint.extract.presets import DEFAULT_PRESETS, build_specs
    from tracklint.forwarding import forwarders

    files = {
        "app/src/main/Tracker.kt": (
            "class Tracker {\n    companion object {\n        fun track(stat: Stat, props: Map<String, Any>) {\n"
            "            sink.push(stat.name.lowercase(Locale.ROOT), props)\n        }\n    }\n}\n"
        ),
        "app/src/main/Home.kt": "\n".join(f"fun h{i}() {{ Tracker.track(Stat.HOME_{i}, mapOf()) }}" for i in range(5)) + "\n",
        # called without a receiver, from its own class only
        "app/src/main/CardModel.kt": (
            "class CardModel {\n    fun open() { trackCard(Stat.CARD_OPENED) }\n    fun shut() { trackCard(Stat.CARD_SHUT) }\n"
            '    private fun trackCard(stat: Stat) {\n        Tracker.track(stat, mapOf("card" to 1))\n    }\n}\n'
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    specs = build_specs(DEFAULT_PRESETS, [{"function": "Tracker.track"}])
    pairs = [(path, text.encode()) for path, text in files.items()]
    calls = [c for path, data in pairs for c in extract_file(path, data, specs).calls]
    found = forwarders(tmp_path, calls)
    assert [(f.name, f.owner, f.event, f.event_type) for f in found] == [("trackCard", "CardModel", 0, "Stat")]
    facades = discover(pairs, calls, found)
    assert [(f.function, f.calls, f.transform) for f in facades] == [("trackCard", 2, "lowercase")]


def test_a_declared_transform_is_proposed_for_helpers_taking_the_same_enum(tmp_path: Path) -> None:
    from tracklint.extract import extract_file
    from tracklint.extract.presets import DEFAULT_PRESETS, build_specs
    from tracklint.forwarding import forwarders

    files = {
        "app/src/main/Home.kt": "\n".join(f"fun h{i}() {{ Hub.track(Ev.HOME_{i}, mapOf()) }}" for i in range(2)) + "\n",
        "app/src/main/Pane.kt": (
            "class Pane {\n    fun open() { note(Ev.PANE_OPENED) }\n"
            "    private fun note(ev: Ev) {\n        Hub.track(ev, mapOf())\n    }\n}\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    wrappers = [{"function": "Hub.track", "transform": "snake_case"}]
    specs = build_specs(DEFAULT_PRESETS, [{"function": "Hub.track"}])
    pairs = [(path, text.encode()) for path, text in files.items()]
    calls = [c for path, data in pairs for c in extract_file(path, data, specs).calls]
    found = forwarders(tmp_path, calls)
    facades = discover(pairs, calls, found, wrappers)
    assert [(f.function, f.calls, f.transform, f.transform_source) for f in facades] == [
        ("note", 1, "snake_case", "as declared for Hub.track")]
    assert discover(pairs, calls, found)[0].transform is None  # no declared rule: none proposed


def test_a_wrapper_spreading_its_properties_into_the_sdk_call(tmp_path: Path, monkeypatch) -> None:
    # The wrapper adds a `$lib` key of its own: the plan init writes must not then claim a
    # snake_case convention that check reports at once inside the wrapper.
    _write(tmp_path, {
        "server/track.ts": (
            'import { PostHog } from "posthog-node";\nconst client = new PostHog("key");\n'
            "export function emit(id: string, name: string, props?: object) {\n"
            '  client.capture({ distinctId: id, event: name, properties: { ...props, $lib: "srv" } });\n}\n'
        ),
        "server/orders.ts": 'emit("u1", "order_done", { order_id: 1 });\nemit("u2", "order_undone", { order_id: 2 });\n',
    })
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    entry = tomllib.loads((tmp_path / "tracklint.toml").read_text())["wrappers"][0]
    assert entry == {"function": "emit", "event": 1, "properties": 2}
    assert "no property name convention written: the wrappers' own calls add `$lib`" in result.stderr
    assert "order_id:" in (tmp_path / "tracking-plan.yaml").read_text()
    result = runner.invoke(app, ["check", "--no-cache", "-f", "json"])
    assert {d["code"] for d in json.loads(result.stdout)["diagnostics"]} <= {"TL103"}, result.stdout
