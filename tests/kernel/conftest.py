"""A twingrad kernelspec installed into a temporary JUPYTER_PATH, and helpers to talk to the kernel."""
import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="session")
def jupyter_path(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("jupyter")
    subprocess.run([sys.executable, "-m", "twingrad.kernel", "install", "--prefix", str(prefix)],
                   check=True, capture_output=True)
    path = str(prefix / "share" / "jupyter")
    saved = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = path
    yield path
    if saved is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = saved


@pytest.fixture(scope="module")
def kernel(jupyter_path):
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="twingrad")
    yield km, kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)
