"""Tests for plan patterns: ECMA-262 -> RE2 translation, clear errors, linear-time matching."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.plan.patterns import PatternError, compile_pattern, pattern_error, translate


def test_catastrophic_backtracking_pattern_is_fast():
    matcher = compile_pattern("(a+)+$")
    text = "a" * 50000 + "b"
    start = time.perf_counter()
    assert matcher.search(text) is False
    elapsed = time.perf_counter() - start
    assert elapsed < 1.0, elapsed


@pytest.mark.parametrize(
    "pattern",
    ["^(a|aa)+$", "^(\\w+\\s?)*$", "(x+x+)+y", "^(([a-z])+.)+[A-Z]([a-z])+$"],
)
def test_other_redos_classics_are_fast(pattern):
    start = time.perf_counter()
    compile_pattern(pattern).search("a" * 30000 + "!")
    compile_pattern(pattern).search("x" * 30000)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("^ord_[a-z0-9]+$", "ord_12ab", True),
        ("^ord_[a-z0-9]+$", "ORD_12", False),
        ("\\d{3}", "ab123", True),  # searched, not anchored
        ("^\\d+$", "١٢٣", False),  # \d is ASCII in ECMA-262 (and RE2)
        ("^\\s$", "\u00a0", True),  # ECMA \s includes NBSP
        ("^[\\s]$", "\u3000", True),
        ("^\\S$", "\u2028", False),
        ("^a.b$", "a\u2028b", False),  # . excludes ECMA line terminators
        ("^a.b$", "a\rb", False),
        ("^a.b$", "a-b", True),
        ("^abc$", "abc\n", False),  # $ is end of input, not before a final newline
        ("^\\u00e9$", "é", True),
        ("^\\u{1F600}$", "😀", True),
        ("^\\ud83d\\ude00$", "😀", True),
        ("^\\cJ$", "\n", True),
        ("^a\\0$", "a\x00", True),
        ("^(?<year>\\d{4})$", "2024", True),
        ("^[^]$", "\n", True),
        ("[]", "anything", False),
        ("^[\\b]$", "\x08", True),
        ("^a\\/b$", "a/b", True),
        ("^[[]$", "[", True),
        ("^\\p{Lu}", "Éa", True),
    ],
)
def test_ecma_semantics(pattern, text, expected):
    assert pattern_error(pattern) is None
    assert compile_pattern(pattern).search(text) is expected


@pytest.mark.parametrize(
    ("pattern", "needle"),
    [
        ("(?=a)", "lookahead/lookbehind"),
        ("(?!a)b", "lookahead/lookbehind"),
        ("(?<=a)b", "lookahead/lookbehind"),
        ("(?<!a)b", "lookahead/lookbehind"),
        ("(a)\\1", "backreferences"),
        ("(?<x>a)\\k<x>", "named backreferences"),
        ("[a-", "invalid pattern: missing ]"),
        ("a{2,1}", "invalid repetition size"),
        ("(", "missing )"),
        ("abc\\", "lone backslash"),
        ("x" * 5000, "too long"),
    ],
)
def test_pattern_errors(pattern, needle):
    reason = pattern_error(pattern)
    assert reason is not None and needle in reason
    with pytest.raises(PatternError):
        compile_pattern(pattern)


def test_compile_is_cached():
    assert compile_pattern("^x+$") is compile_pattern("^x+$")


def test_translate_examples():
    assert translate("(?<n>x)") == "(?P<n>x)"
    assert translate("\\u00E9") == "\\x{E9}"
    assert translate("[a-z]") == "[a-z]"


def test_lone_surrogate_text_does_not_crash():
    assert compile_pattern("a").search("a\ud800") is True


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_pattern_error_never_raises(pattern):
    reason = pattern_error(pattern)
    if reason is None:
        compile_pattern(pattern).search("some text")
