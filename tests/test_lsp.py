"""``tracklint lsp`` end to end: a real LSP client (pytest-lsp) talks to the server over stdio,
with TypeScript, Python, Swift, Kotlin, Java, Go and Ruby documents and the plan file of
``tests/fixtures/lsp/`` (copied, because some tests change the plan)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from pathlib import Path

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp", reason="the language server tests need pytest-lsp (the test extra)")
pytest.importorskip("pygls", reason="the language server needs pygls (the lsp extra)")

from lsprotocol import types as lsp  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "lsp"
DOCS = {"typescript": "web/checkout.ts", "python": "server/app.py", "swift": "ios/App.swift", "kotlin": "android/App.kt",
        "java": "java/Pay.java", "go": "go/pay.go", "ruby": "ruby/app.rb"}
LANGUAGE_IDS = {language: language for language in DOCS}

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("lsp") / "project"
    shutil.copytree(FIXTURE, root)
    (root / ".git").mkdir()  # the project root
    return root


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["TRACKLINT_CACHE_DIR"] = str(Path(env.get("TMPDIR", "/tmp")) / f"tracklint-lsp-test-{os.getpid()}")
    return env


@pytest_lsp.fixture(scope="module", config=ClientServerConfig(server_command=[sys.executable, "-m", "tracklint", "lsp"], server_env=_env()))
async def client(lsp_client: LanguageClient, workspace: Path):
    registered: list[str] = []
    features = lsp_client.protocol.fm._features
    record = features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]
    features[lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = lambda params: (HISTORY.append(params), record(params))[1]

    @lsp_client.feature(lsp.CLIENT_REGISTER_CAPABILITY)
    def _register(params: lsp.RegistrationParams) -> None:
        registered.extend(r.method for r in params.registrations)

    await lsp_client.initialize_session(lsp.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=workspace.as_uri(),
        workspace_folders=[lsp.WorkspaceFolder(uri=workspace.as_uri(), name="project")],
        initialization_options={"debounceMs": 0},
    ))
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------------------------------------
# helpers


def uri_of(workspace: Path, rel: str) -> str:
    return (workspace / rel).as_uri()


def at(text: str, needle: str, offset: int = 0) -> lsp.Position:
    """The LSP position (UTF-16 columns) of ``needle`` in ``text``, plus ``offset`` characters."""
    index = text.index(needle) + offset
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    return lsp.Position(line=line, character=len(text[start:index].encode("utf-16-le")) // 2)


#: Every publishDiagnostics the client received, in order (the fixture records them).
HISTORY: list[lsp.PublishDiagnosticsParams] = []


async def published(client: LanguageClient, uri: str, send, version: int | None,
                    until=lambda diagnostics: True) -> list[lsp.Diagnostic]:
    """Send something (``send()``), then wait for the document's diagnostics of ``version``
    (None: those of a close) that satisfy ``until``."""
    seen = len(HISTORY)
    send()
    async with asyncio.timeout(60):
        while True:
            for params in HISTORY[seen:]:
                if params.uri == uri and params.version == version and until(list(params.diagnostics)):
                    return list(params.diagnostics)
            seen = len(HISTORY)
            await asyncio.sleep(0.01)


async def open_doc(client: LanguageClient, workspace: Path, rel: str, language: str, text: str | None = None) -> list[lsp.Diagnostic]:
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text() if text is None else text
    return await published(client, uri, lambda: client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))), 1)


async def close_doc(client: LanguageClient, workspace: Path, rel: str) -> None:
    """Close a document and wait for its diagnostics to be cleared."""
    uri = uri_of(workspace, rel)
    cleared = await published(client, uri, lambda: client.text_document_did_close(lsp.DidCloseTextDocumentParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri))), None)
    assert cleared == []


async def indexed(client: LanguageClient) -> None:
    """Wait until the server reports its project index built ($/progress end)."""
    async with asyncio.timeout(120):
        while not any(isinstance(r, lsp.WorkDoneProgressEnd) for reports in client.progress_reports.values() for r in reports):
            await asyncio.sleep(0.05)


def tl001(diagnostics: list[lsp.Diagnostic]) -> list[tuple[int, int, str]]:
    return sorted((d.range.start.line, d.range.start.character, d.message.split("\n")[0]) for d in diagnostics if d.code == "TL001")


# ---------------------------------------------------------------------------------------------
# diagnostics


@pytest.mark.parametrize("language", sorted(DOCS))
async def test_open_publishes_the_findings_of_the_text(client: LanguageClient, workspace: Path, language: str) -> None:
    rel = DOCS[language]
    text = (workspace / rel).read_text()
    found = tl001(await open_doc(client, workspace, rel, LANGUAGE_IDS[language]))
    renamed, unplanned = at(text, "Order Completed", -1), at(text, "Brand New", -1)
    assert [(line, column) for line, column, _ in found] == [(renamed.line, renamed.character), (unplanned.line, unplanned.character)]
    assert "renamed to `Purchase Completed`" in found[0][2] and "`Brand New` is not in the tracking plan" in found[1][2]
    await close_doc(client, workspace, rel)


async def test_columns_are_utf16_after_non_ascii_text(client: LanguageClient, workspace: Path) -> None:
    rel = DOCS["typescript"]
    text = (workspace / rel).read_text()
    found = await open_doc(client, workspace, rel, "typescript")
    brand = next(d for d in found if "Brand New" in d.message)
    # "/* café ☕ */ " is 13 code points and 13 UTF-16 units; the emoji line below is not
    assert brand.range.start == at(text, '"Brand New"')
    emoji = text.replace("/* café ☕ */", "/* 🎉 */")
    uri = uri_of(workspace, rel)
    changed = await published(client, uri, lambda: client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=emoji)])), 2)
    brand = next(d for d in changed if "Brand New" in d.message)
    assert brand.range.start == at(emoji, '"Brand New"')  # the emoji counts 2 UTF-16 units
    assert brand.range.start.character == len('  /* 🎉 */ analytics.track(') + 1
    await close_doc(client, workspace, rel)


async def test_change_rechecks_the_text_in_memory(client: LanguageClient, workspace: Path) -> None:
    rel = DOCS["python"]
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text()
    assert len(tl001(await open_doc(client, workspace, rel, "python"))) == 2
    start = at(text, "Order Completed")
    end = lsp.Position(line=start.line, character=start.character + len("Order Completed"))
    after = await published(client, uri, lambda: client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=start, end=end), text="Purchase Completed")])), 2)
    assert [m for _, _, m in tl001(after)] == ["Event `Brand New` is not in the tracking plan."]
    assert (workspace / rel).read_text() == text  # nothing written
    await close_doc(client, workspace, rel)


async def test_the_plan_file_gets_its_lint_and_its_loading_problems(client: LanguageClient, workspace: Path) -> None:
    rel = "tracking-plan.yaml"
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text()
    await indexed(client)
    lint = await open_doc(client, workspace, rel, "yaml")
    assert [(d.code, d.range.start.line) for d in lint] == [
        ("TL012", at(text, "Signed Up").line), ("TL012", at(text, "Cart Viewed").line), ("TL103", at(text, "Cart Viewed").line)]
    assert "is not sent by any call site" in lint[0].message
    broken = text.replace("revenue: {type: number}", "revenue: {type: numbr}")
    problems = await published(client, uri, lambda: client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=broken)])), 2)
    assert [d.code for d in problems] == ["plan-error"]
    assert problems[0].range.start.line == at(broken, "numbr").line and "numbr" in problems[0].message
    await close_doc(client, workspace, rel)


# ---------------------------------------------------------------------------------------------
# hover, completion, definition


@pytest.mark.parametrize("language", sorted(DOCS))
async def test_hover_shows_the_plan_entry_and_the_property(client: LanguageClient, workspace: Path, language: str) -> None:
    rel = DOCS[language]
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text()
    await open_doc(client, workspace, rel, LANGUAGE_IDS[language])
    event = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at(text, "Purchase Completed", 3)))
    assert event is not None
    assert "**Purchase Completed**" in event.contents.value and "An order was paid." in event.contents.value
    assert "owner: payments" in event.contents.value and "| `order_id` | string | yes | The order's id. |" in event.contents.value
    renamed = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at(text, "Order Completed", 2)))
    assert "written here as `Order Completed`" in renamed.contents.value
    line = text.index("Purchase Completed")
    key = await client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=_shifted(text, line, "revenue", 2)))
    assert key is not None and key.contents.value.startswith("**revenue**: number (optional)")
    await close_doc(client, workspace, rel)


def _shifted(text: str, start: int, needle: str, offset: int) -> lsp.Position:
    """The position of the first ``needle`` after ``start``."""
    index = text.index(needle, start)
    return at(text[: index] + "\0" + text[index:], "\0", offset)


@pytest.mark.parametrize("language", sorted(DOCS))
async def test_completion_offers_planned_events_and_missing_keys(client: LanguageClient, workspace: Path, language: str) -> None:
    rel = DOCS[language]
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text()
    await open_doc(client, workspace, rel, LANGUAGE_IDS[language])
    names = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at(text, "Brand New", 5)))
    assert [i.label for i in names.items] == ["Cart Viewed", "Purchase Completed", "Signed Up"]
    edit = names.items[1].text_edit
    assert edit.range.start == at(text, "Brand New") and edit.range.end == at(text, "Brand New", len("Brand New"))
    first = text.index("Order Completed")
    keys = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=_shifted(text, first, "order_id", 0)))
    assert [i.label for i in keys.items] == ["order_id", "revenue"]
    assert keys.items[0].detail == "string (required)"
    await close_doc(client, workspace, rel)


@pytest.mark.parametrize("language", sorted(DOCS))
async def test_definition_goes_to_the_plan_line(client: LanguageClient, workspace: Path, language: str) -> None:
    rel = DOCS[language]
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text()
    plan = (workspace / "tracking-plan.yaml").read_text()
    await open_doc(client, workspace, rel, LANGUAGE_IDS[language])
    found = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at(text, "Order Completed", 1)))
    assert [(loc.uri, loc.range.start) for loc in found] == [(uri_of(workspace, "tracking-plan.yaml"), at(plan, "Purchase Completed:"))]
    unplanned = await client.text_document_definition_async(lsp.DefinitionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at(text, "Brand New", 1)))
    assert not unplanned
    await close_doc(client, workspace, rel)


# ---------------------------------------------------------------------------------------------
# references and the index


async def test_references_from_the_plan_list_every_call_site(client: LanguageClient, workspace: Path) -> None:
    rel = "tracking-plan.yaml"
    plan = (workspace / rel).read_text()
    await open_doc(client, workspace, rel, "yaml")
    found = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri_of(workspace, rel)), position=at(plan, "Purchase Completed", 4),
        context=lsp.ReferenceContext(include_declaration=False)))
    where = sorted((loc.uri.rsplit("/", 2)[-2:][0] + "/" + loc.uri.rsplit("/", 1)[-1], loc.range.start.line) for loc in found)
    # each language sends it twice: once under its previous name, once as planned
    assert where == sorted((DOCS[lang], line) for lang in DOCS
                           for line in (_line(workspace, DOCS[lang], "Order Completed"), _line(workspace, DOCS[lang], "Purchase Completed")))
    ends = [report for reports in client.progress_reports.values() for report in reports if isinstance(report, lsp.WorkDoneProgressEnd)]
    assert ends and "call sites in" in ends[-1].message
    await close_doc(client, workspace, rel)


def _line(workspace: Path, rel: str, needle: str) -> int:
    text = (workspace / rel).read_text()
    return text.count("\n", 0, text.index(needle))


async def test_references_follow_the_open_text(client: LanguageClient, workspace: Path) -> None:
    rel = DOCS["kotlin"]
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text()
    edited = text.replace('"Brand New"', '"Signed Up"')
    await open_doc(client, workspace, rel, "kotlin", edited)
    found = await client.text_document_references_async(lsp.ReferenceParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at(edited, "Signed Up", 2),
        context=lsp.ReferenceContext(include_declaration=True)))
    assert [(loc.uri, loc.range.start.line) for loc in found] == [
        (uri_of(workspace, "tracking-plan.yaml"), _line(workspace, "tracking-plan.yaml", "Signed Up")),
        (uri, _line(workspace, rel, "Brand New")),
    ]
    await close_doc(client, workspace, rel)


# ---------------------------------------------------------------------------------------------
# code actions and reloading


async def test_add_event_to_the_plan_then_reload_clears_the_finding(client: LanguageClient, workspace: Path) -> None:
    rel = DOCS["typescript"]
    uri = uri_of(workspace, rel)
    found = await open_doc(client, workspace, rel, "typescript")
    brand = next(d for d in found if "Brand New" in d.message)
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=brand.range,
        context=lsp.CodeActionContext(diagnostics=[brand])))
    add = next(a for a in actions if a.title.startswith("Add `Brand New`"))
    (plan_uri, edits), = add.edit.changes.items()
    assert plan_uri == uri_of(workspace, "tracking-plan.yaml")
    assert edits[0].new_text == "  Brand New:\n    properties:\n      colour: {type: string}\n"
    plan = workspace / "tracking-plan.yaml"
    original = plan.read_text()
    rows = original.split("\n")
    line = edits[0].range.start.line
    plan.write_text("\n".join(rows[:line]) + "\n" + edits[0].new_text + "\n".join(rows[line:]))
    try:
        after = await published(client, uri, lambda: client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=plan_uri, type=lsp.FileChangeType.Changed)])), 1, until=lambda d: len(tl001(d)) == 1)
        assert [m for _, _, m in tl001(after)] == ["`Order Completed` was renamed to `Purchase Completed` in the tracking plan."]
    finally:
        plan.write_text(original)
        await published(client, uri, lambda: client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=plan_uri, type=lsp.FileChangeType.Changed)])), 1, until=lambda d: len(tl001(d)) == 2)
        await close_doc(client, workspace, rel)


async def test_a_burst_of_changes_ends_with_the_findings_of_the_last_text(client: LanguageClient, workspace: Path) -> None:
    rel = DOCS["swift"]
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text()
    await open_doc(client, workspace, rel, "swift")
    names = ["Signed Up", "Nope A", "Nope B", "Cart Viewed", "Last One"]
    for version, name in enumerate(names, start=2):
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangeWholeDocument(text=text.replace("Brand New", name))]))
    last = len(names) + 1
    async with asyncio.timeout(60):
        while not any(p.uri == uri and p.version == last for p in HISTORY):
            await asyncio.sleep(0.01)
    params = next(p for p in HISTORY if p.uri == uri and p.version == last)
    assert "`Last One` is not in the tracking plan" in " ".join(d.message for d in params.diagnostics)
    await close_doc(client, workspace, rel)


async def test_files_tracklint_does_not_read_get_no_findings(client: LanguageClient, workspace: Path) -> None:
    assert await open_doc(client, workspace, "notes.yaml", "yaml", "a: 1\nanalytics.track: x\n") == []
    assert await open_doc(client, workspace, "README.md", "markdown", 'analytics.track("Nope")\n') == []
    await close_doc(client, workspace, "notes.yaml")
    await close_doc(client, workspace, "README.md")


async def test_a_source_file_changed_on_disk_is_read_into_the_index(client: LanguageClient, workspace: Path) -> None:
    await indexed(client)
    extra = workspace / "web" / "extra.ts"
    extra.write_text('analytics.track("Cart Viewed", { items: 2 });\n')
    try:
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=extra.as_uri(), type=lsp.FileChangeType.Created)]))
        rel = "tracking-plan.yaml"
        plan = (workspace / rel).read_text()
        await open_doc(client, workspace, rel, "yaml")
        # the index is refreshed in the background: a loaded machine may answer before it is
        deadline = asyncio.get_running_loop().time() + 60
        while True:
            found = await client.text_document_references_async(lsp.ReferenceParams(
                text_document=lsp.TextDocumentIdentifier(uri=uri_of(workspace, rel)), position=at(plan, "Cart Viewed"),
                context=lsp.ReferenceContext(include_declaration=False)))
            if found or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.1)
        assert [(loc.uri, loc.range.start.line) for loc in found] == [(extra.as_uri(), 0)]
        await close_doc(client, workspace, rel)
    finally:
        extra.unlink()
        client.workspace_did_change_watched_files(lsp.DidChangeWatchedFilesParams(
            changes=[lsp.FileEvent(uri=extra.as_uri(), type=lsp.FileChangeType.Deleted)]))


@pytest.mark.parametrize("language, value, written", [
    ("typescript", "orderId", "revenue"), ("python", "order.id", '"revenue"'), ("ruby", "order.id", "revenue:")])
async def test_a_key_completed_after_the_last_key_is_written_as_the_language_writes_keys(
        client: LanguageClient, workspace: Path, language: str, value: str, written: str) -> None:
    rel = DOCS[language]
    uri = uri_of(workspace, rel)
    text = (workspace / rel).read_text()
    first = text.index(value, text.index("Order Completed"))
    typing = text[:first + len(value)] + ", " + text[first + len(value):]  # the user typed ", "
    await open_doc(client, workspace, rel, language, typing)
    keys = await client.text_document_completion_async(lsp.CompletionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), position=at(typing, value + ", ", len(value) + 2)))
    assert [(i.label, i.insert_text) for i in keys.items] == [("revenue", written)]  # order_id is given already
    await close_doc(client, workspace, rel)


@pytest.mark.parametrize("language", sorted(DOCS))
async def test_the_quick_fix_renames_and_the_finding_goes(client: LanguageClient, workspace: Path, language: str) -> None:
    """open -> finding -> code action -> apply (as an editor: the edit comes back as a change)
    -> the finding is gone."""
    rel = DOCS[language]
    uri = uri_of(workspace, rel)
    unsaved = "\n\n" + (workspace / rel).read_text()  # the edit must follow the editor's text, not the disk's
    found = await open_doc(client, workspace, rel, LANGUAGE_IDS[language], unsaved)
    renamed = next(d for d in found if "renamed" in d.message)
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=renamed.range,
        context=lsp.CodeActionContext(diagnostics=[renamed])))
    fix = next(a for a in actions if a.is_preferred)
    assert "Purchase Completed" in fix.title and fix.kind == lsp.CodeActionKind.QuickFix
    (target, edits), = fix.edit.changes.items()
    assert target == uri and [e.new_text for e in edits] == ["Purchase Completed"]
    assert edits[0].range.start == at(unsaved, "Order Completed")
    after = await published(client, uri, lambda: client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in edits])), 2)
    assert [m for _, _, m in tl001(after)] == ["Event `Brand New` is not in the tracking plan."]
    assert (workspace / rel).read_text().count("Order Completed") == 1  # the server never writes
    await close_doc(client, workspace, rel)
