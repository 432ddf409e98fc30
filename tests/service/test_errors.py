"""Bad input, per field and per body: the exact status and the field named. Never a 500."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.profiles import ColumnKind, get_profile
from tests.service.conftest import HEADERS

PROFILE = get_profile("credit_score")
NUMBERS = [c for c in PROFILE.inputs if c.kind is ColumnKind.NUMBER]
CATEGORIES = [c for c in PROFILE.inputs if c.kind is ColumnKind.CATEGORY]
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
        (b"{}", "application/json", 422),
        (b'{"data": "x"}', "application/json", 422),
        (b'{"data": {}, "extra": 1}', "application/json", 422),
        (b'{"data": []}', "application/json", 422),
    ],
)
def test_bad_bodies(client: TestClient, content: bytes, content_type: str, status: int) -> None:
    headers = HEADERS | {"content-type": content_type}
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
