"""GET /metrics: Prometheus text with request, decision, validation, audit and model metrics."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.service.conftest import HEADERS


def test_metrics_count_what_happened(client: TestClient, english: Any) -> None:
    client.post("/predict", json=english, headers=HEADERS)
    client.post(
        "/predict", json={"data": english["data"] | {"Age": 8698, "Agee": 1}}, headers=HEADERS
    )
    client.get("/no/such/route/9f2c1e")
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'credit_http_requests_total{method="POST",route="/predict",status="200"}' in text
    assert 'credit_http_requests_total{method="POST",route="/predict",status="422"}' in text
    assert 'route="unmatched"' in text and "9f2c1e" not in text
    assert 'credit_validation_failures_total{field="Age"}' in text
    assert 'credit_validation_failures_total{field="other"}' in text and "Agee" not in text
    assert "credit_predictions_total{" in text and "credit_risk_probability_bucket" in text
    assert "credit_model_info{" in text
    assert "credit_audit_backlog_bytes" in text and "credit_audit_spool_writable 1.0" in text
