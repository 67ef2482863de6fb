"""The extension as shipped: its node unit tests (logic without `vscode`) and what the .vsix holds."""
from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_node_unit_tests_pass(vsix):  # the vsix fixture has installed the node deps
    done = subprocess.run(["npm", "run", "-s", "test:unit"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "# fail 0" in done.stdout


def test_the_vsix_holds_the_bundle_and_manifest_only(vsix):
    manifest = json.loads((ROOT / "package.json").read_text())
    assert vsix.name == f"twingrad-{manifest['version']}.vsix"
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        packaged = json.loads(archive.read("extension/package.json"))
    assert names - {"extension/readme.md", "extension/license.txt"} == {
        "[Content_Types].xml", "extension.vsixmanifest", "extension/package.json", "extension/out/extension.js"}
    assert packaged["main"] == "./out/extension.js"
    assert packaged["capabilities"]["untrustedWorkspaces"]["supported"] == "limited"
