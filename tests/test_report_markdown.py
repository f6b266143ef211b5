"""Markdown output for PR comments and step summaries."""

from __future__ import annotations

import io
import re

import pytest
from helpers_report import RULES, diag, result

from tracklint.diagnostics import Severity
from tracklint.extract.base import Notice
from tracklint.report import get_reporter
from tracklint.report.markdown import COLLAPSE_AFTER, MarkdownReporter, escape_text, format_message

ENV = {"GITHUB_REPOSITORY": "acme/shop", "GITHUB_SHA": "abc123", "GITHUB_SERVER_URL": "https://github.com"}


def render(res, **kwargs) -> str:
    stream = io.StringIO()
    kwargs.setdefault("environ", {})
    MarkdownReporter(**kwargs).report(res, RULES, stream)
    return stream.getvalue()


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and line != "| --- | --- | --- | --- |"][1:]


def test_clean_run():
    text = render(result([]))
    assert text.startswith("### :white_check_mark: tracklint: no findings")
    assert "|" not in text


def test_summary_line_and_table_errors_first():
    res = result([
        diag("TL007", "a.py", 1, event="Old", message="`Old` is deprecated."),
        diag("TL001", "b.py", 5, help="did you mean `Purchase Completed`?"),
        diag("TL009", "a.py", 2, event=None, message="The event name cannot be known statically."),
        diag("TL001", "a.py", 9, event="x", suppressed="external"),
    ])
    text = render(res)
    headline = text.splitlines()[0]
    assert headline == "### :x: tracklint: 1 error, 1 warning, 1 note in 2 files (1 in the baseline)"
    rows = table_rows(text)
    assert len(rows) == 3
    assert [re.search(r"(error|warning|note)", r).group(1) for r in rows] == ["error", "warning", "note"]
    assert "<code>b.py:5</code>" in rows[0]
    assert "[TL001](https://" in rows[0] and "unknown-event" in rows[0]
    assert "<code>Purchase Completed</code>" in rows[0]
    assert "<details>" not in text


def test_locations_are_linked_in_an_actions_run():
    res = result([diag("TL005", "apps/my app/cart.ts", 12, end_line=14, key="revenue")])
    text = render(res, environ=ENV)
    assert "(https://github.com/acme/shop/blob/abc123/apps/my%20app/cart.ts#L12-L14)" in text
    text = render(res, link_base="https://gitlab.example.com/g/p/-/blob/main/", path_prefix="sub")
    assert "(https://gitlab.example.com/g/p/-/blob/main/sub/apps/my%20app/cart.ts#L12-L14)" in text


def test_long_tables_are_collapsed():
    res = result([diag("TL001", "a.py", n, event=f"e{n}") for n in range(1, COLLAPSE_AFTER + 5)])
    text = render(res)
    assert f"<details><summary>Show {COLLAPSE_AFTER + 4} findings</summary>" in text
    assert text.rstrip().endswith("</details>")
    assert len(table_rows(text)) == COLLAPSE_AFTER + 4


@pytest.mark.parametrize(
    "event",
    [
        "a|b",
        "x`y",
        "</code><script>alert(1)</script>",
        "line\nbreak\r\n| --- |",
        "**bold** _it_ [link](https://evil.example) ![img](x)",
        "&lt; &amp;",
        "@acme/data-team",
        "#1",
        "<!-- hide -->",
    ],
)
def test_user_text_is_escaped(event):
    message = f"`{event}` is not in the plan."
    text = render(result([diag("TL001", "a.py", 1, event=event, message=message, help=f"rename `{event}`")]))
    rows = table_rows(text)
    assert len(rows) == 1, text
    row = rows[0]
    # Exactly 4 cells: no unescaped pipe from user text.
    cells = re.split(r"(?<!\\)\|", row)
    assert len(cells) == 6, row
    message = cells[4]
    assert "\n" not in row and "\r" not in row
    bare = re.sub(r"</?code>|<br>", "", message)
    assert not re.search(r"(?<!\\)[<&`]", bare), message  # no raw HTML, entity or code span
    assert not re.search(r"(?<!\\)\]\(", message) and "**bold**" not in message
    assert "@acme" not in message and "#1" not in message


def test_escape_text_preserves_plain_words():
    assert escape_text("Order Completed") == "Order Completed"
    assert escape_text("a|b") == "a\\|b"
    assert escape_text("a\nb") == "a<br>b"
    assert escape_text("1 < 2 & 3") == "1 \\< 2 \\& 3"


def test_format_message_turns_code_spans_into_code():
    assert format_message("`a_b` is not planned.") == "<code>a\\_b</code> is not planned."
    assert format_message("``a`b`` is odd") == "<code>a\\`b</code> is odd"


def test_notices_listed_in_details():
    res = result([], notices=[Notice("vendor/x.min.js", "skipped", "Skipped a minified file.")])
    text = render(res)
    assert "<details><summary>1 file notice" in text
    assert "<code>vendor/x.min.js</code> (skipped)" in text


def test_suppressed_rows_on_request():
    res = result([diag("TL001", "a.py", 1, suppressed="inSource")])
    assert table_rows(render(res)) == []
    rows = table_rows(render(res, show_suppressed=True))
    assert len(rows) == 1 and "(suppressed)" in rows[0]


def test_max_bytes_drops_rows_and_says_so():
    res = result([diag("TL001", "a.py", n, event=f"event_{n}_" + "é" * 40) for n in range(1, 200)])
    reporter = MarkdownReporter(environ={})
    full = reporter.render(res, RULES)
    limit = 4000
    fitted = reporter.render(res, RULES, max_bytes=limit)
    assert len(full.encode()) > limit >= len(fitted.encode())
    kept = len(table_rows(fitted))
    assert 0 < kept < 199
    assert f"and {199 - kept} more findings not shown" in fitted
    # Tiny budgets still give something valid and within the limit.
    for tiny in (0, 10, 200):
        assert len(reporter.render(res, RULES, max_bytes=tiny).encode()) <= tiny


def test_note_only_headline_and_registered():
    text = render(result([diag("TL009", "a.py", 1, severity=Severity.NOTE)]))
    assert text.startswith("### :information_source: tracklint: 1 note in 1 file")
    assert get_reporter("markdown") is MarkdownReporter


def test_escape_text_shows_controls_bidi_and_surrogates_as_escapes() -> None:
    text = escape_text("a\x1b[2J\u202eb\ud800\x9bc")
    assert text == "a\\\\x1b\\[2J\\\\u202eb\\\\ud800\\\\x9bc"
    text.encode("utf-8")  # a step summary is UTF-8


def test_diff_markdown_uses_the_same_escaping_as_check() -> None:
    from tracklint.report import diff_formats

    assert diff_formats.md_text("ping @octocat about #12") == escape_text("ping @octocat about #12")
    assert "@\u2060octocat" in diff_formats.md_text("@octocat")
