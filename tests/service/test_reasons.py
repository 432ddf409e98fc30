"""Reasons through the API: every NEGADO answer and its audit record carry the fields
against; ?explain=true adds them to any answer, with those in favour; APROVADO pays nothing
unless asked; a bad ?explain is a 422 naming it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.service.app import create_app
from credit_scoring.service.openapi_examples import REFUSAL_EXAMPLE
from credit_scoring.service.schemas import PredictResponse
from tests.helpers import HEADERS, make_settings, spooled_records


@pytest.fixture(scope="module")
def strict(trained_dir: Path) -> Any:
    """An app that refuses everyone (threshold near 0), and one that accepts everyone."""
    settings = make_settings(trained_dir, decision_threshold=0.000001)
    with TestClient(create_app(settings)) as app:
        yield app, settings


def test_a_refusal_carries_its_reasons_in_the_answer_and_the_audit(
    strict: Any, english: dict[str, Any]
) -> None:
    app, settings = strict
    answer = app.post("/predict", json=english, headers=HEADERS).json()
    assert answer["decision"] == "NEGADO"
    explanation = answer["explanation"]
    assert explanation["explains"] == "risk_log_odds" and "in_favour" not in explanation
    assert 1 <= len(explanation["against"]) <= 4
    first = explanation["against"][0]
    assert first["contribution"] > 0 and first["message"]["pt"] and first["message"]["en"]
    sent = english["data"][first["field"]]  # the English client sends numbers as text
    assert first["value"] == (float(sent) if isinstance(first["value"], float) else sent)
    PredictResponse.model_validate(answer)
    audited = spooled_records(settings)[answer["decision_id"]]
    assert audited["outputs"]["explanation"] == explanation
    counted = f'credit_refusal_reasons_total{{field="{first["field"]}",profile="credit_score"}}'
    assert counted in app.get("/metrics").text


def test_an_approval_is_explained_only_when_asked(
    client: TestClient, english: dict[str, Any]
) -> None:
    plain = client.post("/predict", json=english, headers=HEADERS).json()
    asked = client.post("/predict?explain=true", json=english, headers=HEADERS).json()
    if plain["decision"] == "APROVADO":
        assert "explanation" not in plain
    explanation = asked["explanation"]
    assert "in_favour" in explanation
    listed = explanation["against"] + explanation["in_favour"]
    total = explanation["base_value"] + sum(r["contribution"] for r in listed)
    assert total + explanation["other_fields"] == pytest.approx(explanation["value"], abs=1e-6)
    PredictResponse.model_validate(asked)


def test_a_batch_is_explained_when_asked(strict: Any, portuguese: dict[str, Any]) -> None:
    app, _ = strict
    body = {"data": [portuguese["data"], portuguese["data"]]}
    answer = app.post("/predict/batch?explain=true", json=body, headers=HEADERS).json()
    first, second = answer["results"]
    assert first["explanation"]["in_favour"] is not None
    assert first["explanation"] == second["explanation"]


@pytest.mark.parametrize("path", ["/predict?explain=maybe", "/predict/batch?explain=2"])
def test_a_bad_explain_flag_is_a_422_naming_it(
    client: TestClient, english: dict[str, Any], path: str
) -> None:
    body = english if path == "/predict?explain=maybe" else {"data": [english["data"]]}
    response = client.post(path, json=body, headers=HEADERS)
    assert response.status_code == 422
    assert response.json()["fields"][0]["field"] == "query.explain"


def test_docs_show_a_refusal_with_reasons_that_add_up(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    answer = spec["paths"]["/predict"]["post"]["responses"]["200"]["content"]
    example = answer["application/json"]["examples"]["credit_score_refusal"]["value"]
    assert example == REFUSAL_EXAMPLE
    PredictResponse.model_validate(example)
    explanation = example["explanation"]
    parts = [reason["contribution"] for reason in explanation["against"]]
    total = explanation["base_value"] + sum(parts) + explanation["other_fields"]
    assert total == pytest.approx(explanation["value"], abs=1e-4)
    query = spec["paths"]["/predict"]["post"]["parameters"]
    assert "explain" in [parameter["name"] for parameter in query]


def test_the_model_says_how_it_is_explained(client: TestClient) -> None:
    described = client.get("/model", headers=HEADERS).json()
    assert described["explanations"].startswith("exact SHAP values of the risk_log_odds")
