"""The SDK methods real apps call beyond `track`/`capture`, in each language that has them, and
receivers named in another case (issue #13: what real application code showed missing)."""

from __future__ import annotations

import pytest

from tracklint.extract import extract_file
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)


def _calls(path: str, source: str) -> list[tuple[str, str, str | None]]:
    return [(c.sdk, c.kind, c.event) for c in extract_file(path, source.encode(), SPECS).calls]


@pytest.mark.parametrize(("path", "source", "expected"), [
    # posthog-python
    ("a.py", "import posthog\nposthog.alias('anon-1', 'user-1')\n", [("posthog", "alias", None)]),
    ("a.py", "import posthog\nposthog.group_identify('company', 'c1', {'plan': 'pro'})\n",
     [("posthog", "group", None)]),
    # posthog-node and posthog-js
    ("a.ts", "client.groupIdentify({ groupType: 'company', groupKey: 'c1', properties: { a: 1 } })",
     [("posthog", "group", None)]),
    ("a.ts", "posthog.group('company', 'c1', { plan: 'pro' })", [("posthog", "group", None)]),
    # posthog-ios
    ("a.swift", 'PostHogSDK.shared.screen("Settings", properties: ["tab": 1])',
     [("posthog", "screen", "Settings")]),
    ("a.swift", 'PostHogSDK.shared.group(type: "company", key: "c1", groupProperties: [:])',
     [("posthog", "group", None)]),
    # posthog-android
    ("a.kt", 'PostHog.screen("Settings", mapOf("tab" to 1))', [("posthog", "screen", "Settings")]),
    # Mixpanel in Python, JS, Swift, Kotlin
    ("a.py", "mp.people_set('u1', {'$name': 'Ada'})\n", [("mixpanel", "identify", None)]),
    ("a.js", "mixpanel.track_with_groups('Joined', { a: 1 }, { company: 'c1' })",
     [("mixpanel", "track", "Joined")]),
    ("a.swift", 'Mixpanel.mainInstance().identify(distinctId: "u1")', [("mixpanel", "identify", None)]),
    ("a.swift", 'Mixpanel.mainInstance().trackWithGroups(event: "Joined", properties: [:], groups: [:])',
     [("mixpanel", "track", "Joined")]),
    ("a.kt", 'mixpanel.trackWithGroups("Joined", props, groups)', [("mixpanel", "track", "Joined")]),
])
def test_sdk_methods_beyond_track(path: str, source: str, expected: list) -> None:
    assert _calls(path, source) == expected


@pytest.mark.parametrize(("path", "source"), [
    ("a.swift", 'postHog?.capture("Played")'),
    ("a.ts", 'const postHog = getClient(); postHog?.capture("Played")'),
    ("a.kt", 'postHog.capture("Played")'),
])
def test_a_client_variable_in_another_case_is_the_client(path: str, source: str) -> None:
    assert _calls(path, source) == [("posthog", "track", "Played")]


@pytest.mark.parametrize(("path", "source"), [
    # an app's own facade named like the SDK's class, not like its client variable
    ("a.swift", "Analytics.track(.episodeDownloaded, properties: [:])"),
    # an app's own tracker whose labels are not analytics-swift's
    ("a.swift", "flowParameters.analytics.track(screen: .roomCall)"),
])
def test_lookalikes_stay_out(path: str, source: str) -> None:
    assert _calls(path, source) == []


@pytest.mark.parametrize(("source", "expected"), [
    # posthog-python, the module and a client
    ("import posthog\nposthog.set(distinct_id='u1', properties={'plan': 'pro'})\n", [("posthog", "identify", None)]),
    ("import posthog\nposthog.set_once('u1', {'first': 'x'})\n", [("posthog", "identify", None)]),
    ("import posthog\nposthog.capture_exception(err, 'u1', {'where': 'x'})\n", [("posthog", "builtin", None)]),
    # mixpanel-python
    ("mp = Mixpanel('t')\nmp.import_data('k', 'u1', 'Old Order', 1700000000, {'a': 1})\n",
     [("mixpanel", "track", "Old Order")]),
    ("mp.merge('k', 'a', 'b')\n", [("mixpanel", "alias", None)]),
    ("mp.people_increment('u1', {'logins': 1})\n", [("mixpanel", "identify", None)]),
    ("mp.group_set_once('company', 'c1', {'founded': 2001})\n", [("mixpanel", "group", None)]),
    # amplitude-python
    ("from amplitude import Amplitude\nc = Amplitude('k')\nc.identify(Identify(), options)\n",
     [("amplitude", "identify", None)]),
    ("from amplitude import Amplitude\nc = Amplitude('k')\nc.revenue(Revenue(price=1), options)\n",
     [("amplitude", "builtin", None)]),
    # rudder-sdk-python's client class
    ("from rudderstack.analytics.client import Client\nc = Client('w')\nc.track('u1', 'Rudder Order')\n",
     [("rudderstack", "track", "Rudder Order")]),
])
def test_python_sdk_methods(source: str, expected: list) -> None:
    assert _calls("a.py", source) == expected


@pytest.mark.parametrize("source", [
    "seen = set()\nseen.add(1)\n",
    "import threading\ndone = threading.Event()\ndone.set()\n",
    "cache.set('k', 1)\nframe.merge(other)\nquery.alias('t')\n",
    "set_once = 1\n",
])
def test_python_lookalikes_of_the_new_methods(source: str) -> None:
    assert _calls("a.py", source) == []


@pytest.mark.parametrize(("path", "source", "expected"), [
    # Amplitude-Swift and Amplitude-Kotlin: groups and revenue (Amplitude's own event)
    ("a.swift", 'amplitude.setGroup(groupType: "org", groupName: "acme")', [("amplitude", "group", None)]),
    ("a.swift", 'amplitude.groupIdentify(groupType: "org", groupName: "acme", identify: id)',
     [("amplitude", "group", None)]),
    ("a.swift", "amplitude.revenue(revenue: r)", [("amplitude", "builtin", None)]),
    ("a.kt", 'amplitude.setGroup("org", "acme")', [("amplitude", "group", None)]),
    ("a.kt", 'amplitude.groupIdentify("org", "acme", Identify().set("k", 1))',
     [("amplitude", "group", None)]),
    ("a.kt", "amplitude.revenue(revenue)", [("amplitude", "builtin", None)]),
    # mixpanel-swift profile updates on any MixpanelInstance
    ("a.swift", 'Mixpanel.mainInstance().people.setOnce(properties: ["plan": "pro"])',
     [("mixpanel", "identify", None)]),
    ("a.swift", 'mixpanel.people.increment(property: "logins", by: 1)', [("mixpanel", "identify", None)]),
    # mixpanel-android from Java and Kotlin
    ("a.java", 'class A { void f() { mixpanel.identify("u1"); mixpanel.alias("a1", null); '
               'mixpanel.trackWithGroups("Joined", props, groups); '
               'mixpanel.getPeople().set(traits); } }',
     [("mixpanel", "identify", None), ("mixpanel", "alias", None), ("mixpanel", "track", "Joined"),
      ("mixpanel", "identify", None)]),
    ("a.kt", 'mixpanel.people.setOnce(JSONObject())', [("mixpanel", "identify", None)]),
    # posthog-android from Java
    ("a.java", 'class A { void f() { PostHog.screen("Home", props); PostHog.alias("a1"); '
               'PostHog.group("org", "acme", props); } }',
     [("posthog", "screen", "Home"), ("posthog", "alias", None), ("posthog", "group", None)]),
])
def test_mobile_sdk_methods_beyond_track(path: str, source: str, expected: list) -> None:
    assert _calls(path, source) == expected
