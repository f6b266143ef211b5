"""SDK presets: the call shapes of the analytics SDKs tracklint knows, per language.

Each preset is a list of :class:`~tracklint.extract.base.CallSpec`. Presets are data, kept in one
readable table; the ``presets`` setting turns them on and off, and custom wrappers from the config
are compiled into the same records (see :func:`wrapper_specs`).

Receivers are deliberately explicit: ``page`` and ``group`` are everywhere (``re.Match.group``),
so a call only counts on a receiver the SDK is really used through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from tracklint.extract import languages
from tracklint.extract.base import ArgRef, CallSpec

PY = languages.of_family("python")
JS = languages.of_family("js")
SWIFT = languages.of_family("swift")
KOTLIN = languages.of_family("kotlin")
JAVA = languages.of_family("java")
RUBY = languages.of_family("ruby")
GO = languages.of_family("go")
LANGUAGES = languages.NAMES

OBJ = ("object",)
STR = ("string",)
#: Ruby SDKs whose methods take one hash: a hash, or a value that may be one (a variable).
RUBY_HASH = ("object", "unknown")


def P(position: int | None = None, keyword: str | None = None, **kw: Any) -> ArgRef:
    return ArgRef(position=position, keyword=keyword, **kw)


def _spec(sdk, method, kind, langs, receivers, event=(), properties=(), **kw) -> CallSpec:
    return CallSpec(
        sdk=sdk,
        method=method,
        kind=kind,
        languages=langs,
        receivers=tuple(receivers),
        event=tuple(event),
        properties=tuple(properties),
        **kw,
    )


def _node_object_form(sdk: str, receivers, constructors=()) -> list[CallSpec]:
    """Server-side JS SDKs that take one object: ``track({userId, event, properties})``."""
    # Every server-side call names its user: that is what tells this form from the browser's.
    k = dict(constructors=tuple(constructors), first_arg=OBJ, first_arg_keys=("userId", "anonymousId"))
    return [
        _spec(sdk, "track", "track", JS, receivers, [P(0, object_key="event")],
              [P(0, object_key="properties")], **k),
        _spec(sdk, "identify", "identify", JS, receivers, [], [P(0, object_key="traits")], **k),
        _spec(sdk, "group", "group", JS, receivers, [], [P(0, object_key="traits")], **k),
        _spec(sdk, "page", "page", JS, receivers, [P(0, object_key="name")],
              [P(0, object_key="properties")], **k),
        _spec(sdk, "screen", "screen", JS, receivers, [P(0, object_key="name")],
              [P(0, object_key="properties")], **k),
    ]


def _segment_python(sdk: str, receivers: tuple[str, ...], constructors: tuple[str, ...]) -> list[CallSpec]:
    """analytics-python: track(user_id, event, properties), keyword forms too."""
    k = dict(constructors=constructors)
    return [
        _spec(sdk, "track", "track", PY, receivers, [P(keyword="event"), P(1)],
              [P(keyword="properties"), P(2, types=OBJ)], **k),
        _spec(sdk, "identify", "identify", PY, receivers, [], [P(keyword="traits"), P(1, types=OBJ)], **k),
        _spec(sdk, "group", "group", PY, receivers, [], [P(keyword="traits"), P(2, types=OBJ)], **k),
        _spec(sdk, "page", "page", PY, receivers, [P(keyword="name"), P(2, types=STR)],
              [P(keyword="properties"), P(3, types=OBJ)], **k),
        _spec(sdk, "screen", "screen", PY, receivers, [P(keyword="name"), P(2, types=STR)],
              [P(keyword="properties"), P(3, types=OBJ)], **k),
        _spec(sdk, "alias", "alias", PY, receivers, [], [], **k),
    ]


def _segment_js(sdk: str, receivers: tuple[str, ...], constructors: tuple[str, ...]) -> list[CallSpec]:
    """analytics-node's object form, then analytics.js / analytics-next / React Native:
    track(event, properties, options, callback)."""
    # Server-side object form first: it only matches when the first argument is an object.
    k = dict(constructors=constructors)
    return _node_object_form(sdk, receivers, constructors) + [
        _spec(sdk, "track", "track", JS, receivers, [P(0)], [P(1, types=OBJ)], **k),
        _spec(sdk, "identify", "identify", JS, receivers, [],
              [P(1, types=OBJ), P(0, types=OBJ)], **k),
        _spec(sdk, "group", "group", JS, receivers, [], [P(1, types=OBJ)], **k),
        # page([category], [name], [properties]): the name is the second string if there are two
        _spec(sdk, "page", "page", JS, receivers, [P(1, types=STR), P(0, types=STR)],
              [P(2, types=OBJ), P(1, types=OBJ), P(0, types=OBJ)], **k),
        _spec(sdk, "screen", "screen", JS, receivers, [P(0, types=STR)], [P(1, types=OBJ)], **k),
        _spec(sdk, "alias", "alias", JS, receivers, [], [], **k),
    ]


def _segment_swift(sdk: str, receivers: tuple[str, ...], constructors: tuple[str, ...]) -> list[CallSpec]:
    """analytics-swift: track(name:properties:); analytics-ios: track(_:properties:options:).
    Only these labels: an app's own `analytics.track(screen: .home)` is not the SDK's."""
    k = dict(constructors=constructors)
    return [
        _spec(sdk, "track", "track", SWIFT, receivers, [P(keyword="name"), P(0)],
              [P(keyword="properties")], labels=("name", "properties", "options"), **k),
        _spec(sdk, "identify", "identify", SWIFT, receivers, [], [P(keyword="traits")],
              labels=("userId", "traits", "options"), **k),
        _spec(sdk, "group", "group", SWIFT, receivers, [], [P(keyword="traits")],
              labels=("groupId", "traits", "options"), **k),
        _spec(sdk, "screen", "screen", SWIFT, receivers, [P(keyword="title"), P(0)],
              [P(keyword="properties")], labels=("title", "category", "properties", "options"), **k),
        _spec(sdk, "alias", "alias", SWIFT, receivers, [], [], labels=("newId", "options"), **k),
    ]


def _segment_kotlin(sdk: str, receivers: tuple[str, ...], constructors: tuple[str, ...]) -> list[CallSpec]:
    """analytics-kotlin: track(name, properties); analytics-android: track(name, Properties())."""
    k = dict(constructors=constructors)
    return [
        _spec(sdk, "track", "track", KOTLIN, receivers, [P(keyword="name"), P(0)],
              [P(keyword="properties"), P(1)], **k),
        _spec(sdk, "identify", "identify", KOTLIN, receivers, [], [P(keyword="traits"), P(1)], **k),
        _spec(sdk, "group", "group", KOTLIN, receivers, [], [P(keyword="traits"), P(1)], **k),
        _spec(sdk, "screen", "screen", KOTLIN, receivers, [P(keyword="title"), P(0)],
              [P(keyword="properties"), P(1)], **k),
        _spec(sdk, "alias", "alias", KOTLIN, receivers, [], [], **k),
    ]


#: analytics-java's message builders (rudder-sdk-java has the same classes): the builder's type
#: picks the kind. (class, kind, the key of ``Class.builder(x)``'s argument, the keys of the
#: event name and of the properties); see ``VALUE_SHAPES["java"]``.
_JAVA_MESSAGES = (
    ("TrackMessage", "track", "event", "event", "properties"),
    ("IdentifyMessage", "identify", None, None, "traits"),
    ("GroupMessage", "group", "groupId", None, "traits"),
    ("PageMessage", "page", "name", "name", "properties"),
    ("ScreenMessage", "screen", "name", "name", "properties"),
    ("AliasMessage", "alias", "previousId", None, None),
)


def _segment_java(sdk: str, receivers: tuple[str, ...], constructors: tuple[str, ...]) -> list[CallSpec]:
    """analytics-java (server): ``enqueue``/``offer`` of a message builder, whose type says the
    kind; a builder the call does not show (``enqueue(builder)``) is a ``message``. The Android
    Java API: track(event, properties), identify([userId,] traits), group(groupId, traits),
    screen([category,] name, properties), alias(newId)."""
    k = dict(constructors=constructors)
    sends = [
        _spec(sdk, method, kind, JAVA, receivers,
              [P(0, object_key=event)] if event else [], [P(0, object_key=props)] if props else [],
              first_arg_ctor=(message,), **k)
        for method in ("enqueue", "offer") for message, kind, _arg, event, props in _JAVA_MESSAGES
    ] + [_spec(sdk, method, "message", JAVA, receivers, **k) for method in ("enqueue", "offer")]
    return sends + [
        _spec(sdk, "track", "track", JAVA, receivers, [P(0)], [P(1, types=OBJ)], **k),
        _spec(sdk, "identify", "identify", JAVA, receivers, [], [P(1, types=OBJ), P(0, types=OBJ)], **k),
        _spec(sdk, "group", "group", JAVA, receivers, [], [P(1, types=OBJ)], **k),
        # screen(category, name, properties) | screen(name, properties) | screen(name)
        _spec(sdk, "screen", "screen", JAVA, receivers, [P(1, types=STR), P(0, types=STR)],
              [P(2, types=OBJ), P(1, types=OBJ)], **k),
        _spec(sdk, "alias", "alias", JAVA, receivers, [], [], **k),
    ]
def _go_names(packages: tuple[str, ...], names: tuple[str, ...]) -> tuple[str, ...]:
    """Go names qualified by package, as the Go extractor writes them: the import path without
    host and major version (``segmentio/analytics-go.Track``), or the package's own name for
    the unqualified names of code inside the package (``analytics.Track``)."""
    return tuple(f"{package}.{name}" for package in packages for name in names)


def _go_messages(sdk: str, packages: tuple[str, ...], receivers: tuple[str, ...],
                 messages: list[tuple[str, str, list[ArgRef], list[ArgRef]]],
                 clients: tuple[str, ...] = ("New", "NewWithConfig", "Client")) -> list[CallSpec]:
    """A Go message-style SDK: ``client.Enqueue(pkg.Type{...})``, one spec per message type
    ``(kind, type, event, properties)`` (any receiver: the literal's type, resolved through
    the file's imports, names the SDK), then ``client.Enqueue(msg)`` with a message that is
    not visible at the call on a client made by ``clients`` (or one of ``receivers``): kind
    ``message``."""
    specs = [_spec(sdk, "Enqueue", kind, GO, ("*",), event, properties,
                   first_arg_ctor=_go_names(packages, (type_name,)))
             for kind, type_name, event, properties in messages]
    # an unknown message, or a literal of a type no spec knows (a test's own Message type)
    specs.append(_spec(sdk, "Enqueue", "message", GO, receivers, [P(0)],
                       constructors=_go_names(packages, clients), first_arg=("unknown", "object")))
    return specs


def _segment_go(sdk: str, receivers: tuple[str, ...], constructors: tuple[str, ...]) -> list[CallSpec]:
    """analytics-go: ``client.Enqueue(analytics.Track{Event:, Properties:})`` and Identify,
    Group, Page, Screen, Alias. For Go, ``constructors`` names the SDK's packages (see
    :func:`_go_names`): its clients come from their ``New``/``NewWithConfig`` or are typed
    ``Client``."""
    props, traits = [P(0, object_key="Properties")], [P(0, object_key="Traits")]
    return _go_messages(sdk, constructors, receivers, [
        ("track", "Track", [P(0, object_key="Event")], props),
        ("identify", "Identify", [], traits),
        ("group", "Group", [], traits),
        ("page", "Page", [P(0, object_key="Name")], props),
        ("screen", "Screen", [P(0, object_key="Name")], props),
        ("alias", "Alias", [], []),
    ])


def _segment_ruby(sdk: str, receivers: tuple[str, ...], constructors: tuple[str, ...]) -> list[CallSpec]:
    """analytics-ruby: one hash, ``track(user_id:, event:, properties:)``, braced or bare.

    The Ruby extractor reads a variable bound to ``X.new(...)`` as the receiver ``X.new``, so a
    Ruby constructor is a receiver here (``Segment.Analytics.new``), not a ``constructors`` entry.
    """
    r = tuple(receivers) + tuple(f"{c}.new" for c in constructors)
    # The one argument is a hash: an app's own `Analytics.track('Clicked', props)` is not this
    # SDK (a wrapper declaration reads it), and its first argument tells it apart.
    k = {"first_arg": RUBY_HASH}
    return [
        _spec(sdk, "track", "track", RUBY, r, [P(0, object_key="event")],
              [P(0, object_key="properties")], **k),
        _spec(sdk, "identify", "identify", RUBY, r, [], [P(0, object_key="traits")], **k),
        _spec(sdk, "group", "group", RUBY, r, [], [P(0, object_key="traits")], **k),
        _spec(sdk, "page", "page", RUBY, r, [P(0, object_key="name")],
              [P(0, object_key="properties")], **k),
        _spec(sdk, "screen", "screen", RUBY, r, [P(0, object_key="name")],
              [P(0, object_key="properties")], **k),
        _spec(sdk, "alias", "alias", RUBY, r, [], [], **k),
    ]


#: Segment's call shapes per language family (the order is the order specs are tried in).
_SEGMENT_FORMS = {
    "python": _segment_python,
    "js": _segment_js,
    "swift": _segment_swift,
    "kotlin": _segment_kotlin,
    "java": _segment_java,
    "ruby": _segment_ruby,
    "go": _segment_go,
}


def _segment_like(sdk: str, receivers: dict[str, tuple[str, ...]],
                  constructors: dict[str, tuple[str, ...]]) -> list[CallSpec]:
    """Segment's API, shared by RudderStack: the same methods and argument orders. Receivers
    and constructors are keyed by language family: a new language is a new key."""
    return [spec for family, forms in _SEGMENT_FORMS.items() if family in receivers
            for spec in forms(sdk, receivers[family], constructors.get(family, ()))]


SEGMENT = _segment_like(
    "segment",
    receivers={
        "python": ("analytics",),
        # useAnalytics(): @segment/analytics-react's hook (`const { track } = useAnalytics()`)
        "js": ("analytics", "useAnalytics"),
        "swift": ("analytics", "Analytics.shared", "SEGAnalytics.shared", "Analytics.main"),
        "kotlin": ("analytics", "Analytics.with"),
        "java": ("analytics", "Analytics.with"),
        # analytics-ruby's README: `Analytics = Segment::Analytics.new(write_key: ...)`
        "ruby": ("Analytics",),
        "go": ("analyticsClient", "segmentClient"),
    },
    constructors={
        # bare when defined locally; module-qualified when imported (see extract/python.py)
        "python": ("Client", "segment.analytics.Client", "segment.analytics.client.Client",
                   "analytics.Client", "analytics.client.Client"),
        "js": ("Analytics", "AnalyticsBrowser"),
        "swift": ("Analytics",),
        "kotlin": ("Analytics",),
        # `Analytics analytics = Analytics.builder(key).build()`, `var a = Analytics.with(ctx)`
        "java": ("Analytics", "Analytics.builder", "Analytics.with"),
        "ruby": ("Segment.Analytics", "Segment.Analytics.Client"),
        # the SDK's packages (old and new import paths give the same name), and its own tests
        "go": ("segmentio/analytics-go", "analytics"),
    },
)

RUDDERSTACK = _segment_like(
    "rudderstack",
    receivers={
        "python": ("rudder_analytics", "rudderanalytics"),
        "js": ("rudderanalytics", "rudderAnalytics", "rudderClient"),
        "swift": ("RSClient.sharedInstance", "RSClient.getInstance", "rudderClient"),
        "kotlin": ("rudderClient", "RudderClient.getInstance"),
        "java": ("rudderClient", "rudderAnalytics", "RudderClient.getInstance"),
        "ruby": ("rudder_analytics", "rudder"),
        "go": ("rudderClient", "rudderstackClient"),
    },
    constructors={
        # rudder-sdk-python's `from rudderstack.analytics.client import Client`
        "python": ("rudderstack.analytics.Client", "rudderstack.analytics.client.Client"),
        "js": ("RudderAnalytics",),
        # rudder-sdk-ios (`RSClient`); rudder-sdk-swift and rudder-sdk-kotlin name their client
        # `Analytics`, like Segment's: where the file imports it from (CLIENT_MODULES) tells
        "swift": ("RSClient", "RSClient.sharedInstance", "Analytics"),
        "kotlin": ("RudderClient", "RudderClient.getInstance", "Analytics"),
        # rudder-sdk-java's entry class (`RudderAnalytics analytics = RudderAnalytics.builder(key).build()`)
        "java": ("RudderAnalytics", "RudderAnalytics.builder", "RudderClient",
                 "RudderClient.getInstance"),
        "ruby": ("Rudder.Analytics", "Rudder.Analytics.Client"),
        "go": ("rudderlabs/analytics-go", "analytics"),
    },
)

POSTHOG_RECEIVERS = ("posthog", "PostHog", "posthogClient", "usePostHog")
# Python constructors are module-qualified when imported (`from posthog import Client`).
PY_POSTHOG_CTORS = ("Posthog", "PostHog", "posthog.Posthog", "posthog.Client", "posthog.client.Client")
#: posthog-android: the static `PostHog` (v3), `PostHog.with(context)` (v1/v2) and a client
#: made by `PostHogAndroid.with(context, config)` (a `PostHogInterface`)
_POSTHOG_ANDROID = ("PostHog", "posthog", "PostHog.with", "PostHogAndroid.with")
_POSTHOG_ANDROID_TYPES = dict(constructors=("PostHog", "PostHogInterface", "PostHog.with",
                                            "PostHogAndroid.with"))
POSTHOG = [
    # posthog-python: v6 capture(event, distinct_id=, properties=); older capture(distinct_id, event, properties)
    _spec("posthog", "capture", "track", PY, POSTHOG_RECEIVERS,
          [P(keyword="event"), P(1, types=STR), P(0)],
          [P(keyword="properties"), P(2, types=OBJ)], constructors=PY_POSTHOG_CTORS,
          modules=("posthog",)),  # also `from posthog import capture`
    _spec("posthog", "identify", "identify", PY, POSTHOG_RECEIVERS, [],
          [P(keyword="properties"), P(1, types=OBJ)], constructors=PY_POSTHOG_CTORS,
          modules=("posthog",)),
    # posthog-node: capture({distinctId, event, properties})
    _spec("posthog", "capture", "track", JS, POSTHOG_RECEIVERS + ("client",),
          [P(0, object_key="event")], [P(0, object_key="properties")], constructors=("PostHog",),
          first_arg=OBJ),
    # posthog-js: capture(event, properties)
    _spec("posthog", "capture", "track", JS, POSTHOG_RECEIVERS, [P(0)], [P(1, types=OBJ)],
          constructors=("PostHog",)),
    # posthog-node: identify({distinctId, properties}); posthog-js: identify(id, properties)
    _spec("posthog", "identify", "identify", JS, POSTHOG_RECEIVERS + ("client",), [],
          [P(0, object_key="properties")], constructors=("PostHog",), first_arg=OBJ),
    _spec("posthog", "identify", "identify", JS, POSTHOG_RECEIVERS, [], [P(1, types=OBJ)],
          constructors=("PostHog",)),
    # posthog-python: alias(previous_id, distinct_id), group_identify(group_type, group_key,
    # properties)
    _spec("posthog", "alias", "alias", PY, POSTHOG_RECEIVERS, [], [],
          constructors=PY_POSTHOG_CTORS, modules=("posthog",)),
    _spec("posthog", "group_identify", "group", PY, POSTHOG_RECEIVERS, [],
          [P(keyword="properties"), P(2, types=OBJ)], constructors=PY_POSTHOG_CTORS,
          modules=("posthog",)),
    # posthog-python: set/set_once(distinct_id, properties) update the person's properties;
    # capture_exception(exception, distinct_id, properties) sends PostHog's own `$exception`.
    # No bare form for `set` (it would be the builtin): a receiver shown to be the client only.
    _spec("posthog", "set", "identify", PY, POSTHOG_RECEIVERS, [],
          [P(keyword="properties"), P(1, types=OBJ)], constructors=PY_POSTHOG_CTORS),
    _spec("posthog", "set_once", "identify", PY, POSTHOG_RECEIVERS, [],
          [P(keyword="properties"), P(1, types=OBJ)], constructors=PY_POSTHOG_CTORS,
          modules=("posthog",)),
    _spec("posthog", "capture_exception", "builtin", PY, POSTHOG_RECEIVERS, [],
          [P(keyword="properties"), P(2, types=OBJ)], constructors=PY_POSTHOG_CTORS,
          modules=("posthog",)),
    # posthog-node: groupIdentify({groupType, groupKey, properties}), alias({distinctId, alias});
    # posthog-js: group(groupType, groupKey, properties), alias(alias)
    _spec("posthog", "groupIdentify", "group", JS, POSTHOG_RECEIVERS + ("client",), [],
          [P(0, object_key="properties")], constructors=("PostHog",), first_arg=OBJ),
    _spec("posthog", "group", "group", JS, POSTHOG_RECEIVERS, [], [P(2, types=OBJ)],
          constructors=("PostHog",)),
    _spec("posthog", "alias", "alias", JS, POSTHOG_RECEIVERS + ("client",), [], [],
          constructors=("PostHog",)),
    # posthog-node's awaited forms: captureImmediate, identifyImmediate, aliasImmediate,
    # groupIdentifyImmediate (the same one object as capture, identify, alias, groupIdentify)
    *[_spec("posthog", method, kind, JS, POSTHOG_RECEIVERS + ("client",), event, props,
            constructors=("PostHog",), first_arg=OBJ) for method, kind, event, props in (
        ("captureImmediate", "track", [P(0, object_key="event")], [P(0, object_key="properties")]),
        ("identifyImmediate", "identify", [], [P(0, object_key="properties")]),
        ("aliasImmediate", "alias", [], []),
        ("groupIdentifyImmediate", "group", [], [P(0, object_key="properties")]))],
    # posthog-js: setPersonProperties(set, setOnce); posthog-react-native: screen(name, properties);
    # posthog-js captureException(error, properties), posthog-node captureException(error,
    # distinctId, properties) and captureExceptionImmediate: PostHog's own `$exception` event
    _spec("posthog", "setPersonProperties", "identify", JS, POSTHOG_RECEIVERS, [],
          [P(0, types=OBJ)], constructors=("PostHog",)),
    _spec("posthog", "screen", "screen", JS, POSTHOG_RECEIVERS, [P(0, types=STR)],
          [P(1, types=OBJ)], constructors=("PostHog",)),
    *[_spec("posthog", method, "builtin", JS, POSTHOG_RECEIVERS + ("client",), [],
            [P(2, types=OBJ), P(1, types=OBJ)], constructors=("PostHog",))
      for method in ("captureException", "captureExceptionImmediate")],
    # posthog-ios: screen(_:properties:), alias(_:), group(type:key:groupProperties:)
    _spec("posthog", "screen", "screen", SWIFT, ("PostHogSDK.shared", "posthog"), [P(0)],
          [P(keyword="properties")], constructors=("PostHogSDK", "PostHogSDK.with")),
    _spec("posthog", "alias", "alias", SWIFT, ("PostHogSDK.shared", "posthog"), [], [],
          constructors=("PostHogSDK", "PostHogSDK.with")),
    _spec("posthog", "group", "group", SWIFT, ("PostHogSDK.shared", "posthog"), [],
          [P(keyword="groupProperties")], constructors=("PostHogSDK", "PostHogSDK.with")),
    # posthog-android: screen(screenTitle, properties), alias(alias), group(type, key, groupProperties)
    _spec("posthog", "screen", "screen", KOTLIN, _POSTHOG_ANDROID,
          [P(keyword="screenTitle"), P(0)], [P(keyword="properties"), P(1)], **_POSTHOG_ANDROID_TYPES),
    _spec("posthog", "alias", "alias", KOTLIN, _POSTHOG_ANDROID, [], [], **_POSTHOG_ANDROID_TYPES),
    _spec("posthog", "group", "group", KOTLIN, _POSTHOG_ANDROID, [],
          [P(keyword="groupProperties"), P(2)], **_POSTHOG_ANDROID_TYPES),
    # posthog-ios: capture(_:properties:), identify(_:userProperties:); PostHogSDK.with(config)
    _spec("posthog", "capture", "track", SWIFT, ("PostHogSDK.shared", "posthog"),
          [P(keyword="event"), P(0)], [P(keyword="properties")],
          constructors=("PostHogSDK", "PostHogSDK.with")),
    _spec("posthog", "identify", "identify", SWIFT, ("PostHogSDK.shared", "posthog"), [],
          [P(keyword="userProperties")], constructors=("PostHogSDK", "PostHogSDK.with")),
    # posthog-android: capture(event, distinctId, properties), identify(distinctId, userProperties)
    _spec("posthog", "capture", "track", KOTLIN, _POSTHOG_ANDROID,
          [P(keyword="event"), P(0)], [P(keyword="properties"), P(2)], **_POSTHOG_ANDROID_TYPES),
    _spec("posthog", "identify", "identify", KOTLIN, _POSTHOG_ANDROID, [],
          [P(keyword="userProperties"), P(1)], **_POSTHOG_ANDROID_TYPES),
    # posthog-java (server): capture(distinctId, event[, properties]), identify(distinctId,
    # properties[, propertiesSetOnce]), set/setOnce(distinctId, properties), alias(distinctId, alias)
    *[_spec("posthog", method, kind, JAVA, ("posthog", "postHog", "posthogClient"), event, props,
            constructors=("PostHog", "PostHog.Builder")) for method, kind, event, props in (
        ("capture", "track", [P(1)], [P(2)]), ("identify", "identify", [], [P(1)]),
        ("set", "identify", [], [P(1)]), ("setOnce", "identify", [], [P(1)]),
        ("alias", "alias", [], []))],
    # posthog-android from Java: PostHog.capture(event, distinctId, properties) (static, v3);
    # PostHog.with(context).capture(event, properties) (v1/v2)
    _spec("posthog", "capture", "track", JAVA, ("PostHog",), [P(0)], [P(2)]),
    _spec("posthog", "capture", "track", JAVA, ("PostHog.with",), [P(0)], [P(1)]),
    _spec("posthog", "identify", "identify", JAVA, ("PostHog", "PostHog.with"), [], [P(1)]),
    # ... and screen(screenTitle, properties), alias(alias), group(type, key, groupProperties)
    _spec("posthog", "screen", "screen", JAVA, ("PostHog", "PostHog.with"), [P(0)], [P(1)]),
    _spec("posthog", "alias", "alias", JAVA, ("PostHog", "PostHog.with"), [], []),
    _spec("posthog", "group", "group", JAVA, ("PostHog", "PostHog.with"), [], [P(2)]),
    # posthog-go: client.Enqueue(posthog.Capture{DistinctId:, Event:, Properties:}), ...;
    # Exception sends PostHog's own `$exception` event
    *_go_messages("posthog", ("posthog/posthog-go", "posthog"), ("posthogClient", "phClient"), [
        ("track", "Capture", [P(0, object_key="Event")], [P(0, object_key="Properties")]),
        ("identify", "Identify", [], [P(0, object_key="Properties")]),
        ("alias", "Alias", [], []),
        ("group", "GroupIdentify", [], [P(0, object_key="Properties")]),
        ("builtin", "Exception", [], []),
    ], clients=("New", "NewWithConfig", "Client", "EnqueueClient",
                "client")),  # `client`: the SDK's own type, in its package
]

#: mixpanel-java's people updates whose second argument is profile properties, and the others
#: (counters, removals, charges, raw messages: not checked against the plan's traits).
_MIXPANEL_JAVA_PEOPLE_PROPS = ("set", "setOnce")
_MIXPANEL_JAVA_PEOPLE = ("increment", "append", "remove", "union", "unset", "delete", "trackCharge",
                         "peopleMessage")
_MIXPANEL_JAVA_GROUPS = ("groupDelete", "groupRemove", "groupUnion", "groupUnset", "groupMessage")
# posthog-ruby: one hash, braced or bare; `PostHog.capture(...)` is the module-level client;
# `PostHog::Client.new(...)` (a bare `Client.new` inside `module PostHog` too, see extract/ruby.py)
RUBY_POSTHOG = ("posthog", "PostHog", "PostHog.Client.new")
_RUBY_POSTHOG_SPECS = [
    _spec("posthog", "capture", "track", RUBY, RUBY_POSTHOG, [P(0, object_key="event")],
          [P(0, object_key="properties")], first_arg=RUBY_HASH),
    _spec("posthog", "identify", "identify", RUBY, RUBY_POSTHOG, [],
          [P(0, object_key="properties")], first_arg=RUBY_HASH),
    _spec("posthog", "group_identify", "group", RUBY, RUBY_POSTHOG, [],
          [P(0, object_key="properties")], first_arg=RUBY_HASH),
    _spec("posthog", "alias", "alias", RUBY, RUBY_POSTHOG, [], [], first_arg=RUBY_HASH),
    # capture_exception(exception, distinct_id, properties): the event is always `$exception`
    _spec("posthog", "capture_exception", "builtin", RUBY, RUBY_POSTHOG, [],
          [P(2, types=OBJ)]),
]
POSTHOG.extend(_RUBY_POSTHOG_SPECS)

#: Mixpanel's mobile SDKs: a profile update other than `set`/`setOnce` (counters, lists, removals,
#: charges), whose values are not checked against the plan's traits. `set`, `append` and
#: `remove` are read in Java only (where mixpanel-java's builder already has them): in Swift and
#: Kotlin they are everyday calls (`UserDefaults.set`, `array.append`) in a tenth of the files,
#: which the pre-filter would then parse (a third more time on a real Swift app).
_MIXPANEL_PEOPLE_UPDATES = ("increment", "union", "unset", "trackCharge", "clearCharges",
                            "deleteUser")
_MIXPANEL_SWIFT_TYPES = ("MixpanelInstance", "Mixpanel.initialize", "Mixpanel.mainInstance")
_MIXPANEL_SWIFT_PEOPLE = ("mixpanel.people", "Mixpanel.mainInstance.people",
                          "Mixpanel.initialize.people", "MixpanelInstance.people")
_MIXPANEL_ANDROID_TYPES = ("MixpanelAPI", "MixpanelAPI.getInstance")
_MIXPANEL_ANDROID_PEOPLE = tuple(f"{client}.{people}" for client in (
    "mixpanel", "mMixpanel", "MixpanelAPI", "MixpanelAPI.getInstance")
    for people in ("people", "getPeople"))
MIXPANEL = [
    # mixpanel-python: mp.track(distinct_id, event_name, properties)
    _spec("mixpanel", "track", "track", PY, ("mixpanel", "mp"), [P(keyword="event_name"), P(1)],
          [P(keyword="properties"), P(2, types=OBJ)], constructors=("Mixpanel", "mixpanel.Mixpanel")),
    _spec("mixpanel", "track", "track", JS, ("mixpanel", "Mixpanel"), [P(0)], [P(1, types=OBJ)],
          constructors=("Mixpanel",)),
    _spec("mixpanel", "track", "track", SWIFT, ("Mixpanel.mainInstance", "mixpanel"),
          [P(keyword="event"), P(0)], [P(keyword="properties")],
          constructors=_MIXPANEL_SWIFT_TYPES),
    _spec("mixpanel", "track", "track", KOTLIN, ("mixpanel", "MixpanelAPI.getInstance", "mMixpanel"),
          [P(0)], [P(1)], constructors=("MixpanelAPI", "MixpanelAPI.getInstance")),
    # mixpanel-python: alias(alias_id, original), people_set(distinct_id, properties),
    # group_set(group_key, group_id, properties)
    _spec("mixpanel", "alias", "alias", PY, ("mixpanel", "mp"), [], [],
          constructors=("Mixpanel", "mixpanel.Mixpanel")),
    _spec("mixpanel", "people_set", "identify", PY, ("mixpanel", "mp"), [],
          [P(keyword="properties"), P(1, types=OBJ)], constructors=("Mixpanel", "mixpanel.Mixpanel")),
    # ... and the rest of mixpanel-python's Mixpanel: import_data(api_key, distinct_id,
    # event_name, timestamp, properties), merge(api_key, id1, id2), the people_* profile updates
    # (the ones whose second argument is properties checked against the traits) and group_*
    *[_spec("mixpanel", method, kind, PY, ("mixpanel", "mp"), [], props,
            constructors=("Mixpanel", "mixpanel.Mixpanel")) for method, kind, props in (
        ("group_set", "group", [P(keyword="properties"), P(2, types=OBJ)]),
        ("group_set_once", "group", [P(keyword="properties"), P(2, types=OBJ)]),
        ("group_union", "group", [P(keyword="properties"), P(2, types=OBJ)]),
        *[(m, "group", []) for m in ("group_unset", "group_remove", "group_delete", "group_update")],
        *[(m, "identify", [P(keyword="properties"), P(1, types=OBJ)])
          for m in ("people_set_once", "people_increment", "people_append", "people_union")],
        *[(m, "identify", []) for m in ("people_unset", "people_remove", "people_delete",
                                        "people_track_charge", "people_clear_charges",
                                        "people_update")],
        ("merge", "alias", []))],
    _spec("mixpanel", "import_data", "track", PY, ("mixpanel", "mp"),
          [P(keyword="event_name"), P(2)], [P(keyword="properties"), P(4, types=OBJ)],
          constructors=("Mixpanel", "mixpanel.Mixpanel")),
    # mixpanel-js: identify(id), alias(alias), track_with_groups(event, properties, groups)
    _spec("mixpanel", "identify", "identify", JS, ("mixpanel", "Mixpanel"), [], [],
          constructors=("Mixpanel",)),
    _spec("mixpanel", "alias", "alias", JS, ("mixpanel", "Mixpanel"), [], [], constructors=("Mixpanel",)),
    _spec("mixpanel", "track_with_groups", "track", JS, ("mixpanel", "Mixpanel"), [P(0)],
          [P(1, types=OBJ)], constructors=("Mixpanel",)),
    # mixpanel-browser: set_group(key, ids), track_links and track_forms(query, event,
    # properties). (`people.set` and mixpanel node's `import` are left out: `set(` and
    # `import(` are in most JavaScript files, which the pre-filter would then all let through.)
    _spec("mixpanel", "set_group", "group", JS, ("mixpanel", "Mixpanel"), [], [],
          constructors=("Mixpanel",)),
    *[_spec("mixpanel", m, "track", JS, ("mixpanel", "Mixpanel"), [P(1)], [P(2, types=OBJ)],
            constructors=("Mixpanel",)) for m in ("track_links", "track_forms")],
    # mixpanel-swift: identify(distinctId:), trackWithGroups(event:properties:groups:),
    # createAlias(_:distinctId:) on any MixpanelInstance
    _spec("mixpanel", "identify", "identify", SWIFT, ("Mixpanel.mainInstance", "mixpanel"), [], [],
          constructors=_MIXPANEL_SWIFT_TYPES),
    _spec("mixpanel", "trackWithGroups", "track", SWIFT, ("Mixpanel.mainInstance", "mixpanel"),
          [P(keyword="event"), P(0)], [P(keyword="properties")],
          constructors=_MIXPANEL_SWIFT_TYPES),
    _spec("mixpanel", "createAlias", "alias", SWIFT, ("Mixpanel.mainInstance", "mixpanel"), [], [],
          constructors=_MIXPANEL_SWIFT_TYPES),
    # mixpanel-android: identify(distinctId), alias(alias, original),
    # trackWithGroups(eventName, properties, groups)
    *[_spec("mixpanel", method, kind, KOTLIN, ("mixpanel", "MixpanelAPI.getInstance", "mMixpanel"),
            event, props, constructors=("MixpanelAPI", "MixpanelAPI.getInstance"))
      for method, kind, event, props in (("identify", "identify", [], []), ("alias", "alias", [], []),
                                         ("trackWithGroups", "track", [P(0)], [P(1)]))],
    # mixpanel-android: trackMap(eventName, Map<String, Any>)
    _spec("mixpanel", "trackMap", "track", KOTLIN,
          ("mixpanel", "MixpanelAPI.getInstance", "mMixpanel"), [P(0)], [P(1)],
          constructors=("MixpanelAPI", "MixpanelAPI.getInstance")),
    # mixpanel-android from Java: track(eventName, JSONObject), trackMap(eventName, Map),
    # identify(distinctId), alias(alias, original), trackWithGroups(eventName, properties, groups)
    *[_spec("mixpanel", method, kind, JAVA, ("mixpanel", "mMixpanel", "MixpanelAPI.getInstance"),
            event, props, constructors=("MixpanelAPI", "MixpanelAPI.getInstance"))
      for method, kind, event, props in (
          ("track", "track", [P(0)], [P(1)]), ("trackMap", "track", [P(0)], [P(1)]),
          ("identify", "identify", [], []), ("alias", "alias", [], []),
          ("trackWithGroups", "track", [P(0)], [P(1)]))],
    # mixpanel-swift: `people.setOnce(properties:)` and the other profile updates on any
    # MixpanelInstance (`Mixpanel.mainInstance().people`, a bound instance's `people`)
    *[_spec("mixpanel", method, "identify", SWIFT, _MIXPANEL_SWIFT_PEOPLE, [], props,
            constructors=_MIXPANEL_SWIFT_TYPES)
      for method, props in (("setOnce", [P(keyword="properties")]),
                            *[(m, []) for m in _MIXPANEL_PEOPLE_UPDATES])],
    # mixpanel-android: `getPeople().set(JSONObject)` (Java), `setOnce`, `setMap`, `people.setOnce`
    # in Kotlin, and the other profile updates
    *[_spec("mixpanel", method, "identify", langs, _MIXPANEL_ANDROID_PEOPLE, [], props,
            constructors=_MIXPANEL_ANDROID_TYPES)
      for langs, others in ((KOTLIN, ()), (JAVA, (("set", [P(0, types=OBJ)]), ("append", []),
                                                  ("remove", []))))
      for method, props in (("setOnce", [P(0, types=OBJ)]), ("setMap", [P(0)]),
                            ("setOnceMap", [P(0)]), *[(m, []) for m in _MIXPANEL_PEOPLE_UPDATES],
                            *others)],
    # mixpanel-java (server): a MessageBuilder makes each message, sent later by
    # MixpanelAPI.deliver: event/importEvent(distinctId, name, props), people and group updates
    *[_spec("mixpanel", method, kind, JAVA, ("messageBuilder",), event, props,
            constructors=("MessageBuilder",)) for method, kind, event, props in (
        ("event", "track", [P(1)], [P(2)]), ("importEvent", "track", [P(1)], [P(2)]),
        *[(m, "identify", [], [P(1)]) for m in _MIXPANEL_JAVA_PEOPLE_PROPS],
        *[(m, "identify", [], []) for m in _MIXPANEL_JAVA_PEOPLE],
        *[(m, "group", [], [P(2)]) for m in ("groupSet", "groupSetOnce")],
        *[(m, "group", [], []) for m in _MIXPANEL_JAVA_GROUPS])],
    # mixpanel-go: mp.Track(ctx, []*mixpanel.Event{mp.NewEvent(name, distinctID, props)}): one
    # Track sends many events, so each event is reported where it is made
    _spec("mixpanel", "NewEvent", "track", GO, (), [P(0)], [P(2)],
          constructors=_go_names(("mixpanel/mixpanel-go", "mixpanel"), ("NewApiClient", "ApiClient"))),
]

# mixpanel-ruby: `tracker = Mixpanel::Tracker.new(token)`; track(distinct_id, event, props),
# import(api_key, distinct_id, event, props), alias(alias_id, real_id); profile updates on
# `tracker.people` (a `Mixpanel::People`), group updates on `tracker.groups`
_RUBY_TRACKERS = ("mixpanel", "Mixpanel.Tracker.new", "Mixpanel.Events.new")
_RUBY_PEOPLE = ("mixpanel.people", "Mixpanel.Tracker.new.people", "Mixpanel.People.new")
_RUBY_GROUPS = ("mixpanel.groups", "Mixpanel.Tracker.new.groups", "Mixpanel.Groups.new")
MIXPANEL += [
    _spec("mixpanel", "track", "track", RUBY, _RUBY_TRACKERS, [P(1)], [P(2, types=OBJ)]),
    _spec("mixpanel", "import", "track", RUBY, _RUBY_TRACKERS, [P(2)], [P(3, types=OBJ)]),
    _spec("mixpanel", "alias", "alias", RUBY, ("mixpanel", "Mixpanel.Tracker.new"), [], []),
    *[_spec("mixpanel", m, "identify", RUBY, _RUBY_PEOPLE, [], [P(1, types=OBJ)])
      for m in ("set", "set_once", "increment", "append", "union")],
    # profile operations that name properties without values to check
    *[_spec("mixpanel", m, "identify", RUBY, _RUBY_PEOPLE, [], [])
      for m in ("track_charge", "clear_charges", "plus_one", "unset", "remove", "delete_user")],
    *[_spec("mixpanel", m, "group", RUBY, _RUBY_GROUPS, [], [P(2, types=OBJ)])
      for m in ("set", "set_once", "union")],
    *[_spec("mixpanel", m, "group", RUBY, _RUBY_GROUPS, [], [])
      for m in ("remove", "unset", "delete_group")],
]
# Amplitude's analytics-go clients: made by NewClient, or typed Client
_AMPLITUDE_GO = dict(constructors=_go_names(("amplitude/analytics-go/amplitude", "amplitude"),
                                            ("NewClient", "Client")))

AMPLITUDE = [
    # amplitude-python: client.track(BaseEvent(event_type=..., event_properties=...))
    _spec("amplitude", "track", "track", PY, ("amplitude", "amplitude_client", "client"),
          [P(0, object_key="event_type"), P(keyword="event_type")],
          [P(0, object_key="event_properties"), P(keyword="event_properties")],
          constructors=("Amplitude", "amplitude.Amplitude", "amplitude.client.Amplitude")),
    # amplitude-python: identify(Identify(), EventOptions(...)), group_identify(group_type,
    # group_name, Identify(), ...), set_group(group_type, group_name, options) and revenue(Revenue(),
    # options), which sends Amplitude's own revenue event
    *[_spec("amplitude", method, kind, PY, ("amplitude", "amplitude_client"),
            constructors=("Amplitude", "amplitude.Amplitude", "amplitude.client.Amplitude"))
      for method, kind in (("identify", "identify"), ("group_identify", "group"),
                           ("set_group", "group"), ("revenue", "builtin"))],
    # @amplitude/analytics-browser / -node: track(eventType, eventProperties) or track({event_type})
    _spec("amplitude", "track", "track", JS, ("amplitude", "ampli", "amplitudeClient"),
          [P(0, object_key="event_type"), P(0)],
          [P(0, object_key="event_properties"), P(1, types=OBJ)],
          modules=("@amplitude/analytics-browser", "@amplitude/analytics-node",
                   "@amplitude/analytics-react-native", "@amplitude/unified"),
          constructors=("Amplitude",)),
    # @amplitude/analytics-*: identify(new Identify()...), setGroup(type, name),
    # groupIdentify(type, name, identify), revenue(new Revenue()...) (Amplitude's own event)
    *[_spec("amplitude", method, kind, JS, ("amplitude", "ampli", "amplitudeClient"), [], [],
            modules=("@amplitude/analytics-browser", "@amplitude/analytics-node",
                     "@amplitude/analytics-react-native", "@amplitude/unified"),
            constructors=("Amplitude",))
      for method, kind in (("identify", "identify"), ("setGroup", "group"),
                           ("groupIdentify", "group"), ("revenue", "builtin"))],
    # amplitude-js (legacy): amplitude.getInstance().logEvent(name, props)
    # (not any `X.getInstance()`: `Logger.getInstance().logEvent(...)` is not Amplitude)
    _spec("amplitude", "logEvent", "track", JS, ("amplitude", "amplitude.getInstance"),
          [P(0)], [P(1, types=OBJ)]),
    # Amplitude-Swift: track(eventType:eventProperties:) or track(event: BaseEvent(eventType: ...))
    _spec("amplitude", "track", "track", SWIFT, ("amplitude", "Amplitude.instance"),
          [P(keyword="eventType"), P(keyword="event", object_key="eventType"), P(0)],
          [P(keyword="eventProperties"), P(keyword="event", object_key="eventProperties")],
          constructors=("Amplitude",)),
    _spec("amplitude", "logEvent", "track", SWIFT, ("Amplitude.instance", "amplitude"),
          [P(0)], [P(keyword="withEventProperties")]),
    # Amplitude-Kotlin: track(eventType, eventProperties) or track(BaseEvent().apply { ... })
    _spec("amplitude", "track", "track", KOTLIN, ("amplitude",),
          [P(0, object_key="eventType"), P(keyword="event", object_key="eventType"),
           P(keyword="eventType"), P(0)],
          [P(0, object_key="eventProperties"), P(keyword="event", object_key="eventProperties"),
           P(keyword="eventProperties"), P(1)], constructors=("Amplitude",)),
    _spec("amplitude", "logEvent", "track", KOTLIN, ("Amplitude.getInstance", "amplitude"),
          [P(0)], [P(1)]),
    # identify(userProperties:) / identify(identify: Identify()) ; Kotlin identify(map | Identify())
    _spec("amplitude", "identify", "identify", SWIFT, ("amplitude",), [],
          [P(keyword="userProperties"), P(keyword="identify")], constructors=("Amplitude",)),
    _spec("amplitude", "identify", "identify", KOTLIN, ("amplitude",), [],
          [P(keyword="userProperties"), P(keyword="identify"), P(0)], constructors=("Amplitude",)),
    # Amplitude-Swift / Amplitude-Kotlin: setGroup(groupType, groupName),
    # groupIdentify(groupType, groupName, identify), revenue(revenue) (Amplitude's own event)
    *[_spec("amplitude", method, kind, langs, ("amplitude",), [], props, constructors=("Amplitude",))
      for langs in (SWIFT, KOTLIN) for method, kind, props in (
          ("setGroup", "group", []), ("groupIdentify", "group", [P(keyword="identify"), P(2)]),
          ("revenue", "builtin", []))],
    # Amplitude's Java SDK: client.logEvent(new Event(eventType, userId)); Amplitude-Android:
    # Amplitude.getInstance().logEvent(eventType, eventProperties); Amplitude-Kotlin from Java:
    # amplitude.track(eventType, eventProperties)
    _spec("amplitude", "logEvent", "track", JAVA, ("amplitude", "Amplitude.getInstance", "client"),
          [P(0, object_key="eventType")], [P(0, object_key="eventProperties")],
          constructors=("Amplitude", "Amplitude.getInstance"), first_arg_ctor=("Event",)),
    _spec("amplitude", "logEvent", "track", JAVA, ("amplitude", "Amplitude.getInstance"),
          [P(0)], [P(1)], constructors=("AmplitudeClient", "Amplitude.getInstance")),
    _spec("amplitude", "track", "track", JAVA, ("amplitude",), [P(0)], [P(1)],
          constructors=("Amplitude",)),
    # analytics-go: client.Track(amplitude.Event{EventType:, EventProperties:}), Identify(identify,
    # options), GroupIdentify(type, name, identify, options), SetGroup, Revenue (Amplitude's own event)
    _spec("amplitude", "Track", "track", GO, ("amplitudeClient",), [P(0, object_key="EventType")],
          [P(0, object_key="EventProperties")], **_AMPLITUDE_GO),
    _spec("amplitude", "Identify", "identify", GO, ("amplitudeClient",), **_AMPLITUDE_GO),
    _spec("amplitude", "GroupIdentify", "group", GO, ("amplitudeClient",), **_AMPLITUDE_GO),
    _spec("amplitude", "SetGroup", "group", GO, ("amplitudeClient",), **_AMPLITUDE_GO),
    _spec("amplitude", "Revenue", "builtin", GO, ("amplitudeClient",), **_AMPLITUDE_GO),
]

# Amplitude ships no Ruby SDK; the community gem amplitude-api is what Ruby apps use:
# AmplitudeAPI.track(AmplitudeAPI::Event.new(user_id:, event_type:, event_properties:)),
# AmplitudeAPI.send_event(event_type, user_id, device_id, options),
# AmplitudeAPI.identify(AmplitudeAPI::Identification.new(user_id:, user_properties:))
AMPLITUDE += [
    _spec("amplitude", "track", "track", RUBY, ("AmplitudeAPI",),
          [P(0, object_key="event_type")], [P(0, object_key="event_properties")]),
    _spec("amplitude", "send_event", "track", RUBY, ("AmplitudeAPI",), [P(0)], []),
    _spec("amplitude", "identify", "identify", RUBY, ("AmplitudeAPI",), [],
          [P(0, object_key="user_properties")]),
]

PRESETS: dict[str, list[CallSpec]] = {
    "segment": SEGMENT,
    "rudderstack": RUDDERSTACK,
    "posthog": POSTHOG,
    "mixpanel": MIXPANEL,
    "amplitude": AMPLITUDE,
}

DEFAULT_PRESETS = tuple(PRESETS)

#: Where each SDK's client types come from, by language family: Swift modules (``import
#: PostHog``), Kotlin and Java package prefixes (``import com.posthog.PostHogInterface``). A
#: receiver that names a type the file takes from elsewhere is not that SDK's client (an app's
#: own ``class Analytics`` with a ``static let shared``). SDKs without an entry are not judged.
CLIENT_MODULES: dict[str, dict[str, tuple[str, ...]]] = {
    # analytics-swift (`Segment`), analytics-ios (`Analytics`); posthog-ios; mixpanel-swift;
    # Amplitude-Swift (SPM `AmplitudeSwift`, CocoaPods `Amplitude_Swift`) and Amplitude-iOS;
    # rudder-sdk-ios and rudder-sdk-swift
    "swift": {"segment": ("Segment", "Analytics"), "posthog": ("PostHog",),
              "mixpanel": ("Mixpanel",),
              "amplitude": ("AmplitudeSwift", "Amplitude_Swift", "Amplitude"),
              "rudderstack": ("Rudder", "RudderStackAnalytics")},
    "kotlin": {"segment": ("com.segment.analytics",), "posthog": ("com.posthog",),
               "mixpanel": ("com.mixpanel",), "amplitude": ("com.amplitude",),
               "rudderstack": ("com.rudderstack",)},
    "java": {"segment": ("com.segment.analytics",), "posthog": ("com.posthog",),
             "mixpanel": ("com.mixpanel",), "amplitude": ("com.amplitude",),
             "rudderstack": ("com.rudderstack",)},
}


def client_modules(language: str, sdk: str) -> tuple[str, ...]:
    """The modules or packages ``sdk``'s client types come from in ``language`` (see
    :data:`CLIENT_MODULES`; empty: not known)."""
    return CLIENT_MODULES.get(languages.family(language), {}).get(sdk, ())


@dataclass(frozen=True)
class ValueShapes:
    """How the SDKs of one language build values an extractor must read: names it treats as
    SDK constructs rather than as unknown calls."""

    #: Objects whose ``put``/``putValue``/``set(key, value)`` calls add one property each, and
    #: whose empty construction is an empty object (``Properties()``).
    property_builders: frozenset[str] = frozenset()
    #: Constructors whose labelled arguments are read as an object (Amplitude's ``BaseEvent``).
    event_constructors: frozenset[str] = frozenset()
    #: Static methods that return an SDK instance: ``AnalyticsBrowser.load()``, ``Mixpanel.init()``.
    factory_methods: frozenset[str] = frozenset()
    #: Message builders: ``Class.method`` -> the keys of its arguments. ``TrackMessage.builder("X")
    #: .properties(map).userId(u)`` reads as an object with ``ctor="TrackMessage"`` and the keys
    #: ``event`` (from the builder's argument), ``properties`` and ``userId`` (one per chained
    #: one-argument call), so that ``CallSpec.first_arg_ctor`` can pick the kind.
    message_builders: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Constructors whose positional arguments are read as these keys of an object
    #: (Amplitude's Java ``new Event("X", userId)`` -> ``{eventType: "X", userId: ...}``).
    constructor_keys: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Methods of a property builder that add one property, ``(key, value)``: Go's
    #: ``analytics.NewProperties().Set("plan", "pro")`` (any other method leaves the object open).
    property_setters: frozenset[str] = frozenset()
    #: Methods of a property builder that add one property under a key of their own, ``(value)``:
    #: ``(method, key)`` pairs (analytics-go's ``NewProperties().SetRevenue(10)`` sets ``revenue``).
    named_setters: tuple[tuple[str, str], ...] = ()


#: analytics-go's (and RudderStack's fork's) typed setters of Properties and Traits: the key
#: each one sets is its name without ``Set``, first letter lower-cased, but for these
_ANALYTICS_GO_KEYS = {"URL": "url", "SKU": "sku", "ProductId": "id"}
_ANALYTICS_GO_SETTERS = tuple(
    ("Set" + name, _ANALYTICS_GO_KEYS.get(name, name[0].lower() + name[1:])) for name in (
        # Properties
        "Revenue", "Currency", "Value", "Path", "Referrer", "Title", "URL", "Name", "Category",
        "SKU", "Price", "ProductId", "OrderId", "Total", "Subtotal", "Shipping", "Tax",
        "Discount", "Coupon", "Products", "Repeat",
        # Traits (Name and Title are shared)
        "Address", "Age", "Avatar", "Birthday", "CreatedAt", "Description", "Email",
        "FirstName", "Gender", "LastName", "Phone", "Username", "Website"))

_JS_SHAPES = ValueShapes(factory_methods=frozenset(
    {"load", "standalone", "init", "initialize", "create", "createInstance", "getInstance", "instance"}))

#: JavaScript / TypeScript SDK packages -> the client type (as the specs' ``constructors`` name
#: it) that a class, type, hook or factory imported from the package makes: ``new PostHog(key)``
#: and ``ph: PostHog`` with ``PostHog`` from posthog-node, ``const ph = usePostHog()`` with the
#: hook from posthog-js/react. A class or type imported from any other module is the app's own
#: (its calls are never labelled with an SDK because of the variable's name).
JS_CLIENT_MODULES: dict[str, str] = {
    # posthog-js (and its React hooks), posthog-node, posthog-react-native
    "posthog-js": "PostHog", "posthog-js/react": "PostHog", "@posthog/react": "PostHog",
    "posthog-node": "PostHog", "posthog-react-native": "PostHog",
    # analytics-next (AnalyticsBrowser.load, Analytics), analytics-node (new Analytics),
    # analytics-react-native (createClient, useAnalytics), the legacy analytics-node package
    "@segment/analytics-next": "AnalyticsBrowser", "@segment/analytics-node": "Analytics",
    "@segment/analytics-react-native": "Analytics", "analytics-node": "Analytics",
    # rudder-sdk-js v3 (new RudderAnalytics()), rudder-sdk-node (new Analytics(key, options)),
    # the legacy rudder-sdk-js, rudder-sdk-react-native
    "@rudderstack/analytics-js": "RudderAnalytics", "@rudderstack/rudder-sdk-node": "RudderAnalytics",
    "rudder-sdk-js": "RudderAnalytics", "@rudderstack/rudder-sdk-react-native": "RudderAnalytics",
    # mixpanel-browser (mixpanel.init(token, config, name)), mixpanel node (Mixpanel.init(token)),
    # mixpanel-react-native (new Mixpanel(token, trackAutomaticEvents))
    "mixpanel-browser": "Mixpanel", "mixpanel": "Mixpanel", "mixpanel-react-native": "Mixpanel",
    # Amplitude's browser, node, React Native and unified SDKs (createInstance()), amplitude-js
    "@amplitude/analytics-browser": "Amplitude", "@amplitude/analytics-node": "Amplitude",
    "@amplitude/analytics-react-native": "Amplitude", "@amplitude/unified": "Amplitude",
    "amplitude-js": "Amplitude",
}
#: Functions of those packages that return the client: hooks and factory functions
#: (``usePostHog()``, analytics-react-native's ``createClient(config)``, Amplitude's
#: ``createInstance()``; the static ``X.load()``/``X.init()`` forms are ``factory_methods``).
JS_CLIENT_FUNCTIONS = frozenset({"usePostHog", "createClient", "useAnalytics", "createInstance",
                                 "getInstance"})

#: Value shapes per language (a language without SDK constructs has no entry).
VALUE_SHAPES: dict[str, ValueShapes] = {
    **{language: _JS_SHAPES for language in sorted(JS)},
    # Amplitude-Swift's BaseEvent(eventType:eventProperties:)
    "swift": ValueShapes(event_constructors=frozenset({"BaseEvent"})),
    # Segment (Properties, Traits), RudderStack (RudderProperty, RudderTraits), Amplitude
    # (BaseEvent, EventOptions), and the JSON and map types the SDKs accept
    "kotlin": ValueShapes(property_builders=frozenset(
        {"Properties", "Traits", "RudderProperty", "RudderTraits", "JSONObject", "ValueMap",
         "HashMap", "LinkedHashMap", "JsonObject", "BaseEvent", "EventOptions"})),
    # Segment Android (Properties, Traits), RudderStack Android (RudderProperty, RudderTraits),
    # the JSON and map types the SDKs accept; analytics-java's and rudder-sdk-java's message
    # builders; Amplitude Java's Event
    "java": ValueShapes(
        property_builders=frozenset({"Properties", "Traits", "RudderProperty", "RudderTraits",
                                     "JSONObject", "ValueMap", "HashMap", "LinkedHashMap",
                                     "TreeMap", "JsonObject"}),
        message_builders={f"{message}.builder": (key,) if key else ()
                          for message, _kind, key, _event, _props in _JAVA_MESSAGES},
        constructor_keys={"Event": ("eventType", "userId")}),
    # amplitude-api's event and identification objects (`X.new(key: value, ...)`)
    "ruby": ValueShapes(event_constructors=frozenset(
        {"AmplitudeAPI.Event", "AmplitudeAPI.Identification"})),
    # analytics-go / posthog-go builders (NewProperties(), NewTraits()) and their map types
    # (`posthog.Properties{"k": v}`: a literal of these types has keys, not struct fields)
    "go": ValueShapes(property_builders=frozenset(
        {"NewProperties", "NewTraits", "NewGroups", "Properties", "Traits", "Groups"}),
        property_setters=frozenset({"Set"}),
        named_setters=_ANALYTICS_GO_SETTERS),
}
_NO_SHAPES = ValueShapes()


def value_shapes(language: str) -> ValueShapes:
    """The SDK value shapes of ``language``."""
    return VALUE_SHAPES.get(language, _NO_SHAPES)

#: ``message``: a message-style SDK's send call whose message type is not visible at the call
#: (``client.Enqueue(msg)``): an SDK call that cannot be checked (TL010 reports it).
#: ``builtin``: a call that sends an event the SDK names itself (posthog-go's ``Exception`` and
#: posthog-ruby's ``capture_exception``, ``$exception``; Amplitude's ``Revenue``): reported by
#: ``scan``, checked by no rule.
KINDS = ("track", "identify", "page", "screen", "group", "alias", "message", "builtin")


def wrapper_specs(wrappers: Iterable[dict[str, Any]]) -> list[CallSpec]:
    """Compile ``[[tool.tracklint.wrappers]]`` entries into call specs.

    Each entry: ``function`` (``trackEvent`` for a bare call, ``tracker.log`` or ``*.log`` for a
    method), optional ``kind`` (default ``track``), ``languages`` (default all),
    ``event`` and ``properties``: an int (position), a string (keyword or Swift label), a table
    ``{position = 0, key = "name"}`` for a key inside an object argument, or ``"**kwargs"``
    (Python keyword arguments as the properties); ``transform``: how the wrapper turns an enum
    case's name into the name it sends (:data:`tracklint.naming.TRANSFORMS`). ``from`` and ``module`` (a string or a list)
    scope the entry: the function's name (or its receiver's) must be bound from a call of one of
    ``from`` (``const capture = useCapture()``) or imported from one of ``module``.
    """
    specs = []
    for entry in wrappers:
        function = str(entry["function"])
        receiver, _, method = function.rpartition(".")
        langs = frozenset(entry.get("languages") or LANGUAGES)
        if "javascript" in langs:
            langs = langs | {"typescript", "tsx"}
        specs.append(
            CallSpec(
                sdk=str(entry.get("sdk", "custom")),
                method=method,
                kind=str(entry.get("kind", "track")),
                languages=langs,
                receivers=(receiver,),
                modules=tuple(entry.get("modules", ())),
                origins=_origins(entry),
                event=_arg_refs(entry.get("event", 0)),
                properties=_arg_refs(entry.get("properties", 1)),
                transform=entry.get("transform"),
            )
        )
    return specs


def _origins(entry: dict[str, Any]) -> tuple[str, ...]:
    """A wrapper's scope (``from``, ``module``) as the binding strings of ``CallSpec.origins``."""
    def listed(key: str) -> list[str]:
        value = entry.get(key, ())
        return [value] if isinstance(value, str) else list(value)

    return tuple([f"call:{f}" for f in listed("from")] + [f"import:{m}" for m in listed("module")])


def _arg_refs(where: Any) -> tuple[ArgRef, ...]:
    if where is None or where is False:
        return ()
    if isinstance(where, bool):
        raise ValueError("expected a position, a keyword or a table")
    if isinstance(where, int):
        return (ArgRef(position=where),)
    if isinstance(where, str):
        if where == "**kwargs":
            return (ArgRef(kwargs=True),)
        return (ArgRef(keyword=where),)
    if isinstance(where, dict):
        refs = ArgRef(
            position=where.get("position"),
            keyword=where.get("keyword"),
            object_key=where.get("key"),
            kwargs=bool(where.get("kwargs", False)),
            exclude_keywords=tuple(where.get("exclude", ())),
        )
        return (refs,)
    if isinstance(where, list):
        return tuple(r for item in where for r in _arg_refs(item))
    raise ValueError(f"cannot read argument location {where!r}")


def build_specs(presets: Iterable[str], wrappers: Iterable[dict[str, Any]] = ()) -> list[CallSpec]:
    """The specs for the enabled presets plus the configured wrappers (wrappers first, so a
    team's own definition wins over a preset with the same name)."""
    specs = wrapper_specs(wrappers)
    for name in presets:
        specs.extend(PRESETS[name])
    return specs


def method_names(specs: Iterable[CallSpec], language: str | None = None) -> set[str]:
    """Every method/function name the specs can match (in files of ``language``, when given):
    the pre-filter's needles. Per language, because SDKs of one language have names that are
    everyday calls in another (mixpanel-java's and Mixpanel Ruby's ``set``, ``append``,
    ``remove`` next to Python's ``list.append``)."""
    return {spec.method for spec in specs if language is None or language in spec.languages}
