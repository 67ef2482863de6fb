"""Twin runs: tf.data's shuffle is kernel/draws.py's buffer shuffle with a seed from the data stream at every pass,
over any dataset of tensors (batches, a smaller buffer, a repeated dataset; ragged rows keep TF's own); torch's
RandomSampler draws the same."""
import textwrap

import numpy as np

from twingrad.kernel.draws import buffer_shuffle
from twingrad.kernel.runner import run_world

PROGRAM = textwrap.dedent("""\
    import numpy as np
    import tensorflow as tf
    x = np.arange(10.0)
    whole = [[float(e) for e in tf.data.Dataset.from_tensor_slices(x).shuffle(10)] for _ in range(2)]
    batches = sorted(int(b.shape[0]) for b in tf.data.Dataset.from_tensor_slices(x).batch(4).shuffle(100))
    ragged = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1.0], [2.0, 3.0]])).shuffle(2)
    ragged_sums = sorted(float(tf.reduce_sum(e)) for e in ragged)
    local = [float(e) for e in tf.data.Dataset.from_tensor_slices(x).shuffle(3)]
    unknown = tf.data.Dataset.from_tensor_slices(x).filter(lambda e: e >= 0)  # no known size: elements themselves
    generated = [float(e) for e in unknown.shuffle(3)]
    endless = [float(e) for e in tf.data.Dataset.from_tensor_slices(x).repeat().shuffle(15).take(30)]
""")


def test_tf_shuffles_in_twin_runs():
    run = run_world(PROGRAM, "shuffle.py", "tf")
    assert run.ok, run.error
    first, second = (list(run.values[f"whole[{i}]"]) for i in (0, 1))
    assert sorted(first) == list(range(10)) and first != second  # a new permutation at every pass
    stream = np.random.default_rng([0, 0])  # the data stream of seed 0 (draws._stream)
    # one seed per pass: whole[0], whole[1], batches, local, generated (the ragged shuffle is TF's own)
    seeds = [int(stream.integers(0, 2 ** 31, size=())) for _ in range(5)]
    assert first == [float(i) for i in buffer_shuffle(range(10), 10, seeds[0])]
    assert list(run.values["batches"]) == [2, 4, 4]
    assert list(run.values["ragged_sums"]) == [1.0, 5.0]
    assert list(run.values["local"]) == [float(i) for i in buffer_shuffle(range(10), 3, seeds[3])]  # gathered
    assert list(run.values["generated"]) == [float(i) for i in buffer_shuffle(range(10), 3, seeds[4])]  # moved
    endless = list(run.values["endless"])
    assert len(endless) == 30 and max(endless.count(float(e)) for e in range(10)) >= 2  # passes mix in the buffer


def test_torch_sampler_draws_the_same():
    program = "import torch\nx = torch.arange(10.0)\norder = [float(e) for e in torch.utils.data.DataLoader(x, " \
              "batch_size=None, shuffle=True)]\n"
    tf_program = "import numpy as np\nimport tensorflow as tf\norder = [float(e) for e in " \
                 "tf.data.Dataset.from_tensor_slices(np.arange(10.0)).shuffle(10)]\n"
    torch_run, tf_run = run_world(program, "s.py", "torch"), run_world(tf_program, "s.py", "tf")
    assert torch_run.ok and tf_run.ok, (torch_run.error, tf_run.error)
    assert list(torch_run.values["order"]) == list(tf_run.values["order"])
