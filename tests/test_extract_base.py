"""The language-independent half of extraction: positions and call matching."""

from __future__ import annotations

import bisect
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.extract import extract_file
from tracklint.extract.base import LineIndex
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)


def _naive(data: bytes, offset: int) -> tuple[int, int, int]:
    starts = [0] + [i + 1 for i, b in enumerate(data) if b == 10]
    row = bisect.bisect_right(starts, offset) - 1
    prefix = data[starts[row]:offset].decode("utf-8", "replace")
    return row + 1, len(prefix) + 1, len(prefix) + sum(1 for c in prefix if ord(c) > 0xFFFF) + 1


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list("ab\n\r\té€😀\u0301 x\u4e2d"))), st.data())
def test_positions_match_a_decoded_prefix(text: str, data) -> None:
    raw = text.encode()
    offsets = [len(text[:i].encode()) for i in range(len(text) + 1)]
    offset = data.draw(st.sampled_from(offsets))
    assert LineIndex(raw).position(offset) == _naive(raw, offset)


def test_long_non_ascii_line_is_not_quadratic() -> None:
    line = ('analytics.track("Café visité",{a:1});' * 6000).encode()
    index = LineIndex(line)
    started = time.perf_counter()
    for offset in range(0, len(line), 20):
        index.position(offset)
    assert time.perf_counter() - started < 2.0
    # and the columns are right at the end of the line
    text = line.decode()
    assert index.position(len(line))[1] == len(text) + 1


def test_server_object_form_needs_a_user() -> None:
    browser = extract_file("a.js", b'analytics.identify({ email: "a@b.c" });\nanalytics.identify({ userId: "u", traits: { email: "a@b.c" } });\n', SPECS)
    first, second = browser.calls
    assert set(first.properties.properties) == {"email"}  # analytics.js: the object is the traits
    assert set(second.properties.properties) == {"email"}  # analytics-node: traits inside the object


def test_react_hooks_of_the_sdks() -> None:
    source = (
        b"const { track, page } = useAnalytics();\n"
        b"track('View Shopping Cart', { items: 2 });\n"
        b"usePostHog()?.capture('Cart Opened');\n"
        b"const { capture } = usePostHog();\n"
        b"capture('Cart Closed');\n"
    )
    calls = extract_file("a.tsx", source, SPECS).calls
    assert [(c.sdk, c.event, c.span.line) for c in calls] == [
        ("segment", "View Shopping Cart", 2),
        ("posthog", "Cart Opened", 3),
        ("posthog", "Cart Closed", 5),
    ]


def _message_call(ctor: str | None):
    from tracklint.extract.base import Arg, RawCall, Span, Value, literal

    span = Span(1, 1, 1, 2, 1, 2)
    message = Value(type="object", kind="literal", ctor=ctor,
                    properties={"Event": literal("Signed Up", text='"Signed Up"', span=span)})
    return RawCall("Enqueue", ["client"], "client", [Arg(message, position=0)], span, "python")


def test_a_message_constructor_decides_the_spec() -> None:
    """Message-style SDKs send every kind through one method; the first argument's constructor
    (matched as a dotted suffix) picks the spec, and a message of another type matches none."""
    from tracklint.extract.base import ArgRef, CallSpec, match_call

    def spec(kind: str, ctor: str) -> CallSpec:
        return CallSpec("segment", "Enqueue", kind, frozenset({"python"}), ("client",),
                        event=(ArgRef(position=0, object_key="Event"),), first_arg_ctor=(ctor,))

    specs = [spec("identify", "analytics.Identify"), spec("track", "analytics.Track")]
    found = match_call(_message_call("analytics.Track"), specs, path="x")
    assert found is not None and (found.kind, found.event) == ("track", "Signed Up")
    assert match_call(_message_call("posthog.Track"), specs, path="x") is None
    assert match_call(_message_call(None), specs, path="x") is None
    bare = [spec("track", "Track")]  # the SDK's own package writes the type unqualified
    assert match_call(_message_call("analytics.Track"), bare, path="x").kind == "track"
