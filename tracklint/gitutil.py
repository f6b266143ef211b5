"""Git questions the engine asks: which files changed since a ref, and a file's content at a ref.

``--changed-since REF`` limits a run to the files a branch touched, and the rename hint
("`purchase_completed` was `Purchase Completed` on main") reads the same file at REF. Both go
through GitPython, which runs the ``git`` executable; every git failure becomes a
:class:`TracklintError` that names the directory or ref.

Paths are POSIX and relative to ``root`` (the project root; usually the repository's top level),
the same form as :attr:`tracklint.diagnostics.Location.path`. Files outside ``root`` are left out.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from tracklint.errors import TracklintError

if TYPE_CHECKING:
    import git

LOG = logging.getLogger(__name__)

_FETCH_HINT = (
    "fetch it first (in GitHub Actions, `actions/checkout` with `fetch-depth: 0`; "
    "in GitLab CI, `GIT_DEPTH: 0`), or check the spelling"
)


def _git_module():
    # GitPython looks for the git executable when it is imported; a missing git must be a
    # clear message, not an ImportError traceback. GIT_PYTHON_REFRESH=quiet defers the error.
    os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")
    try:
        import git
    except ImportError as exc:  # pragma: no cover - depends on the machine
        raise TracklintError(f"cannot use git: {exc}", hint="install git and make sure it is on PATH") from None
    return git


def _open(root: Path) -> "git.Repo":
    git = _git_module()
    try:
        return git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise TracklintError(
            "not inside a git repository",
            path=str(root),
            hint="--changed-since needs a git checkout; run from the repository or drop the option",
        ) from None
    except git.GitCommandNotFound:
        raise TracklintError("the git executable was not found", hint="install git and make sure it is on PATH") from None


def _run(repo: "git.Repo", root: Path, *args: str) -> str:
    """Run ``git ARGS`` in ``root`` (so pathspecs and --relative are relative to it)."""
    git = _git_module()
    try:
        return repo.git.execute(["git", "-C", str(root), *args])
    except git.GitCommandNotFound:
        raise TracklintError("the git executable was not found", hint="install git and make sure it is on PATH") from None
    except git.GitCommandError as exc:
        stderr = (exc.stderr or "").strip().removeprefix("stderr:").strip().strip("'").strip()
        raise TracklintError(f"git {args[0]} failed: {stderr or exc}", path=str(root)) from None


def _commit(repo: "git.Repo", root: Path, ref: str) -> str:
    """The commit id ``ref`` names, or a TracklintError saying it does not exist."""
    git = _git_module()
    if ref.startswith("-"):
        raise TracklintError(f"invalid git ref {ref!r}", hint="a ref is a branch, tag or commit, e.g. origin/main")
    try:
        return repo.git.execute(["git", "-C", str(root), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"]).strip()
    except git.GitCommandError:
        raise TracklintError(f"git ref {ref!r} does not exist in this repository", path=str(root), hint=_FETCH_HINT) from None


def merge_base(root: Path, ref: str) -> str:
    """The commit where HEAD forked from ``ref`` (``ref`` itself when HEAD has no commit yet or
    the histories are unrelated)."""
    root = Path(root)
    repo = _open(root)
    return _merge_base(repo, root, ref)


def _merge_base(repo: "git.Repo", root: Path, ref: str) -> str:
    git = _git_module()
    target = _commit(repo, root, ref)
    try:
        return repo.git.execute(["git", "-C", str(root), "merge-base", target, "HEAD"]).strip() or target
    except git.GitCommandError:
        # No HEAD commit (a fresh repository) or no common ancestor: compare with REF itself.
        return target


def _split(output: str) -> list[str]:
    return [item for item in output.split("\0") if item]


def changed_files(root: Path, ref: str, *, deleted: bool = False) -> list[str]:
    """Files under ``root`` that differ from where the branch left ``ref``, sorted.

    That is: changes committed since the merge-base of ``ref`` and HEAD, staged changes,
    unstaged changes, and untracked files that are not ignored. A renamed file appears under
    its new name. Deleted files are left out (there is nothing to check in them) unless
    ``deleted``: a call elsewhere that imported a constant from a deleted file is affected.
    """
    root = Path(root)
    repo = _open(root)
    base = _merge_base(repo, root, ref)
    # `git diff <commit>` compares the commit with the working tree, so one call covers
    # commits since the merge-base, the index and unstaged edits. --relative limits it to
    # `root` and makes paths relative to it; --no-renames lists a rename as delete + add.
    diff = _run(
        repo, root, "diff", "--name-only", "-z", "--no-renames",
        *(() if deleted else ("--diff-filter=d",)), "--relative", "--no-ext-diff", base, "--",
    )  # fmt: skip
    untracked = _run(repo, root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    paths = set(_split(diff)) | set(_split(untracked))
    # Belt and braces: only report what exists to be read (a path can be listed and then
    # removed while we run).
    if deleted:
        return sorted(paths)
    return sorted(p for p in paths if (root / p).is_file())


def file_at_ref(root: Path, ref: str, relpath: str) -> bytes | None:
    """The bytes of ``relpath`` (relative to ``root``) in the commit ``ref`` names; None when the
    file does not exist there (or is not a regular file)."""
    root = Path(root)
    repo = _open(root)
    commit_id = _commit(repo, root, ref)
    prefix = _run(repo, root, "rev-parse", "--show-prefix").strip()
    parts = PurePosixPath(prefix, relpath.replace(os.sep, "/")).parts
    if ".." in parts or PurePosixPath(relpath).is_absolute():
        return None  # outside the project: not something a rule asks about
    path = "/".join(part for part in parts if part != ".")
    try:
        item = repo.commit(commit_id).tree / path
    except KeyError:
        return None
    if item.type != "blob":
        return None
    return item.data_stream.read()
