"""Git questions tracklint asks: which files changed since a ref, a file's content at a ref, and
(for ``tracklint diff --base``) a plan with its includes copied out of a ref.

``--changed-since REF`` limits a run to the files a branch touched, and the rename hint
("`purchase_completed` was `Purchase Completed` on main") reads the same file at REF. Both go
through GitPython, which runs the ``git`` executable; every git failure becomes a
:class:`TracklintError` that names the directory or ref.

Paths are POSIX and relative to ``root`` (the project root; usually the repository's top level),
the same form as :attr:`tracklint.diagnostics.Location.path`. Files outside ``root`` are left out.
"""

from __future__ import annotations

import glob
import logging
import os
import posixpath
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


# --------------------------------------------------------------------------- a plan at a ref

#: Most files materialised from a git ref for one plan (a plan directory, or includes).
MAX_REF_FILES = 5000
#: Most bytes materialised from a git ref for one plan (each file also within the plan limit).
MAX_REF_BYTES = 64 * 1024 * 1024


def copy_plan_at_ref(plan_path: Path, ref: str, dest: Path, *, label: str) -> tuple[str, bool]:
    """Copy the plan ``plan_path`` as it was at ``ref`` into the directory ``dest``, at its path
    relative to the repository's top level: a tracklint plan with every file its ``include:``
    can reach, or a whole plan directory. Returns that relative path and whether the plan
    existed at ``ref`` (a plan new on this branch did not).

    Hostile input is refused before it is read: each blob's size is checked against the plan
    limit and the total against :data:`MAX_REF_BYTES`, a directory against
    :data:`MAX_REF_FILES`. Errors name the plan as the user wrote it (``label``); a ref missing
    from a shallow clone says how to deepen it.
    """
    from tracklint.errors import UsageError

    git = _git_module()
    try:
        repo = git.Repo(plan_path.parent if plan_path.is_file() else plan_path, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise UsageError("--base needs a git repository", path=label, hint="run inside the repository, or pass OLD NEW") from None
    try:
        if repo.working_tree_dir is None:
            raise UsageError("--base needs a repository with a working tree", path=label)
        top = Path(repo.working_tree_dir).resolve()
        try:
            rel = plan_path.resolve().relative_to(top).as_posix()
        except ValueError:
            raise UsageError("the plan is outside the git repository", path=label) from None
        tree = _tree_at(repo, ref)
        try:
            entry = tree / rel
        except KeyError:
            return rel, False
        budget = _Budget(ref)
        if entry.type == "tree":
            _copy_tree(entry, dest, budget)
        else:
            _copy_plan_files(tree, rel, dest, budget)
        return rel, True
    finally:
        repo.close()


def _tree_at(repo: "git.Repo", ref: str):
    """The tree of the commit ``ref`` names; a :class:`UsageError` when the ref is unknown or
    its objects are not in this clone (a shallow CI checkout: GitPython raises ValueError)."""
    from tracklint.errors import UsageError

    git = _git_module()
    shallow = Path(repo.git_dir, "shallow").is_file()
    deepen = ("the clone is shallow; fetch more history (git fetch --deepen=50, or --unshallow), "
              "or in GitHub Actions use actions/checkout with fetch-depth: 0")
    try:
        return repo.commit(ref).tree  # reads the commit object: ValueError when it is absent
    except (git.BadName, git.BadObject, ValueError) as exc:
        # HEAD~1 in a depth-1 clone: the id is known (HEAD's parent) but the object is not, or
        # rev-parse cannot walk past the shallow boundary.
        missing = not isinstance(exc, git.BadName) or (shallow and any(c in ref for c in "~^@"))
        if ref.startswith("-") or not missing:
            raise UsageError(f"unknown git ref {ref!r}", hint="fetch it first (git fetch origin main), or check the spelling") from None
        raise UsageError(
            f"the base revision {ref} is not in this clone" + (" (shallow clone)" if shallow else ""),
            hint=deepen if shallow else "fetch it first (git fetch origin main)",
        ) from None


class _Budget:
    """What reading a plan at a git ref may cost: each file at most the plan size limit (the
    same as on disk), all files together at most ``MAX_REF_BYTES``. Sizes come from the object
    database, so an oversize blob is refused before it is read."""

    def __init__(self, ref: str) -> None:
        self.ref, self.total = ref, 0

    def read(self, blob) -> bytes:
        from tracklint.errors import PlanError
        from tracklint.plan.yaml_loader import MAX_BYTES

        size = blob.size
        mb = 1024 * 1024
        if size > MAX_BYTES:
            raise PlanError(f"the plan file is too large at {self.ref} ({size / mb:.1f} MB; the limit is {MAX_BYTES // mb} MB)",
                            path=f"{self.ref}:{blob.path}")
        self.total += size
        if self.total > MAX_REF_BYTES:
            raise PlanError(f"the plan's files at {self.ref} add up to more than {MAX_REF_BYTES // mb} MB",
                            path=f"{self.ref}:{blob.path}")
        return blob.data_stream.read()


def _copy_blob(blob, dest: Path, budget: _Budget) -> bytes:
    """Copy one blob to ``dest`` (within the budget); its bytes."""
    data = budget.read(blob)
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)  # a private temporary directory: no reader to protect from half a file
    return data


def _copy_tree(tree, dest: Path, budget: _Budget) -> None:
    """Copy every file of a plan directory at the ref (RudderStack projects, Iglu registries)."""
    from tracklint.errors import UsageError

    count = 0
    for item in tree.traverse():
        if item.type != "blob":
            continue
        count += 1
        if count > MAX_REF_FILES:
            raise UsageError(f"the plan directory holds more than {MAX_REF_FILES} files at the ref")
        _copy_blob(item, dest / item.path, budget)


def _copy_plan_files(tree, rel: str, dest: Path, budget: _Budget) -> None:
    """Copy the plan file and, for a tracklint plan, every file its ``include:`` can reach."""
    import yaml

    seen: set[str] = set()
    todo = [rel]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        if len(seen) > MAX_REF_FILES:
            break
        try:
            blob = tree / current
        except KeyError:
            continue  # the loader reports the missing include
        if blob.type != "blob":
            continue
        data = _copy_blob(blob, dest / current, budget)
        if not current.lower().endswith((".yaml", ".yml")):
            continue
        try:
            doc = yaml.safe_load(data)
        except yaml.YAMLError:
            continue  # the loader reports it, positioned
        includes = doc.get("include") if isinstance(doc, dict) else None
        if isinstance(includes, list):
            todo.extend(_included(tree, posixpath.dirname(current), includes))


def _included(tree, directory: str, includes: list) -> list[str]:
    """The paths an ``include:`` list can reach. Literal includes are followed file by file; a
    glob include yields the plan files (YAML, JSON) under the glob's fixed prefix so that the
    loader's own glob matching decides, exactly as on disk."""
    found: list[str] = []
    for entry in includes:
        if not isinstance(entry, str) or entry.startswith("/"):
            continue
        if not glob.has_magic(entry):
            target = posixpath.normpath(posixpath.join(directory, entry))
            if not target.startswith(".."):
                found.append(target)
            continue
        fixed = []
        for part in entry.split("/"):
            if glob.has_magic(part):
                break
            fixed.append(part)
        prefix = posixpath.normpath(posixpath.join(directory, *fixed)) if fixed else directory
        if prefix.startswith(".."):
            continue
        try:
            sub = tree / prefix if prefix not in ("", ".") else tree
        except KeyError:
            continue
        if sub.type == "tree":
            found.extend(item.path for item in sub.traverse()
                         if item.type == "blob" and item.path.lower().endswith((".yaml", ".yml", ".json")))
    return found
