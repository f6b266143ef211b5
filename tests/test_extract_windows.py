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
}
CALL = {
    "py": 'def send_{i}(user):\n    analytics.track(user.id, {event}, {{"n": {i}, "plan": PLAN}})\n\n\n',
    "ts": 'export function send{i}(): void {{\n  analytics.track({event}, {{ n: {i}, plan: PLAN }});\n}}\n\n',
    "swift": 'func send{i}() {{\n    analytics.track(name: {event}, properties: ["n": {i}, "plan": PLAN])\n}}\n\n',
    "kt": 'fun send{i}() {{\n    analytics.track({event}, mapOf("n" to {i}, "plan" to PLAN))\n}}\n\n',
}
CONST = {"py": 'PLAN = "pro"\n', "ts": 'const PLAN = "pro";\n', "swift": 'let PLAN = "pro"\n', "kt": 'const val PLAN = "pro"\n'}
SUFFIX = {"py": "app.py", "ts": "app.ts", "swift": "App.swift", "kt": "App.kt"}


def build(lang: str, blocks: list[str], *, event: str = '"Signed Up"') -> bytes:
    parts = [CONST[lang]]
    for i, kind in enumerate(blocks):
        parts.append((CALL if kind == "call" else FILLER)[lang].format(i=i, event=event))
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
    }[lang]
    data = build(lang, ["filler"] * 30 + ["call"] + ["filler"] * 30, event="Names.SIGNED") + holder.encode()
    windowed = extract_file(SUFFIX[lang], data, SPECS)
    full = extract_file(SUFFIX[lang], data, SPECS, windows=False)
    assert key(windowed) == key(full)
    assert windowed.parsed is True  # it fell back to the whole file


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(SUFFIX)), st.lists(st.sampled_from(["filler", "call"]), min_size=1, max_size=60))
def test_windowed_equals_full_on_generated_files(lang: str, blocks: list[str]) -> None:
    data = build(lang, blocks)
    windowed = extract_file(SUFFIX[lang], data, SPECS)
    full = extract_file(SUFFIX[lang], data, SPECS, windows=False)
    assert key(windowed) == key(full)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(SUFFIX)), st.lists(st.sampled_from(["filler", "call"]), min_size=1, max_size=60),
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
