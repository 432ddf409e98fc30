"""LightGBM's compiled trees travel inside the artifact under its checksums: a tampered or
missing file is refused like a tampered model; trees compiled for another kind of machine
are left aside and LightGBM scores instead, saying so."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from credit_scoring.ml.artifact import ArtifactError, load_artifact
from credit_scoring.ml.compiled_trees import COMPILED_FILE
from credit_scoring.ml.scorer import Scorer, canonical_columns, check_examples
from credit_scoring.service.schemas import record_model


def _copy(trained_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / trained_dir.name
    shutil.copytree(trained_dir, copy)
    (copy / "metadata.json.sig").unlink()
    return copy


def test_the_trained_artifact_carries_its_compiled_trees(trained_dir: Path) -> None:
    compiled = load_artifact(trained_dir).metadata.compiled_trees
    assert compiled is not None and compiled.file == COMPILED_FILE
    assert compiled.target_cpu == "x86-64" and compiled.compiler.startswith("lleaves")


def test_tampered_or_missing_compiled_trees_are_refused(trained_dir: Path, tmp_path: Path) -> None:
    copy = _copy(trained_dir, tmp_path)
    with (copy / COMPILED_FILE).open("ab") as handle:
        handle.write(b"\0")
    with pytest.raises(ArtifactError, match=f"{COMPILED_FILE}: sha256 .* does not match"):
        load_artifact(copy)
    (copy / COMPILED_FILE).unlink()
    with pytest.raises(ArtifactError, match=f"{COMPILED_FILE} is missing"):
        load_artifact(copy)


def test_trees_compiled_for_another_machine_leave_lightgbm_to_score(
    trained_dir: Path, tmp_path: Path
) -> None:
    copy = _copy(trained_dir, tmp_path)
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["compiled_trees"]["machine"] = "aarch64"
    (copy / "metadata.json").write_text(json.dumps(metadata))
    scorer = Scorer(load_artifact(copy))
    check_examples(scorer)
    assert scorer.fast is not None
    assert "compiled trees not used: compiled for aarch64" in scorer.fast_path
    compiled = Scorer(load_artifact(trained_dir))
    rows = {name: np.repeat(values, 100) for name, values in _example_columns(compiled).items()}
    assert np.abs(scorer.proba(rows) - compiled.proba(rows)).max() <= 1e-6


def _example_columns(scorer: Scorer) -> dict[str, np.ndarray]:
    """The English example as canonical columns, as the API reads it."""
    body = scorer.profile.examples["english"]["data"]
    record = vars(record_model(scorer.profile).model_validate(body))
    return canonical_columns([record], scorer.profile)
