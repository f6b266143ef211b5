"""Hostile and broken input: every case gets a defined outcome, never a traceback, a hang or a
lost result. Each test states the outcome a user relies on."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracklint import engine, pool
from tracklint.cli import app
from tracklint.config import resolve_settings
from tracklint.extract import extract_file
from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

SPECS = build_specs(DEFAULT_PRESETS)
PLAN = "tracklint: 1\nevents:\n  Signed Up:\n    description: New account.\n"

CALL = {
    "a.py": 'analytics.track("u1", "Signed Up", {})\n',
    "a.js": 'analytics.track("Signed Up", {});\n',
    "a.ts": 'analytics.track("Signed Up", {} as const);\n',
    "a.tsx": 'analytics.track("Signed Up", {});\n',
    "A.swift": 'analytics.track(name: "Signed Up", properties: [:])\n',
    "A.kt": 'analytics.track("Signed Up", mapOf<String, Any>())\n',
    "A.java": 'analytics.track("Signed Up", new Properties());\n',
}


def events(name: str, data: bytes) -> list[tuple[str | None, int]]:
    fx = extract_file(name, data, SPECS)
    return [(c.event, c.span.line) for c in fx.calls]


def repo(tmp_path: Path, files: dict[str, bytes | str], plan: str = PLAN) -> Path:
    (tmp_path / ".git").mkdir(parents=True, exist_ok=True)
    (tmp_path / "tracking-plan.yaml").write_text(plan)
    for name, data in files.items():
        target = tmp_path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data if isinstance(data, bytes) else data.encode())
    return tmp_path


def check(root: Path, *args: str):
    old = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(app, ["check", "--no-cache", "-f", "json", *args], catch_exceptions=False)
    finally:
        os.chdir(old)


# ---------------------------------------------------------------------------------------------
# source files


@pytest.mark.parametrize("name", sorted(CALL))
def test_unterminated_string_keeps_the_valid_calls(name: str) -> None:
    broken = CALL[name] + 'analytics.track("Oops\n' + CALL[name]
    found = events(name, broken.encode())
    assert ("Signed Up", 1) in found


@pytest.mark.parametrize("name", sorted(CALL))
def test_deep_nesting_does_not_blow_the_stack(name: str) -> None:
    depth = 50_000
    opener, closer = {
        ".py": ("[", "]"), ".js": ("[", "]"), ".ts": ("[", "]"), ".tsx": ("[", "]"),
        ".swift": ("[", "]"), ".kt": ("listOf(", ")"), ".java": ("List.of(", ")"),
    }[Path(name).suffix]
    nested = opener * depth + "1" + closer * depth
    text = CALL[name] + CALL[name].replace("{}", nested).replace("[:]", nested).replace("mapOf<String, Any>()", nested).replace("new Properties()", nested)
    started = time.perf_counter()
    fx = extract_file(name, text.encode(), SPECS)
    assert time.perf_counter() - started < 30
    assert ("Signed Up", 1) in [(c.event, c.span.line) for c in fx.calls]
    assert not [n for n in fx.notices if n.kind == "internal"], fx.notices


@pytest.mark.parametrize("name", sorted(CALL))
def test_invalid_utf8_is_read_with_replacement(name: str) -> None:
    data = b"x = '\xff\xfe\xc3'\n" if name.endswith(".py") else b"// \xff\xfe\xc3 broken bytes\n"
    found = events(name, data + CALL[name].encode())
    assert found == [("Signed Up", 2)]


@pytest.mark.parametrize("name", sorted(CALL))
def test_utf16_with_bom_is_transcoded(name: str) -> None:
    data = ("\n" + CALL[name]).encode("utf-16")
    assert events(name, data) == [("Signed Up", 2)]


@pytest.mark.parametrize("name", sorted(CALL))
def test_utf8_bom_does_not_shift_columns(name: str) -> None:
    fx = extract_file(name, b"\xef\xbb\xbf" + CALL[name].encode(), SPECS)
    assert [(c.span.line, c.span.column) for c in fx.calls] == [(1, 1)]


@pytest.mark.parametrize("ending", [b"\r\n", b"\r"])
@pytest.mark.parametrize("name", sorted(CALL))
def test_crlf_and_lone_cr_line_endings(name: str, ending: bytes) -> None:
    data = (b"\n\n" + CALL[name].encode()).replace(b"\n", ending)
    fx = extract_file(name, data, SPECS)
    (call,) = fx.calls
    assert (call.event, call.span.line, call.span.column) == ("Signed Up", 3, 1)


@pytest.mark.parametrize("name", sorted(CALL))
def test_empty_and_whitespace_files(name: str) -> None:
    assert events(name, b"") == []
    assert events(name, b"\n\n   \t\n") == []


def test_nul_bytes_mean_binary_and_are_reported() -> None:
    fx = extract_file("a.js", b"analytics.track('A')\0\0\0", SPECS)
    assert fx.calls == [] and fx.notices and fx.notices[0].kind == "skipped"
    assert "NUL" in fx.notices[0].message


def test_huge_minified_bundle_is_skipped_and_reported(tmp_path: Path) -> None:
    chunk = 'function a(b){return b+1};analytics.track("Signed Up",{});var x=[1,2,3];'
    bundle = chunk * (10_000_000 // len(chunk))
    root = repo(tmp_path, {"dist/app.js": bundle, "src/app.js": CALL["a.js"]})
    started = time.perf_counter()
    result = check(root)
    assert time.perf_counter() - started < 20
    assert result.exit_code == 0, result.output
    import json

    doc = json.loads(result.output)
    (notice,) = [n for n in doc["notices"] if n["path"] == "dist/app.js"]
    assert notice["kind"] == "skipped"


def test_minified_file_under_the_size_limit_is_skipped_too(tmp_path: Path) -> None:
    line = ";".join(f'analytics.track("Signed Up",{{n:{i}}})' for i in range(3000))
    root = repo(tmp_path, {"app.min.js": line})
    import json

    doc = json.loads(check(root).output)
    assert [n["kind"] for n in doc["notices"] if n["path"] == "app.min.js"] == ["skipped"]


def test_file_that_vanishes_or_cannot_be_read(tmp_path: Path) -> None:
    root = repo(tmp_path, {"ok.js": CALL["a.js"]})
    (root / "gone.js").symlink_to(root / "missing-target.js")
    (root / "dir.js").mkdir()
    settings = resolve_settings(cwd=root, overrides={"cache": False, "jobs": 1})
    ex = pool.extract_paths(settings, [root / "ok.js", root / "gone.js", root / "dir.js", root / "deleted.js"])
    assert [c.event for f in ex.files for c in f.calls] == ["Signed Up"]
    bad = {n.path: n.kind for n in ex.notices}
    assert bad == {"gone.js": "unreadable", "dir.js": "unreadable", "deleted.js": "unreadable"}


def test_fifo_named_explicitly_does_not_hang(tmp_path: Path) -> None:
    root = repo(tmp_path, {"ok.js": CALL["a.js"]})
    os.mkfifo(root / "pipe.js")
    settings = resolve_settings(cwd=root, overrides={"cache": False, "jobs": 1})
    ex = pool.extract_paths(settings, [root / "pipe.js", root / "ok.js"])
    assert [n.path for n in ex.notices] == ["pipe.js"]
    assert [c.event for f in ex.files for c in f.calls] == ["Signed Up"]


def test_symlink_loop_and_odd_names(tmp_path: Path) -> None:
    root = repo(tmp_path, {"dir with space/ünïcode é.ts": CALL["a.ts"], "sub/a.py": CALL["a.py"]})
    (root / "sub" / "loop").symlink_to(root / "sub")
    (root / "self").symlink_to(root)
    import shutil

    shutil.rmtree(root / ".git")  # walk mode, not git: the loop must not be followed
    result = check(root)
    assert result.exit_code == 0, result.output
    settings = resolve_settings(cwd=root, overrides={"cache": False})
    calls = engine.scan(settings).calls
    assert sorted(c.path for c in calls) == ["dir with space/ünïcode é.ts", "sub/a.py"]


# ---------------------------------------------------------------------------------------------
# plans and config: exit 2, positioned, no traceback


@pytest.mark.parametrize(
    "plan, where, says",
    [
        ("tracklint: 1\nevents:\n  A: {description: [x\n", "tracking-plan.yaml:", ""),
        ("tracklint: 1\nevents: [1, 2]\n", "tracking-plan.yaml:2:", ""),
        ("tracklint: 1\nevents:\n  A:\n    descriptoin: x\n", "tracking-plan.yaml:4:", "description"),
        ("tracklint: 1\nevents:\n  A: {description: x}\n  A: {description: y}\n", "tracking-plan.yaml:4:", "duplicate"),
        ("tracklint: 1\nevents:\n  A:\n    description: x\n    properties:\n      p: {type: string, pattern: '(unclosed'}\n",
         "tracking-plan.yaml:6:", "pattern"),
        ("tracklint: 1\nname: !!python/object/apply:os.system ['touch PWNED']\n", "tracking-plan.yaml:2:", ""),
        ("tracklint: 1\ninclude: [tracking-plan.yaml]\n", "tracking-plan.yaml", "include"),
        ("tracklint: 1\ninclude: [../../etc/passwd]\n", "tracking-plan.yaml", ""),
        ("\xff\xfe\x00garbage", "tracking-plan.yaml", ""),
    ],
    ids=["malformed", "wrong-type", "unknown-key", "duplicate-key", "bad-regex", "python-tag", "include-cycle", "include-escape", "not-yaml"],
)
def test_bad_plans_exit_2_with_a_position(tmp_path: Path, plan: str, where: str, says: str) -> None:
    root = repo(tmp_path, {"a.js": CALL["a.js"]}, plan=plan)
    result = check(root)
    assert result.exit_code == 2, result.output
    assert where in result.output
    assert says.lower() in result.output.lower()
    assert "Traceback" not in result.output
    assert not (root / "PWNED").exists()


def test_a_bad_plan_found_while_workers_extract_still_exits_2(tmp_path: Path) -> None:
    # The plan loads while worker processes already read the files: its error must stop them
    # and exit 2 with the position, as when the plan was loaded first.
    files = {f"src/f{i:03}.js": CALL["a.js"] for i in range(120)}
    root = repo(tmp_path, files, plan="tracklint: 1\nevents:\n  A: {description: x}\n  A: {description: y}\n")
    started = time.perf_counter()
    result = check(root, "--jobs", "2")
    assert result.exit_code == 2, result.output
    assert "tracking-plan.yaml:4:" in result.output and "Traceback" not in result.output
    assert time.perf_counter() - started < 30


def test_yaml_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    bomb = "tracklint: 1\na: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 12):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    root = repo(tmp_path, {}, plan=bomb)
    started = time.perf_counter()
    result = check(root)
    assert time.perf_counter() - started < 10
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_huge_plan_is_refused(tmp_path: Path) -> None:
    root = repo(tmp_path, {}, plan="tracklint: 1\n# " + "x" * (12 * 1024 * 1024) + "\n")
    result = check(root)
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_bad_config_exits_2(tmp_path: Path) -> None:
    root = repo(tmp_path, {"a.js": CALL["a.js"]})
    (root / "tracklint.toml").write_text("select = [\n")
    result = check(root)
    assert result.exit_code == 2 and "tracklint.toml" in result.output


def test_repository_config_cannot_move_the_cache_outside_it(tmp_path: Path) -> None:
    root = repo(tmp_path / "r", {"a.js": CALL["a.js"]})
    (root / "tracklint.toml").write_text('cache-dir = "../outside"\n')
    result = CliRunner().invoke(app, ["check", str(root)], catch_exceptions=False)
    assert result.exit_code == 2 and "cache-dir must be inside the project" in result.output
    assert not (tmp_path / "outside").exists()


# ---------------------------------------------------------------------------------------------
# patterns that hang


def test_catastrophic_pattern_does_not_hang_the_gate(tmp_path: Path) -> None:
    plan = textwrap.dedent(
        """\
        tracklint: 1
        events:
          Signed Up:
            description: x
            properties:
              code: {type: string, pattern: "^(a+)+$"}
        """
    )
    evil = "a" * 50_000 + "b"
    root = repo(tmp_path, {"a.js": f'analytics.track("Signed Up", {{ code: "{evil}" }});\n'}, plan=plan)
    (root / "tracklint.toml").write_text("skip-minified = false\n")  # one long line is not a bundle here
    started = time.perf_counter()
    result = check(root)
    assert time.perf_counter() - started < 15
    assert result.exit_code == 1
    assert "TL007" in result.output


# ---------------------------------------------------------------------------------------------
# parallel runs


def _crash_on_poison(batch, *args):
    """Stands in for the worker entry point: dies (like a segfault) on a file named poison."""
    if any(item[1].endswith("poison.js") for item in batch):
        os._exit(1)
    return _REAL_WORKER(batch, *args)


_REAL_WORKER = pool._worker_extract
_crash_on_poison.__module__ = "tracklint.pool"
_crash_on_poison.__qualname__ = "_worker_extract"


def test_a_dying_worker_loses_no_other_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"src/f{i:03}.js": CALL["a.js"] for i in range(60)}
    files["src/poison.js"] = CALL["a.js"]
    root = repo(tmp_path, files)
    monkeypatch.setattr(pool, "_worker_extract", _crash_on_poison)
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    settings = resolve_settings(cwd=root, overrides={"cache": False, "jobs": 2})
    result = engine.scan(settings)
    assert len(result.calls) == 60
    poisoned = [n for n in result.notices if n.path == "src/poison.js"]
    assert poisoned and poisoned[0].kind == "internal"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def _as_from_a_terminal() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def test_ctrl_c_exits_promptly_without_traceback(tmp_path: Path) -> None:
    body = "".join(f'analytics.track("Signed Up", {{ n: {i}, s: "{"x" * 40}" }});\n' for i in range(1500))
    files = {f"src/f{i:03}.js": body for i in range(150)}
    root = repo(tmp_path, files)
    # faulthandler: a run that does not stop is made to print every thread's stack (SIGABRT),
    # so a failure says where it hung.
    # The run gets Ctrl-C as from a terminal: SIGINT at its default and not blocked, whatever
    # an earlier test left in this process (a child inherits an ignored or blocked SIGINT, and
    # a Python started that way never raises KeyboardInterrupt: the run then did not stop).
    inherited = (signal.getsignal(signal.SIGINT), signal.pthread_sigmask(signal.SIG_BLOCK, []))
    proc = subprocess.Popen(
        [sys.executable, "-X", "faulthandler", "-m", "tracklint", "check", "--no-cache", "--jobs", "2", "-f", "concise"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        preexec_fn=_as_from_a_terminal,
    )
    time.sleep(2.0)
    if proc.poll() is not None:
        pytest.skip("the run finished before the interrupt (machine too fast for this tree)")
    os.killpg(proc.pid, signal.SIGINT)  # like a terminal's Ctrl-C: the whole process group
    started = time.perf_counter()
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        children = subprocess.run(["ps", "-o", "pid,ppid,stat,wchan:20,cmd", "-g", str(proc.pid)],
                                  capture_output=True, text=True).stdout
        os.kill(proc.pid, signal.SIGABRT)
        try:
            _, err = proc.communicate(timeout=10)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # never leave the run behind for later tests
            proc.communicate()
        pytest.fail(f"tracklint did not stop within 20 s of Ctrl-C (this process's SIGINT: {inherited})\n"
                    f"{children}\n{err.decode(errors='replace')}")
    assert time.perf_counter() - started < 5
    assert proc.returncode == 130
    assert b"Traceback" not in err


@pytest.mark.parametrize("fmt", ["json", "full"])
def test_a_reader_that_goes_away_is_not_an_internal_error(tmp_path: Path, fmt: str) -> None:
    # `tracklint scan -f json | head`: the pipe closes early; tracklint stops quietly.
    body = "".join(f'analytics.track("Signed Up", {{ n: {i} }});\n' for i in range(400))
    root = repo(tmp_path, {f"src/f{i}.js": body for i in range(5)})
    proc = subprocess.Popen([sys.executable, "-m", "tracklint", "scan", "--no-cache", "-f", fmt],
                            cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with proc:
        proc.stdout.read(64)
        proc.stdout.close()
        err = proc.stderr.read()
        proc.wait(timeout=60)
    assert proc.returncode == 1
    assert b"internal error" not in err and b"Traceback" not in err and b"Exception ignored" not in err


def test_corrupt_cache_is_ignored_and_rebuilt(tmp_path: Path) -> None:
    root = repo(tmp_path, {"a.js": 'analytics.track("purchase_completed");\n'})
    first = CliRunner()
    old = os.getcwd()
    os.chdir(root)
    try:
        assert first.invoke(app, ["check", "-f", "concise"]).exit_code == 1
        cache_files = [p for p in (root / ".tracklint_cache").rglob("*") if p.is_file() and p.name != ".gitignore"]
        assert cache_files
        for p in cache_files:
            p.write_bytes(b"\x00garbage{{{")
        again = first.invoke(app, ["check", "-f", "concise"], catch_exceptions=False)
        assert again.exit_code == 1 and "purchase_completed" in again.output
    finally:
        os.chdir(old)


# ---------------------------------------------------------------------------------------------
# security


def test_nothing_from_the_scanned_repository_is_executed(tmp_path: Path) -> None:
    marker = tmp_path / "EXECUTED"
    payload = f"open({str(marker)!r}, 'w').write('x')\n"
    root = repo(tmp_path / "r", {
        "setup.py": payload, "conftest.py": payload, "pkg/__init__.py": payload,
        "pkg/events.py": payload + 'EVENT = "Signed Up"\n',
        "pkg/app.py": "from pkg.events import EVENT\nimport segment.analytics as analytics\nanalytics.track('u', EVENT)\n",
    })
    result = check(root)
    assert result.exit_code == 0, result.output
    assert not marker.exists()


@pytest.mark.parametrize(
    "name, text",
    [
        ("events.yaml", "version: rudder/v0.1\na: &a [x, x, x, x, x, x, x, x, x]\n"
         + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(10))),
        ("plan.json", "[" * 100_000 + "]" * 100_000),
        ("dup.yaml", "version: rudder/v0.1\nkind: events\nkind: properties\n"),
    ],
    ids=["alias-bomb", "deep-json", "duplicate-key"],
)
def test_hostile_import_files_exit_2(tmp_path: Path, name: str, text: str) -> None:
    target = tmp_path / name
    target.write_text(text)
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["import", "auto" if name != "plan.json" else "segment", str(target)], catch_exceptions=False)
    assert time.perf_counter() - started < 10
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and name in result.output


# ---------------------------------------------------------------------------------------------
# hostile inputs of import, init and the plan's whereabouts (issue #12, helper "hostile")


def _segment(properties_json: str, key: str = '"Signed Up"') -> str:
    return ('{"rules": [{"key": %s, "type": "TRACK", "version": 1, "jsonSchema": {"properties": '
            '{"properties": {"type": "object", "properties": %s}}}}]}') % (key, properties_json)


def _deep(levels: int) -> str:
    return '{"x": ' * levels + '{"type": "string"}' + "}" * levels


def _at(text: str, offset: int) -> str:
    return f":{text.count(chr(10), 0, offset) + 1}:{offset - text.rfind(chr(10), 0, offset)}:"


@pytest.mark.parametrize(
    "text, needle, message",
    [
        (_segment('{"n": {"type": "integer", "maximum": ' + "9" * 5000 + "}}"), "9999", "an integer with 5000 digits"),
        (_segment('{"n": {"type": "number", "maximum": 1e999}}'), "1e999", "the number 1e999 is too large"),
        (_segment('{"n": {"type": "number", "maximum": NaN}}'), "NaN", "NaN is not a JSON number"),
        (_segment('{"d": {"type": "object", "properties": ' + _deep(300) + "}}"), None, "nested too deeply"),
        (_segment('{"a": {"type": "string"},\n "a": {"type": "number"}}'), '\n "a"', "the key 'a' appears twice"),
        (_segment('{"p\\udc00": {"type": "string"}}'), '"p\\udc00"', "a key with an unpaired surrogate"),
        (_segment("{}", key='"A\\ud800"'), '"A\\ud800"', "a string with an unpaired surrogate"),
    ],
    ids=["5000-digits", "1e999", "NaN", "300-deep", "duplicate-key", "surrogate-key", "surrogate-event"],
)
def test_hostile_json_imports_are_positioned_errors(tmp_path: Path, text: str, needle: str | None, message: str) -> None:
    source = tmp_path / "plan.json"
    source.write_text(text)
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(app, ["import", "segment", str(source), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    if needle is None:  # the first bracket past the plan's depth limit (64)
        offset = [i for i, ch in enumerate(text) if ch in "{["][64]
    else:  # a needle that starts with a newline marks the text just after it
        offset = text.index(needle) + (2 if needle.startswith("\n") else 0)
    where = _at(text, offset)
    assert f"plan.json{where} {message}" in result.output, (where, result.output)
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not out.exists()


def test_oversize_import_is_refused_before_reading(tmp_path: Path) -> None:
    from tracklint.plan.yaml_loader import MAX_BYTES  # the documented limit: that of a plan file

    source = tmp_path / "huge.json"
    with source.open("wb") as handle:  # sparse: 100 MB that cost nothing to make
        handle.truncate(100 * 1024 * 1024)
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["import", "segment", str(source)], catch_exceptions=False)
    assert time.perf_counter() - started < 2
    assert result.exit_code == 2, result.output
    assert f"too large to import (100.0 MB; the limit is {MAX_BYTES // 2**20} MB)" in result.output


def test_import_never_writes_a_plan_tracklint_refuses(tmp_path: Path) -> None:
    source = tmp_path / "plan.json"
    source.write_text(_segment('{"a": {"type": "string", "minLength": -1, "enum": []}}', key='""'))
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(app, ["import", "segment", str(source), "-o", str(out)], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "plan.json: the imported plan would not be a valid tracklint plan" in result.output
    assert "events: an empty name is not allowed" in result.output and "minLength" in result.output
    assert not out.exists()


@pytest.mark.parametrize("output", [None, "plan.yaml"])
def test_init_never_writes_through_a_symlink(tmp_path: Path, output: str | None) -> None:
    outside = tmp_path / "home" / ".bashrc"
    outside.parent.mkdir()
    outside.write_text("export TOKEN=keep-me\n")
    root = repo(tmp_path / "r", {"app.js": 'analytics.track("Signed Up");\n'})
    link = root / (output or "tracking-plan.yaml")
    link.unlink(missing_ok=True)
    link.symlink_to(outside)
    old = os.getcwd()
    os.chdir(root)
    try:
        args = ["init", "--force"] + (["-o", output] if output else [])
        result = CliRunner().invoke(app, args, catch_exceptions=False)
    finally:
        os.chdir(old)
    assert outside.read_text() == "export TOKEN=keep-me\n"
    assert "Traceback" not in result.output
    if output is None:  # the plan tracklint would read is itself refused
        assert result.exit_code == 2 and "symbolic link to a file outside the project" in result.output
    else:
        assert result.exit_code == 0, result.output
        assert not link.is_symlink() and "Signed Up" in link.read_text()


# cache state from the checkout: committed, symlinked or endless cache files (issue 12)


def _tracklint(root: Path, *args: str, timeout: float = 60, memory: int | None = None) -> subprocess.CompletedProcess:
    """``tracklint ARGS`` in a fresh process (the cache directory's verdict is per process),
    run from the code under test; ``memory`` caps its address space (bytes)."""
    import resource

    import tracklint

    code = str(Path(tracklint.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": code + os.pathsep + os.environ.get("PYTHONPATH", "")}
    limit = (lambda: resource.setrlimit(resource.RLIMIT_AS, (memory, memory))) if memory else None
    return subprocess.run([sys.executable, "-m", "tracklint", *args], cwd=root, env=env, capture_output=True,
                          text=True, timeout=timeout, preexec_fn=limit)


def _commit_all(root: Path) -> None:
    """Commit everything under ``root``, the cache directory too (as a pull request can)."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    if not (root / ".git" / "HEAD").exists():
        subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True, env=env)
    for args in (["add", "-A", "-f", "."], ["commit", "-q", "-m", "pr"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def _aged(root: Path) -> None:
    past = time.time() - 60
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink():
            os.utime(path, (past, past))


def _git_repo(tmp_path: Path, files: dict[str, str], plan: str = PLAN) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    (root / "tracking-plan.yaml").write_text(plan)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


@pytest.mark.parametrize("config", ["", 'cache-dir = "fixtures/cache"\n'], ids=["default", "cache-dir"])
def test_a_committed_cache_entry_does_not_hide_a_finding(tmp_path: Path, config: str) -> None:
    import hashlib
    import json

    root = _git_repo(tmp_path, {"a.js": 'analytics.track("Signed Up");\n'})
    if config:
        (root / "tracklint.toml").write_text(config)
    _aged(root)
    assert _tracklint(root, "check").returncode == 0  # makes the cache file the forgery is based on
    cache_dir = root / ("fixtures/cache" if config else ".tracklint_cache")
    (cache_file,) = [p for p in (cache_dir / "v1").iterdir() if p.name not in ("last-check.json", "plan-checked.json")]
    # The pull request: a call to an unplanned event, and a cache entry that says "no calls here"
    # for exactly these bytes (the digest is all a racily clean entry is trusted by).
    bad = b'analytics.track("signed_up");\n'
    (root / "a.js").write_bytes(bad)
    doc = json.loads(cache_file.read_text())
    doc["entries"]["a.js"] = [len(bad), None, hashlib.blake2b(bad, digest_size=16).hexdigest(), None]
    cache_file.write_text(json.dumps(doc))
    _aged(root)
    _commit_all(root)
    assert _tracklint(root, "check", "--no-cache").returncode == 1
    run = _tracklint(root, "check", "-f", "concise")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "a.js:1:" in run.stdout and "signed_up" in run.stdout
    assert "git tracks" in run.stderr and "cache" in run.stderr  # the notice says why
    assert "Traceback" not in run.stderr
    assert subprocess.run(["git", "-C", str(root), "status", "--porcelain"], capture_output=True,
                          text=True).stdout == ""  # and nothing tracked was rewritten


@pytest.mark.parametrize("args", [(), ("a.js",)], ids=["project", "pre-commit"])
def test_a_committed_plan_marker_does_not_skip_the_plan_check(tmp_path: Path, args: tuple[str, ...]) -> None:
    import hashlib
    import json

    root = _git_repo(tmp_path, {"a.js": 'analytics.track("Signed Up");\n'})
    _aged(root)
    assert _tracklint(root, "check").returncode == 0  # the marker of a plan that passed
    marker = root / ".tracklint_cache" / "v1" / "plan-checked.json"
    broken = PLAN + "    descripton: misspelt\n"
    (root / "tracking-plan.yaml").write_text(broken)
    doc = json.loads(marker.read_text())
    digest = hashlib.sha256(broken.encode()).hexdigest()
    doc["files"] = {path: digest for path in doc["files"]}  # "these bytes passed the schema"
    marker.write_text(json.dumps(doc))
    (root / ".tracklint_cache" / "v1" / "last-check.json").unlink()
    _aged(root)
    _commit_all(root)
    run = _tracklint(root, "check", "-f", "concise", *args)
    assert run.returncode == 2, run.stdout + run.stderr
    assert "tracking-plan.yaml:5:" in run.stdout + run.stderr


@pytest.mark.parametrize("link", [".tracklint_cache", ".tracklint_cache/CACHEDIR.TAG", ".tracklint_cache/.gitignore",
                                  ".tracklint_cache/v1", ".tracklint_cache/v1/last-check.json"])
def test_a_symlink_in_the_cache_directory_never_sends_a_write_outside(tmp_path: Path, link: str) -> None:
    root = repo(tmp_path / "r", {"a.js": 'analytics.track("signed_up");\n'})
    _aged(root)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim").write_text("precious\n")
    # a directory, a file that does not exist yet (writing through the link would make it), a
    # file that does (writing through it would change it)
    target = {".tracklint_cache": outside, ".tracklint_cache/v1": outside,
              ".tracklint_cache/v1/last-check.json": outside / "victim"}.get(link, outside / "planted")
    (root / link).parent.mkdir(parents=True, exist_ok=True)
    (root / link).symlink_to(target)
    for _ in range(2):
        run = _tracklint(root, "check", "-f", "concise")
        assert run.returncode == 1 and "a.js:1:" in run.stdout, run.stdout + run.stderr
        assert "Traceback" not in run.stderr
    assert sorted(p.name for p in outside.iterdir()) == ["victim"]
    assert (outside / "victim").read_text() == "precious\n"


@pytest.mark.parametrize("kind", ["dev-zero", "fifo", "sparse-3GB"])
def test_a_cache_or_memo_file_that_never_ends_is_not_read(tmp_path: Path, kind: str) -> None:
    root = repo(tmp_path / "r", {"a.js": 'analytics.track("signed_up");\n'})
    _aged(root)
    assert _tracklint(root, "check").returncode == 1
    files = sorted((root / ".tracklint_cache" / "v1").iterdir())
    assert {"last-check.json", "plan-checked.json"} < {p.name for p in files} and len(files) == 3
    for path in files:  # the per-file cache, the run memo and the plan marker
        path.unlink()
        if kind == "dev-zero":
            path.symlink_to("/dev/zero")
        elif kind == "fifo":
            os.mkfifo(path)
        else:
            with open(path, "wb") as handle:
                handle.truncate(3 << 30)
    started = time.perf_counter()
    run = _tracklint(root, "check", "-f", "concise", timeout=60, memory=2 << 30)
    assert run.returncode == 1 and "a.js:1:" in run.stdout, run.stdout + run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
    assert time.perf_counter() - started < 30
