"""Enum-valued events (issue #13 item 4): an event argument that is an enum case resolves to the
name the app sends, in its own file and from another file, and a wrapper's ``transform`` turns a
case's own name (never a string the code wrote) into that name."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from tracklint import engine
from tracklint.config import resolve_settings
from tracklint.naming import TRANSFORMS, transform


def _scan(root: Path, files: dict[str, str], config: str, *, cache: bool = False) -> list[tuple[str, int, str | None]]:
    (root / ".git").mkdir(exist_ok=True)
    (root / "tracklint.toml").write_text(textwrap.dedent(config))
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    settings = resolve_settings(cwd=root, overrides={"cache": cache, "jobs": 1})
    return sorted((c.path, c.span.line, c.event) for c in engine.scan(settings).calls)


KOTLIN_CONFIG = """\
    [[wrappers]]
    function = "AnalyticsTracker.track"
    event = [0, "stat"]
    properties = [1, "properties"]
    languages = ["kotlin"]
    transform = "lowercase"
"""

KOTLIN_EVENTS = """\
    package shop.analytics

    enum class ShopEvent(val siteless: Boolean = false) {
        CART_OPENED(siteless = true),
        CART_EMPTIED,
    }

    enum class NamedEvent(val wireName: String, val note: String = "n") {
        PAID("Payment Sent", "x"),
        REFUNDED(wireName = "Refund Issued"),
    }
"""

KOTLIN_CALLS = """\
    package shop.ui

    import shop.analytics.ShopEvent
    import shop.analytics.ShopEvent.CART_EMPTIED
    import shop.analytics.NamedEvent

    class Screen {
        fun show() {
            AnalyticsTracker.track(ShopEvent.CART_OPENED, mapOf("k" to 1))
            AnalyticsTracker.track(stat = CART_EMPTIED)
            AnalyticsTracker.track(ShopEvent.CART_OPENED.name)
            AnalyticsTracker.track(NamedEvent.PAID)
            AnalyticsTracker.track(NamedEvent.REFUNDED.wireName)
            AnalyticsTracker.track("KEEP_AS_WRITTEN")
        }
    }
"""


def test_kotlin_enum_cases_from_another_file_resolve_and_transform(tmp_path: Path) -> None:
    found = _scan(tmp_path, {"app/ShopEvent.kt": KOTLIN_EVENTS, "app/Screen.kt": KOTLIN_CALLS},
                  KOTLIN_CONFIG)
    assert [event for _, _, event in found] == [
        "cart_opened",  # a case of an enum without a string argument: its name, lowercased
        "cart_emptied",  # imported by name, passed as a named argument
        "cart_opened",  # `.name`
        "Payment Sent",  # the string constructor argument, as written (no transform)
        "Refund Issued",
        "KEEP_AS_WRITTEN",  # a literal is what is sent
    ]


def test_kotlin_enum_cases_in_the_same_file_and_without_transform(tmp_path: Path) -> None:
    calls = KOTLIN_CALLS.split("class Screen", 1)[1].replace("(stat = CART_EMPTIED)", "(stat = ShopEvent.CART_EMPTIED)")
    config = KOTLIN_CONFIG.replace('    transform = "lowercase"\n', "")
    found = _scan(tmp_path, {"Both.kt": KOTLIN_EVENTS + "    class Screen" + calls}, config)
    assert [event for _, _, event in found] == [
        "CART_OPENED", "CART_EMPTIED", "CART_OPENED", "Payment Sent", "Refund Issued", "KEEP_AS_WRITTEN"]


SWIFT_CONFIG = """\
    [[wrappers]]
    function = "Metrics.track"
    event = 0
    properties = "properties"
    languages = ["swift"]
    transform = "snake_case"
"""

SWIFT_EVENTS = """\
    enum MetricEvent: String {
        case podcastFollowed
        case openedHTMLPage
        case legacyName = "LegacyName"
    }

    enum Screen {
        case home
        case settingsPane

        var eventName: String {
            switch self {
            case .home: return "home_shown"
            case .settingsPane: "settings shown"
            }
        }
    }
"""

SWIFT_CALLS = """\
    func follow() {
        Metrics.track(.podcastFollowed, properties: ["uuid": "u"])
        Metrics.track(MetricEvent.openedHTMLPage)
        Metrics.track(.legacyName)
        Metrics.track(MetricEvent.podcastFollowed.rawValue)
        Metrics.track(Screen.home)
        Metrics.track(.settingsPane)
        Metrics.track("writtenLikeThis")
    }
"""


def test_swift_raw_values_and_name_switches_from_another_file(tmp_path: Path) -> None:
    found = _scan(tmp_path, {"ios/MetricEvent.swift": SWIFT_EVENTS, "ios/Follow.swift": SWIFT_CALLS},
                  SWIFT_CONFIG)
    assert [event for _, _, event in found] == [
        "podcast_followed",  # implicit raw value = the case's name, snake_cased by the wrapper
        "opened_html_page",  # an acronym stays one word
        "LegacyName",  # an explicit raw value is a string the code wrote: sent as it is
        "podcast_followed",
        "home_shown",  # `var eventName: String { switch self { ... } }`
        "settings shown",
        "writtenLikeThis",
    ]


def test_swift_in_one_file_and_a_warm_cached_run_give_the_same_names(tmp_path: Path) -> None:
    files = {"One.swift": SWIFT_EVENTS + SWIFT_CALLS}
    cold = _scan(tmp_path, files, SWIFT_CONFIG, cache=True)
    warm = _scan(tmp_path, files, SWIFT_CONFIG, cache=True)
    assert cold == warm
    assert [event for _, _, event in cold][:3] == ["podcast_followed", "opened_html_page", "LegacyName"]


def test_typescript_string_enums_and_python_enums(tmp_path: Path) -> None:
    config = """\
        [[wrappers]]
        function = "logEvent"
        transform = "title-case"
    """
    files = {
        "web/events.ts": 'export enum Events { SignUp = "user_signed_up" }\n',
        "web/app.ts": 'import { Events } from "./events";\nlogEvent(Events.SignUp, {});\n',
        "srv/events.py": "from enum import Enum\n\nclass Event(str, Enum):\n    SIGN_UP = \"signup\"\n",
        "srv/app.py": ("from srv.events import Event\n\nlogEvent(Event.SIGN_UP)\n"
                       "logEvent(Event.SIGN_UP.value)\nlogEvent(Event.SIGN_UP.name)\n"),
    }
    found = _scan(tmp_path, files, config)
    assert found == [
        ("srv/app.py", 3, "signup"),
        ("srv/app.py", 4, "signup"),
        ("srv/app.py", 5, "Sign Up"),  # `.name` is the member's name: transformed
        ("web/app.ts", 2, "user_signed_up"),
    ]


@pytest.mark.parametrize("value, message", [
    ('"snake-case"', "did you mean `snake_case`?"),
    ('"lowercas"', "did you mean `lowercase`?"),
    ("3", "expected a string"),
])
def test_a_bad_transform_is_a_config_error(tmp_path: Path, value: str, message: str) -> None:
    from typer.testing import CliRunner

    from tracklint.cli import app

    (tmp_path / ".git").mkdir()
    (tmp_path / "tracklint.toml").write_text(f'[[wrappers]]\nfunction = "t"\ntransform = {value}\n')
    (tmp_path / "a.js").write_text('t("x");\n')
    result = CliRunner().invoke(app, ["scan", str(tmp_path), "--config", str(tmp_path / "tracklint.toml")])
    assert result.exit_code == 2, result.output
    assert "[[wrappers]] #1 .transform" in result.output and message in result.output
    assert "Traceback" not in result.output


def _camel_to_snake(name: str) -> str:
    """The rule apps write by hand: an underscore before an upper-case letter that follows a
    lower-case one, and before the last capital of a run of capitals followed by a lower-case
    letter (``openedHTMLPage`` -> ``opened_html_page``), then everything lower-cased."""
    out = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    out = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", out)
    return out.lower()


_WORD = st.sampled_from(["episode", "Played", "URL", "HTML", "Opened", "sso", "Tab", "X", "up", "Next"])


@given(st.lists(_WORD, min_size=1, max_size=5))
def test_snake_case_matches_the_hand_written_camel_to_snake_rule(words: list[str]) -> None:
    name = words[0][:1].lower() + words[0][1:] + "".join(words[1:])
    assert transform(name, "snake_case") == _camel_to_snake(name)


@given(st.from_regex(r"[A-Z][A-Z0-9]{0,6}(_[A-Z][A-Z0-9]{0,6}){0,3}", fullmatch=True),
       st.sampled_from(TRANSFORMS))
def test_every_transform_of_a_screaming_name_keeps_its_words(name: str, how: str) -> None:
    out = transform(name, how)
    letters = re.sub(r"[^a-z0-9]", "", out.lower())
    assert letters == name.replace("_", "").lower()
    if how == "lowercase":
        assert out == name.lower()
    if how == "uppercase":
        assert out == name
