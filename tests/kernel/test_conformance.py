"""jupyter_kernel_test's protocol conformance suite against the installed twingrad kernelspec."""
import os
import subprocess
import sys
import tempfile
import unittest

import jupyter_kernel_test

_prefix = tempfile.TemporaryDirectory(prefix="twingrad-kernelspec-")
_saved = {}


def setUpModule():
    subprocess.run([sys.executable, "-m", "twingrad.kernel", "install", "--prefix", _prefix.name],
                   check=True, capture_output=True)
    _saved["JUPYTER_PATH"] = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = os.path.join(_prefix.name, "share", "jupyter")


def tearDownModule():
    if _saved["JUPYTER_PATH"] is None:
        os.environ.pop("JUPYTER_PATH", None)
    else:
        os.environ["JUPYTER_PATH"] = _saved["JUPYTER_PATH"]
    _prefix.cleanup()


class TwingradKernelConformance(jupyter_kernel_test.KernelTests):
    kernel_name = "twingrad"
    language_name = "python"
    file_extension = ".py"
    code_hello_world = "print('hello, world')"
    code_stderr = "import sys\nprint('oops', file=sys.stderr)"
    code_generate_error = "raise ValueError('boom')"
    code_display_data = [{"code": "import numpy as np\nv = np.ones(3)", "mime": "application/vnd.twingrad.comparison+json"}]
    completion_samples = [{"text": "zi", "matches": {"zip"}}]
    complete_code_samples = ["x = 1", "def f():\n    return 1\n"]
    incomplete_code_samples = ["for i in range(3):", "x = (1,"]
    invalid_code_samples = ["x = )"]
    code_inspect_sample = "print"
    code_execute_result = [{"code": "6 * 7", "result": "42"}, {"code": "x = [1]\nx + [2]", "result": "[1, 2]"}]


if __name__ == "__main__":
    unittest.main()
