"""GET /metrics: Prometheus text whose counts are what happened, on an app of its own."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from credit_scoring.service.app import create_app
from tests.helpers import HEADERS, make_settings


@pytest.fixture
def fresh_client(trained_dir: Path) -> Iterator[TestClient]:
    """An app nobody else has sent anything to."""
    with TestClient(create_app(make_settings(trained_dir.parent))) as test_client:
        yield test_client


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the exposition, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str) -> float:
    """The sum of a metric's samples over all its labels."""
    return sum(value for (sample, _), value in found.items() if sample == name)


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    """One sample; 0 when there is none."""
    return found.get((name, frozenset(labels.items())), 0.0)


def test_metrics_count_what_happened(fresh_client: TestClient, english: Any) -> None:
    for _ in range(3):
        assert fresh_client.post("/predict", json=english, headers=HEADERS).status_code == 200
    invalid = {"data": english["data"] | {"Age": 8698, "Agee": 1}}
    assert fresh_client.post("/predict", json=invalid, headers=HEADERS).status_code == 422
    assert fresh_client.get("/no/such/route/9f2c1e").status_code == 404
    response = fresh_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "9f2c1e" not in response.text and "Agee" not in response.text
    found = samples(response.text)
    requests = "credit_http_requests_total"
    assert value(found, requests, method="POST", route="/predict", status="200") == 3
    assert value(found, requests, method="POST", route="/predict", status="422") == 1
    assert value(found, requests, method="GET", route="unmatched", status="404") == 1
    assert value(found, "credit_validation_failures_total", field="Age") == 1
    assert value(found, "credit_ready") == 1
    loaded = [
        v for (name, _), v in found.items() if name == "credit_model_loaded_timestamp_seconds"
    ]
    assert len(loaded) == 1 and time.time() - 3600 < loaded[0] <= time.time()
    assert value(found, "credit_validation_failures_total", field="other") == 1
    assert total(found, "credit_predictions_total") == 3
    assert total(found, "credit_risk_probability_count") == 3
    assert total(found, "credit_model_info") == 1
    assert value(found, "credit_audit_spool_writable") == 1
    assert value(found, "credit_audit_backlog_bytes") > 0


def test_outcomes_are_counted_by_the_decision_they_judge(
    fresh_client: TestClient, english: Any
) -> None:
    answer = fresh_client.post("/predict", json=english, headers=HEADERS).json()
    code = {"APROVADO": "a", "NEGADO": "n"}[answer["decision"]]
    assert answer["decision_id"].startswith(f"credit_score-{code}-")
    for outcome in ("Poor", "Good"):
        body = {"decision_id": answer["decision_id"], "actual_class": outcome}
        assert fresh_client.post("/feedback", json=body, headers=HEADERS).status_code == 202
    old = {"decision_id": "3f2a9c0d", "actual_class": "Poor"}  # an id from before
    assert fresh_client.post("/feedback", json=old, headers=HEADERS).status_code == 202
    found = samples(fresh_client.get("/metrics").text)
    outcomes = "credit_feedback_total"
    decision = answer["decision"]
    assert value(found, outcomes, profile="credit_score", decision=decision, risk="true") == 1
    assert value(found, outcomes, profile="credit_score", decision=decision, risk="false") == 1
    assert value(found, outcomes, profile="credit_score", decision="unknown", risk="true") == 1
    recall = value(found, "credit_risk_recall_at_training", profile="credit_score")
    assert 0 < recall <= 1
