"""``tracklint lsp``: the language server (pygls 2, over stdio).

Open documents are checked from their in-memory text on open and on every change, one at a
time on one thread (the tree-sitter parsers are shared), and their findings published. A
burst of keystrokes is checked as few times as the checks take: a change that arrives while
its document is being checked only marks it, and the document is checked once more, with its
latest text, when that check ends (so the first change is checked at once: no idle wait).
``initializationOptions.debounceMs`` adds a quiet period before each check, for slow machines. The plan file gets its own: positioned loading problems, else the plan
rules. Hover, completion, definition, references and code actions read the document's latest
check (made afresh when the text moved on). The workspace index, for references and for the
constants other files define, is built in a child process with ``$/progress``. A plan or
configuration file changing on disk (``workspace/didChangeWatchedFiles``, or a save in the
editor) reloads everything and rechecks the open documents.
"""

from __future__ import annotations

import asyncio
import logging
import os
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from tracklint import __version__
from tracklint.config import CONFIG_NAMES, PLAN_NAMES
from tracklint.errors import TracklintError
from tracklint.lsp import features
from tracklint.lsp.project import Checked, Project, Projects, build_index, check_document, reindex_file

LOG = logging.getLogger(__name__)

#: How long a document must stay unchanged before it is checked (``debounceMs``).
DEBOUNCE_SECONDS = 0.0

#: The files whose change on disk the server wants to hear about.
WATCHED = [f"**/{name}" for name in (*PLAN_NAMES, *CONFIG_NAMES)]


class TracklintServer(LanguageServer):
    """The server and its state: projects, the latest check of each open document."""

    def __init__(self) -> None:
        super().__init__("tracklint", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental)
        self.projects = Projects(None)
        self.checks = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tracklint-check")
        self.indexers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="tracklint-index")
        self.pending: dict[str, asyncio.Task] = {}
        self.running: set[str] = set()  # documents being checked now
        self.dirty: set[str] = set()  # ... that changed meanwhile
        self.checked: dict[str, Checked] = {}
        self.debounce = DEBOUNCE_SECONDS
        self.indexing: set[int] = set()
        self.index_enabled = True

    # ---- documents and texts ---------------------------------------------------------------

    def text_of(self, uri: str) -> str:
        return self.workspace.get_text_document(uri).source

    def lines(self) -> features.Texts:
        """Line lookups for this request: open documents from the editor, others from disk."""
        by_path = {os.path.realpath(to_fs_path(uri) or uri): uri for uri in self.workspace.text_documents}
        cache: dict[str, list[str] | None] = {}

        def lines(path: str) -> list[str] | None:
            real = os.path.realpath(path)
            if real not in cache:
                uri = by_path.get(real)
                if uri is not None:
                    cache[real] = features.split_lines(self.text_of(uri))
                else:
                    try:
                        cache[real] = features.split_lines(Path(real).read_text(encoding="utf-8", errors="replace"))
                    except OSError:
                        cache[real] = None
            return cache[real]

        return features.Texts(lines, self.workspace.position_codec)

    def project_of(self, path: str) -> Project:
        project = self.projects.for_path(path)
        if self.index_enabled and id(project) not in self.indexing:
            self.indexing.add(id(project))
            asyncio.get_running_loop().create_task(self.build_index(project))
        return project

    async def check(self, uri: str) -> Checked | None:
        """The document's check for its current text (the latest one when still current)."""
        path = to_fs_path(uri)
        if path is None or uri not in self.workspace.text_documents:
            return None
        text = self.text_of(uri)
        last = self.checked.get(uri)
        if last is not None and last.text == text:
            return last
        try:
            project = self.project_of(path)
        except TracklintError as exc:
            return Checked(path, path, text, problem=f"invalid configuration: {exc}".replace("\n", " "))
        checked = await asyncio.get_running_loop().run_in_executor(self.checks, check_document, project, path, text)
        if uri in self.workspace.text_documents and self.text_of(uri) == text:
            self.checked[uri] = checked
        return checked

    async def publish(self, uri: str, delay: float) -> None:
        """After ``delay`` seconds, check the document and publish its findings; again as long
        as it changed during the check."""
        await asyncio.sleep(delay)
        self.running.add(uri)
        try:
            while True:
                self.dirty.discard(uri)
                await self._publish_once(uri)
                if uri not in self.dirty:
                    return
        finally:
            self.running.discard(uri)

    async def _publish_once(self, uri: str) -> None:
        document = self.workspace.text_documents.get(uri)
        if document is None:
            return
        version = document.version
        checked = await self.check(uri)
        current = self.workspace.text_documents.get(uri)
        if checked is None or current is None or current.version != version:
            return
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=uri, version=version, diagnostics=features.diagnostics(checked, self.lines())))

    def schedule(self, uri: str, delay: float) -> None:
        """Check the document soon: now (after ``delay``), or, while it is being checked, once
        more when that check ends."""
        if uri in self.running:
            self.dirty.add(uri)
            return
        pending = self.pending.pop(uri, None)
        if pending is not None:
            pending.cancel()
        self.pending[uri] = asyncio.get_running_loop().create_task(self.publish(uri, delay))

    def recheck_all(self) -> None:
        self.checked.clear()
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    # ---- the index -------------------------------------------------------------------------

    async def build_index(self, project: Project) -> None:
        """Build the project's index in the background, reporting ``$/progress`` when the client
        takes it; then recheck the open documents (other files' constants are now known)."""
        token = f"tracklint-index-{uuid.uuid4().hex[:8]}"
        loop = asyncio.get_running_loop()
        window = self.client_capabilities.window
        progress = bool(window and window.work_done_progress)
        if progress:
            try:
                await self.work_done_progress.create_async(token)
            except Exception:  # noqa: BLE001 - a client that refuses the token gets no progress
                progress = False
        if progress:
            self.work_done_progress.begin(token, lsp.WorkDoneProgressBegin(title="tracklint: indexing call sites", percentage=0))

        def report(done: int, total: int) -> None:
            if progress:
                value = lsp.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=done * 100 // max(total, 1))
                loop.call_soon_threadsafe(self.work_done_progress.report, token, value)

        message = "index unavailable"
        try:
            project.index = await loop.run_in_executor(self.indexers, build_index, project.settings, report)
            stale, project.stale = project.stale, set()
            for path in sorted(stale):
                self.checks.submit(reindex_file, project, path)
            calls = sum(len(f.calls) for f in project.index.files)
            message = f"{calls} call site{'s' if calls != 1 else ''} in {len(project.index.files)} file{'s' if len(project.index.files) != 1 else ''}"
        except Exception as exc:  # noqa: BLE001 - the server goes on without references
            LOG.warning("indexing %s failed: %s", project.settings.root, exc)
            self.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Warning, message=f"tracklint: indexing failed: {exc}"))
        finally:
            project.index_ready.set()
            if progress:
                self.work_done_progress.end(token, lsp.WorkDoneProgressEnd(message=message))
        self.recheck_all()

    async def index_of(self, project: Project, wait: float = 30.0) -> None:
        """Wait (a while) for the project's index."""
        await asyncio.get_running_loop().run_in_executor(self.indexers, project.index_ready.wait, wait)

    def files_changed(self, paths: list[str]) -> None:
        """Files changed on disk: reload on a plan/config change, else refresh the index."""
        reload, sources = self.projects.changed(paths)
        if reload:
            self.indexing.clear()
            self.recheck_all()
            return
        for project in self.projects.all():
            if not project.index_ready.is_set():
                project.stale.update(sources)  # the build may have listed them before the change
                continue
            for path in sources:
                self.checks.submit(reindex_file, project, path)


SERVER = TracklintServer()


@SERVER.feature(lsp.INITIALIZE)
def _initialize(ls: TracklintServer, params: lsp.InitializeParams) -> None:
    options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
    if isinstance(options.get("debounceMs"), (int, float)) and options["debounceMs"] >= 0:
        ls.debounce = options["debounceMs"] / 1000
    if options.get("index") is False:
        ls.index_enabled = False
    ls.projects = Projects(ls.workspace.root_path)


@SERVER.feature(lsp.INITIALIZED)
async def _initialized(ls: TracklintServer, _params: lsp.InitializedParams) -> None:
    watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
    if watched and watched.dynamic_registration:
        options = lsp.DidChangeWatchedFilesRegistrationOptions(watchers=[lsp.FileSystemWatcher(glob_pattern=g) for g in WATCHED])
        try:
            await ls.client_register_capability_async(lsp.RegistrationParams(registrations=[
                lsp.Registration(id="tracklint-watch", method=lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)]))
        except Exception as exc:  # noqa: BLE001 - without watchers, saves in the editor still reload
            LOG.warning("the client refused to watch the plan and config files: %s", exc)
    if ls.index_enabled and ls.workspace.root_path:
        try:
            ls.project_of(os.path.join(ls.workspace.root_path, "."))
        except TracklintError as exc:
            ls.window_log_message(lsp.LogMessageParams(type=lsp.MessageType.Warning, message=f"tracklint: {exc}"))


@SERVER.feature(lsp.SHUTDOWN)
def _shutdown(ls: TracklintServer, _params: None) -> None:
    """Stop checking: nothing is sent after the client's ``shutdown``."""
    for task in ls.pending.values():
        task.cancel()
    ls.pending.clear()
    ls.index_enabled = False
    # pygls closes stdout before it exits and logs, as an error, whatever is still being sent
    logging.getLogger("pygls").setLevel(logging.CRITICAL)


@SERVER.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
def _did_open(ls: TracklintServer, params: lsp.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@SERVER.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
def _did_change(ls: TracklintServer, params: lsp.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.debounce)


@SERVER.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
def _did_save(ls: TracklintServer, params: lsp.DidSaveTextDocumentParams) -> None:
    path = to_fs_path(params.text_document.uri)
    if path:  # a plan or configuration reloads; a source file is read again into the index
        ls.files_changed([path])


@SERVER.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
def _did_close(ls: TracklintServer, params: lsp.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    pending = ls.pending.pop(uri, None)
    if pending is not None:
        pending.cancel()
    ls.checked.pop(uri, None)
    ls.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@SERVER.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def _watched(ls: TracklintServer, params: lsp.DidChangeWatchedFilesParams) -> None:
    ls.files_changed([p for change in params.changes if (p := to_fs_path(change.uri))])


@SERVER.feature(lsp.TEXT_DOCUMENT_HOVER)
async def _hover(ls: TracklintServer, params: lsp.HoverParams) -> lsp.Hover | None:
    checked = await ls.check(params.text_document.uri)
    if checked is None:
        return None
    line, column = ls.lines().cursor(checked.path, params.position)
    text = features.hover(checked, line, column)
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text)) if text else None


@SERVER.feature(lsp.TEXT_DOCUMENT_COMPLETION, lsp.CompletionOptions(trigger_characters=['"', "'", "`"]))
async def _completion(ls: TracklintServer, params: lsp.CompletionParams) -> lsp.CompletionList:
    checked = await ls.check(params.text_document.uri)
    if checked is None:
        return lsp.CompletionList(is_incomplete=False, items=[])
    texts = ls.lines()
    line, column = texts.cursor(checked.path, params.position)
    return lsp.CompletionList(is_incomplete=False, items=features.completion(checked, line, column, texts))


@SERVER.feature(lsp.TEXT_DOCUMENT_DEFINITION)
async def _definition(ls: TracklintServer, params: lsp.DefinitionParams) -> list[lsp.Location]:
    checked = await ls.check(params.text_document.uri)
    if checked is None:
        return []
    texts = ls.lines()
    line, column = texts.cursor(checked.path, params.position)
    return features.definition(checked, line, column, texts)


@SERVER.feature(lsp.TEXT_DOCUMENT_REFERENCES)
async def _references(ls: TracklintServer, params: lsp.ReferenceParams) -> list[lsp.Location]:
    """From a plan entry or a call's event name: every call site of that event in the project,
    under its planned name or a previous one (the index, with open documents as the editor has
    them)."""
    checked = await ls.check(params.text_document.uri)
    if checked is None or checked.plan is None:
        return []
    texts = ls.lines()
    line, column = texts.cursor(checked.path, params.position)
    project = ls.project_of(checked.path)
    if checked.result is None:
        event = features.plan_event_at(checked.plan, checked.path, line)
        names = [event.name] if event else []
    else:
        target = features.target_at(checked, line, column)
        names = [target.call.event] if target and target.call.event and not target.in_properties else []
        event = features.planned_event(checked.plan, target.call) if names else None
    if not names:
        return []
    if event is not None:  # the planned name and the names it had: one event's call sites
        names = [event.name, *event.previous_names]
    await ls.index_of(project)
    overlay = {}
    for uri in list(ls.workspace.text_documents):
        other = await ls.check(uri)
        if other is not None and other.result is not None:
            overlay[other.rel] = other.result.calls
    found = features.references(names, project.calls(overlay), str(project.settings.root), texts)
    if params.context.include_declaration and event is not None and event.location is not None:
        found.insert(0, features.plan_location(event.location, texts))
    return found


@SERVER.feature(lsp.TEXT_DOCUMENT_CODE_ACTION, lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
async def _code_action(ls: TracklintServer, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    checked = await ls.check(params.text_document.uri)
    if checked is None:
        return []
    texts = ls.lines()
    ours = [d for d in params.context.diagnostics if d.source == "tracklint"]
    return features.fix_actions(checked, ours, checked.root, texts) + features.add_event_actions(checked, ours, texts)


def serve() -> None:
    """Run the server on stdin/stdout until the client says exit."""
    SERVER.start_io()
