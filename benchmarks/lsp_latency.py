"""How long ``tracklint lsp`` takes from a change to the diagnostics of that change.

Starts the server over stdio as an editor would (pygls' client), opens a generated 2,000-line
file per language in a project with a plan (tests/fixtures/lsp's), then edits one line at a
time (the event name alternates between a planned and an unplanned one, so every change
changes the findings) and times each ``didChange`` to the ``publishDiagnostics`` of its
version. Prints the median, 90th percentile and maximum per language, with the machine's load
(the target: under 100 ms on this machine).

    PYTHONPATH=$PWD /work/venv/bin/python benchmarks/lsp_latency.py [--lines 2000] [--edits 40] [--every 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "tests" / "fixtures" / "lsp" / "tracking-plan.yaml"

#: Per language: file name, header lines, one block of lines (``{i}``: block number, ``{event}``:
#: the event name; ``{call}``: the tracking call, or, in most blocks, ordinary logging).
SHAPES = {
    "typescript": ("web/big.ts", ['import { analytics } from "./analytics";', ""], [
        "export function step{i}(id: string, n: number): number {{",
        "  const total{i} = n * 2 + {i};",
        '  {call}("{event}", {{ order_id: id, revenue: total{i} }});',
        "  return total{i};",
        "}}",
        "",
    ]),
    "python": ("server/big.py", ["import segment.analytics as analytics", ""], [
        "def step{i}(user, n):",
        "    total = n * 2 + {i}",
        '    {call}(user.id, "{event}", {{"order_id": user.order, "revenue": total}})',
        "    return total",
        "",
        "",
    ]),
    "swift": ("ios/Big.swift", ["import Foundation", ""], [
        "func step{i}(id: String, n: Int) -> Int {{",
        "    let total = n * 2 + {i}",
        '    {call}(name: "{event}", properties: ["order_id": id, "revenue": total])',
        "    return total",
        "}}",
        "",
    ]),
    "kotlin": ("android/Big.kt", ["package app", ""], [
        "fun step{i}(id: String, n: Int): Int {{",
        "    val total = n * 2 + {i}",
        '    {call}("{event}", mapOf("order_id" to id, "revenue" to total))',
        "    return total",
        "}}",
        "",
    ]),
}


#: What the blocks without a tracking call call instead.
LOGGING = {"typescript": "logger.info", "python": "logger.info", "swift": "logger.info", "kotlin": "logger.info"}


def generate(language: str, lines: int, every: int = 10) -> tuple[str, str, int]:
    """(relative path, text, the line of the call that the edits change): one block in
    ``every`` sends an event (every=10: 33 calls in 2,000 lines; every=1: 333)."""
    name, header, block = SHAPES[language]
    out = list(header)
    i = 0
    while len(out) < lines:
        call = "analytics.track" if i % every == 0 else LOGGING[language]
        out += [row.format(i=i, event="Purchase Completed", call=call) for row in block]
        i += 1
    middle = next(n for n in range(len(out) // 2, len(out)) if "analytics.track" in out[n])
    return name, "\n".join(out[:lines]) + "\n", middle


async def measure(root: Path, language: str, lines: int, edits: int, every: int) -> list[float]:
    from lsprotocol import types as lsp
    from pygls.lsp.client import BaseLanguageClient

    rel, text, line = generate(language, lines, every)
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).write_text(text)
    uri = (root / rel).as_uri()
    arrived: dict[int, float] = {}
    client = BaseLanguageClient("lsp-latency", "1")

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def _diagnostics(params: lsp.PublishDiagnosticsParams) -> None:
        if params.uri == uri and params.version is not None:
            arrived.setdefault(params.version, time.perf_counter())

    env = dict(os.environ, PYTHONPATH=str(REPO))
    await client.start_io(sys.executable, "-m", "tracklint", "lsp", env=env)
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=root.as_uri(),
                                                       initialization_options={"index": False}))
    client.initialized(lsp.InitializedParams())
    client.text_document_did_open(lsp.DidOpenTextDocumentParams(
        text_document=lsp.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    await _until(lambda: 1 in arrived)
    row = text.split("\n")[line]
    start = row.index('"') + 1
    times = []
    for version in range(2, edits + 2):
        event = "Brand New Thing" if version % 2 else "Purchase Completed"
        old = "Purchase Completed" if version % 2 else "Brand New Thing"
        sent = time.perf_counter()
        client.text_document_did_change(lsp.DidChangeTextDocumentParams(
            text_document=lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[lsp.TextDocumentContentChangePartial(
                range=lsp.Range(start=lsp.Position(line=line, character=start),
                                end=lsp.Position(line=line, character=start + len(old))),
                text=event)]))
        await _until(lambda: version in arrived)
        times.append(arrived[version] - sent)
        await asyncio.sleep(0.05)  # a typist's pause: each change is measured on its own
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


async def _until(done, timeout: float = 60.0) -> None:
    end = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > end:
            raise TimeoutError("no diagnostics from the server")
        await asyncio.sleep(0.001)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--languages", default=",".join(SHAPES))
    parser.add_argument("--every", type=int, default=10, help="one block in EVERY sends an event (1: every block)")
    args = parser.parse_args()
    print(f"{args.lines}-line files, one block in {args.every} sends an event, {args.edits} edits each; load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print(f"{'language':<11} {'median':>8} {'p90':>8} {'max':>8}  (ms, change -> diagnostics)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        shutil.copy(PLAN, root / "tracking-plan.yaml")
        for language in args.languages.split(","):
            times = sorted(t * 1000 for t in asyncio.run(measure(root, language, args.lines, args.edits, args.every)))
            p90 = times[min(len(times) - 1, int(len(times) * 0.9))]
            print(f"{language:<11} {statistics.median(times):8.1f} {p90:8.1f} {times[-1]:8.1f}")


if __name__ == "__main__":
    main()
