"""Notebooks import the package; their code cells must keep running against it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from credit_scoring.profiles import credit_score_synthetic as synthetic

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_runs(
    notebook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data" / "raw" / "credit_score" / "synthetic_train.csv"
    synthetic.write(synthetic.generate(rows=800, seed=2), str(data))
    (tmp_path / "notebooks").mkdir()
    monkeypatch.chdir(tmp_path / "notebooks")
    namespace: dict[str, Any] = {}
    cells = json.loads(notebook.read_text())["cells"]
    code = [cell for cell in cells if cell["cell_type"] == "code"]
    assert code
    for cell in code:
        exec("".join(cell["source"]), namespace)  # noqa: S102
    assert "raw" in namespace and len(namespace["raw"]) == 800
