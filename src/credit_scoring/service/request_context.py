"""What the handling of one request learns, in one typed place: the middleware opens it (id,
start), dependencies and handlers fill it (client, profile, model, invalid fields), and the
access log and the metrics read it when the response has gone."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request
from starlette.types import Scope

SCOPE_KEY = "credit_context"


@dataclass
class RequestContext:
    """One request's id, start, and what its handling found out."""

    request_id: str
    started: float
    client_id: str | None = None
    profile: str | None = None
    model_version: str | None = None
    invalid_fields: list[str] = field(default_factory=list)


class InFlight:
    """How many HTTP requests this process is handling now (the middleware counts them)."""

    def __init__(self) -> None:
        self.count = 0

    def alone(self) -> bool:
        """True when at most one request is being handled: the caller's own."""
        return self.count <= 1


def open_context(scope: Scope, request_id: str, started: float) -> RequestContext:
    """A new request's context, kept in its ASGI scope."""
    context = RequestContext(request_id, started)
    scope[SCOPE_KEY] = context
    return context


def context_of(request: Request) -> RequestContext:
    """The request's context (one made up when no middleware opened it)."""
    context = request.scope.get(SCOPE_KEY)
    if context is None:
        context = open_context(request.scope, "unknown", 0.0)
    assert isinstance(context, RequestContext)
    return context


def client_address(scope: Scope) -> str:
    """The address the request came from (the proxy's, unless uvicorn trusts it)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def request_context(request: Request) -> RequestContext:
    """The request's context, as a dependency (async: FastAPI runs a plain function's
    dependency in a worker thread, a hop that costs more than the lookup)."""
    return context_of(request)


Context = Annotated[RequestContext, Depends(request_context)]
