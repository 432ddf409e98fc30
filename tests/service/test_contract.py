"""The seed payloads, verbatim, and the response contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.profiles import CREDIT_SCORE, get_profile
from credit_scoring.service.schemas import PredictResponse, record_model
from credit_scoring.service.settings import Settings
from tests.helpers import CONTRACTS, HEADERS


@pytest.mark.parametrize("name", ["english", "portuguese"])
def test_profile_examples_are_the_shared_contracts_verbatim(name: str) -> None:
    path = CONTRACTS / f"credit_score_{name}.json"
    if not path.is_file():
        pytest.skip(f"{path} is not beside the repository")
    assert json.loads(path.read_text()) == get_profile("credit_score").examples[name]


@pytest.mark.parametrize("name", ["english", "portuguese"])
def test_seed_payload_gets_a_valid_answer(
    client: TestClient, settings: Settings, name: str, english: Any, portuguese: Any
) -> None:
    payload = {"english": english, "portuguese": portuguese}[name]
    response = client.post("/predict", json=payload, headers=HEADERS)
    assert response.status_code == 200, response.text
    body = PredictResponse.model_validate(response.json())
    assert body.request_id == response.headers["x-request-id"]
    assert body.profile == "credit_score" and body.model_version.startswith("credit_score-")
    assert set(body.probabilities) == {"Poor", "Standard", "Good"}
    assert sum(body.probabilities.values()) == pytest.approx(1.0, abs=1e-6)
    assert body.credit_class == ["Poor", "Standard", "Good"][body.prediction]
    assert body.credit_class == max(body.probabilities, key=body.probabilities.__getitem__)
    assert body.risk_probability == body.probabilities["Poor"]
    expected = "NEGADO" if body.risk_probability >= body.decision_threshold else "APROVADO"
    assert body.decision.value == expected


def test_the_answer_is_the_pipelines_answer(
    client: TestClient, english: Any, artifact: Any
) -> None:
    import pandas as pd

    response = client.post("/predict", json=english, headers=HEADERS).json()
    frame = pd.DataFrame([english["data"]]).reindex(columns=get_profile("credit_score").input_names)
    proba = artifact.pipeline.predict_proba(frame)[0]
    assert [response["probabilities"][k] for k in ("Poor", "Standard", "Good")] == pytest.approx(
        list(proba), abs=1e-9
    )


def test_request_schema_is_held_to_the_column_list() -> None:
    profile = get_profile("credit_score")
    model = record_model(CREDIT_SCORE)
    assert list(model.model_fields) == profile.input_names
    for column in profile.inputs:
        field = model.model_fields[column.name]
        choices = field.validation_alias.choices  # type: ignore[union-attr]
        assert choices == [column.name] + ([column.alias] if column.alias else [])
        assert field.is_required() == column.required


def test_docs_show_every_example_and_error_responses(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/predict"]["post"]
    examples = operation["requestBody"]["content"]["application/json"]["examples"]
    assert set(examples) == {"english", "portuguese", "card"}
    for profile in ("credit_score", "card_default"):
        assert f"/v1/{profile}/predict" in spec["paths"]
    assert {"400", "401", "413", "422", "429", "503"} <= set(operation["responses"])
    schema = json.dumps(spec["components"]["schemas"])
    assert "High_spent_Large_value_payments" in schema and "Credit-Builder Loan" in schema


def test_docs_can_be_turned_off(trained_dir: Path) -> None:
    from credit_scoring.service.app import create_app
    from tests.helpers import make_settings

    with TestClient(create_app(make_settings(trained_dir, docs_enabled=False))) as closed:
        assert closed.get("/docs").status_code == 404
        assert closed.get("/openapi.json").status_code == 404
        assert closed.get("/health").status_code == 200


def test_model_endpoint_shows_metadata_without_paths(client: TestClient, trained_dir: Path) -> None:
    response = client.get("/model", headers=HEADERS)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == trained_dir.name
    assert body["training_data"]["kind"] == "synthetic"
    assert body["decision_threshold"] == body["artifact_threshold"]
    assert str(trained_dir.parent) not in response.text and "/tmp" not in response.text
    assert client.get("/model").status_code == 401


def test_the_portuguese_forms_own_words_are_decided(
    client: TestClient, portuguese: Any, artifact: Any
) -> None:
    """What the Portuguese client's form allows: 'Not Informed' (read as unknown, like the
    raw file's markers), 'Two or More Types of Loan' (an unknown loan list) and a 100 %
    rate (valid; outside what the model was trained on, so named in the answer)."""
    body = {
        "data": portuguese["data"]
        | {
            "ocupacao": "Not Informed",
            "pagamento_valor_minimo": "Not Informed",
            "tipos_emprestimos": "Two or More Types of Loan",
            "taxa_juros": 100,
        }
    }
    response = client.post("/predict", json=body, headers=HEADERS)
    assert response.status_code == 200, response.text
    answer = PredictResponse.model_validate(response.json())
    seed = client.post("/predict", json=portuguese, headers=HEADERS).json()
    assert "Interest_Rate" not in seed["outside_training_range"]
    assert "Interest_Rate" in answer.outside_training_range
    assert answer.version == answer.model_version and answer.prediction in (0, 1, 2)
    unknown = {"Occupation": None, "Payment_of_Min_Amount": "NM", "Type_of_Loan": None}
    import pandas as pd

    aliases = artifact.profile.column_aliases
    raw = {aliases.get(k, k): v for k, v in body["data"].items()} | unknown
    frame = pd.DataFrame([raw]).reindex(columns=artifact.profile.input_names)
    proba = artifact.pipeline.predict_proba(frame)[0]
    assert list(answer.probabilities.values()) == pytest.approx(list(proba), abs=1e-6)


@pytest.mark.parametrize(
    ("field", "value"), [("qtd_emprestimos", -1), ("taxa_juros", 101), ("idade", 7)]
)
def test_impossible_values_still_get_a_422(
    client: TestClient, portuguese: Any, field: str, value: int
) -> None:
    body = {"data": portuguese["data"] | {field: value}}
    response = client.post("/predict", json=body, headers=HEADERS)
    assert response.status_code == 422
    assert [error["field"] for error in response.json()["fields"]] == [f"data.{field}"]
