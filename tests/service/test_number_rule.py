"""One rule for every numeric field (ASCII digits, an optional sign and decimal point,
ASCII spaces around), duplicate names refused by name, UTF-8 bodies only, and no Python
limit leaking out: what a hostile client found accepted or garbled."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import HEADERS

JSON_HEADERS = HEADERS | {"content-type": "application/json"}


def _with(english: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"data": english["data"] | fields}


def _refused_field(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    return [error["field"] for error in response.json()["fields"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Age", "40"),
        ("Age", " 40 "),
        ("Age", "40.0"),
        ("Age", 40),
        ("Annual_Income", "100000.5"),
        ("Changed_Credit_Limit", "-5"),
        ("Credit_History_Age", "200.0"),
        ("Credit_History_Age", "22 Years and 1 Months"),
    ],
)
def test_numbers_by_the_rule_are_read(
    client: TestClient, english: dict[str, Any], field: str, value: Any
) -> None:
    response = client.post("/predict", json=_with(english, **{field: value}), headers=HEADERS)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("Age", "4_0"),
        ("Annual_Income", "100_000"),
        ("Age", "\u00a040"),  # no-break space
        ("Age", "40\u2003"),  # em space
        ("Age", "\u0664\u0660"),  # Arabic-Indic 40
        ("Credit_History_Age", "\u0662\u0666\u0665"),  # Arabic-Indic 265
        ("Credit_History_Age", "\u0662\u0662 Years and \u0661 Months"),
        ("Age", "1e1"),
        ("Age", True),
    ],
)
def test_numbers_off_the_rule_are_refused_by_name(
    client: TestClient, english: dict[str, Any], field: str, value: Any
) -> None:
    response = client.post("/predict", json=_with(english, **{field: value}), headers=HEADERS)
    assert _refused_field(response) == [f"data.{field}"]


@pytest.mark.parametrize("field", ["Age", "Annual_Income", "Credit_History_Age"])
def test_a_five_thousand_digit_integer_is_a_422_naming_its_field(
    client: TestClient, english: dict[str, Any], field: str
) -> None:
    body = json.dumps(_with(english, **{field: 0})).replace(
        f'"{field}": 0', f'"{field}": ' + "9" * 5000
    )
    response = client.post("/predict", content=body.encode(), headers=JSON_HEADERS)
    assert _refused_field(response) == [f"data.{field}"]
    assert "int_max_str_digits" not in response.text


def test_a_name_sent_twice_is_refused_by_name(client: TestClient, english: dict[str, Any]) -> None:
    body = json.dumps(english).replace('"Age": "40"', '"Age": "40", "Age": "90"')
    response = client.post("/predict", content=body.encode(), headers=JSON_HEADERS)
    fields = response.json()["fields"]
    assert response.status_code == 422 and fields[0]["field"] == "Age", response.text
    assert fields[0]["type"] == "duplicate_key"


def test_a_body_not_in_utf8_is_refused(client: TestClient, english: dict[str, Any]) -> None:
    body = json.dumps(english).encode("utf-16")
    response = client.post("/predict", content=body, headers=JSON_HEADERS)
    assert response.status_code == 400 and "UTF-8" in response.json()["message"]


def test_a_long_unknown_name_is_not_echoed_whole(
    client: TestClient, english: dict[str, Any]
) -> None:
    name = "x" * 10_000
    response = client.post("/predict", json=_with(english, **{name: 1}), headers=HEADERS)
    (field,) = _refused_field(response)
    assert field.startswith("data.xxx") and len(field) <= 70
    assert len(response.content) < 1_000
