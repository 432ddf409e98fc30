"""A hostile client on the wire: partial requests, endless chunks, malformed headers, no key,
and a body slow to validate; against a real uvicorn server where the wire matters."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from credit_scoring.service import request_body
from credit_scoring.service.app import create_app
from credit_scoring.service.auth import hash_key
from tests.helpers import HEADERS, live_env, make_settings
from tests.helpers import LiveServer


@pytest.fixture(scope="module")
def server(trained_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    env = live_env(
        trained_dir,
        CREDIT_HEADER_TIMEOUT_SECONDS="1",
        CREDIT_BODY_TIMEOUT_SECONDS="1",
        CREDIT_MAX_BODY_BYTES="4096",
    )
    live = LiveServer(env, tmp_path_factory.mktemp("hostile"))
    yield live
    live.stop()


def raw_exchange(server: LiveServer, request: bytes, wait: float = 5) -> tuple[bytes, float]:
    """Send raw bytes, read until the server closes; what came back and how long it took."""
    host, port = server.url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=wait) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    return received, time.monotonic() - started


def status_and_body(response: bytes) -> tuple[int, dict[str, Any]]:
    head, _, body = response.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


def test_partial_headers_are_cut_off(server: LiveServer) -> None:
    response, seconds = raw_exchange(server, b"POST /predict HTTP/1.1\r\nHost: x\r\nx-api-")
    assert response == b"" and seconds < 4, (response, seconds)


def test_a_silent_connection_is_cut_off(server: LiveServer) -> None:
    response, seconds = raw_exchange(server, b"")
    assert response == b"" and seconds < 4


KEY_HEADER = b"".join(b"%s: %s\r\n" % (k.encode(), v.encode()) for k, v in HEADERS.items())


def partial_post(key_header: bytes) -> bytes:
    """A POST /predict whose body stops after 10 of its 500 bytes."""
    return (
        b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + key_header
        + b'Content-Length: 500\r\n\r\n{"data": {'
    )


def test_a_partial_body_times_out_with_408(server: LiveServer) -> None:
    response, seconds = raw_exchange(server, partial_post(KEY_HEADER))
    status, body = status_and_body(response)
    assert status == 408 and body["error"] == "request_timeout" and seconds < 4, response


@pytest.mark.parametrize("key", [b"", b"x-api-key: wrong\r\n"], ids=["no key", "wrong key"])
def test_a_body_without_a_valid_key_is_refused_before_it_is_read(
    server: LiveServer, key: bytes
) -> None:
    """A body that never finishes gets its 401 at once, not a 408 once the body's deadline
    (1 s here) has passed: the key is checked from the headers."""
    response, seconds = raw_exchange(server, partial_post(key))
    status, body = status_and_body(response)
    assert status == 401 and body["error"] == "unauthorized" and seconds < 0.9, (response, seconds)


def test_a_chunked_body_over_the_limit_gets_413(server: LiveServer) -> None:
    chunk = b"x" * 1000
    request = (
        b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + KEY_HEADER
        + b"Transfer-Encoding: chunked\r\n\r\n"
        + (b"%x\r\n" % len(chunk) + chunk + b"\r\n") * 5
        + b"0\r\n\r\n"
    )
    status, body = status_and_body(raw_exchange(server, request)[0])
    assert status == 413 and body["error"] == "payload_too_large", body


def test_a_malformed_request_gets_the_json_error_body(server: LiveServer) -> None:
    response, _ = raw_exchange(server, b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n")
    status, body = status_and_body(response)
    assert status == 400 and body["error"] == "bad_request" and body["request_id"], response
    assert b"content-type: application/json" in response.lower()


def test_a_body_with_two_lengths_is_refused_and_the_connection_closed(
    server: LiveServer,
) -> None:
    """Content-Length and Transfer-Encoding together: a proxy may end the body elsewhere
    (request smuggling, RFC 9112 §6.1). The raw exchange ends only when the server closes."""
    request = (
        b"POST /predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + KEY_HEADER
        + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
    )
    response, seconds = raw_exchange(server, request)
    status, body = status_and_body(response)  # refused by the HTTP parser itself
    assert status == 400 and body["error"] == "bad_request" and seconds < 2, response


def test_the_app_refuses_two_lengths_under_any_server(client: TestClient) -> None:
    """The same refusal from the app, for a server whose parser lets such a request by."""
    headers = HEADERS | {"content-length": "2", "transfer-encoding": "chunked"}
    response = client.post("/predict", content=b"{}", headers=headers)
    assert response.status_code == 400 and "not both" in response.json()["message"]
    assert response.headers["connection"] == "close"


def test_no_redirect_is_built_from_the_host_header(server: LiveServer) -> None:
    response, _ = raw_exchange(
        server, b"GET /metrics/ HTTP/1.1\r\nHost: evil.example.com\r\nConnection: close\r\n\r\n"
    )
    assert b"evil.example.com" not in response and b"location:" not in response.lower()
    assert int(response.split()[1]) == 404, response


def test_a_request_the_parser_refuses_is_logged_with_its_id(server: LiveServer) -> None:
    response, _ = raw_exchange(server, b"GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n")
    request_id = status_and_body(response)[1]["request_id"]
    deadline = time.monotonic() + 5
    while request_id not in server.log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert request_id in server.log.read_text()


def test_an_honest_client_is_served_as_before(server: LiveServer, english: Any) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for _ in range(3):  # one kept-alive connection, three requests
            assert client.post("/predict", json=english, headers=HEADERS).status_code == 200
            time.sleep(0.3)


def test_the_key_is_checked_before_the_body_is_read(client: TestClient) -> None:
    response = client.post(
        "/predict", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 401, response.text


def test_wrong_key_floods_are_throttled(trained_dir: Path) -> None:
    settings = make_settings(trained_dir, failed_key_limit_per_minute=5)
    with TestClient(create_app(settings)) as client:
        wrong = {"x-api-key": "guess"}
        statuses = [client.get("/model", headers=wrong).status_code for _ in range(8)]
        assert statuses == [401] * 5 + [429] * 3
        assert client.get("/model", headers=HEADERS).status_code == 200


def _guess(client: TestClient, route: str) -> int:
    if route == "/metrics":
        return client.get(route, headers={"authorization": "Bearer guess"}).status_code
    if route == "/ready":
        return client.get(route, headers={"x-api-key": "guess"}).status_code
    return client.post(route, json={}, headers={"x-api-key": "guess"}).status_code


def test_every_credential_failure_counts_against_the_address(trained_dir: Path) -> None:
    """Guesses spread over the routes that check a key or token share one limit: /ready no
    longer tells a valid key from a wrong one for free, nor /metrics its token."""
    settings = make_settings(
        trained_dir,
        failed_key_limit_per_minute=6,
        metrics_public=False,
        metrics_token_sha256=hash_key("the token"),
    )
    routes = ["/ready", "/metrics", "/predict", "/predict/batch", "/feedback", "/model"]
    with TestClient(create_app(settings)) as client:
        statuses = [_guess(client, route) for route in routes]
        assert statuses == [200] + [401] * 5, statuses  # /ready: the short answer
        assert [_guess(client, route) for route in routes] == [429] * 6
        assert client.get("/ready").status_code in (200, 503)  # no key: the short answer
        assert "reasons" in client.get("/ready").json()


LARGE = request_body.INLINE_BODY_BYTES + 1


def test_validation_runs_off_the_event_loop(
    trained_dir: Path, english: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While one large body takes a second to parse, /health still answers at once (a
    form's small body is parsed on the loop: bounded, tens of microseconds)."""
    real_loads = json.loads

    def slow_loads(raw: Any, **options: Any) -> Any:
        time.sleep(1.0)
        return real_loads(raw, **options)

    monkeypatch.setattr(request_body.json, "loads", slow_loads)
    app = create_app(make_settings(trained_dir))

    async def race() -> float:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            slow = asyncio.create_task(
                client.post(
                    "/feedback",
                    json={"request_id": "r", "actual_class": "Poor", "pad": "x" * LARGE},
                    headers=HEADERS,
                )
            )
            await asyncio.sleep(0.2)
            started = time.monotonic()
            assert (await client.get("/health")).status_code == 200
            health_seconds = time.monotonic() - started
            assert not slow.done()
            await slow
            return health_seconds

    assert asyncio.run(race()) < 0.5
