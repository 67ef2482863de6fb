"""Round trip of a `twingrad/translate` request through the warm language server, beside a fresh process.

The editor sends every translation to one long-running `python -m twingrad.lsp`; this measures that round trip
(JSON-RPC over stdio, translation, reply) for a ~300-line TensorFlow file, and for comparison the cost of what
the server saves: spawning `twingrad translate --to torch FILE` for the same file. Target: median round trip
under 100 ms. Two round trips are measured:

  open file      the editor's usual flow: the file is open (didOpen), the server has analysed it for its hints,
                 then the command asks for its translation (answered from that analysis);
  fresh edit     every request carries a text the server has not seen (a new comment line each time), so it
                 is translated on the spot: the server's own overhead plus translate() itself.

translate() called in-process on the same text is printed too, so the server's share is visible.

    .venv/bin/python benchmarks/lsp_roundtrip.py [--file TF_FILE] [--requests 30] [--spawns 5]

Without --file, the file is the TensorFlow test programs of tests/programs/tf/ concatenated (and repeated)
up to 300 lines: real autodiff code in TF's guide style, not written for this benchmark.
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0


def default_source(lines: int = 300) -> str:
    programs = sorted((ROOT / "tests" / "programs" / "tf").glob("*.py"))
    if not programs:
        sys.exit("no TensorFlow programs under tests/programs/tf; pass --file")
    out: list[str] = []
    while len(out) < lines:
        for program in programs:
            out += program.read_text(encoding="utf-8").splitlines() + [""]
            if len(out) >= lines:
                break
    return "\n".join(out) + "\n"


async def server_round_trips(text: str, file: Path, requests: int) -> dict[str, list[float]]:
    client = LanguageClient("twingrad-benchmark", "0")
    analysed = asyncio.Event()
    client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)(lambda params: analysed.set())
    await client.start_io(sys.executable, "-m", "twingrad.lsp")
    try:
        await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(), process_id=None))
        client.initialized(types.InitializedParams())
        send = client.protocol.send_request_async
        params = {"text": text, "to": "torch", "path": str(file)}
        times: dict[str, list[float]] = {"open file": [], "fresh edit": []}
        for i in range(requests):
            uri = f"{file.as_uri()}?{i}"  # a new document each time: the analysis is redone
            analysed.clear()
            client.text_document_did_open(types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
            await asyncio.wait_for(analysed.wait(), 120)
            t0 = time.perf_counter()
            reply = await send("twingrad/translate", params)
            times["open file"].append(time.perf_counter() - t0)
            if not reply.edits or not reply.edits[0].newText:
                sys.exit("the server's translation is empty: nothing to measure")
            edited = {**params, "text": f"{text}# edit {i}\n"}
            t0 = time.perf_counter()
            await send("twingrad/translate", edited)
            times["fresh edit"].append(time.perf_counter() - t0)
        await client.shutdown_async(None)
        client.exit(None)
    finally:
        await client.stop()
    return times


def in_process(text: str, runs: int) -> list[float]:
    from twingrad.translator import translate

    times = []
    for i in range(runs):
        t0 = time.perf_counter()
        translate(f"{text}# edit {i}\n", to="torch")
        times.append(time.perf_counter() - t0)
    return times


def fresh_processes(file: Path, spawns: int) -> list[float]:
    twingrad = Path(sys.executable).with_name("twingrad")
    times = []
    for _ in range(spawns):
        t0 = time.perf_counter()
        done = subprocess.run([str(twingrad), "translate", "--to", "torch", str(file)], capture_output=True, text=True)
        if done.returncode not in (0, 1):  # 1: translated, with flagged leftovers
            sys.exit(f"twingrad translate failed ({done.returncode}): {done.stderr}")
        times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, help="a TensorFlow file (default: ~300 lines of tests/programs/tf)")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--spawns", type=int, default=5)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        file = args.file or Path(tmp) / "bench_tf.py"
        if not args.file:
            file.write_text(default_source(), encoding="utf-8")
        text = file.read_text(encoding="utf-8")
        server = asyncio.run(server_round_trips(text, file.resolve(), args.requests))
        spawned = fresh_processes(file, args.spawns)
    rows = {f"server, {kind} ({len(times)} requests)": times for kind, times in server.items()}
    rows[f"translate() in-process ({args.spawns} calls)"] = in_process(text, args.spawns)
    rows[f"fresh `twingrad translate` ({len(spawned)} runs)"] = spawned

    print(f"file: {file if args.file else 'tests/programs/tf/*.py concatenated'} ({len(text.splitlines())} lines)")
    print(f"{'':44} {'median':>10} {'min':>10} {'max':>10}")
    for label, times in rows.items():
        print(f"{label:44} " + " ".join(f"{t * 1000:8.1f}ms" for t in (statistics.median(times), min(times), max(times))))
    for kind, times in server.items():
        median = statistics.median(times) * 1000
        print(f"target, {kind}: median < {TARGET_MS:.0f} ms: {'met' if median < TARGET_MS else 'NOT met'} "
              f"({median:.1f} ms; a fresh process takes {statistics.median(spawned) * 1000:.0f} ms)")

if __name__ == "__main__":
    main()
