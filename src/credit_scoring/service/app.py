"""The FastAPI application factory."""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from credit_scoring.ml.artifact import ArtifactError, load_artifact, models_under
from credit_scoring.ml.scorer import Scorer, ScorerError, check_examples
from credit_scoring.profiles import PROFILES, Profile
from credit_scoring.service.docs import add_docs
from credit_scoring.service.audit.sink import AuditSink
from credit_scoring.service.challenger import Challenger
from credit_scoring.service.object_store import object_store
from credit_scoring.service.auth import KeyRing, RateLimiter
from credit_scoring.service.errors import install_error_handlers
from credit_scoring.service.fast_lane import ServiceApp
from credit_scoring.service.middleware import RequestContextMiddleware
from credit_scoring.service.request_body import document_request_models
from credit_scoring.service.drift_monitor import DriftUpkeep
from credit_scoring.service.shared_buckets import SharedBuckets
from credit_scoring.service.workers import shared_folder
from credit_scoring.service.routes import (
    decision_router,
    monitoring_router,
    probe_router,
    profile_router,
)
from credit_scoring.service.schemas import request_schemas
from credit_scoring.service.scoring_queue import ScoringQueue
from credit_scoring.service.settings import Settings
from credit_scoring.service.state import ServiceState

logger = logging.getLogger(__name__)

SWITCH_INTERVAL_SECONDS = 0.001


def load_scorer(settings: Settings, profile: str, directory: Path) -> Scorer:
    """Load a profile's artifact: signed (unless allowed otherwise), unchanged, for this
    profile, and trained on real data (unless allowed otherwise)."""
    key = settings.model_signing_key
    artifact = load_artifact(
        directory,
        key.get_secret_value() if key else None,
        signature_required=not settings.allow_unsigned_model,
    )
    if artifact.metadata.profile != profile:
        raise ArtifactError(
            f"the model at {directory} is for profile "
            f"{artifact.metadata.profile!r}, not {profile!r}"
        )
    if artifact.metadata.training_data.kind == "synthetic" and not (settings.allow_synthetic_model):
        raise ArtifactError(
            f"the model {artifact.version} was trained on synthetic data and is no credit "
            "model; set CREDIT_ALLOW_SYNTHETIC_MODEL=true to serve it for a demonstration"
        )
    scorer = Scorer(artifact, settings.decision_threshold)
    check_examples(scorer)
    return scorer


def _limiter(per_minute: int, name: str) -> RateLimiter:
    """A limiter of this process, or of every worker when ``serve`` started several."""
    folder = shared_folder()
    if folder is None:
        return RateLimiter(per_minute=per_minute)
    return RateLimiter(per_minute=per_minute, buckets=SharedBuckets(folder / f"{name}.bin"))


LOAD_ERRORS = (ArtifactError, ScorerError, ImportError, OSError, ValueError, AttributeError)
# ImportError / AttributeError: pickled by a version whose classes moved; retrain


def load_models(state: ServiceState) -> None:
    """Load every model found, each in its own thread (much of a load runs in the boosters'
    and numpy's C code, outside the interpreter's lock); each failure is recorded for
    /ready, and the others still serve. Then each challenger whose profile has a model."""
    with ThreadPoolExecutor(max(1, len(state.models)), "model-load") as pool:
        loads = {
            profile: pool.submit(load_scorer, state.settings, profile, directory)
            for profile, directory in state.models.items()
        }
    for profile, load in loads.items():
        try:
            scorer = load.result()
        except LOAD_ERRORS as error:
            state.load_errors[profile] = f"{type(error).__name__}: {error}"
            logger.error("%s model not loaded: %s", profile, error)
            continue
        state.scoring[profile] = ScoringQueue(scorer, state.in_flight.alone)
        state.watch_drift(scorer)
        state.metrics.model.labels(scorer.version, profile).set(1)
        state.metrics.model_loaded.labels(scorer.version, profile).set_to_current_time()
        recall = scorer.artifact.metadata.metrics.test["decision"]["risk_recall"]
        state.metrics.risk_recall_at_training.labels(profile).set(recall)
        logger.info(
            "model loaded (fast path: %s)",
            scorer.fast_path,
            extra={"model_version": scorer.version},
        )
    load_challengers(state)


def load_challengers(state: ServiceState) -> None:
    """Load each challenger, verified like any model; one that fails is logged and shown in
    /ready's details, and its profile is decided by its champion alone. A challenger whose
    profile has no champion loaded is not loaded (it would score nothing), and /ready says
    so."""
    for profile, directory in state.challenger_models.items():
        if profile not in state.scoring:
            state.load_errors[f"{profile} challenger"] = "not loaded: its profile has no model"
            logger.error("%s challenger not loaded: its profile has no model", profile)
            continue
        try:
            scorer = load_scorer(state.settings, profile, directory)
        except LOAD_ERRORS as error:
            state.load_errors[f"{profile} challenger"] = f"{type(error).__name__}: {error}"
            logger.error("%s challenger not loaded: %s", profile, error)
            continue
        state.challengers[profile] = Challenger(scorer, state.metrics)
        logger.info("challenger loaded", extra={"model_version": scorer.version})


def found_models(settings: Settings) -> dict[str, Path]:
    """The models under CREDIT_MODEL_PATH, by profile (none when it holds none)."""
    try:
        return models_under(settings.model_path, list(PROFILES))
    except ArtifactError as error:
        logger.error("no model: %s", error)
        return {}


def found_challengers(settings: Settings) -> dict[str, Path]:
    """The challengers under the challengers' folder, by profile: none unless a challenger
    path or URI is set."""
    folder = settings.challengers_folder
    if not (settings.challenger_path or settings.challenger_uri) or not folder.exists():
        return {}
    try:
        return models_under(folder, list(PROFILES))
    except ArtifactError as error:
        logger.error("no challenger: %s", error)
        return {}


def _lifespan(state: ServiceState) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Start: load the models, start the audit sink. Stop: flush the audit log."""
    settings = state.settings

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(load_models, state)
        store = object_store(settings) if settings.audit_upload else None
        state.audit = AuditSink(settings, store, [profile.name for profile in state.profiles])
        state.audit.start()
        # with several workers, each answers for all their drift windows
        state.drift_upkeep = DriftUpkeep(state.drift, shared_folder())
        state.drift_upkeep.start()
        # What start-up built (models, libraries: millions of objects) lives as long as the
        # process; frozen, the collector no longer walks it, which took up to 100 ms at a
        # time under a flood of short-lived objects (a hostile batch's errors).
        gc.collect()
        gc.freeze()
        _return_free_memory()
        # A worker thread busy with a batch hands the interpreter's lock to the event loop
        # within 1 ms, not 5: /health and single decisions wait that long at most per step.
        sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
        yield
        state.drift_upkeep.stop()
        await run_in_threadpool(state.audit.stop, settings.audit_flush_seconds)

    return lifespan


def _return_free_memory() -> None:
    """Give the memory that loading freed back to the system (glibc keeps it otherwise:
    ~10 MB of the worker's resident memory here); nothing where there is no glibc."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


OPENAPI_URL = "/openapi.json"


def create_app(settings: Settings) -> FastAPI:
    """Build the app for every profile; its lifespan loads each model found once (503 on
    a profile's predictions while its model is not loaded)."""
    profiles = list(PROFILES.values())
    state = ServiceState(
        settings=settings,
        keys=KeyRing(settings.api_keys),
        limiter=_limiter(settings.rate_limit_per_minute, "rate-limit"),
        failed_keys=_limiter(settings.failed_key_limit_per_minute, "failed-keys"),
        profiles=profiles,
        models=found_models(settings),
        challenger_models=found_challengers(settings),
    )

    docs = settings.docs_enabled
    app = ServiceApp(
        title="Credit decision service",
        version="1.0",
        description="Scores credit applicants: class, probabilities and decision.",
        lifespan=_lifespan(state),
        docs_url=None,  # served by add_docs, with their assets
        redoc_url=None,
        openapi_url=OPENAPI_URL if docs else None,
        # No redirect to the slashless path: Starlette builds it from the client's Host
        # header, which would send a client anywhere it names.
        redirect_slashes=False,
    )
    app.state.service = state
    if docs:
        add_docs(app, OPENAPI_URL)
    install_error_handlers(app, profiles)
    decisions = include_routes(app, profiles, default=next(iter(state.models), profiles[0].name))
    around: dict[str, Any] = {
        "max_body_bytes": settings.max_body_bytes,
        "body_timeout_seconds": settings.body_timeout_seconds,
        "metrics": state.metrics,
        "authenticate": state.authenticate,
        "in_flight": state.in_flight,
    }
    app.add_middleware(RequestContextMiddleware, **around)
    single = [route for route in decisions if route.path.endswith("/predict")]
    app.take_fast_lane(single, lambda endpoint: RequestContextMiddleware(endpoint, **around))
    return app


def include_routes(app: FastAPI, profiles: list[Profile], default: str) -> list[APIRoute]:
    """Probes; /v1/<profile>/... for each profile; the unprefixed routes existing clients
    call (/predict and /predict/batch for every profile, /feedback and /model for
    ``default``, the first profile with a model); and the request models in the docs.
    Returns the decision routes."""
    deciding = [decision_router(profiles)] + [
        decision_router([profile], prefix=f"/v1/{profile.name}") for profile in profiles
    ]
    app.include_router(probe_router())
    app.include_router(monitoring_router(profiles))
    app.include_router(deciding[0])
    app.include_router(profile_router(PROFILES[default], profiles))
    for profile, router in zip(profiles, deciding[1:]):
        app.include_router(router)
        app.include_router(profile_router(profile, profiles, prefix=f"/v1/{profile.name}"))
    document_request_models(app, [m for p in profiles for m in request_schemas(p)])
    return [route for router in deciding for route in router.routes if isinstance(route, APIRoute)]


def app_from_environment() -> FastAPI:
    """Factory for uvicorn (``--factory``): settings from the environment, JSON logs."""
    from credit_scoring.logging_setup import configure_logging

    settings = Settings()
    configure_logging(settings.log_level, json_format=settings.log_json)
    return create_app(settings)
