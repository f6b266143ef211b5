"""Windowed parsing: only the blocks around tracked names are parsed, and only when the result
provably equals a full parse."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.extract import extract_file
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)

FILLER = {
    "py": "def helper_{i}(values):\n    total = 0\n    for v in values:\n        total += v * {i}\n    return total\n\n\n",
    "ts": "export function helper{i}(values: number[]): number {{\n  let total = 0;\n  for (const v of values) total += v * {i};\n  return total;\n}}\n\n",
    "swift": "func helper{i}(_ values: [Int]) -> Int {{\n    var total = 0\n    for v in values {{ total += v * {i} }}\n    return total\n}}\n\n",
    "kt": "fun helper{i}(values: List<Int>): Int {{\n    var total = 0\n    for (v in values) total += v * {i}\n    return total\n}}\n\n",
    "java": "class Helper{i} {{\n    static int helper(int[] values) {{\n        int total = 0;\n        for (int v : values) total += v * {i};\n        return total;\n    }}\n}}\n\n",
}
CALL = {
    "py": 'def send_{i}(user):\n    analytics.track(user.id, {event}, {{"n": {i}, "plan": PLAN}})\n\n\n',
    "ts": 'export function send{i}(): void {{\n  analytics.track({event}, {{ n: {i}, plan: PLAN }});\n}}\n\n',
    "swift": 'func send{i}() {{\n    analytics.track(name: {event}, properties: ["n": {i}, "plan": PLAN])\n}}\n\n',
    "kt": 'fun send{i}() {{\n    analytics.track({event}, mapOf("n" to {i}, "plan" to PLAN))\n}}\n\n',
    "java": 'class Send{i} {{\n    void send(Analytics analytics) {{\n        analytics.track({event}, Map.of("n", {i}, "plan", Plan.PRO.value));\n    }}\n}}\n\n',
}
# Blocks that mention tracked names without calling an SDK: a windowed parse must not give up on
# them (they are most of what passes the pre-filter in real code).
DECOY = {
    "py": "def paginate_{i}(line, state):\n    match = PATTERN.match(line)\n    page = state.page + 1\n    return match.group(1) if match else page\n\n\n",
    "ts": "export function nextPage{i}(state: {{ page: number }}) {{\n  return {{ ...state, page: state.page + 1 }};\n}}\n\n",
    "swift": "func screen(for size: Int) -> Int {{\n    return size * {i}\n}}\n\n",
    "kt": "fun group(items: List<Int>): Map<Boolean, List<Int>> = items.groupBy {{ it > {i} }}\n\n",
    "java": "class Pager{i} {{\n    int next(Matcher match, State state) {{\n        int page = state.page + {i};\n        return match.group(1) == null ? page : 0;\n    }}\n}}\n\n",
}
# A client bound inside a function body (outside any declaration line) and used in another block.
BIND = {
    "py": 'def setup_client_{i}():\n    global tracker\n    tracker = Mixpanel("token")\n    return tracker\n\n\n',
    "ts": "export function setupClient{i}(): void {{\n  tracker = new Mixpanel();\n}}\n\n",
    "swift": "func setupClient{i}() {{\n    tracker = MixpanelInstance()\n}}\n\n",
    "kt": 'fun setupClient{i}() {{\n    tracker = MixpanelAPI.getInstance(context, "t")\n}}\n\n',
    "java": 'class Setup{i} {{\n    void setup() {{\n        tracker = MixpanelAPI.getInstance(context, "t");\n    }}\n}}\n\n',
}
USE = {
    "py": 'def use_client_{i}(user):\n    tracker.track(user.id, {event}, {{"n": {i}}})\n\n\n',
    "ts": "export function useClient{i}(): void {{\n  tracker.track({event}, {{ n: {i} }});\n}}\n\n",
    "swift": "func useClient{i}() {{\n    tracker.track(event: {event}, properties: [\"n\": {i}])\n}}\n\n",
    "kt": "fun useClient{i}() {{\n    tracker.track({event}, JSONObject())\n}}\n\n",
    "java": "class Use{i} {{\n    void use() {{\n        tracker.track({event}, new JSONObject());\n    }}\n}}\n\n",
}
BLOCKS = {"filler": FILLER, "call": CALL, "decoy": DECOY, "bind": BIND, "use": USE}
CONST = {"py": 'PLAN = "pro"\n', "ts": 'const PLAN = "pro";\n', "swift": 'let PLAN = "pro"\n', "kt": 'const val PLAN = "pro"\n',
         # a top-level enum is a declaration windows keep (a Java file's classes are not)
         "java": 'enum Plan {\n    PRO("pro");\n    final String value;\n    Plan(String value) { this.value = value; }\n}\n'}
SUFFIX = {"py": "app.py", "ts": "app.ts", "swift": "App.swift", "kt": "App.kt", "java": "App.java"}


def build(lang: str, blocks: list[str], *, event: str = '"Signed Up"') -> bytes:
    parts = [CONST[lang]]
    for i, kind in enumerate(blocks):
        parts.append(BLOCKS[kind][lang].format(i=i, event=event))
    return "".join(parts).encode()


def key(fx):
    """Everything a rule or reporter reads from an extraction."""
    calls = []
    for c in fx.calls:
        props = c.properties
        shape = None if props is None else (props.type, props.open, sorted(
            (k, v.type, v.value, v.kind) for k, v in (props.properties or {}).items()))
        calls.append((c.span, c.event, c.event_kind, c.event_text, c.sdk, c.kind, c.receiver, shape))
    return calls, [(n.kind, n.line, n.column) for n in fx.notices], fx.directives


@pytest.mark.parametrize("lang", sorted(SUFFIX))
def test_windows_are_used_and_change_nothing(lang: str) -> None:
    data = build(lang, ["filler"] * 40 + ["call"] + ["filler"] * 40)
    windowed = extract_file(SUFFIX[lang], data, SPECS)
    full = extract_file(SUFFIX[lang], data, SPECS, windows=False)
    assert key(windowed) == key(full)
    assert len(full.calls) == 1 and full.calls[0].properties.properties["plan"].value == "pro"
    assert windowed.parsed is False  # windowed: exports incomplete, re-parsed on demand
    assert full.parsed is True


@pytest.mark.parametrize("lang", sorted(SUFFIX))
def test_a_hidden_definition_forces_a_full_parse(lang: str) -> None:
    # the event name is a constant defined inside a block that holds no call
    holder = {
        "py": 'class Names:\n    SIGNED = "Signed Up"\n    OTHER = "x"\n' + "    # padding\n" * 80 + "\n\n",
        "ts": 'class Names {\n  static SIGNED = "Signed Up";\n' + "  // padding\n" * 80 + "}\n\n",
        "swift": 'struct Names {\n    static let SIGNED = "Signed Up"\n' + "    // padding\n" * 80 + "}\n\n",
        "kt": 'object Names {\n    const val SIGNED = "Signed Up"\n' + "    // padding\n" * 80 + "}\n\n",
        "java": 'class Names {\n    static final String SIGNED = "Signed Up";\n' + "    // padding\n" * 80 + "}\n\n",
    }[lang]
    data = build(lang, ["filler"] * 30 + ["call"] + ["filler"] * 30, event="Names.SIGNED") + holder.encode()
    windowed = extract_file(SUFFIX[lang], data, SPECS)
    full = extract_file(SUFFIX[lang], data, SPECS, windows=False)
    assert key(windowed) == key(full)
    assert windowed.parsed is True  # it fell back to the whole file


@pytest.mark.parametrize("lang", sorted(SUFFIX))
def test_mentions_that_are_not_sdk_calls_keep_the_windows(lang: str) -> None:
    # ``page: number``, ``state.page + 1``, ``match.group(1)``, ``fun group(``: none can become an
    # SDK call through anything in the hidden text, so the windowed parse stands.
    data = build(lang, ["filler"] * 30 + ["decoy", "call", "decoy"] + ["filler"] * 30)
    windowed = extract_file(SUFFIX[lang], data, SPECS)
    full = extract_file(SUFFIX[lang], data, SPECS, windows=False)
    assert key(windowed) == key(full)
    assert len(full.calls) == 1
    assert windowed.parsed is False


@pytest.mark.parametrize("lang", ["py", "ts"])
def test_a_client_bound_in_a_hidden_block_forces_a_full_parse(lang: str) -> None:
    # ``tracker`` becomes a Mixpanel client in a function body that holds no tracked name (so it
    # is blanked); the call on it is an SDK call only with that binding in view.
    data = build(lang, ["bind"] + ["filler"] * 30 + ["use"] + ["filler"] * 30)
    windowed = extract_file(SUFFIX[lang], data, SPECS)
    full = extract_file(SUFFIX[lang], data, SPECS, windows=False)
    assert [c.sdk for c in full.calls] == ["mixpanel"]
    assert key(windowed) == key(full)
    assert windowed.parsed is True  # it fell back to the whole file


@pytest.mark.parametrize("text, end, expected", [
    (b"analytics.track(", 15, True), (b"x.track <T>(", 7, True), (b"track?.(", 5, True),
    (b"track!(", 5, True), (b"track {", 5, True), (b"track /* c */ (", 5, True),
    (b"track", 5, True), (b"(analytics.track)(", 16, True), (b"track\n\n  (", 5, True),
    (b"page: number", 4, False), (b"state.page + 1", 10, False), (b"page.size", 4, False),
    (b"{ page }", 6, False), (b"page, x", 4, False), (b"page = 1", 4, False),
])
def test_what_may_follow_a_callee(text: bytes, end: int, expected: bool) -> None:
    from tracklint.extract.windows import _may_be_callee

    assert _may_be_callee(text, end) is expected


@pytest.mark.parametrize("text, expected", [
    (b"track", []), (b"fun track", []), (b"analytics.track", ["analytics"]),
    (b"this.client?.track", ["this", "client"]), (b"a!!.b!.track", ["a", "b"]),
    (b"Analytics.shared\n    .track", ["Analytics", "shared"]),
    (b"getClient().track", None), (b"clients[0].track", None), (b'"s".track', None),
])
def test_receiver_chains_are_read_lexically(text: bytes, expected) -> None:
    from tracklint.extract.windows import _receiver_chain

    assert _receiver_chain(text, len(text) - len(b"track")) == expected


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(sorted(SUFFIX)),
       st.lists(st.sampled_from(["filler", "call", "decoy", "bind", "use"]), min_size=1, max_size=60))
def test_windowed_equals_full_on_generated_files(lang: str, blocks: list[str]) -> None:
    data = build(lang, blocks)
    windowed = extract_file(SUFFIX[lang], data, SPECS)
    full = extract_file(SUFFIX[lang], data, SPECS, windows=False)
    assert key(windowed) == key(full)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(SUFFIX)),
       st.lists(st.sampled_from(["filler", "call", "decoy", "bind", "use"]), min_size=1, max_size=60),
       st.integers(0, 2**32 - 1))
def test_on_broken_files_windows_lose_no_call(lang: str, blocks: list[str], seed: int) -> None:
    # A syntax error outside the parsed blocks can make a full parse's error recovery swallow a
    # call that the windowed parse reads cleanly; never the other way round.
    data = bytearray(build(lang, blocks))
    rng = random.Random(seed)
    pos = rng.randrange(len(data))
    data[pos:pos] = rng.choice([b"(", b"{", b'"', b"\n@", b"\nclass X:\n", b"}", b"/*"])
    windowed = extract_file(SUFFIX[lang], bytes(data), SPECS)
    full = extract_file(SUFFIX[lang], bytes(data), SPECS, windows=False)
    found = {(c.span.start_byte, c.event) for c in windowed.calls}
    assert {(c.span.start_byte, c.event) for c in full.calls} <= found
