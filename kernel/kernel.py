"""The twingrad Jupyter kernel: every cell runs as written and translated, in a TF world and a PyTorch world.

The kernel process itself never imports a framework (it is ready in about a second); two worker processes
(`twingrad.kernel.worker`) hold the worlds' namespaces and import their framework in the background.
After each cell one display_data shows the comparison (see `twingrad.kernel.report`).
"""
from __future__ import annotations

import queue
import sys
import time

from ipykernel.kernelbase import Kernel
from traitlets import Enum, Float, Int

from . import report
from .cells import Session, names_in
from .compare import compare
from .runner import WORLDS, TwinResult, WorldResult, other, plan, rename_held
from .worker import Worker

LABELS = {"tf": "[TF] ", "torch": "[PyTorch] "}
INTERRUPT_GRACE = 10.0  # seconds a world gets to stop after an interrupt before it is restarted
WORKER_DELAY = 0.5      # seconds: the kernel answers its first requests before two frameworks load beside it
REQUEST_TIMEOUT = 60.0  # completion/inspection wait at most this long (a framework may still be loading)


class TwinKernel(Kernel):
    implementation = "twingrad"
    implementation_version = "0.1.0"
    language = "python"
    language_version = sys.version.split()[0]
    language_info = {
        "name": "python", "version": sys.version.split()[0], "mimetype": "text/x-python",
        "file_extension": ".py", "pygments_lexer": "ipython3", "codemirror_mode": {"name": "ipython", "version": 3},
        "nbconvert_exporter": "python",
    }
    banner = "twingrad: every cell runs in TensorFlow and in PyTorch (one translated), gradients side by side"
    help_links = []

    # Settable in the kernel's config (e.g. `c.TwinKernel.style = "autograd"`) or as --TwinKernel.style=...
    style = Enum(["backward", "autograd"], "backward", help="PyTorch gradient style of translations").tag(config=True)
    seed = Int(0, help="seed of the random draws both worlds share").tag(config=True)
    rtol = Float(1e-5, help="relative tolerance of the comparison").tag(config=True)
    atol = Float(1e-6, help="absolute tolerance of the comparison").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.session_cells = Session()
        self.inbox: queue.Queue = queue.Queue()
        self.workers: dict[str, Worker] = {}
        self.partial_lines = {}  # (world, stream name) -> text after the last newline, not shown yet
        self.last_framework = "tf"

    def start(self):
        super().start()
        self.io_loop.call_later(WORKER_DELAY, self._start_workers)

    def _start_workers(self) -> None:
        for world in WORLDS:
            self._worker(world)

    # --- talking to the worlds -----------------------------------------------------------------------------

    def _worker(self, world: str) -> Worker:
        """The world's worker process, started on first need (or WORKER_DELAY after start-up)."""
        if world not in self.workers:
            self.workers[world] = Worker(world, self.seed, self.inbox)
        return self.workers[world]

    def _publish_stream(self, world: str, name: str, text: str, silent: bool, flush: bool = False) -> None:
        """Labelled output, whole lines at a time: every line starts with [TF] or [PyTorch]."""
        key = (world, name)
        pending = self.partial_lines.pop(key, "") + text
        cut = len(pending) if flush else pending.rfind("\n") + 1
        pending, self.partial_lines[key] = pending[:cut], pending[cut:]
        if pending and not silent:
            labelled = "".join(LABELS[world] + line for line in pending.splitlines(keepends=True))
            self.send_response(self.iopub_socket, "stream", {"name": name, "text": labelled})

    def _drain_stale(self, silent: bool) -> None:
        """Messages that arrived between cells: framework loading output is logged; a world that died is
        restarted and the user told, at the start of the next cell."""
        while not self.inbox.empty():
            world, proc, message = self.inbox.get_nowait()
            if message[0] == "dead" and world in self.workers and self.workers[world].proc is proc:
                self.workers[world].restart()
                self._publish_stream(world, "stderr", f"this world's process died between cells (exit code "
                                     f"{message[1]}); it was restarted and its variables are lost\n", silent)
            else:
                self.log.info("twingrad %s worker output between cells: %r", world, message)

    def _await(self, pending: dict, silent: bool = False) -> dict:
        """Wait for one ("result", ...) per world in `pending` ({world: process}); stream output meanwhile.

        An interrupt (KeyboardInterrupt here) is passed on to the busy worlds; a world that does not stop
        within INTERRUPT_GRACE, or whose process dies, is restarted and reported as such.
        """
        results, deadline = {}, None
        while len(results) < len(pending):
            try:
                world, proc, message = self.inbox.get(timeout=0.1)
            except queue.Empty:
                if deadline and time.monotonic() > deadline:
                    for world in set(pending) - set(results):
                        self.workers[world].restart()
                        results[world] = {"error_type": "Interrupted", "values": {}, "error":
                                          f"the {report.NAMES[world]} world did not stop after the interrupt; "
                                          "it was restarted and its variables are lost"}
                continue
            except KeyboardInterrupt:
                for world in set(pending) - set(results):
                    self.workers[world].interrupt()
                deadline = deadline or time.monotonic() + INTERRUPT_GRACE
                continue
            if world not in pending or proc is not pending[world] or world in results:
                continue  # from a process that was restarted meanwhile
            kind = message[0]
            if kind == "stream":
                self._publish_stream(world, message[1], message[2], silent)
            elif kind == "result":
                results[world] = message[1]
            elif kind == "dead":
                self.workers[world].restart()
                results[world] = {"error_type": "Crash", "values": {}, "error":
                                  f"the {report.NAMES[world]} world's process died (exit code {message[1]}); "
                                  "it was restarted and its variables are lost"}
        for world in pending:
            for name in ("stdout", "stderr"):
                self._publish_stream(world, name, "", silent, flush=True)
        return results

    def _request(self, world: str, request: dict) -> dict | None:
        """A completion/inspection request to one world; None if it does not answer in time."""
        worker = self._worker(world)
        if not worker.ready.wait(REQUEST_TIMEOUT):
            return None
        worker.send(request)
        deadline = time.monotonic() + REQUEST_TIMEOUT
        while time.monotonic() < deadline:
            try:
                got, proc, message = self.inbox.get(timeout=0.1)
            except queue.Empty:
                continue
            if got == world and proc is worker.proc and message[0] == "result":
                return message[1]
            if message[0] == "dead":
                worker.restart()
                return None
        return None

    # --- Jupyter messages (blocking inside: one cell at a time, like IPython) -----------------------------------

    async def do_execute(self, code, silent, store_history=True, user_expressions=None, allow_stdin=False,
                         *, cell_meta=None, cell_id=None):
        if not code.strip():
            return self._ok()
        try:
            return self._execute(code, silent)
        except Exception as err:  # a twingrad bug: say so in the cell rather than leave it without a reply
            import traceback

            return self._error(type(err).__name__, f"twingrad kernel error: {err}",
                               traceback.format_exc().splitlines(), silent)

    def _execute(self, code: str, silent: bool) -> dict:
        from twingrad.translator import TranslationInputError

        self._drain_stale(silent)
        started = time.perf_counter()
        path = f"<cell {self.execution_count}>"
        try:
            origin, translation, translation_error = self.session_cells.translate(code, path, style=self.style)
        except TranslationInputError as err:
            lines = code.splitlines()
            if 1 <= err.line <= len(lines) and lines[err.line - 1].lstrip().startswith(("%", "!")):
                err = f"{err} (IPython magics and shell commands do not run here: both worlds run plain Python)"
            return self._error("SyntaxError", str(err), [f"SyntaxError: {err}"], silent)
        if origin:
            self.last_framework = origin
        translated = time.perf_counter()
        runs = plan(origin, code, path, translation)
        names = list(dict.fromkeys(names_in(code) + (names_in(translation.code) if translation else [])))
        held = getattr(translation, "names", None) or {}  # `x.grad` in the original, `x_grad` in the translation
        for world, (world_code, world_path) in runs.items():
            self._worker(world).send({"op": "run", "code": world_code, "path": world_path, "names": names,
                                      "expressions": list(held) if world == origin else [],
                                      "cell": self.execution_count})
        outcomes = self._await({w: self.workers[w].proc for w in runs}, silent)
        results = {w: WorldResult(w, **outcomes[w]) if w in outcomes else
                   WorldResult(w, error=translation_error, error_type="TranslatorError") for w in WORLDS}
        self.session_cells.record(code)
        if origin:
            rename_held(results[other(origin)].values, held)
        twin = TwinResult(origin, translation, translation_error, results["tf"], results["torch"],
                          compare(results["tf"].values, results["torch"].values, rtol=self.rtol, atol=self.atol,
                                  origin=origin))
        # Framework-free cells that leave no values and fail alike in both worlds have nothing to compare.
        worth_showing = twin.comparison.rows or origin or results["tf"].error != results["torch"].error
        if worth_showing and not silent:
            data = report.bundle(twin)
            # Where the time went, for benchmarks/kernel_overhead.py: total minus the slower world's own run
            # is the twin overhead (translation, messaging, comparison, rendering).
            timings = {"translate_s": translated - started, "total_s": time.perf_counter() - started,
                       "world_s": {w: results[w].seconds for w in WORLDS}}
            self.send_response(self.iopub_socket, "display_data", {"data": data, "metadata": {"twingrad": timings}})
        original = [results[origin]] if origin else list(results.values())
        failed = next((r for r in original if not r.ok), None)
        if failed is None:
            if original[0].last is not None and not silent:
                self.send_response(self.iopub_socket, "execute_result", {
                    "execution_count": self.execution_count, "data": {"text/plain": original[0].last}, "metadata": {}})
            return self._ok()
        return self._error(failed.error_type, failed.error.rstrip().splitlines()[-1],
                           [f"{LABELS[failed.world]}{line}" for line in failed.error.rstrip().splitlines()], silent)

    def _ok(self):
        return {"status": "ok", "execution_count": self.execution_count, "payload": [], "user_expressions": {}}

    def _error(self, ename, evalue, traceback, silent):
        content = {"ename": ename, "evalue": evalue, "traceback": traceback}
        if not silent:
            self.send_response(self.iopub_socket, "error", content)
        return {"status": "error", "execution_count": self.execution_count, **content}

    def _world_for(self, code: str) -> str:
        return self.session_cells.framework_of(code) or self.last_framework

    async def do_complete(self, code, cursor_pos):
        reply = self._request(self._world_for(code), {"op": "complete", "code": code, "cursor": cursor_pos})
        reply = reply or {"matches": [], "cursor_start": cursor_pos, "cursor_end": cursor_pos}
        return {"status": "ok", "metadata": {}, **reply}

    async def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        reply = self._request(self._world_for(code), {"op": "inspect", "code": code, "cursor": cursor_pos,
                                                      "detail": detail_level})
        reply = reply or {"found": False, "data": {}}
        return {"status": "ok", "metadata": {}, **reply}

    async def do_is_complete(self, code):
        from IPython.core.inputtransformer2 import TransformerManager

        status, indent = TransformerManager().check_complete(code)
        return {"status": status, "indent": " " * (indent or 0)} if status == "incomplete" else {"status": status}

    async def do_shutdown(self, restart):
        for worker in self.workers.values():
            worker.stop()
        return {"status": "ok", "restart": restart}
