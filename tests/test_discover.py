"""In-house trackers: scan and init name the facade no preset reads and the wrapper to declare."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from tracklint.cli import app
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
    assert "AnalyticsTracker.track(…): 8 calls in 2 files (first: android/app/src/main/java/acme/Cart.kt:1)" in result.stderr
    toml = result.stderr[result.stderr.index("[[wrappers]]"):]
    (tmp_path / "tracklint.toml").write_text("\n".join(line.strip() for line in toml.splitlines()) + "\n")
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
    assert "tracker.trackEvent(…): 5 calls in 1 file" in result.stderr and 'function = "tracker.trackEvent"' in result.stderr
