"""One deployment serving both profiles: the three seed bodies verbatim at /predict, each
profile by name, protected attributes that never move a decision."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.service.app import create_app
from tests.helpers import HEADERS, make_settings
from tests.helpers import CONTRACTS


@pytest.fixture(scope="module")
def both(both_models: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(both_models))) as client:
        yield client


def seed(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((CONTRACTS / f"{name}.json").read_text())
    return loaded


@pytest.mark.parametrize(
    ("body", "profile"),
    [
        ("credit_score_english", "credit_score"),
        ("credit_score_portuguese", "credit_score"),
        ("card_default", "card_default"),
    ],
)
def test_each_seed_body_works_verbatim_at_predict(
    both: TestClient, body: str, profile: str
) -> None:
    response = both.post("/predict", json=seed(body), headers=HEADERS)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["profile"] == profile and answer["credit_class"] in ("Poor", "Standard", "Good")
    assert answer["prediction"] == ("Poor", "Standard", "Good").index(answer["credit_class"])
    assert (
        answer["version"] == answer["model_version"]
        and answer["score"] == answer["risk_probability"]
    )
    assert answer["label"] == (answer["decision"] == "NEGADO")


def test_card_answers_in_the_shared_shape(both: TestClient) -> None:
    answer = both.post(
        "/v1/card_default/predict", json=seed("card_default"), headers=HEADERS
    ).json()
    assert set(answer["probabilities"]) == {"no_default", "default"}
    assert answer["risk_probability"] == pytest.approx(answer["probabilities"]["default"])
    model = both.get("/v1/card_default/model", headers=HEADERS).json()
    bands = model["risk_bands"]
    risk = answer["risk_probability"]
    expected = (
        "Poor"
        if risk >= bands["poor_from"]
        else "Good" if risk < bands["good_below"] else "Standard"
    )
    assert answer["credit_class"] == expected
    assert (answer["decision"] == "NEGADO") == (risk >= answer["decision_threshold"])


def test_protected_attributes_never_move_a_decision(both: TestClient) -> None:
    base = seed("card_default")["data"]
    answers = [
        both.post(
            "/v1/card_default/predict",
            json={"data": base | {"SEX": sex, "MARRIAGE": marriage, "AGE": age}},
            headers=HEADERS,
        ).json()["risk_probability"]
        for sex in (1, 2)
        for marriage in (0, 1, 2, 3)
        for age in (21, 45, 79)
    ]
    assert len(set(answers)) == 1, answers
    model = both.get("/v1/card_default/model", headers=HEADERS).json()
    assert not {"SEX", "MARRIAGE", "AGE"} & set(model["features"])


def test_pay_1_is_an_alias_of_pay_0(both: TestClient) -> None:
    data = dict(seed("card_default")["data"])
    data["PAY_1"] = data.pop("PAY_0")
    renamed = both.post("/predict", json={"data": data}, headers=HEADERS)
    original = both.post("/predict", json=seed("card_default"), headers=HEADERS)
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["risk_probability"] == original.json()["risk_probability"]


@pytest.mark.parametrize(
    ("field", "value"), [("PAY_0", 12), ("LIMIT_BAL", -5), ("EDUCATION", 9), ("SEX", 3)]
)
def test_impossible_card_values_get_a_422(both: TestClient, field: str, value: int) -> None:
    data = seed("card_default")["data"] | {field: value}
    response = both.post("/predict", json={"data": data}, headers=HEADERS)
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["fields"]] == [f"data.{field}"]


def test_a_body_that_fits_no_profile_gets_a_helpful_422(both: TestClient) -> None:
    response = both.post("/predict", json={"data": {"foo": 1, "bar": 2}}, headers=HEADERS)
    assert response.status_code == 422
    (error,) = response.json()["fields"]
    assert error["type"] == "no_matching_profile"
    assert "/v1/card_default/predict" in error["message"] and "LIMIT_BAL" in error["message"]
    assert len(response.content) < 2000


def test_a_card_batch_at_the_unprefixed_route(both: TestClient) -> None:
    records = [seed("card_default")["data"], seed("card_default")["data"] | {"PAY_0": 99}]
    answer = both.post("/predict/batch", json={"data": records}, headers=HEADERS).json()
    assert answer["profile"] == "card_default" and (answer["decided"], answer["rejected"]) == (1, 1)


def test_ready_names_both_models(both: TestClient) -> None:
    ready = both.get("/ready", headers=HEADERS).json()
    assert set(ready["models"]) == {"credit_score", "card_default"} and ready["status"] == "ready"


def test_metrics_and_model_name_the_profile(both: TestClient) -> None:
    both.post("/predict", json=seed("card_default"), headers=HEADERS)
    metrics = both.get("/metrics").text
    decisions = [
        line for line in metrics.splitlines() if line.startswith("credit_predictions_total")
    ]
    assert any('profile="card_default"' in line for line in decisions), decisions
    assert both.get("/v1/card_default/model", headers=HEADERS).json()["profile"] == "card_default"
    assert both.get("/model", headers=HEADERS).json()["profile"] == "credit_score"


def _spooled(spool: Path, record_id: str) -> tuple[Path, dict[str, Any]]:
    """The spool file holding the record with this id, and the record."""
    for path in spool.rglob("*"):
        if path.is_file():
            for line in path.read_bytes().splitlines():
                if record_id.encode() in line:
                    return path, json.loads(line)
    raise AssertionError(f"{record_id} is not in the spool")


def test_feedback_is_filed_under_its_decisions_profile_whatever_the_route(
    both_models: Path,
) -> None:
    settings = make_settings(both_models)
    with TestClient(create_app(settings)) as client:
        card = client.post("/predict", json=seed("card_default"), headers=HEADERS).json()
        assert card["decision_id"].startswith("card_default-")
        wrong = {"decision_id": card["decision_id"], "actual_class": "Poor"}
        refused = client.post("/feedback", json=wrong, headers=HEADERS)
        assert refused.status_code == 422 and refused.json()["fields"][0]["field"] == "actual_class"
        right = wrong | {"actual_class": "default"}
        answer = client.post("/feedback", json=right, headers=HEADERS)
        assert answer.status_code == 202, answer.text
        credit = client.post("/predict", json=seed("credit_score_english"), headers=HEADERS).json()
        elsewhere = {"decision_id": credit["decision_id"], "actual_class": "default"}
        assert (
            client.post("/v1/card_default/feedback", json=elsewhere, headers=HEADERS).status_code
            == 422
        )
        by_request = {"request_id": credit["request_id"], "actual_class": "Poor"}
        assert client.post("/feedback", json=by_request, headers=HEADERS).status_code == 202
    path, record = _spooled(settings.audit_spool_dir, answer.json()["feedback_id"])
    assert record["profile"] == "card_default" and "card_default" in str(path)
    assert "feedback" in str(path)
