"""A check that changes nothing returns the remembered result; any change invalidates it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from tracklint import engine
from tracklint.config import resolve_settings
from tracklint.plan.load import load_plan

PLAN = "tracklint: 1\nevents:\n  Signed Up:\n    description: New account.\n"


def age(root: Path) -> None:
    """Move every mtime a minute into the past (files written just now are not trusted)."""
    past = time.time() - 60
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (past, past))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / "tracking-plan.yaml").write_text(PLAN)
    (tmp_path / "a.js").write_text('analytics.track("Signed Up");\nanalytics.track("signed_up");\n')
    age(tmp_path)
    return tmp_path


def check(root: Path, **overrides):
    settings = resolve_settings(cwd=root, overrides={"jobs": 1, **overrides})
    return engine.run(settings, load_plan(settings.plan))


def codes(result) -> list[tuple[str, int, str]]:
    return [(d.location.path, d.location.line, d.code) for d in result.active]


def test_an_unchanged_run_is_remembered(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = check(project)
    assert codes(first) == [("a.js", 2, "TL001")]

    def must_not_run(*args, **kwargs):
        raise AssertionError("extraction ran although nothing changed")

    monkeypatch.setattr(engine, "extract_paths", must_not_run)
    second = check(project)
    assert codes(second) == codes(first)
    assert [d.message for d in second.diagnostics] == [d.message for d in first.diagnostics]
    assert second.call_count == first.call_count == 2
    assert second.lines == first.lines


def test_a_changed_source_file_is_seen(project: Path) -> None:
    check(project)
    (project / "a.js").write_text('analytics.track("Signed Up");\n\n\nanalytics.track("signedUp");\n')
    age(project)
    assert codes(check(project)) == [("a.js", 4, "TL001")]


def test_a_file_written_just_now_is_not_trusted(project: Path) -> None:
    target = project / "a.js"
    target.write_text('analytics.track("Signed Up");\nanalytics.track("signed_up");\n')  # now
    check(project)
    st = target.stat()
    target.write_text('analytics.track("Signed Up");\nanalytics.track("signed-up");\n')  # same size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same mtime
    assert [d.event for d in check(project).active] == ["signed-up"]


def test_the_stat_of_every_file_is_part_of_the_key(project: Path) -> None:
    check(project)
    target = project / "a.js"
    st = target.stat()
    target.write_text('analytics.track("Signed Up");\nanalytics.track("signed-up");\n')  # same size
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    assert [d.event for d in check(project).active] == ["signed-up"]


def test_a_changed_plan_or_setting_is_seen(project: Path) -> None:
    check(project)
    (project / "tracking-plan.yaml").write_text(PLAN + "  signed_up:\n    description: Old spelling.\n")
    assert [c for c in codes(check(project)) if c[2] == "TL001"] == []
    assert codes(check(project, ignore=("TL1",), select=("TL0",))) == []


def test_a_damaged_memo_is_ignored(project: Path) -> None:
    check(project)
    for memo in (project / ".tracklint_cache").rglob("last-check.json"):
        memo.write_text("{not json")
    assert codes(check(project)) == [("a.js", 2, "TL001")]


def test_no_cache_means_no_memo(project: Path) -> None:
    check(project, cache=False)
    assert not list(project.rglob("last-check.json"))


def test_a_plan_checked_before_skips_only_the_schema_pass(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from tracklint.cli import app
    from tracklint.plan import load as load_module

    def run():
        old = os.getcwd()
        os.chdir(project)
        try:
            return CliRunner().invoke(app, ["check", "-f", "concise"], catch_exceptions=False)
        finally:
            os.chdir(old)

    assert run().exit_code == 1  # validates and remembers the plan's bytes
    monkeypatch.setattr(load_module, "_validators", lambda: (_ for _ in ()).throw(AssertionError("schema pass ran")))
    assert run().exit_code == 1  # same bytes: no schema pass
    # Changed bytes are validated again: a misspelt key is still an error with its position.
    (project / "tracking-plan.yaml").write_text(PLAN + "    descripton: typo\n")
    monkeypatch.undo()
    result = run()
    assert result.exit_code == 2 and "tracking-plan.yaml:5:" in result.output


def test_an_included_file_that_changed_is_validated_again(project: Path) -> None:
    from typer.testing import CliRunner

    from tracklint.cli import app

    (project / "tracking-plan.yaml").write_text("tracklint: 1\ninclude: [more.yaml]\nevents:\n  Signed Up:\n    description: x\n")
    (project / "more.yaml").write_text("events:\n  Other:\n    description: y\n")
    old = os.getcwd()
    os.chdir(project)
    try:
        assert CliRunner().invoke(app, ["check", "-f", "concise"]).exit_code == 1
        (project / "more.yaml").write_text("events:\n  Other:\n    descripton: y\n")
        result = CliRunner().invoke(app, ["check", "-f", "concise"])
    finally:
        os.chdir(old)
    assert result.exit_code == 2 and "more.yaml" in result.output


def test_an_unchanged_check_does_not_even_load_the_plan(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from tracklint.commands import check as cli
    from tracklint.cli import app

    def run():
        old = os.getcwd()
        os.chdir(project)
        try:
            return CliRunner().invoke(app, ["check", "-f", "concise"], catch_exceptions=False)
        finally:
            os.chdir(old)

    first = run()
    assert first.exit_code == 1 and "a.js:2:" in first.output
    loads = []
    real = cli._load_plan
    monkeypatch.setattr(cli, "_load_plan", lambda settings: loads.append(1) or real(settings))
    second = run()
    assert (second.exit_code, second.output) == (first.exit_code, first.output)
    assert loads == []
    # an edit anywhere: the plan is loaded again, and the edit is seen
    (project / "a.js").write_text('analytics.track("Signed Up");\n')
    age(project)
    third = run()
    assert loads == [1] and third.exit_code == 0


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_tracked_file_deleted_in_the_work_tree_is_neither_reported_nor_a_memo_miss(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tracklint import listing
    from tracklint.cli import app
    from tracklint.config import resolve_settings

    root = tmp_path / "repo"
    root.mkdir()
    (root / "tracking-plan.yaml").write_text(PLAN)
    (root / "a.js").write_text('analytics.track("signed_up");\n')
    (root / "b.js").write_text('analytics.track("Signed Up");\n')
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "x"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)
    (root / "b.js").unlink()  # deleted, not committed: git's index still lists it
    age(root)

    def run():
        old = os.getcwd()
        os.chdir(root)
        try:
            return CliRunner().invoke(app, ["check", "-f", "concise"], catch_exceptions=False)
        finally:
            os.chdir(old)

    first = run()
    assert first.exit_code == 1 and "a.js:1:" in first.output and "b.js" not in first.output
    # the next run finds the remembered result (the deleted file did not spoil the memo)
    remembered, _ = listing.remembered(resolve_settings(cwd=root))
    assert remembered is not None
    second = run()
    assert (second.exit_code, second.output) == (first.exit_code, first.output)
