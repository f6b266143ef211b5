"""GitHub Actions annotations: escaping, ordering, overflow and the step summary."""

from __future__ import annotations

import io
import re

from helpers_report import RULES, diag, result
from hypothesis import example, given
from hypothesis import strategies as st

from tracklint.diagnostics import Severity
from tracklint.extract.base import Notice
from tracklint.report import get_reporter
from tracklint.report.visible import visible
from tracklint.report.github import (
    PER_STEP_LIMIT,
    GithubReporter,
    command,
    escape_data,
    escape_property,
)


# --------------------------------------------------------------------------- a runner's view


def unescape_data(text: str) -> str:
    """The runner's reading of a message (actions/runner ActionCommand: %25 last)."""
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return (
        text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")
    )


def parse(line: str) -> tuple[str, dict[str, str], str] | None:
    """Parse one output line the way the runner does: ``::name k=v,k=v::message``."""
    if not line.startswith("::"):
        return None
    end = line.find("::", 2)
    if end == -1:
        return None
    head, message = line[2:end], line[end + 2 :]
    name, _, props_text = head.partition(" ")
    props = {}
    if props_text:
        for pair in props_text.split(","):
            key, sep, value = pair.partition("=")
            assert sep, f"malformed property {pair!r} in {line!r}"
            props[key] = unescape_property(value)
    return name, props, unescape_data(message)


def run(res, environ=None) -> list[str]:
    stream = io.StringIO()
    GithubReporter(environ=environ or {}).report(res, RULES, stream)
    text = stream.getvalue()
    assert text == "" or text.endswith("\n")
    # The runner splits its output on \n (and \r\n) only, not on every str.splitlines() break.
    return text.split("\n")[:-1]


# --------------------------------------------------------------------------- escaping


@given(st.text())
@example("100% done, a:b\r\nc")
@example("%0A")
@example("%25%3A")
@example("::error::x")
def test_escape_then_unescape_is_identity(text):
    assert unescape_data(escape_data(text)) == text
    assert unescape_property(escape_property(text)) == text


@given(st.text())
@example("a\nb\rc:d,e")
def test_escaped_text_has_no_separators(text):
    assert "\n" not in escape_data(text) and "\r" not in escape_data(text)
    prop = escape_property(text)
    assert not set(prop) & set("\r\n:,")


def test_toolkit_examples():
    assert escape_data("a%b\r\nc:d,e") == "a%25b%0D%0Ac:d,e"
    assert escape_property("a%b\r\nc:d,e") == "a%25b%0D%0Ac%3Ad%2Ce"
    assert command("error", "msg", {"title": "t", "file": "a.py", "line": 3, "col": None}) == "::error title=t,file=a.py,line=3::msg"
    assert command("notice", "x") == "::notice::x"


@given(event=st.text(min_size=1), path=st.text(min_size=1).filter(lambda p: not p.startswith("/")))
@example(event="x\n::error file=evil.py,line=1::pwned", path="a.py")
@example(event="a%0Ab", path="dir,with:odd%chars.py")
@example(event="\r::warning::y\r\n::stop-commands::tok", path="ok.py")
@example(event="::add-mask::secret", path="a.py")
def test_hostile_event_names_cannot_inject_commands(event, path):
    message = f"`{event}` is not in the plan."
    res = result([diag("TL001", path, 3, 5, 3, 9, event=event, message=message, help=f"rename `{event}`")])
    lines = run(res)
    assert len(lines) == 1
    parsed = parse(lines[0])
    assert parsed is not None
    name, props, text = parsed
    assert name == "error"
    assert props == {"title": "tracklint (TL001)", "file": visible(path), "line": "3", "endLine": "3", "col": "5", "endColumn": "9"}
    # user text shows its line breaks and controls as escapes; the hint keeps its own line
    assert text == f"{visible(message)}\nHint: rename `{visible(event)}`"


# --------------------------------------------------------------------------- annotations


def test_annotation_fields_and_single_line_columns():
    res = result([
        diag("TL001", "apps/web/cart.ts", 12, 5, 12, 25, column_utf16=6, end_column_utf16=26),
        diag("TL005", "apps/web/cart.ts", 20, 3, 24, 4, event="Order Completed", key="revenue",
             message="`Order Completed` is missing `revenue`."),
    ])
    lines = run(res)
    assert lines[0] == (
        "::error title=tracklint (TL001),file=apps/web/cart.ts,line=12,endLine=12,col=6,endColumn=26::"
        "`purchase_completed` is not in the plan."
    )
    assert lines[1] == "::error title=tracklint (TL005),file=apps/web/cart.ts,line=20,endLine=24::`Order Completed` is missing `revenue`."


def test_levels_errors_first_and_suppressed_hidden():
    res = result([
        diag("TL009", "a.py", 1, severity=Severity.NOTE, event="n"),
        diag("TL007", "a.py", 2, event="w"),
        diag("TL001", "b.py", 3, event="e"),
        diag("TL001", "a.py", 4, event="s", suppressed="inSource"),
    ])
    names = [parse(line)[0] for line in run(res)]
    assert names == ["error", "warning", "notice"]


def test_file_notices_are_annotated():
    res = result([], notices=[
        Notice("apps/ios/App.swift", "syntax-error", "Could not parse line 8.", line=8, column=3),
        Notice("vendor/x.min.js", "skipped", "Skipped a minified file."),
    ])
    parsed = [parse(line) for line in run(res)]
    assert parsed[0] == ("warning", {"title": "tracklint (syntax-error)", "file": "apps/ios/App.swift", "line": "8"}, "Could not parse line 8.")
    assert parsed[1][0] == "notice"


def test_a_notice_already_reported_as_a_finding_is_not_repeated():
    notice = Notice("a.swift", "syntax-error", "Could not parse line 8.", line=8, column=3)
    res = result([diag("TL000", "a.swift", 8, 3, event=None, message="Could not parse line 8.", severity=Severity.ERROR)],
                 notices=[notice, Notice("b.swift", "syntax-error", "Could not parse line 2.", line=2)])
    parsed = [parse(line) for line in run(res)]
    assert [(p[0], p[1]["title"], p[1]["file"]) for p in parsed] == [
        ("error", "tracklint (TL000)", "a.swift"),
        ("warning", "tracklint (syntax-error)", "b.swift"),
    ]


def test_paths_are_made_relative_to_the_workspace(tmp_path):
    project = tmp_path / "services" / "api"
    project.mkdir(parents=True)
    res = result([diag("TL001", "app.py", 1)], root=str(project))
    props = parse(run(res, {"GITHUB_WORKSPACE": str(tmp_path)})[0])[1]
    assert props["file"] == "services/api/app.py"
    props = parse(run(res, {"GITHUB_WORKSPACE": str(project)})[0])[1]
    assert props["file"] == "app.py"


def test_nothing_printed_for_a_clean_run():
    assert run(result([])) == []


# --------------------------------------------------------------------------- overflow


def test_overflow_notice_counts_what_github_hides():
    findings = [diag("TL001", "a.py", n, event=f"e{n}") for n in range(1, 14)]  # 13 errors
    findings += [diag("TL007", "a.py", 100 + n, event=f"w{n}") for n in range(1, 4)]  # 3 warnings
    lines = run(result(findings))
    parsed = [parse(line) for line in lines]
    names = [p[0] for p in parsed]
    assert names == ["error"] * 13 + ["warning"] * 3 + ["notice"]  # everything printed, errors first
    notice = parsed[-1]
    assert notice[1] == {"title": "tracklint"}
    assert notice[2].startswith("3 of 16 tracklint annotations will not be displayed")


def test_overflow_notice_comes_before_notice_level_findings():
    findings = [diag("TL009", "a.py", n, severity=Severity.NOTE, event=f"n{n}") for n in range(1, 13)]
    parsed = [parse(line) for line in run(result(findings))]
    names = [p[0] for p in parsed]
    assert len(names) == 13
    summary = next(i for i, p in enumerate(parsed) if p[1] == {"title": "tracklint"})
    assert summary == 0  # among the first 10 notices, so GitHub shows it
    # 12 notes + our notice = 13 notices: 3 hidden.
    assert parsed[summary][2].startswith("3 of 12 ")


def test_no_overflow_notice_at_the_limit():
    findings = [diag("TL001", "a.py", n, event=f"e{n}") for n in range(1, PER_STEP_LIMIT + 1)]
    assert all(parse(line)[0] == "error" for line in run(result(findings)))


# --------------------------------------------------------------------------- step summary


def test_step_summary_is_appended(tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("# Earlier step output\n")
    env = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_REPOSITORY": "acme/shop", "GITHUB_SHA": "abc"}
    res = result([diag("TL001", "a.py", 3, event="<img src=x onerror=alert(1)>|x",
                       message="`<img src=x onerror=alert(1)>|x` is not in the plan.")])
    lines = run(res, env)
    assert len(lines) == 1
    text = summary.read_text()
    assert text.startswith("# Earlier step output\n### :x: tracklint: 1 error in 1 file")
    assert "https://github.com/acme/shop/blob/abc/a.py#L3" in text
    assert not re.search(r"(?<!\\)<img", text) and "\\<img" in text


def test_step_summary_stays_under_the_limit(tmp_path, monkeypatch):
    import tracklint.report.github_escape as github_escape

    monkeypatch.setattr(github_escape, "SUMMARY_LIMIT", 3000)
    summary = tmp_path / "summary.md"
    summary.write_text("x" * 1000)
    res = result([diag("TL001", "a.py", n, event=f"event_{n}") for n in range(1, 100)])
    lines = run(res, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert len(lines) == 100  # every finding is still printed, plus the overflow notice
    assert summary.stat().st_size <= 3000
    assert "more findings not shown" in summary.read_text()
    assert "the step summary" in parse(lines[-1])[2]


def test_step_summary_unwritable_is_not_fatal(tmp_path):
    res = result([diag("TL001", "a.py", 1)])
    assert len(run(res, {"GITHUB_STEP_SUMMARY": str(tmp_path / "missing" / "summary.md")})) == 1


def test_registered_and_reads_os_environ(monkeypatch, tmp_path):
    summary = tmp_path / "s.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    reporter = get_reporter("github")(color=False, show_suppressed=False)
    reporter.report(result([diag("TL001", "a.py", 1)]), RULES, io.StringIO())
    assert re.match(r"### :x: tracklint", summary.read_text())
