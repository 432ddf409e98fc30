"""Request bodies: read only after the caller is authenticated, parsed and validated off the
event loop (a 2 MB body of a hundred thousand bad fields never stalls other requests), and
described in the OpenAPI document as if FastAPI had read them."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.models import Example
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool

from credit_scoring.service.errors import is_json


def _unreadable(kind: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"type": kind, "loc": ("body",), "msg": message}])


def parse_body(model: type[BaseModel], raw: bytes, content_type: str | None) -> BaseModel:
    """``raw`` as ``model``; errors shaped as FastAPI's (locations start at "body")."""
    if not raw or not is_json(content_type):
        raise _unreadable("missing", "Field required")
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        raise _unreadable("json_invalid", "JSON decode error") from None
    try:
        return model.model_validate(document)
    except ValidationError as error:
        errors = [e | {"loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        raise RequestValidationError(errors) from None


BodyReader = Callable[[Request], Coroutine[Any, Any, BaseModel]]


def body_reader(model: type[BaseModel]) -> BodyReader:
    """A dependency reading the body as ``model``; routes list it after authentication."""

    async def read(request: Request) -> BaseModel:
        raw = await request.body()
        return await run_in_threadpool(parse_body, model, raw, request.headers.get("content-type"))

    return read


def documented_body(
    model: type[BaseModel], examples: dict[str, Example] | None = None
) -> dict[str, Any]:
    """A route's ``openapi_extra`` naming ``model`` as its JSON body."""
    media: dict[str, Any] = {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
    if examples:
        media["examples"] = examples
    return {"requestBody": {"required": True, "content": {"application/json": media}}}


def document_request_models(app: FastAPI, models: list[type[BaseModel]]) -> None:
    """Make ``app.openapi()`` define the request models the routes name in openapi_extra."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            spec = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            _, definitions = models_json_schema(
                [(model, "validation") for model in models],
                ref_template="#/components/schemas/{model}",
            )
            spec.setdefault("components", {}).setdefault("schemas", {}).update(
                definitions.get("$defs", {})
            )
            app.openapi_schema = spec
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
