"""Bad input, per field and per body: the exact status and the field named. Never a 500."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.profiles import get_profile
from credit_scoring.profiles.kinds import CATEGORY, NUMBER
from tests.helpers import HEADERS

PROFILE = get_profile("credit_score")
NUMBERS = [c for c in PROFILE.inputs if c.kind is NUMBER]
CATEGORIES = [c for c in PROFILE.inputs if c.kind is CATEGORY]
REQUIRED = [c for c in PROFILE.inputs if c.required]
OPTIONAL = [c for c in PROFILE.inputs if not c.required]
FULL_RECORD: dict[str, Any] = {
    **PROFILE.examples["english"]["data"],
    "Type_of_Loan": "Auto Loan, and Student Loan",
}


def cases() -> list[tuple[str, str, Any]]:
    """(field, what is wrong, bad value) for every field; ``...`` means the field is absent."""
    table: list[tuple[str, str, Any]] = []
    for column in REQUIRED:
        table += [(column.name, "missing", ...), (column.name, "null", None)]
    for column in NUMBERS:
        table += [
            (column.name, "non-numeric string", "abc"),
            (column.name, "wrong type: list", [1]),
            (column.name, "wrong type: object", {"value": 1}),
            (column.name, "boolean", True),
            (column.name, "below range", (column.minimum or 0) - 1),
            (column.name, "absurd", (column.maximum or 0) * 1000 + 8698),
        ]
    for column in CATEGORIES:
        table += [(column.name, "unknown enum", "Astronaut"), (column.name, "number", 3)]
    table += [
        ("Age", "negative", -500),
        ("Age", "Kaggle dirt", "28_"),
        ("Num_of_Loan", "fraction", 2.5),
        ("Credit_History_Age", "free text", "a long time"),
        ("Credit_History_Age", "negative", -3),
        ("Type_of_Loan", "unknown loan type", "Auto Loan, and Boat Loan"),
        ("Type_of_Loan", "broken JSON list", '["Auto Loan"'),
        ("Type_of_Loan", "number", 7),
    ]
    return table


@pytest.mark.parametrize(("field", "problem", "value"), cases(), ids=lambda v: str(v)[:30])
def test_bad_field_is_named(client: TestClient, field: str, problem: str, value: Any) -> None:
    record = copy.deepcopy(FULL_RECORD)
    if value is ...:
        del record[field]
    else:
        record[field] = value
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 422, (problem, response.text)
    body = response.json()
    named = {error["field"].split(".")[1] for error in body["fields"]}
    assert named == {field}, body
    assert body["request_id"] == response.headers["x-request-id"]


@pytest.mark.parametrize("field", [c.name for c in OPTIONAL])
def test_optional_fields_may_be_null_or_absent(client: TestClient, field: str) -> None:
    record = copy.deepcopy(FULL_RECORD)
    record[field] = None
    assert client.post("/predict", json={"data": record}, headers=HEADERS).status_code == 200
    del record[field]
    assert client.post("/predict", json={"data": record}, headers=HEADERS).status_code == 200


@pytest.mark.parametrize(
    ("name", "alias_value"),
    [("Agee", 40), ("annual_income", 1000), ("idad", 30)],
)
def test_misspelled_names_are_errors(client: TestClient, name: str, alias_value: Any) -> None:
    record = copy.deepcopy(FULL_RECORD) | {name: alias_value}
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["fields"]}
    assert f"data.{name}" in errors and "Unknown field" in errors[f"data.{name}"]


def test_missing_field_message_names_the_alias(client: TestClient, portuguese: Any) -> None:
    record = copy.deepcopy(portuguese["data"])
    del record["idade"]
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 422
    assert response.json()["fields"][0]["message"] == (
        "Field required: send 'Age' (or its alias 'idade')"
    )


def test_history_and_loans_in_every_accepted_spelling(client: TestClient) -> None:
    answers = []
    for history, loans in [
        ("22 Years and 1 Months", "Auto Loan, and Student Loan"),
        (265, ["Auto Loan", "Student Loan"]),
        ("265", '["Auto Loan", "Student Loan"]'),
    ]:
        record = FULL_RECORD | {"Credit_History_Age": history, "Type_of_Loan": loans}
        response = client.post("/predict", json={"data": record}, headers=HEADERS)
        assert response.status_code == 200, response.text
        answers.append(response.json()["probabilities"])
    assert answers[0] == answers[1] == answers[2]


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"", "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"data=1", "application/x-www-form-urlencoded", 400),
        (b"[1, 2]", "application/json", 422),
        (b'"text"', "application/json", 422),
        (b'{"data": {}}', None, 400),
        (b"{}", "application/json", 422),
        (b'{"data": "x"}', "application/json", 422),
        (b'{"data": {}, "extra": 1}', "application/json", 422),
        (b'{"data": []}', "application/json", 422),
    ],
)
def test_bad_bodies(
    client: TestClient, content: bytes, content_type: str | None, status: int
) -> None:
    headers = HEADERS | ({"content-type": content_type} if content_type else {})
    response = client.post("/predict", content=content, headers=headers)
    assert response.status_code == status, response.text
    assert response.json()["request_id"] == response.headers["x-request-id"]


def test_oversized_body_is_413(client: TestClient, settings: Any) -> None:
    padding = "x" * (settings.max_body_bytes + 1)
    response = client.post("/predict", json={"data": {"Age": padding}}, headers=HEADERS)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_unknown_route_and_method(client: TestClient) -> None:
    assert client.get("/nowhere").status_code == 404
    assert client.get("/predict").status_code == 405


@pytest.mark.parametrize(
    "request_id",
    ["x" * 129, "has space", "a/b", "ação", "", "tab\there"],
    ids=["129 chars", "space", "slash", "non-ASCII", "empty", "tab"],
)
def test_an_unusable_request_id_is_refused_with_the_rule(
    client: TestClient, english: Any, request_id: str
) -> None:
    headers = [(b"x-api-key", HEADERS["x-api-key"].encode())]
    headers.append((b"x-request-id", request_id.encode()))
    response = client.post("/predict", json=english, headers=headers)  # type: ignore[arg-type]
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_request_id"
    assert "1 to 128 characters" in body["message"]
    assert body["request_id"] == response.headers["x-request-id"] != request_id


def test_longest_allowed_request_id_is_kept(client: TestClient, english: Any) -> None:
    request_id = "a" * 120 + ".-_:AZ09"
    response = client.post("/predict", json=english, headers=HEADERS | {"X-Request-ID": request_id})
    assert response.status_code == 200 and response.json()["request_id"] == request_id


def test_a_name_and_its_alias_together_are_named_as_such(client: TestClient, english: Any) -> None:
    record = english["data"] | {"idade": 41}
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 422
    (error,) = response.json()["fields"]
    assert error["field"] == "data.idade" and error["type"] == "duplicate_field"
    assert error["message"] == "Both 'Age' and 'idade' were sent: they name one field; send one"


@pytest.mark.parametrize("name", ["Age", "idade", "Occupation", "Credit_History_Age"])
def test_null_for_a_required_field_says_required(
    client: TestClient, english: Any, portuguese: Any, name: str
) -> None:
    body = portuguese if name == "idade" else english
    record = body["data"] | {name: None}
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 422
    (error,) = response.json()["fields"]
    assert error["type"] == "null_not_allowed"
    assert error["message"] == f"'{name}' is required and may not be null"


@pytest.mark.parametrize("text", ["22 Years and 12 Months", "22 Years and 13 Months"])
def test_a_month_count_over_11_is_an_error(client: TestClient, text: str) -> None:
    record = FULL_RECORD | {"Credit_History_Age": text}
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 422
    (error,) = response.json()["fields"]
    assert error["field"] == "data.Credit_History_Age"
    assert "must be 0 to 11" in error["message"]
    fine = FULL_RECORD | {"Credit_History_Age": "22 Years and 11 Months"}
    assert client.post("/predict", json={"data": fine}, headers=HEADERS).status_code == 200


def test_not_mentioned_min_amount_is_unknown_as_in_files(client: TestClient, artifact: Any) -> None:
    """NM ("not mentioned") is accepted, and decided exactly as a file row with NM is."""
    import pandas as pd

    record = FULL_RECORD | {"Payment_of_Min_Amount": "NM"}
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 200, response.text
    row = pd.DataFrame([{k: str(v) for k, v in record.items()}], columns=PROFILE.input_names)
    from_file = artifact.pipeline.predict_proba(row.astype(object))[0]
    answer = response.json()["probabilities"]
    assert [answer[c] for c in PROFILE.classes] == pytest.approx(list(from_file), abs=1e-12)
    missing = FULL_RECORD | {"Payment_of_Min_Amount": None}
    row_missing = pd.DataFrame([missing], columns=PROFILE.input_names)
    assert list(artifact.pipeline.predict_proba(row_missing)[0]) == pytest.approx(list(from_file))
