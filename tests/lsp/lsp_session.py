"""Drive `python -m twingrad.lsp` over stdio with pygls's own LSP client (a separate process, real JSON-RPC)."""
from __future__ import annotations

import asyncio
import sys

from lsprotocol import types
from pygls.lsp.client import LanguageClient

SEED_TF = """\
import tensorflow as tf

x = tf.Variable(3.0)
y = tf.Variable(4.0)
with tf.GradientTape() as tape:
    z = x**2 + y**2
dx, dy = tape.gradient(z, [x, y])
"""


class Session:
    """A started, initialized server plus the diagnostics it has published, by URI."""

    def __init__(self, client: LanguageClient):
        self.client = client
        self.diagnostics: dict[str, asyncio.Queue] = {}
        self.versions: dict[str, int] = {}

    async def request(self, method: str, params: dict):
        return await self.client.protocol.send_request_async(method, params)

    def open(self, uri: str, text: str) -> None:
        self.versions[uri] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))

    def replace(self, uri: str, text: str) -> None:
        self.versions[uri] += 1
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
            [types.TextDocumentContentChangeWholeDocument(text=text)]))

    async def next_diagnostics(self, uri: str, timeout: float = 20) -> types.PublishDiagnosticsParams:
        return await asyncio.wait_for(self.diagnostics.setdefault(uri, asyncio.Queue()).get(), timeout)


def lsp_test(body=None, *, initialization_options=None):
    """Run `async def body(session)` against a fresh server process, shut down cleanly afterwards.
    Use as `@lsp_test` or `@lsp_test(initialization_options={...})`."""
    if body is None:
        return lambda body: lsp_test(body, initialization_options=initialization_options)

    def run():
        async def main():
            client = LanguageClient("twingrad-tests", "0")
            session = Session(client)

            @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            def on_diagnostics(params: types.PublishDiagnosticsParams):
                session.diagnostics.setdefault(params.uri, asyncio.Queue()).put_nowait(params)

            await client.start_io(sys.executable, "-m", "twingrad.lsp")
            try:
                await client.initialize_async(types.InitializeParams(
                    capabilities=types.ClientCapabilities(), process_id=None,
                    initialization_options=initialization_options))
                client.initialized(types.InitializedParams())
                await asyncio.wait_for(body(session), 60)
                await client.shutdown_async(None)
                client.exit(None)
            finally:
                if client._server.returncode is None:
                    client._server.kill()
                await client.stop()

        asyncio.run(main())

    run.__name__, run.__doc__ = body.__name__, body.__doc__  # not functools.wraps: pytest would want `session`
    return run
