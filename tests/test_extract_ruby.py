"""Tests for the Ruby extractor (tracklint/extract/ruby.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers_extract import shape

from tracklint.extract import extract_file
from tracklint.extract.base import FileExtraction, TrackCall
from tracklint.extract.linking import resolve_constants
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)
FIXTURES = Path(__file__).parent / "fixtures" / "extract" / "ruby"


def run(source: str, specs=SPECS, path: str = "app.rb", windows: bool = True) -> FileExtraction:
    return extract_file(path, source.encode("utf-8"), specs, windows=windows)


def one(source: str, specs=SPECS) -> TrackCall:
    calls = run(source, specs).calls
    assert len(calls) == 1, calls
    return calls[0]


def summary(call: TrackCall) -> tuple:
    return call.sdk, call.kind, call.receiver, call.event, call.event_kind, shape(call.properties)


# -- Segment / RudderStack: one hash in every spelling -------------------------------------------


@pytest.mark.parametrize("source", [
    "Analytics.track(user_id: 'u1', event: 'Signed Up', properties: { plan: 'pro' })",
    "Analytics.track({ user_id: 'u1', event: 'Signed Up', properties: { plan: 'pro' } })",
    "Analytics.track(:user_id => 'u1', :event => 'Signed Up', :properties => { :plan => 'pro' })",
    "Analytics.track('user_id' => 'u1', 'event' => 'Signed Up', 'properties' => { 'plan' => 'pro' })",
    "Analytics.track user_id: 'u1', event: 'Signed Up', properties: { plan: 'pro' }",
    "Analytics.track(:event => 'Signed Up', user_id: 'u1', properties: { \"plan\": 'pro' })",
])
def test_segment_hash_spellings_read_the_same(source):
    assert summary(one(source)) == ("segment", "track", "Analytics", "Signed Up", "literal",
                                    {"plan": "pro"})


def test_segment_kinds():
    result = run(
        "Analytics.identify(user_id: 'u1', traits: { email: 'a@b.c' })\n"
        "Analytics.page(user_id: 'u1', name: 'Home', properties: { path: '/' })\n"
        "Analytics.screen(user_id: 'u1', name: 'Cart')\n"
        "Analytics.group(user_id: 'u1', group_id: 'g', traits: { seats: 3 })\n"
        "Analytics.alias(previous_id: 'a', user_id: 'u1')\n"
    )
    assert [(c.kind, c.event, shape(c.properties)) for c in result.calls] == [
        ("identify", None, {"email": "a@b.c"}),
        ("page", "Home", {"path": "/"}),
        ("screen", "Cart", None),
        ("group", None, {"seats": 3}),
        ("alias", None, None),
    ]


def test_constructor_decides_the_sdk_before_the_variable_name():
    result = run(
        "segment = Segment::Analytics.new(write_key: 'k')\n"
        "rudder = Rudder::Analytics.new(write_key: 'k', data_plane_url: 'u')\n"
        "analytics = Rudder::Analytics.new(write_key: 'k')\n"
        "segment.track(user_id: 1, event: 'A')\n"
        "rudder.track(user_id: 1, event: 'B')\n"
        "analytics.track(user_id: 1, event: 'C')\n"
        "client = Segment::Analytics::Client.new(write_key: 'k')\n"
        "client.page(user_id: 1, name: 'D')\n"
    )
    assert [(c.sdk, c.event) for c in result.calls] == [
        ("segment", "A"), ("rudderstack", "B"), ("rudderstack", "C"), ("segment", "D")]


def test_bindings_through_let_readers_attributes_and_instance_variables():
    result = run(
        "module Segment\n"
        "  class Analytics\n"
        "    describe Client do\n"
        "      let(:client) { Client.new(write_key: 'k').tap { |c| c.stub = true } }\n"
        "      it { client.track(user_id: 1, event: 'Let') }\n"
        "    end\n"
        "  end\n"
        "end\n"
        "class Tracking\n"
        "  def posthog\n"
        "    @posthog ||= PostHog::Client.new(api_key: 'k')\n"
        "  end\n"
        "  def go\n"
        "    posthog.capture(distinct_id: 1, event: 'Reader')\n"
        "    @posthog&.capture(distinct_id: 1, event: 'Ivar')\n"
        "  end\n"
        "end\n"
        "State.current.tracker = Mixpanel::Tracker.new('t')\n"
        "tracker = State.current.tracker\n"
        "tracker.track('id', 'Attribute')\n"
    )
    assert [(c.sdk, c.event, c.receiver) for c in result.calls] == [
        ("segment", "Let", "client"), ("posthog", "Reader", "posthog"),
        ("posthog", "Ivar", "@posthog"), ("mixpanel", "Attribute", "tracker")]


def test_unqualified_constructor_is_qualified_by_its_modules():
    # Ruby finds `Client` in the modules around it: PostHog's inside `module PostHog`, another
    # library's elsewhere
    result = run(
        "module PostHog\n  c = Client.new(api_key: 'k')\n  c.capture(distinct_id: 1, event: 'Yes')\nend\n"
        "module Billing\n  d = Client.new(api_key: 'k')\n  d.capture(distinct_id: 1, event: 'No')\nend\n"
    )
    assert [c.event for c in result.calls] == ["Yes"]


# -- PostHog, Mixpanel, amplitude-api -----------------------------------------------------------


def test_posthog_shapes():
    result = run(
        "posthog = PostHog::Client.new(api_key: 'k')\n"
        "posthog.capture({ distinct_id: 'd', event: 'Braced', properties: { a: 1 } })\n"
        "posthog.capture(distinct_id: 'd', event: 'Bare')\n"
        "PostHog.capture(event: 'Module Level', distinct_id: 'd')\n"
        "posthog.identify(distinct_id: 'd', properties: { email: 'x@y.z' })\n"
        "posthog.alias(distinct_id: 'd', alias: 'e')\n"
        "posthog.group_identify(group_type: 'org', group_key: 'k', properties: { size: 2 })\n"
        "posthog.capture_exception(error, 'd', { path: '/x' })\n"
    )
    assert [(c.kind, c.event, shape(c.properties)) for c in result.calls] == [
        ("track", "Braced", {"a": 1}), ("track", "Bare", None), ("track", "Module Level", None),
        ("identify", None, {"email": "x@y.z"}), ("alias", None, None),
        ("group", None, {"size": 2}), ("builtin", None, {"path": "/x"}),
    ]


def test_mixpanel_shapes():
    result = run(
        "tracker = Mixpanel::Tracker.new(TOKEN)\n"
        "tracker.track('id', 'Positional', { 'Plan' => 'pro' })\n"
        "tracker.track 'id', 'Trailing Hash', plan: 'pro'\n"
        "tracker.import(API_KEY, 'id', 'Imported', { 'time' => 1 })\n"
        "tracker.alias('new', 'old')\n"
        "tracker.people.set('id', { '$email' => 'a@b.c' })\n"
        "tracker.people.increment('id', { 'Logins' => 1 })\n"
        "tracker.groups.set('Company', 'acme', { 'Seats' => 3 })\n"
        "@events = Mixpanel::Events.new(TOKEN)\n"
        "@events.track('id', 'Events Object')\n"
    )
    assert [(c.kind, c.event, shape(c.properties)) for c in result.calls] == [
        ("track", "Positional", {"Plan": "pro"}), ("track", "Trailing Hash", {"plan": "pro"}),
        ("track", "Imported", {"time": 1}), ("alias", None, None),
        ("identify", None, {"$email": "a@b.c"}), ("identify", None, {"Logins": 1}),
        ("group", None, {"Seats": 3}), ("track", "Events Object", None),
    ]


def test_amplitude_api_gem():
    result = run(
        "event = AmplitudeAPI::Event.new(user_id: '1', event_type: 'Played Song',\n"
        "                                event_properties: { genre: 'jazz' })\n"
        "AmplitudeAPI.track(event)\n"
        "AmplitudeAPI.track(AmplitudeAPI::Event.new({ user_id: '1', event_type: 'Inline' }))\n"
        "AmplitudeAPI.send_event('Sent', '1', nil)\n"
        "AmplitudeAPI.identify(AmplitudeAPI::Identification.new(user_id: '1', user_properties: { tier: 'a' }))\n"
    )
    assert [(c.kind, c.event, shape(c.properties)) for c in result.calls] == [
        ("track", "Played Song", {"genre": "jazz"}), ("track", "Inline", None),
        ("track", "Sent", None), ("identify", None, {"tier": "a"})]


# -- lookalikes ----------------------------------------------------------------------------------


def test_lookalikes_are_not_calls():
    result = run(
        "expect(test_queue.track).to eq([message])\n"  # a reader, no arguments
        "expect(analytics.test_queue.track[0]).to include(x)\n"
        "@users = User.order('id').page(params[:page]).per(20)\n"  # kaminari
        "listing_ratings.group(:name).average(:rating)\n"
        "tracker.track('id', 'Unbound')\n"  # no binding, not a conventional name
        "client.capture(distinct_id: 1, event: 'Unknown client')\n"
        "logger.post('x', hash.merge(event: 'listing.track'))\n"
        "def self.track(hash)\n  Worker.perform(hash)\nend\n"
        "# Analytics.track(user_id: 1, event: 'In a comment')\n"
        "puts \"Analytics.track(user_id: 1, event: 'In a string')\"\n"
        "Foo::Tracker.new('t').track('id', 'Other library')\n"
        "Analytics.track('Clicked', { from: 'an in-house Analytics module' })\n"
        "PostHog.capture('not the SDK: it takes one hash')\n"
    )
    assert result.calls == []


# -- values ------------------------------------------------------------------------------------


def test_literal_values():
    call = one(
        "Analytics.track(user_id: 1, event: 'V', properties: {\n"
        "  s: 'it\\'s', d: \"tab\\there \\u00e9\", sym: :gold, dsym: :\"two words\",\n"
        "  i: 1_000, neg: -2, hex: 0x1F, f: 2.5, t: true, no: false, null: nil,\n"
        "  arr: [1, 'a'], words: %w[x y], nested: { deep: { k: 'v' } }, chained: 'a' 'b',\n"
        "  frozen: 'ice'.freeze\n"
        "})"
    )
    assert shape(call.properties) == {
        "s": "it's", "d": "tab\there é", "sym": "gold", "dsym": "two words", "i": 1000,
        "neg": -2, "hex": 31, "f": 2.5, "t": True, "no": False, "null": None, "arr": [1, "a"],
        "words": ["x", "y"], "nested": {"deep": {"k": "v"}}, "chained": "ab", "frozen": "ice",
    }


def test_open_and_dynamic_values():
    call = one("Analytics.track(user_id: 1, event: \"#{kind} Clicked\", properties: { a: 1, **extra })")
    assert (call.event, call.event_kind, call.event_text) == (None, "dynamic", '"#{kind} Clicked"')
    assert call.properties_kind == "open"
    call = one("Analytics.track(user_id: 1, event: 'X', properties: props)")
    assert call.properties_kind == "dynamic"
    call = one("Analytics.track(user_id: 1, event: 'X', properties: { key_for(x) => 1, b: 2 })")
    assert shape(call.properties) == {"b": 2, "...": True}


def test_method_local_hash_and_string():
    result = run(
        "def one(user)\n"
        "  name = 'Local Name'\n"
        "  hash = { user_id: user.id, event: name, properties: { id: 1 } }\n"
        "  Analytics.track(hash)\n"
        "  hash = { user_id: user.id, event: 'Reassigned' }\n"
        "  Analytics.track(hash)\n"
        "end\n"
        "def two(user, flag)\n"
        "  h = { user_id: 1, event: 'A' }\n"
        "  h = { user_id: 1, event: 'B' } if flag\n"
        "  Analytics.track(h)\n"
        "  m = { user_id: 1, event: 'C' }\n"
        "  m[:event] = 'D'\n"
        "  Analytics.track(m)\n"
        "  Analytics.track(later)\n"
        "  later = { event: 'E' }\n"
        "end\n"
    )
    assert [(c.event, c.event_kind) for c in result.calls] == [
        ("Local Name", "constant"), ("Reassigned", "literal"), (None, "none"), (None, "none"),
        (None, "none")]
    assert shape(result.calls[0].properties) == {"id": 1}


def test_constants_by_lexical_nesting_and_qualified():
    result = run(
        "module App\n"
        "  module Events\n"
        "    SIGNED_UP = 'Signed Up'.freeze\n"
        "    def self.send_it = Analytics.track(user_id: 1, event: SIGNED_UP)\n"
        "  end\n"
        "  class Service\n"
        "    def go = Analytics.track(user_id: 1, event: Events::SIGNED_UP)\n"
        "  end\n"
        "end\n"
        "Analytics.track(user_id: 1, event: App::Events::SIGNED_UP)\n"
        "Analytics.track(user_id: 1, event: Elsewhere::NAME)\n"
    )
    assert [(c.event, c.event_kind, c.event_ref) for c in result.calls] == [
        ("Signed Up", "constant", "SIGNED_UP"), ("Signed Up", "constant", "Events.SIGNED_UP"),
        ("Signed Up", "constant", "App.Events.SIGNED_UP"), (None, "dynamic", "Elsewhere.NAME")]
    assert result.exports == {"App.Events.SIGNED_UP": "Signed Up", "Events.SIGNED_UP": "Signed Up"}


def test_constants_resolve_across_files():
    events = run("module Events\n  ORDER_PLACED = 'Order Placed'\nend\n", path="lib/events.rb")
    caller = run("Analytics.track(user_id: 1, event: Events::ORDER_PLACED)\n", path="app/x.rb")
    resolve_constants([events, caller])
    call = caller.calls[0]
    assert (call.event, call.event_kind, call.event_from) == ("Order Placed", "constant", "lib/events.rb")


def test_wrappers_from_config_positional_and_keyword():
    from tracklint.extract.presets import build_specs

    specs = build_specs(DEFAULT_PRESETS, [
        {"function": "Tracking.event", "event": 0, "properties": 1},
        {"function": "track_event", "event": "name", "properties": "props"},
    ])
    result = run(
        "Tracking.event('Wrapped', { plan: 'pro' })\n"
        "Tracking.event 'Paren-less', plan: 'pro'\n"
        "track_event(name: 'Keyword', props: { plan: 'pro' })\n",
        specs,
    )
    assert [(c.sdk, c.event, shape(c.properties)) for c in result.calls] == [
        ("custom", "Wrapped", {"plan": "pro"}), ("custom", "Paren-less", {"plan": "pro"}),
        ("custom", "Keyword", {"plan": "pro"})]


def test_splat_arguments_are_marked():
    call = one("tracker = Mixpanel::Tracker.new(t)\ntracker.track(*args)\n")
    assert (call.event, call.event_kind, call.event_text) == (None, "dynamic", "*args")


# -- positions, directives -----------------------------------------------------------------------


def test_spans_count_code_points_after_non_ascii():
    call = one("x = 'Zoë 🎉'; Analytics.track(user_id: 1, event: 'É')\n")
    # `x = 'Zoë 🎉'; ` is 13 code points and 14 UTF-16 units (the emoji is two)
    assert (call.span.line, call.span.column, call.span.column_utf16) == (1, 14, 15)
    assert (call.event_span.column, call.event_span.end_column) == (49, 52)


def test_multiline_call_span():
    call = one("Analytics.track(\n  user_id: 1,\n  event: 'M'\n)\n")
    assert (call.span.line, call.span.end_line, call.span.column, call.span.end_column) == (1, 4, 1, 2)


def test_directives_from_comments_only():
    result = run(
        "# tracklint: ignore-file[TL010]\n"
        "Analytics.track(user_id: 1, event: 'X') # tracklint: ignore[TL001]\n"
        "puts '# tracklint: ignore[TL002]'\n"
    )
    assert [(d.line, d.codes, d.file_level, d.own_line) for d in result.directives] == [
        (1, ("TL010",), True, True), (2, ("TL001",), False, False)]


def test_fixture_service():
    result = extract_file("checkout_service.rb", (FIXTURES / "checkout_service.rb").read_bytes(), SPECS)
    got = [(c.span.line, c.sdk, c.kind, c.event, c.event_kind, c.properties_kind) for c in result.calls]
    assert got == [
        (23, "segment", "track", "Order Placed", "constant", "literal"),
        (28, "posthog", "track", "order placed", "literal", "literal"),
        (29, "mixpanel", "track", "Order Placed", "literal", "literal"),
        (31, "mixpanel", "identify", None, "none", "literal"),
        (36, "segment", "track", "Cart Viewed", "constant", "literal"),
        (37, "segment", "identify", None, "none", "literal"),
    ]
    assert shape(result.calls[0].properties) == {
        "order_id": "?order.id", "total": "?order.total", "coupon": None, "items": "?order.items.size"}
    assert shape(result.calls[5].properties) == {"plan": "pro", "name": "Zoë"}
    assert result.exports["Shop.Events.CART_VIEWED"] == "Cart Viewed"
    assert [(d.line, d.codes) for d in result.directives] == [(30, ("TL001",))]


# -- robustness --------------------------------------------------------------------------------


def test_syntax_error_keeps_valid_calls_and_reports_region():
    result = run(
        "class Foo\n"
        "  def a = Analytics.track(user_id: 1, event: 'Before')\n"
        "  def b\n"
        "    Analytics.track(user_id: 1, event: 'Lost', properties: { a: 1 }\n"
        "  end\n"
        "  def c = Analytics.track(user_id: 1, event: 'After')\n"
        "end\n"
    )
    assert [c.event for c in result.calls] == ["Before", "After"]
    notices = [n for n in result.notices if n.kind == "syntax-error"]
    assert len(notices) == 1 and "`track(` at line 4" in notices[0].message


def test_call_in_broken_region_is_recovered():
    result = run(
        "def a\n  Analytics.track(user_id: 1, event: 'Before')\nend\n"
        "def broken(\n  Analytics.track(user_id: 1, event: 'Inside', properties: { a: 1 })\n"
        "  x = [1, 2\nend\n"
        "def b\n  Analytics.track(user_id: 1, event: 'After')\nend\n"
    )
    assert [(c.event, c.span.line) for c in result.calls] == [
        ("Before", 2), ("Inside", 5), ("After", 9)]
    assert shape(result.calls[1].properties) == {"a": 1}


def test_deep_nesting_does_not_raise():
    depth = 3000
    source = "Analytics.track(user_id: 1, event: 'Deep', properties: { a: " + "[" * depth + "1" + "]" * depth + " })"
    assert [c.event for c in run(source).calls] == ["Deep"]


def test_call_nested_deeper_than_the_query_depth_is_found():
    depth = 700
    source = "x = " + "[" * depth + "Analytics.track(user_id: 1, event: 'Deep')" + "]" * depth
    assert [c.event for c in run(source).calls] == ["Deep"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
@example("Analytics.track(event: \"#{")
@example("Analytics.track(event: '\\")
@example("Analytics.track(event: \"\\u{110000}\")")
@example("Analytics.track <<~TXT\n  x\nTXT\n")
@example("Analytics.track(x:)")
@example("X = 'a'\nX = 'b'\nAnalytics.track(event: X)")
def test_never_raises_on_text(text):
    result = run(text)
    for call in result.calls:
        assert 1 <= call.span.line <= call.span.end_line


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_never_raises_on_bytes(data):
    extract_file("app.rb", data, SPECS)


RUBYISH = [
    "Analytics.track(", "Analytics.track ", "tracker.track ", "'X'", '"X #{y}"', ", ", "event: ",
    ":event => ", "{ ", " }", "[", "]", "(", ")", "\n", "def f", "end", "module M", "class C",
    "x = ", "@x = ", "Mixpanel::Tracker.new(t)", "PostHog::Client.new", ".people.set(", "**o",
    "*a", "&b", "do |x|", "let(:client) { ", "X = 'c'.freeze", "::", "nil", "-1", "%w[a b]",
]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(RUBYISH), max_size=40))
def test_never_raises_on_rubyish_fragments(parts):
    run("".join(parts))


# -- windowed parsing ----------------------------------------------------------------------------

FILLER = "def helper_{i}(values)\n  total = 0\n  values.each {{ |v| total += v * {i} }}\n  total\nend\n\n"
BLOCKS = {
    "filler": FILLER,
    "call": "def send_{i}(user)\n  Analytics.track(user_id: user.id, event: 'E{i}', properties: {{ n: {i} }})\nend\n\n",
    "bind": "def setup_{i}\n  @tracker = Mixpanel::Tracker.new('t')\nend\n\n",
    "use": "def use_{i}(user)\n  @tracker.track user.id, 'U{i}', {{ 'n' => {i} }}\nend\n\n",
    "decoy": "def paginate_{i}(scope)\n  scope.page(params[:page]).per({i})\nend\n\n",
}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(sorted(BLOCKS)), min_size=1, max_size=60))
def test_windowed_equals_full_on_generated_files(blocks):
    data = "".join(BLOCKS[kind].format(i=i) for i, kind in enumerate(blocks))
    windowed, full = run(data), run(data, windows=False)
    assert [(c.span, c.event, c.sdk, shape(c.properties)) for c in windowed.calls] == [
        (c.span, c.event, c.sdk, shape(c.properties)) for c in full.calls]


def test_paren_less_call_on_a_client_bound_far_away_is_found_in_a_large_file():
    # a windowed parse would blank `setup_0` (no tracked name in it) and lose the binding that
    # makes `@tracker.track user.id, ...` a Mixpanel call: Ruby files are parsed whole
    data = "".join(BLOCKS[k].format(i=i) for i, k in enumerate(["bind"] + ["filler"] * 40 + ["use"]))
    assert len(data) > 2048
    assert [(c.sdk, c.event) for c in run(data).calls] == [("mixpanel", "U41")]


# -- scripts without a suffix --------------------------------------------------------------------

SCRIPT = "#!/usr/bin/env ruby\nrequire 'segment/analytics'\nAnalytics.track(user_id: 'u', event: 'From Bin')\n"


@pytest.mark.parametrize("use_git", [False, True])
def test_ruby_scripts_without_suffix_are_read(tmp_path, use_git):
    import shutil
    import subprocess

    from tracklint.files import FileStream, list_files_rel

    if use_git and shutil.which("git") is None:
        pytest.skip("git is not installed")
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "send").write_text(SCRIPT)
    (tmp_path / "bin" / "setup").write_text("#!/bin/sh\nAnalytics.track(event: 'shell')\n")
    (tmp_path / "LICENSE").write_text("Analytics.track(user_id: 'u', event: 'No')\n")
    (tmp_path / "app.rb").write_text("Analytics.track(user_id: 'u', event: 'From Rb')\n")
    if use_git:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
        subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    listed = [rel for _, rel in list_files_rel(tmp_path, [])]
    assert listed == ["app.rb", "bin/send"]
    assert [rel for _, rel in FileStream(tmp_path, tmp_path)] == ["app.rb", "bin/send"]
    assert [rel for _, rel in list_files_rel(tmp_path, [tmp_path / "bin" / "send",
                                                        tmp_path / "bin" / "setup"])] == ["bin/send"]
    result = extract_file("bin/send", SCRIPT.encode(), SPECS)
    assert (result.language, [c.event for c in result.calls]) == ("ruby", ["From Bin"])


@pytest.mark.parametrize("head, language", [
    (b"#!/usr/bin/env ruby\n", "ruby"), (b"#!/usr/bin/ruby -w\n", "ruby"),
    (b"#!/usr/bin/env -S ruby3.3 -W0\n", "ruby"), (b"#! /opt/jruby/bin/jruby\n", "ruby"),
    (b"#!/bin/sh\n", None), (b"#!/usr/bin/env rubyish\n", None), (b"#!/usr/bin/env\n", None),
    (b"puts 1\n", None), (b"", None),
])
def test_script_language_from_the_shebang(head, language):
    from tracklint.extract.languages import script_language

    assert script_language(head) == language


def test_ruby_only_method_names_do_not_make_other_languages_parse():
    # Mixpanel Ruby's people.append / set / remove / import are everyday calls elsewhere: the
    # pre-filter tests each language's own method names
    from tracklint.extract.prefilter import Prefilter

    prefilter = Prefilter(SPECS)
    python = b"items = set()\nitems.append(1)\nitems.remove(1)\n"
    assert not prefilter.may_contain(python, "python")
    assert not prefilter.may_contain(b"const m = await import('./m'); a.set(k, v);\n", "typescript")
    assert prefilter.may_contain(b"tracker.people.append('id', { 'Albums' => 'x' })\n", "ruby")
    assert prefilter.may_contain(python, None)  # a file of no known language: every name
