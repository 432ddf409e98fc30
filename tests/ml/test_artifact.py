"""Artifacts load by version or LATEST, and are refused when tampered with."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from credit_scoring.ml.artifact import ArtifactError, load_artifact


def test_load_by_version_and_by_profile_folder(trained_dir: Path) -> None:
    assert load_artifact(trained_dir).version == trained_dir.name
    assert load_artifact(trained_dir.parent).version == trained_dir.name
    assert load_artifact(trained_dir.parent / "LATEST").version == trained_dir.name


def test_checksum_mismatch_is_refused(trained_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / trained_dir.name
    shutil.copytree(trained_dir, copy)
    with (copy / "model.joblib").open("ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ArtifactError, match="does not match metadata"):
        load_artifact(copy)


def test_missing_pieces_are_clear_errors(trained_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ArtifactError, match="neither a model version directory"):
        load_artifact(tmp_path)
    copy = tmp_path / "v"
    shutil.copytree(trained_dir, copy)
    (copy / "model.joblib").unlink()
    with pytest.raises(ArtifactError, match="model.joblib is missing"):
        load_artifact(copy)
