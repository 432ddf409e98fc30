"""Pure-ASGI request context: request id, body size limit, access log, last-resort 500."""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credit_scoring.service.metrics import UNMATCHED, Metrics

logger = logging.getLogger("credit_scoring.access")

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_RULE = (
    "X-Request-ID must be 1 to 128 characters, each a letter, a digit, '.', '_', ':' or '-' "
    "(send none and the server makes one)."
)


class _BodyTooLarge(Exception):
    pass


class _InvalidRequestId(Exception):
    pass


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _error_body(request_id: str, status: int, code: str, message: str) -> bytes:
    body = {"request_id": request_id, "error": code, "message": message, "fields": []}
    return json.dumps(body).encode()


class RequestContextMiddleware:
    """Give every request an id (kept from X-Request-ID when valid) and log its outcome."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, metrics: Metrics) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = _header(scope, b"x-request-id")
        request_id = sent if sent is not None and _VALID_ID.match(sent) else uuid.uuid4().hex
        started = time.perf_counter()
        scope.setdefault("state", {}).update(request_id=request_id, started=started)
        outcome: dict[str, Any] = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"], outcome["started"] = message["status"], True
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                message["headers"] = headers + [(b"x-request-id", request_id.encode())]
            await send(message)

        try:
            if sent is not None and sent != request_id:
                raise _InvalidRequestId
            declared = _header(scope, b"content-length")
            if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
                raise _BodyTooLarge
            await self.app(scope, self._limited(receive), send_with_id)
        except _InvalidRequestId:
            await self._fail(
                send_with_id, outcome, request_id, 400, "invalid_request_id", REQUEST_ID_RULE
            )
        except _BodyTooLarge:
            await self._fail(
                send_with_id,
                outcome,
                request_id,
                413,
                "payload_too_large",
                f"The body exceeds {self.max_body_bytes} bytes.",
            )
        except Exception:
            logger.exception("unhandled error", extra={"request_id": request_id})
            await self._fail(
                send_with_id,
                outcome,
                request_id,
                500,
                "internal_error",
                "Internal error; quote the request id when reporting it.",
            )
        finally:
            self._record(scope, request_id, outcome["status"], started)

    def _limited(self, receive: Receive) -> Receive:
        received = 0

        async def receive_limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise _BodyTooLarge
            return message

        return receive_limited

    @staticmethod
    async def _fail(
        send: Send, outcome: dict[str, Any], request_id: str, status: int, code: str, message: str
    ) -> None:
        if outcome["started"]:
            return
        body = _error_body(request_id, status, code, message)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _record(self, scope: Scope, request_id: str, status: int, started: float) -> None:
        """Access log line and request metrics (route templates only: bounded labels)."""
        state = scope.get("state", {})
        route = getattr(scope.get("route"), "path", UNMATCHED)
        seconds = time.perf_counter() - started
        method = str(scope.get("method"))
        self.metrics.observe_request(route, method, status, seconds)
        self.metrics.observe_invalid(state.get("invalid_fields", []))
        logger.info(
            "request",
            extra={
                "request_id": request_id,
                "client_id": state.get("client_id"),
                "method": method,
                "route": route,
                "status": status,
                "latency_ms": round(seconds * 1000, 3),
                "model_version": state.get("model_version"),
            },
        )
