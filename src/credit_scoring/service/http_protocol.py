"""uvicorn's httptools HTTP/1.1 protocol (C parser, on uvloop: chosen by `make bench`) with
two guards: slow headers close the connection, and the server's own 400s (a request the
parser cannot read) are the JSON error body of every other error."""

from __future__ import annotations

import asyncio
import logging
import uuid
from functools import cache

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from credit_scoring.service.errors import error_bytes
from credit_scoring.service.settings import Settings

logger = logging.getLogger("credit_scoring.access")


@cache
def header_timeout_seconds() -> float:
    """The setting, read once per process (uvicorn builds a protocol per connection)."""
    return Settings().header_timeout_seconds


def json_400(message: str) -> bytes:
    """A whole HTTP 400 response whose body is the service's JSON error document; logged
    with its request id, as every other answer is."""
    request_id = uuid.uuid4().hex
    logger.warning(
        "request refused by the HTTP parser: %s",
        message,
        extra={"request_id": request_id, "status": 400},
    )
    body = error_bytes(request_id, "bad_request", message)
    head = (
        b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
        + b"content-length: %d\r\nx-request-id: %s\r\nconnection: close\r\n\r\n"
        % (len(body), request_id.encode())
    )
    return head + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """A request's headers must be complete within the header timeout, counted from the
    connection's opening or the previous response; else the connection is closed."""

    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._awaiting_headers() and self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_header_deadline()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        super().connection_lost(exc)

    def _awaiting_headers(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
        self._header_deadline = self.loop.call_later(
            header_timeout_seconds(), self._close_if_headers_late
        )

    def _close_if_headers_late(self) -> None:
        self._header_deadline = None
        if self._awaiting_headers() and not self.transport.is_closing():
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        self.transport.write(json_400(msg))
        self.transport.close()
