"""twingrad: translate autodiff code between TensorFlow and PyTorch."""


def load_ipython_extension(ipython):
    """`%load_ext twingrad`: the %translate / %%translate / %%twin magics (see twingrad.kernel.magics)."""
    from twingrad.kernel.magics import load

    load(ipython)


def unload_ipython_extension(ipython):
    from twingrad.kernel.magics import unload

    unload(ipython)
