"""A persistent world in its own process, driven by the twingrad kernel.

The kernel keeps one worker per world (TF and PyTorch). Each worker holds the namespace of every cell run
so far, so later cells see earlier state. Messages are pickled over two pipes; the worker's Python-level
stdout/stderr are forwarded as ("stream", name, text) messages in order with the results, its C-level
output (framework logs) arrives on a separate pipe. The worker ignores SIGINT except while user code runs,
so an interrupt stops the cell and nothing else.
"""
from __future__ import annotations

import builtins
import contextlib
import io
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time

from .runner import _TF_BANNER, World, collect, collect_expressions, world_env

PRELOAD = {"tf": ("tensorflow", "keras"), "torch": ("torch",)}


class _Forward(io.TextIOBase):
    """sys.stdout/sys.stderr of a worker: every write becomes a message to the kernel."""

    encoding = "utf-8"  # some libraries look before they print

    def __init__(self, name, send):
        self.name, self.send = name, send

    def writable(self):
        return True

    def write(self, text):
        if text:
            self.send(("stream", self.name, text))
        return len(text)


def _complete(namespace: dict, request: dict) -> dict:
    import jedi

    code, cursor = request["code"], request["cursor"]
    before = code[:cursor]
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1)
    completions = jedi.Interpreter(code, [namespace]).complete(line, column)
    prefix = len(completions[0].name) - len(completions[0].complete) if completions else 0
    return {"matches": [c.name for c in completions], "cursor_start": cursor - prefix, "cursor_end": cursor}


def _inspect(namespace: dict, request: dict) -> dict:
    """IPython's own object info for the dotted name under the cursor (attribute lookups only, no calls)."""
    import re

    from IPython.core.oinspect import Inspector

    code, cursor = request["code"], request["cursor"]
    start = cursor
    while start > 0 and (code[start - 1].isalnum() or code[start - 1] in "._"):
        start -= 1
    match = re.match(r"[A-Za-z_][\w.]*", code[start:])
    if not match:
        return {"found": False, "data": {}}
    name = match.group().rstrip(".")
    head, *attrs = name.split(".")
    try:
        obj = namespace[head] if head in namespace else getattr(builtins, head)
        for attr in attrs:
            obj = getattr(obj, attr)
    except Exception:
        return {"found": False, "data": {}}
    bundle = Inspector(theme_name="nocolor")._get_info(obj, name, detail_level=request["detail"])
    return {"found": True, "data": bundle}


def main(world_name: str, seed: str, fd_in: str, fd_out: str) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    inbox, outbox = os.fdopen(int(fd_in), "rb"), os.fdopen(int(fd_out), "wb")
    lock = threading.Lock()

    def send(message):
        with lock:
            pickle.dump(message, outbox, protocol=pickle.HIGHEST_PROTOCOL)
            outbox.flush()

    world = World(world_name, int(seed))
    world.install()
    for module in PRELOAD[world_name]:  # in the background of the kernel: it answers before this ends
        try:
            __import__(module)
        except Exception as err:  # the user's own import will show the error
            print(f"twingrad: preloading {module} failed: {err}", file=sys.stderr)
    send(("ready",))
    streams = _Forward("stdout", send), _Forward("stderr", send)
    while True:
        try:
            request = pickle.load(inbox)
        except EOFError:
            return 0
        op = request["op"]
        if op == "run":
            world.draws.restart_data(int(seed), request["cell"])
            sys.stdout, sys.stderr = streams
            signal.signal(signal.SIGINT, signal.default_int_handler)
            started = time.perf_counter()
            try:
                error_type, error, last = world.run(request["code"], request["path"], keep_last=True)
            finally:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            seconds = time.perf_counter() - started
            send(("result", {"error_type": error_type, "error": error, "last": _repr(last),
                             "seconds": seconds, "values": {
                                 **collect(world.namespace, request["names"]),
                                 **collect_expressions(world.namespace, request.get("expressions", ()))}}))
        else:
            ask = _complete if op == "complete" else _inspect
            try:
                reply = ask(world.namespace, request)
            except Exception:  # a completer or inspector failure must not take the world down
                reply = None
            send(("result", reply))


def _repr(value) -> str | None:
    if value is None:
        return None
    try:
        return repr(value)
    except Exception as err:
        return f"<{type(value).__name__} object: repr() failed: {err}>"


class Worker:
    """The kernel's handle on one worker process. Messages land in `inbox` as (world, message)."""

    def __init__(self, world: str, seed: int, inbox: queue.Queue):
        self.world, self.seed, self.inbox = world, seed, inbox
        self.ready = threading.Event()
        self.start()

    def start(self) -> None:
        to_worker_r, to_worker_w = os.pipe()
        from_worker_r, from_worker_w = os.pipe()
        # Own session: Jupyter's interrupt reaches the kernel only; the kernel decides whom to interrupt.
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "twingrad.kernel.worker", self.world, str(self.seed),
             str(to_worker_r), str(from_worker_w)],
            pass_fds=(to_worker_r, from_worker_w), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, env=world_env(), start_new_session=True)
        os.close(to_worker_r)
        os.close(from_worker_w)
        self.outbox = os.fdopen(to_worker_w, "wb")
        self.ready.clear()
        proc = self.proc
        threading.Thread(target=self._read_messages, args=(proc, os.fdopen(from_worker_r, "rb")), daemon=True).start()
        threading.Thread(target=self._read_output, args=(proc,), daemon=True).start()

    def _read_messages(self, proc, pipe) -> None:
        while True:
            try:
                message = pickle.load(pipe)
            except Exception:  # EOF: the process is gone
                self.inbox.put((self.world, proc, ("dead", proc.wait())))
                return
            if message == ("ready",):
                self.ready.set()
            else:
                self.inbox.put((self.world, proc, message))

    def _read_output(self, proc) -> None:
        """C-level output of the frameworks (fd 1 and 2), minus TF's start-up banners."""
        for line in iter(proc.stdout.readline, b""):
            text = _TF_BANNER.sub("", line.decode("utf-8", "replace"))
            if text:
                self.inbox.put((self.world, proc, ("stream", "stderr", text)))

    def send(self, request: dict) -> None:
        try:
            pickle.dump(request, self.outbox, protocol=pickle.HIGHEST_PROTOCOL)
            self.outbox.flush()
        except BrokenPipeError:
            pass  # the process is gone: its reader thread reports it as ("dead", exit code)

    def interrupt(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)

    def restart(self) -> None:
        self.stop()
        self.start()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        with contextlib.suppress(BrokenPipeError):  # unsent bytes of a request to a process that died
            self.outbox.close()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
