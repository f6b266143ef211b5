"""Inline directives (`tracklint: ignore[...]`) and the baseline file."""

from __future__ import annotations

import collections
import os
from pathlib import Path

import pytest
from helpers_report import diag, result

from tracklint.diagnostics import Severity, assign_occurrences
from tracklint.errors import TracklintError
from tracklint.extract.base import Directive, parse_directive
from tracklint.suppress import (
    BASELINE_HEADER,
    apply_baseline,
    apply_directives,
    load_baseline,
    write_baseline,
)

ENABLED = {"TL001", "TL005", "TL007", "TL013"}
KNOWN = ENABLED | {"TL009"}


def run(diags, directives, *, enabled=ENABLED, known=KNOWN):
    return apply_directives(diags, directives, enabled_codes=set(enabled), known_codes=known)


def directive_from(comment: str, line: int, *, own_line: bool, column: int = 1) -> Directive:
    """What an extractor builds from a real comment node."""
    parsed = parse_directive(comment)
    assert parsed is not None, comment
    codes, file_level = parsed
    return Directive(line, codes, file_level, column, column + len(comment), own_line)


# ------------------------------------------------------------------------- placement per language


@pytest.mark.parametrize(
    "comment",
    [
        "# tracklint: ignore[TL001]",  # Python
        "// tracklint: ignore[TL001]",  # JavaScript, TypeScript, Swift, Kotlin
        "/* tracklint: ignore[TL001] */",  # block comment in JS/TS/Swift/Kotlin
        "{/* tracklint: ignore[TL001] */}",  # JSX expression container
        "#tracklint:ignore[ tl001 ]",  # spacing and case are forgiving
    ],
)
def test_trailing_comment_suppresses_its_line(comment):
    finding = diag("TL001", line=3, column=1)
    out, problems = run([finding], {"app.py": [directive_from(comment, 3, own_line=False, column=40)]})
    assert out[0].suppressed == "inSource"
    assert problems == []


@pytest.mark.parametrize("comment", ["# tracklint: ignore[TL001]", "// tracklint: ignore[TL001]"])
def test_comment_alone_on_its_line_suppresses_the_next_line(comment):
    findings = [diag("TL001", line=4), diag("TL001", line=5, event="other_event")]
    out, problems = run(findings, {"app.py": [directive_from(comment, 3, own_line=True)]})
    assert [d.suppressed for d in out] == ["inSource", None]
    assert problems == []


def test_own_line_comment_does_not_cover_its_own_line_and_trailing_does_not_cover_next():
    findings = [diag("TL001", line=3), diag("TL001", line=11, event="b")]
    directives = [Directive(3, ("TL001",), own_line=True), Directive(10, ("TL001",), own_line=False)]
    out, problems = run(findings, {"app.py": directives})
    assert [d.suppressed for d in out] == [None, None]
    assert {p.location.line for p in problems} == {3, 10}


def test_trailing_comment_on_the_last_line_of_a_multiline_call():
    finding = diag("TL005", line=3, end_line=6, event="Order Completed", key="revenue")
    out, _ = run([finding], {"app.ts": [], "app.py": [Directive(6, ("TL005",))]})
    assert out[0].suppressed == "inSource"


def test_file_level_directive_covers_the_whole_file_but_only_its_codes():
    findings = [diag("TL001", line=1), diag("TL001", line=90, event="x"), diag("TL007", line=5, event="y")]
    out, problems = run(findings, {"app.py": [Directive(1, ("TL001",), file_level=True)]})
    assert [d.suppressed for d in out] == ["inSource", "inSource", None]
    assert problems == []


def test_directive_in_another_file_does_not_apply():
    out, problems = run([diag("TL001", path="a.py", line=3)], {"b.py": [Directive(3, ("TL001",))]})
    assert out[0].suppressed is None
    assert [p.location.path for p in problems] == ["b.py"]


def test_other_code_on_the_line_is_not_suppressed_and_listed_code_is_unused():
    out, problems = run([diag("TL001", line=2)], {"app.py": [Directive(2, ("TL005",), column=30, end_column=57)]})
    assert out[0].suppressed is None
    (problem,) = problems
    assert problem.code == "TL013" and problem.name == "unused-suppression"
    assert problem.severity is Severity.WARNING
    assert "`TL005`" in problem.message
    assert (problem.location.path, problem.location.line, problem.location.column) == ("app.py", 2, 30)
    assert problem.location.end_column == 57


def test_one_directive_with_several_codes_reports_only_the_unused_one():
    findings = [diag("TL001", line=2), diag("TL005", line=2, key="revenue")]
    directive = Directive(2, ("TL001", "TL005", "TL007"))
    out, problems = run(findings, {"app.py": [directive]})
    assert [d.suppressed for d in out] == ["inSource", "inSource"]
    assert [p.key for p in problems] == ["unused:TL007"]


def test_a_code_that_did_not_run_is_not_unused():
    # TL009 exists but is not selected in this run (e.g. --select, or a pre-commit file list).
    out, problems = run([], {"app.py": [Directive(2, ("TL009",))]})
    assert problems == []


def test_unknown_code_is_reported():
    _, problems = run([], {"app.py": [Directive(7, ("TL999",), file_level=True)]})
    (problem,) = problems
    assert problem.code == "TL013"
    assert "unknown" in problem.message and "TL999" in problem.message
    assert problem.key == "unknown:TL999"


def test_repeated_code_in_one_directive_is_reported_once():
    _, problems = run([], {"app.py": [Directive(1, ("TL001", "TL001"))]})
    assert len(problems) == 1


def test_a_directive_on_tl013_itself_is_never_unused():
    _, problems = run([], {"app.py": [Directive(1, ("TL013",))]})
    assert problems == []


def test_problems_get_distinct_fingerprints():
    directives = [Directive(1, ("TL001",)), Directive(5, ("TL001",))]
    _, problems = run([], {"app.py": directives})
    assert len({p.fingerprint for p in problems}) == 2


def test_already_suppressed_findings_are_left_alone():
    finding = diag("TL001", line=2, suppressed="external")
    out, problems = run([finding], {"app.py": [Directive(2, ("TL001",))]})
    assert out[0].suppressed == "external"
    assert len(problems) == 1  # the comment suppressed nothing: the baseline did


def test_known_codes_default_to_enabled_and_registry():
    # Without known_codes, an enabled code is known; an unheard-of one is not.
    _, problems = apply_directives([], {"a.py": [Directive(1, ("TL001", "XX123"))]}, enabled_codes={"TL013"})
    assert [p.key for p in problems] == ["unknown:XX123"]


def test_order_and_length_preserved():
    findings = [diag("TL001", line=n, event=f"e{n}") for n in range(1, 6)]
    out, _ = run(findings, {"app.py": [Directive(3, ("TL001",))]})
    assert [d.location.line for d in out] == [1, 2, 3, 4, 5]
    assert [d.suppressed for d in out] == [None, None, "inSource", None, None]


# ------------------------------------------------------------------------- baseline


def _findings(offset: int = 0):
    """Three findings in one file; ``offset`` inserts lines above all of them."""
    return assign_occurrences(
        [
            diag("TL001", "web/cart.ts", 10 + offset, event="purchase_completed"),
            diag("TL005", "web/cart.ts", 20 + offset, event="Order Completed", key="revenue"),
            diag("TL001", "web/cart.ts", 30 + offset, event="purchase_completed"),
        ]
    )


def test_baseline_round_trip(tmp_path):
    target = tmp_path / "tracklint-baseline.txt"
    findings = _findings()
    assert write_baseline(target, findings) == 3
    text = target.read_text()
    assert text.startswith(BASELINE_HEADER)
    entries = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert entries == sorted(entries) and len(set(entries)) == 3
    baseline = load_baseline(target)
    assert baseline == collections.Counter(d.fingerprint for d in findings)
    out = apply_baseline(findings, baseline)
    assert all(d.suppressed == "external" for d in out)


def test_inserting_lines_and_moving_code_keeps_findings_baselined_and_one_new_is_reported(tmp_path):
    target = tmp_path / "baseline"
    write_baseline(target, _findings())
    baseline = load_baseline(target)
    # 25 lines inserted above everything, and a new, fourth finding in the same file.
    moved = _findings(offset=25)
    new = diag("TL001", "web/cart.ts", 5, event="checkout_started")
    current = assign_occurrences(moved + [new])
    out = apply_baseline(current, baseline)
    active = [d for d in out if d.suppressed is None]
    assert [(d.event, d.location.line) for d in active] == [("checkout_started", 5)]


def test_a_baseline_entry_covers_one_finding(tmp_path):
    # One `purchase_completed` was baselined; now it is sent from two places.
    target = tmp_path / "baseline"
    write_baseline(target, assign_occurrences([diag("TL001", "a.py", 10)]))
    current = assign_occurrences([diag("TL001", "a.py", 10), diag("TL001", "a.py", 40)])
    out = apply_baseline(current, load_baseline(target))
    assert [d.suppressed for d in out] == ["external", None]


def test_counter_multiplicity_is_honoured():
    findings = assign_occurrences([diag("TL001", "a.py", 1), diag("TL001", "a.py", 2)])
    fp = findings[0].fingerprint
    out = apply_baseline(findings, collections.Counter({fp: 5}))
    assert [d.suppressed for d in out] == ["external", None]


def test_inline_suppressed_findings_are_neither_written_nor_consume_entries(tmp_path):
    inline = diag("TL001", "a.py", 1, suppressed="inSource")
    target = tmp_path / "b"
    assert write_baseline(target, [inline]) == 0
    out = apply_baseline([inline], collections.Counter({inline.fingerprint: 1}))
    assert out[0].suppressed == "inSource"


def test_rewriting_keeps_entries_the_old_baseline_matched(tmp_path):
    findings = [diag("TL001", "a.py", 1, suppressed="external")]
    target = tmp_path / "b"
    assert write_baseline(target, findings) == 1


def test_write_is_atomic_and_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "baseline"
    write_baseline(target, _findings())
    before = target.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(TracklintError) as info:
        write_baseline(target, [])
    assert info.value.path == str(target)
    assert "No space left" in info.value.render()
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["baseline"]  # no temp file left behind


def test_write_uses_a_temp_file_then_replace(tmp_path, monkeypatch):
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        calls.append((Path(src).parent, Path(dst)))
        assert Path(src).exists() and Path(src) != Path(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    target = tmp_path / "baseline"
    write_baseline(target, _findings())
    assert calls == [(tmp_path, target)]


def test_write_preserves_an_existing_mode(tmp_path):
    target = tmp_path / "baseline"
    target.write_text("")
    target.chmod(0o640)
    write_baseline(target, _findings())
    assert target.stat().st_mode & 0o777 == 0o640


def test_write_into_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(TracklintError) as info:
        write_baseline(tmp_path / "missing" / "baseline", [])
    assert "missing" in (info.value.path or "")


def test_empty_baseline_and_comments_and_crlf(tmp_path):
    target = tmp_path / "b"
    fp = "0123456789abcdef0123456789abcdef"
    target.write_bytes(f"\ufeff{BASELINE_HEADER}\r\n\r\n# note\r\n{fp}\r\n{fp}\r\n".encode())
    assert load_baseline(target) == collections.Counter({fp: 2})
    empty = tmp_path / "empty"
    empty.write_text("")
    assert load_baseline(empty) == collections.Counter()


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("# tracklint baseline v1\nnot-a-fingerprint\n", 2),
        ("# tracklint baseline v1\n0123456789abcdef0123456789abcdef\n<<<<<<< HEAD\n", 3),
        ("0123456789ABCDEF0123456789ABCDEF\n", 1),  # upper case is not what we write
        ("# tracklint baseline v2\n", 1),
    ],
)
def test_corrupt_baseline_names_file_and_line(tmp_path, content, line):
    target = tmp_path / "baseline"
    target.write_text(content)
    with pytest.raises(TracklintError) as info:
        load_baseline(target)
    assert info.value.path == str(target)
    assert info.value.line == line
    assert info.value.render().startswith(f"{target}:{line}")


def test_missing_and_binary_baseline(tmp_path):
    with pytest.raises(TracklintError) as info:
        load_baseline(tmp_path / "nope")
    assert "not found" in info.value.message and info.value.hint
    binary = tmp_path / "bin"
    binary.write_bytes(b"# ok\n\xff\xfe\x00")
    with pytest.raises(TracklintError) as info:
        load_baseline(binary)
    assert info.value.line == 2


def test_baseline_applies_to_a_result(tmp_path):
    res = result(_findings())
    target = tmp_path / "b"
    write_baseline(target, res.diagnostics)
    res.diagnostics = apply_baseline(res.diagnostics, load_baseline(target))
    assert res.active == []
