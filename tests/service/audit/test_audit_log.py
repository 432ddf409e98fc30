"""The audit log against a real SeaweedFS: every decision recorded once, nothing leaked."""

from __future__ import annotations

import shutil
import uuid
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.service.app import create_app
from credit_scoring.service.audit.export import period_records, read_records
from credit_scoring.service.audit.streams import Stream
from credit_scoring.service.auth import hash_key
from credit_scoring.dev.seaweed import LocalSeaweed
from tests.helpers import API_KEY, HEADERS, audit_settings, make_settings

FORBIDDEN_KEYS = {"Name", "SSN", "x-api-key", "api_key", "key"}


def today() -> date:
    return datetime.now(timezone.utc).date()


def all_keys(value: Any) -> set[str]:
    """Every dictionary key at any depth."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


def bucket() -> str:
    return f"audit-{uuid.uuid4().hex[:10]}"


def test_n_requests_give_exactly_n_records(
    trained_dir: Path, seaweed: LocalSeaweed, english: Any
) -> None:
    name = bucket()
    settings = audit_settings(trained_dir, seaweed, name)
    expected: set[str] = set()
    with TestClient(create_app(settings)) as client:
        for age in range(20, 45):
            record = english["data"] | {"Age": age}
            response = client.post("/predict", json={"data": record}, headers=HEADERS)
            expected.add(response.json()["decision_id"])
        batch = client.post("/predict/batch", json={"data": [english["data"]] * 3}, headers=HEADERS)
        expected |= {item["decision_id"] for item in batch.json()["results"]}
    records = read_records(
        seaweed.store(name), Stream.PREDICTIONS, "credit_score", today(), today()
    )
    assert len(records) == 28 and {r["decision_id"] for r in records} == expected


def test_only_the_decided_records_of_a_batch_are_audited(
    trained_dir: Path, seaweed: LocalSeaweed, english: Any
) -> None:
    name = bucket()
    records = [english["data"] | {"Age": 8698}, english["data"], {"oops": 1}, english["data"]]
    with TestClient(create_app(audit_settings(trained_dir, seaweed, name))) as client:
        batch = client.post("/predict/batch", json={"data": records}, headers=HEADERS).json()
    audited = read_records(
        seaweed.store(name), Stream.PREDICTIONS, "credit_score", today(), today()
    )
    decided = {r["index"]: r for r in batch["results"] if r["status"] == "decided"}
    assert {r["batch_index"] for r in audited} == set(decided) == {1, 3}
    for record in audited:
        answer = decided[record["batch_index"]]
        assert record["request_id"] == batch["request_id"]
        assert record["decision_id"] == answer["decision_id"]
        assert record["outputs"]["decision"] == answer["decision"]


def test_record_content_matches_the_response_and_leaks_nothing(
    trained_dir: Path, seaweed: LocalSeaweed, english: Any
) -> None:
    name = bucket()
    with TestClient(create_app(audit_settings(trained_dir, seaweed, name))) as client:
        answer = client.post("/predict", json=english, headers=HEADERS).json()
    (record,) = read_records(
        seaweed.store(name), Stream.PREDICTIONS, "credit_score", today(), today()
    )
    assert record["request_id"] == answer["request_id"] and record["batch_index"] is None
    assert record["decision_id"] == answer["decision_id"]
    assert (
        record["client_id"] == "seed-client" and record["model_version"] == answer["model_version"]
    )
    assert record["inputs"]["Age"] == 40 and record["inputs"]["Occupation"] == "Doctor"
    assert set(record["inputs"]) == set(english["data"]) | {"Type_of_Loan"}
    for field in (
        "prediction",
        "credit_class",
        "probabilities",
        "risk_probability",
        "decision",
        "decision_threshold",
    ):
        assert record["outputs"][field] == answer[field]
    assert record["latency_ms"] > 0 and record["time"].startswith(today().isoformat())
    assert not all_keys(record) & FORBIDDEN_KEYS
    assert API_KEY not in str(record)


def test_feedback_is_stored_beside_the_predictions(
    trained_dir: Path, seaweed: LocalSeaweed, english: Any
) -> None:
    name = bucket()
    with TestClient(create_app(audit_settings(trained_dir, seaweed, name))) as client:
        decision = client.post("/predict", json=english, headers=HEADERS).json()["request_id"]
        sent = {"request_id": decision, "actual_class": "Poor"}
        response = client.post("/feedback", json=sent, headers=HEADERS)
        assert response.status_code == 202 and response.json()["request_id"] == decision
        bad = client.post(
            "/feedback", json={"request_id": decision, "actual_class": "Bad"}, headers=HEADERS
        )
        assert bad.status_code == 422
    (stored,) = read_records(seaweed.store(name), Stream.FEEDBACK, "credit_score", today(), today())
    assert stored["request_id"] == decision and stored["actual_class"] == "Poor"
    assert seaweed.store(name).keys("feedback/profile=credit_score/dt=")


def test_a_reused_request_id_loses_no_decision_and_feedback_stays_with_its_owner(
    trained_dir: Path, seaweed: LocalSeaweed, english: Any
) -> None:
    """Two clients, and one client twice, send the same X-Request-ID with different inputs:
    every decision is exported, and feedback matches only a decision of its own client.
    Their feedback calls reuse that X-Request-ID too: every feedback is exported."""
    name = bucket()
    other = {"x-api-key": "other-key-0123456789"}
    keys = {"seed-client": hash_key(API_KEY), "other-client": hash_key(other["x-api-key"])}
    settings = audit_settings(trained_dir, seaweed, name, api_keys=keys)
    shared = {"X-Request-ID": "order-42"}
    with TestClient(create_app(settings)) as client:
        answers = [
            client.post("/predict", json={"data": english["data"] | {"Age": age}}, headers=h).json()
            for age, h in ((30, HEADERS | shared), (50, HEADERS | shared), (60, other | shared))
        ]
        sent = [
            (HEADERS, {"decision_id": answers[0]["decision_id"]}),  # matched
            (other, {"decision_id": answers[0]["decision_id"]}),  # not its decision
            (other, {"request_id": "order-42"}),  # its one decision under that id
            (HEADERS, {"request_id": "order-42"}),  # two decisions: ambiguous
            (HEADERS, {"decision_id": "never-made"}),
        ]
        for headers, ref in sent:
            reply = client.post(
                "/feedback", json=ref | {"actual_class": "Poor"}, headers=headers | shared
            )
            assert reply.status_code == 202, reply.text
    period = (today(), today())
    decisions = period_records(
        seaweed.store(name), Stream.PREDICTIONS, "credit_score", period, today()
    )
    assert sorted(r["decision_id"] for r in decisions) == sorted(a["decision_id"] for a in answers)
    assert {r["inputs"]["Age"] for r in decisions} == {30, 50, 60}
    feedback = period_records(seaweed.store(name), Stream.FEEDBACK, "credit_score", period, today())
    assert len(feedback) == len(sent)
    by_ref = {(f["client_id"], f["decision_id"] or f["request_id"]): f for f in feedback}
    first = answers[0]["decision_id"]
    assert by_ref[("seed-client", first)]["matched_decision_id"] == first
    assert by_ref[("other-client", first)]["match"] == "unmatched"
    assert by_ref[("other-client", "order-42")]["matched_decision_id"] == answers[2]["decision_id"]
    assert by_ref[("seed-client", "order-42")]["match"] == "ambiguous"
    assert by_ref[("seed-client", "never-made")]["match"] == "unmatched"


def test_feedback_names_exactly_one_decision(client: TestClient) -> None:
    for body in (
        {"actual_class": "Poor"},
        {"decision_id": "a", "request_id": "b", "actual_class": "Poor"},
    ):
        response = client.post("/feedback", json=body, headers=HEADERS)
        assert response.status_code == 422 and "exactly one" in response.text, response.text


def test_unwritable_spool_means_503_and_no_decision(trained_dir: Path, english: Any) -> None:
    settings = make_settings(trained_dir)
    with TestClient(create_app(settings)) as client:
        shutil.rmtree(settings.audit_spool_dir)
        settings.audit_spool_dir.write_text("a file where the spool directory was")
        response = client.post("/predict", json=english, headers=HEADERS)
        assert response.status_code == 503, response.text
        body = response.json()
        assert body["error"] == "audit_unavailable" and "decision" not in body
        ready = client.get("/ready", headers=HEADERS)
        assert ready.status_code == 503 and ready.json()["audit"]["spool_writable"] is False
        settings.audit_spool_dir.unlink()
        assert client.post("/predict", json=english, headers=HEADERS).status_code == 200
        assert client.get("/ready").status_code == 200


def test_objects_are_never_rewritten(seaweed: LocalSeaweed) -> None:
    store = seaweed.store(bucket())
    store.ensure_bucket()
    assert store.put_new("predictions/x.jsonl.gz", b"first", "application/x-ndjson")
    assert not store.put_new("predictions/x.jsonl.gz", b"second", "application/x-ndjson")
    assert store.get("predictions/x.jsonl.gz") == b"first"


def test_spool_refuses_records_past_its_size_cap(tmp_path: Path) -> None:
    from credit_scoring.service.audit.spool import Spool, SpoolError

    spool = Spool(
        tmp_path,
        "predictions",
        "t",
        segment_max_bytes=10_000,
        segment_max_seconds=60,
        max_bytes=2_000,
        fsync=False,
    )
    spool.append([{"request_id": str(i), "pad": "x" * 200} for i in range(5)])
    with pytest.raises(SpoolError, match="not yet uploaded"):
        spool.append([{"request_id": "over", "pad": "x" * 1_000}])
    assert spool.backlog_bytes() < 2_000
