"""Discovery proposes what the declaration will match: a bare function scoped to where its
name comes from, counts and examples of real calls only (issue #13, items 3 and 5)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tracklint.cli import app

# A React app of our own words: a hook returns the function that sends the event; pages call
# it; a harness defines its own ``send`` and a job gets one injected (neither is the tracker).
HOOK = """import { usePostHog } from "posthog-js/react";
export const useSend = () => {
  const posthog = usePostHog();
  return function send(eventName: string, props?: object) {
    return posthog.capture(eventName, props);
  };
};
"""
PAGE = """import {{ useSend }} from "../hooks/useSend";
export function Page{i}() {{
  const send = useSend();
  // send("retired_event", {{}})
  const hint = "send ( is not a call here";
  return <button onClick={{() => send("page_{i}:opened", {{ n: {i} }})}}>go</button>;
}}
"""
DESTRUCTURED = """import { useSend } from "../hooks/useSend";
export function Panel() {
  const { send } = { send: useSend() };
  const send2 = useSend();
  send2("panel:shown", {});
}
"""
HARNESS = """function send(name: string) { return name; }
send("fake_event_one");
send("fake_event_two");
send("fake_event_three");
export function job(send: (n: string) => void) { send("injected_event"); }
"""


def _tree(root: Path, files: dict[str, str]) -> None:
    (root / ".git").mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _react_app(root: Path) -> None:
    files = {f"web/src/pages/p{i}.tsx": PAGE.format(i=i) for i in range(5)}
    files.update({"web/src/hooks/useSend.ts": HOOK, "web/src/seed/harness.ts": HARNESS,
                  "web/src/pages/panel.tsx": DESTRUCTURED})
    _tree(root, files)


def _proposals(root: Path, *extra: str) -> dict[str, dict]:
    result = CliRunner().invoke(app, ["scan", "--no-cache", "--discover", "-f", "json", *extra, str(root)])
    assert result.exit_code == 0, result.output
    return {w["function"]: w for w in json.loads(result.stdout)["wrappers"]}


def test_a_function_returned_by_a_hook_is_proposed_scoped_to_the_hook(tmp_path: Path) -> None:
    _react_app(tmp_path)
    found = _proposals(tmp_path)
    assert list(found) == ["send"]
    send = found["send"]
    assert 'from = "useSend"' in send["toml"]
    # the five pages: not the comments, the string, the harness's own function, the injected one
    assert send["calls"] == 5 and send["files"] == 5
    assert send["examples"] == [{"path": "web/src/pages/p0.tsx", "line": 6}, {"path": "web/src/pages/p1.tsx", "line": 6}]


def test_the_scoped_declaration_finds_what_was_counted_and_nothing_else(tmp_path: Path, monkeypatch) -> None:
    _react_app(tmp_path)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(app, ["scan", "--no-cache", "--discover"])
    assert result.exit_code == 0, result.output
    (tmp_path / "tracklint.toml").write_text(result.stdout)
    result = runner.invoke(app, ["scan", "--no-cache", "-f", "json"])
    assert result.exit_code == 0, result.output
    events = sorted(c["event"] for c in json.loads(result.stdout)["calls"] if c["sdk"] == "custom")
    assert events == [f"page_{i}:opened" for i in range(5)]


def test_paths_are_shown_from_the_scanned_folder_when_the_config_is_elsewhere(tmp_path: Path) -> None:
    _react_app(tmp_path / "repo")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "tracklint.toml").write_text("")
    send = _proposals(tmp_path / "repo", "--config", str(tmp_path / "elsewhere" / "tracklint.toml"))["send"]
    assert send["examples"][0]["path"] == "web/src/pages/p0.tsx"
    assert send["definition"]["path"] == "web/src/hooks/useSend.ts"


PY_TRACKER = """import posthog


def send(event, props=None):
    posthog.capture(event, properties=props)
"""
PY_VIEW = """from shop.telemetry import send


def view_{i}():
    send("view_{i}_opened", {{"n": {i}}})
    # send("view_{i}_retired", {{}})
"""
PY_RELATIVE = """from .telemetry import send


def relative():
    send("relative_done", {})
"""
PY_HARNESS = """def send(name):
    return name


send("fake_one")
send("fake_two")
"""


def test_python_a_function_imported_from_a_module_of_the_repo_is_scoped_to_it(tmp_path: Path) -> None:
    files = {f"shop/views/v{i}.py": PY_VIEW.format(i=i) for i in range(4)}
    files.update({"shop/telemetry.py": PY_TRACKER, "shop/relative.py": PY_RELATIVE, "scripts/seed.py": PY_HARNESS})
    _tree(tmp_path, files)
    send = _proposals(tmp_path)["send"]
    assert 'module = "shop.telemetry"' in send["toml"]
    assert send["calls"] == 5 and send["files"] == 5  # four views and the relative import, not the harness


def test_a_function_whose_event_is_what_a_parameter_returns_is_not_proposed(tmp_path: Path) -> None:
    stream = """import { PostHog } from "posthog-node";
const client = new PostHog("key");
export const pump = async (items: string[], toEvent: (s: string) => any) => {
  for (const item of items) { client.capture(toEvent(item)); }
};
"""
    calls = "".join(f"pump(batch{i}, (s) => ({{ event: s, distinctId: 'x' }}));\n" for i in range(6))
    _tree(tmp_path, {"worker/pump.ts": stream, "worker/jobs.ts": 'import { pump } from "./pump";\n' + calls})
    assert "pump" not in _proposals(tmp_path)


def test_calls_in_comments_and_strings_are_neither_counted_nor_examples(tmp_path: Path) -> None:
    quiet = "".join(f'// Tracker.shared.trackEvent("old_{i}", {{}})\n' for i in range(6))
    quiet += 'const doc = "Tracker.shared.trackEvent(\\"in a string\\", {})";\n'
    live = "".join(f'Tracker.shared.trackEvent("step_{i}", {{ i: {i} }});\n' for i in range(5))
    _tree(tmp_path, {"web/a_notes.ts": quiet, "web/flow.ts": live})
    found = _proposals(tmp_path)["Tracker.shared.trackEvent"]
    assert found["calls"] == 5 and found["files"] == 1
    assert found["examples"] == [{"path": "web/flow.ts", "line": 1}, {"path": "web/flow.ts", "line": 2}]


def test_a_shape_seen_often_only_in_comments_is_not_proposed(tmp_path: Path) -> None:
    quiet = "".join(f'// Tracker.shared.trackEvent("old_{i}", {{}})\n' for i in range(8))
    _tree(tmp_path, {"web/notes.ts": quiet})
    assert _proposals(tmp_path) == {}


def test_a_function_imported_by_relative_paths_is_scoped_to_every_spelling(tmp_path: Path) -> None:
    tracker = """import posthog from "posthog-js";
export function send(eventName: string, props?: object) { posthog.capture(eventName, props); }
"""
    call = 'import {{ send }} from "{module}";\nexport const go{i} = () => send("step_{i}", {{ i: {i} }});\n'
    files = {"web/src/lib/send.ts": tracker, "web/src/seed/harness.ts": HARNESS}
    files.update({f"web/src/pages/p{i}.ts": call.format(module="../lib/send", i=i) for i in range(3)})
    files.update({f"web/src/pages/deep/d{i}.ts": call.format(module="../../lib/send", i=i + 3) for i in range(1)})
    _tree(tmp_path, files)
    send = _proposals(tmp_path)["send"]
    assert 'module = ["../../lib/send", "../lib/send"]' in send["toml"]  # the one-off spelling too
    assert send["calls"] == 4 and send["files"] == 4
