"""Input built to hurt: slow parsing, deep nesting, huge lists, floods of bad fields."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.profiles import Profile
from credit_scoring.profiles.credit_score_kinds import (
    HISTORY_AGE,
    LOAN_LIST,
    MAX_LOAN_ITEMS,
    split_loan_text,
)
from credit_scoring.profiles.kinds import CATEGORY
from credit_scoring.service.app import create_app
from credit_scoring.service.errors import MAX_LISTED_ERRORS
from tests.helpers import HEADERS, make_settings


def fastest_of(repeats: int, text: str) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        split_loan_text(text)
        times.append(time.perf_counter() - start)
    return min(times)


def test_loan_splitting_is_linear_in_adversarial_input() -> None:
    """Runs of spaces with no separator made the old regular expression quadratic (80,000
    spaces froze the API for 21 s): doubling the input must not quadruple the time."""
    one = "Auto Loan" + " " * 200_000 + "x"
    two = "Auto Loan" + " " * 400_000 + "x"
    ratio = fastest_of(5, two) / fastest_of(5, one)
    assert ratio < 3.0, f"doubling the input multiplied the time by {ratio:.1f}"
    assert split_loan_text("Auto Loan, and Student Loan") == ["Auto Loan", "Student Loan"]
    assert split_loan_text("Auto Loan and Payday Loan") == ["Auto Loan", "Payday Loan"]


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("[" * 1000 + "]" * 1000, "at most"),
        ("[" * 400 + "]" * 400, "Input should be 'Auto Loan'"),
        ("Auto Loan, " + " " * 80_000 + "and Student Loan", "at most 1000 characters"),
        (["Auto Loan"] * (MAX_LOAN_ITEMS + 1), f"at most {MAX_LOAN_ITEMS} items"),
        (", ".join(["Auto Loan"] * (MAX_LOAN_ITEMS + 1)), f"at most {MAX_LOAN_ITEMS} items"),
    ],
    ids=["1000 nested brackets", "400 nested brackets", "80k spaces", "long list", "long text"],
)
def test_hostile_loan_lists_get_a_422(
    client: TestClient, english: dict[str, Any], value: Any, says: str
) -> None:
    record = english["data"] | {"Type_of_Loan": value}
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 422, response.text
    (error,) = response.json()["fields"]
    assert error["field"].startswith("data.Type_of_Loan") and says in error["message"], error


def test_a_flood_of_unknown_fields_gets_a_short_answer(
    client: TestClient, english: dict[str, Any]
) -> None:
    record = english["data"] | {f"unknown_{i}": i for i in range(20_000)}
    response = client.post("/predict", json={"data": record}, headers=HEADERS)
    assert response.status_code == 422
    body = response.json()
    assert len(body["fields"]) == MAX_LISTED_ERRORS
    assert body["message"].endswith(f"and {20_000 - MAX_LISTED_ERRORS} more, not listed")
    assert len(response.content) < 20_000


MAX_AUDIT_RECORD_BYTES = 4096  # the bound README's audit section promises


def largest_record(profile: Profile) -> dict[str, Any]:
    """Every field at its longest valid JSON form: longest category, the longest loan list,
    numbers at the wider end of their range with 17 significant digits."""
    record: dict[str, Any] = {}
    for column in profile.inputs:
        if column.kind is LOAN_LIST:
            record[column.name] = [max(column.categories, key=len)] * MAX_LOAN_ITEMS
        elif column.kind is CATEGORY:
            record[column.name] = max(column.categories + column.unknown_answers, key=len)
        else:
            assert column.minimum is not None and column.maximum is not None, column.name
            wide = min(column.minimum, column.maximum, key=lambda v: -len(str(int(v))))
            if column.integer or column.kind is HISTORY_AGE:
                record[column.name] = int(wide)
            else:
                record[column.name] = wide * 0.99999999999999989 or 0.12345678901234567
    return record


def test_an_audit_record_has_a_bounded_size(
    trained_dir: Path, profile: Profile, english: dict[str, Any]
) -> None:
    """Every field is bounded (numbers by range, categories by list, loan lists by items),
    so a record of the largest valid input stays under the promised size."""
    settings = make_settings(trained_dir)
    with TestClient(create_app(settings)) as client:
        response = client.post("/predict", json={"data": largest_record(profile)}, headers=HEADERS)
        assert response.status_code == 200, response.text
    (segment,) = (settings.audit_spool_dir / "credit_score").iterdir()
    (line,) = segment.read_bytes().splitlines()
    assert 1000 < len(line) <= MAX_AUDIT_RECORD_BYTES, len(line)
