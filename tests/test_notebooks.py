"""The notebooks run top to bottom, in a real Jupyter kernel, against the package: each on a
small sample with the tiny preset (``CREDIT_NOTEBOOK_ROWS``, ``CREDIT_NOTEBOOK_PRESET``).
They are stored without outputs; ``make notebooks`` writes executed copies."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from credit_scoring.profiles import credit_score_synthetic as synthetic

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
SAMPLE_ROWS = 2_400  # 300 customers of 8 months; card_default: 2,400 clients


def test_notebooks_are_stored_without_outputs() -> None:
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        assert all(
            not c.get("outputs") and not c.get("execution_count")
            for c in cells
            if c.cell_type == "code"
        ), path.name


@pytest.mark.notebooks
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_top_to_bottom(
    path: Path, uci_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data" / "raw" / "credit_score" / "synthetic_train.csv"
    synthetic.write(synthetic.generate(rows=SAMPLE_ROWS, seed=2), str(data))
    (tmp_path / "notebooks").mkdir()
    for name, value in {
        "CREDIT_NOTEBOOK_ROWS": str(SAMPLE_ROWS),
        "CREDIT_NOTEBOOK_PRESET": "tiny",
        "CREDIT_CARD_DEFAULT_DATA": str(uci_file),
    }.items():
        monkeypatch.setenv(name, value)
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path / "notebooks")}},
    )
    client.execute()
    errors = [o for c in notebook.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    shown = [o for c in notebook.cells for o in c.get("outputs", [])]
    plots = [o for o in shown if "image/png" in o.get("data", {})]
    assert shown and (len(plots) >= 2 or path.name.startswith("01"))  # figures inline
