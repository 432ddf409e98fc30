"""uvicorn's HTTP/1.1 protocol with two guards: slow headers close the connection, and the
server's own 400s (a request h11 cannot parse) are the JSON error body of every other error."""

from __future__ import annotations

import asyncio
import uuid
from functools import cache

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from credit_scoring.service.errors import error_bytes
from credit_scoring.service.settings import Settings


@cache
def header_timeout_seconds() -> float:
    """The setting, read once per process (uvicorn builds a protocol per connection)."""
    return Settings().header_timeout_seconds


class GuardedH11Protocol(H11Protocol):
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
        request_id = uuid.uuid4().hex
        body = error_bytes(request_id, "bad_request", msg)
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
            (b"connection", b"close"),
        ]
        for event in (
            h11.Response(status_code=400, headers=headers, reason=b"Bad Request"),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))
        self.transport.close()
