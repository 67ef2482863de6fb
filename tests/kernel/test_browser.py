"""JupyterLab in headless Chromium: the demo notebook runs on the twingrad kernel and renders its tables.

Tools come from scripts/setup-browser (Debian's Chromium, playwright-core in .tools/); the screenshot is
kept under test-artifacts/.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "twin_demo.ipynb"
TOKEN = "twingrad-browser-test"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(jupyter_path, tmp_path_factory):
    subprocess.run([str(ROOT / "scripts" / "setup-browser")], check=True)
    work = tmp_path_factory.mktemp("lab")
    shutil.copy(DEMO, work / DEMO.name)
    port = free_port()
    state = {name: str(work / f".{name}") for name in ("runtime", "settings", "workspaces", "config")}
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": state["runtime"], "JUPYTER_CONFIG_DIR": state["config"]}
    log = open(work / "server.log", "wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}", "--ServerApp.ip=127.0.0.1",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
         f"--LabApp.user_settings_dir={state['settings']}", f"--LabApp.workspaces_dir={state['workspaces']}"],
        env=env, stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((work / "server.log").read_text()[-3000:])
            time.sleep(0.5)
    yield base
    server.terminate()
    server.wait(timeout=30)
    log.close()


def test_demo_notebook_renders_the_comparison_in_jupyterlab(jupyterlab):
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    screenshot = artifacts / "jupyterlab-twin-demo.png"
    code_cells = sum(1 for cell in json.loads(DEMO.read_text())["cells"] if cell["cell_type"] == "code")
    run = subprocess.run(
        ["node", str(Path(__file__).with_name("jupyterlab_demo.mjs")), str(ROOT / ".tools" / "node_modules" / "playwright-core"),
         f"{jupyterlab}/lab/tree/{DEMO.name}?token={TOKEN}", str(code_cells), str(screenshot)],
        capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["outputs"] == code_cells and screenshot.stat().st_size > 10_000
    rows = {(row["cells"][0], row["status"]) for row in report["rows"]}
    assert ("clipped", "twingrad-mismatch") in rows and ("mask", "twingrad-match") in rows
    dx = next(row for row in report["rows"] if row["cells"][0] == "dx")
    assert dx["status"] == "twingrad-match" and dx["cells"][1] == dx["cells"][2] == "6"
    assert report["translations"] >= 2  # the TF cells carry their (collapsed) PyTorch translation
