"""A check that changes nothing returns the remembered result; any change invalidates it."""

from __future__ import annotations

import os
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
