"""Publishing a model that passed its gate, and fetching it back (CREDIT_MODEL_URI)."""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from credit_scoring.cli import app
from credit_scoring.ml.artifact import SIGNATURE_FILE, ArtifactError, load_artifact, sign_artifact
from credit_scoring.dev.seaweed import LocalSeaweed
from credit_scoring.ml.publishing import ModelGateError
from credit_scoring.service.model_store import fetch_model, publish_model
from tests.helpers import SIGNING_KEY
from tests.helpers import passing

runner = CliRunner(env={"CREDIT_MODEL_SIGNING_KEY": SIGNING_KEY})


@pytest.fixture
def gated_dir(trained_dir: Path, tmp_path: Path) -> Path:
    """A copy of the tiny model whose metadata meets every rule of the gate."""
    copy = tmp_path / "credit_score" / trained_dir.name
    shutil.copytree(trained_dir, copy)
    metadata_file = copy / "metadata.json"
    metadata_file.write_text(json.dumps(passing(json.loads(metadata_file.read_text()))))
    return sign_artifact(copy, SIGNING_KEY)


def test_model_check_names_each_rule_and_refuses_synthetic(
    trained_dir: Path, gated_dir: Path
) -> None:
    refused = runner.invoke(app, ["model", "check", str(trained_dir)])
    assert refused.exit_code == 2
    assert "FAIL  real_training_data: trained on synthetic data" in refused.output
    assert "not for production" in refused.output
    accepted = runner.invoke(app, ["model", "check", str(gated_dir)])
    assert accepted.exit_code == 0, accepted.output
    assert "passed its quality gate" in accepted.output


def test_model_check_refuses_a_tampered_model(gated_dir: Path) -> None:
    with (gated_dir / "model.joblib").open("ab") as handle:
        handle.write(b"x")
    result = runner.invoke(app, ["model", "check", str(gated_dir)])
    assert result.exit_code == 2 and "does not match metadata" in result.output


def test_model_check_and_publish_refuse_an_unsigned_model(gated_dir: Path) -> None:
    (gated_dir / SIGNATURE_FILE).unlink()
    result = runner.invoke(app, ["model", "check", str(gated_dir)])
    assert result.exit_code == 2 and "unsigned or unverifiable" in result.output
    with pytest.raises(ArtifactError, match="unsigned or unverifiable"):
        publish_model(gated_dir, "s3://never/used/", None, SIGNING_KEY)
    unkeyed = CliRunner(env={"CREDIT_MODEL_SIGNING_KEY": ""}).invoke(
        app, ["model", "sign", str(gated_dir)]
    )
    assert unkeyed.exit_code == 2 and "set CREDIT_MODEL_SIGNING_KEY" in unkeyed.output
    assert runner.invoke(app, ["model", "sign", str(gated_dir)]).exit_code == 0
    assert runner.invoke(app, ["model", "check", str(gated_dir)]).exit_code == 0


def test_publish_then_fetch(
    trained_dir: Path, gated_dir: Path, seaweed: LocalSeaweed, tmp_path: Path
) -> None:
    bucket = f"models-{uuid.uuid4().hex[:8]}"
    store = seaweed.store(bucket)
    store.ensure_bucket()
    uri = publish_model(gated_dir, f"s3://{bucket}/credit_score/", store, SIGNING_KEY)
    assert uri == f"s3://{bucket}/credit_score/{gated_dir.name}/"
    with pytest.raises(ValueError, match="exists already"):
        publish_model(gated_dir, f"s3://{bucket}/credit_score/", store, SIGNING_KEY)
    with pytest.raises(ModelGateError, match="real_training_data"):
        publish_model(trained_dir, f"s3://{bucket}/other/", store, SIGNING_KEY)
    assert not store.keys("other/")

    models = tmp_path / "fetched"
    directory = fetch_model(uri, models, store)
    assert directory == models / "credit_score" / gated_dir.name
    folder = models / "credit_score"
    assert load_artifact(folder, SIGNING_KEY, signature_required=True).version == gated_dir.name
    with pytest.raises(ValueError, match="nothing stored"):
        fetch_model(f"s3://{bucket}/nothing/here/", folder, store)
    with pytest.raises(ValueError, match="expected s3://bucket/prefix/"):
        fetch_model("https://example.com/model", folder, store)
