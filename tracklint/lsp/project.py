"""What the language server knows about the projects its documents belong to: the settings of
each document (the configuration nearest to it, as ``check PATH`` finds it), the plan (loaded
once, reloaded when a plan or configuration file changes), the workspace index (every call
site, built in a separate process so that a long index never holds up a keystroke's check),
and the in-memory checks of documents and of the plan file.

Nothing here talks LSP: :mod:`tracklint.lsp.server` does, and :mod:`tracklint.lsp.features`
turns these answers into protocol objects.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from tracklint import engine
from tracklint.config import CONFIG_NAMES, PLAN_NAMES, Settings, resolve_settings
from tracklint.diagnostics import Diagnostic
from tracklint.errors import TracklintError
from tracklint.extract import language_for
from tracklint.extract.base import TrackCall
from tracklint.plan.model import Plan
from tracklint.pool import Extraction
from tracklint.result import Result

LOG = logging.getLogger(__name__)

#: A progress callback: (files done, files in all).
Progress = Callable[[int, int], None]


@dataclass
class Checked:
    """One document's check: its text, the result, and the plan it was checked against."""

    path: str  # absolute
    rel: str  # relative to the project root (as diagnostics name it)
    text: str
    root: str = ""  # the project root
    result: Result | None = None
    plan: Plan | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problem: str | None = None  # why the document could not be checked (no plan, bad config)


@dataclass
class Project:
    """One configuration's settings, its plan (or why it cannot load) and its index."""

    settings: Settings
    plan: Plan | None = None
    plan_problem: str | None = None
    index: Extraction | None = None
    index_ready: threading.Event = field(default_factory=threading.Event)
    #: Source files that changed on disk while the index was being built (the build may have
    #: read them before the change): taken into the index once it is built.
    stale: set[str] = field(default_factory=set)

    def plan_files(self) -> set[str]:
        """The absolute, resolved paths of the files the plan was read from."""
        if self.plan is not None:
            return {os.path.realpath(p) for p in self.plan.files}
        return {os.path.realpath(self.settings.plan)} if self.settings.plan else set()

    def calls(self, overlay: dict[str, list[TrackCall]]) -> list[TrackCall]:
        """Every call site of the project: the index's, with each open document's own calls
        (``overlay``: relative path -> calls) in place of what is on disk."""
        indexed = [c for f in (self.index.files if self.index else ()) if f.path not in overlay for c in f.calls]
        return indexed + [c for calls in overlay.values() for c in calls]


class Projects:
    """The projects of the open documents, keyed by their configuration file (or root)."""

    def __init__(self, root: str | None) -> None:
        self.root = root or os.getcwd()
        self._by_dir: dict[str, Project] = {}
        self._by_key: dict[tuple, Project] = {}
        self.lock = threading.RLock()

    def for_path(self, path: str) -> Project:
        """The project of a document at ``path`` (which need not exist). Raises
        :class:`TracklintError` for an invalid configuration."""
        directory = os.path.dirname(os.path.abspath(path))
        with self.lock:
            found = self._by_dir.get(directory)
            if found is not None:
                return found
            settings = resolve_settings(cwd=Path(self.root), overrides={"paths": (Path(path),), "files_given": True})
            key = (settings.config_file, settings.plan, settings.root)
            project = self._by_key.get(key)
            if project is None:
                project = self._by_key[key] = Project(settings.with_(paths=(), files_given=False, progress=False))
                _load_plan(project)
            self._by_dir[directory] = project
            return project

    def all(self) -> list[Project]:
        with self.lock:
            return list(self._by_key.values())

    def changed(self, paths: list[str]) -> tuple[bool, list[str]]:
        """Files changed on disk: (whether a plan or configuration changed, in which case every
        project is forgotten and reloads on next use; the source files among ``paths``)."""
        real = {os.path.realpath(p) for p in paths}
        with self.lock:
            plans = set().union(*(p.plan_files() for p in self._by_key.values())) if self._by_key else set()
            configs = {os.path.realpath(p.settings.config_file) for p in self._by_key.values() if p.settings.config_file}
            named = {os.path.basename(p) for p in paths} & {*CONFIG_NAMES, *PLAN_NAMES}
            reload = bool(real & (plans | configs) or named)
            if reload:
                self._by_dir.clear()
                self._by_key.clear()
        return reload, [p for p in paths if language_for(p)]


def _load_plan(project: Project) -> None:
    settings = project.settings
    if settings.plan is None:
        project.plan_problem = "no tracking plan found (tracking-plan.yaml from the document up to the project root)"
        return
    try:
        from tracklint.plan.load import load_plan

        project.plan = load_plan(settings.plan)
    except (TracklintError, OSError) as exc:
        project.plan_problem = f"the tracking plan cannot be loaded: {exc}"


def check_document(project: Project, path: str, text: str) -> Checked:
    """Check a document's in-memory text: as source code, or as the plan when it is one of the
    plan's files. Never raises."""
    settings = project.settings
    rel = engine.project_path(os.path.abspath(path), settings.root)
    checked = Checked(os.path.abspath(path), rel, text, str(settings.root))
    try:
        real = os.path.realpath(path)
        if real in project.plan_files():
            # The main plan is read from the editor's text; an included file's findings come
            # from the plan as saved (its includes are read from disk either way).
            main = settings.plan is not None and real == os.path.realpath(settings.plan)
            plan_text = text if main else Path(settings.plan).read_text(encoding="utf-8", errors="replace")
            calls = project.calls({}) if project.index is not None else None
            checked.plan, diagnostics = engine.check_plan_text(settings, settings.plan, plan_text, calls=calls)
            checked.diagnostics = [d for d in diagnostics if d.location.path == rel]
            return checked
        if _language(path, text) is None:
            return checked  # not a file tracklint reads (an editor may send any YAML file, say)
        if project.plan is None:
            checked.problem = project.plan_problem
            return checked
        checked.plan = project.plan
        checked.result = engine.check_text(settings, project.plan, path, text.encode("utf-8", "surrogatepass"),
                                           project=project.index, plan_rules=False, windows=False)
        checked.diagnostics = [d for d in checked.result.diagnostics if d.location.path == rel and d.suppressed is None]
    except Exception as exc:  # noqa: BLE001 - an editor must never lose its server over one text
        LOG.exception("checking %s failed", path)
        checked.problem = f"internal error while checking: {type(exc).__name__}: {exc}"
    return checked


def _language(path: str, text: str) -> str | None:
    """The language tracklint reads the document as: from its suffix, or, without one, from
    its ``#!`` line (``bin/deploy`` running ruby)."""
    from tracklint.extract import languages

    if languages.may_be_script(path):
        return languages.script_language(text[:languages.SHEBANG_BYTES].encode("utf-8", "replace"))
    return language_for(path)


def build_index(settings: Settings, report: Progress) -> Extraction:
    """The project's index (:func:`tracklint.engine.index`), built in a child process (its own
    parsers, its own worker pool) while this one answers the editor; ``report`` hears progress."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_index_child, args=(settings, send), daemon=True)
    child.start()
    send.close()
    try:
        while True:
            try:
                kind, *payload = receive.recv()
            except EOFError:
                raise RuntimeError(f"the index process ended (exit code {child.exitcode})") from None
            if kind == "progress":
                report(*payload)
            elif kind == "error":
                raise RuntimeError(payload[0])
            else:
                return payload[0]
    finally:
        receive.close()
        child.join(timeout=5)


def _index_child(settings: Settings, send) -> None:
    """The index process: build the index, sending progress, then the index (or the error).
    A server that went away meanwhile (the pipe is closed) ends it quietly."""
    try:
        try:
            index = engine.index(settings, progress=lambda done, total: send.send(("progress", done, total)))
            send.send(("done", _slim(index)))
        except (BrokenPipeError, EOFError):
            return
        except Exception as exc:  # noqa: BLE001 - reported to the server, which logs it
            send.send(("error", f"{type(exc).__name__}: {exc}"))
    except (BrokenPipeError, EOFError):
        return
    finally:
        send.close()


def _slim(index: Extraction) -> Extraction:
    """What the server needs of an index: calls, exports, imports (the directives and the
    notices stay behind)."""
    files = [dataclasses.replace(f, directives=[], notices=[], lines={}) for f in index.files]
    return Extraction(files=files, unparsed=index.unparsed, stats=index.stats)


def reindex_file(project: Project, path: str) -> None:
    """Take a source file that changed on disk into the project's index (read whole)."""
    if project.index is None:
        return
    settings = project.settings
    rel = engine.project_path(os.path.abspath(path), settings.root)
    files = [f for f in project.index.files if f.path != rel]
    project.index.unparsed.pop(rel, None)
    if os.path.isfile(path):
        from tracklint.pool import extract_one, specs_of

        files.append(extract_one(path, rel, specs_of(settings), settings.max_file_size, windows=False,
                                 root=os.path.realpath(settings.root)))
    project.index.files = sorted(files, key=lambda f: f.path)

