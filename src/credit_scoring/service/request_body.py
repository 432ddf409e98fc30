"""Request bodies: read only after the caller is authenticated, parsed and validated off the
event loop (a 2 MB body of a hundred thousand bad fields never stalls other requests), and
described in the OpenAPI document as if FastAPI had read them."""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.models import Example
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import models_json_schema
from starlette.concurrency import run_in_threadpool

from credit_scoring.profiles import Profile
from credit_scoring.service.errors import MAX_LISTED_ERRORS, is_json
from credit_scoring.service.request_context import context_of


def _unreadable(kind: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"type": kind, "loc": ("body",), "msg": message}])


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's members, refused when a name comes twice (no silent last-one-wins)."""
    members = dict(pairs)
    if len(members) < len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return members


# A JSON integer of more digits than any field's range allows is read as a float (infinite
# past ~308 digits), which validation refuses by the field's name: never Python's limit on
# int digits, which would fail the whole body.
MAX_INTEGER_DIGITS = 30


def _integer(text: str) -> int | float:
    return int(text) if len(text) <= MAX_INTEGER_DIGITS else float(text)


def parse_document(raw: bytes, content_type: str | None) -> Any:
    """The JSON document of a UTF-8 body; errors shaped as FastAPI's (locations start at
    "body"). A name twice in one object is refused by that name."""
    if not raw or not is_json(content_type):
        raise _unreadable("missing", "Field required")
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_unique_keys, parse_int=_integer)
    except _DuplicateKey as duplicate:
        raise RequestValidationError(
            [
                {
                    "type": "duplicate_key",
                    "loc": ("body", duplicate.key),
                    "msg": "This name comes twice in one JSON object: send it once",
                }
            ]
        ) from None
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise _unreadable("json_invalid", "JSON decode error") from None


def unknown_names(
    record: Any, profile: Profile, location: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """For a record of more fields than the profile has names, the errors of its unknown
    names (at ``location``), found by a set lookup each: validation would build a costly
    error for every one of a hostile record's thousands. Empty for any other record
    (validation says all)."""
    if not isinstance(record, dict) or len(record) <= len(profile.client_names):
        return []
    unknown = [name for name in record if name not in profile.client_names]
    errors = [
        {
            "type": "extra_forbidden",
            "loc": (*location, name),
            "msg": "Extra inputs are not permitted",
        }
        for name in unknown[:MAX_LISTED_ERRORS]
    ]
    # Past the errors an answer lists only their count is read: one error stands for each.
    return errors + errors[-1:] * (len(unknown) - len(errors))


def validate_document(model: type[BaseModel], document: Any, profile: Profile) -> BaseModel:
    """``document`` (``{"data": record}``) as ``model``; errors shaped as FastAPI's."""
    data = document.get("data") if isinstance(document, dict) else None
    unknown = unknown_names(data, profile, ("body", "data"))
    if unknown:
        raise RequestValidationError(unknown)
    try:
        return model.model_validate(document)
    except ValidationError as error:
        errors = [e | {"loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        raise RequestValidationError(errors) from None


def _sent_names(document: Any) -> set[str]:
    """The field names of a body's record (or of a batch's first records)."""
    data = document.get("data") if isinstance(document, dict) else None
    records = data[:10] if isinstance(data, list) else [data]
    return {str(name) for record in records if isinstance(record, dict) for name in record}


def fitting_profile(document: Any, profiles: list[Profile], *, batch: bool = False) -> Profile:
    """The profile whose field names (or aliases) the body's record uses most. When it uses
    none of any: a batch goes to the first profile (each item is then rejected on its own),
    a single record gets a 422 that names each profile's fields."""
    if len(profiles) == 1:
        return profiles[0]
    sent = _sent_names(document)
    overlap = {p.name: len(sent & p.client_names) for p in profiles}
    best = max(profiles, key=lambda p: overlap[p.name])
    if overlap[best.name] or batch:
        return best
    hints = "; ".join(
        f"{p.name} (e.g. {', '.join(_model_inputs(p)[:4])}; POST /v1/{p.name}/predict)"
        for p in profiles
    )
    raise RequestValidationError(
        [
            {
                "type": "no_matching_profile",
                "loc": ("body", "data"),
                "msg": f"The record's fields fit no profile. Send the fields of one of: {hints}",
            }
        ]
    )


def _model_inputs(profile: Profile) -> list[str]:
    return [name for name in profile.input_names if name not in profile.not_model_inputs]


@dataclass(frozen=True)
class ProfileBody:
    """A validated body and the profile it was validated for."""

    profile: Profile
    body: BaseModel


BodyReader = Callable[[Request], Coroutine[Any, Any, ProfileBody]]
T = TypeVar("T")

# Bodies up to this size are parsed and validated on the event loop (tens of microseconds);
# larger ones in a thread, so that a 2 MB body of bad fields never stalls other requests.
INLINE_BODY_BYTES = 16_384


ProfileChooser = Callable[[Any, list[Profile], bool], Profile]


def _fitting(document: Any, profiles: list[Profile], batch: bool) -> Profile:
    return fitting_profile(document, profiles, batch=batch)


def _document_and_profile(
    raw: bytes,
    content_type: str | None,
    profiles: list[Profile],
    batch: bool,
    choose: ProfileChooser,
) -> tuple[Any, Profile]:
    document = parse_document(raw, content_type)
    return document, choose(document, profiles, batch)


async def _inline(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` on the event loop: for a form's small body, cheaper than the
    thread hop of ``run_in_threadpool``, which takes the same arguments."""
    return function(*args)


def body_reader(
    models: dict[str, type[BaseModel]],
    profiles: list[Profile],
    *,
    batch: bool = False,
    choose: ProfileChooser = _fitting,
) -> BodyReader:
    """A dependency reading the body as the model of the profile it fits (of ``profiles``;
    ``choose`` says which), parsed and validated off the event loop; routes list it after
    authentication."""

    async def read(request: Request) -> ProfileBody:
        raw = await request.body()
        run = _inline if len(raw) <= INLINE_BODY_BYTES else run_in_threadpool
        content_type = request.headers.get("content-type")
        document, profile = await run(
            _document_and_profile, raw, content_type, profiles, batch, choose
        )
        context_of(request).profile = profile.name  # the error handler names fields by it
        body = await run(validate_document, models[profile.name], document, profile)
        return ProfileBody(profile, body)

    return read


def documented_body(
    models: list[type[BaseModel]], examples: dict[str, Example] | None = None
) -> dict[str, Any]:
    """A route's ``openapi_extra`` naming ``models`` (any one of them) as its JSON body."""
    refs = [{"$ref": f"#/components/schemas/{model.__name__}"} for model in models]
    media: dict[str, Any] = {"schema": refs[0] if len(refs) == 1 else {"anyOf": refs}}
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
