"""Changed files since a ref, and file contents at a ref, on throwaway git repositories."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tracklint.errors import TracklintError
from tracklint.gitutil import changed_files, file_at_ref, merge_base

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A repository whose `main` has a few files and a feature branch checked out."""
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        monkeypatch.delenv(key, raising=False)
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "dev@example.com")
    git(root, "config", "user.name", "Dev")
    git(root, "config", "commit.gpgsign", "false")
    files = {
        "app.py": 'analytics.track("Purchase Completed")\n',
        "web/cart.ts": 'analytics.track("Order Completed");\n',
        "web/old.ts": "// to be deleted\n",
        "web/moved.ts": "// to be renamed\n",
        "untouched.kt": "// unchanged\n",
        ".gitignore": "ignored/\n*.log\n",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    git(root, "checkout", "-q", "-b", "feature")
    return root


def test_committed_staged_unstaged_and_untracked_changes(repo):
    # committed on the branch
    (repo / "app.py").write_text('analytics.track("purchase_completed")\n')
    git(repo, "commit", "-q", "-am", "rename event")
    # staged, including a new file
    (repo / "web" / "cart.ts").write_text('analytics.track("order_completed");\n')
    (repo / "web" / "new staged.ts").write_text("x\n")
    git(repo, "add", "web")
    # unstaged edit of a staged file is still one entry
    (repo / "web" / "cart.ts").write_text('analytics.track("Order Done");\n')
    # untracked, not ignored; ignored ones are left out
    (repo / "Üntracked.swift").write_text("x\n")
    (repo / "ignored").mkdir()
    (repo / "ignored" / "x.py").write_text("x\n")
    (repo / "debug.log").write_text("x\n")
    # deleted (committed) and renamed
    git(repo, "rm", "-q", "web/old.ts")
    git(repo, "mv", "web/moved.ts", "web/renamed.ts")
    git(repo, "commit", "-q", "-m", "delete and rename")
    assert changed_files(repo, "main") == [
        "app.py",
        "web/cart.ts",
        "web/new staged.ts",
        "web/renamed.ts",
        "Üntracked.swift",  # sorted by code point, as Python sorts
    ]


def test_sorted_posix_paths(repo):
    (repo / "b.py").write_text("x")
    (repo / "a dir").mkdir()
    (repo / "a dir" / "z.ts").write_text("x")
    result = changed_files(repo, "main")
    assert result == sorted(result) == ["a dir/z.ts", "b.py"]


def test_unstaged_deletion_is_excluded(repo):
    (repo / "web" / "old.ts").unlink()
    (repo / "untouched.kt").write_text("// edited\n")
    assert changed_files(repo, "main") == ["untouched.kt"]


def test_nothing_changed(repo):
    assert changed_files(repo, "main") == []
    assert changed_files(repo, "HEAD") == []


def test_changes_on_main_after_the_fork_are_not_ours(repo):
    git(repo, "checkout", "-q", "main")
    (repo / "untouched.kt").write_text("// changed on main later\n")
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "checkout", "-q", "feature")
    (repo / "app.py").write_text("x\n")
    git(repo, "commit", "-q", "-am", "feature work")
    # Since the merge-base: only our change, not main's later edit (which the working tree
    # does not even have).
    assert changed_files(repo, "main") == ["app.py"]
    assert merge_base(repo, "main") == git(repo, "merge-base", "main", "HEAD")


def test_paths_relative_to_a_subdirectory_root(repo):
    (repo / "web" / "cart.ts").write_text("changed\n")
    (repo / "web" / "extra.ts").write_text("new\n")
    (repo / "app.py").write_text("changed outside web/\n")
    assert changed_files(repo / "web", "main") == ["cart.ts", "extra.ts"]
    assert file_at_ref(repo / "web", "main", "cart.ts") == b'analytics.track("Order Completed");\n'


def test_file_at_ref(repo):
    (repo / "app.py").write_text('analytics.track("purchase_completed")\n')
    git(repo, "commit", "-q", "-am", "rename")
    assert file_at_ref(repo, "main", "app.py") == b'analytics.track("Purchase Completed")\n'
    assert file_at_ref(repo, "HEAD", "app.py") == b'analytics.track("purchase_completed")\n'
    assert file_at_ref(repo, "main", "missing.py") is None
    assert file_at_ref(repo, "main", "web") is None  # a directory
    assert file_at_ref(repo, "main", "../outside.py") is None


def test_file_at_ref_keeps_bytes_exactly(repo):
    data = "\ufeffx = 'é'\r\n\r\n".encode() + b"\x00\xff"
    (repo / "bin.py").write_bytes(data)
    git(repo, "add", "bin.py")
    git(repo, "commit", "-q", "-m", "bytes")
    assert file_at_ref(repo, "HEAD", "bin.py") == data


def test_unknown_ref_is_a_clear_error(repo):
    with pytest.raises(TracklintError) as info:
        changed_files(repo, "origin/does-not-exist")
    assert "origin/does-not-exist" in info.value.message and "does not exist" in info.value.message
    assert "fetch-depth" in (info.value.hint or "")
    with pytest.raises(TracklintError):
        file_at_ref(repo, "nope", "app.py")
    with pytest.raises(TracklintError):
        changed_files(repo, "--output=/tmp/x")


def test_not_a_repository(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(TracklintError) as info:
        changed_files(plain, "main")
    assert "not inside a git repository" in info.value.message
    assert info.value.path == str(plain)
    with pytest.raises(TracklintError):
        file_at_ref(tmp_path / "missing", "main", "a.py")


def test_fresh_repository_without_commits(tmp_path):
    root = tmp_path / "fresh"
    root.mkdir()
    git(root, "init", "-q")
    (root / "a.py").write_text("x")
    with pytest.raises(TracklintError):
        changed_files(root, "main")  # no such ref yet
