"""nbclient runs examples/twin_demo.ipynb on the installed twingrad kernel; assertions on the comparison JSON."""
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from twin_kernel_helpers import MIME

DEMO = Path(__file__).resolve().parents[2] / "examples" / "twin_demo.ipynb"


@pytest.fixture(scope="module")
def executed(jupyter_path):
    notebook = nbformat.read(DEMO, as_version=4)
    NotebookClient(notebook, kernel_name="twingrad", timeout=300).execute()
    return notebook


def comparisons(notebook):
    """(cell source, comparison payload) for every code cell that showed one."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output["output_type"] == "display_data" and MIME in output["data"]:
                found.append((cell.source, output["data"][MIME]))
    return found


def rows_named(notebook, name):
    return [row for _, payload in comparisons(notebook) for row in payload["rows"] if row["name"] == name]


def test_every_code_cell_ran_and_showed_one_comparison(executed):
    code_cells = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code_cells)
    assert not [o for c in code_cells for o in c.outputs if o["output_type"] == "error"]
    assert len(comparisons(executed)) == len(code_cells)


def test_dropout_masks_and_shuffles_match(executed):
    (mask,), (order,) = rows_named(executed, "mask"), rows_named(executed, "order")
    assert mask["status"] == "match" and set(mask["tf"]["value"]) == {0.0, 2.0}  # a real mask, the same one
    assert order["status"] == "match" and order["tf"]["value"] != list(range(8))  # a real shuffle, the same one
    assert sorted(order["tf"]["value"]) == list(range(8))


def test_a_translation_exact_only_under_a_condition_shows_a_mismatch(executed):
    (clipped,) = rows_named(executed, "clipped")  # min > max: TF gives the min, torch the max (B24)
    assert clipped["status"] == "mismatch" and clipped["tf"]["value"] == [1.0, 1.0] and clipped["torch"]["value"] == [0.0, 0.0]


def test_tf_cells_are_compared_with_their_translation(executed):
    """Needs the translator engine: the TF cells' gradients match their PyTorch translation."""
    for source, payload in comparisons(executed):
        if payload["source_framework"] == "tf" and payload["rows"]:
            assert payload["translation"]["error"] is None, payload["translation"]["error"]
            assert payload["worlds"]["torch"]["ok"], payload["worlds"]["torch"]["error"]
    (dx,), (dy,), (dw,) = rows_named(executed, "dx"), rows_named(executed, "dy"), rows_named(executed, "dw")
    assert dx["status"] == dy["status"] == dw["status"] == "match"
    assert (dx["tf"]["value"], dy["torch"]["value"]) == (6.0, 8.0)
    assert dw["tf"]["shape"] == [3, 2]
