"""Persistent worlds (kernel workers) fed hand-written TF and PyTorch cells: state and draws across cells."""
import queue

from twingrad.kernel.compare import compare
from twingrad.kernel.worker import Worker

TF_CELLS = [
    "import tensorflow as tf\nlayer = tf.keras.layers.Dense(4)\nfirst = tf.random.normal([2])",
    "missing_name + 1",  # fails in the TF world only, before drawing anything
    "out = layer(tf.ones([1, 3]))\nkernel = layer.kernel\nsecond = tf.random.normal([2])",
]
TORCH_CELLS = [
    "import torch\nlayer = torch.nn.Linear(3, 4)\nfirst = torch.randn(2)",
    "extra = torch.randn(5)",
    "out = layer(torch.ones(1, 3))\nkernel = layer.weight.T\nsecond = torch.randn(2)",
]


def run_cells(tf_cells, torch_cells):
    inbox = queue.Queue()
    workers = {"tf": Worker("tf", 0, inbox), "torch": Worker("torch", 0, inbox)}
    try:
        outcomes = []
        for number, cells in enumerate(zip(tf_cells, torch_cells), start=1):
            for world, code in zip(("tf", "torch"), cells):
                workers[world].send({"op": "run", "code": code, "path": f"<cell {number}>", "names": None,
                                     "cell": number})
            got = {}
            while len(got) < 2:
                world, _, message = inbox.get(timeout=180)
                assert message[0] != "dead", f"the {world} worker died"
                if message[0] == "result":
                    got[world] = message[1]
            outcomes.append(got)
        return outcomes
    finally:
        for worker in workers.values():
            worker.stop()


def test_state_persists_and_draws_line_up_across_cells():
    first, second, third = run_cells(TF_CELLS, TORCH_CELLS)
    assert compare(first["tf"]["values"], first["torch"]["values"])["first"].match
    assert second["tf"]["error_type"] == "NameError" and 'File "<cell 2>", line 1' in second["tf"]["error"]
    assert second["torch"]["error_type"] is None
    assert third["tf"]["error_type"] is None and third["torch"]["error_type"] is None, third
    result = compare(third["tf"]["values"], third["torch"]["values"])
    # Data draws restart per cell: cell 2's extra draw in one world does not shift cell 3's.
    assert result["second"].match
    # Weights run on across cells: Keras built its kernel in cell 3, torch its weight in cell 1; same values.
    assert result["kernel"].match and result["out"].match
    assert third["tf"]["values"]["kernel"].shape == (3, 4)
