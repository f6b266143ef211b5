"""The PR modes are sound: each kind of change, in each mode a pull request runs tracklint in,
gives the findings of a full check restricted to what that change can affect.

Kinds of change: a call site, a shared constant, an enum, a wrapper's definition, the plan, an
included plan file, the config, the baseline. Modes: ``--changed-since`` (the base branch), the
per-file pre-commit hook and the project hook (both through real pre-commit, with the
manifest's filters and entries), and the Action's PR mode (``tracklint check --changed-since
<base commit sha> --output-format github``).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
PROJECT_RULES = {"TL012"}  # off for every PR mode (they need the whole project's calls)

PLAN = """\
tracklint: 1
name: Incremental
version: 1.0.0
include: ["events/*.yaml"]
events:
  Signed Up: {description: A user signed up.}
  Product Viewed: {description: A product page opened.}
  Promo Clicked: {description: A promo was clicked.}
  Legacy Thing: {description: Still sent by old code.}
"""
INCLUDED = "events:\n  Order Refunded: {description: Money went back.}\n"
CONFIG = """\
[tool.tracklint]
baseline = "tracklint-baseline.txt"

[[tool.tracklint.wrappers]]
function = "trackEvent"
event = 0
properties = 1
languages = ["javascript"]
"""
FILES = {
    "web/events.ts": 'export const Events = { ProductViewed: "Product Viewed" } as const;\n',
    # an unrelated finding on line 2 that no change below may bring into a PR-mode report
    "web/product.ts": ('import { Events } from "./events";\nanalytics.track("Unplanned Thing");\n'
                       "analytics.track(Events.ProductViewed);\n"),
    "web/tracking.ts": ("export function trackEvent(name: string, props: object): void {\n"
                        "  window.dataLayer.push({ name, props });\n}\n"),
    "web/promo.ts": 'import { trackEvent } from "./tracking";\ntrackEvent("Promo Clicked", { slot: 1 });\n',
    "web/cart.ts": 'analytics.track("Signed Up");\n',
    "web/legacy.ts": 'analytics.track("Legacy Event Nobody Planned");\n',
    "app/__init__.py": "",
    "app/events.py": 'from enum import Enum\n\n\nclass Events(str, Enum):\n    SIGNED_UP = "Signed Up"\n',
    "app/signup.py": ("import analytics\nfrom app.events import Events\n\n"
                      "analytics.track(\"u\", Events.SIGNED_UP)\n"),
    "app/refunds.py": 'import analytics\n\nanalytics.track("u", "Order Refunded")\n',
    "pyproject.toml": CONFIG,
    "tracking-plan.yaml": PLAN,
    "events/orders.yaml": INCLUDED,
}

# kind -> (edits: path -> (old, new) or new text, the (path, line) call sites outside the
# changed files whose findings the change affects; "*" = every call)
CHANGES: dict[str, tuple[dict[str, tuple[str, str]], set | str]] = {
    "call-site": ({"web/cart.ts": ('"Signed Up"', '"signed_up"')}, set()),
    "constant": ({"web/events.ts": ('"Product Viewed"', '"product_viewed"')}, {("web/product.ts", 3)}),
    "enum": ({"app/events.py": ('"Signed Up"', '"signed_up"')}, {("app/signup.py", 4)}),
    "wrapper": ({"web/tracking.ts": ("name: string, props: object", "props: object, name: string"),
                 "pyproject.toml": ("event = 0\nproperties = 1", "event = 1\nproperties = 0")}, "*"),
    "plan": ({"tracking-plan.yaml": ("Signed Up:", "Account Created:")}, "*"),
    "included-plan": ({"events/orders.yaml": ("Order Refunded:", "Refund Issued:")}, "*"),
    "config": ({"pyproject.toml": ('baseline = "tracklint-baseline.txt"\n',
                                   'baseline = "tracklint-baseline.txt"\nseverity = {TL001 = "warning"}\n')}, "*"),
    "baseline": ({"tracklint-baseline.txt": None}, "*"),
}
MODES = ("changed-since", "per-file-hook", "project-hook", "action")


def _git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True)
    return done.stdout


def _tracklint() -> str:
    exe = shutil.which("tracklint", path=str(Path(sys.executable).parent)) or shutil.which("tracklint")
    if not exe or shutil.which("git") is None:
        pytest.skip("needs git and an installed `tracklint` executable")
    return exe


def _env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "TRACKLINT_", "GITHUB_"))}
    env["PYTHONPATH"] = str(REPO)
    env["PRE_COMMIT_HOME"] = str(tmp / "pre-commit-home")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _hooks_config(exe: str) -> str:
    """The manifest's two hooks as `repo: local` hooks running the installed tracklint (the same
    filters and entries, without building an environment from the network)."""
    hooks = []
    for hook in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text()):
        hook = dict(hook, language="system", entry=f"{exe} {hook['entry'].split(' ', 1)[1]}")
        hook.pop("minimum_pre_commit_version", None)
        hooks.append(hook)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


def _project(root: Path, exe: str, env: dict[str, str]) -> str:
    """A committed base: the files above, a baseline holding the legacy finding; returns the
    base commit's sha."""
    root.mkdir()
    _git(root, "init", "-q", "-b", "main")
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / ".pre-commit-config.yaml").write_text(_hooks_config(exe))
    (root / ".gitignore").write_text(".tracklint_cache/\n")
    # the baseline records today's findings but for the unrelated one in product.ts
    (root / "tracklint-baseline.txt").write_text("")
    full = _findings_json(_run([exe, "check", "--no-cache", "-f", "json"], root, env))
    legacy = [d["fingerprint"] for d in full if d["path"] == "web/legacy.ts"]
    assert legacy, full
    (root / "tracklint-baseline.txt").write_text("\n".join(legacy) + "\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    return _git(root, "rev-parse", "HEAD").strip()


def _apply(root: Path, edits: dict) -> None:
    for rel, edit in edits.items():
        path = root / rel
        if edit is None:
            path.write_text("")
            continue
        old, new = edit
        text = path.read_text()
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new))
    _git(root, "add", "-A")  # staged, as a commit is about to be made (and a PR has it)


def _run(cmd: list[str], root: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=300)


def _findings_json(done: subprocess.CompletedProcess) -> list[dict]:
    out = done.stdout
    start = out.find("{")
    assert start >= 0 and done.returncode in (0, 1), done.stdout + done.stderr
    doc, _ = json.JSONDecoder().raw_decode(out[start:])
    return [d for d in doc["diagnostics"] if d.get("suppressed") is None]


Finding = tuple[str, int, str, str]


def _key(d: dict) -> Finding:
    return (d["path"], d["line"], d["code"], d["severity"])


def _github_findings(done: subprocess.CompletedProcess) -> set[Finding]:
    """(path, line, code, severity) of each `::error|warning|notice ...` annotation."""
    out = set()
    for line in done.stdout.splitlines():
        m = re.match(r"::(error|warning|notice) (.*?)::", line)
        if not m or "file=" not in m.group(2):
            continue
        props = dict(p.split("=", 1) for p in m.group(2).split(",") if "=" in p)
        code = re.search(r"TL\d{3}", props.get("title", "") + line)
        sev = {"notice": "note"}.get(m.group(1), m.group(1))
        out.add((props["file"], int(props["line"]), code.group(0) if code else "", sev))
    return out


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> Callable[[str], dict]:
    """kind -> {mode: (exit code, findings), "full": findings, "expected": findings}, each
    kind's repository built once."""
    exe = _tracklint()
    pytest.importorskip("pre_commit")
    done: dict[str, dict] = {}

    def outcome(kind: str) -> dict:
        if kind not in done:
            tmp = tmp_path_factory.mktemp(kind)
            env = _env(tmp)
            root = tmp / "repo"
            base = _project(root, exe, env)
            edits, reach = CHANGES[kind]
            _apply(root, edits)
            done[kind] = _observe(root, exe, env, base, set(edits), reach)
        return done[kind]

    return outcome


def _observe(root: Path, exe: str, env: dict, base: str, changed: set[str], reach) -> dict:
    full_diags = _findings_json(_run([exe, "check", "--no-cache", "-f", "json"], root, env))
    full = {_key(d) for d in full_diags}
    expected = {f for f in full if f[2] not in PROJECT_RULES
                and (reach == "*" or f[0] in changed or (f[0], f[1]) in reach)}
    result: dict = {"full": full, "expected": expected}
    since = _run([exe, "check", "--changed-since", "main", "-f", "json"], root, env)
    result["changed-since"] = (since.returncode, {_key(d) for d in _findings_json(since)})
    action = _run([exe, "check", "--changed-since", base, "--output-format", "github"], root, env)
    result["action"] = (action.returncode, _github_findings(action))
    hook_env = dict(env, TRACKLINT_OUTPUT_FORMAT="json")
    for mode, hook in (("per-file-hook", "tracklint"), ("project-hook", "tracklint-project")):
        ran = _run([sys.executable, "-m", "pre_commit", "run", hook, "--verbose"], root, hook_env)
        text = ran.stdout + ran.stderr
        assert "- hook id: " + hook in text, text  # the hook ran (its filters matched the change)
        result[mode] = (ran.returncode, {_key(d) for d in _findings_json(ran)})
    return result


#: Kinds run in the fast suite; the others (same code paths, 6 runs each) only in the full one.
FAST_KINDS = ("constant", "plan")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", [k if k in FAST_KINDS else pytest.param(k, marks=pytest.mark.slow) for k in CHANGES])
def test_each_change_in_each_mode_reports_what_it_affects(outcomes, kind, mode):
    result = outcomes(kind)
    code, found = result[mode]
    want = result["full"] if mode == "project-hook" else result["expected"]
    assert found == want, f"{kind} / {mode}: extra {found - want}, missing {want - found}"
    assert code == (1 if any(f[3] == "error" for f in want) else 0)
    # every change here makes or moves a finding: the comparison is never between empty sets
    assert want


def test_what_a_change_cannot_affect_stays_out(outcomes):
    """The unrelated finding in web/product.ts (line 2) is in the full check but in no PR-mode
    report of a change that does not touch every call; the baselined legacy call stays hidden."""
    unrelated = ("web/product.ts", 2, "TL001", "error")
    constant = outcomes("constant")
    assert unrelated in constant["full"]
    for mode in ("changed-since", "per-file-hook", "action"):
        assert unrelated not in constant[mode][1]
        assert ("web/product.ts", 3, "TL001", "error") in constant[mode][1]
    legacy = ("web/legacy.ts", 1, "TL001", "error")
    assert legacy not in outcomes("plan")["changed-since"][1]


# --------------------------------------------------------------------------- the issue's renames

ISSUE_RENAMES = {
    # a shared constant changes; the call site in another file is what breaks
    "constant": ("apps/web/src/analytics.ts", ('ProductViewed: "Product Viewed"', 'ProductViewed: "product_viewed"'),
                 ("apps/web/src/ProductPage.tsx", 8)),
    # the plan renames an event that unchanged code still sends
    "plan": ("tracking-plan.yaml", ("  Order Refunded:", "  Order Refund Issued:"),
             ("services/orders/payments.py", 24)),
}


@pytest.mark.parametrize("rename", list(ISSUE_RENAMES))
def test_the_issue_renames_fail_every_pr_mode_at_the_call_site(tmp_path, rename):
    exe = _tracklint()
    pytest.importorskip("pre_commit")
    env = _env(tmp_path)
    root = tmp_path / "acme"
    shutil.copytree(REPO / "examples" / "acme", root)
    _git(root, "init", "-q", "-b", "main")
    (root / ".pre-commit-config.yaml").write_text(_hooks_config(exe))
    (root / ".gitignore").write_text(".tracklint_cache/\n")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "base")
    base = _git(root, "rev-parse", "HEAD").strip()
    _git(root, "checkout", "-qb", "rename")
    path, edit, call_site = ISSUE_RENAMES[rename]
    _apply(root, {path: edit})
    at_call = (*call_site, "TL001", "error")
    since = _run([exe, "check", "--changed-since", "main", "-f", "json"], root, env)
    assert since.returncode == 1 and at_call in {_key(d) for d in _findings_json(since)}, since.stdout
    action = _run([exe, "check", "--changed-since", base, "--output-format", "github"], root, env)
    assert action.returncode == 1 and at_call in _github_findings(action), action.stdout
    hook = _run([sys.executable, "-m", "pre_commit", "run", "tracklint", "--verbose"], root,
                dict(env, TRACKLINT_OUTPUT_FORMAT="json"))
    assert hook.returncode == 1 and at_call in {_key(d) for d in _findings_json(hook)}, hook.stdout + hook.stderr
    _git(root, "commit", "-qm", "the rename")  # committed on the branch: --changed-since sees it too
    since = _run([exe, "check", "--changed-since", "main", "-f", "json"], root, env)
    assert since.returncode == 1 and at_call in {_key(d) for d in _findings_json(since)}, since.stdout
