"""The decision routes taken straight to their endpoint.

A POST to ``/predict`` went through the middlewares Starlette and FastAPI add (five layers),
the router's matching of every route and FastAPI's request handling before the endpoint ran:
about a quarter of a decision's CPU, for a route that needs none of it (its endpoint takes
the bare request and returns its response). Here the app sends those requests to the
endpoint directly, inside the same request-context middleware (id, body, key, access log,
metrics) and with the app's own exception handlers, so that every answer, refusal included,
is the one the full stack gives. Every other request goes through the full stack.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

Endpoint = Callable[[Request], Awaitable[Response]]


class ServiceApp(FastAPI):
    """FastAPI with a fast lane for the routes named in ``take_fast_lane``."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._lanes: dict[str, ASGIApp] = {}

    def take_fast_lane(self, routes: list[APIRoute], wrap: Callable[[ASGIApp], ASGIApp]) -> None:
        """POSTs to these routes' paths go to their endpoint (which takes the request alone),
        inside ``wrap`` (the request-context middleware)."""
        for route in routes:
            self._lanes[route.path] = wrap(_Lane(self, route))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        lane = None
        if scope["type"] == "http" and scope["method"] == "POST" and not scope.get("root_path"):
            lane = self._lanes.get(scope["path"])
        if lane is None:
            await super().__call__(scope, receive, send)
            return
        scope["app"] = self
        await lane(scope, receive, send)


class _Lane:
    """One route's endpoint as an ASGI app: its errors answered by the app's handlers."""

    def __init__(self, app: FastAPI, route: APIRoute) -> None:
        self.app = app
        self.route = route
        self.endpoint: Endpoint = route.endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["route"], scope["endpoint"], scope["path_params"] = self.route, self.endpoint, {}
        request = Request(scope, receive, send)
        try:
            response = await self.endpoint(request)
        except Exception as error:
            response = await self._handled(request, error)
        await response(scope, receive, send)

    async def _handled(self, request: Request, error: Exception) -> Response:
        """The response of the app's handler for ``error`` (the nearest class), or ``error``
        raised again when it has none (the middleware answers 500)."""
        for kind in type(error).__mro__:
            handler = self.app.exception_handlers.get(kind)
            if handler is None:
                continue
            handled = handler(request, error)
            return await handled if inspect.isawaitable(handled) else handled
        raise error
