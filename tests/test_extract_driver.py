"""Tests for tracklint.extract.driver: the two ways of finding candidate calls agree."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracklint.extract import driver, extract_file, languages
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

from test_prefilter import sources

SPECS = build_specs(DEFAULT_PRESETS, [{"function": "trackEvent"}, {"function": "*.logAction"}])
#: The languages whose extractor runs on the driver, and every suffix of theirs.
_ROWS = [row for row in languages.LANGUAGES
         if hasattr(importlib.import_module(row.extractor), "GRAMMAR")]
DRIVEN = sorted(row.suffixes[0] for row in _ROWS)
FIXTURES = sorted(p for p in (Path(__file__).parent / "fixtures").rglob("*")
                  if p.suffix in {s for row in _ROWS for s in row.suffixes})


def _both_ways(path: str, data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """The extraction with candidates found at the names' offsets, and with the calls query."""
    with monkeypatch.context() as m:
        m.setattr(driver, "MAX_OFFSET_LOOKUPS", 10_000)
        by_offset = extract_file(path, data, SPECS, windows=False)
    with monkeypatch.context() as m:
        m.setattr(driver, "MAX_OFFSET_LOOKUPS", -1)
        by_query = extract_file(path, data, SPECS, windows=False)
    return by_offset, by_query


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_offsets_find_what_the_query_finds(data: st.DataObject, monkeypatch: pytest.MonkeyPatch) -> None:
    path, text = data.draw(sources())
    suffix = "." + path.rsplit(".", 1)[1]
    if suffix not in DRIVEN:
        path = "generated" + data.draw(st.sampled_from(DRIVEN))
    by_offset, by_query = _both_ways(path, text, monkeypatch)
    assert by_offset == by_query


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: str(p.relative_to(Path(__file__).parent)))
def test_offsets_and_query_agree_on_every_fixture(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    by_offset, by_query = _both_ways(path.name, path.read_bytes(), monkeypatch)
    assert by_offset == by_query
    assert by_offset.calls or not by_query.calls


@pytest.mark.parametrize(("path", "source", "ref"), [
    ("a.swift", "func send(event: AnalyticsEvent) { analytics.track(event.eventName) }", None),
    ("a.kt", "fun send(event: AnalyticsEvent) { analytics.track(event.eventName) }", None),
    ("a.swift", "func send() { analytics.track(Events.signUp.rawValue) }", "Events.signUp.rawValue"),
    ("a.kt", "fun send() { analytics.track(Events.SIGN_UP.eventName) }", "Events.SIGN_UP.eventName"),
])
def test_a_value_read_through_a_parameter_is_no_constant_to_look_up(path: str, source: str,
                                                                    ref: str | None) -> None:
    """``event.eventName`` with ``event`` a parameter is the caller's value: looking it up across
    the project made every Swift file that says ``event`` parse whole (element-x-ios: 207 files,
    1 s of CPU on each cold run)."""
    (call,) = extract_file(path, source.encode(), SPECS).calls
    assert call.event is None and call.event_ref == ref


def test_an_escaped_backslash_before_a_parenthesis_is_no_swift_interpolation() -> None:
    r"""``"\\("`` is a backslash and a parenthesis; ``"\("`` opens an interpolation (hypothesis
    found the first read as the second by tracklint --fix's round trip)."""
    plain = b'analytics.track(name: "a\\\\(b")'
    interpolated = b'analytics.track(name: "a\\(b)")'
    assert [c.event for c in extract_file("a.swift", plain, SPECS).calls] == ["a\\(b"]
    assert [c.event for c in extract_file("a.swift", interpolated, SPECS).calls] == [None]
