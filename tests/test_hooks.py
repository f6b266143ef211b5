"""The pre-commit hook manifest: its fields, its file filter, and a real pre-commit run."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from identify import identify

REPO = Path(__file__).resolve().parent.parent
MANIFEST = REPO / ".pre-commit-hooks.yaml"


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict]:
    data = yaml.safe_load(MANIFEST.read_text())
    return {hook["id"]: hook for hook in data}


def test_manifest_is_valid_for_pre_commit():
    from pre_commit.clientlib import load_manifest

    loaded = load_manifest(str(MANIFEST))
    assert [hook["id"] for hook in loaded] == ["tracklint", "tracklint-project"]


def test_per_file_hook(hooks):
    hook = hooks["tracklint"]
    # --affected: the staged files are a change; tracklint checks what it can affect
    assert hook["entry"] == "tracklint check --force-exclude --affected"
    assert hook["language"] == "python"
    assert hook["types"] == ["text"] and "types_or" not in hook
    assert hook["require_serial"] is True
    assert hook["minimum_pre_commit_version"] == "2.9.0"  # types_or needs 2.9.0
    assert hook.get("pass_filenames", True) is True


def test_project_hook(hooks):
    hook = hooks["tracklint-project"]
    assert hook["entry"] == "tracklint check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["always_run"] is True


def _matches(hook: dict, path: str, content: bytes = b"x\n") -> bool:
    """pre-commit's filter: `types` (default [file]) all, `types_or` any, `exclude_types` none,
    on the tags pre-commit gives a staged file (by name, else by content)."""
    tags = identify.tags_from_filename(path) | {"file"}
    if not tags & {"text", "binary"}:
        tags.add("text" if identify.is_text(io.BytesIO(content)) else "binary")
    types = set(hook.get("types", ["file"]))
    types_or = set(hook.get("types_or", []))
    return types <= tags and (not types_or or bool(types_or & tags)) and not (set(hook.get("exclude_types", [])) & tags)


@pytest.mark.parametrize(
    "path",
    [
        "services/api/app.py",
        "apps/web/src/checkout.js",
        "apps/web/src/legacy.mjs",
        "apps/web/src/server.cjs",
        "apps/web/src/Button.jsx",
        "apps/web/src/cart.ts",
        "apps/web/src/Cart.tsx",
        "apps/ios/Sources/App.swift",
        "apps/android/app/src/main/java/App.kt",
        "apps/android/build.gradle.kts",
        "dir with space/ünïcode.py",
    ],
)
def test_source_files_match(hooks, path):
    assert _matches(hooks["tracklint"], path)


@pytest.mark.parametrize(
    "path",
    # the plan, its included files, the config and the baseline re-check every call
    ["tracking-plan.yaml", "events/orders.yml", "pyproject.toml", "tracklint.toml", ".tracklint.toml",
     "tracklint-baseline.txt", ".tracklint-baseline"],
)
def test_plan_config_and_baseline_files_match(hooks, path):
    assert _matches(hooks["tracklint"], path)


@pytest.mark.parametrize("path", ["logo.png", "bundle.zip", "font.woff2"])
def test_binary_files_do_not_match(hooks, path):
    assert not _matches(hooks["tracklint"], path, b"\x00\x01\x02")


# --------------------------------------------------------------------------- a real pre-commit run

PLAN = """\
tracklint: 1
name: Hook test plan
version: 1.0.0
conventions:
  event_name: title-case
events:
  Purchase Completed:
    description: A purchase went through.
    properties:
      order_id: {type: string, required: true}
"""

GOOD = 'analytics.track(user_id, "Purchase Completed", {"order_id": "ord_1"})\n'
RENAMED = 'analytics.track(user_id, "purchase_completed", {"order_id": "ord_1"})\n'


def _git(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=check)


@pytest.fixture
def hooked_repo(tmp_path, hooks, monkeypatch) -> Path:
    """A git repository with a plan, one conforming call, and tracklint's per-file hook
    installed through real pre-commit (the manifest's filters; the installed executable)."""
    tracklint_exe = shutil.which("tracklint", path=str(Path(sys.executable).parent)) or shutil.which("tracklint")
    if not tracklint_exe or shutil.which("git") is None:
        pytest.skip("needs git and an installed `tracklint` executable")
    try:
        import tracklint.cli  # noqa: F401
    except ImportError as exc:  # the CLI is someone else's module
        pytest.skip(f"tracklint CLI not importable yet: {exc}")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    monkeypatch.delenv("TRACKLINT_OUTPUT_FORMAT", raising=False)

    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.email", "dev@example.com")
    _git(repo, "config", "user.name", "Dev")
    _git(repo, "config", "commit.gpgsign", "false")
    hook = dict(hooks["tracklint"])
    # `repo: local` + `language: system` runs the tracklint already installed here: the same
    # hook definition without building a new environment (which needs the network).
    hook.update(language="system", entry=f"{tracklint_exe} {hook['entry'].split(' ', 1)[1]} --no-cache")
    hook.pop("minimum_pre_commit_version")
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    (repo / "tracking-plan.yaml").write_text(PLAN)
    (repo / "app.py").write_text(GOOD)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base (before the hook)")
    installed = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, capture_output=True, text=True
    )
    if installed.returncode != 0:
        pytest.skip(f"pre-commit could not install its hook: {installed.stderr or installed.stdout}")
    return repo


def test_pre_commit_blocks_a_renamed_event_and_allows_a_conforming_commit(hooked_repo):
    repo = hooked_repo
    (repo / "app.py").write_text(GOOD + RENAMED)
    _git(repo, "add", "app.py")
    blocked = _git(repo, "commit", "-m", "rename the event", check=False)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0, output
    assert "tracklint" in output and "Failed" in output, output
    assert "TL001" in output and "purchase_completed" in output, output
    assert _git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "1"

    (repo / "app.py").write_text(GOOD + GOOD)
    (repo / "README.md").write_text("not checked\n")
    _git(repo, "add", "app.py", "README.md")
    allowed = _git(repo, "commit", "-m", "send it twice, correctly", check=False)
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr
    assert "Passed" in allowed.stdout + allowed.stderr
    assert _git(repo, "rev-list", "--count", "HEAD").stdout.strip() == "2"


def test_pre_commit_passes_commits_that_cannot_change_a_finding(hooked_repo):
    repo = hooked_repo
    (repo / "notes.md").write_text("x\n")
    _git(repo, "add", "notes.md")
    done = _git(repo, "commit", "-m", "docs only", check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout + done.stderr


def test_pre_commit_blocks_a_plan_only_rename(hooked_repo):
    """Staging only the plan runs the hook, and every call is checked against the new plan."""
    repo = hooked_repo
    (repo / "tracking-plan.yaml").write_text(PLAN.replace("Purchase Completed:", "Order Paid:"))
    _git(repo, "add", "tracking-plan.yaml")
    blocked = _git(repo, "commit", "-m", "rename in the plan", check=False)
    output = blocked.stdout + blocked.stderr
    assert blocked.returncode != 0 and "TL001" in output and "app.py" in output, output


@pytest.mark.slow
def test_try_repo_builds_the_published_hook(tmp_path, monkeypatch):
    """`pre-commit try-repo` installs this checkout as pre-commit would for a user (language:
    python, a fresh virtualenv from PyPI) and runs the manifest's entry. Needs the network."""
    if shutil.which("git") is None:
        pytest.skip("needs git")
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "tracking-plan.yaml").write_text(PLAN)
    (repo / "app.ts").write_text('analytics.track("purchase_completed", { order_id: "ord_1" });\n')
    (repo / "ok.ts").write_text('analytics.track("Purchase Completed", { order_id: "ord_1" });\n')
    _git(repo, "add", ".")

    def try_repo(*files: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "tracklint", "--verbose", "--files", *files],
            cwd=repo, capture_output=True, text=True, timeout=900,
        )

    bad = try_repo("app.ts")
    output = bad.stdout + bad.stderr
    if "An unexpected error has occurred" in output or "CalledProcessError" in output:
        pytest.skip(f"pre-commit could not build the hook environment (offline?):\n{output[-2000:]}")
    assert bad.returncode == 1, output
    assert "TL001" in output and "purchase_completed" in output, output
    good = try_repo("ok.ts")
    assert good.returncode == 0, good.stdout + good.stderr
