"""Configuration: discovery, precedence, and validation of what a config file (a file in the
checkout, so possibly hostile) may say."""

from __future__ import annotations

import logging
import os
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracklint.cli import app
from tracklint.config import find_config, find_plan, resolve_settings
from tracklint.errors import ConfigError, PlanError

PLAN = "tracklint: 1\nevents:\n  Signed Up: {description: New account.}\n"
SECRET = "ghp_s3cr3tT0k3nFromTheRunner"


def usable_cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _repo(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return root


def _run(root: Path, *args: str):
    old = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(app, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


# ---------------------------------------------------------------------------------------------
# discovery and precedence


def test_closest_file_wins_and_dotfile_ranks_first(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "pyproject.toml": "[tool.tracklint]\nfail-on = 'warning'\n",
        "sub/tracklint.toml": "fail-on = 'note'\n",
        "sub/.tracklint.toml": "fail-on = 'error'\n",
        "other/pyproject.toml": "[tool.black]\nline-length = 1\n",
    })
    assert find_config(root / "sub") == (root / "sub" / ".tracklint.toml").resolve()
    # a pyproject.toml without [tool.tracklint] is not a tracklint config: keep walking up
    assert find_config(root / "other") == (root / "pyproject.toml").resolve()
    assert resolve_settings(cwd=root / "sub").fail_on.name == "ERROR"


def test_discovery_stops_at_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / "tracklint.toml").write_text("jobs = 1\n")
    inner = _repo(tmp_path / "repo", {"a.py": ""})
    assert find_config(inner) is None


def test_cli_flags_win_over_config_and_config_paths_resolve_beside_it(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "conf/tracklint.toml": "plan = '../plans/p.yaml'\nfail-on = 'warning'\ncache = false\n",
        "plans/p.yaml": PLAN,
    })
    settings = resolve_settings(cwd=root, config=root / "conf" / "tracklint.toml")
    assert settings.plan == (root / "plans" / "p.yaml").resolve()
    assert settings.fail_on.name == "WARNING" and settings.cache is False
    settings = resolve_settings(cwd=root, config=root / "conf" / "tracklint.toml", overrides={"cache": True, "fail_on": None})
    assert settings.cache is True and settings.fail_on.name == "WARNING"


def test_isolated_ignores_config_files(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"tracklint.toml": "cache = false\n"})
    assert resolve_settings(cwd=root, isolated=True).cache is True


def test_unknown_option_suggests_the_spelling(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"tracklint.toml": "fail_onn = 'error'\n"})
    with pytest.raises(ConfigError, match="unknown option") as info:
        resolve_settings(cwd=root)
    assert "fail-on" in (info.value.hint or "")


# ---------------------------------------------------------------------------------------------
# paths from files in the checkout stay inside the project (issue #12, hostile PRs)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "runner" / "credentials"
    secret.parent.mkdir()
    secret.write_text(SECRET + "\n")
    return secret


@pytest.mark.parametrize("key", ["plan", "baseline"])
@pytest.mark.parametrize("form", ["absolute", "dotdot", "symlink"])
def test_config_paths_outside_the_project_are_refused_without_reading_them(
    tmp_path: Path, outside: Path, key: str, form: str
) -> None:
    root = _repo(tmp_path / "repo", {"tracking-plan.yaml": PLAN, "app.py": "x = 1\n"})
    if form == "absolute":
        value = str(outside)
    elif form == "dotdot":
        value = "../runner/credentials"
    else:
        (root / "linked").symlink_to(outside)
        value = "linked"
    (root / "pyproject.toml").write_text(f"[tool.tracklint]\n# the {key}\n{key} = {value!r}\n")
    result = _run(root, "check", "--no-cache")
    assert result.exit_code == 2, result.output
    assert SECRET not in result.output
    assert f"pyproject.toml:3: `{key}` must be a file inside the project" in result.output
    assert "Traceback" not in result.output


def test_the_command_line_is_trusted_with_outside_paths(tmp_path: Path) -> None:
    plan = tmp_path / "shared" / "plan.yaml"
    plan.parent.mkdir()
    plan.write_text(PLAN)
    root = _repo(tmp_path / "repo", {"pyproject.toml": f"[tool.tracklint]\nplan = {str(tmp_path / 'nope')!r}\n"})
    result = _run(root, "check", "--no-cache", "--plan", str(plan))
    assert result.exit_code == 0, result.output


def test_config_outside_the_project_may_name_files_beside_it(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "plan.yaml").write_text(PLAN)
    (shared / "tracklint.toml").write_text("plan = 'plan.yaml'\n")
    root = _repo(tmp_path / "repo", {"app.py": "x = 1\n"})
    settings = resolve_settings(cwd=root, config=shared / "tracklint.toml")
    assert settings.plan == (shared / "plan.yaml").resolve()


def test_a_discovered_plan_symlinked_outside_is_not_read(tmp_path: Path, outside: Path) -> None:
    root = _repo(tmp_path / "repo", {"app.py": "x = 1\n"})
    (root / "tracking-plan.yaml").symlink_to(outside)
    with pytest.raises(PlanError, match="symbolic link to a file outside the project"):
        find_plan(root)
    for args in (("check", "--no-cache"), ("export", "jsonschema"), ("diff", "--base", "HEAD")):
        result = _run(root, *args)
        assert result.exit_code == 2, (args, result.output)
        assert SECRET not in result.output, args
        assert "Traceback" not in result.output


def test_a_plan_symlinked_inside_the_project_is_fine(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo", {"plans/main.yaml": PLAN})
    (root / "tracking-plan.yaml").symlink_to("plans/main.yaml")
    assert find_plan(root) == root.resolve() / "tracking-plan.yaml"


# ---------------------------------------------------------------------------------------------
# jobs


def test_jobs_from_config_is_capped_at_the_cores_with_a_note(tmp_path: Path, caplog) -> None:
    root = _repo(tmp_path, {"tracklint.toml": "jobs = 300\n"})
    with caplog.at_level(logging.WARNING, logger="tracklint.config"):
        settings = resolve_settings(cwd=root)
    assert settings.jobs == usable_cpus()
    assert "jobs = 300" in caplog.text and "usable core" in caplog.text


def test_jobs_on_the_command_line_is_trusted_but_bounded(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"tracklint.toml": "jobs = 1\n"})
    assert resolve_settings(cwd=root, overrides={"jobs": 3}).jobs == 3
    assert resolve_settings(cwd=root, overrides={"jobs": 100_000}).jobs == 4 * usable_cpus()


def test_negative_jobs_in_config_is_an_error(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"tracklint.toml": "jobs = -3\n"})
    with pytest.raises(ConfigError, match="jobs must be 0"):
        resolve_settings(cwd=root)


# ---------------------------------------------------------------------------------------------
# wrappers


def _wrappers(tmp_path: Path, second: str) -> Path:
    return _repo(tmp_path, {
        "tracking-plan.yaml": PLAN,
        "app.js": 'trackEvent("Signed Up", {});\n',
        "pyproject.toml": "[tool.tracklint]\n\n[[tool.tracklint.wrappers]]\nfunction = \"ok\"\n\n"
                          "[[tool.tracklint.wrappers]]\n" + second,
    })


@pytest.mark.parametrize(
    "second, line, expected",
    [
        ('function = "track\\n"\n', 7, '#2 .function: expected a function name'),
        ('function = "a b"\n', 7, '#2 .function: expected a function name'),
        ('function = "t"\nevent = {position = "x"}\n', 8, "#2 .event: `position` must be a whole number"),
        ('function = "t"\nevent = -1\n', 8, "#2 .event: expected a position"),
        ('function = "t"\nproperties = {positon = 1}\n', 8, "did you mean `position`?"),
        ('function = "t"\nlanguages = "javascript"\n', 8, "#2 .languages: expected a non-empty list of languages, not a string"),
        ('function = "t"\nlanguages = ["javscript"]\n', 8, "did you mean `javascript`?"),
        ('function = "t"\nkind = "weird"\n', 8, "#2 .kind: unknown kind 'weird'"),
        ('function = "t"\nlangauges = ["python"]\n', 8, "did you mean `languages`?"),
        ('event = 0\n', 6, "#2: needs a `function` key"),
        ('function = "t"\nsdk = 3\n', 8, "#2 .sdk: expected a string"),
    ],
)
def test_bad_wrapper_entries_are_config_errors_with_positions(tmp_path: Path, second: str, line: int, expected: str) -> None:
    root = _wrappers(tmp_path, second)
    result = _run(root, "check", "--no-cache", "-f", "concise")
    assert result.exit_code == 2, result.output
    assert f"pyproject.toml:{line}: [[tool.tracklint.wrappers]] #2" in result.output
    assert expected in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_inline_wrappers_are_named_by_their_index(tmp_path: Path) -> None:
    root = _repo(tmp_path, {"tracklint.toml": 'wrappers = [{function = "t", kind = "nope"}]\n'})
    with pytest.raises(ConfigError) as info:
        resolve_settings(cwd=root)
    assert info.value.message.startswith("[[wrappers]] #1 .kind: unknown kind")


def test_documented_wrapper_forms_are_accepted_and_match(tmp_path: Path) -> None:
    root = _repo(tmp_path, {
        "tracking-plan.yaml": PLAN,
        "app.js": 'sendAnalytics({ name: "Signed Up", props: {} });\ntracker.logEvent("Nope", {});\n',
        "app.py": 'track_event("Nope", user_id=1)\n',
        "tracklint.toml": """\
            [[wrappers]]
            function = "sendAnalytics"
            event = {position = 0, key = "name"}
            properties = {position = 0, key = "props"}
            languages = ["javascript"]

            [[wrappers]]
            function = "*.logEvent"
            event = [0, "event"]
            properties = false
            kind = "track"
            sdk = "acme"

            [[wrappers]]
            function = "track_event"
            properties = {kwargs = true, exclude = ["user_id"]}
            languages = ["python"]
            """,
    })
    result = _run(root, "check", "--no-cache", "-f", "concise")
    assert result.exit_code == 1, result.output
    assert result.output.count("TL001") == 2 and "app.js:2" in result.output and "app.py:1" in result.output
