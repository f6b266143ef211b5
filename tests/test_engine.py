"""The engine's cross-file work: constants imported from other files, sources, on-demand parsing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tracklint import engine, pool
from tracklint.config import resolve_settings


def scan(root: Path, files: dict[str, str]) -> list[tuple[str, int, str | None, str]]:
    (root / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    settings = resolve_settings(cwd=root, overrides={"cache": False, "jobs": 1})
    return sorted((c.path, c.span.line, c.event, c.event_kind) for c in engine.scan(settings).calls)


def test_python_constants_from_other_modules(tmp_path: Path) -> None:
    got = scan(tmp_path, {
        "app/__init__.py": "",
        "app/events/__init__.py": "",
        "app/events/names.py": 'import enum\nclass Ev(str, enum.Enum):\n    SIGNED = "Signed Up"\nORDER = "Order Completed"\n',
        "app/views.py": (
            "import app.events.names\nfrom app.events import names as n\nfrom .events.names import Ev, ORDER as O\n"
            "import segment.analytics as analytics\n"
            'analytics.track("u", app.events.names.ORDER)\nanalytics.track("u", n.Ev.SIGNED.value)\n'
            'analytics.track("u", Ev.SIGNED)\nanalytics.track("u", O)\nanalytics.track("u", UNKNOWN)\n'
        ),
    })
    assert got == [
        ("app/views.py", 5, "Order Completed", "constant"),
        ("app/views.py", 6, "Signed Up", "constant"),
        ("app/views.py", 7, "Signed Up", "constant"),
        ("app/views.py", 8, "Order Completed", "constant"),
        ("app/views.py", 9, None, "dynamic"),
    ]


def test_javascript_constants_from_other_modules(tmp_path: Path) -> None:
    got = scan(tmp_path, {
        "src/events/index.ts": 'export const Events = { Signed: "Signed Up" } as const;\nexport enum E { Order = "Order Completed" }\n',
        "src/names.js": 'export default { Viewed: "Product Viewed" };\nexport const SHARED = "Page Shared";\n',
        "src/app.tsx": (
            'import { Events, E } from "./events";\nimport Names, { SHARED as S } from "./names";\nimport * as all from "./names";\n'
            'analytics.track(Events.Signed);\nanalytics.track(E.Order);\nanalytics.track(Names.Viewed);\n'
            "analytics.track(S);\nanalytics.track(all.SHARED);\n"
        ),
    })
    assert [(line, event) for _, line, event, _ in got] == [
        (4, "Signed Up"), (5, "Order Completed"), (6, "Product Viewed"), (7, "Page Shared"), (8, "Page Shared")]


def test_swift_and_kotlin_constants_from_other_files(tmp_path: Path) -> None:
    got = scan(tmp_path, {
        "ios/Events.swift": 'enum Events: String {\n    case signedUp = "Signed Up"\n}\nstruct Names { static let order = "Order Completed" }\n',
        "ios/App.swift": "analytics.track(name: Events.signedUp.rawValue)\nanalytics.track(name: Names.order)\n",
        "android/Events.kt": 'package com.acme\nobject Events { const val SIGNED_UP = "Signed Up" }\n',
        "android/App.kt": "import com.acme.Events\nfun f() { analytics.track(Events.SIGNED_UP) }\n",
    })
    assert [(p, e) for p, _, e, _ in got] == [
        ("android/App.kt", "Signed Up"), ("ios/App.swift", "Signed Up"), ("ios/App.swift", "Order Completed")]


def test_each_resolved_constant_records_the_file_it_came_from(tmp_path: Path) -> None:
    """The dependency edge PR modes follow (a change to the defining file re-checks the call);
    the cache and the memo carry it with the call."""
    from tracklint.cache import call_from_dict, call_to_dict

    files = {
        "web/events.ts": 'export const Events = { A: "Signed Up" } as const;\n',
        "web/page.ts": 'import { Events } from "./events";\nconst L = "Local";\nanalytics.track(Events.A);\nanalytics.track(L);\n',
        "app/__init__.py": "",
        "app/names.py": 'import enum\nclass Ev(str, enum.Enum):\n    A = "Signed Up"\n',
        "app/view.py": 'import analytics\nfrom app.names import Ev\nanalytics.track("u", Ev.A)\n',
        "ios/Events.swift": 'enum Events: String {\n    case signedUp = "Signed Up"\n}\n',
        "ios/App.swift": "analytics.track(name: Events.signedUp.rawValue)\n",
        "android/Events.kt": 'package com.acme\nobject Events { const val SIGNED_UP = "Signed Up" }\n',
        "android/App.kt": "import com.acme.Events\nfun f() { analytics.track(Events.SIGNED_UP) }\n",
    }
    scan(tmp_path, files)
    settings = resolve_settings(cwd=tmp_path, overrides={"cache": False, "jobs": 1})
    calls = engine.scan(settings).calls
    assert sorted((c.path, c.span.line, c.event_from) for c in calls) == [
        ("android/App.kt", 2, "android/Events.kt"), ("app/view.py", 3, "app/names.py"),
        ("ios/App.swift", 1, "ios/Events.swift"),
        ("web/page.ts", 3, "web/events.ts"), ("web/page.ts", 4, None)]  # a constant of its own file
    for call in calls:
        assert call_from_dict(call_to_dict(call)).event_from == call.event_from


def test_ambiguous_global_constant_stays_unresolved(tmp_path: Path) -> None:
    got = scan(tmp_path, {
        "a/Events.kt": 'object Events { const val X = "One" }\n',
        "b/Events.kt": 'object Events { const val X = "Two" }\n',
        "App.kt": "fun f() { analytics.track(Events.X) }\n",
    })
    assert [(e, k) for _, _, e, k in got] == [(None, "dynamic")]


@pytest.mark.parametrize("jobs", [1, 2])
def test_results_do_not_depend_on_parallelism_or_cache(tmp_path: Path, jobs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"src/f{i}.js": f'analytics.track("E{i}", {{ n: {i} }});\n' * 3 for i in range(40)}
    monkeypatch.setattr(pool, "PARALLEL_MIN_FILES", 2)
    root = tmp_path
    scan(root, files)
    base = resolve_settings(cwd=root, overrides={"jobs": jobs, "cache": False})
    cold = engine.scan(base.with_(cache=True)).calls
    warm = engine.scan(base.with_(cache=True)).calls
    plain = engine.scan(base).calls
    key = lambda calls: sorted((c.path, c.span.line, c.span.column, c.event) for c in calls)
    assert key(cold) == key(warm) == key(plain)
    assert len(plain) == 120


def test_read_file_reads_whole_files_and_stops_at_the_limit(tmp_path) -> None:
    from tracklint.pool import read_file

    small = tmp_path / "a.py"
    small.write_bytes(b"x" * 1000)
    empty = tmp_path / "e.py"
    empty.write_bytes(b"")
    big = tmp_path / "b.py"
    big.write_bytes(b"y" * 5000)
    assert read_file(str(small), 4097) == b"x" * 1000
    assert read_file(str(empty), 4097) == b""
    assert read_file(str(big), 4097) == b"y" * 4097  # one byte over: the caller sees it is too big


def test_preparing_the_extractors_changes_no_result(tmp_path) -> None:
    # The engine compiles grammars and queries before forking its workers; extraction after
    # that must give exactly what it gives without (and preparing never raises).
    from tracklint.extract import extract_file, prepare
    from tracklint.extract.presets import DEFAULT_PRESETS, build_specs

    specs = build_specs(DEFAULT_PRESETS)
    sources = {
        "a.ts": b'analytics.track("Signed Up", { plan: "pro" });\n',
        "a.py": b'analytics.track("u1", "Signed Up", {"plan": "pro"})\n',
        "A.swift": b'Analytics.shared.track(name: "Signed Up")\n',
        "A.kt": b'analytics.track("Signed Up")\n',
    }
    before = {name: [(c.event, c.span) for c in extract_file(name, data, specs).calls] for name, data in sources.items()}
    prepare({"python", "javascript", "typescript", "tsx", "swift", "kotlin", "cobol"}, specs)
    prepare(set(), [])
    after = {name: [(c.event, c.span) for c in extract_file(name, data, specs).calls] for name, data in sources.items()}
    assert after == before and all(before.values())


def test_languages_of_listed_paths() -> None:
    from tracklint.extract import languages_of

    assert languages_of(["a/b.py", "c.TSX", "d.kt", "e.kts", "f.md", "noext", "g.min.js"]) == {
        "python", "tsx", "kotlin", "javascript"}
    assert languages_of([]) == set()


# ------------------------------------------------------------------------ workers die with the run


def _children(pid: int) -> set[int]:
    """Live (not zombie) processes whose parent is ``pid`` (Linux /proc)."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        if int(ppid) == pid and state != "Z":
            found.add(int(entry))
    return found


def _cmdline(pid: int) -> str:
    """The command line of ``pid``; empty when the process has gone (a short-lived git child
    listed a moment ago)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_workers_die_when_the_run_is_killed(tmp_path: Path, sig: int) -> None:
    """A CI timeout kills `tracklint check` (SIGTERM, then SIGKILL): no worker may outlive it,
    busy or waiting for work."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "tracking-plan.yaml").write_text("tracklint: 1\nevents:\n  Signed Up: {description: x}\n")
    body = "".join(f'analytics.track("Event {i}", {{ n: {i} }});\n' for i in range(300))
    for i in range(1500):
        (tmp_path / f"f{i:04d}.js").write_text(body)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    run = subprocess.Popen([sys.executable, "-m", "tracklint", "check", "--no-cache", "-j", "2", "-f", "json"],
                           cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline and run.poll() is None:
            workers = {p for p in _children(run.pid) if (cmd := _cmdline(p)) and "git" not in cmd}
            time.sleep(0.01)
        assert workers, "the run never started its workers"
        os.kill(run.pid, sig)
        run.wait(timeout=30)
        deadline = time.monotonic() + 10
        while any(_alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        survivors = [p for p in workers if _alive(p)]
    finally:
        if run.poll() is None:
            run.kill()
    for pid in survivors:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert not survivors, f"workers outlived the killed run: {survivors}"
