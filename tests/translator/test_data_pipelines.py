"""tf.data <-> torch.utils.data forms the rules cannot translate exactly are flagged, never guessed; a shuffle
whose buffer may not cover the dataset, a repeat, a shuffle of batches become the helper classes of data_table.json,
and come back."""
import pytest

from twingrad.translator import translate

TF = "import numpy as np\nimport tensorflow as tf\nx = np.zeros((6, 2))\ny = np.zeros(6)\n"
TORCH = "import torch\nfrom torch.utils.data import DataLoader, TensorDataset\nx = torch.zeros(6, 2)\ny = torch.zeros(6)\n"

TF_FLAGGED = {
    "unordered map": "ds = tf.data.Dataset.from_tensor_slices(x).map(lambda r: r * 2, deterministic=False)",
    "cache after a shuffle (freezes the first pass's order)": "ds = tf.data.Dataset.from_tensor_slices(x)"
                                                               ".shuffle(len(x)).cache().batch(2)",
    "unordered batch": "ds = tf.data.Dataset.from_tensor_slices(x).batch(2, num_parallel_calls=2, deterministic=False)",
    "len of a repeat (an IterableDataset)": "ds = tf.data.Dataset.from_tensor_slices(x).repeat(2).batch(2)\nn = len(ds)",
    "batch after batch": "ds = tf.data.Dataset.from_tensor_slices(x).batch(2).batch(2)",
    "seeded shuffle": "ds = tf.data.Dataset.from_tensor_slices(x).shuffle(6, seed=1).batch(2)",
    "shuffle once": "ds = tf.data.Dataset.from_tensor_slices(x).shuffle(6, reshuffle_each_iteration=False)",
    "list display": "ds = tf.data.Dataset.from_tensor_slices([1, 2, 3]).batch(2)",
    "dict display": "ds = tf.data.Dataset.from_tensor_slices({'a': x}).batch(2)",
    "nested tuple": "ds = tf.data.Dataset.from_tensor_slices(((x, y), y)).batch(2)",
    "a parameter that may hold a tuple (d2l's load_array)": "def load_array(data_arrays, batch_size):\n"
        "    return tf.data.Dataset.from_tensor_slices(data_arrays).batch(batch_size)\nds = load_array((x, y), 2)",
    "a name bound to a tuple": "pair = (x, y)\nds = tf.data.Dataset.from_tensor_slices(pair).batch(2)",
    "attribute of a dataset": "ds = tf.data.Dataset.from_tensor_slices(x)\nspec = ds.element_spec",
    "generator": "ds = tf.data.Dataset.from_generator(lambda: iter([1]), output_types=tf.int32)",
    "a parameter holding a dataset": "ds = tf.data.Dataset.from_tensor_slices(x)\n"
                                     "def batched(d):\n    return d.shuffle(6).batch(2).prefetch(1)\nb = batched(ds)",
}

HELPERS = translate(TF + "ds = tf.data.Dataset.from_tensor_slices(x).shuffle(3).repeat(2)\n", to="torch").code \
    .split("x = np.zeros")[0].replace("import numpy as np\n", "")

TORCH_FLAGGED = {
    "sampler": "s = torch.utils.data.SequentialSampler(range(6))\n"
               "loader = DataLoader(TensorDataset(x, y), batch_size=2, sampler=s)",
    "collate_fn": "loader = DataLoader(TensorDataset(x, y), batch_size=2, collate_fn=lambda b: b)",
    "generator": "loader = DataLoader(TensorDataset(x, y), shuffle=True, generator=torch.Generator())",
    "custom dataset": "class D(torch.utils.data.Dataset):\n    def __len__(self):\n        return 6\n"
                      "    def __getitem__(self, i):\n        return x[i]\nloader = DataLoader(D(), batch_size=2)",
    "a name of a tensor": "loader = DataLoader(x, batch_size=2)",
    "computed shuffle": "flag = True\nloader = DataLoader(TensorDataset(x, y), shuffle=flag)",
    "indexing a dataset": "ds = TensorDataset(x, y)\nfirst = ds[0]",
    "attribute of a loader": "loader = DataLoader(TensorDataset(x, y))\nds = loader.dataset",
    "shuffled inline dataset of computed tensors": "loader = DataLoader(TensorDataset(x * 2, y), shuffle=True)",
    "DataLoader shuffling an IterableDataset (torch raises)": HELPERS + "loader = DataLoader(TfDataRepeat("
                                                              "TensorDataset(x, y), 2), batch_size=2, shuffle=True)",
}


def test_one_report_per_unfollowed_chain():
    source = TF + "ds = tf.data.Dataset.from_tensor_slices(x)\ndef f(d):\n    return d.batch(2).prefetch(1)\n"
    assert [d.code for d in translate(source, to="torch").diagnostics] == ["TG601"]


def test_dropped_arguments_are_no_leftovers():
    """`prefetch(tf.data.AUTOTUNE)`, `num_parallel_calls=tf.data.AUTOTUNE`: left out, never TG900."""
    source = TF + "ds = tf.data.Dataset.from_tensor_slices(x)" \
                  ".map(lambda r: r * 2, num_parallel_calls=tf.data.AUTOTUNE)" \
                  ".batch(2, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.experimental.AUTOTUNE)\n"
    result = translate(source, to="torch")
    assert not result.diagnostics and "AUTOTUNE" not in result.code


def test_other_shuffles_are_not_datasets():
    source = TF + "rng = np.random.default_rng(0)\nrng.shuffle(x)\nnp.random.shuffle(y)\n" \
                  "ds = tf.data.Dataset.from_tensor_slices(x).batch(2)\n"
    assert not translate(source, to="torch").diagnostics


def codes(source: str, to: str, level: str = "error") -> set[str]:
    return {d.code for d in translate(source, to=to).diagnostics if d.level == level}


@pytest.mark.parametrize("line", TF_FLAGGED.values(), ids=TF_FLAGGED)
def test_tf_data_flagged(line):
    found = codes(TF + line, "torch")
    assert found & {"TG601", "TG900"}, found


@pytest.mark.parametrize("line", TORCH_FLAGGED.values(), ids=TORCH_FLAGGED)
def test_torch_data_flagged(line):
    found = codes(TORCH + line, "tf")
    assert found & {"TG611", "TG900"}, found


@pytest.mark.parametrize("buffer, covers", [("1024", False), ("n", False), ("len(x)", True), ("len(y)", True),
                                            ("len(ds)", True)])
def test_shuffle_buffer(buffer, covers):
    """A buffer that covers the dataset for sure is DataLoader's shuffle; others are the shuffle buffer helper."""
    source = TF + f"n = 6\nds = tf.data.Dataset.from_tensor_slices((x, y))\nds = ds.shuffle({buffer}).batch(2)\n"
    result = translate(source, to="torch")
    assert not result.diagnostics
    made = "DataLoader(ds, batch_size=2, shuffle=True)" if covers else \
        f"DataLoader(TfDataShuffle(ds, {buffer}), batch_size=2)"
    assert made in result.code


@pytest.mark.parametrize("chain", ["repeat().shuffle(5000).batch(2).prefetch(1)", "shuffle(len(x)).repeat(3)",
                                   "batch(4).shuffle(2).repeat(-1)", "shuffle(len(x)).shuffle(4, seed=None)",
                                   "repeat(2).batch(4, drop_remainder=True)", "map(lambda a, b: (a * 2, b)).take(3)",
                                   "skip(2).batch(2).take(1)", "batch(2).as_numpy_iterator()",
                                   "cache().shuffle(len(x)).batch(2)"])
def test_helper_chains_come_back(chain):
    """TF -> PyTorch -> TF gives the chain back, without the helper classes."""
    source = TF + f"ds = tf.data.Dataset.from_tensor_slices((x, y)).{chain}\n"
    there = translate(source, to="torch")
    assert not there.diagnostics
    back = translate(there.code, to="tf")
    assert not [d for d in back.diagnostics if d.level == "error"]
    assert "class " not in back.code
    expected = chain.replace("shuffle(len(x))", "shuffle(len(ds))").replace(".prefetch(1)", "") \
        .replace(", seed=None", "").replace("cache().", "")
    assert expected.replace("len(ds)", "len(x)") in back.code.replace("len(ds)", "len(x)"), back.code


def test_one_array_dataset():
    """A NumPy array other rules already made a tensor is not wrapped twice; len() of it covers the dataset."""
    result = translate(TF + "ds = tf.data.Dataset.from_tensor_slices(y).shuffle(len(y)).batch(2)\n", to="torch")
    assert not result.diagnostics
    assert "ds = torch.utils.data.DataLoader(torch.as_tensor(y), batch_size=2, shuffle=True)" in result.code
