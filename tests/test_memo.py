"""A check that changes nothing returns the remembered result; any change invalidates it."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tracklint import engine, listing
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
    return listing.check(settings, load_plan(settings.plan))


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

    from tracklint.cli import app

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


def _cli(root: Path, *args: str):
    from typer.testing import CliRunner

    from tracklint.cli import app

    old = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(app, ["check", "-f", "concise", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


def _age_all(root: Path, *only: Path) -> None:
    """Files and directories (``only`` these, when given) a minute into the past: a file written
    just now is not trusted, and neither is a directory (its mtime tells of new files)."""
    past = time.time() - 60
    for path in only or [root, *root.rglob("*")]:
        if not path.is_symlink():
            os.utime(path, (past, past))


@pytest.mark.parametrize("pattern, new", [("events/*.yaml", "events/b.yaml"),
                                          ("events/**/*.yaml", "events/deeper/still/b.yaml")])
def test_a_new_file_matching_an_include_wildcard_is_seen(project: Path, pattern: str, new: str) -> None:
    (project / "tracking-plan.yaml").write_text(f"tracklint: 1\ninclude: [{pattern!r}]\nevents: {{}}\n")
    (project / "events").mkdir()
    (project / "events" / "a.yaml").write_text("events:\n  Signed Up:\n    description: x\n")
    (project / "events" / "loop").symlink_to("..")  # followed once, not forever
    (project / "a.js").write_text('analytics.track("Signed Up");\nanalytics.track("Order Placed");\n')
    _age_all(project)
    first = _cli(project)
    assert first.exit_code == 1 and "a.js:2:" in first.output
    assert _cli(project).output == first.output  # remembered
    (project / new).parent.mkdir(parents=True, exist_ok=True)
    (project / new).write_text("events:\n  Order Placed:\n    description: y\n")
    _age_all(project, *(project / new).parents[:new.count("/")], project / new)  # nothing else
    after = _cli(project)
    assert after.exit_code == 0, after.output  # the new file's event is planned now


def test_a_new_included_file_is_validated_although_the_plan_was_checked_before(project: Path) -> None:
    (project / "tracking-plan.yaml").write_text("tracklint: 1\ninclude: ['events/*.yaml']\nevents: {}\n")
    (project / "events").mkdir()
    (project / "events" / "a.yaml").write_text("events:\n  Signed Up:\n    description: x\n")
    _age_all(project)
    assert _cli(project).exit_code == 1  # the plan's files passed the schema: remembered
    (project / "events" / "b.yaml").write_text("events:\n  signed_up:\n    descripton: misspelt\n")
    (project / "a.js").write_text('analytics.track("Signed Up");\n')  # and no remembered result
    _age_all(project)
    result = _cli(project)
    assert result.exit_code == 2 and "b.yaml:3:" in result.output, result.output


def test_every_setting_that_can_change_the_result_is_in_the_key(project: Path) -> None:
    import dataclasses

    from tracklint import memo
    from tracklint.config import Settings
    from tracklint.diagnostics import Severity

    settings = resolve_settings(cwd=project)
    sources = memo.PlanSources((str(settings.plan),))
    files = [(str(project / "a.js"), "a.js")]
    key = memo.memo_key(settings, sources, files)
    assert key is not None
    other = {bool: lambda v: not v, int: lambda v: v + 1, str: lambda v: v + "x",
             tuple: lambda v: (*v, "x"), dict: lambda v: {**v, "TL001": Severity.NOTE}}
    elsewhere = project / "elsewhere.json"
    elsewhere.write_text("{}\n")
    for f in dataclasses.fields(Settings):
        value = getattr(settings, f.name)
        if f.name in memo._NOT_IN_RESULT:
            continue
        changed = elsewhere if isinstance(value, Path) or value is None else other[type(value)](value)
        changed_key = memo.memo_key(settings.with_(**{f.name: changed}), sources, files)
        assert changed_key not in (None, key), f.name
    # and the bytes of the config file (not only the settings read from it)
    config = project / "tracklint.toml"
    config.write_text("jobs = 1\n")
    with_config = resolve_settings(cwd=project)
    before = memo.memo_key(with_config, sources, files)
    config.write_text("jobs = 1\n# edited\n")
    assert memo.memo_key(with_config, sources, files) != before


def test_a_changed_skip_setting_is_not_answered_from_the_cache(project: Path) -> None:
    line = ";".join(f'analytics.track("Signed Up",{{n:{i}}})' for i in range(3000))
    (project / "app.min.js").write_text(line + ';analytics.track("signed-up")\n')
    age(project)
    assert [d.location.path for d in check(project).active] == ["a.js"]  # the bundle is skipped
    parsed = check(project, skip_minified=False)
    assert sorted({d.location.path for d in parsed.active}) == ["a.js", "app.min.js"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_two_environments_sharing_a_cache_never_read_each_other(tmp_path: Path) -> None:
    """Environment A has another build of the package that checks `format: date-time` (one that
    accepts anything), B has the real one; they share one .tracklint_cache. Neither may take the
    other's result: B must not be told A's "no finding", nor A B's finding."""
    import sys

    import tracklint

    code = str(Path(tracklint.__file__).resolve().parent.parent)
    hidden = tmp_path / "other-rfc3339"
    hidden.mkdir()
    (hidden / "rfc3339_validator.py").write_text("def validate_rfc3339(value):\n    return True\n")
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    (root / "tracking-plan.yaml").write_text(
        "tracklint: 1\nevents:\n  Signed Up:\n    description: x\n    properties:\n"
        "      at: {type: string, format: date-time}\n")
    (root / "a.js").write_text('analytics.track("Signed Up", {at: "definitely not valid!!"});\n')
    age(root)

    def run(*path: str) -> subprocess.CompletedProcess:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([*path, code])}
        return subprocess.run([sys.executable, "-m", "tracklint", "check", "-f", "concise"], cwd=root, env=env,
                              capture_output=True, text=True, timeout=120)

    for _ in range(2):  # each environment twice, interleaved: each may reuse only its own results
        a = run(str(hidden))
        assert a.returncode == 0, a.stdout + a.stderr  # A's checker accepts the value
        b = run()
        assert b.returncode == 1 and "a.js:1:" in b.stdout and "date-time" in b.stdout, b.stdout + b.stderr
    assert len(list((root / ".tracklint_cache" / "v1").glob("*.json"))) >= 3  # one shared directory


_NAMES = ["a", "b", ".h"]
_TREE = st.lists(st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3).map(lambda p: "/".join(p) + ".yaml"),
                 max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=_TREE, added=st.lists(st.sampled_from(_NAMES), min_size=1, max_size=3),
       pattern=st.sampled_from(["*.yaml", "a/*.yaml", "*/*.yaml", "**/*.yaml", "a/**/*.yaml", ".h/*.yaml", "*/b/*.yaml", "*/.h/*.yaml"]))
def test_the_include_state_changes_whenever_the_wildcard_matches_change(tmp_path_factory, before, added, pattern) -> None:
    """Whatever the tree and the new file, when glob's answer for a pattern changes, so does the
    state the memo keys on (the state may also change when glob's answer does not)."""
    import glob

    from tracklint import memo

    root = tmp_path_factory.mktemp("plan")
    new = "/".join(added) + ".yaml"
    for rel in before:  # directories never end in .yaml: no name is both
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("events: {}\n")
    if (root / new).exists():
        return
    full = str(root / pattern)
    t1 = time.time_ns() - 120 * 10**9
    for path in [root, *root.rglob("*")]:
        os.utime(path, ns=(t1, t1))
    matched = sorted(glob.glob(full, recursive=True))
    state = memo.include_state([full])
    (root / new).parent.mkdir(parents=True, exist_ok=True)
    (root / new).write_text("events: {}\n")
    for path in [root, *root.rglob("*")]:  # time passes: what the kernel touched is older, but not t1
        if path.is_dir() and path.stat().st_mtime_ns != t1:
            os.utime(path, ns=(t1 + 10**9, t1 + 10**9))
    (root / new).touch()
    os.utime(root / new, ns=(t1, t1))
    if sorted(glob.glob(full, recursive=True)) != matched:
        event("the matches changed")
        assert state is not None and memo.include_state([full]) not in (None, state)
