"""HTTP routes. They validate, call a plain function off the event loop, and return a model.

No `from __future__ import annotations` here: FastAPI must see the body readers, which are
built per profile at run time, as real objects.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.models import Example
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from pydantic import TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from credit_scoring.json_bytes import json_bytes
from credit_scoring.profiles import Profile
from credit_scoring.profiles.kinds import choices
from credit_scoring.ml.scorer import Scorer
from credit_scoring.service.audited_scoring import (
    Decided,
    decide_and_record,
    decided_from,
    record_columns,
)
from credit_scoring.service.errors import (
    NotFound,
    PayloadTooLarge,
    request_id_of,
)
from credit_scoring.service.audit.records import (
    decision_id_parts,
    feedback_record,
)
from credit_scoring.service.audit.streams import Stream
from credit_scoring.service.batch import check_records
from credit_scoring.service.schemas import (
    BatchItem,
    BatchResponse,
    ErrorResponse,
    FeedbackResponse,
    PredictResponse,
    RejectedItem,
    feedback_request_model,
    record_model,
    request_models,
)
from credit_scoring.service.model_info import model_description, report_plots
from credit_scoring.service.openapi_examples import (
    BATCH_EXAMPLE,
    ERROR_EXAMPLES,
    NOT_READY_EXAMPLE,
    READY_EXAMPLE,
    feedback_answer_example,
    feedback_example,
    refusal_examples,
)
from credit_scoring.service.request_body import (
    ProfileBody,
    ProfileChooser,
    body_reader,
    documented_body,
)
from credit_scoring.service.request_context import (
    Context,
    RequestContext,
    client_address,
    context_of,
)
from credit_scoring.service.state import (
    API_KEY_SECURITY,
    Client,
    ServiceState,
    State,
    authenticate,
    state_of,
)

ERROR_DESCRIPTIONS = {
    400: "The body is empty or not JSON.",
    401: "Missing or invalid x-api-key.",
    413: "Body or batch too large.",
    422: "Fields missing, unknown, or invalid.",
    429: "Rate limit exceeded; see Retry-After.",
    503: "The model is not loaded.",
}
ERRORS: dict[int | str, dict[str, Any]] = {
    status: {
        "model": ErrorResponse,
        "description": description,
        "content": {"application/json": {"example": ERROR_EXAMPLES[status]}},
    }
    for status, description in ERROR_DESCRIPTIONS.items()
}


def _answer_examples(examples: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    """A route's 200 answer with these named examples."""
    return {200: {"content": {"application/json": {"examples": examples}}}}


def _count(state: ServiceState, scorer: Scorer, decided: Decided) -> None:
    """The decisions into the metrics, their inputs into the drift window."""
    scored = decided.scored
    state.metrics.observe_decisions(
        scorer.profile.name, scored.credit_class, scored.decision, scored.risk_probability
    )
    state.metrics.observe_reasons(scorer.profile.name, decided.answers)
    window = state.drift.get(scorer.profile.name)
    if window is not None:
        window.add(decided.columns)


def _envelope(context: RequestContext, scorer: Scorer) -> dict[str, Any]:
    """The fields every prediction answer starts with (``Envelope``)."""
    return {
        "request_id": context.request_id,
        "model_version": scorer.version,
        "version": scorer.version,
        "profile": scorer.profile.name,
        "decision_threshold": scorer.threshold,
        "training_data": scorer.artifact.metadata.training_data.kind,
    }


def probe_router() -> APIRouter:
    """Liveness and readiness, open to everyone (details to clients); metrics to its token."""
    router = APIRouter(tags=["probes"])

    @router.get(
        "/health",
        summary="The process is alive",
        responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}},
    )
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/metrics",
        summary="Prometheus metrics (Authorization: Bearer <metrics token>)",
        response_class=PlainTextResponse,
    )
    async def metrics(request: Request, state: State) -> PlainTextResponse:
        state.check_metrics_token(
            request.headers.get("authorization"), client_address(request.scope)
        )
        body = await run_in_threadpool(state.metrics.render)
        return PlainTextResponse(body, media_type=CONTENT_TYPE_LATEST)

    @router.get(
        "/ready",
        summary="The model is loaded and decisions can be recorded",
        description=(
            "Status and short reasons; a valid x-api-key also gets the details (an invalid"
            " one counts against the address like any failed key)."
        ),
        responses={
            200: {"content": {"application/json": {"example": READY_EXAMPLE}}},
            429: {"model": ErrorResponse, "description": "Too many failed keys from here."},
            503: {
                "description": "Not ready; the reasons say why.",
                "content": {"application/json": {"example": NOT_READY_EXAMPLE}},
            },
        },
    )
    async def ready(request: Request, state: State) -> JSONResponse:
        key, address = request.headers.get("x-api-key"), client_address(request.scope)
        detailed = state.detailed_readiness(key, address)
        is_ready, body = await run_in_threadpool(state.readiness, detailed)
        return JSONResponse(body, status_code=200 if is_ready else 503)

    return router


def _batch_examples(profiles: list[Profile]) -> dict[str, Example]:
    """Each profile's seed bodies, two of each, as one batch per profile."""
    return {
        profile.name: {
            "summary": f"{profile.name}: its seed bodies as a batch",
            "value": {"data": [body["data"] for body in profile.examples.values()] * 2},
        }
        for profile in profiles
    }


def _examples(profiles: list[Profile]) -> dict[str, Example]:
    return {
        name: {"summary": f"{name.title()} client payload ({profile.name})", "value": value}
        for profile in profiles
        for name, value in profile.examples.items()
    }


EXPLAIN_DESCRIPTION = (
    "true: every answer carries its explanation, with the fields in favour too (a NEGADO "
    "answer always carries the fields against)."
)
EXPLAIN_PARAMETER: dict[str, Any] = {
    "name": "explain",
    "in": "query",
    "required": False,
    "schema": {"type": "boolean", "default": False},
    "description": EXPLAIN_DESCRIPTION,
}
_FLAG = TypeAdapter(bool)


def explain_requested(request: Request) -> bool:
    """The ``explain`` query parameter, read as FastAPI reads a boolean (a 422 naming it
    when it is not one)."""
    sent = request.query_params.get("explain")
    if sent is None:
        return False
    try:
        return _FLAG.validate_python(sent)
    except ValidationError as error:
        located = [detail | {"loc": ("query", "explain")} for detail in error.errors()]
        raise RequestValidationError(located) from None


async def _score_one(
    context: RequestContext, state: ServiceState, read: ProfileBody, explain: bool
) -> Response:
    """Decide one record on the event loop (a fraction of a millisecond, less than a thread
    hop costs; scored with the other requests of the moment) and answer once its audit
    record is on disk."""
    scorer = state.scorer_for(context, read.profile.name)
    sink = state.audit_sink()
    records = {0: read.body.data}  # type: ignore[attr-defined]
    challenger = state.challenger_for(scorer.profile.name)
    columns = record_columns(scorer, records)
    scored = await state.scoring[scorer.profile.name].score(columns)
    decided = decided_from(
        scorer,
        records,
        columns,
        scored,
        context,
        batch=False,
        explain=explain,
        challenger=challenger,
    )
    await sink.record_on_loop(Stream.PREDICTIONS, scorer.profile.name, decided.audit_records)
    _count(state, scorer, decided)
    # Built as the response model says (a test holds the two together), sent as it is.
    answer = json_bytes(_envelope(context, scorer) | decided.answers[0])
    return Response(answer, media_type="application/json")


async def _score_batch(
    context: RequestContext, state: ServiceState, read: ProfileBody, explain: bool
) -> Response:
    """A batch's answer, checked, decided and encoded in one worker thread (a thousand
    records never hold the event loop)."""
    scorer = state.scorer_for(context, read.profile.name)
    items = read.body.data  # type: ignore[attr-defined]
    limit = state.settings.max_batch_records
    if len(items) > limit:
        raise PayloadTooLarge(f"At most {limit} records per batch; got {len(items)}.")
    async with state.batch_slot:
        body = await run_in_threadpool(_batch_answer, context, state, scorer, items, explain)
    return Response(body, media_type="application/json")


def _batch_answer(
    context: RequestContext, state: ServiceState, scorer: Scorer, items: list[Any], explain: bool
) -> bytes:
    """Validate each record on its own; decide the valid ones, list the others with their
    errors, in the batch's order; each refused record costs its share of the rate limit."""
    checked = check_records(record_model(scorer.profile), items, scorer.profile)
    context.invalid_fields = [f.field for e in checked.rejected.values() for f in e]
    if checked.rejected and context.client_id is not None:
        state.limiter.charge(context.client_id, len(checked.rejected))
    results: list[BatchItem | RejectedItem] = [
        RejectedItem(index=i, fields=errors, more_errors=checked.unlisted[i])
        for i, errors in checked.rejected.items()
    ]
    if checked.valid:
        sink = state.audit_sink()
        challenger = state.challenger_for(scorer.profile.name)
        decided = decide_and_record(
            scorer, sink, checked.valid, context, batch=True, explain=explain, challenger=challenger
        )
        _count(state, scorer, decided)
        results += [BatchItem(index=i, **decided.answers[k]) for k, i in enumerate(checked.valid)]
    answer = BatchResponse(
        **_envelope(context, scorer),
        decided=len(checked.valid),
        rejected=len(checked.rejected),
        results=sorted(results, key=lambda result: result.index),
    )
    return answer.model_dump_json().encode()


def decision_router(profiles: list[Profile], prefix: str = "") -> APIRouter:
    """POST <prefix>/predict and <prefix>/predict/batch. With one profile, its routes; with
    several (the unprefixed routes existing clients call), each body goes to the profile its
    fields fit."""
    router = APIRouter(prefix=prefix, tags=["predictions"], responses=ERRORS)
    singles = {p.name: request_models(p)[0] for p in profiles}
    batches = {p.name: request_models(p)[1] for p in profiles}
    read_single = body_reader(singles, profiles)

    @router.post(
        "/predict",
        response_model=PredictResponse,
        responses=_answer_examples(refusal_examples(profiles)),
        summary="Score one applicant",
        openapi_extra=documented_body(list(singles.values()), _examples(profiles))
        | {"parameters": [EXPLAIN_PARAMETER], "security": API_KEY_SECURITY},
    )
    async def predict(request: Request) -> Response:
        # The dependencies' steps called directly: FastAPI's solving of them cost more than
        # the scoring. Authenticated first (the id goes into the context), then the body.
        context, state = context_of(request), state_of(request)
        authenticate(request, state, request.headers.get("x-api-key"))
        explain = explain_requested(request)
        return await _score_one(context, state, await read_single(request), explain)

    @router.post(
        "/predict/batch",
        response_model=BatchResponse,
        responses=_answer_examples(
            {"batch": {"summary": "One decided, one rejected", "value": BATCH_EXAMPLE}}
        ),
        summary="Score many applicants",
        openapi_extra=documented_body(list(batches.values()), _batch_examples(profiles)),
    )
    async def predict_batch(
        context: Context,
        state: State,
        client: Client,  # authenticated first (the id goes into the context), then the body
        read: Annotated[ProfileBody, Depends(body_reader(batches, profiles, batch=True))],
        explain: Annotated[bool, Query(description=EXPLAIN_DESCRIPTION)] = False,
    ) -> Response:
        return await _score_batch(context, state, read, explain)

    return router


def _decision_owner(route_profile: Profile) -> ProfileChooser:
    """The profile a feedback body's decision_id names (of those served), else the route's
    (a request id, or a decision id made before ids named their profile)."""

    def choose(document: Any, profiles: list[Profile], batch: bool) -> Profile:
        named = document.get("decision_id") if isinstance(document, dict) else None
        owner, _ = decision_id_parts(named)
        return next((p for p in profiles if p.name == owner), route_profile)

    return choose


def profile_router(profile: Profile, served: list[Profile], prefix: str = "") -> APIRouter:
    """POST <prefix>/feedback and GET <prefix>/model of one profile (feedback on another
    served profile's decision is filed under that one, and checked against its classes)."""
    router = APIRouter(prefix=prefix, tags=["predictions"], responses=ERRORS)
    feedback_models = {other.name: feedback_request_model(other) for other in served}
    reader = body_reader(feedback_models, served, choose=_decision_owner(profile))

    @router.post(
        "/feedback",
        response_model=FeedbackResponse,
        status_code=202,
        summary=f"Record the actual outcome of an earlier {profile.name} decision",
        description="Feedback is filed under the profile of the decision it names: a "
        "`decision_id` names its profile (`card_default-…`), and its `actual_class` must be "
        "one of that profile's classes, whichever feedback route it comes by. Feedback named "
        "by a `request_id` is filed under this route's profile and matched to that profile's "
        "decisions when the audit log is exported.",
        responses={
            202: {"content": {"application/json": {"example": feedback_answer_example(profile)}}}
        },
        openapi_extra=documented_body(
            [feedback_models[profile.name]],
            {
                "refusal_was_right": {
                    "summary": "The applicant defaulted",
                    "value": feedback_example(profile),
                }
            },
        ),
    )
    async def feedback(
        request: Request,
        state: State,
        client: Client,
        read: Annotated[ProfileBody, Depends(reader)],
    ) -> FeedbackResponse:
        sink = state.audit_sink()
        owner = read.profile.name
        record = feedback_record(
            read.body.model_dump(mode="json"), request_id_of(request), owner, client
        )
        await run_in_threadpool(sink.record, Stream.FEEDBACK, owner, [record])
        risk = record["actual_class"] == read.profile.risk_class
        _, decision = decision_id_parts(record["decision_id"])
        state.metrics.observe_feedback(owner, decision, risk)
        return FeedbackResponse(
            feedback_id=record["feedback_id"],
            decision_id=record["decision_id"],
            request_id=record["request_id"],
        )

    @router.get(
        "/model", summary=f"The {profile.name} model in service: version, data, metrics, threshold"
    )
    async def model(context: Context, state: State, client: Client) -> dict[str, Any]:
        challenger = state.challenger_for(profile.name)
        scorer = state.scorer_for(context, profile.name)
        return model_description(scorer, challenger.scorer if challenger else None)

    @router.get(
        "/model/plots/{name}",
        summary=f"A plot of the {profile.name} model's training report (names: report_plots "
        "in /model)",
        response_class=FileResponse,
        responses={200: {"content": {"image/png": {}}}, 404: {"model": ErrorResponse}},
    )
    async def plot(name: str, context: Context, state: State, client: Client) -> FileResponse:
        found = report_plots(state.scorer_for(context, profile.name)).get(name)
        if found is None:
            raise NotFound(f"No plot {name[:64]!r}; report_plots in /model lists them.")
        return FileResponse(found, media_type="image/png")

    return router


def monitoring_router(profiles: list[Profile]) -> APIRouter:
    """GET /monitoring/drift."""
    router = APIRouter(prefix="/monitoring", tags=["monitoring"], responses=ERRORS)
    names = [profile.name for profile in profiles]
    served: Any = choices("ServedProfile", tuple(names))  # another name is a documented 422

    @router.get(
        "/drift",
        summary="Data drift: each input's PSI over the recent decisions, against training",
        description=(
            "Per profile: the window of recent decided records (every worker's), its time span, "
            "and for each input the population stability index against the model's training "
            "inputs, its level (`ok`, `watch` from 0.10, `act` from 0.25, or `too_few` while "
            "the window is too small to tell: see `minimum_window`) and the window's shares "
            "per bin (the missing bin last)."
        ),
    )
    async def drift(
        state: State,
        client: Client,
        profile: Annotated[served | None, Query(description="One profile (default: all)")] = None,
    ) -> dict[str, Any]:
        chosen = [profile.value] if profile is not None else names
        return {"profiles": {name: state.drift_table(name) for name in chosen}}

    return router
