"""The result of a whole ``check``, remembered for the run that changes nothing.

Re-running ``tracklint check`` on an unchanged tree (the editor's save hook, a second CI step, a
developer re-running the gate) would decode every cached call and re-apply every rule to reach
the same answer. The memo keys the whole result on everything it depends on: tracklint's
version, the settings, the bytes of every plan file and of the baseline, and the path, size and
modification time of every file the run lists. Any difference, or a file modified in the last
two seconds (its mtime could hide a later write), means no memo: the normal run happens and
writes a new one. The memo lives in the cache directory, is written atomically, is plain JSON
(never executed), and a damaged one is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

from tracklint import __version__
from tracklint.config import Settings
from tracklint.diagnostics import Diagnostic, Location, Severity
from tracklint.extract.base import Notice
from tracklint.plan.model import Plan
from tracklint.result import Result, Stats

FORMAT = 1
#: Files modified this recently are not trusted by their stat alone.
RACY_NS = 2_000_000_000

_SETTINGS = ("root", "plan", "paths", "files_given", "exclude", "extend_exclude", "force_exclude",
             "select", "ignore", "severity", "rule_options", "presets", "wrappers", "max_file_size",
             "prefilter", "skip_minified", "skip_generated", "baseline")


def memo_key(settings: Settings, plan_files: Sequence[str], files: list[tuple[str, str]],
             stats: dict[str, os.stat_result] | None = None) -> str | None:
    """The key of this run's result, or None when it must not be memoised. ``plan_files``: the
    plan and its includes. The stats taken are put in ``stats`` (absolute path -> stat), for
    the run to reuse on a miss."""
    if not settings.cache or settings.changed_since:
        return None
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{__version__}\0".encode())
    digest.update(repr([(name, getattr(settings, name)) for name in _SETTINGS]).encode())
    for extra in (*plan_files, *([str(settings.baseline)] if settings.baseline else [])):
        try:
            digest.update(extra.encode() + b"\0" + Path(extra).read_bytes())
        except OSError:
            return None
    now = time.time_ns()
    parts = []
    for path, rel in files:
        st = stats.get(path) if stats else None
        if st is None:
            try:
                st = os.stat(path)
            except OSError:
                return None  # the normal run reports it
            if stats is not None:
                stats[path] = st
        if now - st.st_mtime_ns < RACY_NS:
            return None
        parts.append(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n")
    digest.update("".join(parts).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def read(settings: Settings) -> dict[str, Any] | None:
    """The stored memo document, or None (no memo, a damaged one, or a run that keeps none)."""
    if not settings.cache or settings.changed_since:
        return None
    try:
        doc = json.loads(_path(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) and "plan_files" in doc else None


def remembered(settings: Settings, doc: dict[str, Any], files: list[tuple[str, str]],
               stats: dict[str, os.stat_result]) -> Result | None:
    """The result in ``doc`` (see :func:`read`) when nothing changed, found before the plan is
    even loaded (the memo names the plan files it was made with); None otherwise. Fills
    ``stats``."""
    try:
        plan_files = doc["plan_files"]
        if not isinstance(plan_files, list) or not all(isinstance(f, str) for f in plan_files):
            return None
        key = memo_key(settings, plan_files, files, stats)
        if key is None or doc.get("key") != key:
            return None
        return _result(doc["result"], settings, None)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _path(settings: Settings) -> Path:
    return settings.cache_directory / f"v{FORMAT}" / "last-check.json"


def _write_json(settings: Settings, target: Path, doc: Any) -> None:
    """Write ``doc`` to ``target`` atomically (a temporary file beside it, then ``os.replace``);
    failures are ignored: a memo is only ever an optimisation."""
    from tracklint.cache import prepare_directory

    try:
        prepare_directory(settings.cache_directory, target.parent)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(doc, handle, separators=(",", ":"))
            os.replace(tmp, target)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
    except OSError:
        pass


def load(settings: Settings, key: str, plan: Plan | None) -> Result | None:
    """The remembered result for ``key``, or None."""
    doc = read(settings)
    if doc is None or doc.get("key") != key:
        return None
    try:
        return _result(doc["result"], settings, plan)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def save(settings: Settings, key: str, result: Result, plan_files: Sequence[str] = ()) -> None:
    """Remember ``result`` under ``key`` (atomically; failures are ignored)."""
    _write_json(settings, _path(settings),
                {"key": key, "plan_files": list(plan_files), "result": _data(result)})


def _data(result: Result) -> dict[str, Any]:
    return {
        "diagnostics": [
            [d.code, d.name, d.severity.value, d.message, _loc(d.location), d.help, d.event, d.key,
             d.occurrence, d.suppressed]
            for d in result.diagnostics
        ],
        "notices": [[n.path, n.kind, n.message, n.line, n.column, n.end_line, n.end_column] for n in result.notices],
        "stats": [result.stats.files_listed, result.stats.files_parsed, result.stats.files_cached,
                  result.stats.files_skipped, result.stats.bytes_read],
        "calls": result.call_count,
        "lines": [[p, n, text] for (p, n), text in result.lines.items()],
    }


def _loc(loc: Location) -> list[Any]:
    return [loc.path, loc.line, loc.column, loc.end_line, loc.end_column, loc.column_utf16, loc.end_column_utf16]


def _result(data: dict[str, Any], settings: Settings, plan: Plan | None) -> Result:
    diagnostics = [
        Diagnostic(code=c, name=n, severity=Severity(s), message=m, location=Location(*loc), help=h,
                   event=e, key=k, occurrence=o, suppressed=sup)
        for c, n, s, m, loc, h, e, k, o, sup in data["diagnostics"]
    ]
    notices = [Notice(*n) for n in data["notices"]]
    listed, parsed, cached, skipped, read = data["stats"]
    result = Result(root=str(settings.root), plan=plan, diagnostics=diagnostics, notices=notices,
                    stats=Stats(listed, parsed, cached, skipped, read))
    result.stats.files_cached = listed  # nothing was re-read
    result.calls_checked = int(data["calls"])
    result.lines = {(p, int(n)): str(t) for p, n, t in data["lines"]}
    return result


# --------------------------------------------------------------------------------------------
# The plan: which exact bytes already passed the JSON Schema (the slowest part of loading it,
# and most of a pre-commit run's fixed cost).


def _plan_marker(settings: Settings) -> Path:
    return settings.cache_directory / f"v{FORMAT}" / "plan-checked.json"


def _sha(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def plan_schema_checked(settings: Settings) -> bool:
    """Whether every file of the plan is byte for byte one that passed the schema before."""
    if not settings.cache or settings.plan is None:
        return False
    try:
        doc = json.loads(_plan_marker(settings).read_text(encoding="utf-8"))
        files = doc["files"]
        if doc.get("version") != __version__ or os.path.abspath(settings.plan) not in files:
            return False
        return all(_sha(path) == digest for path, digest in files.items())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def remember_plan(settings: Settings, plan: Plan) -> None:
    """Record the digests of a plan that loaded without errors (atomically; failures ignored)."""
    if not settings.cache:
        return
    try:
        files = {os.path.abspath(f): _sha(f) for f in (plan.files or ((plan.path,) if plan.path else ()))}
    except OSError:
        return
    _write_json(settings, _plan_marker(settings), {"version": __version__, "files": files})
