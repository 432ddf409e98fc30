"""A challenger in the shadows: with one, every answer is what the champion alone answers,
and each audit record also holds the challenger's version, probabilities and would-be
decision; a challenger that raises on every call changes no answer, loses no record and is
counted; /model and /ready name it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from credit_scoring.ml.artifact import read_metadata, sign_artifact
from credit_scoring.ml.training import TrainConfig
from credit_scoring.ml.training_run import train
from credit_scoring.profiles import get_profile
from credit_scoring.service.app import create_app
from credit_scoring.service.settings import Settings
from tests.helpers import HEADERS, SIGNING_KEY, make_settings, spooled_records, without_ids

BATCH = 100


@pytest.fixture(scope="module")
def challengers(raw_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder holding a second credit_score model (another seed), signed."""
    root = tmp_path_factory.mktemp("challengers")
    profile = get_profile("credit_score")
    config = TrainConfig(
        data_path=raw_file, profile=profile, models_root=root, preset="tiny", seed=7
    )
    sign_artifact(train(config), SIGNING_KEY)
    return root


def _answers(
    settings: Settings, bodies: list[dict[str, Any]], breaks: bool = False
) -> tuple[list[Any], str]:
    """Each body's answer from /predict/batch (its ids left out), and the metrics after;
    with ``breaks``, the challenger raises on every call."""
    with TestClient(create_app(settings)) as client:
        if breaks:
            service = client.app.state.service  # type: ignore[attr-defined]
            service.challengers["credit_score"].scorer.score_columns = _raise
        answers = [
            client.post("/predict/batch", json=body, headers=HEADERS).json() for body in bodies
        ]
        metrics = client.get("/metrics").text
    return [without_ids(answer) for answer in answers], metrics


def _raise(*args: object) -> None:
    raise RuntimeError("the challenger broke")


@pytest.fixture(scope="module")
def bodies(api_records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"data": api_records[start : start + BATCH]} for start in range(0, 3 * BATCH, BATCH)]


@pytest.fixture(scope="module")
def alone(trained_dir: Path, bodies: list[dict[str, Any]]) -> list[Any]:
    """The champion's answers without a challenger."""
    return _answers(make_settings(trained_dir), bodies)[0]


def test_answers_are_the_champions_and_the_audit_holds_both(
    trained_dir: Path, challengers: Path, bodies: list[dict[str, Any]], alone: list[Any]
) -> None:
    settings = make_settings(trained_dir, challenger_path=challengers)
    answers, metrics = _answers(settings, bodies)
    assert answers == alone
    records = list(spooled_records(settings).values())
    assert len(records) == 3 * BATCH
    challenger_version = read_metadata(
        next((challengers / "credit_score").glob("credit_score-*"))
    ).version
    shadows = [record["challenger"] for record in records]
    assert {shadow["model_version"] for shadow in shadows} == {challenger_version}
    assert all(set(shadow["probabilities"]) == {"Poor", "Standard", "Good"} for shadow in shadows)
    assert {shadow["decision"] for shadow in shadows} <= {"APROVADO", "NEGADO"}
    # another model: its probabilities differ from the champion's for every applicant
    assert all(r["challenger"]["probabilities"] != r["outputs"]["probabilities"] for r in records)
    agreed = sum(r["challenger"]["decision"] == r["outputs"]["decision"] for r in records)
    assert (
        f'credit_challenger_decisions_total{{agreed="true",profile="credit_score"}} {agreed}.0'
        in metrics
    )


def test_a_challenger_that_raises_changes_no_answer_and_is_counted(
    trained_dir: Path, challengers: Path, bodies: list[dict[str, Any]], alone: list[Any]
) -> None:
    settings = make_settings(trained_dir, challenger_path=challengers)
    answers, metrics = _answers(settings, bodies, breaks=True)
    assert answers == alone
    records = list(spooled_records(settings).values())
    assert len(records) == 3 * BATCH
    assert {record["challenger"]["error"] for record in records} == {"RuntimeError"}
    assert 'credit_challenger_failures_total{profile="credit_score"} 3.0' in metrics


def test_model_and_ready_name_the_challenger(trained_dir: Path, challengers: Path) -> None:
    settings = make_settings(trained_dir, challenger_path=challengers)
    version = read_metadata(next((challengers / "credit_score").glob("credit_score-*"))).version
    with TestClient(create_app(settings)) as client:
        described = client.get("/v1/credit_score/model", headers=HEADERS).json()
        ready = client.get("/ready", headers=HEADERS).json()
    assert described["challenger"]["version"] == version
    assert ready["challengers"] == {"credit_score": version}


def test_a_challenger_that_does_not_load_stops_nothing(
    trained_dir: Path, tmp_path: Path, english: dict[str, Any]
) -> None:
    broken = tmp_path / "credit_score" / "credit_score-broken"
    broken.mkdir(parents=True)
    (broken.parent / "LATEST").write_text(broken.name)
    settings = make_settings(trained_dir, challenger_path=tmp_path)
    with TestClient(create_app(settings)) as client:
        ready = client.get("/ready", headers=HEADERS)
        answer = client.post("/predict", json=english, headers=HEADERS)
    assert ready.status_code == 200
    assert ready.json()["models"]["credit_score"] == read_metadata(trained_dir).version
    assert ready.json()["challengers"]["credit_score"].startswith("ArtifactError")
    assert answer.status_code == 200, answer.text


def test_a_challenger_of_a_profile_without_a_model_is_not_loaded(
    trained_dir: Path, tmp_path: Path
) -> None:
    """The models folder serves credit_score only; a card_default challenger would score
    nothing: it is not loaded, and /ready says why."""
    card = tmp_path / "card_default"
    card.mkdir()
    (card / "LATEST").write_text("card_default-any")
    (card / "card_default-any").mkdir()
    settings = make_settings(trained_dir, challenger_path=tmp_path)
    with TestClient(create_app(settings)) as client:
        ready = client.get("/ready", headers=HEADERS)
        service = client.app.state.service  # type: ignore[attr-defined]
        loaded = dict(service.challengers)
    assert ready.status_code == 200
    assert ready.json()["challengers"] == {"card_default": "not loaded: its profile has no model"}
    assert loaded == {}
