"""Auth, rate limits, request ids, batches, readiness, logs, and a real uvicorn process."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from credit_scoring.service.app import create_app
from credit_scoring.service.auth import RateLimiter, hash_key
from credit_scoring.service.shared_buckets import SharedBuckets
from tests.helpers import API_KEY, HEADERS, live_env, make_settings
from tests.helpers import LiveServer


def test_missing_or_wrong_key_is_401(client: TestClient, english: Any) -> None:
    for headers in ({}, {"x-api-key": "wrong"}, {"x-api-key": ""}):
        response = client.post("/predict", json=english, headers=headers)
        assert response.status_code == 401
        assert response.json()["error"] == "unauthorized"


def test_open_routes_need_no_key(client: TestClient) -> None:
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json()["status"] == "ready"


def test_rate_limit_answers_429_with_retry_after(trained_dir: Path, english: Any) -> None:
    settings = make_settings(trained_dir, rate_limit_per_minute=3)
    with TestClient(create_app(settings)) as limited:
        statuses = [limited.post("/predict", json=english, headers=HEADERS) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert int(statuses[-1].headers["retry-after"]) >= 1


def test_token_bucket_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=60, clock=lambda: now[0])
    assert all(limiter.retry_after("a") == 0 for _ in range(60))
    assert limiter.retry_after("a") == 1
    assert limiter.retry_after("b") == 0
    now[0] = 1.0
    assert limiter.retry_after("a") == 0


def test_request_id_is_kept_or_made(client: TestClient, english: Any) -> None:
    kept = client.post("/predict", json=english, headers=HEADERS | {"X-Request-ID": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123" == kept.json()["request_id"]
    made = client.post("/predict", json=english, headers=HEADERS)
    assert len(made.headers["x-request-id"]) == 32 == len(made.json()["request_id"])
    error = client.post("/predict", json={}, headers={"X-Request-ID": "err-1"})
    assert error.headers["x-request-id"] == "err-1" == error.json()["request_id"]


def test_batch_answers_in_order_and_matches_single(client: TestClient, english: Any) -> None:
    records = []
    for age, debt in [(20, 4000), (55, 50), (35, 2500), (28, 900)]:
        records.append(copy.deepcopy(english["data"]) | {"Age": age, "Outstanding_Debt": debt})
    batch = client.post("/predict/batch", json={"data": records}, headers=HEADERS)
    assert batch.status_code == 200
    results = batch.json()["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    for record, result in zip(records, results):
        single = client.post("/predict", json={"data": record}, headers=HEADERS).json()
        assert single["probabilities"] == pytest.approx(result["probabilities"], abs=1e-9)
        assert single["decision"] == result["decision"]


def test_batch_size_limit_is_413(trained_dir: Path, english: Any) -> None:
    settings = make_settings(trained_dir, max_batch_records=3)
    with TestClient(create_app(settings)) as small:
        ok = small.post("/predict/batch", json={"data": [english["data"]] * 3}, headers=HEADERS)
        too_many = small.post(
            "/predict/batch", json={"data": [english["data"]] * 4}, headers=HEADERS
        )
    assert ok.status_code == 200 and too_many.status_code == 413
    assert "At most 3 records" in too_many.json()["message"]


def test_a_bad_record_is_rejected_alone_and_the_others_decided(
    client: TestClient, english: Any
) -> None:
    good = english["data"]
    records = [good, good | {"Age": 8698}, 7, good | {"Age": 33}]
    response = client.post("/predict/batch", json={"data": records}, headers=HEADERS)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["decided"], body["rejected"]) == (2, 2)
    assert [r["status"] for r in body["results"]] == ["decided", "rejected", "rejected", "decided"]
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3]
    age, not_an_object = body["results"][1], body["results"][2]
    assert [f["field"] for f in age["fields"]] == ["data.1.Age"]
    assert not_an_object["fields"][0]["field"] == "data.2"
    assert "valid dictionary" in not_an_object["fields"][0]["message"]
    single = client.post("/predict", json={"data": records[3]}, headers=HEADERS).json()
    assert body["results"][3]["probabilities"] == pytest.approx(single["probabilities"])


def test_a_batch_of_only_bad_records_decides_nothing(client: TestClient, english: Any) -> None:
    records = [english["data"] | {"Age": None}, {"Agee": 3}]
    response = client.post("/predict/batch", json={"data": records}, headers=HEADERS)
    assert response.status_code == 200
    assert (response.json()["decided"], response.json()["rejected"]) == (0, 2)


@pytest.mark.parametrize("data", [[], {}, "x", None])
def test_a_bad_batch_envelope_is_422(client: TestClient, data: Any) -> None:
    response = client.post("/predict/batch", json={"data": data}, headers=HEADERS)
    assert response.status_code == 422 and response.json()["fields"][0]["field"] == "data"


def test_model_not_loaded_is_503(tmp_path: Path, english: Any) -> None:
    with TestClient(create_app(make_settings(tmp_path / "no-model"))) as empty:
        assert empty.get("/health").status_code == 200
        ready = empty.get("/ready")
        assert ready.status_code == 503 and ready.json()["status"] == "not_ready"
        response = empty.post("/predict", json=english, headers=HEADERS)
        assert response.status_code == 503 and response.json()["error"] == "model_not_ready"


def test_threshold_override_is_in_force(trained_dir: Path, english: Any) -> None:
    with TestClient(create_app(make_settings(trained_dir, decision_threshold=0.000001))) as strict:
        answer = strict.post("/predict", json=english, headers=HEADERS).json()
        assert answer["decision_threshold"] == 0.000001 and answer["decision"] == "NEGADO"
        assert strict.get("/model", headers=HEADERS).json()["decision_threshold"] == 0.000001


def test_logs_carry_no_key_and_no_applicant_data(
    client: TestClient, english: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client.post("/predict", json=english, headers=HEADERS | {"X-Request-ID": "log-check"})
    client.post("/predict", json={"data": english["data"] | {"Age": "x"}}, headers=HEADERS)
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records)
    assert "log-check" in text and "seed-client" in text
    assert API_KEY not in text
    for value in ("Doctor", "100000", "High_spent_Large_value_payments"):
        assert value not in text


def test_real_uvicorn_process_serves_the_seed(
    trained_dir: Path, english: Any, tmp_path: Path
) -> None:
    server = LiveServer(live_env(trained_dir), cwd=tmp_path)
    try:
        response = httpx.post(f"{server.url}/predict", json=english, headers=HEADERS, timeout=10)
    finally:
        output = server.stop()
    assert response.status_code == 200, response.text
    assert response.json()["model_version"] == trained_dir.name
    assert API_KEY not in output
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    assert any(line.get("route") == "/predict" and line["status"] == 200 for line in lines)


def test_ready_shows_details_only_to_clients(client: TestClient) -> None:
    public = client.get("/ready").json()
    assert public == {"status": "ready", "reasons": []}
    detailed = client.get("/ready", headers=HEADERS).json()
    assert detailed["models"]["credit_score"] and "backlog_bytes" in detailed["audit"]
    assert client.get("/ready", headers={"x-api-key": "wrong"}).json() == public


@pytest.mark.parametrize("path", ["/metrics", "/%6detrics", "/%6D%65trics"])
def test_metrics_need_their_token_whatever_the_path_spelling(trained_dir: Path, path: str) -> None:
    token = "metrics-token-0123456789"
    settings = make_settings(
        trained_dir, metrics_public=False, metrics_token_sha256=hash_key(token)
    )
    with TestClient(create_app(settings)) as client:
        refused = client.get(path)
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
        assert client.get(path, headers={"authorization": "Bearer wrong"}).status_code == 401
        assert client.get(path, headers=HEADERS).status_code == 401
        served = client.get(path, headers={"authorization": f"Bearer {token}"})
        assert served.status_code == 200 and "credit_http_requests_total" in served.text


def test_metrics_are_closed_without_a_token_setting(trained_dir: Path) -> None:
    with TestClient(create_app(make_settings(trained_dir, metrics_public=False))) as client:
        assert client.get("/metrics", headers={"authorization": "Bearer x"}).status_code == 401


def test_shared_buckets_are_one_limit_for_every_handle(tmp_path: Path) -> None:
    path = tmp_path / "buckets.bin"
    clock = [0.0]
    workers = [
        RateLimiter(per_minute=3, clock=lambda: clock[0], buckets=SharedBuckets(path))
        for _ in range(2)
    ]
    passed = [workers[k % 2].retry_after("client-a") == 0 for k in range(6)]
    assert passed == [True, True, True, False, False, False]
    assert workers[0].retry_after("client-b") == 0  # another client, its own bucket
    clock[0] = 20.0  # a minute refills 3: 20 s refills 1
    assert workers[1].retry_after("client-a") == 0 and workers[0].retry_after("client-a") > 0
