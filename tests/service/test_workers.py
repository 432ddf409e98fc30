"""Two uvicorn workers, as the image runs them: every scrape of /metrics, whichever worker
answers it, counts every request either worker served."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from credit_scoring.service.drift_monitor import DriftUpkeep
from tests.helpers import HEADERS, LiveServer, live_env
from tests.service.test_metrics import samples, total, value

REQUESTS = 40


def _workers(pid: int) -> list[int]:
    """The server's child processes (its workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


@pytest.mark.slow
def test_metrics_add_up_across_two_workers(trained_dir: Path, english: Any, tmp_path: Path) -> None:
    server = LiveServer(live_env(trained_dir, CREDIT_WORKERS="2"), cwd=tmp_path)
    try:
        workers = _workers(server.process.pid)
        with httpx.Client(base_url=server.url, timeout=10) as client:
            for _ in range(REQUESTS):  # a new connection each: both workers get some
                response = httpx.post(f"{server.url}/predict", json=english, headers=HEADERS)
                assert response.status_code == 200, response.text
            scrapes = [samples(httpx.get(f"{server.url}/metrics").text) for _ in range(8)]
            ready = client.get("/ready").status_code
    finally:
        server.stop()
    assert len(workers) >= 2 and ready == 200
    for found in scrapes:
        predicted = value(
            found, "credit_http_requests_total", route="/predict", method="POST", status="200"
        )
        assert predicted == REQUESTS
        assert total(found, "credit_predictions_total") == REQUESTS
        assert value(found, "credit_model_info", version=trained_dir.name, profile="credit_score")


@pytest.mark.slow
def test_the_rate_limit_holds_across_two_workers(
    trained_dir: Path, english: Any, tmp_path: Path
) -> None:
    env = live_env(trained_dir, CREDIT_WORKERS="2", CREDIT_RATE_LIMIT_PER_MINUTE="10")
    server = LiveServer(env, cwd=tmp_path)
    try:
        statuses = [  # a new connection each: both workers get some
            httpx.post(f"{server.url}/predict", json=english, headers=HEADERS).status_code
            for _ in range(24)
        ]
    finally:
        server.stop()
    # a burst of 10, and at most one more refilled while the requests ran (10 a minute)
    assert 10 <= statuses.count(200) <= 11, statuses
    assert statuses.count(429) == 24 - statuses.count(200)


@pytest.mark.slow
def test_any_worker_answers_for_every_workers_drift_window(
    trained_dir: Path, api_records: list[dict[str, Any]], tmp_path: Path
) -> None:
    server = LiveServer(live_env(trained_dir, CREDIT_WORKERS="2"), cwd=tmp_path)
    try:
        for start in range(0, 800, 100):  # a new connection each: both workers get some
            body = {"data": api_records[start : start + 100]}
            answer = httpx.post(f"{server.url}/predict/batch", json=body, headers=HEADERS)
            assert answer.status_code == 200, answer.text
        time.sleep(
            DriftUpkeep.PUBLISH_SECONDS + DriftUpkeep.COMPACT_SECONDS + 1
        )  # every worker has published its counts
        url = f"{server.url}/monitoring/drift?profile=credit_score"
        tables = [httpx.get(url, headers=HEADERS).json() for _ in range(8)]
    finally:
        server.stop()
    windows = [table["profiles"]["credit_score"]["window"] for table in tables]
    assert {(window["records"], window["workers"]) for window in windows} == {(800, 2)}
