"""``tracklint check --stdin-filename PATH -``: the text on stdin checked as if it were PATH
(what editors and format-on-save tools pipe), through the one in-memory check the language
server uses (:func:`tracklint.engine.check_text`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from typer.testing import CliRunner

from test_cli import RENAMED, project
from tracklint.cli import app

CLEAN = {
    "app.py": 'import segment.analytics as analytics\n\nanalytics.track("u1", "Signed Up")\n',
    "app.js": 'window.analytics.track("Signed Up");\n',
    "app.ts": 'analytics.track("Signed Up");\n',
    "App.tsx": 'export const B = () => <button onClick={() => analytics.track("Signed Up")} />;\n',
    "App.swift": 'func f() {\n    analytics.track(name: "Signed Up")\n}\n',
    "App.kt": 'fun f() {\n    analytics.track("Signed Up")\n}\n',
}


def invoke(*args: str, cwd: Path, input: str = ""):
    import os

    old = os.getcwd()
    os.chdir(cwd)
    try:
        return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def _findings(output: str) -> list[tuple]:
    doc = json.loads(output)
    return [(d["path"], d["line"], d["column"], d["code"], d["message"]) for d in doc["diagnostics"]]


@pytest.mark.parametrize("name", sorted(RENAMED))
def test_stdin_is_checked_as_the_named_file_not_the_one_on_disk(tmp_path: Path, name: str) -> None:
    text, line, column = RENAMED[name]
    root = project(tmp_path, {name: CLEAN[name]})
    from_stdin = invoke("check", "--no-cache", "-f", "json", "--stdin-filename", str(root / name), "-", cwd=root, input=text)
    assert from_stdin.exit_code == 1, from_stdin.output
    (root / name).write_text(text)
    from_disk = invoke("check", "--no-cache", "-f", "json", str(root / name), cwd=root)
    assert _findings(from_stdin.stdout) == _findings(from_disk.stdout)
    assert [(f[1], f[2], f[3]) for f in _findings(from_stdin.stdout)] == [(line, column, "TL001")]


def test_a_path_that_does_not_exist_takes_its_language_and_config_from_the_name(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    (root / "legacy").mkdir()
    (root / "legacy" / "tracklint.toml").write_text('ignore = ["TL001"]\n')
    text = RENAMED["app.ts"][0]
    checked = invoke("check", "-f", "concise", "--stdin-filename", "web/new.ts", cwd=root, input=text)
    assert checked.exit_code == 1 and "web/new.ts:2:17: TL001" in checked.stdout, checked.output
    ignored = invoke("check", "-f", "concise", "--stdin-filename", "legacy/new.ts", "-", cwd=root, input=text)
    assert ignored.exit_code == 0, ignored.output
    as_python = invoke("check", "-f", "concise", "--stdin-filename", "web/new.py", "-", cwd=root, input=text)
    assert "TL001" not in as_python.stdout  # not a Python call: the name decides the language


def test_a_constant_from_another_file_resolves_as_in_a_project_run(tmp_path: Path) -> None:
    root = project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/events.py": 'SIGNED_UP = "Signed Up"\nTYPO = "Signed Upp"\n',
    })
    text = ("import segment.analytics as analytics\nfrom .events import SIGNED_UP, TYPO\n\n"
            "analytics.track('u', SIGNED_UP)\nanalytics.track('u', TYPO)\n")
    checked = invoke("check", "-f", "json", "--stdin-filename", "pkg/app.py", "-", cwd=root, input=text)
    assert [(f[1], f[3]) for f in _findings(checked.stdout)] == [(5, "TL001")], checked.output


def test_force_exclude_skips_an_excluded_name(tmp_path: Path) -> None:
    root = project(tmp_path, {})
    (root / "tracklint.toml").write_text('exclude = ["vendor/"]\n')
    text = RENAMED["app.js"][0]
    assert invoke("check", "--stdin-filename", "vendor/x.js", "--force-exclude", "-", cwd=root, input=text).exit_code == 0
    assert invoke("check", "--stdin-filename", "vendor/x.js", "-", cwd=root, input=text).exit_code == 1


@pytest.mark.parametrize("args, message", [
    (("-",), "--stdin-filename PATH"),
    (("--stdin-filename", "a.py", "b.py"), "no other path"),
    (("--stdin-filename", "a.py", "--affected", "-"), "do not apply"),
    (("--stdin-filename", "a.py", "--fix", "-"), "rewrite files, not stdin"),
    (("--stdin-filename", "a.py", "--diff", "-"), "rewrite files, not stdin"),
])
def test_stdin_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    root = project(tmp_path, {"b.py": ""})
    result = invoke("check", *args, cwd=root, input="")
    assert result.exit_code == 2 and message in result.output, result.output


@settings(max_examples=40, deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_is_checked_without_a_traceback(tmp_path_factory, text: str) -> None:
    root = project(tmp_path_factory.mktemp("stdin"), {})
    for name in ("a.py", "a.tsx", "A.kt"):
        result = invoke("check", "-f", "json", "--stdin-filename", name, "-", cwd=root, input=text)
        assert result.exit_code in (0, 1), result.output
        json.loads(result.stdout)
