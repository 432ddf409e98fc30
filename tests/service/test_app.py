"""Loading models at start: a model that cannot score is refused there, never a 500 later."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import joblib
from fastapi.testclient import TestClient

from credit_scoring.ml.artifact import point_latest, sha256_of, sign_artifact
from credit_scoring.service.app import create_app
from tests.helpers import HEADERS, SIGNING_KEY, make_settings


def pickled_by_an_older_version(trained_dir: Path, root: Path) -> Path:
    """A signed copy of the model whose features step lacks what this version's code reads
    (as a joblib written before its class changed would)."""
    copy = root / "credit_score" / trained_dir.name
    shutil.copytree(trained_dir, copy)
    pipeline = joblib.load(copy / "model.joblib")
    del pipeline.named_steps["features"].feature_names_in_
    joblib.dump(pipeline, copy / "model.joblib")
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["model_sha256"] = sha256_of(copy / "model.joblib")
    (copy / "metadata.json").write_text(json.dumps(metadata))
    sign_artifact(copy, SIGNING_KEY)
    point_latest(copy)
    return root


def test_a_model_that_cannot_score_is_refused_at_start(
    trained_dir: Path, tmp_path: Path, english: dict[str, Any]
) -> None:
    settings = make_settings(pickled_by_an_older_version(trained_dir, tmp_path))
    with TestClient(create_app(settings)) as app:
        ready = app.get("/ready", headers=HEADERS)
        assert ready.status_code == 503
        why = ready.json()["models"]["credit_score"]
        assert "cannot score the credit_score example" in why and "retrain" in why
        answer = app.post("/predict", json=english, headers=HEADERS)
        assert answer.status_code == 503 and answer.json()["error"] == "model_not_ready"
