"""A model trained on synthetic data serves only when a setting allows it, and says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from credit_scoring.service.app import create_app
from tests.helpers import HEADERS, make_settings


def test_refused_by_default(trained_dir: Path, english: dict[str, Any]) -> None:
    settings = make_settings(trained_dir.parent, allow_synthetic_model=False)
    with TestClient(create_app(settings)) as refusing:
        assert refusing.get("/ready").json() == {
            "status": "not_ready",
            "reasons": ["model_not_loaded"],
        }
        ready = refusing.get("/ready", headers=HEADERS)
        assert ready.status_code == 503
        assert "trained on synthetic data" in ready.json()["models"]["credit_score"]
        assert "CREDIT_ALLOW_SYNTHETIC_MODEL=true" in ready.json()["models"]["credit_score"]
        assert refusing.post("/predict", json=english, headers=HEADERS).status_code == 503


def test_allowed_answers_say_synthetic(client: TestClient, english: dict[str, Any]) -> None:
    single = client.post("/predict", json=english, headers=HEADERS)
    assert single.status_code == 200 and single.json()["training_data"] == "synthetic"
    batch = client.post("/predict/batch", json={"data": [english["data"]]}, headers=HEADERS)
    assert batch.status_code == 200 and batch.json()["training_data"] == "synthetic"
    assert client.get("/model", headers=HEADERS).json()["training_data"]["kind"] == "synthetic"
