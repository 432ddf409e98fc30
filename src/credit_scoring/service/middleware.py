"""Pure-ASGI request context: request id, the whole body read in time and within its size
limit before the app sees it, access log, last-resort 500."""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from credit_scoring.service.errors import ServiceError, error_bytes
from credit_scoring.service.metrics import UNMATCHED, Metrics
from credit_scoring.service.request_context import (
    InFlight,
    RequestContext,
    client_address,
    open_context,
)

logger = logging.getLogger("credit_scoring.access")

_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
REQUEST_ID_RULE = (
    "X-Request-ID must be 1 to 128 characters, each a letter, a digit, '.', '_', ':' or '-' "
    "(send none and the server makes one)."
)


Authenticate = Callable[[str | None, str, RequestContext], str]


class _Refusal(ServiceError):
    """A refusal made here, below the app: its status and code given with it."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code = status, code


class _BodyTooLarge(Exception):
    pass


class _AmbiguousLength(Exception):
    pass


# RFC 9112 §6.1: a proxy in front may read such a body's end elsewhere than we do (request
# smuggling), so it is refused and the connection closed.
AMBIGUOUS_LENGTH = "Send either Content-Length or Transfer-Encoding, not both."


class _ClientGone(Exception):
    pass


class _InvalidRequestId(Exception):
    pass


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return None


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that gives the app the body already read, then waits for a disconnect."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class RequestContextMiddleware:
    """Give every request an id (kept from X-Request-ID when valid) and log its outcome."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        body_timeout_seconds: float,
        metrics: Metrics,
        authenticate: Authenticate,
        in_flight: InFlight,
    ) -> None:
        self.app = app
        self.in_flight = in_flight
        self.max_body_bytes = max_body_bytes
        self.body_timeout_seconds = body_timeout_seconds
        self.metrics = metrics
        self.authenticate = authenticate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = _header(scope, b"x-request-id")
        request_id = sent if sent is not None and _VALID_ID.match(sent) else uuid.uuid4().hex
        started = time.perf_counter()
        context = open_context(scope, request_id, started)
        outcome: dict[str, Any] = {"status": 500, "started": False}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                outcome["status"], outcome["started"] = message["status"], True
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"x-request-id"]
                message["headers"] = headers + [(b"x-request-id", request_id.encode())]
            await send(message)

        self.in_flight.count += 1
        try:
            if sent is not None and sent != request_id:
                raise _InvalidRequestId
            self._admit(scope, context)
            async with asyncio.timeout(self.body_timeout_seconds):  # no task per request
                body = await self._read_body(receive)
            await self.app(scope, _replaying(body, receive), send_with_id)
        except _ClientGone:
            outcome["status"] = 499
        except Exception as error:
            await self._fail(send_with_id, outcome, request_id, self._refusal(error, request_id))
        finally:
            self.in_flight.count -= 1
            self._record(scope, context, outcome["status"])

    def _admit(self, scope: Scope, context: RequestContext) -> None:
        """Refuse from the headers alone, before a byte of the body is read: an ambiguous
        length, a POST without a valid key (every POST needs one), a declared size too big."""
        declared = _header(scope, b"content-length")
        if declared is not None and _header(scope, b"transfer-encoding") is not None:
            raise _AmbiguousLength
        if scope["method"] == "POST":
            self.authenticate(_header(scope, b"x-api-key"), client_address(scope), context)
        if declared and declared.isdigit() and int(declared) > self.max_body_bytes:
            raise _BodyTooLarge

    def _refusal(self, error: Exception, request_id: str) -> ServiceError:
        """What went wrong around (or inside) the app, as the error to answer with."""
        if isinstance(error, ServiceError):
            return error
        if isinstance(error, _InvalidRequestId):
            return _Refusal(400, "invalid_request_id", REQUEST_ID_RULE)
        if isinstance(error, _AmbiguousLength):
            return _Refusal(400, "bad_request", AMBIGUOUS_LENGTH)
        if isinstance(error, _BodyTooLarge):
            message = f"The body exceeds {self.max_body_bytes} bytes."
            return _Refusal(413, "payload_too_large", message)
        if isinstance(error, TimeoutError):
            message = f"The body did not arrive within {self.body_timeout_seconds:g} s."
            return _Refusal(408, "request_timeout", message)
        logger.exception("unhandled error", extra={"request_id": request_id})
        message = "Internal error; quote the request id when reporting it."
        return _Refusal(500, "internal_error", message)

    async def _read_body(self, receive: Receive) -> bytes:
        """The whole body (chunked or not), refused past max_body_bytes."""
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_body_bytes:
                raise _BodyTooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    async def _fail(
        send: Send, outcome: dict[str, Any], request_id: str, error: ServiceError
    ) -> None:
        if outcome["started"]:
            return
        body = error_bytes(request_id, error.code, error.message)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),  # the rest of a refused body is not read
        ] + [(name.lower().encode(), value.encode()) for name, value in error.headers.items()]
        await send({"type": "http.response.start", "status": error.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _record(self, scope: Scope, context: RequestContext, status: int) -> None:
        """Access log line and request metrics (route templates only: bounded labels)."""
        route = getattr(scope.get("route"), "path", UNMATCHED)
        seconds = time.perf_counter() - context.started
        method = str(scope.get("method"))
        self.metrics.observe_request(route, method, status, seconds)
        self.metrics.observe_invalid(context.invalid_fields)
        logger.info(
            "request",
            extra={
                "request_id": context.request_id,
                "client_id": context.client_id,
                "profile": context.profile,
                "method": method,
                "route": route,
                "status": status,
                "latency_ms": round(seconds * 1000, 3),
                "model_version": context.model_version,
            },
        )
