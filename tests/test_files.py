"""Tests for tracklint.files: git-aware listing, .gitignore, excludes, odd names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracklint.errors import UsageError
from tracklint.files import list_files, list_files_rel, relpath

HAS_GIT = shutil.which("git") is not None


def write(root: Path, rel: str, text: str = "x = 1\n") -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def rels(files: list[Path], root: Path) -> list[str]:
    return [relpath(f, root) for f in files]


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, env=env)


def make_tree(root: Path) -> None:
    write(root, "app/main.py")
    write(root, "app/web/index.ts")
    write(root, "app/web/view.tsx")
    write(root, "app/ios/Track.swift")
    write(root, "app/android/Track.kt")
    write(root, "app/readme.md", "# not source\n")
    write(root, "build/out.js")
    write(root, "node_modules/pkg/index.js")
    write(root, "logs/debug.py")
    write(root, "app/generated/schema.py")
    write(root, "app/generated/keep.py")
    write(root, "dir with space/ünïcode файл.py")
    write(root, ".gitignore", "build/\nlogs/\n")
    write(root, "app/.gitignore", "generated/*\n!generated/keep.py\n")


EXPECTED = [
    "app/android/Track.kt",
    "app/generated/keep.py",
    "app/ios/Track.swift",
    "app/main.py",
    "app/web/index.ts",
    "app/web/view.tsx",
    "dir with space/ünïcode файл.py",
]


@pytest.fixture(params=["plain", "git"])
def tree(request, tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    make_tree(root)
    if request.param == "git":
        if not HAS_GIT:
            pytest.skip("git is not installed")
        git(root, "init", "-q")
        git(root, "add", ".")
        git(root, "commit", "-q", "-m", "init")
    return root


def test_lists_supported_files_honouring_gitignore(tree: Path) -> None:
    files = list_files(tree, [])
    assert rels(files, tree) == EXPECTED
    assert all(f.is_absolute() for f in files)


def test_subdirectory_and_dedup(tree: Path) -> None:
    files = list_files(tree, [tree / "app" / "web", tree / "app", tree / "app" / "main.py"])
    assert rels(files, tree) == [p for p in EXPECTED if p.startswith("app/")]


def test_nested_gitignore_applies_when_walking_a_subdirectory(tree: Path) -> None:
    files = list_files(tree, [tree / "app" / "generated"])
    assert rels(files, tree) == ["app/generated/keep.py"]


def test_exclude_patterns(tree: Path) -> None:
    files = list_files(tree, [], exclude=["app/web/", "*.swift"])
    assert rels(files, tree) == [
        "app/android/Track.kt", "app/generated/keep.py", "app/main.py",
        "dir with space/ünïcode файл.py",
    ]


def test_explicit_files_ignore_excludes_unless_forced(tree: Path) -> None:
    target = tree / "app" / "web" / "index.ts"
    assert rels(list_files(tree, [target], exclude=["app/web/"]), tree) == ["app/web/index.ts"]
    assert list_files(tree, [target], exclude=["app/web/"], force_exclude=True) == []
    # force_exclude without a matching pattern keeps the file
    assert rels(list_files(tree, [target], exclude=["*.py"], force_exclude=True), tree) == [
        "app/web/index.ts"
    ]


def test_explicit_ignored_file_is_read(tree: Path) -> None:
    target = tree / "build" / "out.js"
    assert rels(list_files(tree, [target]), tree) == ["build/out.js"]


def test_explicit_unsupported_file_is_dropped(tree: Path) -> None:
    assert list_files(tree, [tree / "app" / "readme.md"]) == []


def test_missing_path_is_a_usage_error(tree: Path) -> None:
    with pytest.raises(UsageError):
        list_files(tree, [tree / "nope.py"])


def test_relative_paths_are_resolved_against_cwd(tree: Path, monkeypatch) -> None:
    monkeypatch.chdir(tree / "app")
    assert rels(list_files(tree, [Path("web")]), tree) == ["app/web/index.ts", "app/web/view.tsx"]


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_git_untracked_deleted_and_ignored(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    make_tree(root)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "init")
    write(root, "app/new_untracked.py")  # untracked, not ignored: listed
    write(root, "build/new.js")  # untracked and ignored: not listed
    (root / "app" / "main.py").unlink()  # deleted in the work tree: not listed
    # a tracked file inside an ignored directory stays listed (git tracks it)
    write(root, "logs/tracked.py")
    git(root, "add", "-f", "logs/tracked.py")
    got = rels(list_files(root, []), root)
    assert "app/new_untracked.py" in got
    assert "build/new.js" not in got
    assert "app/main.py" not in got
    assert "logs/tracked.py" in got
    assert "node_modules/pkg/index.js" not in got


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_tracked_node_modules_is_still_skipped(tmp_path: Path) -> None:
    root = tmp_path / "r"
    root.mkdir()
    write(root, "a.js")
    write(root, "node_modules/lib/index.js")
    git(root, "init", "-q")
    git(root, "add", ".")
    assert rels(list_files(root, []), root) == ["a.js"]


def test_symlink_loop_and_symlinked_dirs_are_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "src/a.py")
    outside = tmp_path / "outside"
    write(outside, "b.py")
    try:
        os.symlink(root, root / "src" / "loop", target_is_directory=True)
        os.symlink(outside, root / "linked", target_is_directory=True)
        os.symlink(root / "src" / "missing.py", root / "src" / "dangling.py")
        os.symlink(root / "src" / "a.py", root / "src" / "alias.py")
    except (OSError, NotImplementedError):
        pytest.skip("symlinks not supported here")
    got = rels(list_files(root, []), root)
    assert got == ["src/a.py", "src/alias.py"]


def test_directory_pattern_does_not_reinclude_children(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "gen/a.py")
    write(root, "gen/b.py")
    write(root, ".gitignore", "gen/\n!gen/b.py\n")  # git cannot re-include under an ignored dir
    assert list_files(root, []) == []


def test_root_outside_paths_and_relpath(tmp_path: Path) -> None:
    root = tmp_path / "r"
    write(root, "a.py")
    other = tmp_path / "other"
    write(other, "b.py")
    got = list_files(root, [other], exclude=["*.py"])
    assert [p.name for p in got] == ["b.py"]  # patterns are relative to root: no match outside
    assert relpath(root / "x" / "y.py", root) == "x/y.py"


def test_list_files_rel_matches_list_files(tree: Path) -> None:
    pairs = list_files_rel(tree, [], exclude=["*.swift"])
    assert [Path(a) for a, _ in pairs] == list_files(tree, [], exclude=["*.swift"])
    assert [r for _, r in pairs] == [relpath(a, tree) for a, _ in pairs]
    assert "app/ios/Track.swift" not in [r for _, r in pairs]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["src", "node_modules", ".git", "a.b", "x.js", ".tracklint_cache", "Ü", "n\node_modules", ""]), max_size=4),
       st.sampled_from(["a.py", "b.TS", ".ts", "c.tsx.bak", "d.min.js", "e", "f.kt", "g.KTS", "h.md", "i."]))
def test_the_listing_filter_agrees_with_the_per_path_checks(dirs: list[str], name: str) -> None:
    # git's listing is filtered with one regular expression; it must keep exactly the paths the
    # plain checks keep (a supported suffix, no skipped directory on the way)
    from tracklint.files import DEFAULT_SKIP_DIRS, _listed_filter, _supported

    rel = "/".join([*dirs, name])
    under = rel.startswith(tuple(f"{d}/" for d in DEFAULT_SKIP_DIRS)) or any(f"/{d}/" in rel for d in DEFAULT_SKIP_DIRS)
    expected = _supported(rel) and not under
    assert bool(_listed_filter(tuple(sorted(DEFAULT_SKIP_DIRS))).match(rel)) is expected


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_the_file_stream_yields_tracked_files_first_and_the_same_files_as_the_listing(tmp_path: Path) -> None:
    from tracklint.files import FileStream

    root = tmp_path / "r"
    root.mkdir()
    make_tree(root)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "init")
    write(root, "app/new_untracked.py")
    write(root, "app/skip_me.py")
    (root / "app" / "main.py").unlink()
    stream = FileStream(root, root, exclude=("skip_me.py",))
    got = list(stream)
    listed = list_files_rel(root, [root], exclude=("skip_me.py",))
    assert sorted(got) == sorted(stream.collected)
    assert stream.expected == len(got)
    # The stream does not stat: a tracked file deleted in the work tree is still in it (whoever
    # reads it finds it gone); the listing checks and leaves it out. Nothing else differs.
    assert sorted(set(got) - set(listed)) == [(str(root / "app" / "main.py"), "app/main.py")]
    assert set(listed) <= set(got)
    rel = [r for _, r in got]
    assert rel[-1] == "app/new_untracked.py"  # untracked files come after the tracked ones
    assert "app/skip_me.py" not in rel


def test_the_file_stream_outside_git_lists_like_the_walk(tree: Path) -> None:
    from tracklint.files import FileStream

    stream = FileStream(tree, tree)
    assert sorted(stream) == list_files_rel(tree, [tree])


@pytest.mark.skipif(not HAS_GIT, reason="git is not installed")
def test_a_file_stream_left_early_ends_gits_walk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C or an error while files are handed over: git's listing of untracked files must not
    # be left running (nor its pipe open).
    from tracklint import gitlisting
    from tracklint.files import FileStream

    root = tmp_path / "r"
    root.mkdir()
    make_tree(root)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "init")
    started = []
    real_start = gitlisting.start
    monkeypatch.setattr(gitlisting, "start", lambda d: started.append(real_start(d)) or started[-1])
    stream = iter(FileStream(root, root))
    next(stream)
    stream.close()
    (_, others), = started
    assert others.returncode is not None and others.stdout.closed


# ------------------------------------------------------------- symlinks out, submodules: notices

_PLAN = "tracklint: 1\nevents:\n  Signed Up: {description: x}\n"


def _check_json(root: Path, *args: str) -> tuple[int, dict]:
    done = subprocess.run(
        [sys.executable, "-m", "tracklint", "check", "-f", "json", *args], cwd=root, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.returncode, json.loads(done.stdout)


@pytest.mark.skipif(not HAS_GIT or os.name == "nt", reason="needs git and symlinks")
@pytest.mark.parametrize("cache", [True, False])
def test_a_source_file_linked_outside_the_project_is_not_read(tmp_path: Path, cache: bool) -> None:
    """A pull request can commit `leak.js -> /some/secret`; its content must not reach the log.
    A link to a file inside the project is read as before."""
    outside = write(tmp_path, "secret/token.js", 'analytics.track("TOKEN_abc123_SECRET");\n')
    root = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    write(root, "tracking-plan.yaml", _PLAN)
    write(root, "src/real.js", 'analytics.track("Inside Event");\n')
    os.symlink(outside, root / "leak.js")
    os.symlink("src/real.js", root / "inside.js")
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    args = () if cache else ("--no-cache",)
    for _ in range(2):  # the second run answers from the cache (or the memo)
        code, doc = _check_json(root, *args)
        text = json.dumps(doc)
        assert "TOKEN_abc123_SECRET" not in text
        assert {d["path"] for d in doc["diagnostics"] if d["code"] == "TL001"} == {"inside.js", "src/real.js"}
        (notice,) = [n for n in doc["notices"] if n["path"] == "leak.js"]
        assert notice["kind"] == "skipped" and "outside the project" in notice["message"]
    code, doc = _check_json(root, *args, "leak.js")  # named on the command line, as pre-commit does
    assert code == 0 and "TOKEN_abc123_SECRET" not in json.dumps(doc)
    assert [n["path"] for n in doc["notices"]] == ["leak.js"]


@pytest.mark.skipif(not HAS_GIT, reason="needs git")
def test_code_in_a_git_submodule_gets_a_notice_naming_it(tmp_path: Path) -> None:
    sub = tmp_path / "sub"
    subprocess.run(["git", "init", "-q", str(sub)], check=True)
    write(sub, "a.js", 'analytics.track("Hidden Event");\n')
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "protocol.file.allow=always"]
    subprocess.run([*git, "-C", str(sub), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(sub), "commit", "-qm", "s"], check=True)
    root = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    write(root, "tracking-plan.yaml", _PLAN)
    subprocess.run([*git, "-C", str(root), "submodule", "add", "-q", str(sub), "vendor/sub"], check=True,
                   capture_output=True)
    _, doc = _check_json(root, "--no-cache")
    (notice,) = [n for n in doc["notices"] if n["path"] == "vendor/sub"]
    assert notice["kind"] == "skipped" and "submodule" in notice["message"]


@pytest.mark.skipif(not HAS_GIT, reason="needs git")
def test_a_pull_request_that_bumps_a_submodule_fails_the_gate(tmp_path: Path) -> None:
    """The submodule's code is not checked, so a change to it fails the PR modes (TL014)
    unless the config says `fail-on-skipped-changes = false`."""
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "protocol.file.allow=always"]
    sub = tmp_path / "sub"
    subprocess.run(["git", "init", "-q", str(sub)], check=True)
    write(sub, "a.js", 'analytics.track("Hidden Event");\n')
    subprocess.run([*git, "-C", str(sub), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(sub), "commit", "-qm", "s"], check=True)
    root = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    write(root, "tracking-plan.yaml", _PLAN)
    subprocess.run([*git, "-C", str(root), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(root), "commit", "-qm", "base"], check=True)
    subprocess.run([*git, "-C", str(root), "submodule", "add", "-q", str(sub), "vendor/sub"], check=True,
                   capture_output=True)
    code, doc = _check_json(root, "--no-cache", "--changed-since", "main")
    assert code == 1
    assert [(d["code"], d["path"]) for d in doc["diagnostics"]] == [("TL014", "vendor/sub")]
