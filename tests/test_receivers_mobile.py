"""Receivers by data flow in Swift, Kotlin and Java (issue #13 item 1): a client is known by
where it comes from (an SDK constructor, factory or singleton), by its declared type (a property,
a parameter, an injected field, a holder such as ``Optional<PostHog>``), whatever its name; and
an object whose type is known to be something else is not a client, whatever its name."""

from __future__ import annotations

import keyword

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.extract import extract_file
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)


def _calls(path: str, source: str) -> list[tuple[str, str, str | None]]:
    return [(c.sdk, c.kind, c.event) for c in extract_file(path, source.encode(), SPECS).calls]


# -- a client under any name, from a constructor, factory or singleton --------------------------

FROM_A_FACTORY = [
    ("a.swift", 'import PostHog\nlet ph = PostHogSDK.shared\nph.capture("Played")\n',
     [("posthog", "track", "Played")]),
    ("a.swift", 'import Mixpanel\nlet mp = Mixpanel.mainInstance()\nmp.track(event: "Played")\n'
                'mp.identify(distinctId: "u1")\n',
     [("mixpanel", "track", "Played"), ("mixpanel", "identify", None)]),
    ("a.swift", 'import Mixpanel\nlet testMixpanel = Mixpanel.initialize(token: "t", '
                'trackAutomaticEvents: false)\n'
                'testMixpanel.trackWithGroups(event: "Joined", properties: [:], groups: [:])\n'
                'testMixpanel.createAlias("a1", distinctId: "u1")\n'
                'testMixpanel.people.setOnce(properties: ["plan": "pro"])\n',
     [("mixpanel", "track", "Joined"), ("mixpanel", "alias", None), ("mixpanel", "identify", None)]),
    ("a.kt", 'val mixpanel = MixpanelAPI.getInstance(context, token, true)\nmixpanel.track("Played")\n',
     [("mixpanel", "track", "Played")]),
    ("a.kt", 'val seg = Analytics("key", context) { trackApplicationLifecycleEvents = true }\n'
             'seg.track("Played")\n', [("segment", "track", "Played")]),
    ("a.kt", 'val ph = PostHog.with(context)\nph.capture("Played")\n', [("posthog", "track", "Played")]),
    ("a.kt", 'val client = PostHogAndroid.with(context, config)\nclient.screen("Home")\n',
     [("posthog", "screen", "Home")]),
    ("a.java", 'class A { MixpanelAPI mp = MixpanelAPI.getInstance(ctx, token, true);\n'
               '  void f() { mp.track("Played", props); mp.getPeople().set(traits); } }\n',
     [("mixpanel", "track", "Played"), ("mixpanel", "identify", None)]),
    ("a.java", 'class A { void f() { Analytics seg = Analytics.with(ctx); seg.track("Played"); } }\n',
     [("segment", "track", "Played")]),
]


@pytest.mark.parametrize(("path", "source", "expected"), FROM_A_FACTORY)
def test_a_client_from_a_constructor_factory_or_singleton(path: str, source: str,
                                                          expected: list) -> None:
    assert _calls(path, source) == expected


# -- typed receivers ----------------------------------------------------------------------------

TYPED = [
    ("a.swift", 'import PostHog\nfinal class A {\n  var postHog: PostHogSDK? = nil\n'
                '  func f() { postHog?.capture("Played") }\n}\n', [("posthog", "track", "Played")]),
    ("a.swift", 'import Mixpanel\nfinal class A {\n  let tracker: MixpanelInstance\n'
                '  func f() { tracker.track(event: "Played") }\n}\n', [("mixpanel", "track", "Played")]),
    # injected through init and stored into a property
    ("a.swift", 'import Segment\nfinal class A {\n  private let tracker: Analytics\n'
                '  init(analytics: Analytics) { self.tracker = analytics }\n'
                '  func f() { tracker.track(name: "Played") }\n}\n', [("segment", "track", "Played")]),
    # an app's protocol named after the SDK, which the SDK's client conforms to, keeps a client
    # named so a client (its type says nothing against it)
    ("a.swift", 'import PostHog\nfinal class A {\n  private var postHog: PHGPostHogProtocol?\n'
                '  func f() { postHog?.screen("Home", properties: [:]) }\n}\n',
     [("posthog", "screen", "Home")]),
    ("a.kt", 'class A {\n  @Inject lateinit var tracker: Analytics\n'
             '  fun f() { tracker.track("Played") }\n}\n', [("segment", "track", "Played")]),
    ("a.kt", 'class A {\n  private val tracker: MixpanelAPI? = null\n'
             '  fun f() { tracker?.track("Played") }\n}\n', [("mixpanel", "track", "Played")]),
    ("a.kt", 'class A @Inject constructor(private val tracker: Analytics) {\n'
             '  fun f() { tracker.screen("Home") }\n}\n', [("segment", "screen", "Home")]),
    ("a.kt", 'import com.posthog.PostHogInterface\nclass A(private val ph: Optional<PostHogInterface>) {\n'
             '  fun f() { ph.get().capture("Played") }\n}\n', [("posthog", "track", "Played")]),
    ("a.java", 'class A { @Inject Analytics tracker;\n  void f() { tracker.track("Played"); } }\n',
     [("segment", "track", "Played")]),
    ("a.java", 'class A { A(MixpanelAPI tracker) { tracker.track("Played"); } }\n',
     [("mixpanel", "track", "Played")]),
    ("a.java", 'class A { private final Optional<PostHog> ph;\n'
               '  void f() { ph.get().capture("u1", "Played"); } }\n', [("posthog", "track", "Played")]),
    ("a.java", 'class A { @Inject Lazy<Analytics> tracker;\n'
               '  void f() { tracker.get().track("Played"); } }\n', [("segment", "track", "Played")]),
]


@pytest.mark.parametrize(("path", "source", "expected"), TYPED)
def test_a_receiver_typed_as_the_sdk_client(path: str, source: str, expected: list) -> None:
    assert _calls(path, source) == expected


# -- lookalikes: the code says the object is something else -------------------------------------

ELSEWHERE = [
    # declared with the app's own type
    ("a.swift", 'final class A {\n  let analytics: AppAnalytics\n'
                '  func f() { analytics.track(name: "Played") }\n}\n'),
    ("a.kt", 'class A(private val analytics: AnalyticsTracker) {\n'
             '  fun f() { analytics.track("Played") }\n}\n'),
    ("a.java", 'class A { private final AnalyticsService analytics;\n'
               '  void f() { analytics.track("Played"); } }\n'),
    # an app's own class named like the SDK's: a Swift file that imports no module of the SDK,
    # a Kotlin or Java file that imports the name from the app's package
    ("a.swift", 'import Foundation\nfinal class A {\n  private let analytics: Analytics\n'
                '  func f() { analytics.track(.played) }\n}\n'),
    ("a.swift", 'import Foundation\nfunc f() { Analytics.shared.track(.played, properties: [:]) }\n'),
    ("a.kt", 'import com.acme.core.Analytics\nclass A(private val analytics: Analytics) {\n'
             '  fun f() { analytics.track("Played") }\n}\n'),
    ("a.java", 'import com.acme.core.Analytics;\nclass A { Analytics analytics;\n'
               '  void f() { analytics.track("Played"); } }\n'),
    # a type named after the SDK is no evidence for a receiver not otherwise a client (an app's
    # own wrapper class `PostHogAnalyticsClient` with a `capture` method)
    ("a.swift", 'import PostHog\nlet client = PostHogAnalyticsClient()\nclient.capture(someEvent)\n'),
]


@pytest.mark.parametrize(("path", "source"), ELSEWHERE)
def test_a_receiver_known_to_be_something_else_is_no_sdk_call(path: str, source: str) -> None:
    assert _calls(path, source) == []


@pytest.mark.parametrize(("path", "source", "sdk"), [
    ("a.swift", 'import Segment\nfinal class A {\n  private let analytics: Analytics\n'
                '  func f() { analytics.track(name: "Played") }\n}\n', "segment"),
    ("a.kt", 'import com.segment.analytics.Analytics\nclass A(private val analytics: Analytics) {\n'
             '  fun f() { analytics.track("Played") }\n}\n', "segment"),
    ("a.kt", 'import com.posthog.PostHogInterface\nclass A {\n  private var posthog: PostHogInterface? = null\n'
             '  fun f() { posthog?.capture("Played") }\n}\n', "posthog"),
])
def test_the_same_type_imported_from_the_sdk_is_its_client(path: str, source: str, sdk: str) -> None:
    assert _calls(path, source) == [(sdk, "track", "Played")]


# -- names are not the rule ---------------------------------------------------------------------

_NAMES = st.from_regex(r"[a-z][A-Za-z0-9]{0,12}", fullmatch=True).filter(
    lambda n: not keyword.iskeyword(n) and n not in {
        # words that are keywords or soft keywords in Swift, Kotlin or Java
        "let", "var", "val", "func", "fun", "class", "new", "in", "is", "as", "do", "if", "for",
        "try", "nil", "null", "self", "this", "super", "init", "get", "set", "it", "by", "to",
        "object", "when", "where", "case", "enum", "struct", "import", "package", "return",
        "throw", "true", "false", "while", "else", "switch", "default", "guard", "defer",
        "repeat", "static", "final", "public", "private", "inout", "some", "any", "typealias",
        "extension", "protocol", "operator", "subscript", "deinit", "catch", "interface",
        "void", "int", "long", "short", "byte", "char", "float", "double", "boolean", "goto",
        "const", "native", "assert", "throws", "finally", "instanceof", "transient",
        "volatile", "abstract", "synchronized", "strictfp", "continue", "break", "fallthrough",
        "typeof", "inner", "data", "open", "out", "vararg", "lateinit", "sealed", "value",
        "internal", "override", "lazy", "weak", "unowned", "rethrows", "async", "await",
        "actor", "each", "consume", "copy", "borrowing", "consuming", "macro", "package"})


@settings(max_examples=40, deadline=None)
@given(name=_NAMES)
def test_any_variable_name_holds_a_client_and_a_typed_other_object_is_none(name: str) -> None:
    assert _calls("a.swift", f'import PostHog\nlet {name} = PostHogSDK.shared\n'
                             f'{name}.capture("Played")\n') == [("posthog", "track", "Played")]
    assert _calls("a.kt", f'val {name} = MixpanelAPI.getInstance(ctx, token, true)\n'
                          f'{name}.track("Played")\n') == [("mixpanel", "track", "Played")]
    assert _calls("a.java", f'class A {{ MixpanelAPI {name};\n'
                            f'  void f() {{ {name}.track("Played"); }} }}\n') == [
        ("mixpanel", "track", "Played")]
    # the same names declared with an app's own type are no client, even `analytics`/`posthog`
    assert _calls("a.kt", f'class A(private val {name}: AppTracker) {{\n'
                          f'  fun f() {{ {name}.track("Played"); {name}.capture("Played") }}\n}}\n') == []


@pytest.mark.parametrize(("path", "source", "sdk"), [
    # RudderStack's Kotlin and Swift SDKs name their client `Analytics`, like Segment's
    ("a.kt", 'import com.rudderstack.sdk.kotlin.core.Analytics\nprivate lateinit var analytics: Analytics\n'
             'fun f() { analytics.track("Played") }\n', "rudderstack"),
    ("a.kt", 'import com.segment.analytics.kotlin.core.Analytics\nprivate lateinit var analytics: Analytics\n'
             'fun f() { analytics.track("Played") }\n', "segment"),
    ("a.swift", 'import RudderStackAnalytics\nfinal class A {\n  let analytics: Analytics\n'
                '  func f() { analytics.track(name: "Played") }\n}\n', "rudderstack"),
    ("a.swift", 'import Segment\nfinal class A {\n  let analytics: Analytics\n'
                '  func f() { analytics.track(name: "Played") }\n}\n', "segment"),
])
def test_the_import_tells_which_sdk_a_client_type_belongs_to(path: str, source: str, sdk: str) -> None:
    assert _calls(path, source) == [(sdk, "track", "Played")]


# -- returned by a function of the file ---------------------------------------------------------

@pytest.mark.parametrize(("path", "source", "expected"), [
    ("a.kt", 'fun makeClient(context: Context): PostHogInterface? = PostHogAndroid.with(context, config)\n'
             'fun f() {\n  val ph = makeClient(context)\n  ph?.capture("Played")\n}\n',
     [("posthog", "track", "Played")]),
    # an expression body says what it returns
    ("a.kt", 'private fun mixpanel() = MixpanelAPI.getInstance(context, "token", true)\n'
             'fun f() {\n  val mp = mixpanel()\n  mp.track("Played")\n}\n', [("mixpanel", "track", "Played")]),
    ("a.swift", 'import PostHog\nfunc makeClient() -> PostHogSDK? { PostHogSDK.shared }\n'
                'func f() {\n  let ph = makeClient()\n  ph?.capture("Played")\n}\n',
     [("posthog", "track", "Played")]),
    # a function that returns the app's own type: no client, whatever the variable's name
    ("a.kt", 'fun makeTracker(): AppTracker = AppTracker()\n'
             'fun f() {\n  val analytics = makeTracker()\n  analytics.track("Played")\n}\n', []),
    ("a.swift", 'import PostHog\nfunc makeTracker() -> AppTracker { AppTracker() }\n'
                'func f() {\n  let posthog = makeTracker()\n  posthog.capture("Played")\n}\n', []),
    # a function the file does not declare says nothing: the name is the evidence, as before
    ("a.kt", 'fun f() {\n  val analytics = provideAnalytics()\n  analytics.track("Played")\n}\n',
     [("segment", "track", "Played")]),
    # a declared type says more than the call's unknown result
    ("a.kt", 'fun f() {\n  val tracker: Analytics = provideAnalytics()\n  tracker.track("Played")\n}\n',
     [("segment", "track", "Played")]),
])
def test_a_client_returned_by_a_function_of_the_file(path: str, source: str, expected: list) -> None:
    assert _calls(path, source) == expected


def test_a_function_declared_far_from_the_call_is_read_in_a_partly_parsed_file() -> None:
    # windowed parsing keeps only the blocks around the call; the factory is in another block
    filler = "".join(f"fun helper{i}(a: Int): Int {{\n    return a + {i}\n}}\n\n" for i in range(80))
    source = ("fun makeClient(): PostHogInterface = PostHogAndroid.with(context, config)\n\n" + filler
              + 'fun f() {\n    val ph = makeClient()\n    ph.capture("Played")\n}\n')
    whole = extract_file("a.kt", source.encode(), SPECS, windows=False)
    windowed = extract_file("a.kt", source.encode(), SPECS)
    assert [(c.sdk, c.event) for c in windowed.calls] == [(c.sdk, c.event) for c in whole.calls] == [
        ("posthog", "Played")]
    assert windowed.notices == whole.notices == []


def test_a_testable_import_counts_in_a_partly_parsed_swift_file() -> None:
    # windowed parsing keeps the lines that start with `import`; `@testable import` is read too
    filler = "".join(f"func helper{i}(a: Int) -> Int {{\n    return a + {i}\n}}\n\n" for i in range(80))
    source = ("import XCTest\n@testable import PostHog\n\n" + filler
              + 'final class CaptureTests: XCTestCase {\n    let sut: PostHogSDK = PostHogSDK.with(config)\n'
                '    func testCapture() { sut.capture("Played") }\n}\n')
    whole = extract_file("T.swift", source.encode(), SPECS, windows=False)
    windowed = extract_file("T.swift", source.encode(), SPECS)
    assert [(c.sdk, c.event) for c in windowed.calls] == [(c.sdk, c.event) for c in whole.calls] == [
        ("posthog", "Played")]
