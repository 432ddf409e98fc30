"""POST /predict goes straight to its endpoint (past the router and FastAPI's request
handling), and answers exactly as through the full stack: decisions and every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Router

from credit_scoring.service.app import create_app
from tests.helpers import HEADERS, make_settings, without_ids


@pytest.fixture(scope="module")
def clients(both_models: Path) -> Iterator[tuple[TestClient, TestClient]]:
    """The app as built (fast lane on), and the same app with every request through the
    full stack."""
    fast, full = create_app(make_settings(both_models)), create_app(make_settings(both_models))
    full._lanes.clear()  # type: ignore[attr-defined]
    with TestClient(fast) as fast_client, TestClient(full) as full_client:
        yield fast_client, full_client


def _cases(english: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    record = english["data"]
    return [
        ("/predict", {"json": english, "headers": HEADERS}),
        ("/v1/credit_score/predict?explain=true", {"json": english, "headers": HEADERS}),
        ("/predict?explain=maybe", {"json": english, "headers": HEADERS}),
        ("/predict", {"json": {"data": record | {"Age": -3}}, "headers": HEADERS}),
        ("/predict", {"json": {"data": record | {"Nope": 1}}, "headers": HEADERS}),
        ("/predict", {"json": {"data": {"x": 1}}, "headers": HEADERS}),
        ("/predict", {"content": b"{not json", "headers": HEADERS}),
        ("/predict", {"json": english}),
        ("/predict", {"json": english, "headers": {"x-api-key": "wrong"}}),
        ("/v1/card_default/predict", {"json": english, "headers": HEADERS}),
    ]


def _counted_requests(client: TestClient) -> list[str]:
    """The request counters' lines of /metrics (route, method and status labels)."""
    lines = client.get("/metrics").text.splitlines()
    return sorted(line for line in lines if line.startswith("credit_http_requests_total{"))


def test_each_answer_and_its_count_are_the_full_stacks(
    clients: tuple[TestClient, TestClient], english: dict[str, Any]
) -> None:
    fast, full = clients
    for path, request in _cases(english):
        got, expected = fast.post(path, **request), full.post(path, **request)
        assert got.status_code == expected.status_code, (path, got.text)
        assert without_ids(got.json()) == without_ids(expected.json()), path
        assert got.headers["content-type"] == expected.headers["content-type"]
        assert got.headers["x-request-id"]
    assert _counted_requests(fast) == _counted_requests(full)
    assert any('route="/v1/credit_score/predict"' in line for line in _counted_requests(fast))


def test_predict_skips_the_router_and_the_other_routes_do_not(
    clients: tuple[TestClient, TestClient],
    english: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast, _ = clients
    routed: list[str] = []
    original = Router.__call__

    async def counting(self: Router, scope: Any, receive: Any, send: Any) -> None:
        routed.append(scope["path"])
        await original(self, scope, receive, send)

    monkeypatch.setattr(Router, "__call__", counting)
    assert fast.post("/predict", json=english, headers=HEADERS).status_code == 200
    assert fast.post("/v1/credit_score/predict", json=english, headers=HEADERS).status_code == 200
    assert fast.get("/health").status_code == 200
    assert fast.post("/predict/batch", json={"data": [english["data"]]}, headers=HEADERS)
    assert routed == ["/health", "/predict/batch"]
