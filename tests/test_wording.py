"""The words of messages: counts agree in number, expressions read on one line, callees as written."""

from __future__ import annotations

from hypothesis import given, strategies as st

from tracklint.extract import extract_file
from tracklint.extract.base import unknown
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs
from tracklint.importers.calls import unresolved_comments
from tracklint.rules import unverifiable_event
from tracklint.rules.base import RuleContext
from tracklint.plan.model import Plan
from tracklint.wording import callee, one_line, plural


def test_plural_agrees_with_the_count() -> None:
    assert plural(1, "call") == "1 call"
    assert plural(0, "call") == "0 calls"
    assert plural(2, "call sends", "calls send") == "2 calls send"


@given(st.text())
def test_one_line_never_keeps_a_line_break_or_a_run_of_spaces(text: str) -> None:
    shown = one_line(text, 60)
    assert "\n" not in shown and "  " not in shown and len(shown) <= 60


def test_multi_line_arguments_read_as_written_on_one_line() -> None:
    assert one_line("buildName(\n        order,\n        kind\n    )") == "buildName( order, kind )"
    assert one_line("window\n    .analytics\n    ?.client") == "window.analytics?.client"
    assert unknown("props(\n      a,\n      b)").brief() == "props( a, b)"


def test_a_bare_function_reads_without_a_leading_dot() -> None:
    assert callee("", "capturePostHogEvent") == "capturePostHogEvent"
    assert callee("window\n  .analytics", "track") == "window.analytics.track"


def _calls(path: str, text: str):
    return extract_file(path, text.encode(), build_specs(DEFAULT_PRESETS)).calls


def test_a_spread_is_shown_in_the_languages_own_form() -> None:
    # a JavaScript spread printed as Python's `*args` read as another language (issue #13)
    (js,) = _calls("a.ts", "function f(...rest) { analytics.track(...rest); }\n")
    (py,) = _calls("a.py", "analytics.track(*rest)\n")
    assert js.event_text == "...args" and py.event_text == "*args"
    (finding,) = unverifiable_event.check(js, RuleContext(plan=Plan()))
    assert "`...args`" in finding.message


def test_messages_about_bare_wrappers_and_multi_line_names() -> None:
    text = "capturePostHogEvent(\n    eventName,\n    {}\n);\nanalytics.track(\n    prefix +\n        name\n);\n"
    calls = extract_file("a.ts", text.encode(), build_specs(DEFAULT_PRESETS, [
        {"function": "capturePostHogEvent"}])).calls
    lines = unresolved_comments(calls)
    assert lines[0] == "2 calls send an event whose name tracklint cannot read; plan them by hand:"
    assert lines[1:] == ["  a.ts:1: capturePostHogEvent(eventName)", "  a.ts:5: analytics.track(prefix + name)"]
    messages = [f.message for c in calls for f in unverifiable_event.check(c, RuleContext(plan=Plan()))]
    assert "`prefix + name`" in messages[1]
