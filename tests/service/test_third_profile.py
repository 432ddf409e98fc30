"""A third profile is one new module and nothing else: this file declares one (its columns,
a column kind of its own, its features, its data), trains a tiny model for it, and the
service serves it at /predict (by name and by its fields) and documents it in /docs, with
no line of ml/ or service/ knowing it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from pydantic import BeforeValidator, WithJsonSchema

from credit_scoring.ml.artifact import sign_artifact
from credit_scoring.ml.training import TrainConfig
from credit_scoring.ml.training_run import train
from credit_scoring.profiles import PROFILES
from credit_scoring.profiles.base import ColumnKind, InputColumn, Label, Profile
from credit_scoring.profiles.kinds import CATEGORY, NUMBER, limits, number_or_nan
from credit_scoring.profiles.transformer import Columns, FeatureEncoder
from credit_scoring.service.app import create_app
from tests.helpers import HEADERS, SIGNING_KEY, make_settings

REGIONS = ("north", "south", "east", "west")


def _percent_text(value: Any) -> Any:
    """ "37%" or "37 %" as 37 (the API field's reading)."""
    if isinstance(value, str) and value.strip().endswith("%"):
        return value.strip()[:-1].strip()
    return value


class PercentKind(ColumnKind):
    """A share in percent, sent as a number or as text like "37%"."""

    name = "percent"
    ranged = True

    def parse(self, values: pd.Series, column: InputColumn) -> pd.Series:
        text = values.astype("string").str.strip().str.rstrip("%").str.strip()
        return column.within_range(pd.to_numeric(text, errors="coerce").astype("float64"))

    def canonical(self, value: Any, column: InputColumn) -> float:
        return number_or_nan(value, column)

    def field_type(self, column: InputColumn) -> Any:
        schema = {
            "anyOf": [
                {"type": "number", "minimum": column.minimum, "maximum": column.maximum},
                {"type": "string", "pattern": r"^[0-9]+(\.[0-9]+)? ?%$"},
            ]
        }
        return Annotated[
            float, *limits(column), BeforeValidator(_percent_text), WithJsonSchema(schema)
        ]


PERCENT = PercentKind()  # pickled by reference: the constant named after the kind


class TinyLoanFeatures(FeatureEncoder):
    """Income, utilisation, and the region as its position."""

    def _names(self) -> list[str]:
        return ["income", "utilisation", "region"]

    def encode(self, columns: Columns) -> dict[str, np.ndarray]:
        positions = {region: float(k) for k, region in enumerate(REGIONS)}
        regions = np.asarray(columns["region"], dtype=object)
        return {
            "income": np.asarray(columns["income"], dtype="float64"),
            "utilisation": np.asarray(columns["utilisation"], dtype="float64"),
            "region": np.array([positions.get(r, np.nan) for r in regions], dtype="float64"),
        }


EXAMPLE = {"data": {"income": 4200, "utilisation": "35%", "regiao": "south"}}
TINY_LOANS = Profile(
    name="tiny_loans",
    raw_columns=("client", "income", "utilisation", "region", "repaid"),
    inputs=(
        InputColumn(
            "income", NUMBER, "Monthly income", None, 0, 100_000, label=Label("Income", "Renda")
        ),
        InputColumn(
            "utilisation",
            PERCENT,
            "Credit used, %",
            None,
            0,
            100,
            label=Label("Credit used, %", "Crédito usado, %"),
        ),
        InputColumn(
            "region",
            CATEGORY,
            "Region",
            "regiao",
            categories=REGIONS,
            label=Label("Region", "Região"),
        ),
    ),
    target="repaid",
    classes=("repaid", "default"),
    risk_class="default",
    group_column="client",
    description="a tiny made-up profile of this test",
    features=TinyLoanFeatures,
    target_labels={"0": "repaid", "1": "default"},
    examples={"tiny": EXAMPLE},
)


def _made_up_file(path: Path, rows: int = 3_000) -> Path:
    """Clients whose default grows with utilisation and falls with income."""
    rng = np.random.default_rng(3)
    income = rng.lognormal(8, 0.5, rows)
    utilisation = rng.uniform(0, 100, rows)
    risk = 1 / (1 + np.exp(-(utilisation / 25 - np.log(income) + 6.5)))
    frame = pd.DataFrame(
        {
            "client": np.arange(rows),
            "income": income.round(2),
            "utilisation": [
                f"{u:.1f}%" if k % 2 else f"{u:.1f}" for k, u in enumerate(utilisation)
            ],
            "region": rng.choice(REGIONS, rows),
            "repaid": (rng.random(rows) < risk).astype(int),
        }
    )
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder with a tiny model of the third profile."""
    root = tmp_path_factory.mktemp("third")
    data = _made_up_file(root / "tiny_loans.csv")
    config = TrainConfig(
        data_path=data, profile=TINY_LOANS, models_root=root / "models", preset="tiny"
    )
    sign_artifact(train(config), SIGNING_KEY)
    return root / "models"


@pytest.fixture()
def client(tiny_models: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setitem(PROFILES, TINY_LOANS.name, TINY_LOANS)
    with TestClient(create_app(make_settings(tiny_models))) as client:
        yield client


@pytest.mark.slow
def test_a_third_profile_is_served_and_documented(client: TestClient) -> None:
    by_name = client.post("/v1/tiny_loans/predict", json=EXAMPLE, headers=HEADERS)
    assert by_name.status_code == 200, by_name.text
    answer = by_name.json()
    assert answer["profile"] == "tiny_loans" and set(answer["probabilities"]) == {
        "repaid",
        "default",
    }
    assert answer["credit_class"] in ("Poor", "Standard", "Good")  # a two-class profile's band
    by_fields = client.post("/predict", json=EXAMPLE, headers=HEADERS).json()
    assert by_fields["profile"] == "tiny_loans"
    assert by_fields["probabilities"] == answer["probabilities"]
    assert (
        client.get("/v1/tiny_loans/model", headers=HEADERS).json()["fast_path"] == "native boosters"
    )
    spec = client.get("/openapi.json").json()
    record = spec["components"]["schemas"]["TinyLoansRecord"]["properties"]
    assert record["utilisation"]["anyOf"][1]["pattern"].endswith("%$")
    assert "/v1/tiny_loans/predict" in spec["paths"]
    assert client.get("/docs").status_code == 200


@pytest.mark.slow
def test_the_new_kind_reads_its_forms_and_refuses_the_impossible(client: TestClient) -> None:
    as_number = {"data": EXAMPLE["data"] | {"utilisation": 35}}
    answers = [
        client.post("/v1/tiny_loans/predict", json=body, headers=HEADERS)
        for body in (EXAMPLE, as_number)
    ]
    assert [a.status_code for a in answers] == [200, 200]
    assert answers[0].json()["probabilities"] == answers[1].json()["probabilities"]
    impossible = {"data": EXAMPLE["data"] | {"utilisation": "140%"}}
    refused = client.post("/v1/tiny_loans/predict", json=impossible, headers=HEADERS)
    assert refused.status_code == 422
    assert refused.json()["fields"][0]["field"] == "data.utilisation"
