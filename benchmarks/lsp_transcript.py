"""One editing session with ``tracklint lsp``, message by message (for docs/editors.md).

A client opens a clean TypeScript file of a project with a plan, types a renamed event name
(``didChange``), receives the finding, asks for its code actions, applies the quick fix as an
editor does (its ``WorkspaceEdit`` becomes a ``didChange``), and receives the empty list of
findings. Every JSON-RPC message both ways is printed, as sent, with the time since the start.

    PYTHONPATH=$PWD /work/venv/bin/python benchmarks/lsp_transcript.py
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "tests" / "fixtures" / "lsp" / "tracking-plan.yaml"
CLEAN = 'export function pay(id: string) {\n  analytics.track("Purchase Completed", { order_id: id });\n}\n'
TYPED = "purchase_completed"
SKIPPED = {"window/logMessage", "$/progress", "window/workDoneProgress/create", "client/registerCapability"}


async def session(root: Path) -> None:
    from lsprotocol import types as lsp
    from pygls.lsp.client import BaseLanguageClient

    started = time.perf_counter()
    client = BaseLanguageClient("transcript", "1")
    protocol = client.protocol
    published: asyncio.Queue = asyncio.Queue()

    def show(arrow: str, message) -> None:
        data = protocol._converter.unstructure(message)
        if data.get("method") in SKIPPED:
            return
        data.pop("jsonrpc", None)
        if data.get("method") == "initialize" or (isinstance(data.get("result"), dict) and "capabilities" in data["result"]):
            data = {k: v for k, v in data.items() if k not in ("params", "result")} | {"…": "capabilities elided"}
        print(f"{(time.perf_counter() - started) * 1000:7.1f} ms {arrow} {json.dumps(data, ensure_ascii=False)}")

    send, handle = protocol._send_data, protocol.handle_message
    protocol._send_data = lambda message: (show("-->", message), send(message))[1]
    protocol.handle_message = lambda message: (show("<--", message), handle(message))[1]

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        published.put_nowait(params)

    await client.start_io(sys.executable, "-m", "tracklint", "lsp", env=dict(os.environ, PYTHONPATH=str(REPO)))
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri(),
                                                       initialization_options={"index": False}))
    client.initialized(lsp.InitializedParams())
    uri = (root / "web" / "pay.ts").as_uri()
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id="typescript", version=1, text=CLEAN)))
    await published.get()
    start = lsp.Position(line=1, character=CLEAN.split("\n")[1].index("Purchase"))
    end = lsp.Position(line=1, character=start.character + len("Purchase Completed"))
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[lsp.TextDocumentContentChangePartial(range=lsp.Range(start=start, end=end), text=TYPED)]))
    found = (await published.get()).diagnostics
    actions = await client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=uri), range=found[0].range,
        context=lsp.CodeActionContext(diagnostics=found)))
    fix = next(a for a in actions or () if a.is_preferred)
    edits = fix.edit.changes[uri]
    client.text_document_did_change(lsp.DidChangeTextDocumentParams(
        text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[lsp.TextDocumentContentChangePartial(range=e.range, text=e.new_text) for e in edits]))
    clean = await published.get()
    assert not clean.diagnostics, clean
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        shutil.copy(PLAN, root / "tracking-plan.yaml")
        asyncio.run(session(root))


if __name__ == "__main__":
    main()
