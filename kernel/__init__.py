"""Run code in a TensorFlow world and a PyTorch world and compare the values, three ways.

- `runner`: run a program (and its translation) in fresh subprocess worlds, collect named values
  (`compare_source` is what `twingrad compare` and the equivalence tests call); `draws`: identical random
  draws in both worlds; `compare`: line values up by name, render text / HTML / JSON.
- `kernel` (+ `worker`, `cells`, `report`): the `twingrad` Jupyter kernel, two persistent worlds
  (`python -m twingrad.kernel install [--user | --sys-prefix | --prefix P]`).
- `magics`: %translate / %%translate / %%twin for any IPython (`%load_ext twingrad`).

Importing this package is cheap: nothing here imports TensorFlow or PyTorch in the calling process.
"""
