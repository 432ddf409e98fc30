"""Artifacts load by version or LATEST, and are refused when tampered with or forged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import joblib
import pytest

from credit_scoring.ml.artifact import SIGNATURE_FILE, ArtifactError, load_artifact, sha256_of
from tests.helpers import SIGNING_KEY


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


class RunsCodeWhenLoaded:
    """A pickle payload: loading it writes a marker file (what an attacker would run)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[Any, ...]:
        return (Path.write_text, (self.marker, "pwned"))


def forged(trained_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the artifact whose model.joblib runs code, with a matching sha256 written
    into metadata.json, as anyone with write access to the model folder could do."""
    copy = tmp_path / trained_dir.name
    shutil.copytree(trained_dir, copy)
    marker = tmp_path / "marker"
    joblib.dump(RunsCodeWhenLoaded(marker), copy / "model.joblib")
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["model_sha256"] = sha256_of(copy / "model.joblib")
    (copy / "metadata.json").write_text(json.dumps(metadata))
    return copy, marker


def test_a_forged_model_is_refused_before_it_is_unpickled(
    trained_dir: Path, tmp_path: Path
) -> None:
    copy, marker = forged(trained_dir, tmp_path)
    with pytest.raises(ArtifactError, match="signature does not match"):
        load_artifact(copy, SIGNING_KEY, signature_required=True)
    (copy / SIGNATURE_FILE).unlink()
    with pytest.raises(ArtifactError, match="unsigned or unverifiable"):
        load_artifact(copy, SIGNING_KEY, signature_required=True)
    assert not marker.exists()
    load_artifact(copy)  # the same load without the signature check runs the payload
    assert marker.read_text() == "pwned"


def test_signatures_need_the_key(trained_dir: Path) -> None:
    assert load_artifact(trained_dir, SIGNING_KEY, signature_required=True).version
    with pytest.raises(ArtifactError, match="no signing key"):
        load_artifact(trained_dir, None, signature_required=True)
    with pytest.raises(ArtifactError, match="signature does not match"):
        load_artifact(trained_dir, "another-key", signature_required=False)
