"""Twin runs: tf.data's shuffle of a whole dataset draws its permutation from the data stream (kernel/draws.py);
shuffles it cannot replace (batches, ragged rows, a smaller buffer) stay TF's and still run."""
import textwrap

import numpy as np

from twingrad.kernel.runner import run_world

PROGRAM = textwrap.dedent("""\
    import numpy as np
    import tensorflow as tf
    x = np.arange(10.0)
    whole = [[float(e) for e in tf.data.Dataset.from_tensor_slices(x).shuffle(10)] for _ in range(2)]
    batches = sorted(int(b.shape[0]) for b in tf.data.Dataset.from_tensor_slices(x).batch(4).shuffle(100))
    ragged = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1.0], [2.0, 3.0]])).shuffle(2)
    ragged_sums = sorted(float(tf.reduce_sum(e)) for e in ragged)
    local = sorted(float(e) for e in tf.data.Dataset.from_tensor_slices(x).shuffle(3))
""")


def test_tf_shuffles_in_twin_runs():
    run = run_world(PROGRAM, "shuffle.py", "tf")
    assert run.ok, run.error
    first, second = (list(run.values[f"whole[{i}]"]) for i in (0, 1))
    assert sorted(first) == list(range(10)) and first != second  # a new permutation at every pass
    stream = np.random.default_rng([0, 0])  # the data stream of seed 0 (draws._stream)
    assert first == [float(i) for i in stream.permutation(10)]
    assert list(run.values["batches"]) == [2, 4, 4]
    assert list(run.values["ragged_sums"]) == [1.0, 5.0]
    assert list(run.values["local"]) == list(range(10))
