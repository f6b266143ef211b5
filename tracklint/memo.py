"""The result of a whole ``check``, remembered for the run that changes nothing.

Re-running ``tracklint check`` on an unchanged tree (the editor's save hook, a second CI step, a
developer re-running the gate) would decode every cached call and re-apply every rule to reach
the same answer. The memo keys the whole result on everything it depends on: the environment
(:func:`tracklint.cache.environment`: tracklint, the interpreter, the installed packages), every
setting that can change the result, the bytes of every plan file, of the config file and of the
baseline, the directories the plan's ``include:`` wildcards look in, and the path, size and
modification time of every file the run lists. Any difference, or a file or such directory
modified in the last two seconds (its mtime could hide a later write), means no memo: the normal
run happens and writes a new one. The memo lives in the cache directory (used only when
:func:`tracklint.cache.refusal` allows), is read and written as :mod:`tracklint.cache` opens
files there (no symbolic link, a regular file of bounded size, atomic replacement), is plain JSON
(never executed), and a damaged one is ignored.
"""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import json
import os
import time
from typing import Any, NamedTuple, Sequence

from tracklint import __version__
from tracklint.config import Settings
from tracklint.diagnostics import Diagnostic, Edit, Fix, Location, Severity
from tracklint.extract.base import Notice
from tracklint.plan.model import Plan
from tracklint.result import Result, Stats

FORMAT = 1
#: Files modified this recently are not trusted by their stat alone.
RACY_NS = 2_000_000_000
#: Most directories looked at to notice a new file matching the plan's ``include:`` wildcards
#: (beyond that the run keeps no memo).
MAX_GLOB_DIRS = 2000

#: The settings that cannot change a result (output, exit status, speed); every other field of
#: :class:`Settings`, including any added later, is part of the key.
_NOT_IN_RESULT = frozenset({"fail_on", "exit_zero", "output_format", "output_file", "color",
                            "show_suppressed", "jobs", "cache", "cache_dir", "write_baseline",
                            "changed_since", "progress"})
_SETTINGS = tuple(f.name for f in dataclasses.fields(Settings) if f.name not in _NOT_IN_RESULT)


class PlanSources(NamedTuple):
    """What a plan was read from: its files (includes too) and its ``include:`` wildcards."""

    files: Sequence[str]
    globs: Sequence[str] = ()

    @classmethod
    def of(cls, plan: Plan) -> "PlanSources":
        return cls(plan.files, plan.include_globs)


def memo_key(settings: Settings, plan: PlanSources, files: list[tuple[str, str]],
             stats: dict[str, os.stat_result] | None = None) -> str | None:
    """The key of this run's result, or None when it must not be memoised. ``plan``: what the
    plan was read from. The stats taken are put in ``stats`` (absolute path -> stat), for the
    run to reuse on a miss."""
    from tracklint.cache import MAX_SMALL_BYTES, environment, read_regular_file

    if not settings.cache or settings.changed_since:
        return None
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{__version__}\0{environment()}\0".encode())
    digest.update(repr([(name, getattr(settings, name)) for name in _SETTINGS]).encode())
    extras = [*plan.files, *(str(p) for p in (settings.baseline, settings.config_file) if p is not None)]
    for extra in extras:
        try:
            digest.update(extra.encode("utf-8", "surrogateescape") + b"\0" + read_regular_file(extra, MAX_SMALL_BYTES))
        except OSError:
            return None
    state = include_state(plan.globs)
    if state is None:
        return None
    digest.update(state.encode())
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


def include_state(patterns: Sequence[str]) -> str | None:
    """A digest of the directories where the plan's ``include:`` wildcards (absolute patterns)
    look, with their modification times: a file added, removed or renamed there changes a
    directory's mtime, so a file that starts (or stops) matching is noticed without expanding the
    patterns. Symbolic links to directories are followed, each directory once (a loop ends);
    names starting with a dot are skipped unless a pattern asks for them, as ``glob`` does. None
    when that cannot be told cheaply: more than :data:`MAX_GLOB_DIRS` directories, or one
    changed in the last two seconds."""
    if not patterns:
        return ""
    now = time.time_ns()
    seen: set[tuple[int, int]] = set()
    lines: list[str] = []
    for pattern in patterns:
        parts = pattern.replace(os.sep, "/").split("/") if os.sep != "/" else pattern.split("/")
        first = next((i for i, part in enumerate(parts) if glob.has_magic(part)), len(parts) - 1)
        rest = parts[first:]
        depth = None if any("**" in part for part in rest) else len(rest) - 1
        hidden = any(part.startswith(".") for part in rest)
        stack = [("/".join(parts[:first]) or os.sep, 0)]
        while stack:
            path, level = stack.pop()
            try:
                st = os.stat(path)
            except OSError:
                lines.append(f"{path}\0absent")
                continue
            if (st.st_dev, st.st_ino) in seen or not os.path.isdir(path):
                continue
            seen.add((st.st_dev, st.st_ino))
            if len(seen) > MAX_GLOB_DIRS or now - st.st_mtime_ns < RACY_NS:
                return None
            lines.append(f"{path}\0{st.st_mtime_ns}")
            if depth is not None and level >= depth:
                continue
            try:
                with os.scandir(path) as entries:
                    for entry in entries:
                        if (hidden or not entry.name.startswith(".")) and entry.is_dir():
                            stack.append((entry.path, level + 1))
            except OSError:
                lines.append(f"{path}\0unlisted")
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogateescape")).hexdigest()


def _read_doc(settings: Settings, name: str, *, judged: bool = True) -> Any:
    """The JSON document ``name`` in the cache directory, or None (none, damaged, refused).
    ``judged=False``: read while git still says whether the directory can be trusted (the
    caller asks :func:`_trusted` before it uses the document)."""
    from tracklint.cache import MAX_SMALL_BYTES, read_file

    try:
        return json.loads(read_file(settings.cache_directory, (f"v{FORMAT}", name), MAX_SMALL_BYTES, judged=judged))
    except (OSError, ValueError, RecursionError):
        return None


def _trusted(settings: Settings) -> bool:
    from tracklint.cache import refusal

    return refusal(settings.cache_directory) is None


def _write_doc(settings: Settings, name: str, doc: Any) -> None:
    """Write the JSON document ``name`` in the cache directory atomically; failures are
    ignored: a memo is only ever an optimisation."""
    from tracklint.cache import write_file

    try:
        payload = json.dumps(doc, separators=(",", ":")).encode("utf-8", "surrogateescape")
        write_file(settings.cache_directory, (f"v{FORMAT}", name), (payload,))
    except (OSError, ValueError):
        pass


def read(settings: Settings) -> dict[str, Any] | None:
    """The stored memo document, or None (no memo, a damaged one, or a run that keeps none). Not
    yet to be trusted: :func:`remembered` asks whether the cache directory may be
    used (git says so while the run lists its files: see :func:`tracklint.cache.probe`)."""
    if not settings.cache or settings.changed_since:
        return None
    doc = _read_doc(settings, _MEMO, judged=False)
    return doc if isinstance(doc, dict) and "plan_files" in doc else None


def _strings(value: Any) -> list[str] | None:
    ok = isinstance(value, list) and all(isinstance(item, str) for item in value)
    return value if ok else None


def remembered(settings: Settings, doc: dict[str, Any], files: list[tuple[str, str]],
               stats: dict[str, os.stat_result]) -> Result | None:
    """The result in ``doc`` (see :func:`read`) when nothing changed, found before the plan is
    even loaded (the memo names the plan files and wildcards it was made with); None otherwise.
    Fills ``stats``."""
    try:
        plan_files, globs = _strings(doc["plan_files"]), _strings(doc.get("globs", []))
        if plan_files is None or globs is None:
            return None
        key = memo_key(settings, PlanSources(plan_files, globs), files, stats)
        if key is None or doc.get("key") != key or not _trusted(settings):
            return None
        return _result(doc["result"], settings)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


_MEMO = "last-check.json"


def save(settings: Settings, key: str, result: Result, plan: PlanSources = PlanSources(())) -> None:
    """Remember ``result`` under ``key`` (atomically; failures are ignored)."""
    _write_doc(settings, _MEMO, {"key": key, "plan_files": list(plan.files), "globs": list(plan.globs),
                                 "result": _data(result)})


def _data(result: Result) -> dict[str, Any]:
    return {
        "diagnostics": [
            [d.code, d.name, d.severity.value, d.message, _loc(d.location), d.help, d.event, d.key,
             d.occurrence, d.suppressed, _fix(d.fix)]
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


def _fix(fix: Fix | None) -> list[Any] | None:
    if fix is None:
        return None
    return [fix.safe, fix.description, [dataclasses.astuple(e) for e in fix.edits]]


def _fix_of(data: list[Any] | None) -> Fix | None:
    if data is None:
        return None
    safe, description, edits = data
    return Fix(tuple(Edit(*e) for e in edits), bool(safe), str(description))


def _result(data: dict[str, Any], settings: Settings) -> Result:
    diagnostics = [
        Diagnostic(code=c, name=n, severity=Severity(s), message=m, location=Location(*loc), help=h,
                   event=e, key=k, occurrence=o, suppressed=sup, fix=_fix_of(fix))
        for c, n, s, m, loc, h, e, k, o, sup, fix in data["diagnostics"]
    ]
    notices = [Notice(*n) for n in data["notices"]]
    listed, parsed, cached, skipped, read = data["stats"]
    result = Result(root=str(settings.root), plan=None, diagnostics=diagnostics, notices=notices,
                    stats=Stats(listed, parsed, cached, skipped, read))
    result.stats.files_cached = listed  # nothing was re-read
    result.calls_checked = int(data["calls"])
    result.lines = {(p, int(n)): str(t) for p, n, t in data["lines"]}
    return result


# --------------------------------------------------------------------------------------------
# The plan: which exact bytes already passed the JSON Schema (the slowest part of loading it,
# and most of a pre-commit run's fixed cost).


_MARKER = "plan-checked.json"


def _sha(path: str) -> str:
    from tracklint.cache import MAX_SMALL_BYTES, read_regular_file

    return hashlib.sha256(read_regular_file(path, MAX_SMALL_BYTES)).hexdigest()


def _marker_stamp(files: Sequence[str], globs: Sequence[str]) -> dict[str, Any] | None:
    """What the plan marker records: the environment (jsonschema's version among it), the
    digest of every plan file, and the state of the directories the plan's wildcards look in
    (an included file that appears later was never validated); None when it cannot be told."""
    from tracklint.cache import environment

    state = include_state(globs)
    if state is None:
        return None
    return {"environment": environment(), "files": {os.path.abspath(f): _sha(f) for f in files},
            "globs": list(globs), "include_state": state}


def plan_schema_checked(settings: Settings) -> bool:
    """Whether every file of the plan is byte for byte one that passed the schema before, and no
    file has started to match its ``include:`` wildcards since."""
    if not settings.cache or settings.plan is None:
        return False
    doc = _read_doc(settings, _MARKER)
    try:
        files, globs = doc["files"], _strings(doc["globs"])
        if not isinstance(files, dict) or globs is None or os.path.abspath(settings.plan) not in files:
            return False
        return doc == _marker_stamp(list(files), globs)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False


def remember_plan(settings: Settings, plan: Plan) -> None:
    """Record the digests of a plan that loaded without errors (atomically; failures ignored)."""
    if not settings.cache:
        return
    try:
        stamp = _marker_stamp(plan.files or ((plan.path,) if plan.path else ()), plan.include_globs)
    except OSError:
        return
    if stamp is not None:
        _write_doc(settings, _MARKER, stamp)


def load_checked_plan(settings: Settings) -> Plan:
    """The plan ``settings.plan``, its JSON Schema pass skipped when these exact bytes passed it
    before (:func:`plan_schema_checked`; jsonschema is then not even imported), and remembered
    when they pass now. Raises :class:`~tracklint.errors.PlanError` as ``load_plan`` does."""
    from tracklint.plan.load import load_plan

    checked = plan_schema_checked(settings)
    plan = load_plan(settings.plan, schema_checked=checked)
    if not checked:
        remember_plan(settings, plan)
    return plan
