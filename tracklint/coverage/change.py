"""``coverage --changed-since REF``: the coverage at the base of the change, and what the change
did to each cell.

The base is where the branch left REF (``git merge-base``), as for ``check --changed-since``
(:func:`tracklint.gitutil.merge_base`). Its source files and plan are copied out of git into a
private temporary directory and scanned there with the run's own settings, so the two matrices
are built the same way; a plan new on this branch is compared with itself.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from tracklint.config import Settings
from tracklint.coverage.model import Coverage, Totals, build
from tracklint.plan.model import Plan

#: Suffixes copied from the base besides source files: the plan and its includes.
_PLAN_SUFFIXES = (".yaml", ".yml", ".json")
#: Most files copied out of the base revision (a larger project is refused with a clear error).
MAX_BASE_FILES = 200_000


@dataclass(frozen=True)
class CellChange:
    """One cell whose status differs between the base and now (None: no status)."""

    event: str
    kind: str
    source: str
    before: str | None
    after: str | None

    @property
    def gained(self) -> bool:
        """Whether the change made a planned event sent from this source."""
        return self.after in ("implemented", "unverifiable") and self.before not in ("implemented", "unverifiable")

    @property
    def lost(self) -> bool:
        """Whether a planned event this source sent is no longer sent (or no longer readable)."""
        return self.before in ("implemented", "unverifiable") and self.after not in ("implemented", "unverifiable")


@dataclass(frozen=True)
class Change:
    """What a change did to coverage: the base revision, the totals before, the changed cells."""

    ref: str
    base: str  # the commit compared with
    before: Totals
    cells: list[CellChange]


def compare(ref: str, base_commit: str, before: Coverage, after: Coverage) -> Change:
    """The cells whose status differs between ``before`` and ``after``."""
    old = _statuses(before)
    new = _statuses(after)
    cells = [CellChange(name, kind, source, old.get(key), new.get(key))
             for key in dict.fromkeys([*new, *old]) for (kind, name, source) in [key]
             if old.get(key) != new.get(key)]
    return Change(ref, base_commit, before.totals(), cells)


def _statuses(coverage: Coverage) -> dict[tuple[str, str, str], str]:
    return {(row.kind, row.name, source): cell.status for row in coverage.rows
            for source, cell in row.cells.items() if cell.status is not None}


def base_coverage(settings: Settings, ref: str, current: Plan) -> tuple[str, Coverage]:
    """The commit the change starts from and the coverage there."""
    from tracklint import gitutil

    root = Path(settings.root).resolve()
    repo = gitutil._open(root)
    try:
        if repo.working_tree_dir is None:
            from tracklint.errors import UsageError

            raise UsageError("--changed-since needs a repository with a working tree", path=str(root))
        top = Path(repo.working_tree_dir).resolve()
        commit = gitutil.merge_base(root, ref)
        tree = gitutil._tree_at(repo, commit)
        with tempfile.TemporaryDirectory(prefix="tracklint-coverage-") as tmp:
            copy = Path(tmp)
            under = root.relative_to(top).as_posix()
            wanted = [rel for rel in (_inside(p, top) for p in settings.paths) if rel is not None] or [under]
            plan_dir = _inside(Path(settings.plan).parent, top) if settings.plan else None
            _materialise(tree, _prefix(under), tuple(wanted), _prefix(plan_dir) if plan_dir is not None else None,
                         copy, settings.max_file_size)
            return commit, _scan_copy(settings, top, root, copy, current)
    finally:
        repo.close()


def _prefix(rel: str) -> str:
    return "" if rel in ("", ".") else rel.rstrip("/") + "/"


def _inside(path: Path, top: Path) -> str | None:
    """``path`` relative to the repository's top level, or None when it is outside."""
    try:
        return Path(path).resolve().relative_to(top).as_posix()
    except ValueError:
        return None


def _materialise(tree, under: str, wanted: tuple[str, ...], plan_dir: str | None, dest: Path, max_size: int) -> None:
    """Write into ``dest`` (same layout) the source files of ``tree`` below the project root
    ``under`` and in the ``wanted`` paths, and the YAML and JSON files below the plan's directory
    (the plan and the files it includes)."""
    from tracklint.errors import UsageError
    from tracklint.files import _supported

    sources = tuple(_prefix(w) for w in wanted)
    count = 0
    for item in tree.traverse():
        if item.type != "blob" or item.mode == 0o120000 or not item.path.startswith(under) or item.size > max_size:
            continue
        name = item.path.rsplit("/", 1)[-1]
        source = _supported(name) and (item.path.startswith(sources) or item.path in wanted)
        planned = plan_dir is not None and item.path.startswith(plan_dir) and name.lower().endswith(_PLAN_SUFFIXES)
        if not (source or planned):
            continue
        count += 1
        if count > MAX_BASE_FILES:
            raise UsageError(f"--changed-since: the base revision holds more than {MAX_BASE_FILES} source files")
        target = dest / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.data_stream.read())


def _scan_copy(settings: Settings, top: Path, root: Path, copy: Path, current: Plan) -> Coverage:
    """Scan the copy of the base with the run's settings moved there."""
    from tracklint import engine
    from tracklint.errors import TracklintError
    from tracklint.plan.load import load_plan

    def moved(path: Path) -> Path:
        return copy / Path(path).resolve().relative_to(top)

    plan = _moved_plan(current, moved)
    plan_rel = _inside(Path(settings.plan), top) if settings.plan else None
    plan_path = copy / plan_rel if plan_rel is not None else None
    if plan_path is not None and plan_path.is_file():
        try:
            plan = load_plan(plan_path)
        except TracklintError:
            pass  # a base whose plan does not load: its code is compared with today's plan
    base_root = moved(root)
    base_root.mkdir(parents=True, exist_ok=True)
    inside = (_inside(p, top) for p in settings.paths)
    paths = tuple(copy / rel for rel in inside if rel is not None and (copy / rel).exists())
    if settings.paths and not paths:
        return build(plan, [])
    base = settings.with_(root=base_root, paths=paths, plan=plan_path, cache=False, changed_since=None,
                          changed_files=None, progress=False)
    return build(plan, engine.scan(base, plan=plan).calls)


def _moved_plan(plan: Plan, moved) -> Plan:
    """Today's plan with its sources' globs relative to the copy (for a base without a plan)."""
    from dataclasses import replace

    try:
        return replace(plan, root=str(moved(Path(plan.root)))) if plan.root else plan
    except ValueError:  # the plan lives outside the repository: its globs stay where they are
        return plan
