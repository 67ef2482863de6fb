"""`python -m twingrad.kernel install [--user | --sys-prefix | --prefix P]` installs the kernelspec;
`python -m twingrad.kernel -f CONNECTION_FILE` runs the kernel (what kernel.json starts)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

KERNEL_NAME = "twingrad"


def kernel_json() -> dict:
    return {
        "argv": [os.path.abspath(sys.executable), "-m", "twingrad.kernel", "-f", "{connection_file}"],
        "display_name": "twingrad (TF \u21c4 PyTorch)",
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": False},
    }


def install(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m twingrad.kernel install",
                                     description="Install the twingrad Jupyter kernelspec.")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="install for the current user")
    where.add_argument("--sys-prefix", action="store_true", help="install into sys.prefix (e.g. the virtualenv)")
    where.add_argument("--prefix", metavar="P", help="install under P/share/jupyter/kernels")
    args = parser.parse_args(argv)
    from jupyter_client.kernelspec import KernelSpecManager

    prefix = sys.prefix if args.sys_prefix else args.prefix
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "kernel.json"), "w") as f:
            json.dump(kernel_json(), f, indent=1)
        try:
            destination = KernelSpecManager().install_kernel_spec(folder, KERNEL_NAME, user=args.user, prefix=prefix)
        except PermissionError as err:
            print(f"python -m twingrad.kernel install: cannot write {err.filename}: permission denied "
                  "(use --user, or --sys-prefix inside a virtualenv)", file=sys.stderr)
            return 1
    print(f"Installed the {KERNEL_NAME} kernelspec in {destination}")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["install"]:
        return install(argv[1:])
    from ipykernel.kernelapp import IPKernelApp

    from .kernel import TwinKernel

    IPKernelApp.launch_instance(argv=argv, kernel_class=TwinKernel)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
