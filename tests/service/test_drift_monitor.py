"""GET /monitoring/drift and the PSI gauges: unchanged traffic stays `ok`, shifted traffic
moves the shifted input to `act` and leaves the others; a small window says `too_few`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from credit_scoring.ml.artifact import load_artifact
from credit_scoring.service.app import create_app
from credit_scoring.service import drift_monitor
from credit_scoring.service.drift_monitor import InputWindow, _last
from tests.helpers import HEADERS, make_settings
from tests.service.test_metrics import samples, value

WINDOW = 1_000


@pytest.fixture
def fresh_client(trained_dir: Path) -> Iterator[TestClient]:
    """An app nobody else has sent anything to, with a window of 1,000 records."""
    settings = make_settings(trained_dir.parent, drift_window_records=WINDOW)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _send(client: TestClient, records: list[dict[str, Any]]) -> None:
    for start in range(0, len(records), 500):
        body = {"data": records[start : start + 500]}
        response = client.post("/predict/batch", json=body, headers=HEADERS)
        assert response.status_code == 200, response.text


def _drift(client: TestClient) -> dict[str, Any]:
    response = client.get("/monitoring/drift?profile=credit_score", headers=HEADERS)
    assert response.status_code == 200, response.text
    table: dict[str, Any] = response.json()["profiles"]["credit_score"]
    return table


def test_shifted_traffic_moves_its_input_and_not_the_others(
    fresh_client: TestClient, api_records: list[dict[str, Any]]
) -> None:
    assert _drift(fresh_client)["window"]["records"] == 0
    _send(fresh_client, api_records[:WINDOW])
    unchanged = _drift(fresh_client)
    assert unchanged["window"]["records"] == WINDOW and unchanged["window"]["from"]
    levels = {name: row["level"] for name, row in unchanged["inputs"].items()}
    assert set(levels.values()) == {"ok"}, levels
    older = [r | {"Age": min(float(r["Age"]) + 25, 95)} for r in api_records[:WINDOW]]
    _send(fresh_client, older)
    shifted = _drift(fresh_client)["inputs"]
    assert shifted["Age"]["level"] == "act" and shifted["Age"]["psi"] > 0.25
    assert [name for name, row in shifted.items() if row["level"] != "ok"] == ["Age"]
    found = samples(fresh_client.get("/metrics").text)
    psi = value(found, "credit_input_psi", profile="credit_score", input="Age")
    assert psi == pytest.approx(shifted["Age"]["psi"])
    assert value(found, "credit_drift_window_records", profile="credit_score") == WINDOW


def test_a_small_window_does_not_call_a_level(
    fresh_client: TestClient, api_records: list[dict[str, Any]]
) -> None:
    _send(fresh_client, api_records[:50])
    table = _drift(fresh_client)
    assert {row["level"] for row in table["inputs"].values()} == {"too_few"}
    assert all(np.isfinite(row["psi"]) for row in table["inputs"].values())
    found = samples(fresh_client.get("/metrics").text)
    assert not [key for key in found if key[0] == "credit_input_psi"]


def test_an_unknown_profile_is_named(fresh_client: TestClient) -> None:
    response = fresh_client.get("/monitoring/drift?profile=nope", headers=HEADERS)
    assert response.status_code == 422 and response.json()["fields"][0]["field"] == "query.profile"
    assert fresh_client.get("/monitoring/drift").status_code == 401


Ages = Callable[[list[float]], dict[str, np.ndarray]]


def _age_window(trained_dir: Path, size: int) -> tuple[InputWindow, Ages]:
    """An empty window of the model's inputs, and records of given ages and no other input."""
    artifact = load_artifact(trained_dir)
    reference = artifact.metadata.input_reference
    assert reference is not None

    def ages(values: list[float]) -> dict[str, np.ndarray]:
        return {name: np.full(len(values), np.nan) for name in reference} | {
            "Age": np.asarray(values)
        }

    return InputWindow(artifact.profile, reference, size=size), ages


def test_the_window_keeps_the_last_records_across_requests_of_any_size(trained_dir: Path) -> None:
    window, ages = _age_window(trained_dir, size=5)
    window.add(ages([20.0, 21.0, 22.0]))
    window.add(ages([23.0]))
    window.add(ages([24.0, 25.0, 26.0]))
    assert _last(list(window._chunks), "Age", 5).tolist() == [22.0, 23.0, 24.0, 25.0, 26.0]
    assert window.table()["window"]["records"] == 5
    window.compact()  # joined into one chunk, in order
    assert len(window._chunks) == 1
    assert _last(list(window._chunks), "Age", 5).tolist() == [22.0, 23.0, 24.0, 25.0, 26.0]
    window.add(ages([27.0] * 7))  # a batch larger than the window
    assert len(window._chunks) == 1 and window.table()["window"]["records"] == 5


def test_records_added_while_a_compaction_joins_are_kept_in_order(
    trained_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The joining runs outside the lock: a request adding meanwhile is neither blocked nor
    lost, and stays after the joined records."""
    window, ages = _age_window(trained_dir, size=100)
    for age in (20.0, 21.0, 22.0):
        window.add(ages([age]))
    joining = drift_monitor.np.concatenate
    arrived: list[bool] = []

    def concatenate_while_a_request_adds(arrays: Any) -> Any:
        if not arrived:
            arrived.append(True)
            window.add(ages([23.0]))  # would deadlock if the lock were held here
        return joining(arrays)

    monkeypatch.setattr(drift_monitor.np, "concatenate", concatenate_while_a_request_adds)
    window.compact()
    monkeypatch.undo()
    assert len(window._chunks) == 2  # the three joined, then the one added meanwhile
    assert _last(list(window._chunks), "Age", 4).tolist() == [20.0, 21.0, 22.0, 23.0]
    window.add(ages([24.0]))
    window.compact()
    assert len(window._chunks) == 2  # the one joined before, then the two loose ones joined
    assert _last(list(window._chunks), "Age", 5).tolist() == [20.0, 21.0, 22.0, 23.0, 24.0]
    assert window.table()["window"]["records"] == 5
