"""Domain errors and the one place where every error becomes an HTTP response."""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from credit_scoring.profiles import Profile
from credit_scoring.service.request_context import context_of
from credit_scoring.service.schemas import ErrorResponse, FieldError

logger = logging.getLogger(__name__)


class ServiceError(Exception):
    """An error with its HTTP status, machine-readable code and message."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class ModelNotReady(ServiceError):
    status, code = 503, "model_not_ready"


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class RateLimited(ServiceError):
    status, code = 429, "rate_limited"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class PayloadTooLarge(ServiceError):
    status, code = 413, "payload_too_large"


class AuditUnavailable(ServiceError):
    status, code = 503, "audit_unavailable"


def request_id_of(request: Request) -> str:
    """The request id set by the request-context middleware."""
    return context_of(request).request_id


def error_document(
    request_id: str, code: str, message: str, fields: list[FieldError] | None = None
) -> dict[str, Any]:
    """The JSON error body every failure answers with, from the app, its middleware, or the
    HTTP server itself."""
    body = ErrorResponse(request_id=request_id, error=code, message=message, fields=fields or [])
    return body.model_dump(mode="json")


def error_bytes(request_id: str, code: str, message: str) -> bytes:
    """``error_document`` encoded, for the layers below FastAPI."""
    return json.dumps(error_document(request_id, code, message)).encode()


def error_response(
    request_id: str,
    status: int,
    code: str,
    message: str,
    fields: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """``error_document`` as a response, with the request id header."""
    merged = {"X-Request-ID": request_id} | (headers or {})
    return JSONResponse(
        error_document(request_id, code, message, fields), status_code=status, headers=merged
    )


MAX_NAME_CHARS = 64  # a long unknown field name is not echoed whole


def _field_name(location: tuple[Any, ...]) -> str:
    parts = [_shortened(str(part)) for part in location if part != "body"]
    return ".".join(parts) or "body"


def _shortened(name: str) -> str:
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1] + "…"


def _explained(error: dict[str, Any], profile: Profile | None) -> tuple[str, str]:
    """The message and type of one validation error, in the client's terms (the names of
    ``profile``, the one the body was read for)."""
    kind = str(error.get("type", "value_error"))
    location = error.get("loc", ())
    name = str(location[-1]) if location else ""
    other = profile.other_name.get(name) if profile else None
    if kind == "missing" and other:
        return f"Field required: send '{name}' (or its alias '{other}')", kind
    if kind == "extra_forbidden" and other:
        return f"Both '{other}' and '{name}' were sent: they name one field; send one", (
            "duplicate_field"
        )
    if kind == "extra_forbidden":
        return "Unknown field name (check the spelling; see the schema in /docs)", kind
    if "input" in error and error["input"] is None and profile and name in profile.required_names:
        return f"'{name}' is required and may not be null", "null_not_allowed"
    return str(error.get("msg", "invalid value")), kind


MAX_LISTED_ERRORS = 50


def field_errors(
    errors: list[dict[str, Any]], profile: Profile | None, prefix: tuple[Any, ...] = ()
) -> list[FieldError]:
    """The first MAX_LISTED_ERRORS validation errors as the API reports them, each field
    named by its path in the body (a body of 100,000 bad fields gets a short answer)."""
    return [
        FieldError(field=_field_name(prefix + tuple(e.get("loc", ()))), message=message, type=kind)
        for e in errors[:MAX_LISTED_ERRORS]
        for message, kind in [_explained(e, profile)]
    ]


def is_json(content_type: str | None) -> bool:
    """True for application/json and any +json media type."""
    if not content_type:
        return False
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _is_unparseable_body(errors: list[dict[str, Any]], content_type: str | None) -> bool:
    """True when the body is empty, not JSON, or not declared as JSON (a request whose
    errors are in its query alone has no body to blame)."""
    if not any(tuple(error.get("loc", ()))[:1] == ("body",) for error in errors):
        return False
    if not is_json(content_type):
        return True
    for error in errors:
        if error.get("type") == "json_invalid":
            return True
        if error.get("type") == "missing" and tuple(error.get("loc", ())) == ("body",):
            return True
    return False


def _validation_handler(profiles: list[Profile]) -> Any:
    """The 422 (or 400 for a body that is no JSON) of a request that fails validation, its
    fields explained in the terms of the profile the body was read for."""
    by_name = {profile.name: profile for profile in profiles}

    async def validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = list(exc.errors())
        request_id = request_id_of(request)
        if _is_unparseable_body(errors, request.headers.get("content-type")):
            return error_response(
                request_id,
                400,
                "invalid_json",
                "The body must be a JSON object in UTF-8 sent with the header "
                "Content-Type: application/json.",
            )
        context = context_of(request)
        profile = by_name.get(context.profile or "")
        fields = field_errors(errors, profile)
        context.invalid_fields = [f.field for f in fields]
        listed = ", ".join(f.field for f in fields)
        unlisted = len(errors) - len(fields)
        more = f" and {unlisted} more, not listed" if unlisted else ""
        return error_response(
            request_id, 422, "validation_error", f"Invalid fields: {listed}{more}", fields
        )

    return validation


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return error_response(
        request_id_of(request),
        exc.status_code,
        "http_error",
        str(exc.detail),
        headers=dict(exc.headers or {}),
    )


async def _service_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    return error_response(
        request_id_of(request), exc.status, exc.code, exc.message, headers=exc.headers
    )


def install_error_handlers(app: FastAPI, profiles: list[Profile]) -> None:
    """Map validation, HTTP and domain errors to JSON responses carrying the request id."""
    app.add_exception_handler(RequestValidationError, _validation_handler(profiles))
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(ServiceError, _service_error)
